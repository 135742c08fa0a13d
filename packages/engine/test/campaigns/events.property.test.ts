// Property: provider events (status callbacks, replies with confirmations, STOP and other
// text) applied in any order and with any duplication leave the outbox, the recipients,
// the opt-outs and the inbox in exactly the same state as applying them once in order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DeliveryStatus, ProviderEvent } from '@gdial/protocol';
import { CampaignService } from '../../src/campaigns/service';
import { addContact, addGroup, addTemplate, makeEnv } from './helpers';

const PEOPLE = 3;
const phoneOf = (p: number, k: number) => `+467040000${p}${k}`;
const statuses: DeliveryStatus[] = ['queued', 'sent', 'delivered', 'undelivered', 'failed', 'read'];
const replies = ['1', 'STOP', 'hej hej', 'Ja'];

type Spec =
  | { kind: 'status'; person: number; phone: number; status: DeliveryStatus }
  | { kind: 'reply'; person: number; phone: number; text: string };

const specArb: fc.Arbitrary<Spec> = fc.oneof(
  fc.record({ kind: fc.constant('status' as const), person: fc.nat(PEOPLE - 1), phone: fc.nat(1), status: fc.constantFrom(...statuses) }),
  fc.record({ kind: fc.constant('reply' as const), person: fc.nat(PEOPLE - 1), phone: fc.nat(1), text: fc.constantFrom(...replies) }),
);

function toEvents(specs: Spec[]): ProviderEvent[] {
  const t0 = Date.parse('2026-01-01T10:00:00Z');
  return specs.map((s, i): ProviderEvent => {
    const base = {
      eventKey: `e${i}`,
      provider: 'twilio' as const,
      channel: 'sms' as const,
      occurredAt: new Date(t0 + i * 1000).toISOString(),
    };
    return s.kind === 'status'
      ? {
          ...base,
          type: 'status',
          deliveryToken: null,
          providerId: `P${s.person}-${s.phone}`,
          status: s.status,
          failure: null,
          answeredBy: null,
          durationSec: null,
        }
      : {
          ...base,
          type: 'reply',
          deliveryToken: null,
          providerId: `IN${i}`,
          from: phoneOf(s.person, s.phone),
          to: '+46700000001',
          text: s.text,
        };
  });
}

/** A campaign whose first step (SMS to both numbers) is with the provider; step 2 (e-mail) waits. */
function outboxAfter(events: ProviderEvent[]) {
  const env = makeEnv();
  try {
    const g = addGroup(env.store, 'G');
    for (let p = 0; p < PEOPLE; p++)
      addContact(env.store, { name: `P${p}`, phones: [phoneOf(p, 0), phoneOf(p, 1)], emails: [`p${p}@example.se`], groups: [g] });
    const service = new CampaignService(env.ctx, {});
    const c = service.create({
      name: 'prop',
      templateId: addTemplate(env.store),
      audience: { groupIds: [g] },
      steps: [
        { channel: 'sms', numbers: 'all' },
        { channel: 'email', waitSeconds: 60 },
      ],
    });
    service.start(c.id);
    const s = env.store.sqlite;
    for (const r of s.prepare("SELECT d.id, d.address FROM deliveries d WHERE d.channel = 'sms'").all() as {
      id: number;
      address: string;
    }[]) {
      const person = Number(r.address.slice(-2, -1));
      const phone = Number(r.address.slice(-1));
      s.prepare(
        "UPDATE deliveries SET state = 'sent', provider = 'twilio', provider_id = ?, provider_status = 'queued', provider_rank = 10, sent_at = ?, attempts = 1 WHERE id = ?",
      ).run(`P${person}-${phone}`, Date.parse('2026-01-01T09:59:00Z'), r.id);
    }
    service.handleProviderEvents(events);
    void service.close();
    return {
      deliveries: s
        .prepare(
          'SELECT address, channel, state, provider_status, provider_rank, finished_at IS NOT NULL AS finished FROM deliveries ORDER BY address, channel',
        )
        .all(),
      recipients: s
        .prepare('SELECT display_name, outcome, confirmed_at, confirmed_via FROM campaign_recipients ORDER BY display_name')
        .all(),
      optOuts: s.prepare('SELECT channel, address FROM opt_outs ORDER BY channel, address').all(),
      inbox: s.prepare('SELECT from_address, text FROM inbox_messages ORDER BY from_address, text').all(),
    };
  } finally {
    env.close();
  }
}

describe('provider events', () => {
  it('any order and any duplication give the same final states', () => {
    fc.assert(
      fc.property(
        fc.array(specArb, { minLength: 1, maxLength: 14 }),
        fc.array(fc.nat(), { minLength: 0, maxLength: 10 }),
        fc.integer(),
        (specs, dupPicks, shuffleSeed) => {
          const events = toEvents(specs);
          const once = outboxAfter(events);
          // Redeliver some events, then shuffle everything.
          const noisy = [...events, ...dupPicks.map((i) => events[i % events.length]!)];
          let x = shuffleSeed >>> 0;
          for (let i = noisy.length - 1; i > 0; i--) {
            x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
            const j = x % (i + 1);
            [noisy[i], noisy[j]] = [noisy[j]!, noisy[i]!];
          }
          expect(outboxAfter(noisy)).toEqual(once);
        },
      ),
      { numRuns: 60 },
    );
  }, 120_000);
});
