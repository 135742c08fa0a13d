// How an SMS text will be split and billed, for the live counter under the message editor
// and for the dispatcher's cost estimate: GSM-7 (basic set + extension table, whose
// characters take two septets and are never split across segments) or UCS-2 (UTF-16 code
// units; a surrogate pair is never split either). Also the rules for sender IDs.

export type SmsEncoding = 'gsm7' | 'ucs2';

export interface SmsSegmentInfo {
  encoding: SmsEncoding;
  /** Segments the text is sent as; 0 for an empty text. */
  segments: number;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) the text takes. */
  units: number;
  /** Units that fit in one segment at the current segment count (160/153 or 70/67). */
  unitsPerSegment: number;
  /** Units still free in the current (last) segment before another one starts. */
  charsLeft: number;
  /** Characters that forced UCS-2, in order of first appearance (to suggest replacements). */
  nonGsmChars: string[];
}

// GSM 03.38 basic character set (as Unicode) and the extension table reached via ESC.
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '\f^{}\\[~]|€';
const basic = new Set(GSM_BASIC);
const extension = new Set(GSM_EXTENSION);

const SINGLE = { gsm7: 160, ucs2: 70 } as const;
const CONCATENATED = { gsm7: 153, ucs2: 67 } as const;

/** Septets one character takes in GSM-7, or null when it is not in GSM-7 at all. */
export function gsmSeptets(char: string): 1 | 2 | null {
  if (basic.has(char)) return 1;
  if (extension.has(char)) return 2;
  return null;
}

export function smsSegments(text: string): SmsSegmentInfo {
  const nonGsm: string[] = [];
  const gsmUnits: number[] = [];
  for (const char of text) {
    const septets = gsmSeptets(char);
    if (septets === null) {
      if (!nonGsm.includes(char)) nonGsm.push(char);
    } else gsmUnits.push(septets);
  }
  const encoding: SmsEncoding = nonGsm.length === 0 ? 'gsm7' : 'ucs2';
  // In UCS-2 a code point outside the BMP is a surrogate pair: two units, never split.
  const units = encoding === 'gsm7' ? gsmUnits : [...text].map((c) => c.length);
  const total = units.reduce((a, b) => a + b, 0);
  if (total === 0)
    return { encoding, segments: 0, units: 0, unitsPerSegment: SINGLE[encoding], charsLeft: SINGLE[encoding], nonGsmChars: nonGsm };
  if (total <= SINGLE[encoding]) {
    return {
      encoding,
      segments: 1,
      units: total,
      unitsPerSegment: SINGLE[encoding],
      charsLeft: SINGLE[encoding] - total,
      nonGsmChars: nonGsm,
    };
  }
  const size = CONCATENATED[encoding];
  let segments = 1;
  let used = 0;
  for (const u of units) {
    if (used + u > size) {
      segments++;
      used = 0;
    }
    used += u;
  }
  return { encoding, segments, units: total, unitsPerSegment: size, charsLeft: size - used, nonGsmChars: nonGsm };
}

export type SenderIdKind = 'phone-number' | 'short-code' | 'alphanumeric';

export interface SenderIdCheck {
  kind: SenderIdKind | null;
  valid: boolean;
  /** Alphanumeric senders are one-way: people cannot answer "1" to them. */
  canReceiveReplies: boolean;
  /** Reasons the sender cannot be used (when `valid` is false). */
  errors: string[];
  /** Things that work but may surprise (operators rewriting the sender). */
  warnings: string[];
}

const E164 = /^\+[1-9]\d{6,14}$/;
const SHORT_CODE = /^\d{3,8}$/;

/**
 * Checks an SMS sender: an E.164 number, a short code, or an alphanumeric ID of at most 11
 * characters with at least one letter. `needsReplies` turns "cannot receive replies" into
 * an error, for campaigns that ask people to reply "1".
 */
export function checkSenderId(sender: string, options: { needsReplies?: boolean } = {}): SenderIdCheck {
  const value = sender.trim();
  const errors: string[] = [];
  const warnings: string[] = [];
  if (value === '') return { kind: null, valid: false, canReceiveReplies: false, errors: ['Sender is empty'], warnings };
  if (E164.test(value)) return { kind: 'phone-number', valid: true, canReceiveReplies: true, errors, warnings };
  if (SHORT_CODE.test(value)) return { kind: 'short-code', valid: true, canReceiveReplies: true, errors, warnings };
  if (/^\+?[\d\s-]+$/.test(value)) {
    errors.push('A phone number sender must be in international format, e.g. +46701234567');
    return { kind: 'phone-number', valid: false, canReceiveReplies: false, errors, warnings };
  }
  if ([...value].length > 11) errors.push(`An alphanumeric sender ID has at most 11 characters (this has ${[...value].length})`);
  if (!/[A-Za-z]/.test(value)) errors.push('An alphanumeric sender ID must contain at least one letter A–Z');
  const illegal = [...new Set([...value].filter((c) => !/[A-Za-z0-9 ]/.test(c)))];
  const nonAscii = illegal.filter((c) => c.charCodeAt(0) > 127);
  if (nonAscii.length) errors.push(`Not allowed in a sender ID: ${nonAscii.join(' ')} (use A–Z and 0–9; å ä ö are not allowed)`);
  const stripped = illegal.filter((c) => c.charCodeAt(0) <= 127);
  if (stripped.length) errors.push(`Not allowed in a sender ID: ${stripped.map((c) => JSON.stringify(c)).join(' ')}`);
  if (/ /.test(value)) warnings.push('Some operators strip spaces from sender IDs');
  if (/[a-z]/.test(value)) warnings.push('Some operators show sender IDs in capitals only');
  if (options.needsReplies) errors.push('People cannot reply to an alphanumeric sender ID; use a phone number when asking for a reply');
  else warnings.push('People cannot reply to an alphanumeric sender ID');
  return { kind: 'alphanumeric', valid: errors.length === 0, canReceiveReplies: false, errors, warnings };
}
