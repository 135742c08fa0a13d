// The groups service: creating, changing and deleting groups (a hierarchy: a group may sit
// under another) and adding or removing members, each validated and in one transaction
// with its audit entry. The SQL is in store/groups.ts.
import type { Group, GroupFields } from '@gdial/protocol';
import { groupFieldsSchema, fieldIssues } from '@gdial/protocol';
import type { EngineContext } from '../context';
import { DomainError, invalid, notFound } from '../errors';
import { recordAudit } from '../store/audit';
import { dataVersion } from '../store/contact-search';
import { existingContactIds } from '../store/contacts';
import type { Tx } from '../store/db';
import {
  addMembers,
  deleteGroup,
  getGroup,
  groupIdByName,
  groupNameKey,
  groupValues,
  insertGroup,
  listGroups,
  removeMembers,
  subtreeIds,
  updateGroup,
  type GroupValues,
} from '../store/groups';
import { listIds } from './service';

const nowIso = (): string => new Date().toISOString();

export class GroupService {
  /**
   * The groups with their member counts as last read, until a commit touches groups or
   * memberships (or another connection writes): counting the distinct members of every group
   * and its subgroups took 100-170 ms over 100,000 contacts, and the Contacts page asks for the
   * list each time it opens, while its first rows are on their way.
   */
  private listed: { groups: readonly Group[]; dataVersion: number } | null = null;

  constructor(private readonly ctx: EngineContext) {
    ctx.store.afterCommit((changes) => {
      if (this.listed && changes.all().some((c) => c.table === 'contact_groups' || c.table === 'group_members')) this.listed = null;
    });
  }

  list(): Group[] {
    const r = this.ctx.store.read;
    const version = dataVersion(r);
    if (this.listed?.dataVersion !== version) this.listed = { groups: listGroups(r), dataVersion: version };
    return this.listed.groups.map((g) => ({ ...g }));
  }

  get(id: number): Group {
    const g = getGroup(this.ctx.store.read, id);
    if (!g) throw notFound('Group', id);
    return g;
  }

  create(fields: GroupFields): Group {
    const v = this.values(fields);
    const id = this.ctx.store.transaction((tx) => {
      checkName(tx, v.name, null);
      if (v.parentId !== null && !groupValues(tx, v.parentId))
        throw invalid([{ path: 'parentId', message: `Group ${v.parentId} does not exist` }]);
      const newId = insertGroup(tx, v, nowIso());
      recordAudit(tx, this.ctx.operator(), {
        action: 'group.created',
        subjectType: 'group',
        subjectId: newId,
        summary: `Created group "${v.name}"`,
        params: { name: v.name },
      });
      return newId;
    });
    this.ctx.events.emit('groups.changed', { ids: [id] });
    return this.get(id);
  }

  update(id: number, changes: Partial<GroupFields>): Group {
    this.ctx.store.transaction((tx) => {
      const current = groupValues(tx, id);
      if (!current) throw notFound('Group', id);
      const next = this.values({ ...current, ...changes });
      if (groupNameKey(next.name) !== groupNameKey(current.name)) checkName(tx, next.name, id);
      if (next.parentId !== null && next.parentId !== current.parentId) {
        if (!groupValues(tx, next.parentId)) throw invalid([{ path: 'parentId', message: `Group ${next.parentId} does not exist` }]);
        if (subtreeIds(tx, [id]).includes(next.parentId)) {
          throw invalid([{ path: 'parentId', message: 'A group cannot be placed under itself or one of its own subgroups' }]);
        }
      }
      updateGroup(tx, id, next, nowIso());
      const fields = (Object.keys(next) as (keyof GroupValues)[]).filter((k) => next[k] !== current[k]);
      recordAudit(tx, this.ctx.operator(), {
        action: 'group.updated',
        subjectType: 'group',
        subjectId: id,
        summary: `Updated group "${next.name}": ${fields.join(', ') || 'no changes'}`,
        params: { name: next.name, fields: fields.join(',') },
      });
    });
    this.ctx.events.emit('groups.changed', { ids: [id] });
    return this.get(id);
  }

  delete(id: number): void {
    this.ctx.store.transaction((tx) => {
      const current = groupValues(tx, id);
      if (!current) throw notFound('Group', id);
      deleteGroup(tx, id, nowIso());
      recordAudit(tx, this.ctx.operator(), {
        action: 'group.deleted',
        subjectType: 'group',
        subjectId: id,
        summary: `Deleted group "${current.name}"`,
        params: { name: current.name },
      });
    });
    this.ctx.events.emit('groups.changed', { ids: [id] });
  }

  addMembers(groupId: number, contactIds: readonly number[]): number {
    return this.membership(groupId, contactIds, 'add');
  }

  removeMembers(groupId: number, contactIds: readonly number[]): number {
    return this.membership(groupId, contactIds, 'remove');
  }

  private membership(groupId: number, contactIds: readonly number[], op: 'add' | 'remove'): number {
    const n = this.ctx.store.transaction((tx) => {
      const g = groupValues(tx, groupId);
      if (!g) throw notFound('Group', groupId);
      const unique = [...new Set(contactIds)];
      if (op === 'add') {
        const known = existingContactIds(tx, unique);
        const missing = unique.filter((id) => !known.has(id));
        if (missing.length) throw new DomainError('NOT_FOUND', `Contact(s) ${listIds(missing)} do not exist`);
      }
      const now = nowIso();
      const changed = op === 'add' ? addMembers(tx, groupId, unique, now) : removeMembers(tx, groupId, unique, now);
      if (changed > 0) {
        recordAudit(tx, this.ctx.operator(), {
          action: op === 'add' ? 'group.membersAdded' : 'group.membersRemoved',
          subjectType: 'group',
          subjectId: groupId,
          summary: `${op === 'add' ? 'Added' : 'Removed'} ${changed} contact(s) ${op === 'add' ? 'to' : 'from'} "${g.name}": ${listIds(unique)}`,
          params: { name: g.name, count: changed, ids: listIds(unique) },
        });
      }
      return changed;
    });
    if (n > 0) {
      this.ctx.events.emit('groups.changed', { ids: [groupId] });
      this.ctx.events.emit('contacts.changed', { reason: 'updated', ids: [...contactIds] });
    }
    return n;
  }

  private values(fields: GroupFields): GroupValues {
    const parsed = groupFieldsSchema.safeParse(fields);
    if (!parsed.success) throw invalid(fieldIssues(parsed.error));
    const f = parsed.data;
    return { name: f.name, description: f.description || null, colour: f.colour ?? null, parentId: f.parentId ?? null };
  }
}

function checkName(tx: Tx, name: string, self: number | null): void {
  const other = groupIdByName(tx, name);
  if (other !== null && other !== self)
    throw new DomainError('CONFLICT', `A group named "${name}" already exists`, [
      { path: 'name', message: 'A group with this name already exists' },
    ]);
}
