import { describe, expect, it } from 'vitest';
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
});
