// Contact search: prefix matching over names, organisation, e-mails, tags and phone digits
// as contacts_fts (FTS5) defines it, filters by group (optionally with subgroups) and tag,
// sorted by name or last change, paged with a keyset cursor so pages stay stable while
// contacts are edited. A search with words or filters is answered by the engine's
// in-memory search index (search-index.ts); the whole address book page by page, as the
// console shows it at start, by the sort indexes alone.
import type Database from 'better-sqlite3';
import type { ContactSort } from '@gdial/protocol';
import { DomainError } from '../errors';
import type { GroupStore } from './group-store';
import { ContactSearchIndex } from './search-index';
import { foldTokens } from './search-text';

export interface SearchParams {
  query: string;
  groupId?: number | undefined;
  includeSubgroups: boolean;
  tag?: string | undefined;
  sort: ContactSort;
  cursor?: string | null | undefined;
  limit: number;
}

export interface SearchPage {
  ids: number[];
  nextCursor: string | null;
  total: number;
}

interface Cursor {
  s: ContactSort;
  k: string;
  i: number;
  /** The total counted for the first page; later pages reuse it instead of counting again. */
  t: number;
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
  const words = /^[\d\s\-+()./]+$/.test(trimmed) && /\d/.test(trimmed) ? [phoneDigits(trimmed)] : trimmed.split(/\s+/).map((t) => (/^[\d\-+()./]+$/.test(t) ? phoneDigits(t) : t));
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
  const ok = typeof c === 'object' && c !== null && typeof (c as Cursor).k === 'string' && Number.isInteger((c as Cursor).i) && Number.isInteger((c as Cursor).t);
  if (!ok) throw new DomainError('VALIDATION', 'cursor: not a cursor returned by contacts.search', [{ path: 'cursor', message: 'Not a cursor returned by contacts.search' }]);
  if ((c as Cursor).s !== sort)
    throw new DomainError('VALIDATION', 'cursor: belongs to a different sort order', [{ path: 'cursor', message: 'Belongs to a different sort order; start again without a cursor' }]);
  return c as Cursor;
}

/** Prepared statements by SQL text, per connection. */
const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();
function prepared(sqlite: Database.Database, sql: string): Database.Statement {
  let cache = statements.get(sqlite);
  if (!cache) statements.set(sqlite, (cache = new Map<string, Database.Statement>()));
  let st = cache.get(sql);
  if (!st) {
    st = sqlite.prepare(sql);
    cache.set(sql, st);
  }
  return st;
}

export function searchContacts(sqlite: Database.Database, groups: GroupStore, p: SearchParams): SearchPage {
  const cursor = p.cursor ? decodeCursor(p.cursor, p.sort) : null;
  const query = parseQuery(p.query);
  let rows: { id: number; k: string }[];
  let total: number;
  if (!query && p.groupId === undefined && p.tag === undefined) {
    // The whole address book, page by page: the sort index alone, no search index needed
    // (the console's first page at start-up comes this way).
    const byName = p.sort === 'name';
    const keyCol = byName ? 'sort_key' : 'updated_at';
    const after = cursor ? (byName ? 'WHERE (sort_key, id) > (@ck, @ci)' : 'WHERE (updated_at, id) < (@ck, @ci)') : '';
    const order = byName ? 'ORDER BY sort_key, id' : 'ORDER BY updated_at DESC, id DESC';
    const index = byName ? 'contacts_sort_name' : 'contacts_sort_updated';
    rows = prepared(sqlite, `SELECT id, ${keyCol} AS k FROM contacts INDEXED BY ${index} ${after} ${order} LIMIT @limit`).all({
      limit: p.limit + 1,
      ...(cursor ? { ck: cursor.k, ci: cursor.i } : {}),
    }) as { id: number; k: string }[];
    total = cursor ? cursor.t : (prepared(sqlite, 'SELECT count(*) FROM contacts').pluck().get() as number);
  } else {
    const found = ContactSearchIndex.of(sqlite).search({
      words: query?.words ?? [],
      groups: p.groupId === undefined ? null : p.includeSubgroups ? groups.subtree(p.groupId) : [p.groupId],
      tag: p.tag ?? null,
      sort: p.sort,
      after: cursor ? { key: cursor.k, id: cursor.i } : null,
      limit: p.limit,
    });
    rows = found.ids.map((id, i) => ({ id, k: found.keys[i]! }));
    // Counting is free here, but later pages keep the first page's count, as documented.
    total = cursor ? cursor.t : found.total;
  }
  const page = rows.slice(0, p.limit);
  const last = page.at(-1);
  return {
    ids: page.map((r) => r.id),
    nextCursor: rows.length > p.limit && last ? encodeCursor({ s: p.sort, k: last.k, i: last.id, t: total }) : null,
    total,
  };
}
