import { describe, expect, it } from 'vitest';
import type { CampaignProgress, RecipientReport } from '@gdial/protocol';
import { appendPoint, MAX_POINTS, toPoint } from '../src/components/progressHistory';
import { bucketCounts, bucketOf, filterRollCall, orderTimeline, startedDeliveries } from '../src/pages/campaigns/rollCall';

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
  unavailableProviders: [],
  held: [],
  at,
});

describe('progress history', () => {
  it('computes shares of reached (confirmed + reached) and confirmed', () => {
    expect(toPoint(progress('2026-01-01T00:00:00Z', 10, 15))).toMatchObject({ reachedPct: 50, confirmedPct: 20 });
    expect(toPoint(progress('2026-01-01T00:00:00Z', 0, 0, 0))).toMatchObject({ reachedPct: 0, confirmedPct: 0 });
  });

  it('keeps one point per second, ignores events from the past and bounds its length', () => {
    let h = appendPoint([], progress('2026-01-01T00:00:00.000Z', 1, 0));
    h = appendPoint(h, progress('2026-01-01T00:00:00.500Z', 2, 0));
    expect(h).toHaveLength(1);
    expect(h[0]!.confirmedPct).toBe(4);
    h = appendPoint(h, progress('2026-01-01T00:00:01.200Z', 3, 0));
    h = appendPoint(h, progress('2026-01-01T00:00:00.900Z', 9, 0));
    expect(h.map((p) => p.confirmedPct)).toEqual([4, 6]);
    let long = h;
    for (let i = 0; i < MAX_POINTS + 10; i++)
      long = appendPoint(long, progress(new Date(Date.parse('2026-01-01T00:01:00Z') + i * 1000).toISOString(), 1, 1));
    expect(long).toHaveLength(MAX_POINTS);
  });
});
