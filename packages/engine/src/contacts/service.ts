// The contacts service: every change an operator (through the UI or the CLI) makes to
// contacts and opt-outs goes through here, validated, in one transaction together with its
// audit entry. Audit summaries name contacts by id only, so the trail holds no personal
// data and survives a GDPR erasure without leaking it. The SQL is in the store
// (store/contacts.ts, store/groups.ts, store/opt-outs.ts); groups have their own service.
import type {
  AuditAction,
  Channel,
  Contact,
  ContactSearchOutput,
  OptOut,
  PersonalDataExport,
  PersonTimeline,
  PhoneCheck,
} from '@gdial/protocol';
import type { EngineContext } from '../context';
import { DomainError, invalid, notFound } from '../errors';
import { maskPhone } from '../log';
import { deleteAuditEntriesAbout, recordAudit } from '../store/audit';
import {
  addTags,
  deleteContacts,
  eraseSecurely,
  existingContactIds,
  insertContact,
  mergeSearchIndex,
  removeTags,
  replaceContact,
  setDoNotContact,
} from '../store/contacts';
import { contactSummaries, tagCounts } from '../store/contact-queries';
import type { Tx } from '../store/db';
import { addContactToGroups, existingGroupIds, groupsOfContact, setContactGroups } from '../store/groups';
import { addOptOut, getOptOut, listOptOuts, removeOptOut } from '../store/opt-outs';
import { loadContacts } from './audience';
import { personHistory, personTimeline } from './history';
import { exportContacts } from './export';
import { prepareContact, recordOf, type ContactRecord } from './model';
import { normaliseAddress, type OptOutSource } from './opt-outs';
import { formatPhone, normalisePhone } from './phone';
import type { ContactSearchIndex } from './search/search-index';
import { searchContacts, type SearchParams } from './search/search';
import { markErased, uidOf } from '../store/sync';
import { erasePersonFromAlerts } from '../store/alert-erasure';

const nowIso = (): string => new Date().toISOString();

/** "#1, #2 and 3 more": contacts named by id only. */
export const listIds = (ids: readonly number[]): string => {
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
  constructor(
    private readonly ctx: EngineContext,
    readonly searchIndex: ContactSearchIndex,
  ) {}

  get(id: number): Contact {
    const c = loadContacts(this.ctx.store.read, [id])[0];
    if (!c) throw notFound('Contact', id);
    return c;
  }

  /** Writes the chosen contacts as CSV or vCard (a chunk at a time; see export.ts). */
  /** Writes the address book (or a part) as CSV or vCard; the export of personal data is audited. */
  async export(opts: Parameters<typeof exportContacts>[1]): ReturnType<typeof exportContacts> {
    const out = await exportContacts(this.ctx.store.read, opts);
    this.ctx.store.transaction((tx) =>
      recordAudit(tx, this.ctx.operator(), {
        action: 'contacts.exported',
        subjectType: 'contact',
        summary: `Exported ${out.count} contacts as ${opts.format}`,
        params: { count: out.count, format: opts.format },
      }),
    );
    return out;
  }

  search(p: SearchParams): ContactSearchOutput {
    const r = this.ctx.store.read;
    const page = searchContacts(r, this.searchIndex, p);
    return { items: contactSummaries(r, page.ids), nextCursor: page.nextCursor, total: page.total, exactTotal: page.exactTotal };
  }

  create(fields: unknown): Contact {
    const prepared = prepareContact(fields, undefined, this.ctx.operator());
    if (!prepared.ok) throw invalid(prepared.issues);
    const groupIds = prepared.groupIds ?? [];
    const id = this.ctx.store.transaction((tx) => {
      assertGroupsExist(tx, groupIds);
      const now = nowIso();
      const newId = insertContact(tx, prepared.record, now);
      addContactToGroups(tx, newId, groupIds, now);
      recordAudit(tx, this.ctx.operator(), {
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
    this.ctx.store.transaction((tx) => {
      const current = loadContacts(tx, [id])[0];
      if (!current) throw notFound('Contact', id);
      const base = recordOf(current);
      const prepared = prepareContact(changes, base, this.ctx.operator());
      if (!prepared.ok) throw invalid(prepared.issues);
      const now = nowIso();
      const fields = changedFields(base, prepared.record);
      replaceContact(tx, id, prepared.record, now);
      if (prepared.groupIds) {
        assertGroupsExist(tx, prepared.groupIds);
        if (JSON.stringify([...prepared.groupIds].sort((a, b) => a - b)) !== JSON.stringify(current.groupIds)) fields.push('groups');
        setContactGroups(tx, id, prepared.groupIds, now);
      }
      recordAudit(tx, this.ctx.operator(), {
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
    const deleted = this.ctx.store.transaction((tx) => {
      const n = deleteContacts(tx, unique);
      if (n > 0)
        recordAudit(tx, this.ctx.operator(), {
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
      (tx, now) => addTags(tx, ids, [...new Set(tags)], now),
      (n) => `Added tag(s) ${tags.join(', ')} to ${n} contact(s)`,
      { tags: tags.join(', ') },
    );
  }

  removeTags(ids: readonly number[], tags: readonly string[]): number {
    return this.bulk(
      'contacts.untagged',
      ids,
      (tx, now) => removeTags(tx, ids, tags, now),
      (n) => `Removed tag(s) ${tags.join(', ')} from ${n} contact(s)`,
      { tags: tags.join(', ') },
    );
  }

  setDoNotContact(ids: readonly number[], channel: Channel, value: boolean): number {
    return this.bulk(
      'contacts.doNotContact',
      ids,
      (tx, now) => setDoNotContact(tx, ids, channel, value, now),
      (n) => `${value ? 'Set' : 'Cleared'} do-not-contact for ${channel} on ${n} contact(s)`,
      { channel, set: value ? 1 : 0 },
    );
  }

  private bulk(
    action: AuditAction,
    ids: readonly number[],
    change: (tx: Tx, now: string) => number,
    summary: (n: number) => string,
    params: Record<string, string | number>,
  ): number {
    const changed = this.ctx.store.transaction((tx) => {
      const known = existingContactIds(tx, ids);
      const missing = ids.filter((id) => !known.has(id));
      if (missing.length > 0) throw new DomainError('NOT_FOUND', `Contact(s) ${listIds(missing)} do not exist`);
      const n = change(tx, nowIso());
      if (n > 0)
        recordAudit(tx, this.ctx.operator(), {
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
    return tagCounts(this.ctx.store.read);
  }

  checkPhone(number: string): PhoneCheck {
    const n = normalisePhone(number);
    return n.ok
      ? { ok: true, e164: n.e164, national: formatPhone(n.e164), kind: n.kind, canSms: n.canSms, country: n.country }
      : { ok: false, reason: `The number ${n.reason}`, problem: n.problem, country: n.country };
  }

  /** What happened to the person across alerts and to their record, newest first, capped at `limit`. */
  history(id: number, limit: number): PersonTimeline {
    return personTimeline(personHistory(this.ctx.store.read, this.get(id)), limit);
  }

  /** GDPR access request: the contact, its groups, opt-outs, audit entries, every alert with its deliveries, and replies. */
  exportPersonalData(id: number): PersonalDataExport {
    const contact = this.get(id);
    const r = this.ctx.store.read;
    const h = personHistory(r, contact);
    const out: PersonalDataExport = {
      exportedAt: nowIso(),
      contact,
      groups: groupsOfContact(r, id),
      optOuts: h.optOuts,
      audit: h.audit,
      alerts: h.alerts,
      inbox: h.inbox,
    };
    // An export of personal data is itself audited (who took it, when); the export holds the history before it.
    this.ctx.store.transaction((tx) =>
      recordAudit(tx, this.ctx.operator(), {
        action: 'contact.personalDataExported',
        subjectType: 'contact',
        subjectId: id,
        summary: `Exported the personal data of contact #${id}`,
        params: { id },
      }),
    );
    return out;
  }

  /**
   * GDPR erasure: the contact's rows, memberships, search entry and earlier audit entries
   * go; one audit entry without personal data records that #id was erased. Deleted pages
   * are overwritten and the search index merged so the data is not left in free pages.
   * Opt-outs stay: they are what keeps the person from being contacted again.
   */
  erase(id: number): { erased: true; auditId: number } {
    const auditId = eraseSecurely(this.ctx.store, () =>
      this.ctx.store.transaction((tx) => {
        markErased(tx, 'contact', id);
        // The person leaves every roll-call that named them too (here, and through the erasure everywhere).
        erasePersonFromAlerts(tx, { localId: id, uid: uidOf(tx, 'contact', id) });
        if (deleteContacts(tx, [id]) === 0) throw notFound('Contact', id);
        const removed = deleteAuditEntriesAbout(tx, 'contact', id);
        const entryId = recordAudit(tx, this.ctx.operator(), {
          action: 'contact.erased',
          subjectType: 'contact',
          subjectId: id,
          summary: `Contact #${id} erased on request (GDPR); ${removed} earlier audit entr${removed === 1 ? 'y' : 'ies'} about it removed`,
          params: { id, removed },
        });
        // Merging the index drops the erased tokens instead of leaving them under a tombstone.
        mergeSearchIndex(tx);
        return entryId;
      }),
    );
    this.ctx.events.emit('contacts.changed', { reason: 'erased', ids: [id] });
    return { erased: true, auditId };
  }

  // ── opt-outs ──

  listOptOuts(q: { channel?: Channel | undefined; address?: string | undefined }): OptOut[] {
    let address = q.address;
    if (address && q.channel) {
      const n = normaliseAddress(q.channel, address);
      if (n.ok) address = n.address;
    }
    return listOptOuts(this.ctx.store.read, { channel: q.channel, address });
  }

  addOptOut(channel: Channel, address: string, source: OptOutSource, note: string | null): OptOut {
    const n = normaliseAddress(channel, address);
    if (!n.ok) throw invalid([{ path: 'address', message: n.reason }]);
    return this.ctx.store.transaction((tx) => {
      addOptOut(tx, { channel, address: n.address, source, note, now: nowIso() });
      recordAudit(tx, this.ctx.operator(), {
        action: 'optOut.added',
        subjectType: 'optOut',
        subjectId: null,
        summary: `${channel} opt-out (${source}) for ${maskAddress(n.address)}`,
        params: { channel, source, address: maskAddress(n.address) },
      });
      return getOptOut(tx, channel, n.address)!;
    });
  }

  removeOptOut(channel: Channel, address: string): boolean {
    const n = normaliseAddress(channel, address);
    if (!n.ok) throw invalid([{ path: 'address', message: n.reason }]);
    return this.ctx.store.transaction((tx) => {
      const removed = removeOptOut(tx, channel, n.address);
      if (removed)
        recordAudit(tx, this.ctx.operator(), {
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

/** Refuses group ids that are not groups, naming each. */
export function assertGroupsExist(tx: Tx, groupIds: readonly number[]): void {
  if (groupIds.length === 0) return;
  const known = existingGroupIds(tx, groupIds);
  const issues = groupIds.flatMap((g, i) => (known.has(g) ? [] : [{ path: `groupIds.${i}`, message: `Group ${g} does not exist` }]));
  if (issues.length) throw invalid(issues);
}

/** Enough of an address to tell entries apart in the audit log, not enough to contact anyone. */
function maskAddress(address: string): string {
  const at = address.indexOf('@');
  if (at > 0) return `${address[0]}***${address.slice(at)}`;
  return maskPhone(address);
}
