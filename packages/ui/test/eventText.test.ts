import { describe, expect, it } from 'vitest';
import { formatPathNote, type PathNote } from '@gdial/protocol';
import { confirmedViaText, eventDetailText } from '../src/components/labels';

describe('what happened to a delivery, in the operator language', () => {
  it('says how someone confirmed', () => {
    expect(confirmedViaText('pressed 1 (voice +46701234567)', 'sv')).toBe('tryckte 1 (röstsamtal 070-123 45 67)');
    expect(confirmedViaText('replied ja (sms +46701234567)', 'sv')).toBe('svarade ”ja” (sms 070-123 45 67)');
    expect(confirmedViaText('replied ja (sms +46701234567)', 'en')).toBe('replied “ja” (sms 070-123 45 67)');
    expect(confirmedViaText('something else', 'sv')).toBe('something else');
  });

  it('phrases key presses, replies and skips, and leaves provider statuses alone', () => {
    expect(eventDetailText('pressed 1 (confirmed)', 'sv')).toBe('tryckte 1 (bekräftat)');
    expect(eventDetailText('no key pressed', 'sv')).toBe('tryckte ingen knapp');
    expect(eventDetailText('opted out by replying stopp', 'sv')).toBe('avregistrerade sig genom att svara ”stopp”');
    expect(eventDetailText('unrecognised reply (in the inbox)', 'sv')).toBe('svar som inte kändes igen (finns i inkorgen)');
    expect(eventDetailText('already confirmed', 'sv')).toBe('redan bekräftat');
    expect(eventDetailText('campaign cancelled', 'en')).toBe('alert cancelled');
    expect(eventDetailText('completed (human)', 'sv')).toBe('avslutat (en person svarade)');
    expect(eventDetailText('busy: busy The line was busy', 'sv')).toBe('upptaget: busy The line was busy');
    expect(eventDetailText('no-answer', 'en')).toBe('no answer');
    expect(eventDetailText('twilio CAb06031818205acb3f11d44ff008fb1fc', 'sv')).toBe('twilio CAb06031818205acb3f11d44ff008fb1fc');
  });

  it("words every note the engine writes about the path in Swedish and English, keeping the provider's own message", () => {
    const notes: PathNote[] = [
      { code: 'retry', provider: 'twilio', failure: 'transient', message: 'connect ECONNREFUSED', inSeconds: 2.5 },
      { code: 'refused', provider: 'elks', failure: 'invalid-recipient', message: 'Invalid to number' },
      { code: 'answer-lost', provider: 'twilio', message: 'Gateway Timeout' },
      { code: 'failed-over', from: 'twilio', to: 'elks' },
      { code: 'fell-through', provider: 'twilio, elks' },
      { code: 'adopted', provider: 'elks', providerId: 's1a2', status: 'delivered' },
      { code: 'resend-unaskable', providers: 'telegram' },
      { code: 'resend-no-record', possibleDuplicate: true },
      { code: 'resend-no-record', possibleDuplicate: false },
      { code: 'resend-through', unasked: 'twilio', message: 'Service Unavailable', carrier: 'elks' },
      { code: 'look-up-again', unasked: 'twilio', message: 'Service Unavailable' },
      { code: 'no-provider' },
      { code: 'given-up', lookingUp: false },
      { code: 'given-up', lookingUp: true },
      { code: 'skipped-held', lookingUp: false },
      { code: 'skipped-held', lookingUp: true },
    ];
    for (const n of notes) {
      const stored = formatPathNote(n);
      const sv = eventDetailText(stored, 'sv');
      const en = eventDetailText(stored, 'en');
      // Worded, not shown as the engine's English; and each language differently.
      expect(sv, stored).not.toBe(stored);
      expect(sv, stored).not.toBe(en);
      if ('message' in n) expect(sv).toContain(n.message);
    }
    expect(eventDetailText('twilio could not be asked (Service Unavailable); looking it up again before anything is sent', 'sv')).toBe(
      'Twilio gick inte att fråga (Service Unavailable); frågar igen innan något skickas',
    );
    expect(eventDetailText('twilio: transient: connect ECONNREFUSED; next attempt in 2.5 s', 'sv')).toBe(
      'Twilio nådde inte fram (connect ECONNREFUSED); nytt försök om 2,5 s',
    );
    // A voice step waiting for audio another workstation made names the organisation's server, not a provider.
    expect(eventDetailText('relay: transient: Audio "Brand" is not on this desktop; next attempt in 4 s', 'sv')).toBe(
      'Organisationens server nådde inte fram (Audio "Brand" is not on this desktop); nytt försök om 4 s',
    );
    expect(eventDetailText('found at elks as s1a2 (delivered); adopted', 'en')).toBe('found at 46elks as s1a2 (delivered); not sent again');
    expect(eventDetailText('twilio, elks unavailable; falling through to the next step', 'sv')).toBe(
      'Twilio och 46elks går inte att nå; vidare till nästa steg',
    );
  });
});
