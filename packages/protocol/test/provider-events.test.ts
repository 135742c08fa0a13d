import { describe, expect, it } from 'vitest';
import { deliveryStatuses, isFinalStatus, providerEventSchema, shouldApplyStatus, statusRank } from '../src/provider-events';

describe('status ordering', () => {
  it('never moves a delivery backwards', () => {
    expect(shouldApplyStatus('queued', 'sent')).toBe(true);
    expect(shouldApplyStatus('sent', 'delivered')).toBe(true);
    expect(shouldApplyStatus('delivered', 'sent')).toBe(false);
    expect(shouldApplyStatus('delivered', 'delivered')).toBe(false);
    expect(shouldApplyStatus('delivered', 'read')).toBe(true);
    expect(shouldApplyStatus('undelivered', 'delivered')).toBe(false);
    expect(shouldApplyStatus('ringing', 'answered')).toBe(true);
    expect(shouldApplyStatus('answered', 'completed')).toBe(true);
    expect(shouldApplyStatus('no-answer', 'completed')).toBe(false);
    expect(shouldApplyStatus(null, 'queued')).toBe(true);
  });

  it('ranks every status and marks outcomes final', () => {
    for (const s of deliveryStatuses) expect(statusRank[s]).toBeGreaterThan(0);
    expect(isFinalStatus('sent')).toBe(false);
    expect(isFinalStatus('bounced')).toBe(true);
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
