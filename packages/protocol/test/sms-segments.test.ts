import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkSenderId, smsSegments } from '../src/sms-segments';

describe('smsSegments', () => {
  it('counts Swedish text in GSM-7: 160 in one segment, 153 per segment after that', () => {
    expect(smsSegments('')).toMatchObject({ segments: 0, charsLeft: 160 });
    expect(smsSegments('Hej Åsa, öva larmet')).toMatchObject({ encoding: 'gsm7', segments: 1, units: 19, charsLeft: 141 });
    expect(smsSegments('a'.repeat(160))).toMatchObject({ segments: 1, charsLeft: 0 });
    expect(smsSegments('a'.repeat(161))).toMatchObject({ segments: 2, unitsPerSegment: 153, charsLeft: 145 });
    expect(smsSegments('a'.repeat(306))).toMatchObject({ segments: 2, charsLeft: 0 });
    expect(smsSegments('a'.repeat(307))).toMatchObject({ segments: 3, charsLeft: 152 });
  });

  it('counts extension characters as two septets and never splits the escape pair', () => {
    expect(smsSegments('€')).toMatchObject({ encoding: 'gsm7', units: 2 });
    expect(smsSegments('a'.repeat(159) + '€')).toMatchObject({ segments: 2, units: 161 });
    expect(smsSegments('a'.repeat(158) + '€')).toMatchObject({ segments: 1, units: 160, charsLeft: 0 });
    // 152 septets + € would straddle the 153 boundary: € moves whole to segment 2.
    const info = smsSegments('a'.repeat(152) + '€' + 'a'.repeat(10));
    expect(info).toMatchObject({ segments: 2, units: 164, charsLeft: 153 - 12 });
  });

  it('switches to UCS-2 for anything outside GSM-7, counting UTF-16 units', () => {
    expect(smsSegments('ç')).toMatchObject({ encoding: 'ucs2', nonGsmChars: ['ç'] });
    expect(smsSegments('Ç')).toMatchObject({ encoding: 'gsm7' });
    expect(smsSegments('Larm 🚨')).toMatchObject({ encoding: 'ucs2', units: 7, charsLeft: 63 });
    expect(smsSegments('x'.repeat(70) + '’')).toMatchObject({ encoding: 'ucs2', segments: 2, units: 71, unitsPerSegment: 67 });
    expect(smsSegments('’'.repeat(70))).toMatchObject({ segments: 1, charsLeft: 0 });
    // A surrogate pair at the boundary moves whole to the next segment.
    expect(smsSegments('’'.repeat(66) + '🚨' + '’'.repeat(10))).toMatchObject({ segments: 2, charsLeft: 67 - 12 });
  });

  it('never leaves more than a segment free and agrees with a plain count (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'å', '€', '{', '’', '🚨', ' '), maxLength: 400 }), (text) => {
        const info = smsSegments(text);
        expect(info.charsLeft).toBeGreaterThanOrEqual(0);
        expect(info.charsLeft).toBeLessThanOrEqual(info.unitsPerSegment);
        if (info.segments > 1) expect(info.units).toBeGreaterThan(info.encoding === 'gsm7' ? 160 : 70);
        expect(info.segments * info.unitsPerSegment).toBeGreaterThanOrEqual(info.units);
      }),
    );
  });
});

describe('checkSenderId', () => {
  it('accepts numbers and alphanumeric IDs, which cannot receive replies', () => {
    expect(checkSenderId('+46701234567')).toMatchObject({ kind: 'phone-number', valid: true, canReceiveReplies: true });
    expect(checkSenderId('KOMMUNEN')).toMatchObject({ kind: 'alphanumeric', valid: true, canReceiveReplies: false });
    expect(checkSenderId('KOMMUNEN', { needsReplies: true })).toMatchObject({ valid: false });
  });

  it('names what is wrong', () => {
    expect(checkSenderId('Kommunen Larm').errors[0]).toMatch(/at most 11/);
    expect(checkSenderId('12345678901x2').valid).toBe(false);
    expect(checkSenderId('Växjö').errors.join()).toMatch(/ä/);
    expect(checkSenderId('070-123 45 67').errors[0]).toMatch(/international format/);
    expect(checkSenderId('Kris Larm').warnings.join()).toMatch(/strip spaces/);
    expect(checkSenderId('1234567')).toMatchObject({ kind: 'short-code', valid: true });
  });
});
