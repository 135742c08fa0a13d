// Contact search: prefix matching over names, organisation, e-mails, tags and phone digits
// as contacts_fts (FTS5) defines it, filters by group (optionally with subgroups) and tag,
// sorted by name or last change, paged with a keyset cursor so pages stay stable while
// contacts are edited, or addressed by offset (the page at a table's scroll position). A search with words or filters is answered by the engine's
// in-memory search index (search-index.ts) once it is built, and by contacts_fts and the
// SQL indexes while it builds in the background (or inside a transaction, whose writes the
// index does not hold); the whole address book page by page, as the console shows it at
// start, by the sort indexes alone.
import type { ContactSort } from '@gdial/protocol';
import { DomainError } from '../../errors';
import { searchWithSql } from '../../store/contact-search';
import { foldTokens } from '../../store/contact-search-text';
import type { Reader } from '../../store/db';
import { subtreeIds } from '../../store/groups';
import type { ContactSearchIndex } from './search-index';
import { searchIndexTuning } from './tuning';

export interface SearchParams {
  query: string;
  groupId?: number | undefined;
  includeSubgroups: boolean;
  tag?: string | undefined;
  sort: ContactSort;
  cursor?: string | null | undefined;
  /** Instead of a cursor: the page starting at the nth match. */
  offset?: number | undefined;
  limit: number;
}

export interface SearchPage {
  ids: number[];
  nextCursor: string | null;
  total: number;
  /**
   * Of total, the matches where every word starts a name, address or tag; they come first.
   * The rest (positions exactTotal and on) were found by forgiving a typo ("andersn").
   */
  exactTotal: number;
}

interface Cursor {
  s: ContactSort;
  k: string;
  i: number;
  /** The total counted for the first page; later pages reuse it instead of counting again. */
  t: number;
  /** The first page's exact matches (absent in older cursors: all were exact). */
  e?: number;
  /** The page ended among the matches found by forgiving a typo. */
  f?: 1;
}

/**
 * What the operator typed, as an FTS5 query where every word must match as a prefix (the
 * definition the tests hold the search index to), and as the same words folded into the
 * tokens contacts_fts would make of them (["anna"], ["anna", "k"]), which the search index
 * looks up. Numbers are reduced to their digits so "070-123 4" finds "0701234…" and
 * "+46 70" finds "4670…". Quotes are escaped, so no input is an FTS syntax error.
 */
export function parseQuery(text: string): { match: string; words: string[][] } | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  // A whole query that looks like a phone number is one number, spaces and all.
  const words =
    /^[\d\s\-+()./]+$/.test(trimmed) && /\d/.test(trimmed)
      ? [phoneDigits(trimmed)]
      : trimmed.split(/\s+/).map((t) => (/^[\d\-+()./]+$/.test(t) ? phoneDigits(t) : t));
  const kept = words.filter((t) => /[\p{L}\p{N}]/u.test(t));
  if (kept.length === 0) return null;
  return {
    match: kept.map((t) => `"${t.replace(/"/g, '""')}"*`).join(' AND '),
    // A word of several tokens ("anna-karin") is a phrase in FTS5: its tokens in a row.
    words: kept.map((t) => foldTokens(t)),
  };
}

export const ftsQuery = (text: string): string | null => parseQuery(text)?.match ?? null;

const phoneDigits = (t: string): string => t.replace(/\D/g, '').replace(/^00/, '');

export const encodeCursor = (c: Cursor): string => Buffer.from(JSON.stringify(c)).toString('base64url');

function decodeCursor(raw: string, sort: ContactSort): Cursor {
  let c: unknown;
  try {
    c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    c = null;
  }
  const ok =
    typeof c === 'object' &&
    c !== null &&
    typeof (c as Cursor).k === 'string' &&
    Number.isInteger((c as Cursor).i) &&
    Number.isInteger((c as Cursor).t);
  if (!ok)
    throw new DomainError('VALIDATION', 'cursor: not a cursor returned by contacts.search', [
      { path: 'cursor', message: 'Not a cursor returned by contacts.search' },
    ]);
  if ((c as Cursor).s !== sort)
    throw new DomainError('VALIDATION', 'cursor: belongs to a different sort order', [
      { path: 'cursor', message: 'Belongs to a different sort order; start again without a cursor' },
    ]);
  return c as Cursor;
}

export function searchContacts(r: Reader, index: ContactSearchIndex, p: SearchParams): SearchPage {
  if (p.cursor && p.offset !== undefined)
    throw new DomainError('VALIDATION', 'offset: a page starts either after a cursor or at an offset, not both', [
      { path: 'offset', message: 'Give either a cursor or an offset, not both' },
    ]);
  const cursor = p.cursor ? decodeCursor(p.cursor, p.sort) : null;
  const offset = p.offset ?? 0;
  const query = parseQuery(p.query);
  const groupIds = p.groupId === undefined ? null : p.includeSubgroups ? subtreeIds(r, [p.groupId]) : [p.groupId];
  let rows: { id: number; k: string }[];
  let total: number;
  let exactTotal: number;
  /** Where in rows the matches found by forgiving a typo begin. */
  let similarFrom: number;
  // The whole address book, page by page (the console's first page at start-up), needs no
  // search index: the sort index alone answers it.
  const wholeBook = !query && groupIds === null && p.tag === undefined;
  if (!wholeBook && !r.sqlite.inTransaction && (index.ready() || !searchIndexTuning.background)) {
    const found = index.search({
      words: query?.words ?? [],
      groups: groupIds,
      tag: p.tag ?? null,
      sort: p.sort,
      after: cursor ? { key: cursor.k, id: cursor.i, similar: cursor.f === 1 } : null,
      offset,
      limit: p.limit,
    });
    rows = found.ids.map((id, i) => ({ id, k: found.keys[i]! }));
    // Counting is free here, but later pages keep the first page's count, as documented.
    total = cursor ? cursor.t : found.total;
    exactTotal = cursor ? (cursor.e ?? cursor.t) : found.exactTotal;
    similarFrom = found.similarFrom;
  } else {
    // Until the index is built (after start, a large import, or another program's writes)
    // SQL answers, and the index builds meanwhile. A build that fails (the database closing
    // as the engine stops) leaves the index unbuilt: searches go on being answered here,
    // and the next one tries again.
    if (!wholeBook && !r.sqlite.inTransaction) index.warm().catch(() => {});
    const found = searchWithSql(r, {
      match: query?.match ?? null,
      groupIds,
      tag: p.tag,
      sort: p.sort,
      after: cursor ? { key: cursor.k, id: cursor.i } : null,
      offset,
      limit: p.limit + 1,
      count: !cursor,
    });
    rows = found.rows;
    total = cursor ? cursor.t : found.total!;
    // Words are matched exactly here: the typo-forgiving matches need the index.
    exactTotal = cursor ? (cursor.e ?? cursor.t) : total;
    similarFrom = rows.length;
  }
  const page = rows.slice(0, p.limit);
  const last = page.at(-1);
  const lastSimilar = page.length > similarFrom;
  return {
    ids: page.map((r) => r.id),
    nextCursor:
      rows.length > p.limit && last
        ? encodeCursor({ s: p.sort, k: last.k, i: last.id, t: total, e: exactTotal, ...(lastSimilar ? { f: 1 as const } : {}) })
        : null,
    total,
    exactTotal,
  };
}
