// Organisation-wide settings, the audit trail and the inbox's handled marks as shared entities. Only the settings
// listed in `sharedSettings` are the organisation's; the others (provider credentials, the
// relay cursor, the operator's name, the default voice) stay on their desktop. Audit
// entries are written once and never change; their subject, when it is a contact or a
// group, travels as its uid.
import type { Json } from '@gdial/protocol';
import { deleteAuditEntry, insertAuditEntry, readAuditEntry } from '../../store/audit';
import type { Tx } from '../../store/db';
import { handledInboxIds, inboxHandled, writeInboxHandled } from '../../store/inbox';
import { readSettingValue, removeSettingValue, storeSettingValue } from '../../store/settings';
import { bindUid, localIdOf, uidOf } from '../../store/sync';
import { allAuditIds } from '../../store/sync-reads';
import { absent, type EntityCodec } from '../codec';
import { uidFor } from './contacts';

/** The settings every desktop of an organisation shares. */
export const sharedSettings: ReadonlySet<string> = new Set(['campaigns.priceTable', 'sync.autoTakeOver', 'approvals.rule', 'ai.settings']);

export const settingCodec: EntityCodec = {
  entity: 'setting',
  tables: ['settings'],
  tombstones: false,
  touched(_tx, changes) {
    return new Set(changes.map((c) => String(c.key[0])).filter((k) => sharedSettings.has(k)));
  },
  read(r, id) {
    const value = readSettingValue(r, id);
    return value === undefined ? absent : { present: true, value: value as Json };
  },
  write(tx, state) {
    if (!sharedSettings.has(state.id)) return;
    if (state.fields.present?.v === true) storeSettingValue(tx, state.id, state.fields.value?.v ?? null);
    else removeSettingValue(tx, state.id);
  },
  all(tx) {
    return [...sharedSettings].filter((k) => readSettingValue(tx, k) !== undefined);
  },
};

/** Subjects whose id is a local row id, shared as the row's uid. */
const subjectEntities = { contact: 'contact', group: 'group' } as const;

function subjectUid(tx: Tx, type: string, id: string | null): string | null {
  const entity = subjectEntities[type as keyof typeof subjectEntities];
  if (!entity || id === null || !/^\d+$/.test(id)) return id;
  return uidOf(tx, entity, Number(id)) ?? id;
}

function subjectLocal(tx: Tx, type: string, uid: string | null): string | null {
  const entity = subjectEntities[type as keyof typeof subjectEntities];
  if (!entity || uid === null) return uid;
  const local = localIdOf(tx, entity, uid);
  return local === null ? uid : String(local);
}

export const auditCodec: EntityCodec = {
  entity: 'audit',
  tables: ['audit_log'],
  tombstones: true,
  touched(tx, changes) {
    return new Set(changes.map((c) => uidFor(tx, 'audit', c.key[0] as number)));
  },
  read(r, id) {
    const local = localIdOf(r, 'audit', id);
    const e = local === null ? undefined : readAuditEntry(r, local);
    if (!e) return undefined;
    return {
      at: e.at,
      actor: e.actor,
      action: e.action,
      subjectType: e.subjectType,
      subject: subjectUid(r as Tx, e.subjectType, e.subjectId),
      summary: e.summary,
      params: (e.params ?? null) as Json,
    };
  },
  write(tx, state) {
    const local = localIdOf(tx, 'audit', state.id);
    if (state.deleted !== undefined) {
      if (local !== null) deleteAuditEntry(tx, local);
      return;
    }
    if (local !== null) return; // entries never change
    const f = (name: string): Json | undefined => state.fields[name]?.v;
    const text = (name: string): string => {
      const v = f(name);
      return typeof v === 'string' ? v : '';
    };
    if (typeof f('action') !== 'string' || typeof f('at') !== 'string') return;
    const subjectType = text('subjectType');
    const id = insertAuditEntry(tx, {
      at: f('at') as string,
      actor: text('actor'),
      action: f('action') as string,
      subjectType,
      subjectId: subjectLocal(tx, subjectType, (f('subject') as string | null | undefined) ?? null),
      summary: text('summary'),
      params: (f('params') as Record<string, string | number> | null | undefined) ?? null,
    });
    bindUid(tx, 'audit', state.id, id);
  },
  all(tx) {
    return allAuditIds(tx).map((id) => uidFor(tx, 'audit', id));
  },
};

/**
 * Inbox items: every desktop stores a reply from the webhook it applies, under a uid made
 * from the provider event (store/inbox.ts); what is shared is whether it is handled, by whom
 * and when, and who its conversation is assigned to, last writer wins per field. An item not here (its webhook older than this desktop's log)
 * is left alone.
 */
export const inboxCodec: EntityCodec = {
  entity: 'inbox',
  tables: ['inbox_messages'],
  tombstones: false,
  touched(tx, changes) {
    const ids = new Set<string>();
    for (const c of changes) {
      if (c.op !== 'update') continue; // a reply arriving is each desktop's own (from the same webhook)
      const uid = uidOf(tx, 'inbox', c.key[0] as number);
      if (uid !== null) ids.add(uid);
    }
    return ids;
  },
  read(r, id) {
    const local = localIdOf(r, 'inbox', id);
    return local === null ? undefined : inboxHandled(r, local);
  },
  write(tx, state) {
    const local = localIdOf(tx, 'inbox', state.id);
    if (local === null) return;
    const f = (name: string) => state.fields[name]?.v;
    const text = (name: string) => (typeof f(name) === 'string' ? (f(name) as string) : null);
    writeInboxHandled(tx, local, {
      handled: f('handled') === true,
      handledBy: text('handledBy'),
      handledAt: text('handledAt'),
      assignedTo: text('assignedTo'),
      assignedName: text('assignedName'),
    });
  },
  all(tx) {
    return handledInboxIds(tx)
      .map((id) => uidOf(tx, 'inbox', id))
      .filter((u): u is string => u !== null);
  },
};
