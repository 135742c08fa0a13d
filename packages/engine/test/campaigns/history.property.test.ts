// Property: an alert's progress history (reached, confirmed, unreached, held over time) is a
// function of its delivery events alone. Provider events and path failures applied in any
// order and batching — read live after every batch as the live view does — end in the same
// curve as the events applied once in order; a restart of the engine changes nothing; and
// its final counts and confirmation times agree with the recipients' own columns.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CampaignHistory, DeliveryStatus, ProviderEvent } from '@gdial/protocol';
import { readHistory, recipientTimes } from '../../src/campaigns/history';
import { CampaignService } from '../../src/campaigns/service';
import { addDeliveryEvent } from '../../src/store/deliveries';
import { historyFacts } from '../../src/store/history';
import { addContact, addGroup, addTemplate, makeEnv } from './helpers';

const PEOPLE = 4;
const T0 = Date.parse('2026-01-01T10:00:00Z');
const NOW = T0 + 3_600_000;
const phoneOf = (p: number) => `+4670400000${p}`;
const statuses: DeliveryStatus[] = ['sent', 'delivered', 'undelivered', 'failed', 'read'];

type Spec =
  | { kind: 'status'; person: number; status: DeliveryStatus; second: number }
  | { kind: 'reply'; person: number; text: string; second: number }
  | { kind: 'path-down'; person: number; second: number };

const specArb: fc.Arbitrary<Spec> = fc.oneof(
  fc.record({
    kind: fc.constant('status' as const),
    person: fc.nat(PEOPLE - 1),
    status: fc.constantFrom(...statuses),
    second: fc.nat(600),
  }),
  fc.record({ kind: fc.constant('reply' as const), person: fc.nat(PEOPLE - 1), text: fc.constantFrom('1', 'hej'), second: fc.nat(600) }),
  fc.record({ kind: fc.constant('path-down' as const), person: fc.nat(PEOPLE - 1), second: fc.nat(600) }),
);

function providerEvent(s: Exclude<Spec, { kind: 'path-down' }>, i: number): ProviderEvent {
  const base = {
    eventKey: `e${i}`,
    provider: 'twilio' as const,
    channel: 'sms' as const,
    occurredAt: new Date(T0 + s.second * 1000).toISOString(),
  };
  return s.kind === 'status'
    ? {
        ...base,
        type: 'status',
        deliveryToken: null,
        providerId: `P${s.person}`,
        status: s.status,
        failure: null,
        answeredBy: null,
        durationSec: null,
      }
    : { ...base, type: 'reply', deliveryToken: null, providerId: `IN${i}`, from: phoneOf(s.person), to: '+46700000001', text: s.text };
}

/** An alert by SMS to PEOPLE people, every message with the provider; returns the environment and its service. */
function alertEnv(dir?: string) {
  const env = makeEnv(dir);
  const service = new CampaignService(env.ctx, {});
  return { env, service };
}

function startAlert() {
  const { env, service } = alertEnv();
  const g = addGroup(env.store, 'G');
  for (let p = 0; p < PEOPLE; p++) addContact(env.store, { name: `P${p}`, phones: [phoneOf(p)], groups: [g] });
  const c = service.create({
    name: 'förlopp',
    templateId: addTemplate(env.store),
    audience: { groupIds: [g] },
    steps: [{ channel: 'sms' }],
  });
  service.start(c.id);
  const s = env.store.sqlite;
  s.prepare('UPDATE campaigns SET started_at = ? WHERE id = ?').run(new Date(T0).toISOString(), c.id);
  for (const r of s.prepare('SELECT id, address FROM deliveries').all() as { id: number; address: string }[])
    s.prepare(
      "UPDATE deliveries SET state = 'sent', provider = 'twilio', provider_id = ?, provider_status = 'queued', provider_rank = 10, sent_at = ?, attempts = 1 WHERE id = ?",
    ).run(`P${r.address.slice(-1)}`, T0 + 1000, r.id);
  return { env, service, id: c.id };
}

function apply(ctx: ReturnType<typeof startAlert>, batch: { spec: Spec; i: number }[]) {
  const events: ProviderEvent[] = [];
  for (const { spec, i } of batch) {
    if (spec.kind === 'path-down') {
      // What the dispatcher records when a send fails on the path: the person waits for it.
      const d = ctx.env.store.sqlite.prepare('SELECT id FROM deliveries WHERE provider_id = ?').get(`P${spec.person}`) as { id: number };
      ctx.env.store.transaction((tx) =>
        addDeliveryEvent(tx, d.id, T0 + spec.second * 1000, 'retry', 'twilio: transient: 503; next attempt in 5 s'),
      );
    } else events.push(providerEvent(spec, i));
  }
  if (events.length) ctx.service.handleProviderEvents(events);
}

const historyOf = (
  ctx: { env: { store: { read: Parameters<typeof readHistory>[0] } }; service: CampaignService },
  id: number,
): CampaignHistory => readHistory(ctx.env.store.read, ctx.service.get(id), NOW);

function shuffled<T>(xs: T[], seed: number): T[] {
  const out = [...xs];
  let x = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('progress history', () => {
  it('read live in any order and batching ends equal to the history of the events in order', () => {
    fc.assert(
      fc.property(
        fc.array(specArb, { minLength: 1, maxLength: 16 }),
        fc.integer(),
        fc.integer({ min: 1, max: 5 }),
        (specs, seed, batch) => {
          const indexed = specs.map((spec, i) => ({ spec, i }));
          const inOrder = startAlert();
          const live = startAlert();
          try {
            apply(
              inOrder,
              [...indexed].sort((a, b) => a.spec.second - b.spec.second || a.i - b.i),
            );
            const rebuilt = historyOf(inOrder, 1);
            const mixed = shuffled(indexed, seed);
            let seen: CampaignHistory | undefined;
            for (let k = 0; k < mixed.length; k += batch) {
              apply(live, mixed.slice(k, k + batch));
              seen = historyOf(live, 1);
            }
            expect(seen).toEqual(rebuilt);
          } finally {
            void inOrder.service.close();
            void live.service.close();
            inOrder.env.close();
            live.env.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);

  it('a restart changes nothing, and the final counts agree with the recipients', () => {
    const a = startAlert();
    apply(a, [
      { spec: { kind: 'path-down', person: 0, second: 5 }, i: 0 },
      { spec: { kind: 'status', person: 0, status: 'delivered', second: 40 }, i: 1 },
      { spec: { kind: 'reply', person: 0, text: '1', second: 70 }, i: 2 },
      { spec: { kind: 'status', person: 1, status: 'delivered', second: 20 }, i: 3 },
      { spec: { kind: 'status', person: 2, status: 'failed', second: 30 }, i: 4 },
      { spec: { kind: 'path-down', person: 3, second: 10 }, i: 5 },
    ]);
    const before = historyOf(a, 1);
    void a.service.close();
    a.env.store.close();
    const b = alertEnv(a.env.dir);
    try {
      const after = historyOf(b, 1);
      expect(after).toEqual(before);
      const last = after.points.at(-1)!;
      const s = b.env.store.sqlite;
      const n = (sql: string) => (s.prepare(sql).get() as { n: number }).n;
      expect(last.confirmed).toBe(n("SELECT COUNT(*) AS n FROM campaign_recipients WHERE outcome = 'confirmed'"));
      expect(last.reached).toBe(n("SELECT COUNT(DISTINCT recipient_id) AS n FROM deliveries WHERE state = 'delivered'"));
      expect(last.unreached).toBe(n("SELECT COUNT(*) AS n FROM campaign_recipients WHERE outcome = 'unreached'"));
      expect(last).toMatchObject({ reached: 2, confirmed: 1, unreached: 1, held: 1 });
      // Person 0 was held from 5 s until the delivered status at 40 s.
      expect(after.stepSeconds).toBe(30);
      expect(after.points.map((p) => p.held)).toEqual(after.points.map((p) => (p.second === 30 ? 2 : p.second === 0 ? 0 : 1)));
      const times = recipientTimes(historyFacts(b.env.store.read, 1));
      for (const r of s.prepare('SELECT id, confirmed_at FROM campaign_recipients').all() as { id: number; confirmed_at: string | null }[])
        expect(times.get(r.id)!.confirmedAt).toBe(r.confirmed_at === null ? null : Date.parse(r.confirmed_at));
    } finally {
      void b.service.close();
      b.env.close();
    }
  });
});
