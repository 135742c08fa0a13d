// Answering a query from the search index: the filters (groups, tag) and each word of the
// query as bitsets of contact ids, intersected; the count of the matches is a popcount;
// the page is a walk along the chosen sort order testing one bit per contact (or, when
// few match, the matches sorted). The matches come in two runs: those where every word
// starts a token, then those found only by forgiving a typo in some word (similar.ts),
// each run in the sort order.
import { andInto, hasBit, idsOf, popcount } from './bitsets';
import type { IndexState } from './build';
import { PrefixDistance, typosOf } from './similar';
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
  /**
   * The last contact of the previous page, by its sort key: the page starts after it;
   * `similar` when it was one of the matches found by forgiving a typo.
   */
  after: { key: string; id: number; similar?: boolean } | null;
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
  /** Of total, the matches where every word starts a token; the others were found by forgiving a typo. */
  exactTotal: number;
  /** Where in ids the matches found by forgiving a typo begin (ids.length when none are on this page). */
  similarFrom: number;
}

/**
 * Empty bitsets over all contact ids, lent for one search: the same few are reused from
 * search to search instead of allocating (and collecting) them each time.
 */
export class Bitsets {
  private readonly kept: Uint32Array[] = [];
  private lent = 0;
  /** The typo measure's rows, lent with the bitsets. */
  readonly distance = new PrefixDistance();

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
  let filter: Uint32Array | null = null;
  // Filters first: a phrase then checks fewer documents.
  if (q.groups) {
    filter = bitsets.take(s.words);
    for (const g of q.groups) s.groups.get(g)?.orInto(filter);
  }
  if (q.tag !== null) {
    const bits = bitsets.take(s.words);
    s.tags.get(q.tag)?.orInto(bits);
    if (filter) andInto(filter, bits);
    else filter = bits;
  }
  let exact: Uint32Array | null = filter;
  // The same, with each word that may be misspelt also matching its similar tokens.
  let loose: Uint32Array | null = null;
  for (const w of q.words) {
    // Only the matches so far need a phrase checked; once typos widen them, all do.
    const bits = wordMatches(s, w, loose ? null : exact, bitsets);
    const typos = typosOf(w);
    if (typos > 0 || loose) {
      const widened = bitsets.take(s.words);
      widened.set(bits);
      if (typos > 0) s.wordTokens.similarInto(w[0]!, typos, widened, bitsets.distance);
      if (!loose) {
        loose = widened;
        if (exact) andInto(loose, exact);
      } else andInto(loose, widened);
    }
    if (exact) andInto(exact, bits);
    else exact = bits;
  }
  const found = exact ?? everyone(s, bitsets);
  const exactTotal = popcount(found);
  let similar: Uint32Array | null = null;
  if (loose) {
    for (let i = 0; i < loose.length; i++) loose[i]! &= ~found[i]!;
    if (popcount(loose) > 0) similar = loose;
  }
  const similarTotal = similar ? popcount(similar) : 0;
  const want = q.limit + 1;
  const afterSimilar = q.after?.similar === true;
  const ids = afterSimilar ? [] : pageOf(s, q, found, exactTotal, exact === null, q.after, q.offset, want);
  const similarFrom = ids.length;
  if (similar && ids.length < want) {
    // Past the exact matches: the offset counts on from them, a cursor in them starts this run at its beginning.
    const offset = afterSimilar ? q.offset : q.after ? 0 : Math.max(0, q.offset - exactTotal);
    ids.push(...pageOf(s, q, similar, similarTotal, false, afterSimilar ? q.after : null, offset, want - ids.length));
  }
  const keys = q.sort === 'name' ? s.sortKeys : s.updatedAts;
  return { ids, keys: ids.map((id) => keys[id]!), total: exactTotal + similarTotal, exactTotal, similarFrom };
}

/** Up to `want` of the matches in `found` (`total` of them; `all`: everyone) in the query's order, after `after`, skipping `offset`. */
function pageOf(
  s: IndexState,
  q: IndexQuery,
  found: Uint32Array,
  total: number,
  all: boolean,
  after: { key: string; id: number } | null,
  offset: number,
  want: number,
): number[] {
  const order = q.sort === 'name' ? s.byName : s.byUpdated;
  const keys = q.sort === 'name' ? s.sortKeys : s.updatedAts;
  if (total * searchIndexTuning.sortWhenOneIn <= s.count) {
    let ids = idsOf(found);
    if (after) {
      const { key, id } = after;
      ids = ids.filter((m) => order.compare(key, id, m) < 0);
    }
    return ids.sort((a, b) => order.compare(keys[a]!, a, b)).slice(offset, offset + want);
  }
  const ids: number[] = [];
  let i = after ? order.after(after.key, after.id) : 0;
  // Everyone matches: the offset is a position in the order, no walk needed.
  if (all) i += offset;
  for (let skip = all ? 0 : offset; i < order.length && ids.length < want; i++) {
    const id = order.at(i);
    if (!hasBit(found, id)) continue;
    if (skip > 0) skip--;
    else ids.push(id);
  }
  return ids;
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
