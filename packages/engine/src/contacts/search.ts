// Contact search: FTS5 prefix matching over names, organisation, e-mails, tags and phone
// digits, filters by group (optionally with subgroups) and tag, sorted by name or last
// change, paged with a keyset cursor so pages stay stable while contacts are edited.
import type Database from 'better-sqlite3';
import type { ContactSort } from '@gdial/protocol';
import { DomainError } from '../errors';
import type { GroupStore } from './group-store';

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
 * Turns what the operator typed into an FTS5 query: every word must match as a prefix.
 * Numbers are reduced to their digits so "070-123 4" finds "0701234…" and "+46 70" finds
 * "4670…". Quotes are escaped, so no input is an FTS syntax error.
 */
export function ftsQuery(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  // A whole query that looks like a phone number is one number, spaces and all.
  if (/^[\d\s\-+()./]+$/.test(trimmed) && /\d/.test(trimmed)) return `"${phoneDigits(trimmed)}"*`;
  const terms = trimmed
    .split(/\s+/)
    .map((t) => (/^[\d\-+()./]+$/.test(t) ? phoneDigits(t) : t))
    .filter((t) => /[\p{L}\p{N}]/u.test(t))
    .map((t) => `"${t.replace(/"/g, '""')}"*`);
  return terms.length > 0 ? terms.join(' AND ') : null;
}

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

export function searchContacts(sqlite: Database.Database, groups: GroupStore, p: SearchParams): SearchPage {
  const params: Record<string, string | number> = {};
  // Each filter as a set of contact ids (counting, few matches) and as a test of one contact
  // (walking the sort index). The FTS test is an IN list, materialised once per query: a
  // correlated MATCH per contact costs a full-text query per row.
  const sets: string[] = [];
  const tests: string[] = [];
  let countOne: string | null = null;
  const match = ftsQuery(p.query);
  if (match) {
    params.match = match;
    sets.push('SELECT rowid AS id FROM contacts_fts WHERE contacts_fts MATCH @match');
    tests.push('c.id IN (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH @match)');
    countOne = 'SELECT count(*) FROM contacts_fts WHERE contacts_fts MATCH @match';
  }
  if (p.groupId !== undefined) {
    const ids = p.includeSubgroups ? groups.subtree(p.groupId) : [p.groupId];
    params.groups = JSON.stringify(ids);
    sets.push('SELECT contact_id AS id FROM group_members WHERE group_id IN (SELECT value FROM json_each(@groups))');
    tests.push('EXISTS (SELECT 1 FROM group_members m WHERE m.contact_id = c.id AND m.group_id IN (SELECT value FROM json_each(@groups)))');
    countOne = 'SELECT count(DISTINCT contact_id) FROM group_members WHERE group_id IN (SELECT value FROM json_each(@groups))';
  }
  if (p.tag !== undefined) {
    params.tag = p.tag;
    sets.push('SELECT contact_id AS id FROM contact_tags WHERE tag = @tag');
    tests.push('EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = c.id AND t.tag = @tag)');
    countOne = 'SELECT count(*) FROM contact_tags WHERE tag = @tag';
  }

  const cursor = p.cursor ? decodeCursor(p.cursor, p.sort) : null;
  const all = prepared(sqlite, 'SELECT count(*) FROM contacts').pluck().get() as number;
  let total: number;
  if (cursor) total = cursor.t;
  else if (sets.length === 0) total = all;
  else if (sets.length === 1) total = prepared(sqlite, countOne!).pluck().get(params) as number;
  else total = prepared(sqlite, `SELECT count(*) FROM (${sets.join(' INTERSECT ')})`).pluck().get(params) as number;

  const byName = p.sort === 'name';
  const keyCol = byName ? 'c.sort_key' : 'c.updated_at';
  const order = byName ? 'ORDER BY c.sort_key, c.id' : 'ORDER BY c.updated_at DESC, c.id DESC';
  const where: string[] = [];
  if (cursor) {
    where.push(byName ? '(c.sort_key, c.id) > (@ck, @ci)' : '(c.updated_at, c.id) < (@ck, @ci)');
    params.ck = cursor.k;
    params.ci = cursor.i;
  }
  let from: string;
  if (sets.length === 0 || total * WALK_WHEN_ONE_IN >= all) {
    from = `contacts c INDEXED BY ${byName ? 'contacts_sort_name' : 'contacts_sort_updated'}`;
    where.push(...tests);
  } else {
    from = 'contacts c NOT INDEXED';
    where.push(`c.id IN (${sets.join(' INTERSECT ')})`);
  }
  const rows = prepared(sqlite, `SELECT c.id AS id, ${keyCol} AS k FROM ${from} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ${order} LIMIT @limit`)
    .all({ ...params, limit: p.limit + 1 }) as { id: number; k: string }[];
  const page = rows.slice(0, p.limit);
  const last = page.at(-1);
  return {
    ids: page.map((r) => r.id),
    nextCursor: rows.length > p.limit && last ? encodeCursor({ s: p.sort, k: last.k, i: last.id, t: total }) : null,
    total,
  };
}
