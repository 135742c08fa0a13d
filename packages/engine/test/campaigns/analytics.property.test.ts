// The Analys figures on random histories equal a straightforward computation from the rows:
// the engine counts with indexes and SQL aggregates (per-alert groups streamed from covering
// indexes, tallies folded, percentiles ranked in SQL); the reference below reads every
// recipient and delivery and counts them one by one in plain JavaScript. Every figure per
// alert, per group, per channel, per provider and per error code must agree, unfiltered and
// filtered to one channel. And the tallies the triggers keep on deliveries equal the ones
// counted afresh after any mix of inserts, updates and deletes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyticsFilterSchema, type Analytics, type Channel } from '@gdial/protocol';
import { nearestRank } from '../../src/campaigns/after-action';
import { alertAnalytics } from '../../src/campaigns/analytics';
import { silentLogger } from '../../src/log';
import { deliveryTallies, rebuildDeliveryTallies } from '../../src/store/analytics';
import { openStore, type Store } from '../../src/store/db';
import { addGroup, addTemplate } from './helpers';

const CHANNELS = ['sms', 'voice', 'email'] as const;
const STATES = ['queued', 'sent', 'delivered', 'failed', 'cancelled', 'skipped'] as const;
const PROVIDERS = [null, 'twilio', 'elks', 'sendgrid'] as const;
const CODES = [null, '30003', '30005', 'busy'] as const;
const T0 = Date.parse('2026-03-02T08:00:00.000Z');

interface Send {
  channel: Channel;
  state: string;
  provider: string | null;
  code: string | null;
  sentS: number | null;
}
interface Person {
  sends: Send[];
  confirmedS: number | null;
}
interface AlertSpec {
  day: number;
  test: boolean;
  group: number;
  people: Person[];
}

const sendArb: fc.Arbitrary<Send> = fc.record({
  channel: fc.constantFrom(...CHANNELS),
  state: fc.constantFrom(...STATES),
  provider: fc.constantFrom(...PROVIDERS),
  code: fc.constantFrom(...CODES),
  sentS: fc.option(fc.integer({ min: 0, max: 200 }), { nil: null }),
});
const personArb: fc.Arbitrary<Person> = fc.record({
  sends: fc.array(sendArb, { maxLength: 3 }),
  confirmedS: fc.option(fc.integer({ min: 0, max: 300 }), { nil: null }),
});
const alertArb: fc.Arbitrary<AlertSpec> = fc.record({
  day: fc.integer({ min: 0, max: 20 }),
  test: fc.boolean(),
  group: fc.integer({ min: 0, max: 2 }),
  people: fc.array(personArb, { maxLength: 7 }),
});

function write(store: Store, groups: number[], alerts: AlertSpec[]): void {
  const s = store.sqlite;
  const templateId = addTemplate(store);
  alerts.forEach((a, ai) => {
    const start = T0 + a.day * 86_400_000;
    const settings = { name: `Larm ${ai}`, templateId, audience: { groupIds: [groups[a.group]] }, steps: [{ channel: 'sms' }] };
    const { id } = s
      .prepare(
        `INSERT INTO campaigns (name, status, priority, template_id, test_group_id, settings, created_by, started_at)
         VALUES (?, 'completed', 0, ?, ?, ?, 'Test', ?) RETURNING id`,
      )
      .get(`Larm ${ai}`, templateId, a.test ? groups[0] : null, JSON.stringify(settings), new Date(start).toISOString()) as { id: number };
    a.people.forEach((p, pi) => {
      const confirmedAt = p.confirmedS === null ? null : new Date(start + p.confirmedS * 1000).toISOString();
      const r = s
        .prepare(
          `INSERT INTO campaign_recipients (campaign_id, display_name, language, outcome, confirmed_at) VALUES (?, ?, 'sv', ?, ?) RETURNING id`,
        )
        .get(id, `Person ${pi}`, confirmedAt ? 'confirmed' : 'unreached', confirmedAt) as { id: number };
      p.sends.forEach((d, k) =>
        s
          .prepare(
            `INSERT INTO deliveries (campaign_id, recipient_id, step_index, channel, address, token, state, priority, wait_seconds, condition,
                                     fall_through, provider, error_code, sent_at, body, segments)
             VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, 'not-confirmed', 0, ?, ?, ?, 'Hej', ?)`,
          )
          .run(
            id,
            r.id,
            k,
            d.channel,
            `+4670400${pi}${k}`,
            `t-${ai}-${pi}-${k}`,
            d.state,
            d.provider,
            d.code,
            d.sentS === null ? null : start + d.sentS * 1000,
            d.channel === 'sms' ? 1 : 0,
          ),
      );
    });
  });
}

interface RecipientRow {
  id: number;
  campaign_id: number;
  confirmed_at: string | null;
}
interface DeliveryRow {
  campaign_id: number;
  recipient_id: number;
  channel: Channel;
  provider: string | null;
  state: string;
  error_code: string | null;
  sent_at: number | null;
}

/** Every figure but the costs, counted row by row. */
function reference(store: Store, channel: Channel | null, groupNames: Map<number, string>) {
  const s = store.sqlite;
  const campaigns = s.prepare('SELECT id, started_at, settings FROM campaigns ORDER BY started_at, id').all() as {
    id: number;
    started_at: string;
    settings: string;
  }[];
  const recipients = s.prepare('SELECT id, campaign_id, confirmed_at FROM campaign_recipients').all() as RecipientRow[];
  const deliveries = s.prepare('SELECT * FROM deliveries').all() as DeliveryRow[];
  const secs = (ms: number | null) => (ms === null ? null : Math.round(ms / 100) / 10);
  const confirmation = (alertIds: Set<number>) => {
    const mine = recipients.filter((r) => alertIds.has(r.campaign_id));
    const waits = mine
      .filter((r) => r.confirmed_at !== null)
      .map((r) => {
        const sent = deliveries.filter((d) => d.recipient_id === r.id && d.sent_at !== null).map((d) => d.sent_at!);
        const started = Date.parse(campaigns.find((c) => c.id === r.campaign_id)!.started_at);
        return Math.max(0, Date.parse(r.confirmed_at!) - (sent.length ? Math.min(...sent) : started));
      })
      .sort((a, b) => a - b);
    return {
      recipients: mine.length,
      confirmed: waits.length,
      medianSeconds: secs(nearestRank(waits, 0.5)),
      p90Seconds: secs(nearestRank(waits, 0.9)),
    };
  };
  const alerts = campaigns.map((c) => ({ id: c.id, ...confirmation(new Set([c.id])) }));
  const groups = [...groupNames.entries()]
    .map(([groupId, name]) => {
      const ids = campaigns.filter((c) =>
        (JSON.parse(c.settings) as { audience: { groupIds: number[] } }).audience.groupIds.includes(groupId),
      );
      return { groupId, name, alerts: ids.length, ...confirmation(new Set(ids.map((c) => c.id))) };
    })
    .filter((g) => g.alerts > 0 && g.recipients > 0)
    .sort((a, b) => a.name.localeCompare(b.name, 'sv'));
  const chosen = deliveries.filter((d) => channel === null || d.channel === channel);
  const count = <T>(rows: DeliveryRow[], key: (d: DeliveryRow) => T | null) => {
    const out = new Map<string, { key: T; rows: DeliveryRow[] }>();
    for (const d of rows) {
      const k = key(d);
      if (k === null) continue;
      const id = JSON.stringify(k);
      const e = out.get(id) ?? { key: k, rows: [] };
      e.rows.push(d);
      out.set(id, e);
    }
    return [...out.values()];
  };
  const tally = (rows: DeliveryRow[]) => ({
    handedOver: rows.filter((d) => d.sent_at !== null).length,
    delivered: rows.filter((d) => d.state === 'delivered').length,
    failed: rows.filter((d) => d.state === 'failed').length,
  });
  const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    alerts,
    groups,
    channels: count(chosen, (d) => d.channel)
      .map(({ key, rows }) => ({ channel: key, deliveries: rows.length, ...tally(rows) }))
      .sort((a, b) => text(a.channel, b.channel)),
    providers: count(chosen, (d) => d.provider)
      .map(({ key, rows }) => ({ provider: key, ...tally(rows) }))
      .sort((a, b) => text(a.provider, b.provider)),
    errors: count(
      chosen.filter((d) => d.state === 'failed'),
      (d) => (d.provider !== null && d.error_code !== null ? [d.provider, d.error_code] : null),
    )
      .map(({ key, rows }) => ({ provider: key[0]!, code: key[1]!, count: rows.length }))
      .sort((a, b) => b.count - a.count || text(a.provider, b.provider) || text(a.code, b.code)),
  };
}

const essentials = (a: Analytics) => ({
  alerts: a.alerts.map((x) => ({
    id: x.id,
    recipients: x.recipients,
    confirmed: x.confirmed,
    medianSeconds: x.medianSeconds,
    p90Seconds: x.p90Seconds,
  })),
  groups: a.groups,
  channels: a.channels,
  providers: a.providers,
  errors: a.errors,
});

describe('Analys on random histories', () => {
  it('every figure equals the one counted row by row', () => {
    fc.assert(
      fc.property(
        fc.array(alertArb, { minLength: 1, maxLength: 5 }),
        fc.constantFrom<Channel | null>(null, 'sms', 'voice'),
        (alerts, channel) => {
          const store = openStore(':memory:', { logger: silentLogger() });
          try {
            const groups = [addGroup(store, 'Räddning'), addGroup(store, 'Hemtjänst'), addGroup(store, 'Stab')];
            write(store, groups, alerts);
            const names = new Map(groups.map((g, i) => [g, ['Räddning', 'Hemtjänst', 'Stab'][i]!]));
            const got = alertAnalytics(store.read, analyticsFilterSchema.parse({ from: '2026-03-01', to: '2026-03-31', channel }));
            const want = reference(store, channel, names);
            // The channel filter chooses alerts whose plan has the channel: every alert here plans SMS only.
            if (channel === 'voice') expect(got.alerts).toEqual([]);
            else expect(essentials(got)).toEqual(want);
          } finally {
            store.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

/** A change to one delivery (picked by position), as the dispatcher, a provider event or an erasure makes it. */
type Change =
  | {
      kind: 'set';
      pick: number;
      column: 'state' | 'provider' | 'error_code' | 'sent_at' | 'body' | 'segments' | 'address' | 'channel';
      value: string | number | null;
    }
  | { kind: 'delete'; pick: number }
  | { kind: 'erase-alert'; pick: number };

const changeArb: fc.Arbitrary<Change> = fc.oneof(
  fc.record({
    kind: fc.constant('set' as const),
    pick: fc.nat(),
    column: fc.constantFrom('state', 'provider', 'error_code', 'sent_at', 'body', 'segments', 'address', 'channel'),
    value: fc.constantFrom<string | number | null>(
      null,
      'delivered',
      'failed',
      'twilio',
      '30003',
      'Hej',
      'Hallå där',
      '+4670400',
      '+4580000',
      'sms',
      'voice',
      1_700_000_000_000,
    ),
  }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('erase-alert' as const), pick: fc.nat() }),
);

describe('the delivery tallies the triggers keep', () => {
  it('equal the tallies counted afresh from the deliveries after any inserts, updates and deletes', () => {
    fc.assert(
      fc.property(fc.array(alertArb, { minLength: 1, maxLength: 4 }), fc.array(changeArb, { maxLength: 25 }), (alerts, changes) => {
        const store = openStore(':memory:', { logger: silentLogger() });
        try {
          write(store, [addGroup(store, 'A'), addGroup(store, 'B'), addGroup(store, 'C')], alerts);
          const s = store.sqlite;
          for (const c of changes) {
            const ids = s.prepare('SELECT id, campaign_id FROM deliveries ORDER BY id').all() as { id: number; campaign_id: number }[];
            if (ids.length === 0) break;
            const row = ids[c.pick % ids.length]!;
            if (c.kind === 'delete') s.prepare('DELETE FROM deliveries WHERE id = ?').run(row.id);
            else if (c.kind === 'erase-alert') s.prepare('DELETE FROM deliveries WHERE campaign_id = ?').run(row.campaign_id);
            else {
              // NOT NULL columns keep a value; the rest take what was drawn.
              const value = c.value === null && ['state', 'address', 'channel'].includes(c.column) ? 'queued' : c.value;
              const v =
                c.column === 'channel' && value !== 'sms' && value !== 'voice'
                  ? 'email'
                  : c.column === 'segments'
                    ? (typeof value === 'number' ? value : (value?.length ?? 0)) % 4
                    : value;
              s.prepare(`UPDATE deliveries SET ${c.column} = ? WHERE id = ?`).run(v, row.id);
            }
          }
          const kept = deliveryTallies(store.read);
          store.transaction((tx) => rebuildDeliveryTallies(tx));
          expect(kept).toEqual(deliveryTallies(store.read));
          expect(kept.every((t) => t.n > 0)).toBe(true);
        } finally {
          store.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});
