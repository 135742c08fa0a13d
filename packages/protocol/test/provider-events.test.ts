import { describe, expect, it } from 'vitest';
import {
  deliveryStateForRank,
  deliveryStatuses,
  FINAL_RANK,
  isFinalRank,
  providerEventSchema,
  rankOf,
  statusRank,
  SUCCESS_RANK,
} from '../src/provider-events';

// The order itself; that the engine applies provider events by it is held by
// packages/engine/test/campaigns/status-order.test.ts.
describe('status order', () => {
  it('ranks every status once, intermediate below final failures below final successes', () => {
    const ranks = deliveryStatuses.map((s) => statusRank[s]);
    expect(new Set(ranks).size).toBe(deliveryStatuses.length);
    for (const s of ['queued', 'deferred', 'sending', 'sent', 'ringing', 'answered'] as const)
      expect(isFinalRank(statusRank[s])).toBe(false);
    for (const s of ['canceled', 'failed', 'undelivered', 'no-answer', 'busy', 'bounced', 'dropped'] as const) {
      expect(statusRank[s]).toBeGreaterThanOrEqual(FINAL_RANK);
      expect(statusRank[s]).toBeLessThan(SUCCESS_RANK);
    }
    for (const s of ['completed', 'delivered', 'read'] as const) expect(statusRank[s]).toBeGreaterThanOrEqual(SUCCESS_RANK);
    expect(statusRank.delivered).toBeGreaterThan(statusRank.sent);
    expect(statusRank.read).toBeGreaterThan(statusRank.delivered);
    expect(statusRank.completed).toBeGreaterThan(statusRank['no-answer']);
    expect(rankOf('lost')).toBe(0);
  });

  it('says what a rank means for the delivery', () => {
    expect(deliveryStateForRank(statusRank.sent, false)).toBe('sent');
    expect(deliveryStateForRank(statusRank.answered, true)).toBe('delivered');
    expect(deliveryStateForRank(statusRank['no-answer'], false)).toBe('failed');
    // Answered, then the call ended without a normal completion: the person was reached.
    expect(deliveryStateForRank(statusRank.canceled, true)).toBe('delivered');
    expect(deliveryStateForRank(statusRank.read, false)).toBe('delivered');
  });

  it('validates events', () => {
    const base = {
      eventKey: 'k',
      provider: 'twilio',
      channel: 'sms',
      deliveryToken: null,
      providerId: 'SM1',
      occurredAt: new Date().toISOString(),
    };
    expect(providerEventSchema.safeParse({ ...base, type: 'dtmf', digits: '1' }).success).toBe(true);
    expect(
      providerEventSchema.safeParse({ ...base, type: 'status', status: 'sent', failure: null, answeredBy: null, durationSec: null })
        .success,
    ).toBe(true);
    expect(providerEventSchema.safeParse({ ...base, type: 'status', status: 'lost' }).success).toBe(false);
  });
});
