// The rule for a delivery whose fate is unknown (reconcile.ts), over the answers of the
// providers asked about it: a lookup that fails on the path is no answer.
import { describe, expect, it } from 'vitest';
import { verdictOf } from '../../src/campaigns/reconcile';
import type { ChannelSender, LookupOutcome } from '../../src/campaigns/ports';

const sender = (provider: string): ChannelSender => ({
  provider,
  send: () => Promise.reject(new Error('not sent in this test')),
  findByToken: () => Promise.reject(new Error('not asked in this test')),
});
const twilio = sender('twilio');
const elks = sender('elks');
const down: LookupOutcome = { found: 'unknown', message: '503 Service Unavailable' };
const none: LookupOutcome = { found: false };

describe('what the lookups decide', () => {
  it('adopts what a provider has', () => {
    expect(verdictOf([{ sender: twilio, lookup: { found: true, providerId: 'SM1', status: 'sent' } }], 'twilio')).toMatchObject({
      kind: 'adopt',
      providerId: 'SM1',
    });
  });

  it('sends again unflagged when every provider asked definitely has none', () => {
    expect(verdictOf([{ sender: twilio, lookup: none }], 'twilio')).toMatchObject({ kind: 'resend', possibleDuplicate: false });
    expect(
      verdictOf(
        [
          { sender: twilio, lookup: none },
          { sender: elks, lookup: none },
        ],
        'elks',
      ),
    ).toMatchObject({ kind: 'resend', possibleDuplicate: false });
  });

  it('waits while the provider it went to cannot be asked and still carries the channel', () => {
    const v = verdictOf([{ sender: twilio, lookup: down }], 'twilio');
    expect(v.kind).toBe('wait');
    expect(verdictOf([{ sender: twilio, lookup: down }], null).kind).toBe('wait');
  });

  it('sends through the provider that took over, flagged, when the first cannot be asked', () => {
    expect(verdictOf([{ sender: twilio, lookup: down }], 'elks')).toMatchObject({ kind: 'resend', possibleDuplicate: true });
    // Asked at both, the one carrying now cannot say: wait for it.
    expect(
      verdictOf(
        [
          { sender: twilio, lookup: none },
          { sender: elks, lookup: down },
        ],
        'elks',
      ).kind,
    ).toBe('wait');
  });

  it('sends again flagged where the channel has no lookup at all', () => {
    expect(verdictOf([{ sender: sender('telegram'), lookup: { found: 'cannot-tell' } }], 'telegram')).toMatchObject({
      kind: 'resend',
      possibleDuplicate: true,
    });
  });
});
