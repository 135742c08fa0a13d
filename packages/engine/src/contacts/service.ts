// The contacts and groups services: every change an operator (through the UI or the CLI)
// makes to contacts, groups and opt-outs goes through here, validated, in one transaction
// together with its audit entry. Audit summaries name contacts by id only, so the trail
// holds no personal data and survives a GDPR erasure without leaking it.
import type {
  AuditAction,
  Channel,
  Contact,
  ContactSearchOutput,
  Group,
  GroupFields,
  OptOut,
  PersonalDataExport,
  PhoneCheck,
} from '@gdial/protocol';
import { groupFieldsSchema, fieldIssues } from '@gdial/protocol';
import type { EngineContext } from '../context';
import { DomainError, invalid, notFound } from '../errors';
import { maskPhone } from '../log';
import { recordAudit } from '../store/audit';
import { ContactStore } from './contact-store';
import { GroupStore, groupNameKey, type GroupValues } from './group-store';
import { prepareContact, recordOf, emailKey, type ContactRecord } from './model';
import { normaliseAddress, OptOutStore, type OptOutSource } from './opt-outs';
import { formatPhone, normalisePhone } from './phone';
import { searchContacts, type SearchParams } from './search';
import { exportContacts } from './export';

const nowIso = (): string => new Date().toISOString();

const listIds = (ids: readonly number[]): string => {
  const shown = ids
    .slice(0, 20)
    .map((id) => `#${id}`)
    .join(', ');
  return ids.length > 20 ? `${shown} and ${ids.length - 20} more` : shown;
};

/** Field names whose values differ, for the audit summary of an update. */
function changedFields(before: ContactRecord, after: ContactRecord): string[] {
  return (Object.keys(after) as (keyof ContactRecord)[]).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}

export class ContactService {
  constructor(private readonly ctx: EngineContext) {}

  private get contacts(): ContactStore {
    return new ContactStore(this.ctx.store.sqlite);
  }

  private get groups(): GroupStore {
    return new GroupStore(this.ctx.store.sqlite);
  }

  get(id: number): Contact {
    const c = this.contacts.load([id])[0];
    if (!c) throw notFound('Contact', id);
    return c;
  }

  /** Writes the chosen contacts as CSV or vCard (a chunk at a time; see export.ts). */
  export(opts: Parameters<typeof exportContacts>[1]): ReturnType<typeof exportContacts> {
    return exportContacts(this.ctx.store.sqlite, opts);
  }

  search(p: SearchParams): ContactSearchOutput {
    const page = searchContacts(this.ctx.store.sqlite, this.groups, p);
    return { items: this.contacts.summaries(page.ids), nextCursor: page.nextCursor, total: page.total };
  }

  create(fields: unknown): Contact {
    const prepared = prepareContact(fields);
    if (!prepared.ok) throw invalid(prepared.issues);
    const groupIds = prepared.groupIds ?? [];
    const id = this.ctx.store.transaction(({ db }) => {
      this.assertGroupsExist(groupIds);
      const newId = this.contacts.insert(prepared.record, groupIds, nowIso());
      recordAudit(db, this.ctx.operator(), {
        action: 'contact.created',
        subjectType: 'contact',
        subjectId: newId,
        summary: `Created contact #${newId}`,
        params: { id: newId },
      });
      return newId;
    });
    this.ctx.events.emit('contacts.changed', { reason: 'created', ids: [id] });
    return this.get(id);
  }

  update(id: number, changes: unknown): Contact {
    this.ctx.store.transaction(({ db }) => {
      const current = this.contacts.load([id])[0];
      if (!current) throw notFound('Contact', id);
      const base = recordOf(current);
      const prepared = prepareContact(changes, base);
      if (!prepared.ok) throw invalid(prepared.issues);
      const now = nowIso();
      const fields = changedFields(base, prepared.record);
      this.contacts.replace(id, prepared.record, now);
      if (prepared.groupIds) {
        this.assertGroupsExist(prepared.groupIds);
        if (JSON.stringify([...prepared.groupIds].sort((a, b) => a - b)) !== JSON.stringify(current.groupIds)) fields.push('groups');
        this.contacts.setGroups(id, prepared.groupIds, now);
      }
      recordAudit(db, this.ctx.operator(), {
        action: 'contact.updated',
        subjectType: 'contact',
        subjectId: id,
        summary: `Updated contact #${id}: ${fields.length ? fields.join(', ') : 'no changes'}`,
        params: { id, fields: fields.join(',') },
      });
    });
    this.ctx.events.emit('contacts.changed', { reason: 'updated', ids: [id] });
    return this.get(id);
  }

  delete(ids: readonly number[]): number {
    const unique = [...new Set(ids)];
    const deleted = this.ctx.store.transaction(({ db }) => {
      const n = this.contacts.delete(unique);
      if (n > 0)
        recordAudit(db, this.ctx.operator(), {
          action: 'contacts.deleted',
          subjectType: 'contact',
          subjectId: null,
          summary: `Deleted ${n} contact(s): ${listIds(unique)}`,
          params: { count: n, ids: listIds(unique) },
        });
      return n;
    });
    if (deleted > 0) this.ctx.events.emit('contacts.changed', { reason: 'deleted', ids: unique });
    return deleted;
  }

  addTags(ids: readonly number[], tags: readonly string[]): number {
    return this.bulk(
      'contacts.tagged',
      ids,
      (store, now) => store.addTags(ids, [...new Set(tags)], now),
      (n) => `Added tag(s) ${tags.join(', ')} to ${n} contact(s)`,
      { tags: tags.join(', ') },
    );
  }

  removeTags(ids: readonly number[], tags: readonly string[]): number {
    return this.bulk(
      'contacts.untagged',
      ids,
      (store, now) => store.removeTags(ids, tags, now),
      (n) => `Removed tag(s) ${tags.join(', ')} from ${n} contact(s)`,
      { tags: tags.join(', ') },
    );
  }

  setDoNotContact(ids: readonly number[], channel: Channel, value: boolean): number {
    return this.bulk(
      'contacts.doNotContact',
      ids,
      (store, now) => store.setDoNotContact(ids, channel, value, now),
      (n) => `${value ? 'Set' : 'Cleared'} do-not-contact for ${channel} on ${n} contact(s)`,
      { channel, set: value ? 1 : 0 },
    );
  }

  private bulk(
    action: AuditAction,
    ids: readonly number[],
    change: (s: ContactStore, now: string) => number,
    summary: (n: number) => string,
    params: Record<string, string | number>,
  ): number {
    const changed = this.ctx.store.transaction(({ db }) => {
      const known = this.contacts.existing(ids);
      const missing = ids.filter((id) => !known.has(id));
      if (missing.length > 0) throw new DomainError('NOT_FOUND', `Contact(s) ${listIds(missing)} do not exist`);
      const n = change(this.contacts, nowIso());
      if (n > 0)
        recordAudit(db, this.ctx.operator(), {
          action,
          subjectType: 'contact',
          subjectId: ids.length === 1 ? ids[0] : null,
          summary: `${summary(n)}: ${listIds(ids)}`,
          params: { ...params, count: n, ids: listIds(ids) },
        });
      return n;
    });
    if (changed > 0) this.ctx.events.emit('contacts.changed', { reason: 'updated', ids: [...ids] });
    return changed;
  }

  tags(): { tag: string; count: number }[] {
    return this.contacts.tagCounts();
  }

  checkPhone(number: string): PhoneCheck {
    const n = normalisePhone(number);
    return n.ok
      ? { ok: true, e164: n.e164, national: formatPhone(n.e164), kind: n.kind, canSms: n.canSms, country: n.country }
      : { ok: false, reason: `The number ${n.reason}`, problem: n.problem, country: n.country };
  }

  /** GDPR access request: the contact, its groups, opt-outs of its addresses, audit entries about it. */
  exportPersonalData(id: number): PersonalDataExport {
    const contact = this.get(id);
    const addresses = [
      ...contact.phones.map((p) => p.e164),
      ...contact.emails.map((e) => emailKey(e.address)),
      ...(contact.whatsapp ? [contact.whatsapp] : []),
      ...(contact.telegramChatId ? [contact.telegramChatId] : []),
    ];
    const audit = this.ctx.store.sqlite
      .prepare(
        "SELECT id, at, actor, action, subject_type AS subjectType, subject_id AS subjectId, summary FROM audit_log WHERE subject_type = 'contact' AND subject_id = ? ORDER BY id",
      )
      .all(String(id)) as PersonalDataExport['audit'];
    return {
      exportedAt: nowIso(),
      contact,
      groups: this.groups.groupsOfContact(id),
      optOuts: new OptOutStore(this.ctx.store.sqlite).forAddresses(addresses),
      audit,
    };
  }

  /**
   * GDPR erasure: the contact's rows, memberships, search entry and earlier audit entries
   * go; one audit entry without personal data records that #id was erased. Deleted pages
   * are overwritten and the search index merged so the data is not left in free pages.
   * Opt-outs stay: they are what keeps the person from being contacted again.
   */
  erase(id: number): { erased: true; auditId: number } {
    const sqlite = this.ctx.store.sqlite;
    const secure = sqlite.pragma('secure_delete', { simple: true }) as number;
    sqlite.pragma('secure_delete = ON');
    try {
      const auditId = this.ctx.store.transaction(({ db }) => {
        if (this.contacts.delete([id]) === 0) throw notFound('Contact', id);
        const removed = sqlite.prepare("DELETE FROM audit_log WHERE subject_type = 'contact' AND subject_id = ?").run(String(id)).changes;
        recordAudit(db, this.ctx.operator(), {
          action: 'contact.erased',
          subjectType: 'contact',
          subjectId: id,
          summary: `Contact #${id} erased on request (GDPR); ${removed} earlier audit entr${removed === 1 ? 'y' : 'ies'} about it removed`,
          params: { id, removed },
        });
        const entryId = Number(sqlite.prepare('SELECT last_insert_rowid()').pluck().get());
        // Merging the index drops the erased tokens instead of leaving them under a tombstone.
        sqlite.prepare("INSERT INTO contacts_fts (contacts_fts) VALUES ('optimize')").run();
        return entryId;
      });
      if (sqlite.pragma('journal_mode', { simple: true }) === 'wal') sqlite.pragma('wal_checkpoint(TRUNCATE)');
      this.ctx.events.emit('contacts.changed', { reason: 'erased', ids: [id] });
      return { erased: true, auditId };
    } finally {
      sqlite.pragma(`secure_delete = ${secure}`);
    }
  }

  private assertGroupsExist(groupIds: readonly number[]): void {
    if (groupIds.length === 0) return;
    const known = this.groups.existing(groupIds);
    const issues = groupIds.flatMap((g, i) => (known.has(g) ? [] : [{ path: `groupIds.${i}`, message: `Group ${g} does not exist` }]));
    if (issues.length) throw invalid(issues);
  }

  // ── opt-outs ──

  listOptOuts(q: { channel?: Channel | undefined; address?: string | undefined }): OptOut[] {
    let address = q.address;
    if (address && q.channel) {
      const n = normaliseAddress(q.channel, address);
      if (n.ok) address = n.address;
    }
    return new OptOutStore(this.ctx.store.sqlite).list({ channel: q.channel, address });
  }

  addOptOut(channel: Channel, address: string, source: OptOutSource, note: string | null): OptOut {
    const n = normaliseAddress(channel, address);
    if (!n.ok) throw invalid([{ path: 'address', message: n.reason }]);
    const optOut = this.ctx.store.transaction(({ db }) => {
      const o = new OptOutStore(this.ctx.store.sqlite).add(channel, n.address, source, note, nowIso());
      recordAudit(db, this.ctx.operator(), {
        action: 'optOut.added',
        subjectType: 'optOut',
        subjectId: null,
        summary: `${channel} opt-out (${source}) for ${maskAddress(n.address)}`,
        params: { channel, source, address: maskAddress(n.address) },
      });
      return o;
    });
    return optOut;
  }

  removeOptOut(channel: Channel, address: string): boolean {
    const n = normaliseAddress(channel, address);
    if (!n.ok) throw invalid([{ path: 'address', message: n.reason }]);
    return this.ctx.store.transaction(({ db }) => {
      const removed = new OptOutStore(this.ctx.store.sqlite).remove(channel, n.address);
      if (removed)
        recordAudit(db, this.ctx.operator(), {
          action: 'optOut.removed',
          subjectType: 'optOut',
          subjectId: null,
          summary: `${channel} opt-out removed for ${maskAddress(n.address)}`,
          params: { channel, address: maskAddress(n.address) },
        });
      return removed;
    });
  }
}

/** Enough of an address to tell entries apart in the audit log, not enough to contact anyone. */
function maskAddress(address: string): string {
  const at = address.indexOf('@');
  if (at > 0) return `${address[0]}***${address.slice(at)}`;
  return maskPhone(address);
}

export class GroupService {
  constructor(private readonly ctx: EngineContext) {}

  private get store(): GroupStore {
    return new GroupStore(this.ctx.store.sqlite);
  }

  list(): Group[] {
    return this.store.list();
  }

  get(id: number): Group {
    const g = this.store.get(id);
    if (!g) throw notFound('Group', id);
    return g;
  }

  create(fields: GroupFields): Group {
    const v = this.values(fields);
    const id = this.ctx.store.transaction(({ db }) => {
      this.checkName(v.name, null);
      if (v.parentId !== null && !this.store.values(v.parentId))
        throw invalid([{ path: 'parentId', message: `Group ${v.parentId} does not exist` }]);
      const newId = this.store.insert(v, nowIso());
      recordAudit(db, this.ctx.operator(), {
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
    this.ctx.store.transaction(({ db }) => {
      const current = this.store.values(id);
      if (!current) throw notFound('Group', id);
      const next = this.values({ ...current, ...changes });
      if (groupNameKey(next.name) !== groupNameKey(current.name)) this.checkName(next.name, id);
      if (next.parentId !== null && next.parentId !== current.parentId) {
        if (!this.store.values(next.parentId)) throw invalid([{ path: 'parentId', message: `Group ${next.parentId} does not exist` }]);
        if (this.store.subtree(id).includes(next.parentId)) {
          throw invalid([{ path: 'parentId', message: 'A group cannot be placed under itself or one of its own subgroups' }]);
        }
      }
      this.store.update(id, next, nowIso());
      const fields = (Object.keys(next) as (keyof GroupValues)[]).filter((k) => next[k] !== current[k]);
      recordAudit(db, this.ctx.operator(), {
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
    this.ctx.store.transaction(({ db }) => {
      const current = this.store.values(id);
      if (!current) throw notFound('Group', id);
      this.store.delete(id, nowIso());
      recordAudit(db, this.ctx.operator(), {
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
    const n = this.ctx.store.transaction(({ db }) => {
      const g = this.store.values(groupId);
      if (!g) throw notFound('Group', groupId);
      const unique = [...new Set(contactIds)];
      if (op === 'add') {
        const known = new ContactStore(this.ctx.store.sqlite).existing(unique);
        const missing = unique.filter((id) => !known.has(id));
        if (missing.length) throw new DomainError('NOT_FOUND', `Contact(s) ${listIds(missing)} do not exist`);
      }
      const now = nowIso();
      const changed = op === 'add' ? this.store.addMembers(groupId, unique, now) : this.store.removeMembers(groupId, unique, now);
      if (changed > 0) {
        recordAudit(db, this.ctx.operator(), {
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

  private checkName(name: string, self: number | null): void {
    const other = this.store.idByName(name);
    if (other !== null && other !== self)
      throw new DomainError('CONFLICT', `A group named "${name}" already exists`, [
        { path: 'name', message: 'A group with this name already exists' },
      ]);
  }
}
