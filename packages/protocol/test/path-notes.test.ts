import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPathNote, parsePathNote, parseEventDetail, parseStatusDetail, type PathNote, type PathNoteCode } from '../src';

const provider = fc.constantFrom('twilio', 'elks', 'sendgrid', 'telegram');
const providers = fc.uniqueArray(provider, { minLength: 1, maxLength: 3 }).map((l) => l.join(', '));
// A provider's message: any text, even one with colons, semicolons, brackets or lines.
const message = fc.string({ maxLength: 60 });

const note: fc.Arbitrary<PathNote> = fc.oneof(
  fc.record({
    code: fc.constant('retry' as const),
    provider,
    failure: fc.constantFrom('transient' as const, 'rate-limited' as const, 'auth' as const),
    message,
    inSeconds: fc.integer({ min: 0, max: 6000 }).map((n) => n / 10),
  }),
  fc.record({
    code: fc.constant('refused' as const),
    provider,
    failure: fc.constantFrom('permanent' as const, 'invalid-recipient' as const, 'opted-out' as const),
    message,
  }),
  fc.record({ code: fc.constant('answer-lost' as const), provider, message }),
  fc.record({ code: fc.constant('failed-over' as const), from: providers, to: provider }),
  fc.record({ code: fc.constant('fell-through' as const), provider: providers }),
  fc.record({
    code: fc.constant('adopted' as const),
    provider,
    providerId: fc.stringMatching(/^[A-Za-z0-9_-]{1,34}$/),
    status: fc.constantFrom('queued', 'sent', 'delivered', 'no-answer', 'completed'),
  }),
  fc.record({ code: fc.constant('resend-unaskable' as const), providers }),
  fc.record({ code: fc.constant('resend-no-record' as const), possibleDuplicate: fc.boolean() }),
  fc.record({ code: fc.constant('resend-through' as const), unasked: providers, message, carrier: provider }),
  fc.record({ code: fc.constant('look-up-again' as const), unasked: providers, message }),
  fc.constant({ code: 'no-provider' as const }),
  fc.record({ code: fc.constant('given-up' as const), lookingUp: fc.boolean() }),
  fc.record({ code: fc.constant('skipped-held' as const), lookingUp: fc.boolean() }),
);

describe('notes about the path in a delivery timeline', () => {
  it('parses back every note it formats, and no other format reads it as its own', () => {
    const seen = new Set<PathNoteCode>();
    fc.assert(
      fc.property(note, (n) => {
        seen.add(n.code);
        const text = formatPathNote(n);
        expect(parsePathNote(text)).toEqual(n);
        expect(parseEventDetail(text)).toBeNull();
        expect(parseStatusDetail(text)).toBeNull();
      }),
      { numRuns: 2000 },
    );
    expect(seen.size).toBe(13);
  });

  it('writes the English the engine has always written, and leaves other text alone', () => {
    expect(
      formatPathNote({ code: 'retry', provider: 'twilio', failure: 'transient', message: 'connect ECONNREFUSED', inSeconds: 2.5 }),
    ).toBe('twilio: transient: connect ECONNREFUSED; next attempt in 2.5 s');
    expect(formatPathNote({ code: 'look-up-again', unasked: 'twilio', message: 'Service Unavailable' })).toBe(
      'twilio could not be asked (Service Unavailable); looking it up again before anything is sent',
    );
    expect(parsePathNote('found at elks as s1a2b3 (delivered); adopted')).toEqual({
      code: 'adopted',
      provider: 'elks',
      providerId: 's1a2b3',
      status: 'delivered',
    });
    expect(parsePathNote('twilio: delivered: whatever')).toBeNull();
    expect(parsePathNote('pressed 1 (confirmed)')).toBeNull();
    expect(parsePathNote('something else entirely')).toBeNull();
  });
});
