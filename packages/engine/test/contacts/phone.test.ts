import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPhone, normalisePhone } from '../../src/contacts/phone';
import { phoneSearchDigits } from '../../src/store/contact-search-text';
import { prepareContact } from '../../src/contacts/model';

describe('phone normalisation', () => {
  it.each([
    ['070-123 45 67', '+46701234567', 'mobile', true],
    ['0701234567', '+46701234567', 'mobile', true],
    ['+46 70 123 45 67', '+46701234567', 'mobile', true],
    ['+46 (0)70-123 45 67', '+46701234567', 'mobile', true],
    ['0046701234567', '+46701234567', 'mobile', true],
    ['08-123 456 78', '+46812345678', 'fixedLine', false],
    ['031-12 34 56', '+4631123456', 'fixedLine', false],
    ['020-123 456', '+4620123456', 'tollFree', false],
    ['+1 202 555 0123', '+12025550123', 'fixedLineOrMobile', true],
    ['+44 7911 123456', '+447911123456', 'mobile', true],
  ])('%s → %s (%s)', (raw, e164, kind, canSms) => {
    expect(normalisePhone(raw)).toMatchObject({ ok: true, e164, kind, canSms });
  });

  it.each([
    ['', 'is empty', 'empty'],
    ['0701', 'is too short', 'tooShort'],
    ['07012345678901234', 'is too long', 'tooLong'],
    ['070-ABC 45 67', 'contains characters that are not part of a phone number', 'characters'],
    ['070-123 45 67 ext 12', 'contains characters that are not part of a phone number', 'characters'],
    ['+999 123 456 789', 'has an unknown country code', 'unknownCountryCode'],
    ['12', 'is too short', 'tooShort'],
  ])('refuses %j: %s', (raw, reason, problem) => {
    expect(normalisePhone(raw)).toEqual({ ok: false, reason, problem, country: null });
  });

  it('says which country a number is invalid in', () => {
    expect(normalisePhone('0741234567')).toEqual({
      ok: false,
      reason: 'is not a valid number in Sweden',
      problem: 'invalidInCountry',
      country: 'SE',
    });
    expect(normalisePhone('+46 99 123 45 67')).toEqual({
      ok: false,
      reason: 'is not a valid number in Sweden',
      problem: 'invalidInCountry',
      country: 'SE',
    });
  });

  it('names the problem of a refused number as an issue code the console can word', () => {
    const issues = prepareContact({
      firstName: 'Åsa',
      phones: [{ number: '0701' }, { number: '070-123 45 67' }, { number: '0701234567' }],
    });
    expect(issues).toEqual({
      ok: false,
      issues: [
        { path: 'phones.0.number', message: '"0701" is too short', code: 'phone.tooShort', params: { value: '0701' } },
        {
          path: 'phones.2.number',
          message: '"0701234567" is the same number as phone 2',
          code: 'phone.duplicate',
          params: { value: '0701234567', of: 2 },
        },
      ],
    });
  });

  it('formats Swedish numbers nationally and foreign ones internationally', () => {
    expect(formatPhone('+46701234567')).toBe('070-123 45 67');
    expect(formatPhone('+447911123456')).toBe('+44 7911 123456');
  });

  it('indexes E.164 digits and the national form with its trunk prefix', () => {
    expect(phoneSearchDigits('+46701234567')).toEqual(['46701234567', '0701234567']);
    expect(phoneSearchDigits('+12025550123')).toEqual(['12025550123', '2025550123']);
    expect(phoneSearchDigits('+4722334455')).toEqual(['4722334455', '22334455']);
  });

  // Any Swedish mobile number, however it is written, normalises to the same E.164.
  const swedishMobile = fc.tuple(fc.constantFrom('70', '72', '73', '76', '79'), fc.stringMatching(/^\d{7}$/));
  const separators = fc.constantFrom('', ' ', '-');

  it('normalises every spelling of a Swedish mobile number to one E.164 (property)', () => {
    fc.assert(
      fc.property(swedishMobile, separators, fc.constantFrom('0', '+46', '+46 ', '0046', '+46 (0)'), ([prefix, rest], sep, lead) => {
        const written = `${lead}${prefix}${sep}${rest.slice(0, 3)}${sep}${rest.slice(3, 5)}${sep}${rest.slice(5)}`;
        const r = normalisePhone(written);
        expect(r).toMatchObject({ ok: true, e164: `+46${prefix}${rest}`, kind: 'mobile', canSms: true });
      }),
    );
  });

  it('is idempotent: an E.164 result normalises to itself with the same kind (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^0[1-9]\d{5,9}$/), (raw) => {
        const first = normalisePhone(raw);
        if (!first.ok) return;
        const again = normalisePhone(first.e164);
        expect(again).toMatchObject({ ok: true, e164: first.e164, kind: first.kind });
        // Its national format parses back to it too.
        expect(normalisePhone(formatPhone(first.e164))).toMatchObject({ ok: true, e164: first.e164 });
      }),
    );
  });

  it('never throws and always gives a reason when it refuses (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (raw) => {
        const r = normalisePhone(raw);
        if (!r.ok) expect(r.reason.length).toBeGreaterThan(0);
        else expect(r.e164).toMatch(/^\+\d{6,15}$/);
      }),
    );
  });

  it('only numbers that can take SMS say so: Swedish fixed lines never (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom('8', '31', '40', '90', '18'), fc.stringMatching(/^[1-9]\d{5}$/), (area, local) => {
        const r = normalisePhone(`0${area}-${local}`);
        if (r.ok) {
          expect(r.kind).not.toBe('mobile');
          expect(r.canSms).toBe(false);
        }
      }),
    );
  });

  it('formats Swedish mobiles exactly as libphonenumber does, without it (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999 }), (n) => {
        const e164 = `+467${String(n).padStart(8, '0')}`;
        expect(formatPhone(e164)).toBe(formatPhone(e164, 'SE', { shortcut: false }));
      }),
      { numRuns: 5000 },
    );
    expect(formatPhone('+46701234567')).toBe('070-123 45 67');
    // Not the shortcut's: fixed lines, other countries, a Swede seen from abroad.
    expect(formatPhone('+46812345678')).toBe('08-123 456 78');
    expect(formatPhone('+4791234567')).toBe('+47 91 23 45 67');
    expect(formatPhone('+46701234567', 'NO')).toBe('+46 70 123 45 67');
  });

  it('the Swedish mobile shortcut answers exactly as libphonenumber does (property)', () => {
    const piece = fc.constantFrom(
      '0',
      '7',
      '0',
      '2',
      '3',
      '6',
      '8',
      '9',
      '1',
      ' ',
      '-',
      '(',
      ')',
      '.',
      '/',
      '+46',
      '0046',
      '+46 (0)',
      '+4607',
      '00',
    );
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 16 }), fc.stringMatching(/^\d{0,9}$/), (pieces, tail) => {
        const raw = pieces.join('') + tail;
        expect(normalisePhone(raw)).toEqual(normalisePhone(raw, 'SE', { shortcut: false }));
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(
        fc.constantFrom('070', '072', '073', '076', '079', '071', '074', '075', '077', '078'),
        fc.stringMatching(/^\d{5,9}$/),
        fc.constantFrom('', ' ', '-'),
        (a, b, sep) => {
          const raw = `${a}${sep}${b}`;
          expect(normalisePhone(raw)).toEqual(normalisePhone(raw, 'SE', { shortcut: false }));
          const intl = `+46 ${a.slice(1)}${sep}${b}`;
          expect(normalisePhone(intl)).toEqual(normalisePhone(intl, 'SE', { shortcut: false }));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
