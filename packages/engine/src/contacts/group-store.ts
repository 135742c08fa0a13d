// SQL for groups: the hierarchy (parent links, walked with recursive CTEs), membership
// and member counts. "Members including subgroups" is one query, which is what the
// campaign planner uses to resolve an audience.
import type Database from 'better-sqlite3';
import type { Group } from '@gdial/protocol';
import { ContactSearchIndex } from './search-index';

interface GroupRow {
  id: number;
  name: string;
  description: string | null;
  colour: string | null;
  parent_id: number | null;
  created_at: string;
  updated_at: string;
}

export const groupNameKey = (name: string): string => name.trim().toLocaleLowerCase('sv');

/** The group ids under (and including) the given roots. */
const SUBTREE = `WITH RECURSIVE subtree(id) AS (
    SELECT value FROM json_each(?)
    UNION SELECT g.id FROM contact_groups g JOIN subtree s ON g.parent_id = s.id
  )`;

function prepareStatements(db: Database.Database) {
  return {
    all: db.prepare('SELECT * FROM contact_groups ORDER BY name_key'),
    one: db.prepare('SELECT * FROM contact_groups WHERE id = ?'),
    byKey: db.prepare('SELECT * FROM contact_groups WHERE name_key = ?'),
    insert: db.prepare(
      'INSERT INTO contact_groups (name, name_key, description, colour, parent_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    update: db.prepare(
      'UPDATE contact_groups SET name = ?, name_key = ?, description = ?, colour = ?, parent_id = ?, updated_at = ? WHERE id = ?',
    ),
    reparent: db.prepare('UPDATE contact_groups SET parent_id = ?, updated_at = ? WHERE parent_id = ?'),
    delete: db.prepare('DELETE FROM contact_groups WHERE id = ?'),
    subtree: db.prepare(`${SUBTREE} SELECT id FROM subtree`).pluck(),
    directCounts: db.prepare('SELECT group_id AS id, count(*) AS n FROM group_members GROUP BY group_id'),
    totalCounts: db.prepare(
      `WITH RECURSIVE tree(root, id) AS (
         SELECT id, id FROM contact_groups
         UNION SELECT t.root, g.id FROM contact_groups g JOIN tree t ON g.parent_id = t.id
       )
       SELECT t.root AS id, count(DISTINCT m.contact_id) AS n FROM tree t JOIN group_members m ON m.group_id = t.id GROUP BY t.root`,
    ),
    members: db
      .prepare(
        `${SUBTREE} SELECT DISTINCT m.contact_id FROM group_members m WHERE m.group_id IN (SELECT id FROM subtree) ORDER BY m.contact_id`,
      )
      .pluck(),
    directMembers: db
      .prepare('SELECT contact_id FROM group_members WHERE group_id IN (SELECT value FROM json_each(?)) ORDER BY contact_id')
      .pluck(),
    addMember: db.prepare('INSERT OR IGNORE INTO group_members (group_id, contact_id, added_at) VALUES (?, ?, ?)'),
    removeMember: db.prepare('DELETE FROM group_members WHERE group_id = ? AND contact_id = ?'),
    existing: db.prepare('SELECT id FROM contact_groups WHERE id IN (SELECT value FROM json_each(?))').pluck(),
    touch: db.prepare('UPDATE contact_groups SET updated_at = ? WHERE id = ?'),
    namesOfContact: db.prepare(
      'SELECT g.id, g.name FROM group_members m JOIN contact_groups g ON g.id = m.group_id WHERE m.contact_id = ? ORDER BY g.name_key',
    ),
  };
}
type Statements = ReturnType<typeof prepareStatements>;
const cache = new WeakMap<Database.Database, Statements>();

export interface GroupValues {
  name: string;
  description: string | null;
  colour: string | null;
  parentId: number | null;
}

export class GroupStore {
  private readonly st: Statements;

  constructor(private readonly sqlite: Database.Database) {
    let st = cache.get(sqlite);
    if (!st) {
      st = prepareStatements(sqlite);
      cache.set(sqlite, st);
    }
    this.st = st;
  }

  list(): Group[] {
    const direct = new Map((this.st.directCounts.all() as { id: number; n: number }[]).map((r) => [r.id, r.n]));
    const total = new Map((this.st.totalCounts.all() as { id: number; n: number }[]).map((r) => [r.id, r.n]));
    return (this.st.all.all() as GroupRow[]).map((r) => toGroup(r, direct.get(r.id) ?? 0, total.get(r.id) ?? 0));
  }

  get(id: number): Group | null {
    const row = this.st.one.get(id) as GroupRow | undefined;
    if (!row) return null;
    const direct = (this.st.directMembers.all(JSON.stringify([id])) as number[]).length;
    const total = (this.st.members.all(JSON.stringify([id])) as number[]).length;
    return toGroup(row, direct, total);
  }

  idByName(name: string): number | null {
    return (this.st.byKey.get(groupNameKey(name)) as GroupRow | undefined)?.id ?? null;
  }

  insert(v: GroupValues, now: string): number {
    return Number(this.st.insert.run(v.name, groupNameKey(v.name), v.description, v.colour, v.parentId, now, now).lastInsertRowid);
  }

  update(id: number, v: GroupValues, now: string): void {
    this.st.update.run(v.name, groupNameKey(v.name), v.description, v.colour, v.parentId, now, id);
  }

  values(id: number): GroupValues | null {
    const r = this.st.one.get(id) as GroupRow | undefined;
    return r ? { name: r.name, description: r.description, colour: r.colour, parentId: r.parent_id } : null;
  }

  /** Deletes a group; its subgroups move up to its parent, its members stay contacts. */
  delete(id: number, now: string): void {
    const parent = (this.st.one.get(id) as GroupRow | undefined)?.parent_id ?? null;
    this.st.reparent.run(parent, now, id);
    this.st.delete.run(id);
    // Its memberships went with it (ON DELETE CASCADE).
    ContactSearchIndex.of(this.sqlite).groupDeleted(id);
  }

  /** The group and every group below it. */
  subtree(id: number): number[] {
    return this.st.subtree.all(JSON.stringify([id])) as number[];
  }

  /** Distinct contact ids in these groups, optionally with all their subgroups, ascending. */
  memberIds(groupIds: readonly number[], includeSubgroups: boolean): number[] {
    const json = JSON.stringify(groupIds);
    return (includeSubgroups ? this.st.members.all(json) : [...new Set(this.st.directMembers.all(json) as number[])]) as number[];
  }

  existing(ids: readonly number[]): Set<number> {
    return new Set(this.st.existing.all(JSON.stringify(ids)) as number[]);
  }

  addMembers(groupId: number, contactIds: readonly number[], now: string): number {
    let n = 0;
    for (const c of contactIds) n += this.st.addMember.run(groupId, c, now).changes;
    if (n > 0) {
      this.st.touch.run(now, groupId);
      ContactSearchIndex.of(this.sqlite).changed(contactIds);
    }
    return n;
  }

  removeMembers(groupId: number, contactIds: readonly number[], now: string): number {
    let n = 0;
    for (const c of contactIds) n += this.st.removeMember.run(groupId, c).changes;
    if (n > 0) {
      this.st.touch.run(now, groupId);
      ContactSearchIndex.of(this.sqlite).changed(contactIds);
    }
    return n;
  }

  groupsOfContact(contactId: number): { id: number; name: string }[] {
    return this.st.namesOfContact.all(contactId) as { id: number; name: string }[];
  }
}

function toGroup(r: GroupRow, memberCount: number, totalMemberCount: number): Group {
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
