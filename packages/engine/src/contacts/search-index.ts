// The address book's search index, held in memory by the engine: every contact's search
// document (contacts.search_text) with a dictionary of its tokens, the members of each group
// and tag, and the contacts in name order and in order of last change. A search is a few
// set operations on bitsets of contact ids — the exact count of any prefix is a popcount —
// and a page is a walk along the chosen order testing one bit per contact. It answers what
// contacts_fts and the SQL filters answer; the tests compare the two on random data.
//
// The engine is the only writer of its database, and every write to contacts, their tags
// and memberships goes through ContactStore and GroupStore, which tell the index which
// contacts they wrote (changed()). Before the next search the index reads those contacts
// again, so it holds what was committed whatever the write was, or whether it was rolled
// back. A write by another connection (the CLI on the same file) shows in PRAGMA
// data_version, and the index is then built anew.
import type Database from 'better-sqlite3';

/**
 * Where the index switches from one way of working to another, set for address books of
 * up to 100,000 contacts. The tests lower them to take every way with a few dozen.
 */
export const searchIndexTuning = {
  /**
   * Build anew when more than this many contacts, or an eighth of them, changed since the
   * last search: reading a contact again costs several times what building costs per
   * contact (about 15 µs against 2–5 µs at 100,000 contacts).
   */
  rebuildAfter: 1000,
  /** Up to this many changed contacts are moved in the sort orders one by one; more in one pass over each order. */
  oneByOne: 32,
  /** Sort the matches instead of walking a sort order when at most one contact in this many matches. */
  sortWhenOneIn: 64,
  /** New or emptied tokens let wait (scanned by every lookup) before they are sorted in: this many, or a sixteenth of all. */
  tidyAfter: 4096,
  /** Contacts read per statement. */
  readChunk: 20_000,
  /**
   * Build in the background, a chunk at a time, while contacts_fts answers (see
   * searchContacts). Off, a search builds the index first, in one go (the tests use this
   * to hold every search to the index).
   */
  background: true,
  /** Contacts tokenised between two turns of the event loop by a background build. */
  buildStep: 10_000,
};

// ── bitsets over contact ids ──

const wordsFor = (maxId: number): number => (maxId >>> 5) + 1;

function popcount(bits: Uint32Array): number {
  let n = 0;
  for (let i = 0; i < bits.length; i++) {
    let v = bits[i]!;
    if (v === 0) continue;
    v -= (v >>> 1) & 0x55555555;
    v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
    n += (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }
  return n;
}

const hasBit = (bits: Uint32Array, id: number): boolean => ((bits[id >>> 5] ?? 0) & (1 << (id & 31))) !== 0;

/** The ids whose bits are set, ascending. */
function idsOf(bits: Uint32Array): number[] {
  const out: number[] = [];
  for (let w = 0; w < bits.length; w++) {
    let v = bits[w]!;
    while (v !== 0) {
      const low = v & -v;
      out.push((w << 5) + 31 - Math.clz32(low));
      v ^= low;
    }
  }
  return out;
}

function andInto(target: Uint32Array, bits: Uint32Array): void {
  for (let i = 0; i < target.length; i++) target[i]! &= bits[i] ?? 0;
}

/**
 * The contacts under one token, group or tag: a sorted list while they are few, a bitset
 * once a list would take more room (a common first name, a large group).
 */
class IdSet {
  private list: number[] | null = [];
  private bits: Uint32Array | null = null;
  size = 0;

  add(id: number, words: number): void {
    if (this.bits) {
      const w = id >>> 5;
      if (w >= this.bits.length) {
        const bigger = new Uint32Array(Math.max(words, w + 1));
        bigger.set(this.bits);
        this.bits = bigger;
      }
      const m = 1 << (id & 31);
      if ((this.bits[w]! & m) === 0) {
        this.bits[w]! |= m;
        this.size++;
      }
      return;
    }
    const list = this.list!;
    // Ids mostly come in ascending order (building, importing): appending is the common case.
    if (list.length === 0 || list[list.length - 1]! < id) list.push(id);
    else {
      const at = lowerBound(list, id);
      if (list[at] === id) return;
      list.splice(at, 0, id);
    }
    this.size++;
    // A list entry takes 4 bytes or more, a bitset one bit per possible id.
    if (list.length > 64 && list.length > words) {
      this.bits = new Uint32Array(words);
      for (const x of list) this.bits[x >>> 5]! |= 1 << (x & 31);
      this.list = null;
    }
  }

  delete(id: number): void {
    if (this.bits) {
      const w = id >>> 5;
      const m = 1 << (id & 31);
      if (w < this.bits.length && (this.bits[w]! & m) !== 0) {
        this.bits[w]! &= ~m;
        this.size--;
      }
      return;
    }
    const list = this.list!;
    const at = lowerBound(list, id);
    if (list[at] !== id) return;
    list.splice(at, 1);
    this.size--;
  }

  orInto(target: Uint32Array): void {
    if (this.bits) {
      const n = Math.min(target.length, this.bits.length);
      for (let i = 0; i < n; i++) target[i]! |= this.bits[i]!;
      return;
    }
    for (const id of this.list!) target[id >>> 5]! |= 1 << (id & 31);
  }

  static of(ids: readonly number[], words: number): IdSet {
    const set = new IdSet();
    for (const id of ids) set.add(id, words);
    return set;
  }
}

/**
 * The first index whose value is not below `key`: for strings in JavaScript's order (that of
 * Array.prototype.sort), for numbers in numeric order.
 */
function lowerBound<T extends number | string>(sorted: ArrayLike<T>, key: T): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// ── tokens ──

/**
 * Tokens of at most this many ASCII digits (phone numbers, numbers in e-mail addresses:
 * most of the distinct tokens of an address book) are held as numbers, packed with their
 * contact id into 64 bits and sorted natively; a string dictionary of them would take
 * most of the time and memory of the index.
 */
const NUMBER_DIGITS = 12;
/** Contact ids below this pack beside a 12-digit number into 64 bits. */
const PACKABLE_IDS = 2 ** 24;
const POW10 = Array.from({ length: NUMBER_DIGITS + 1 }, (_, i) => 10 ** i);

/**
 * The tokens of one search document (tokens are separated by spaces, columns by line
 * feeds), each once: tokens of up to NUMBER_DIGITS ASCII digits as numbers (with their
 * length, for leading zeros), the others as strings. Reused from document to document.
 */
class DocumentTokens {
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

const isNumberToken = (t: string): boolean => t.length <= NUMBER_DIGITS && /^[0-9]+$/.test(t);

/** No contact: a token whose contacts all changed (dropped at the next tidy()). */
const EMPTY = -1;
/** Contacts under a token: most tokens belong to one contact, held as its id. */
type Posting = number | IdSet;

function withId(p: Posting | undefined, id: number, words: number): Posting {
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
class WordTokens {
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
class NumberTokens {
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

// ── sort orders ──

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

/**
 * Contact ids in one sort order, as the SQL indexes contacts_sort_name (sort_key, id
 * ascending) and contacts_sort_updated (updated_at, id, read descending) hold them.
 */
class SortOrder {
  private ids = new Int32Array(0);
  length = 0;

  constructor(
    private readonly keyOf: (id: number) => string,
    private readonly descending: boolean,
  ) {}

  /** Negative when (key, id) comes before contact `other` in this order. */
  compare(key: string, id: number, other: number): number {
    const c = compareBinary(key, this.keyOf(other)) || id - other;
    return this.descending ? -c : c;
  }

  /** Takes the ids in SQLite's order, checking it is this order (sorting them if not). */
  reset(ids: number[]): void {
    let ordered = true;
    for (let i = 1; i < ids.length && ordered; i++) ordered = this.compare(this.keyOf(ids[i - 1]!), ids[i - 1]!, ids[i]!) < 0;
    if (!ordered) ids.sort((a, b) => this.compare(this.keyOf(a), a, b));
    this.ids = Int32Array.from(ids);
    this.length = ids.length;
  }

  at(i: number): number {
    return this.ids[i]!;
  }

  /** The position of the first contact after (key, id) in this order. */
  after(key: string, id: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(key, id, this.ids[mid]!) >= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Removes a contact, found by the key it was placed with. */
  remove(key: string, id: number): void {
    let at = this.after(key, id) - 1;
    if (at < 0 || this.ids[at] !== id) at = this.ids.subarray(0, this.length).indexOf(id);
    if (at < 0) return;
    this.ids.copyWithin(at, at + 1, this.length);
    this.length--;
  }

  /** Removes every contact whose bit is set, in one pass. */
  removeAll(gone: Uint32Array): void {
    let k = 0;
    for (let i = 0; i < this.length; i++) {
      const id = this.ids[i]!;
      if (!hasBit(gone, id)) this.ids[k++] = id;
    }
    this.length = k;
  }

  /**
   * Inserts many contacts (whose keys keyOf already gives) in one pass: each one's place
   * found by binary search, the runs between them copied whole.
   */
  insertAll(ids: number[]): void {
    ids.sort((a, b) => this.compare(this.keyOf(a), a, b));
    const merged = new Int32Array(Math.max(16, (this.length + ids.length) * 2));
    let from = 0;
    let k = 0;
    for (const id of ids) {
      const at = this.after(this.keyOf(id), id);
      merged.set(this.ids.subarray(from, at), k);
      k += at - from;
      from = at;
      merged[k++] = id;
    }
    merged.set(this.ids.subarray(from, this.length), k);
    this.length += ids.length;
    this.ids = merged;
  }

  insert(key: string, id: number): void {
    const at = this.after(key, id);
    if (this.length === this.ids.length) {
      const bigger = new Int32Array(Math.max(16, this.length * 2));
      bigger.set(this.ids.subarray(0, this.length));
      this.ids = bigger;
    }
    this.ids.copyWithin(at + 1, at, this.length);
    this.ids[at] = id;
    this.length++;
  }
}

// ── the index ──

export interface IndexQuery {
  /** Each word of the query as its folded tokens; a contact matches every word. */
  words: readonly (readonly string[])[];
  /** Members of any of these groups, or anyone (null). */
  groups: readonly number[] | null;
  /** Contacts with exactly this tag, or anyone (null). */
  tag: string | null;
  sort: 'name' | 'updated';
  /** The last contact of the previous page, by its sort key: the page starts after it. */
  after: { key: string; id: number } | null;
  limit: number;
}

export interface IndexAnswer {
  /** Up to limit + 1 ids, in order: one more than the page says another page follows. */
  ids: number[];
  /** The sort key of each of ids. */
  keys: string[];
  total: number;
}

const indexes = new WeakMap<Database.Database, ContactSearchIndex>();

export class ContactSearchIndex {
  // By contact id; undefined where there is no contact.
  private sortKeys: (string | undefined)[] = [];
  private updatedAts: (string | undefined)[] = [];
  /** contacts.search_text: one line per full-text column, each token preceded by a space. */
  private docs: (string | undefined)[] = [];
  private count = 0;
  private words = 1;
  private wordTokens = new WordTokens();
  private numberTokens = new NumberTokens();
  /** False once a contact id is too large to pack beside a number: number tokens are then words. */
  private idsPack = true;
  private groups = new Map<number, IdSet>();
  private tags = new Map<string, IdSet>();
  private readonly byName = new SortOrder((id) => this.sortKeys[id]!, false);
  private readonly byUpdated = new SortOrder((id) => this.updatedAts[id]!, true);
  private readonly tokens = new DocumentTokens();
  private readonly bitsets: Uint32Array[] = [];
  private bitsetsLent = 0;
  private built = false;
  /** The background build under way (warm()). */
  private building: Promise<void> | null = null;
  /** Counts invalidations: a background build that saw one started reading too early. */
  private generation = 0;
  private dataVersion = -1;
  private readonly stale = new Set<number>();
  private prepared: ReturnType<typeof statements> | null = null;

  private constructor(private readonly sqlite: Database.Database) {}

  /** Prepared on first search: every connection has an index, most never search. */
  private get st(): ReturnType<typeof statements> {
    return (this.prepared ??= statements(this.sqlite));
  }

  /** The index of this connection's database (built on first search). */
  static of(sqlite: Database.Database): ContactSearchIndex {
    let index = indexes.get(sqlite);
    if (!index) indexes.set(sqlite, (index = new ContactSearchIndex(sqlite)));
    return index;
  }

  /** These contacts were written: created, changed, deleted, tagged, added to or removed from groups. */
  changed(ids: Iterable<number>): void {
    if (!this.built && !this.building) return;
    for (const id of ids) this.stale.add(id);
    if (this.stale.size > Math.max(searchIndexTuning.rebuildAfter, this.count >>> 3)) this.invalidate();
  }

  /** A group was deleted, and with it its memberships. */
  groupDeleted(id: number): void {
    this.groups.delete(id);
    // A background build may have read the group before it went: read again.
    if (this.building) this.generation++;
  }

  /** Anything may have changed: build anew before the next search. */
  invalidate(): void {
    this.built = false;
    this.stale.clear();
    this.generation++;
  }

  /** Whether a search now is answered from memory, without building the index first. */
  ready(): boolean {
    return this.built && (this.st.dataVersion.get() as number) === this.dataVersion;
  }

  /**
   * Builds the index in the background, a chunk at a time with a turn of the event loop
   * in between, so no call waits half a second for it (100,000 contacts take ~0.5 s).
   * Writes meanwhile are noted as usual and read again before the first search that uses
   * it; a write by another connection, or so many writes that the index is dropped, makes
   * it start over.
   */
  warm(): Promise<void> {
    this.building ??= (async () => {
      try {
        while (!this.ready()) {
          const generation = this.generation;
          const version = this.st.dataVersion.get() as number;
          this.stale.clear();
          const steps = this.buildSteps();
          let step = steps.next();
          for (; !step.done; step = steps.next()) await new Promise((resolve) => setImmediate(resolve));
          if (generation !== this.generation || version !== (this.st.dataVersion.get() as number)) continue;
          // Not the stale contacts: those were written while it read, and are read again.
          step.value();
          this.dataVersion = version;
        }
      } finally {
        this.building = null;
      }
    })();
    return this.building;
  }

  search(q: IndexQuery): IndexAnswer {
    this.sync();
    this.bitsetsLent = 0;
    let matches: Uint32Array | null = null;
    // Filters first: a phrase then checks fewer documents.
    if (q.groups) {
      matches = this.bitset();
      for (const g of q.groups) this.groups.get(g)?.orInto(matches);
    }
    if (q.tag !== null) {
      const bits = this.bitset();
      this.tags.get(q.tag)?.orInto(bits);
      if (matches) andInto(matches, bits);
      else matches = bits;
    }
    for (const w of q.words) {
      const bits = this.wordMatches(w, matches);
      if (matches) andInto(matches, bits);
      else matches = bits;
    }
    const found = matches ?? this.everyone();
    const total = popcount(found);
    const order = q.sort === 'name' ? this.byName : this.byUpdated;
    const keys = q.sort === 'name' ? this.sortKeys : this.updatedAts;
    const want = q.limit + 1;
    let ids: number[];
    if (total * searchIndexTuning.sortWhenOneIn <= this.count) {
      ids = idsOf(found);
      if (q.after) {
        const { key, id } = q.after;
        ids = ids.filter((m) => order.compare(key, id, m) < 0);
      }
      ids = ids.sort((a, b) => order.compare(keys[a]!, a, b)).slice(0, want);
    } else {
      ids = [];
      for (let i = q.after ? order.after(q.after.key, q.after.id) : 0; i < order.length && ids.length < want; i++) {
        const id = order.at(i);
        if (hasBit(found, id)) ids.push(id);
      }
    }
    return { ids, keys: ids.map((id) => keys[id]!), total };
  }

  /**
   * The contacts matching one word of a query: a token starting with it, or for a word of
   * several tokens (a phrase: "anna-karin", "anna.ek@") those tokens in a row within one
   * column, the last one as a prefix. `within`: only these need to be right.
   */
  private wordMatches(tokens: readonly string[], within: Uint32Array | null): Uint32Array {
    const bits = this.bitset();
    if (tokens.length === 0) return bits;
    this.tokenInto(tokens[tokens.length - 1]!, false, bits);
    if (tokens.length === 1) return bits;
    if (within) andInto(bits, within);
    const whole = this.bitset();
    for (let t = 0; t < tokens.length - 1; t++) {
      whole.fill(0);
      this.tokenInto(tokens[t]!, true, whole);
      andInto(bits, whole);
    }
    const phrase = ` ${tokens.join(' ')}`;
    for (const id of idsOf(bits)) if (!this.docs[id]!.includes(phrase)) bits[id >>> 5]! &= ~(1 << (id & 31));
    return bits;
  }

  /** Marks the contacts with this token, or with a token starting with it. */
  private tokenInto(token: string, exact: boolean, bits: Uint32Array): void {
    if (exact) this.wordTokens.exactInto(token, bits);
    else this.wordTokens.prefixInto(token, bits);
    if (isNumberToken(token)) this.numberTokens.prefixInto(token.length, Number(token), bits, exact);
  }

  private everyone(): Uint32Array {
    const bits = this.bitset();
    for (let i = 0; i < this.byName.length; i++) {
      const id = this.byName.at(i);
      bits[id >>> 5]! |= 1 << (id & 31);
    }
    return bits;
  }

  /**
   * An empty bitset over all contact ids, lent for the current search: the same few are
   * reused from search to search instead of allocating (and collecting) them each time.
   */
  private bitset(): Uint32Array {
    // A query of many words needs more; those few are not kept.
    if (this.bitsetsLent >= 8) return new Uint32Array(this.words);
    let bits = this.bitsets[this.bitsetsLent];
    if (bits?.length === this.words) bits.fill(0);
    else this.bitsets[this.bitsetsLent] = bits = new Uint32Array(this.words);
    this.bitsetsLent++;
    return bits;
  }

  // ── keeping in step with the database ──

  private sync(): void {
    const version = this.st.dataVersion.get() as number;
    if (version !== this.dataVersion) this.built = false;
    if (this.built && this.stale.size > 0) this.refresh();
    // Not built yet, changed too much, or by another connection.
    if (!this.built) this.build();
    this.dataVersion = version;
    this.wordTokens.tidy();
    this.numberTokens.tidy();
    // Inside a transaction, what was read may yet be rolled back: read it again next time.
    if (this.sqlite.inTransaction) this.invalidate();
  }

  private build(): void {
    this.generation++;
    const steps = this.buildSteps();
    let step = steps.next();
    while (!step.done) step = steps.next();
    this.stale.clear();
    step.value();
  }

  /**
   * Reads the address book and builds the index beside the one in use, pausing (yield)
   * after each chunk of work; the value returned puts it in use.
   */
  private *buildSteps(): Generator<void, () => void> {
    const sortKeys: (string | undefined)[] = [];
    const updatedAts: (string | undefined)[] = [];
    const docs: (string | undefined)[] = [];
    const ids: number[] = [];
    // Read as JSON arrays, a chunk of contacts per statement: a row per contact costs
    // several times more.
    for (let after = 0; ;) {
      const chunk = this.st.contacts.get(after, searchIndexTuning.readChunk) as [string, string, string, string];
      const chunkIds = JSON.parse(chunk[0]) as number[];
      if (chunkIds.length === 0) break;
      const chunkKeys = JSON.parse(chunk[1]) as string[];
      const chunkUpdated = JSON.parse(chunk[2]) as string[];
      const chunkDocs = JSON.parse(chunk[3]) as (string | null)[];
      for (let i = 0; i < chunkIds.length; i++) {
        const id = chunkIds[i]!;
        sortKeys[id] = chunkKeys[i]!;
        updatedAts[id] = chunkUpdated[i]!;
        docs[id] = chunkDocs[i] ?? '';
        ids.push(id);
      }
      after = chunkIds[chunkIds.length - 1]!;
    }
    const maxId = ids.length > 0 ? ids[ids.length - 1]! : 0;
    const wordCount = wordsFor(maxId);
    const idsPack = maxId < PACKABLE_IDS;

    const groups = new Map<number, IdSet>();
    for (const [group, json] of this.st.groupMembers.all() as [number, string][])
      groups.set(group, IdSet.of(JSON.parse(json) as number[], wordCount));
    const tags = new Map<string, IdSet>();
    for (const [tag, json] of this.st.tagged.all() as [string, string][]) tags.set(tag, IdSet.of(JSON.parse(json) as number[], wordCount));
    // Read in the same turn as the contacts, so every part sees the same contacts (a write
    // can come between two turns, and is then read again, see warm()).
    const byName = JSON.parse(this.st.idsByName.get() as string) as number[];
    const byUpdated = JSON.parse(this.st.idsByUpdated.get() as string) as number[];
    yield;

    const words = new Map<string, Posting>();
    let n = 0;
    let digits = new Uint8Array(1024);
    let values = new Float64Array(1024);
    let owners = new Int32Array(1024);
    const tokens = this.tokens;
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      tokens.read(docs[id]!, idsPack);
      for (const t of tokens.words) words.set(t, withId(words.get(t), id, wordCount));
      if (n + tokens.values.length > digits.length) {
        digits = grown(digits);
        values = grown(values);
        owners = grown(owners);
      }
      for (let i = 0; i < tokens.values.length; i++) {
        digits[n] = tokens.digits[i]!;
        values[n] = tokens.values[i]!;
        owners[n++] = id;
      }
      if ((k + 1) % searchIndexTuning.buildStep === 0) yield;
    }
    const wordTokens = WordTokens.build(words);
    const numberTokens = NumberTokens.build(digits, values, owners, n);

    return () => {
      this.sortKeys = sortKeys;
      this.updatedAts = updatedAts;
      this.docs = docs;
      this.count = ids.length;
      this.words = wordCount;
      this.idsPack = idsPack;
      this.groups = groups;
      this.tags = tags;
      this.wordTokens = wordTokens;
      this.numberTokens = numberTokens;
      this.byName.reset(byName);
      this.byUpdated.reset(byUpdated);
      this.built = true;
    };
  }

  /** Reads the contacts written since the last search and puts them in their places. */
  private refresh(): void {
    const ids = [...this.stale];
    this.stale.clear();
    const oneByOne = ids.length <= searchIndexTuning.oneByOne;
    if (!oneByOne) {
      const gone = new Uint32Array(this.words);
      for (const id of ids) if (this.docs[id] !== undefined) gone[id >>> 5]! |= 1 << (id & 31);
      this.byName.removeAll(gone);
      this.byUpdated.removeAll(gone);
    }
    for (const id of ids) this.remove(id, oneByOne);
    const added: number[] = [];
    const chunk = searchIndexTuning.readChunk;
    for (let i = 0; i < ids.length; i += chunk) {
      const json = JSON.stringify(ids.slice(i, i + chunk));
      for (const [id, sortKey, updatedAt, doc] of this.st.someContacts.all(json) as [number, string, string, string | null][]) {
        if (this.add(id, sortKey, updatedAt, doc ?? '', oneByOne)) added.push(id);
      }
      for (const [id, group] of this.st.someMembers.all(json) as [number, number][]) this.memberSet(this.groups, group).add(id, this.words);
      for (const [id, tag] of this.st.someTags.all(json) as [number, string][]) this.memberSet(this.tags, tag).add(id, this.words);
    }
    if (!oneByOne) {
      this.byName.insertAll(added);
      this.byUpdated.insertAll([...added]);
    }
  }

  /** Puts a contact in (and, one by one, in the sort orders); false if the index has to be built anew instead. */
  private add(id: number, sortKey: string, updatedAt: string, doc: string, inOrders: boolean): boolean {
    if (id >= PACKABLE_IDS && this.idsPack) {
      // Beyond what packs beside a number: build anew, with number tokens as words.
      this.built = false;
      return false;
    }
    if (id >>> 5 >= this.words) this.words = wordsFor(Math.max(id, this.words * 64));
    this.sortKeys[id] = sortKey;
    this.updatedAts[id] = updatedAt;
    this.docs[id] = doc;
    this.count++;
    const tokens = this.tokens.read(doc, this.idsPack);
    for (const t of tokens.words) this.wordTokens.add(t, id, this.words);
    for (let i = 0; i < tokens.values.length; i++) this.numberTokens.add(tokens.digits[i]!, tokens.values[i]!, id);
    if (inOrders) {
      this.byName.insert(sortKey, id);
      this.byUpdated.insert(updatedAt, id);
    }
    return true;
  }

  /**
   * Takes a contact out of everything (and, one by one, out of the sort orders). Its groups
   * and tags are found by asking each: a contact holds no list of them.
   */
  private remove(id: number, fromOrders: boolean): void {
    const doc = this.docs[id];
    if (doc === undefined) return;
    if (fromOrders) {
      this.byName.remove(this.sortKeys[id]!, id);
      this.byUpdated.remove(this.updatedAts[id]!, id);
    }
    const tokens = this.tokens.read(doc, this.idsPack);
    for (const t of tokens.words) this.wordTokens.delete(t, id);
    for (let i = 0; i < tokens.values.length; i++) this.numberTokens.delete(tokens.digits[i]!, tokens.values[i]!, id);
    for (const set of this.groups.values()) set.delete(id);
    for (const set of this.tags.values()) set.delete(id);
    this.sortKeys[id] = undefined;
    this.updatedAts[id] = undefined;
    this.docs[id] = undefined;
    this.count--;
  }

  private memberSet<K>(sets: Map<K, IdSet>, key: K): IdSet {
    let set = sets.get(key);
    if (!set) sets.set(key, (set = new IdSet()));
    return set;
  }
}

function grown<T extends Uint8Array | Float64Array | Int32Array>(a: T): T {
  const bigger = new (a.constructor as new (n: number) => T)(a.length * 2);
  bigger.set(a);
  return bigger;
}

function statements(db: Database.Database) {
  return {
    dataVersion: db.prepare('PRAGMA data_version').pluck(),
    contacts: db
      .prepare(
        `SELECT json_group_array(id), json_group_array(sort_key), json_group_array(updated_at), json_group_array(search_text)
         FROM (SELECT id, sort_key, updated_at, search_text FROM contacts WHERE id > ? ORDER BY id LIMIT ?)`,
      )
      .raw(),
    groupMembers: db.prepare('SELECT group_id, json_group_array(contact_id) FROM group_members GROUP BY group_id').raw(),
    tagged: db.prepare('SELECT tag, json_group_array(contact_id) FROM contact_tags INDEXED BY contact_tags_tag GROUP BY tag').raw(),
    // In the indexes' order; SortOrder.reset checks it.
    idsByName: db
      .prepare('SELECT json_group_array(id) FROM (SELECT id FROM contacts INDEXED BY contacts_sort_name ORDER BY sort_key, id)')
      .pluck(),
    idsByUpdated: db
      .prepare(
        'SELECT json_group_array(id) FROM (SELECT id FROM contacts INDEXED BY contacts_sort_updated ORDER BY updated_at DESC, id DESC)',
      )
      .pluck(),
    someContacts: db
      .prepare('SELECT id, sort_key, updated_at, search_text FROM contacts WHERE id IN (SELECT value FROM json_each(?))')
      .raw(),
    someMembers: db.prepare('SELECT contact_id, group_id FROM group_members WHERE contact_id IN (SELECT value FROM json_each(?))').raw(),
    someTags: db.prepare('SELECT contact_id, tag FROM contact_tags WHERE contact_id IN (SELECT value FROM json_each(?))').raw(),
  };
}
