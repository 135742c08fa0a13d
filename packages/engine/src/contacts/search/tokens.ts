// The search index's dictionary of tokens: the tokens of a search document (DocumentTokens),
// the word tokens sorted for prefix lookups (WordTokens) and the number tokens (phone
// numbers, digits in addresses) packed as numbers beside their contact (NumberTokens),
// each with the contacts it occurs in (a Posting).
import { searchIndexTuning } from './tuning';
import { IdSet, lowerBound } from './bitsets';
import type { PrefixDistance } from './similar';

/**
 * Tokens of at most this many ASCII digits (phone numbers, numbers in e-mail addresses:
 * most of the distinct tokens of an address book) are held as numbers, packed with their
 * contact id into 64 bits and sorted natively; a string dictionary of them would take
 * most of the time and memory of the index.
 */
export const NUMBER_DIGITS = 12;
/** Contact ids below this pack beside a 12-digit number into 64 bits. */
export const PACKABLE_IDS = 2 ** 24;
const POW10 = Array.from({ length: NUMBER_DIGITS + 1 }, (_, i) => 10 ** i);

/**
 * The tokens of one search document (tokens are separated by spaces, columns by line
 * feeds), each once: tokens of up to NUMBER_DIGITS ASCII digits as numbers (with their
 * length, for leading zeros), the others as strings. Reused from document to document.
 */
export class DocumentTokens {
  words: string[] = [];
  digits: number[] = [];
  values: number[] = [];

  read(doc: string, numbers: boolean): this {
    this.words.length = 0;
    this.digits.length = 0;
    this.values.length = 0;
    let start = -1;
    let value = 0;
    let digits = true;
    for (let i = 0; i <= doc.length; i++) {
      const c = i < doc.length ? doc.charCodeAt(i) : 32;
      if (c === 32 || c === 10) {
        if (start >= 0) {
          if (numbers && digits && i - start <= NUMBER_DIGITS) this.addNumber(i - start, value);
          else this.addWord(doc.slice(start, i));
        }
        start = -1;
      } else {
        if (start < 0) {
          start = i;
          value = 0;
          digits = true;
        }
        if (c >= 48 && c <= 57) value = value * 10 + (c - 48);
        else digits = false;
      }
    }
    return this;
  }

  private addWord(t: string): void {
    if (!this.words.includes(t)) this.words.push(t);
  }

  private addNumber(d: number, v: number): void {
    for (let i = 0; i < this.values.length; i++) if (this.values[i] === v && this.digits[i] === d) return;
    this.digits.push(d);
    this.values.push(v);
  }
}

export const isNumberToken = (t: string): boolean => t.length <= NUMBER_DIGITS && /^[0-9]+$/.test(t);

/** No contact: a token whose contacts all changed (dropped at the next tidy()). */
export const EMPTY = -1;
/** Contacts under a token: most tokens belong to one contact, held as its id. */
export type Posting = number | IdSet;

export function withId(p: Posting | undefined, id: number, words: number): Posting {
  if (p === undefined || p === EMPTY || p === id) return id;
  if (typeof p !== 'number') {
    p.add(id, words);
    return p;
  }
  const set = new IdSet();
  set.add(p, words);
  set.add(id, words);
  return set;
}

function withoutId(p: Posting, id: number): Posting {
  if (typeof p === 'number') return p === id ? EMPTY : p;
  p.delete(id);
  return p.size === 0 ? EMPTY : p;
}

function markPosting(p: Posting, bits: Uint32Array): void {
  if (typeof p === 'number') {
    if (p !== EMPTY) bits[p >>> 5]! |= 1 << (p & 31);
  } else p.orInto(bits);
}

/**
 * The tokens that are not numbers, sorted, so the tokens starting with a prefix are one
 * run found by binary search. Tokens new since the last sort wait in a map that prefix
 * lookups scan, and are sorted in once there are many.
 */
export class WordTokens {
  private tokens: string[] = [];
  private postings: Posting[] = [];
  private fresh = new Map<string, Posting>();
  private emptied = 0;

  static build(all: Map<string, Posting>): WordTokens {
    const d = new WordTokens();
    d.tokens = [...all.keys()].sort();
    d.postings = d.tokens.map((t) => all.get(t)!);
    return d;
  }

  add(token: string, id: number, words: number): void {
    const at = this.find(token);
    if (at >= 0) {
      if (this.postings[at] === EMPTY) this.emptied--;
      this.postings[at] = withId(this.postings[at], id, words);
    } else this.fresh.set(token, withId(this.fresh.get(token), id, words));
  }

  delete(token: string, id: number): void {
    const at = this.find(token);
    if (at >= 0) {
      const p = this.postings[at]!;
      this.postings[at] = withoutId(p, id);
      if (p !== EMPTY && this.postings[at] === EMPTY) this.emptied++;
      return;
    }
    const p = this.fresh.get(token);
    if (p === undefined) return;
    const rest = withoutId(p, id);
    if (rest === EMPTY) this.fresh.delete(token);
    else this.fresh.set(token, rest);
  }

  /** Marks the contacts with a token starting with `prefix`. */
  prefixInto(prefix: string, bits: Uint32Array): void {
    const tokens = this.tokens;
    for (let at = lowerBound(tokens, prefix); at < tokens.length && tokens[at]!.startsWith(prefix); at++)
      markPosting(this.postings[at]!, bits);
    for (const [t, p] of this.fresh) if (t.startsWith(prefix)) markPosting(p, bits);
  }

  /**
   * Marks the contacts with a token that starts with `word` give or take `typos` edits, and
   * with its first letter (see similar.ts): one run of the sorted tokens, and the new ones.
   */
  similarInto(word: string, typos: number, bits: Uint32Array, distance: PrefixDistance): void {
    const first = word.charAt(0);
    const tokens = this.tokens;
    for (let at = lowerBound(tokens, first); at < tokens.length && tokens[at]!.startsWith(first); at++)
      if (distance.within(word, tokens[at]!, typos)) markPosting(this.postings[at]!, bits);
    for (const [t, p] of this.fresh) if (t.startsWith(first) && distance.within(word, t, typos)) markPosting(p, bits);
  }

  /** Marks the contacts with exactly this token. */
  exactInto(token: string, bits: Uint32Array): void {
    const at = this.find(token);
    const p = at >= 0 ? this.postings[at] : this.fresh.get(token);
    if (p !== undefined) markPosting(p, bits);
  }

  /** Sorts in the new tokens and drops the emptied ones, once they have become many. */
  tidy(): void {
    if (this.fresh.size + this.emptied <= Math.max(searchIndexTuning.tidyAfter, this.tokens.length >>> 4)) return;
    const all = new Map<string, Posting>();
    for (let i = 0; i < this.tokens.length; i++) if (this.postings[i] !== EMPTY) all.set(this.tokens[i]!, this.postings[i]!);
    for (const [t, p] of this.fresh) all.set(t, p);
    const merged = WordTokens.build(all);
    this.tokens = merged.tokens;
    this.postings = merged.postings;
    this.fresh = new Map();
    this.emptied = 0;
  }

  private find(token: string): number {
    const at = lowerBound(this.tokens, token);
    return this.tokens[at] === token ? at : -1;
  }
}

/** Which 32-bit half of a 64-bit integer comes first in memory. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Number tokens: for each length, the numbers ascending with the contact of each (EMPTY
 * once removed). A prefix of d digits covers, among the tokens of L digits, one range of
 * numbers: [p·10^(L−d), (p+1)·10^(L−d)). New tokens wait in a list that lookups scan.
 */
export class NumberTokens {
  private values: Float64Array[] = [];
  private ids: Int32Array[] = [];
  /** Added since the last sort: (digits, value, id) triples. */
  private fresh: number[] = [];
  /** How many of the fresh triples each contact has: most removals need not look there. */
  private freshOwners = new Map<number, number>();
  private removed = 0;
  private size = 0;

  /** From n (digits, value, id) entries in parallel arrays. */
  static build(digits: Uint8Array, values: Float64Array, ids: Int32Array, n: number): NumberTokens {
    const t = new NumberTokens();
    const counts = new Int32Array(NUMBER_DIGITS + 1);
    for (let i = 0; i < n; i++) counts[digits[i]!]!++;
    const keys = Array.from(counts, (c) => new BigUint64Array(c));
    const halves = keys.map((k) => new Uint32Array(k.buffer));
    const filled = new Int32Array(NUMBER_DIGITS + 1);
    const [lo, hi] = LITTLE_ENDIAN ? [0, 1] : [1, 0];
    for (let i = 0; i < n; i++) {
      // value · 2^24 + id, written as two 32-bit halves: value < 10^12 < 2^40, id < 2^24.
      const d = digits[i]!;
      const at = 2 * filled[d]!++;
      const v = values[i]!;
      halves[d]![at + lo] = (v % 256) * 16777216 + ids[i]!;
      halves[d]![at + hi] = Math.floor(v / 256);
    }
    for (let d = 1; d <= NUMBER_DIGITS; d++) {
      keys[d]!.sort();
      const h = halves[d]!;
      const vs = new Float64Array(counts[d]!);
      const is = new Int32Array(counts[d]!);
      for (let i = 0; i < vs.length; i++) {
        const low = h[2 * i + lo]!;
        vs[i] = h[2 * i + hi]! * 256 + (low >>> 24);
        is[i] = low & 0xffffff;
      }
      t.values[d] = vs;
      t.ids[d] = is;
    }
    t.size = n;
    return t;
  }

  add(digits: number, value: number, id: number): void {
    this.fresh.push(digits, value, id);
    this.freshOwners.set(id, (this.freshOwners.get(id) ?? 0) + 1);
  }

  delete(digits: number, value: number, id: number): void {
    const vs = this.values[digits];
    const is = this.ids[digits];
    if (vs && is) {
      for (let i = lowerBound(vs, value); i < vs.length && vs[i] === value; i++) {
        if (is[i] === id) {
          is[i] = EMPTY;
          this.removed++;
        }
      }
    }
    let owned = this.freshOwners.get(id) ?? 0;
    const f = this.fresh;
    for (let i = f.length - 3; i >= 0 && owned > 0; i -= 3) {
      if (f[i] === digits && f[i + 1] === value && f[i + 2] === id) {
        f.splice(i, 3);
        owned--;
      }
    }
    if (owned > 0) this.freshOwners.set(id, owned);
    else this.freshOwners.delete(id);
  }

  /** Marks the contacts with a number token of `exact` digits (or, when null, of any length) starting with these digits. */
  prefixInto(digits: number, value: number, bits: Uint32Array, exact = false): void {
    for (let len = digits; len <= (exact ? digits : NUMBER_DIGITS); len++) {
      const vs = this.values[len];
      const is = this.ids[len];
      if (!vs || !is) continue;
      const from = value * POW10[len - digits]!;
      const to = (value + 1) * POW10[len - digits]!;
      for (let i = lowerBound(vs, from); i < vs.length && vs[i]! < to; i++) {
        const id = is[i]!;
        if (id !== EMPTY) bits[id >>> 5]! |= 1 << (id & 31);
      }
    }
    const f = this.fresh;
    for (let i = 0; i < f.length; i += 3) {
      const len = f[i]!;
      if (len < digits || (exact && len !== digits)) continue;
      const v = f[i + 1]!;
      if (v >= value * POW10[len - digits]! && v < (value + 1) * POW10[len - digits]!) {
        const id = f[i + 2]!;
        bits[id >>> 5]! |= 1 << (id & 31);
      }
    }
  }

  /** Sorts in the new tokens and drops the removed ones, once they have become many. */
  tidy(): void {
    if (this.fresh.length / 3 + this.removed <= Math.max(searchIndexTuning.tidyAfter, this.size >>> 4)) return;
    const n = this.size - this.removed + this.fresh.length / 3;
    const digits = new Uint8Array(n);
    const values = new Float64Array(n);
    const ids = new Int32Array(n);
    let k = 0;
    for (let d = 1; d <= NUMBER_DIGITS; d++) {
      const vs = this.values[d];
      const is = this.ids[d];
      if (!vs || !is) continue;
      for (let i = 0; i < vs.length; i++) {
        if (is[i] === EMPTY) continue;
        digits[k] = d;
        values[k] = vs[i]!;
        ids[k++] = is[i]!;
      }
    }
    for (let i = 0; i < this.fresh.length; i += 3) {
      digits[k] = this.fresh[i]!;
      values[k] = this.fresh[i + 1]!;
      ids[k++] = this.fresh[i + 2]!;
    }
    const sorted = NumberTokens.build(digits, values, ids, k);
    this.values = sorted.values;
    this.ids = sorted.ids;
    this.size = sorted.size;
    this.fresh = [];
    this.freshOwners = new Map();
    this.removed = 0;
  }
}
