// Phone numbers as the operator's world has them: typed any which way ("070-123 45 67",
// "+46 (0)70 123 45 67", "0046701234567"), stored as E.164, and known to be either a
// mobile (can take SMS) or a number that can only be called. An invalid number is an
// error with a reason an operator understands — never silently dropped or "fixed".
import { parsePhoneNumberFromString, validatePhoneNumberLength, type CountryCode, type NumberType } from 'libphonenumber-js/max';
import type { PhoneKind, PhoneProblem } from '@gdial/protocol';
import { searchDigitsOf } from '../store/contact-search-text';

export const DEFAULT_REGION: CountryCode = 'SE';

export type PhoneNormalisation =
  | {
      ok: true;
      e164: string;
      kind: PhoneKind;
      canSms: boolean;
      country: string | null;
      /** What search should find the number by (see phoneSearchDigits). */
      digits: string[];
    }
  | {
      ok: false;
      reason: string;
      problem: PhoneProblem;
      /** The country the number is not valid in (invalidInCountry). */ country: string | null;
    };

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
const countryName = (code: string): string => {
  try {
    return regionNames.of(code) ?? code;
  } catch {
    return code;
  }
};

function kindOf(type: NumberType): PhoneKind {
  switch (type) {
    case 'MOBILE':
      return 'mobile';
    case 'FIXED_LINE':
      return 'fixedLine';
    case 'FIXED_LINE_OR_MOBILE':
      return 'fixedLineOrMobile';
    case 'VOIP':
      return 'voip';
    case 'TOLL_FREE':
      return 'tollFree';
    case 'PREMIUM_RATE':
      return 'premiumRate';
    case 'SHARED_COST':
      return 'sharedCost';
    case 'PERSONAL_NUMBER':
      return 'personal';
    case 'PAGER':
      return 'pager';
    case 'UAN':
      return 'uan';
    case 'VOICEMAIL':
      return 'voicemail';
    case undefined:
      return 'unknown';
    default: {
      const unexpected: never = type;
      return unexpected;
    }
  }
}

/**
 * Whether a number of this kind can receive an SMS. Where the numbering plan cannot tell
 * mobiles from fixed lines (e.g. the US) we allow it and let the provider decide.
 */
export const kindCanSms = (kind: PhoneKind): boolean => kind === 'mobile' || kind === 'fixedLineOrMobile';

// Characters people put in numbers; anything else (letters, extensions) is refused.
const ALLOWED = /^[+\d\s\-()./]+$/;

/** `shortcut: false` forces libphonenumber for every number (the shortcut's test uses it). */
export function normalisePhone(raw: string, region: CountryCode = DEFAULT_REGION, opts: { shortcut?: boolean } = {}): PhoneNormalisation {
  const text = raw.trim();
  if (text === '') return refused('empty');
  if (!ALLOWED.test(text)) return refused('characters');
  // "+46 (0)70…" is how Swedes often write international numbers; the (0) is not dialled.
  const cleaned = text.replace(/\(0\)/g, '').replace(/^00(?=[1-9])/, '+');
  const digits = cleaned.replace(/\D/g, '');
  if (digits.length < 3) return refused('tooShort');
  if (region === 'SE' && opts.shortcut !== false) {
    const fast = swedishMobile(cleaned);
    if (fast) return fast;
  }
  return normaliseWithLibrary(cleaned, region);
}

// Swedish mobile numbers (070…, 072…, 073…, 076…, 079…) are most of what imports carry, and
// libphonenumber spends ~10 µs on each. Its numbering plan for them is one pattern; a test
// checks this shortcut gives exactly the library's answer for every spelling.
const SE_MOBILE_NSN = /^7[023689]\d{7}$/;

function swedishMobile(cleaned: string): PhoneNormalisation | null {
  const d = cleaned.replace(/[\s\-()./]/g, '');
  let nsn: string;
  if (d.startsWith('+46')) nsn = d.slice(3);
  else if (d.startsWith('0') && !d.startsWith('00')) nsn = d.slice(1);
  else return null;
  if (!SE_MOBILE_NSN.test(nsn)) return null;
  return { ok: true, e164: `+46${nsn}`, kind: 'mobile', canSms: true, country: 'SE', digits: [`46${nsn}`, `0${nsn}`] };
}

function normaliseWithLibrary(cleaned: string, region: CountryCode = DEFAULT_REGION): PhoneNormalisation {
  const parsed = parsePhoneNumberFromString(cleaned, region);
  if (!parsed) return refused(lengthProblem(cleaned, region) ?? 'notANumber');
  const type = parsed.getType();
  if (type === undefined && !parsed.isValid()) {
    const country = parsed.country ?? (cleaned.startsWith('+') ? null : region);
    return refused(lengthProblem(cleaned, region) ?? (country ? 'invalidInCountry' : 'invalidForCountryCode'), country);
  }
  const kind = kindOf(type);
  return { ok: true, e164: parsed.number, kind, canSms: kindCanSms(kind), country: parsed.country ?? null, digits: searchDigitsOf(parsed) };
}

const reasons: Record<Exclude<PhoneProblem, 'invalidInCountry'>, string> = {
  empty: 'is empty',
  characters: 'contains characters that are not part of a phone number',
  tooShort: 'is too short',
  tooLong: 'is too long',
  wrongLength: 'has the wrong number of digits',
  unknownCountryCode: 'has an unknown country code',
  notANumber: 'is not a phone number',
  invalidForCountryCode: 'is not a valid number for its country code',
};

function refused(problem: PhoneProblem, country: string | null = null): PhoneNormalisation {
  const reason = problem === 'invalidInCountry' ? `is not a valid number in ${countryName(country ?? '')}` : reasons[problem];
  return { ok: false, reason, problem, country: problem === 'invalidInCountry' ? country : null };
}

function lengthProblem(text: string, region: CountryCode): PhoneProblem | null {
  const problem = validatePhoneNumberLength(text, region);
  switch (problem) {
    case undefined:
      return null;
    case 'TOO_SHORT':
      return 'tooShort';
    case 'TOO_LONG':
      return 'tooLong';
    case 'INVALID_LENGTH':
      return 'wrongLength';
    case 'INVALID_COUNTRY':
      return 'unknownCountryCode';
    case 'NOT_A_NUMBER':
      return 'notANumber';
    default: {
      const unexpected: never = problem;
      throw new Error(`unknown length problem ${String(unexpected)}`);
    }
  }
}

/** "+46701234567" → "070-123 45 67"; numbers from other countries stay international. */
export function formatPhone(e164: string, home: CountryCode = DEFAULT_REGION, opts: { shortcut?: boolean } = {}): string {
  // Swedish mobiles again: loading 100,000 contacts (an export) formats 130,000 numbers, at
  // ~20 µs each through libphonenumber. A test checks the shortcut against the library.
  if (home === 'SE' && opts.shortcut !== false && e164.length === 12 && e164.startsWith('+46')) {
    const nsn = e164.slice(3);
    if (SE_MOBILE_NSN.test(nsn)) return `0${nsn.slice(0, 2)}-${nsn.slice(2, 5)} ${nsn.slice(5, 7)} ${nsn.slice(7)}`;
  }
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return e164;
  return parsed.country === home ? parsed.formatNational() : parsed.formatInternational();
}
