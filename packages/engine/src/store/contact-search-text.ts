// A contact's search document, in the two forms search uses: the five columns written to
// contacts_fts, and the same words as folded tokens stored on the contact row
// (contacts.search_text, which the engine's in-memory search index reads). Both must
// agree, so one function builds them, and foldTokens
// tokenises as contacts_fts's tokenizer does ('unicode61 remove_diacritics 2': runs of
// letters, digits and private-use characters; lower case; accents removed), which the
// tests check against SQLite itself. It is part of the store because it defines what the
// store writes (and what the migration that fills search_text writes); search folds the
// words of a query with the same foldTokens. Also here: SQLite's BINARY order in
// JavaScript, which the search index and the summaries sort by.
import { parsePhoneNumberFromString, type PhoneNumber } from 'libphonenumber-js/max';
import type { ContactValues } from './contacts';

export interface SearchDocument {
  name: string;
  organisation: string;
  email: string;
  tag: string;
  phone: string;
  /**
   * The five columns folded, one line each (" anna andersson\n malmo stad\n …"): every
   * token preceded by a space, so " ann" tests a token prefix, and a phrase (" anna k")
   * cannot run from one column into the next, as in contacts_fts.
   */
  folded: string;
}

const separators = /[^\p{L}\p{N}\p{Co}]+/gu;
const marks = /\p{M}/gu;

/** The definition: decompose, drop the marks, lower-case, split at anything not a letter or digit. */
function foldSlowly(text: string): string {
  return text.normalize('NFD').replace(marks, '').toLowerCase().replace(separators, ' ');
}

/**
 * foldSlowly of every character below U+0250 (Latin-1 and Latin Extended A and B, where
 * Swedish and most European names live), separators as a space. Below U+0250 no character
 * is a combining mark or lower-cases by context, so folding character by character gives
 * what folding the whole string does; import folds 100,000 documents, so this matters.
 */
const FAST_LIMIT = 0x250;
const fastFold: string[] = Array.from({ length: FAST_LIMIT }, (_, cp) => foldSlowly(String.fromCharCode(cp)));

/** The text folded, each token preceded by one space: " anna andersson 46701234567". */
export function foldedText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= FAST_LIMIT) {
      out = foldSlowly(text);
      break;
    }
    out += fastFold[c]!;
  }
  const joined = out.replace(/ +/g, ' ').trimEnd();
  return joined === '' || joined.startsWith(' ') ? joined : ` ${joined}`;
}

/** The tokens contacts_fts would index for this text, folded. */
export function foldTokens(text: string): string[] {
  const f = foldedText(text);
  return f === '' ? [] : f.slice(1).split(' ');
}

/** For tests: the definition foldedText must agree with. */
export const foldTokensSlowly = (text: string): string[] =>
  foldSlowly(text)
    .split(' ')
    .filter((t) => t !== '');

/** What a search document is made of: a contact's names, addresses, tags and numbers (in their order). */
export type SearchInput = Pick<ContactValues, 'displayName' | 'firstName' | 'lastName' | 'organisation' | 'role' | 'tags' | 'whatsapp'> & {
  emails: readonly { address: string }[];
  phones: readonly { e164: string; digits?: string[] }[];
};

export function searchDocument(rec: SearchInput): SearchDocument {
  // Written as loops: import builds 100,000 of these.
  let name = rec.displayName;
  if (rec.firstName && rec.firstName !== name) name += ` ${rec.firstName}`;
  if (rec.lastName && rec.lastName !== name && rec.lastName !== rec.firstName) name += ` ${rec.lastName}`;
  const organisation = rec.organisation && rec.role ? `${rec.organisation} ${rec.role}` : (rec.organisation ?? rec.role ?? '');
  let email = '';
  for (const e of rec.emails) email = email === '' ? e.address : `${email} ${e.address}`;
  const digits: string[] = [];
  for (const p of rec.phones)
    for (const d of ('digits' in p && p.digits) || phoneSearchDigits(p.e164)) if (!digits.includes(d)) digits.push(d);
  if (rec.whatsapp) for (const d of phoneSearchDigits(rec.whatsapp)) if (!digits.includes(d)) digits.push(d);
  const tag = rec.tags.join(' ');
  const phone = digits.join(' ');
  return {
    name,
    organisation,
    email,
    tag,
    phone,
    folded: `${foldedText(name)}\n${foldedText(organisation)}\n${foldedText(email)}\n${foldedText(tag)}\n${foldedText(phone)}`,
  };
}

/**
 * Digit strings a search for this number should find it by: the E.164 digits
 * ("46701234567") and the national form with its trunk prefix ("0701234567"). Each token
 * costs index space and import time, so the bare national significant number is left out.
 * Formats once per country, not per number (imports).
 */
export function phoneSearchDigits(e164: string): string[] {
  const parsed = parsePhoneNumberFromString(e164);
  return parsed ? searchDigitsOf(parsed) : [e164.replace(/\D/g, '')];
}

/** phoneSearchDigits of a number already parsed (normalising a number computes them on the way). */
export function searchDigitsOf(parsed: PhoneNumber): string[] {
  const all = parsed.number.slice(1);
  const nsn = parsed.nationalNumber;
  const key = parsed.country ?? parsed.countryCallingCode;
  let prefix = trunkPrefixes.get(key);
  if (prefix === undefined) {
    const national = parsed.formatNational().replace(/\D/g, '');
    prefix = national.endsWith(nsn) ? national.slice(0, national.length - nsn.length) : '';
    trunkPrefixes.set(key, prefix);
  }
  return [all, prefix + nsn];
}

/** Country → the trunk prefix its national format puts before the number ("0" in Sweden). */
const trunkPrefixes = new Map<string, string>();

/**
 * SQLite's BINARY order of two strings (their UTF-8 bytes, i.e. code points), which differs
 * from JavaScript's code-unit order only where a surrogate pair meets a character from
 * U+E000 up.
 */
export function compareBinary(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}
