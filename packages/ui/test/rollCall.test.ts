import { describe, expect, it } from 'vitest';
import type { CampaignProgress, RecipientReport } from '@gdial/protocol';
import { chartRows, reachedCount } from '../src/components/progressHistory';
import {
  bucketCounts,
  bucketOf,
  filterRollCall,
  mergeChanged,
  openedAt,
  orderTimeline,
  phoneNumbersOf,
  startedDeliveries,
} from '../src/pages/campaigns/rollCall';
import { displayPhone } from '../src/components/phone';

const recipient = (id: number, displayName: string, outcome: RecipientReport['outcome'], address = '+46701234567'): RecipientReport => ({
  id,
  contactId: id,
  wave: 0,
  displayName,
  outcome,
  confirmedAt: null,
  confirmedVia: null,
  deliveries: [
    {
      id: id * 10,
      stepIndex: 0,
      channel: 'voice',
      address,
      state: 'failed',
      providerStatus: 'no-answer',
      attempts: 1,
      error: null,
      possibleDuplicate: false,
      sentAt: null,
      finishedAt: null,
      events: [],
    },
    {
      id: id * 10 + 1,
      stepIndex: 1,
      channel: 'sms',
      address,
      state: 'waiting',
      providerStatus: null,
      attempts: 0,
      error: null,
      possibleDuplicate: false,
      sentAt: null,
      finishedAt: null,
      events: [],
    },
  ],
});

describe('roll-call', () => {
  it("lists a person's phone numbers once each, in plan order, written the Swedish way", () => {
    const r = recipient(1, 'Anna Ek', 'unreached');
    r.deliveries.push({ ...r.deliveries[0]!, id: 99, stepIndex: 2, channel: 'email', address: 'anna@example.se' });
    r.deliveries.push({ ...r.deliveries[0]!, id: 98, stepIndex: 3, channel: 'voice', address: '+4686001234' });
    expect(phoneNumbersOf(r)).toEqual(['+46701234567', '+4686001234']);
    expect(phoneNumbersOf(r).map(displayPhone)).toEqual(['070-123 45 67', '08-600 12 34']);
  });

  it('sorts outcomes into confirmed / waiting / failed, reached counting as done without confirmation', () => {
    expect(bucketOf('reached', true)).toBe('waiting');
    expect(bucketOf('reached', false)).toBe('confirmed');
    expect(bucketOf('opted-out', true)).toBe('failed');
    expect(bucketCounts({ confirmed: 3, reached: 2, pending: 1, unreached: 4, cancelled: 1 }, true)).toEqual({
      confirmed: 3,
      waiting: 3,
      failed: 5,
    });
  });

  it('searches by name prefix (accents folded) and by phone digits written the Swedish way', () => {
    const rs = [recipient(1, 'Åsa Öberg', 'confirmed'), recipient(2, 'Per Lind', 'unreached', '+46709998877')];
    expect(filterRollCall(rs, 'all', 'asa', true).map((r) => r.id)).toEqual([1]);
    expect(filterRollCall(rs, 'all', 'lin', true).map((r) => r.id)).toEqual([2]);
    expect(filterRollCall(rs, 'all', '070-999', true).map((r) => r.id)).toEqual([2]);
    expect(filterRollCall(rs, 'failed', '', true).map((r) => r.id)).toEqual([2]);
    expect(filterRollCall(rs, 'confirmed', 'per', true)).toEqual([]);
  });

  it('gives the whole roll-call back as it is when nothing is filtered or searched (the list is not copied per push)', () => {
    const rs = [recipient(1, 'Åsa Öberg', 'confirmed'), recipient(2, 'Per Lind', 'unreached')];
    expect(filterRollCall(rs, 'all', '  ', true)).toBe(rs);
  });

  it('finds one person among 10,000 by name and by number', () => {
    const rs = Array.from({ length: 10_000 }, (_, i) =>
      recipient(i + 1, `Person ${String(i + 1).padStart(5, '0')}`, 'pending', `+4670${String(i + 1).padStart(7, '0')}`),
    );
    expect(filterRollCall(rs, 'all', 'person 05001', true).map((r) => r.id)).toEqual([5001]);
    expect(filterRollCall(rs, 'all', '070-000 50 01', true).map((r) => r.id)).toEqual([5001]);
  });

  it("keeps a person's search keys across new versions of their line, and makes them again when the name or a number changes", () => {
    const before = [recipient(7, 'Kim Berg', 'pending', '+46701112233')];
    expect(filterRollCall(before, 'all', 'kim', true)).toEqual(before);
    // Sent: a new object, same name and number.
    const sent = [{ ...before[0]!, outcome: 'in-progress' as const }];
    expect(filterRollCall(sent, 'all', 'berg', true)).toEqual(sent);
    // Erased from the register (GDPR): the line's name and numbers change under the same id.
    const erased = [{ ...sent[0]!, displayName: 'Raderad person', deliveries: sent[0]!.deliveries.map((d) => ({ ...d, address: '' })) }];
    expect(filterRollCall(erased, 'all', 'kim', true)).toEqual([]);
    expect(filterRollCall(erased, 'all', '0701112233', true)).toEqual([]);
    expect(filterRollCall(erased, 'all', 'raderad', true)).toEqual(erased);
  });

  it('puts changed lines in place: unchanged lines stay the same objects, newcomers go in id order', () => {
    const rs = [recipient(1, 'A', 'pending'), recipient(3, 'C', 'pending')];
    const place = new Map([
      [1, 0],
      [3, 1],
    ]);
    const c = recipient(3, 'C', 'confirmed');
    const once = mergeChanged(rs, place, [c]);
    expect(once.list).not.toBe(rs);
    expect(once.list[0]).toBe(rs[0]);
    expect(once.list[1]).toBe(c);
    expect(once.place).toBe(place);
    // A wave's newcomer after the last keeps the order without a sort; one before it is sorted in.
    const later = mergeChanged(once.list, once.place, [recipient(4, 'D', 'pending')]);
    expect(later.list.map((r) => r.id)).toEqual([1, 3, 4]);
    const earlier = mergeChanged(later.list, later.place, [recipient(2, 'B', 'pending')]);
    expect(earlier.list.map((r) => r.id)).toEqual([1, 2, 3, 4]);
    expect([...earlier.place]).toEqual([
      [1, 0],
      [2, 1],
      [3, 2],
      [4, 3],
    ]);
    expect(mergeChanged(earlier.list, earlier.place, [recipient(2, 'B', 'reached')]).list[1]!.outcome).toBe('reached');
  });

  it('lists the deliveries that have started, in plan order', () => {
    const r = recipient(1, 'A', 'in-progress');
    expect(startedDeliveries(r).map((d) => d.channel)).toEqual(['voice']);
    r.deliveries.reverse()[0]!.state = 'sent';
    expect(startedDeliveries(r).map((d) => d.channel)).toEqual(['voice', 'sms']);
  });
});

describe('delivery history', () => {
  const ev = (at: string, kind: string) => ({ at: `2026-01-01T00:00:${at}Z`, kind, detail: null });
  it('orders by time and puts the hand-over before anything the provider reported', () => {
    const out = orderTimeline([
      ev('01.000', 'scheduled'),
      ev('02.100', 'status'),
      ev('02.050', 'status'),
      ev('02.300', 'sent'),
      ev('05.000', 'dtmf'),
    ]);
    expect(out.map((e) => `${e.kind}@${e.at.slice(17, 23)}`)).toEqual([
      'scheduled@01.000',
      'sent@02.300',
      'status@02.050',
      'status@02.100',
      'dtmf@05.000',
    ]);
  });
  it('leaves retries before a hand-over where they are', () => {
    const out = orderTimeline([ev('03.000', 'sent'), ev('01.000', 'retry'), ev('04.000', 'status')]);
    expect(out.map((e) => e.kind)).toEqual(['retry', 'sent', 'status']);
  });
});

const progress = (at: string, confirmed: number, reached: number, recipients = 50): CampaignProgress => ({
  campaignId: 1,
  waves: [],
  status: 'running',
  recipients,
  confirmed,
  outcomes: { confirmed, reached, pending: 0, 'in-progress': 0, unreached: 0, 'opted-out': 0, cancelled: 0, 'no-network': 0 },
  deliveries: { waiting: 0, queued: 0, sending: 0, sent: 0, delivered: 0, failed: 0, skipped: 0, cancelled: 0 },
  throughputPerSecond: 0,
  etaSeconds: null,
  possibleDuplicates: 0,
  carriers: [],
  unavailableProviders: [],
  held: [],
  at,
});

describe('progress history', () => {
  it('counts as reached everyone confirmed plus everyone reached but not confirmed', () => {
    expect(reachedCount(progress('2026-01-01T00:00:00Z', 10, 15))).toBe(25);
  });

  it('labels each point of the curve with its clock time, seconds only for short buckets', () => {
    const h = {
      campaignId: 1,
      startedAt: '2026-01-01T09:00:00.000Z',
      recipients: 3,
      stepSeconds: 30,
      points: [
        { second: 0, reached: 0, confirmed: 0, unreached: 0, held: 1 },
        { second: 30, reached: 2, confirmed: 1, unreached: 1, held: 0 },
      ],
    };
    const rows = chartRows(h, 'sv-SE');
    expect(rows.map((r) => r.time)).toEqual(
      [0, 30_000].map((ms) =>
        new Intl.DateTimeFormat('sv-SE', { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(Date.parse(h.startedAt) + ms),
      ),
    );
    expect(rows[1]).toMatchObject({ reached: 2, confirmed: 1, unreached: 1, held: 0 });
    expect(chartRows({ ...h, stepSeconds: 60 }, 'sv-SE')[0]!.time).not.toMatch(/:\d\d:\d\d/);
    expect(chartRows({ ...h, startedAt: null }, 'sv-SE')).toEqual([]);
  });
});

describe('engångsmeddelande opened', () => {
  it("is the earliest opening among the person's deliveries, or none", () => {
    const r = recipient(1, 'Anna', 'pending');
    expect(openedAt(r)).toBeNull();
    const opened = {
      ...r,
      deliveries: [
        { ...r.deliveries[0]!, openedAt: '2026-12-07T22:10:00.000Z' },
        { ...r.deliveries[1]!, openedAt: '2026-12-07T22:05:00.000Z' },
      ],
    };
    expect(openedAt(opened)).toBe('2026-12-07T22:05:00.000Z');
  });
});
