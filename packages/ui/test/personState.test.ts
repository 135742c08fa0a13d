// The roll-call's states of a person: nobody who was not sent anything is "not confirmed";
// waiting for the network, sent without an answer, reached, not reached (with why) and
// stopped are told apart, per person and in the counts.
import { describe, expect, it } from 'vitest';
import type { DeliveryReport, RecipientReport } from '@gdial/protocol';
import { personState, personStates, stateCounts, unreachedReason } from '../src/pages/campaigns/rollCall';
import { personStateWords } from '../src/pages/campaigns/personStateWords';

const delivery = (over: Partial<DeliveryReport>): DeliveryReport => ({
  id: 1,
  stepIndex: 0,
  channel: 'sms',
  address: '+46701234567',
  state: 'queued',
  providerStatus: null,
  attempts: 0,
  error: null,
  possibleDuplicate: false,
  sentAt: null,
  finishedAt: null,
  events: [],
  ...over,
});

const person = (outcome: RecipientReport['outcome'], deliveries: DeliveryReport[]): RecipientReport => ({
  id: 1,
  contactId: 1,
  wave: 0,
  displayName: 'Anna',
  outcome,
  confirmedAt: null,
  confirmedVia: null,
  deliveries,
});

describe('where a person stands', () => {
  const held = new Set(['sms']);
  it('tells apart not sent yet, waiting for the network and sent without an answer', () => {
    expect(personState(person('pending', [delivery({ channel: 'voice' })]), held, true)).toBe('not-sent-yet');
    expect(personState(person('pending', [delivery({ channel: 'sms', attempts: 2 })]), held, true)).toBe('waiting-for-network');
    expect(personState(person('in-progress', [delivery({ state: 'sent', sentAt: '2026-01-01T00:00:00Z' })]), held, true)).toBe(
      'sent-no-answer',
    );
  });

  it('reached, confirmed, not reached with why, not sent for want of a network, stopped', () => {
    expect(personState(person('reached', []), held, true)).toBe('reached-not-confirmed');
    expect(personState(person('reached', []), held, false)).toBe('confirmed');
    expect(personState(person('confirmed', []), held, true)).toBe('confirmed');
    const failed = person('unreached', [delivery({ state: 'failed', error: 'Unreachable destination handset', errorCode: '30003' })]);
    expect(personState(failed, held, true)).toBe('unreached');
    // The provider's English reason is said in Swedish; an unknown code gets a Swedish sentence with the code.
    expect(unreachedReason(failed, 'sv')).toBe('telefonen gick inte att nå (avstängd eller utan täckning)');
    expect(unreachedReason(failed, 'en')).toBe('the phone could not be reached (off or out of coverage)');
    const odd = person('unreached', [delivery({ state: 'failed', error: 'Something new', errorCode: '39999' })]);
    expect(unreachedReason(odd, 'sv')).toBe('leverantören kunde inte leverera (kod 39999)');
    expect(unreachedReason(odd, 'en')).toBe('Something new (39999)');
    const bounced = person('unreached', [
      delivery({ channel: 'email', state: 'failed', error: '550 no such user', errorCode: 'bounce:5.1.1' }),
    ]);
    expect(unreachedReason(bounced, 'sv')).toBe('e-posten studsade (adressen finns inte eller tar inte emot)');
    expect(personState(person('no-network', []), held, true)).toBe('not-sent-no-network');
    expect(personState(person('cancelled', []), held, true)).toBe('stopped');
    expect(personState(person('opted-out', []), held, true)).toBe('stopped');
  });

  it('counts each state from the progress, those waiting on a held channel apart', () => {
    const counts = stateCounts(
      { pending: 10, 'in-progress': 4, reached: 3, confirmed: 2, unreached: 1, 'no-network': 5, cancelled: 2, 'opted-out': 1 },
      6,
      true,
    );
    expect(counts).toEqual({
      'not-sent-yet': 4,
      'waiting-for-network': 6,
      'sent-no-answer': 4,
      'reached-not-confirmed': 3,
      confirmed: 2,
      unreached: 1,
      'not-sent-no-network': 5,
      stopped: 3,
    });
    // Every state has words in both languages.
    for (const lang of ['sv', 'en'] as const) for (const s of personStates) expect(personStateWords[lang][s]).toBeTruthy();
  });
});
