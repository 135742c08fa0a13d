// Answering a query from the search index: the filters (groups, tag) and each word of the
// query as bitsets of contact ids, intersected; the count of the matches is a popcount;
// the page is a walk along the chosen sort order testing one bit per contact (or, when
// few match, the matches sorted).
import { andInto, hasBit, idsOf, popcount } from './bitsets';
import type { IndexState } from './build';
import { isNumberToken } from './tokens';
import { searchIndexTuning } from './tuning';

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
  /** Matches to skip first (after `after`, if given): the page at a scroll position. */
  offset: number;
  limit: number;
}

export interface IndexAnswer {
  /** Up to limit + 1 ids, in order: one more than the page says another page follows. */
  ids: number[];
  /** The sort key of each of ids. */
  keys: string[];
  total: number;
}

/**
 * Empty bitsets over all contact ids, lent for one search: the same few are reused from
 * search to search instead of allocating (and collecting) them each time.
 */
export class Bitsets {
  private readonly kept: Uint32Array[] = [];
  private lent = 0;

  /** Takes back everything lent (a new search begins). */
  reset(): void {
    this.lent = 0;
  }

  take(words: number): Uint32Array {
    // A query of many words needs more; those few are not kept.
    if (this.lent >= 8) return new Uint32Array(words);
    let bits = this.kept[this.lent];
    if (bits?.length === words) bits.fill(0);
    else this.kept[this.lent] = bits = new Uint32Array(words);
    this.lent++;
    return bits;
  }
}

export function runQuery(s: IndexState, q: IndexQuery, bitsets: Bitsets): IndexAnswer {
  bitsets.reset();
  let matches: Uint32Array | null = null;
  // Filters first: a phrase then checks fewer documents.
  if (q.groups) {
    matches = bitsets.take(s.words);
    for (const g of q.groups) s.groups.get(g)?.orInto(matches);
  }
  if (q.tag !== null) {
    const bits = bitsets.take(s.words);
    s.tags.get(q.tag)?.orInto(bits);
    if (matches) andInto(matches, bits);
    else matches = bits;
  }
  for (const w of q.words) {
    const bits = wordMatches(s, w, matches, bitsets);
    if (matches) andInto(matches, bits);
    else matches = bits;
  }
  const found = matches ?? everyone(s, bitsets);
  const total = popcount(found);
  const order = q.sort === 'name' ? s.byName : s.byUpdated;
  const keys = q.sort === 'name' ? s.sortKeys : s.updatedAts;
  const want = q.limit + 1;
  let ids: number[];
  if (total * searchIndexTuning.sortWhenOneIn <= s.count) {
    ids = idsOf(found);
    if (q.after) {
      const { key, id } = q.after;
      ids = ids.filter((m) => order.compare(key, id, m) < 0);
    }
    ids = ids.sort((a, b) => order.compare(keys[a]!, a, b)).slice(q.offset, q.offset + want);
  } else {
    ids = [];
    let i = q.after ? order.after(q.after.key, q.after.id) : 0;
    // Everyone matches: the offset is a position in the order, no walk needed.
    if (matches === null) i += q.offset;
    for (let skip = matches === null ? 0 : q.offset; i < order.length && ids.length < want; i++) {
      const id = order.at(i);
      if (!hasBit(found, id)) continue;
      if (skip > 0) skip--;
      else ids.push(id);
    }
  }
  return { ids, keys: ids.map((id) => keys[id]!), total };
}

/**
 * The contacts matching one word of a query: a token starting with it, or for a word of
 * several tokens (a phrase: "anna-karin", "anna.ek@") those tokens in a row within one
 * column, the last one as a prefix. `within`: only these need to be right.
 */
function wordMatches(s: IndexState, tokens: readonly string[], within: Uint32Array | null, bitsets: Bitsets): Uint32Array {
  const bits = bitsets.take(s.words);
  if (tokens.length === 0) return bits;
  tokenInto(s, tokens[tokens.length - 1]!, false, bits);
  if (tokens.length === 1) return bits;
  if (within) andInto(bits, within);
  const whole = bitsets.take(s.words);
  for (let t = 0; t < tokens.length - 1; t++) {
    whole.fill(0);
    tokenInto(s, tokens[t]!, true, whole);
    andInto(bits, whole);
  }
  const phrase = ` ${tokens.join(' ')}`;
  for (const id of idsOf(bits)) if (!s.docs[id]!.includes(phrase)) bits[id >>> 5]! &= ~(1 << (id & 31));
  return bits;
}

/** Marks the contacts with this token, or with a token starting with it. */
function tokenInto(s: IndexState, token: string, exact: boolean, bits: Uint32Array): void {
  if (exact) s.wordTokens.exactInto(token, bits);
  else s.wordTokens.prefixInto(token, bits);
  if (isNumberToken(token)) s.numberTokens.prefixInto(token.length, Number(token), bits, exact);
}

function everyone(s: IndexState, bitsets: Bitsets): Uint32Array {
  const bits = bitsets.take(s.words);
  for (let i = 0; i < s.byName.length; i++) {
    const id = s.byName.at(i);
    bits[id >>> 5]! |= 1 << (id & 31);
  }
  return bits;
}
