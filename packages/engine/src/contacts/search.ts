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
  const ok = typeof c === 'object' && c !== null && typeof (c as Cursor).k === 'string' && Number.isInteger((c as Cursor).i);
  if (!ok) throw new DomainError('VALIDATION', 'cursor: not a cursor returned by contacts.search', [{ path: 'cursor', message: 'Not a cursor returned by contacts.search' }]);
  if ((c as Cursor).s !== sort)
    throw new DomainError('VALIDATION', 'cursor: belongs to a different sort order', [{ path: 'cursor', message: 'Belongs to a different sort order; start again without a cursor' }]);
  return c as Cursor;
}

/** Above this many matches, walking the sort index beats sorting the matches. */
const SORT_BY_INDEX_ABOVE = 2000;

export function searchContacts(sqlite: Database.Database, groups: GroupStore, p: SearchParams): SearchPage {
  const where: string[] = [];
  const params: Record<string, string | number> = {};
  const match = ftsQuery(p.query);
  if (match) {
    where.push('c.id IN (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH @match)');
    params.match = match;
  }
  if (p.groupId !== undefined) {
    const ids = p.includeSubgroups ? groups.subtree(p.groupId) : [p.groupId];
    where.push('c.id IN (SELECT contact_id FROM group_members WHERE group_id IN (SELECT value FROM json_each(@groups)))');
    params.groups = JSON.stringify(ids);
  }
  if (p.tag !== undefined) {
    where.push('c.id IN (SELECT contact_id FROM contact_tags WHERE tag = @tag)');
    params.tag = p.tag;
  }

  const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = (sqlite.prepare(`SELECT count(*) FROM contacts c ${filter}`).pluck().get(params) as number) ?? 0;

  const byName = p.sort === 'name';
  const keyCol = byName ? 'c.sort_key' : 'c.updated_at';
  const order = byName ? 'ORDER BY c.sort_key, c.id' : 'ORDER BY c.updated_at DESC, c.id DESC';
  const pageWhere = [...where];
  if (p.cursor) {
    const c = decodeCursor(p.cursor, p.sort);
    pageWhere.push(byName ? '(c.sort_key, c.id) > (@ck, @ci)' : '(c.updated_at, c.id) < (@ck, @ci)');
    params.ck = c.k;
    params.ci = c.i;
  }
  // With few matches, fetch them by id and sort; with many, walk the sort index in order
  // and stop after one page. SQLite's planner cannot know how many rows MATCH returns.
  const index = where.length === 0 || total > SORT_BY_INDEX_ABOVE ? `INDEXED BY ${byName ? 'contacts_sort_name' : 'contacts_sort_updated'}` : 'NOT INDEXED';
  const rows = sqlite
    .prepare(
      `SELECT c.id AS id, ${keyCol} AS k FROM contacts c ${index}
       ${pageWhere.length ? `WHERE ${pageWhere.join(' AND ')}` : ''} ${order} LIMIT @limit`,
    )
    .all({ ...params, limit: p.limit + 1 }) as { id: number; k: string }[];
  const page = rows.slice(0, p.limit);
  const last = page.at(-1);
  return {
    ids: page.map((r) => r.id),
    nextCursor: rows.length > p.limit && last ? encodeCursor({ s: p.sort, k: last.k, i: last.id }) : null,
    total,
  };
}
