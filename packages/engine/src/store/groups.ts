// Groups and memberships: contact_groups (a hierarchy of parent links, walked with
// recursive CTEs) and group_members. The one row type (GroupRow) and its converter to the
// contract's Group; every membership write, from a group's side (add or remove members)
// and from a contact's (the groups it is in). Writes take the service's transaction and
// record exactly the rows they changed, including those a group's deletion would
// otherwise change on its own (its memberships, its subgroups' parent, campaigns testing
// with it). Prepared statements only.
import type { Group } from '@gdial/protocol';
import type { Reader, Tx } from './db';

/** A row of contact_groups as SQLite returns it. */
export interface GroupRow {
  id: number;
  name: string;
  name_key: string;
  description: string | null;
  colour: string | null;
  parent_id: number | null;
  created_at: string;
  updated_at: string;
}

/** A group's editable fields. */
export interface GroupValues {
  name: string;
  description: string | null;
  colour: string | null;
  parentId: number | null;
}

/** contact_groups.name_key: names are unique case-insensitively, so files and scripts can use them. */
export const groupNameKey = (name: string): string => name.trim().toLocaleLowerCase('sv');

/** The converter: a group row and its member counts to the contract's Group. */
export function toGroup(r: GroupRow, memberCount: number, totalMemberCount: number): Group {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    colour: r.colour,
    parentId: r.parent_id,
    memberCount,
    totalMemberCount,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const valuesOf = (r: GroupRow): GroupValues => ({ name: r.name, description: r.description, colour: r.colour, parentId: r.parent_id });

/** The group ids under (and including) the roots given as a JSON array parameter. */
const SUBTREE = `WITH RECURSIVE subtree(id) AS (
    SELECT value FROM json_each(?)
    UNION SELECT g.id FROM contact_groups g JOIN subtree s ON g.parent_id = s.id
  )`;
const MEMBERS_OF_SUBTREE = `${SUBTREE} SELECT DISTINCT m.contact_id FROM group_members m WHERE m.group_id IN (SELECT id FROM subtree) ORDER BY m.contact_id`;
const DIRECT_MEMBERS = 'SELECT contact_id FROM group_members WHERE group_id IN (SELECT value FROM json_each(?)) ORDER BY contact_id';
const ONE = 'SELECT * FROM contact_groups WHERE id = ?';
const GROUP_COLUMNS = ['name', 'name_key', 'description', 'colour', 'parent_id', 'updated_at'] as const;
const ADD_MEMBER = 'INSERT OR IGNORE INTO group_members (group_id, contact_id, added_at) VALUES (?, ?, ?)';
const REMOVE_MEMBER = 'DELETE FROM group_members WHERE group_id = ? AND contact_id = ?';

// ── reads ──

/** Every group with its member counts (direct, and with every subgroup), by name. */
export function listGroups(r: Reader): Group[] {
  const st = r.statements;
  const direct = new Map(
    st
      .get<[], { id: number; n: number }>('SELECT group_id AS id, count(*) AS n FROM group_members GROUP BY group_id')
      .all()
      .map((x) => [x.id, x.n]),
  );
  const total = new Map(
    st
      .get<[], { id: number; n: number }>(
        `WITH RECURSIVE tree(root, id) AS (
           SELECT id, id FROM contact_groups
           UNION SELECT t.root, g.id FROM contact_groups g JOIN tree t ON g.parent_id = t.id
         )
         SELECT t.root AS id, count(DISTINCT m.contact_id) AS n FROM tree t JOIN group_members m ON m.group_id = t.id GROUP BY t.root`,
      )
      .all()
      .map((x) => [x.id, x.n]),
  );
  return st
    .get<[], GroupRow>('SELECT * FROM contact_groups ORDER BY name_key')
    .all()
    .map((x) => toGroup(x, direct.get(x.id) ?? 0, total.get(x.id) ?? 0));
}

export function getGroup(r: Reader, id: number): Group | null {
  const row = r.statements.get<[number], GroupRow>(ONE).get(id);
  if (!row) return null;
  const json = JSON.stringify([id]);
  const direct = r.statements.pluck<[string], number>(DIRECT_MEMBERS).all(json).length;
  const total = r.statements.pluck<[string], number>(MEMBERS_OF_SUBTREE).all(json).length;
  return toGroup(row, direct, total);
}

/** A group's editable fields, or null when it does not exist. */
export function groupValues(r: Reader, id: number): GroupValues | null {
  const row = r.statements.get<[number], GroupRow>(ONE).get(id);
  return row ? valuesOf(row) : null;
}

export function groupIdByName(r: Reader, name: string): number | null {
  return r.statements.pluck<[string], number>('SELECT id FROM contact_groups WHERE name_key = ?').get(groupNameKey(name)) ?? null;
}

/** The ids among these that are groups. */
export function existingGroupIds(r: Reader, ids: readonly number[]): Set<number> {
  return new Set(
    r.statements
      .pluck<[string], number>('SELECT id FROM contact_groups WHERE id IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify(ids)),
  );
}

/** The groups and every group below them (ids, the roots included). */
export function subtreeIds(r: Reader, roots: readonly number[]): number[] {
  if (roots.length === 0) return [];
  return r.statements.pluck<[string], number>(`${SUBTREE} SELECT id FROM subtree`).all(JSON.stringify(roots));
}

/** Distinct contact ids in these groups, optionally with all their subgroups, ascending. */
export function memberIds(r: Reader, groupIds: readonly number[], includeSubgroups: boolean): number[] {
  if (groupIds.length === 0) return [];
  const json = JSON.stringify(groupIds);
  if (includeSubgroups) return r.statements.pluck<[string], number>(MEMBERS_OF_SUBTREE).all(json);
  return [...new Set(r.statements.pluck<[string], number>(DIRECT_MEMBERS).all(json))];
}

/** The groups a contact is in, by name. */
export function groupsOfContact(r: Reader, contactId: number): { id: number; name: string }[] {
  return r.statements
    .get<[number], { id: number; name: string }>(
      'SELECT g.id, g.name FROM group_members m JOIN contact_groups g ON g.id = m.group_id WHERE m.contact_id = ? ORDER BY g.name_key',
    )
    .all(contactId);
}

// ── writes ──

export function insertGroup(tx: Tx, v: GroupValues, now: string): number {
  const id = Number(
    tx.statements
      .get(
        'INSERT INTO contact_groups (name, name_key, description, colour, parent_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(v.name, groupNameKey(v.name), v.description, v.colour, v.parentId, now, now).lastInsertRowid,
  );
  tx.changes.record('contact_groups', [id], 'insert');
  return id;
}

export function updateGroup(tx: Tx, id: number, v: GroupValues, now: string): void {
  const set = GROUP_COLUMNS.map((c) => `@${c}`).join(', ');
  const changed = tx.statements
    .get(
      `UPDATE contact_groups SET (${GROUP_COLUMNS.join(', ')}) = (${set}) WHERE id = @id AND (${GROUP_COLUMNS.join(', ')}) IS NOT (${set}) RETURNING id`,
    )
    .get({
      id,
      name: v.name,
      name_key: groupNameKey(v.name),
      description: v.description,
      colour: v.colour,
      parent_id: v.parentId,
      updated_at: now,
    });
  if (changed !== undefined) tx.changes.record('contact_groups', [id], 'update', GROUP_COLUMNS);
}

/**
 * Deletes a group: its subgroups move up to its parent, its members stay contacts (only the
 * memberships go), and campaigns that tested with it test with no group.
 */
export function deleteGroup(tx: Tx, id: number, now: string): void {
  const st = tx.statements;
  const parent = st.get<[number], GroupRow>(ONE).get(id)?.parent_id ?? null;
  for (const child of st
    .pluck<[number | null, string, number], number>(
      'UPDATE contact_groups SET parent_id = ?, updated_at = ? WHERE parent_id = ? RETURNING id',
    )
    .all(parent, now, id))
    tx.changes.record('contact_groups', [child], 'update', ['parent_id', 'updated_at']);
  for (const contact of st.pluck<[number], number>('DELETE FROM group_members WHERE group_id = ? RETURNING contact_id').all(id))
    tx.changes.record('group_members', [id, contact], 'delete');
  for (const campaign of st
    .pluck<[number], number>('UPDATE campaigns SET test_group_id = NULL WHERE test_group_id = ? RETURNING id')
    .all(id))
    tx.changes.record('campaigns', [campaign], 'update', ['test_group_id']);
  if (st.get('DELETE FROM contact_groups WHERE id = ?').run(id).changes > 0) tx.changes.record('contact_groups', [id], 'delete');
}

/** Adds contacts to a group (the group's last change moves); returns how many were not in it yet. */
export function addMembers(tx: Tx, groupId: number, contactIds: readonly number[], now: string): number {
  const add = tx.statements.get(ADD_MEMBER);
  let n = 0;
  for (const c of contactIds) {
    if (add.run(groupId, c, now).changes === 0) continue;
    tx.changes.record('group_members', [groupId, c], 'insert');
    n++;
  }
  if (n > 0) touchGroup(tx, groupId, now);
  return n;
}

/** Removes contacts from a group (the group's last change moves); returns how many were in it. */
export function removeMembers(tx: Tx, groupId: number, contactIds: readonly number[], now: string): number {
  const remove = tx.statements.get(REMOVE_MEMBER);
  let n = 0;
  for (const c of contactIds) {
    if (remove.run(groupId, c).changes === 0) continue;
    tx.changes.record('group_members', [groupId, c], 'delete');
    n++;
  }
  if (n > 0) touchGroup(tx, groupId, now);
  return n;
}

function touchGroup(tx: Tx, id: number, now: string): void {
  const changed = tx.statements
    .get<[{ id: number; now: string }]>(
      'UPDATE contact_groups SET updated_at = @now WHERE id = @id AND updated_at IS NOT @now RETURNING id',
    )
    .get({ id, now });
  if (changed !== undefined) tx.changes.record('contact_groups', [id], 'update', ['updated_at']);
}

/** Puts a contact into these groups too (the groups' last change stays: the contact changed). */
export function addContactToGroups(tx: Tx, contactId: number, groupIds: readonly number[], now: string): void {
  const add = tx.statements.get(ADD_MEMBER);
  for (const g of groupIds) if (add.run(g, contactId, now).changes > 0) tx.changes.record('group_members', [g, contactId], 'insert');
}

/** Makes a contact's groups exactly these: memberships it keeps are left as they are. */
export function setContactGroups(tx: Tx, contactId: number, groupIds: readonly number[], now: string): void {
  const keep = new Set(groupIds);
  const remove = tx.statements.get(REMOVE_MEMBER);
  for (const g of tx.statements.pluck<[number], number>('SELECT group_id FROM group_members WHERE contact_id = ?').all(contactId)) {
    if (keep.has(g)) continue;
    remove.run(g, contactId);
    tx.changes.record('group_members', [g, contactId], 'delete');
  }
  addContactToGroups(tx, contactId, groupIds, now);
}
