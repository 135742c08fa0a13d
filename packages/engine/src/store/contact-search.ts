// The queries contact search runs: the search answered by SQL (contacts_fts for the words,
// the membership tables for the filters, a sort index for the order, keyset paging), and
// what the in-memory search index reads to build itself and to catch up with changed
// contacts. Read-only; prepared statements from the connection's cache.
import type { ContactSort } from '@gdial/protocol';
import type { Reader } from './db';

export interface SqlSearch {
  /** An FTS5 query every matching contact's document satisfies, or null for anyone. */
  match: string | null;
  /** Members of any of these groups, or anyone (null). */
  groupIds: readonly number[] | null;
  tag?: string | undefined;
  sort: ContactSort;
  /** The last contact of the previous page by its sort key: the page starts after it. */
  after: { key: string; id: number } | null;
  /** Matches to skip first (after `after`, if given). */
  offset: number;
  /** Rows to return (ask for one more than a page to learn whether another follows). */
  limit: number;
  /** Whether to count every match too. */
  count: boolean;
}

/**
 * A search answered by SQL. Exact; for the whole address book it is the sort index alone,
 * and fast; with common prefixes slower than the search index.
 */
export function searchWithSql(r: Reader, q: SqlSearch): { rows: { id: number; k: string }[]; total: number | null } {
  const conds: string[] = [];
  if (q.match !== null) conds.push('c.id IN (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH @match)');
  if (q.groupIds) conds.push('c.id IN (SELECT contact_id FROM group_members WHERE group_id IN (SELECT value FROM json_each(@groups)))');
  if (q.tag !== undefined) conds.push('c.id IN (SELECT contact_id FROM contact_tags WHERE tag = @tag)');
  const params = {
    ...(q.match !== null ? { match: q.match } : {}),
    ...(q.groupIds ? { groups: JSON.stringify(q.groupIds) } : {}),
    ...(q.tag !== undefined ? { tag: q.tag } : {}),
  };
  const byName = q.sort === 'name';
  // With no filter, the walk along the sort index is the plan; SQLite is told so.
  const from = conds.length === 0 ? `contacts c INDEXED BY ${byName ? 'contacts_sort_name' : 'contacts_sort_updated'}` : 'contacts c';
  const after = q.after ? [byName ? '(c.sort_key, c.id) > (@ck, @ci)' : '(c.updated_at, c.id) < (@ck, @ci)'] : [];
  const where = (extra: string[]) => (conds.length + extra.length > 0 ? `WHERE ${[...conds, ...extra].join(' AND ')}` : '');
  const rows = r.statements
    .get<[object], { id: number; k: string }>(
      `SELECT c.id, ${byName ? 'c.sort_key' : 'c.updated_at'} AS k FROM ${from} ${where(after)} ORDER BY ${byName ? 'c.sort_key, c.id' : 'c.updated_at DESC, c.id DESC'} LIMIT @limit OFFSET @offset`,
    )
    .all({ ...params, limit: q.limit, offset: q.offset, ...(q.after ? { ck: q.after.key, ci: q.after.id } : {}) });
  const total = q.count ? r.statements.pluck<[object], number>(`SELECT count(*) FROM contacts c ${where([])}`).get(params)! : null;
  return { rows, total };
}

/** A change counter of the database file that moves when another connection commits (PRAGMA data_version). */
export const dataVersion = (r: Reader): number => r.statements.pluck<[], number>('PRAGMA data_version').get()!;

/**
 * Up to `limit` contacts after id `after`, in id order, as four parallel arrays: reading a
 * chunk as JSON arrays costs several times less than a row per contact.
 */
export function contactsAfter(
  r: Reader,
  after: number,
  limit: number,
): { ids: number[]; sortKeys: string[]; updatedAts: string[]; docs: (string | null)[] } {
  const [ids, sortKeys, updatedAts, docs] = r.statements
    .raw<[number, number], [string, string, string, string]>(
      `SELECT json_group_array(id), json_group_array(sort_key), json_group_array(updated_at), json_group_array(search_text)
         FROM (SELECT id, sort_key, updated_at, search_text FROM contacts WHERE id > ? ORDER BY id LIMIT ?)`,
    )
    .get(after, limit)!;
  return {
    ids: JSON.parse(ids) as number[],
    sortKeys: JSON.parse(sortKeys) as string[],
    updatedAts: JSON.parse(updatedAts) as string[],
    docs: JSON.parse(docs) as (string | null)[],
  };
}

/** Every group with its members' ids. */
export function membersByGroup(r: Reader): [group: number, contactIds: number[]][] {
  return r.statements
    .raw<[], [number, string]>('SELECT group_id, json_group_array(contact_id) FROM group_members GROUP BY group_id')
    .all()
    .map(([g, json]) => [g, JSON.parse(json) as number[]]);
}

/** Every tag with the ids of the contacts holding it. */
export function contactsByTag(r: Reader): [tag: string, contactIds: number[]][] {
  return r.statements
    .raw<[], [string, string]>('SELECT tag, json_group_array(contact_id) FROM contact_tags INDEXED BY contact_tags_tag GROUP BY tag')
    .all()
    .map(([t, json]) => [t, JSON.parse(json) as number[]]);
}

/** Every contact id in name order, as the index contacts_sort_name holds them. */
export const idsByName = (r: Reader): number[] =>
  JSON.parse(
    r.statements
      .pluck<[], string>('SELECT json_group_array(id) FROM (SELECT id FROM contacts INDEXED BY contacts_sort_name ORDER BY sort_key, id)')
      .get()!,
  ) as number[];

/** Every contact id, last changed first, as the index contacts_sort_updated holds them. */
export const idsByUpdated = (r: Reader): number[] =>
  JSON.parse(
    r.statements
      .pluck<[], string>(
        'SELECT json_group_array(id) FROM (SELECT id FROM contacts INDEXED BY contacts_sort_updated ORDER BY updated_at DESC, id DESC)',
      )
      .get()!,
  ) as number[];

/** What the index holds of these contacts (those that exist): sort keys and search documents, groups, tags. */
export function searchEntries(
  r: Reader,
  ids: readonly number[],
): {
  contacts: [id: number, sortKey: string, updatedAt: string, doc: string | null][];
  members: [contactId: number, group: number][];
  tags: [contactId: number, tag: string][];
} {
  const json = JSON.stringify(ids);
  const st = r.statements;
  return {
    contacts: st
      .raw<[string], [number, string, string, string | null]>(
        'SELECT id, sort_key, updated_at, search_text FROM contacts WHERE id IN (SELECT value FROM json_each(?))',
      )
      .all(json),
    members: st
      .raw<[string], [number, number]>(
        'SELECT contact_id, group_id FROM group_members WHERE contact_id IN (SELECT value FROM json_each(?))',
      )
      .all(json),
    tags: st
      .raw<[string], [number, string]>('SELECT contact_id, tag FROM contact_tags WHERE contact_id IN (SELECT value FROM json_each(?))')
      .all(json),
  };
}

/** The number of changes this connection has made since it opened (importing uses it to notice other writes). */
export const totalChanges = (r: Reader): number => r.statements.pluck<[], number>('SELECT total_changes()').get()!;
