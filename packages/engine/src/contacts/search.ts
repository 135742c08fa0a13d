// Contact search: FTS5 prefix matching over names, organisation, e-mails, tags and phone
// digits, filters by group (optionally with subgroups) and tag, sorted by name or last
// change, paged with a keyset cursor so pages stay stable while contacts are edited.
import type Database from 'better-sqlite3';
import type { ContactSort } from '@gdial/protocol';
import { DomainError } from '../errors';
import type { GroupStore } from './group-store';
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
 * What the operator typed, as an FTS5 query where every word must match as a prefix, and
 * as the same words folded the way contacts.search_text holds them (" anna", " 0701"), for
 * testing one contact without the full-text index. Numbers are reduced to their digits so
 * "070-123 4" finds "0701234…" and "+46 70" finds "4670…". Quotes are escaped, so no input
 * is an FTS syntax error.
 */
export function parseQuery(text: string): { match: string; terms: string[] } | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  // A whole query that looks like a phone number is one number, spaces and all.
  const words = /^[\d\s\-+()./]+$/.test(trimmed) && /\d/.test(trimmed) ? [phoneDigits(trimmed)] : trimmed.split(/\s+/).map((t) => (/^[\d\-+()./]+$/.test(t) ? phoneDigits(t) : t));
  const kept = words.filter((t) => /[\p{L}\p{N}]/u.test(t));
  if (kept.length === 0) return null;
  return {
    match: kept.map((t) => `"${t.replace(/"/g, '""')}"*`).join(' AND '),
    // A word of several tokens ("anna-karin") is a phrase in FTS5: its tokens in a row.
    terms: kept.map((t) => ` ${foldTokens(t).join(' ')}`),
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

/** Prepared statements by SQL text, per connection: a search builds one of a few dozen shapes. */
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

/**
 * Walk the sort index (testing each contact against the filters) when at least one contact
 * in this many matches; with sparser matches, fetch the matches by id and sort them.
 * Walking reads about limit × this many index entries; fetching reads every match.
 */
const WALK_WHEN_ONE_IN = 20;
/**
 * A walk testing each contact's search text reads at most this many index entries, or a
 * quarter of the number of matches if that is more (reading a contact's text costs about
 * four times what testing membership in the copied full-text matches does). Matches can
 * cluster in the sort order (everyone named Lars sorts together); a walk that has not
 * filled its page by then goes on testing membership instead.
 */
const MIN_WALK_SCAN = 2000;

/**
 * Relative costs per contact of driving a multi-filter search from one filter's set
 * (looking up each contact and testing it against the others) and of intersecting the
 * sets (copying every member of every set), as measured on 100,000 contacts.
 */
const DRIVE_COST = 0.6;
const INTERSECT_COST = 0.13;
/** A multi-filter search whose smallest filter lets at most this many through reads all its matches at once. */
const FETCH_ALL_MAX = 5000;

interface Filter {
  /** SELECT … AS id: the contacts it lets through. */
  set: string;
  /** How many those are. */
  count: string;
  /** Whether contact `c` passes. */
  test: string;
  /** The same as a membership test, where that is cheaper per contact once set up. */
  member?: string;
}

export type SearchStrategy = 'auto' | 'walk' | 'fetch';

export function searchContacts(sqlite: Database.Database, groups: GroupStore, p: SearchParams, strategy: SearchStrategy = 'auto'): SearchPage {
  const params: Record<string, string | number> = {};
  // Each filter as a set of contact ids, a count of that set, and a test of one contact
  // `c` (walking the sort index, or checking another filter's members). The text test
  // reads the contact's folded search text: asking the full-text index per contact costs a
  // full-text query per row, and materialising every match costs as much as they are many.
  const filters: Filter[] = [];
  const query = parseQuery(p.query);
  if (query) {
    params.match = query.match;
    query.terms.forEach((t, i) => (params[`t${i}`] = t));
    filters.push({
      set: 'SELECT rowid AS id FROM contacts_fts WHERE contacts_fts MATCH @match',
      count: 'SELECT count(*) FROM contacts_fts WHERE contacts_fts MATCH @match',
      test: query.terms.map((_, i) => `instr(c.search_text, @t${i}) > 0`).join(' AND '),
      member: 'c.id IN (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH @match)',
    });
  }
  if (p.groupId !== undefined) {
    const ids = p.includeSubgroups ? groups.subtree(p.groupId) : [p.groupId];
    params.groups = JSON.stringify(ids);
    filters.push({
      // One group's members are unique by its primary key: no DISTINCT to pay for.
      set:
        ids.length === 1
          ? 'SELECT contact_id AS id FROM group_members WHERE group_id = (SELECT value FROM json_each(@groups))'
          : 'SELECT DISTINCT contact_id AS id FROM group_members WHERE group_id IN (SELECT value FROM json_each(@groups))',
      count:
        ids.length === 1
          ? 'SELECT count(*) FROM group_members WHERE group_id = (SELECT value FROM json_each(@groups))'
          : 'SELECT count(DISTINCT contact_id) FROM group_members WHERE group_id IN (SELECT value FROM json_each(@groups))',
      test: 'EXISTS (SELECT 1 FROM group_members m WHERE m.contact_id = c.id AND m.group_id IN (SELECT value FROM json_each(@groups)))',
    });
  }
  if (p.tag !== undefined) {
    params.tag = p.tag;
    filters.push({
      set: 'SELECT contact_id AS id FROM contact_tags WHERE tag = @tag',
      count: 'SELECT count(*) FROM contact_tags WHERE tag = @tag',
      test: 'EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = c.id AND t.tag = @tag)',
    });
  }
  const tests = filters.map((f) => f.test);

  // The contacts matching every filter, as a FROM clause binding `c`: one filter's set; or
  // several intersected; or, when one set is much smaller than the others, that set with
  // each contact tested against the other filters (intersecting copies every set first).
  const cursor = p.cursor ? decodeCursor(p.cursor, p.sort) : null;
  const all = prepared(sqlite, 'SELECT count(*) FROM contacts').pluck().get() as number;
  let total: number;
  // Counting each filter's set costs a query per filter: done only when the count or a
  // fetch needs it, not for a later page that walks.
  let planned: { matches: string; matchTests: string[]; sizes: number[] } | null = null;
  const plan = (): { matches: string; matchTests: string[]; sizes: number[] } => {
    if (planned) return planned;
    if (filters.length <= 1) {
      const matches = filters.length === 1 ? `(${filters[0]!.set}) AS f CROSS JOIN contacts c ON c.id = f.id` : 'contacts c';
      return (planned = { matches, matchTests: [], sizes: [] });
    }
    const sizes = filters.map((f) => prepared(sqlite, f.count).pluck().get(params) as number);
    const smallest = sizes.indexOf(Math.min(...sizes));
    const sum = sizes.reduce((x, y) => x + y, 0);
    if (sizes[smallest]! * DRIVE_COST < sum * INTERSECT_COST) {
      return (planned = {
        matches: `(${filters[smallest]!.set}) AS f CROSS JOIN contacts c ON c.id = f.id`,
        matchTests: filters.filter((_, i) => i !== smallest).map((f) => f.test),
        sizes,
      });
    }
    return (planned = { matches: `(${filters.map((f) => f.set).join(' INTERSECT ')}) AS f CROSS JOIN contacts c ON c.id = f.id`, matchTests: [], sizes });
  };
  const whereOf = (conds: string[]) => (conds.length > 0 ? `WHERE ${conds.join(' AND ')}` : '');
  const byName = p.sort === 'name';
  const keyCol = byName ? 'c.sort_key' : 'c.updated_at';
  const order = byName ? 'ORDER BY c.sort_key, c.id' : 'ORDER BY c.updated_at DESC, c.id DESC';
  let rows: { id: number; k: string }[] | null = null;

  if (cursor) total = cursor.t;
  else if (filters.length === 0) total = all;
  else if (filters.length === 1) total = prepared(sqlite, filters[0]!.count).pluck().get(params) as number;
  else if (strategy !== 'walk' && Math.min(...plan().sizes) <= FETCH_ALL_MAX) {
    // Few enough to read every match once, sorted: that is both the count and the page.
    const { matches, matchTests } = plan();
    const found = prepared(sqlite, `SELECT c.id AS id, ${keyCol} AS k FROM ${matches} ${whereOf(matchTests)} ${order}`).all(params) as { id: number; k: string }[];
    total = found.length;
    rows = found.slice(0, p.limit + 1);
  } else total = prepared(sqlite, `SELECT count(*) FROM ${plan().matches} ${whereOf(plan().matchTests)}`).pluck().get(params) as number;
  const after: string[] = [];
  if (cursor) {
    after.push(byName ? '(c.sort_key, c.id) > (@ck, @ci)' : '(c.updated_at, c.id) < (@ck, @ci)');
    params.ck = cursor.k;
    params.ci = cursor.i;
  }
  const limit = p.limit + 1;
  const index = byName ? 'contacts_sort_name' : 'contacts_sort_updated';

  if (rows !== null) {
    // Already read above.
  } else if (filters.length === 0) {
    rows = prepared(sqlite, `SELECT c.id AS id, ${keyCol} AS k FROM contacts c INDEXED BY ${index} ${whereOf(after)} ${order} LIMIT @limit`).all({ ...params, limit }) as { id: number; k: string }[];
  } else if (strategy === 'walk' || (strategy === 'auto' && total * WALK_WHEN_ONE_IN >= all)) {
    // The walk's end: the index entry `scan` entries on (skipping entries in the index alone
    // is cheap); no end when fewer remain.
    const scan = strategy === 'walk' ? all : Math.max(MIN_WALK_SCAN, Math.ceil(total / 4));
    const end = prepared(sqlite, `SELECT ${keyCol} AS k, c.id AS i FROM contacts c INDEXED BY ${index} ${whereOf(after)} ${order} LIMIT 1 OFFSET @scan`).get({ ...params, scan }) as
      | { k: string; i: number }
      | undefined;
    const bounded = end ? [...after, byName ? '(c.sort_key, c.id) <= (@ek, @ei)' : '(c.updated_at, c.id) >= (@ek, @ei)'] : after;
    const walked = prepared(sqlite, `SELECT c.id AS id, ${keyCol} AS k FROM contacts c INDEXED BY ${index} ${whereOf([...bounded, ...tests])} ${order} LIMIT @limit`).all({
      ...params,
      ...(end ? { ek: end.k, ei: end.i } : {}),
      limit,
    }) as { id: number; k: string }[];
    if (walked.length === limit || !end) rows = walked;
    else {
      // The matches cluster further down. Fetching them all costs as much as they are many;
      // walking on, each contact now tested by membership in the full-text matches (copied
      // once into a temporary index), costs a fraction of reading its search text.
      const more = prepared(
        sqlite,
        `SELECT c.id AS id, ${keyCol} AS k FROM contacts c INDEXED BY ${index}
         ${whereOf([...after, byName ? '(c.sort_key, c.id) > (@ek, @ei)' : '(c.updated_at, c.id) < (@ek, @ei)', ...filters.map((f) => f.member ?? f.test)])} ${order} LIMIT @limit`,
      ).all({ ...params, ek: end.k, ei: end.i, limit: limit - walked.length }) as { id: number; k: string }[];
      rows = [...walked, ...more];
    }
  }
  // Sparse matches: fetch them and sort them.
  // (Joined rather than `IN`, which would first copy every match into a temporary index.)
  rows ??= prepared(sqlite, `SELECT c.id AS id, ${keyCol} AS k FROM ${plan().matches} ${whereOf([...plan().matchTests, ...after])} ${order} LIMIT @limit`).all({
    ...params,
    limit,
  }) as { id: number; k: string }[];

  const page = rows.slice(0, p.limit);
  const last = page.at(-1);
  return {
    ids: page.map((r) => r.id),
    nextCursor: rows.length > p.limit && last ? encodeCursor({ s: p.sort, k: last.k, i: last.id, t: total }) : null,
    total,
  };
}
