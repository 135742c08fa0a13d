import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatConfirmedVia,
  formatEventDetail,
  formatStatusDetail,
  parseConfirmedVia,
  parseEventDetail,
  parseStatusDetail,
  type ConfirmedVia,
  type EventDetail,
  type StatusDetail,
} from '../src/event-details';

const word = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() === s && s !== '');
const token = fc.stringMatching(/^[0-9*#+a-z]{1,8}$/);

describe('event details', () => {
  it('parses back exactly what the engine writes about a confirmation', () => {
    const via = fc.oneof(
      fc.record({
        how: fc.constant('key' as const),
        digits: token,
        channel: fc.constantFrom('voice'),
        address: fc.stringMatching(/^\+\d{6,14}$/),
      }),
      fc.record({
        how: fc.constant('reply' as const),
        text: word,
        channel: fc.constantFrom('sms', 'whatsapp', 'telegram'),
        address: fc.stringMatching(/^\+?\d{3,14}$/),
      }),
      // Bekräftad per telefon: a user's name (no ": ") and any note, even one with colons or lines.
      fc.record({
        how: fc.constant('phone' as const),
        by: word.filter((s) => !s.includes(': ')),
        note: fc.string({ minLength: 1, maxLength: 80 }),
      }),
    );
    fc.assert(
      fc.property(via, (v: ConfirmedVia) => {
        expect(parseConfirmedVia(formatConfirmedVia(v))).toEqual(v);
      }),
    );
    expect(formatConfirmedVia({ how: 'key', digits: '1', channel: 'voice', address: '+46701234567' })).toBe(
      'pressed 1 (voice +46701234567)',
    );
    expect(parseConfirmedVia('by carrier pigeon')).toBeNull();
    expect(parseConfirmedVia('confirmed by phone by Karin Lind: Nådd: kommer')).toEqual({
      how: 'phone',
      by: 'Karin Lind',
      note: 'Nådd: kommer',
    });
  });

  it('parses back every delivery event detail it formats', () => {
    const detail = fc.oneof(
      fc.record({ kind: fc.constant('pressed' as const), digits: token, confirmed: fc.boolean() }),
      fc.constant({ kind: 'no-key' as const }),
      fc.record({ kind: fc.constant('replied' as const), text: word, confirmed: fc.constant(true as const) }),
      fc.record({ kind: fc.constant('opted-out-by-reply' as const), text: word }),
      fc.constant({ kind: 'unrecognised-reply' as const }),
      fc.record({
        kind: fc.constant('skipped' as const),
        reason: fc.constantFrom('already-confirmed' as const, 'opted-out' as const, 'cancelled' as const),
      }),
    );
    fc.assert(
      fc.property(detail, (d: EventDetail) => {
        expect(parseEventDetail(formatEventDetail(d))).toEqual(d);
      }),
    );
    // Provider statuses are a format of their own.
    expect(parseEventDetail('completed (human)')).toBeNull();
    expect(parseStatusDetail('completed (human)')).toEqual({ status: 'completed', answeredBy: 'human', failure: null });
    expect(parseStatusDetail('failed: 30003 Unreachable destination handset')).toEqual({
      status: 'failed',
      answeredBy: null,
      failure: { code: '30003', message: 'Unreachable destination handset' },
    });
    expect(parseStatusDetail('exploded')).toBeNull();
    expect(parseStatusDetail('twilio SM123')).toBeNull();
    const status = fc.record({
      status: fc.constantFrom('queued', 'ringing', 'answered', 'delivered', 'busy', 'no-answer', 'failed', 'completed', 'read'),
      answeredBy: fc.constantFrom(null, 'human', 'machine', 'fax', 'unknown'),
      failure: fc.option(fc.record({ code: fc.stringMatching(/^[\w:.-]{1,12}$/), message: fc.string({ maxLength: 40 }) }), { nil: null }),
    });
    fc.assert(
      fc.property(status, (d) => {
        const expected = d.failure ? { ...d, answeredBy: null } : d;
        expect(parseStatusDetail(formatStatusDetail(d as StatusDetail))).toEqual(expected);
      }),
    );
  });
});
