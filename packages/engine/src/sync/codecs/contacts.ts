// The address book as shared entities: contacts (every field but tags and memberships),
// groups, a tag on a contact and a contact in a group (pairs, each last-writer-wins on its
// own, so two operators tagging the same person concurrently both keep their tag), and
// opt-outs. A contact's or group's deletion is a tombstone; a pair or an opt-out that goes
// is a `present: false` that a later change can turn back.
import { randomUUID } from 'node:crypto';
import { contactSyncFields, noAddress, pairId, type Channel, type Json } from '@gdial/protocol';
import type { RowChange } from '../../store/changes';
import {
  addTags,
  deleteContacts,
  insertContact,
  loadContacts,
  mergeSearchIndex,
  removeTags,
  replaceContact,
  setTagPairs,
  type ContactValues,
} from '../../store/contacts';
import { deleteAuditEntriesAbout } from '../../store/audit';
import type { Reader, Tx } from '../../store/db';
import {
  addMembers,
  deleteGroup,
  existingGroupIds,
  groupIdByName,
  groupValues,
  insertGroup,
  removeMembers,
  updateGroup,
  type GroupValues,
} from '../../store/groups';
import { addOptOut, getOptOut, removeOptOut, type OptOutSource } from '../../store/opt-outs';
import { bindUid, localIdOf, scrubQueued, uidOf } from '../../store/sync';
import {
  allContactIds,
  allGroupIds,
  allMemberships,
  allOptOutKeys,
  allTags,
  hasTag,
  isMember,
  ownerOfAddress,
  tagsOfContact,
} from '../../store/sync-reads';
import { noDoNotContact, recordOf } from '../../contacts/model';
import { absent, type EntityCodec, type Fields } from '../codec';
import { erasePersonFromAlerts } from '../../store/alert-erasure';

const now = (): string => new Date().toISOString();

/** The uid a local row is known by, bound now if it has none yet. */
export function uidFor(tx: Tx, entity: 'contact' | 'group' | 'audit' | 'template' | 'alert', localId: number): string {
  const known = uidOf(tx, entity, localId);
  if (known) return known;
  const uid = randomUUID();
  bindUid(tx, entity, uid, localId);
  return uid;
}

const splitPair = (id: string): [string, string] => {
  const at = id.indexOf('|');
  return [id.slice(0, at), id.slice(at + 1)];
};

// ── contact ──

function readContact(r: Reader, localId: number): Fields | undefined {
  const c = loadContacts(r, [localId], (e164) => e164)[0];
  if (!c) return undefined;
  // Tags travel as pairs of their own (contactTag).
  const { tags: _tags, ...fields } = recordOf(c);
  return fields as unknown as Fields;
}

/** Removes a contact and everything about it here (an erasure that came from another desktop, or a delete). */
function dropContact(tx: Tx, uid: string, erased: boolean): void {
  const localId = localIdOf(tx, 'contact', uid);
  if (erased) erasePersonFromAlerts(tx, { localId, uid });
  if (localId !== null) {
    deleteContacts(tx, [localId]);
    if (erased) {
      deleteAuditEntriesAbout(tx, 'contact', localId);
      mergeSearchIndex(tx);
    }
  }
  if (erased) scrubQueued(tx, 'contact', uid);
}

export const contactCodec: EntityCodec = {
  entity: 'contact',
  tables: ['contacts', 'contact_phones', 'contact_emails', 'contact_consents'],
  tombstones: true,
  touched(tx, changes) {
    const ids = new Set<string>();
    for (const c of changes) {
      // A consent's key starts with its contact, so a removed one names its contact too.
      if (c.table === 'contacts' || c.table === 'contact_consents') ids.add(uidFor(tx, 'contact', c.key[0] as number));
      else if (c.op !== 'delete') {
        // A new phone or e-mail row: its contact (a removed one is seen through the contact's own update).
        const owner = ownerOfAddress(tx, c.table === 'contact_phones' ? 'contact_phones' : 'contact_emails', c.key[0] as number);
        if (owner !== undefined) ids.add(uidFor(tx, 'contact', owner));
      }
    }
    return ids;
  },
  read(r, id) {
    const localId = localIdOf(r, 'contact', id);
    return localId === null ? undefined : readContact(r, localId);
  },
  write(tx, state) {
    if (state.deleted !== undefined) return dropContact(tx, state.id, state.erased === true);
    const localId = localIdOf(tx, 'contact', state.id);
    const current = localId === null ? undefined : readContact(tx, localId);
    const merged: Record<string, Json> = { ...(current ?? {}) };
    for (const name of contactSyncFields) {
      const f = state.fields[name];
      if (f) merged[name] = f.v;
    }
    if (typeof merged.displayName !== 'string') return; // not enough known yet to store a contact
    const values = {
      displayName: merged.displayName,
      firstName: merged.firstName ?? null,
      lastName: merged.lastName ?? null,
      organisation: merged.organisation ?? null,
      role: merged.role ?? null,
      notes: merged.notes ?? null,
      language: merged.language ?? 'sv',
      phones: merged.phones ?? [],
      emails: merged.emails ?? [],
      whatsapp: merged.whatsapp ?? null,
      telegramChatId: merged.telegramChatId ?? null,
      tags: localId === null ? [] : tagsOfContact(tx, localId),
      customFields: merged.customFields ?? {},
      doNotContact: merged.doNotContact ?? noDoNotContact(),
      address: merged.address ?? noAddress(),
      consents: merged.consents ?? [],
    } as unknown as ContactValues;
    if (localId === null) bindUid(tx, 'contact', state.id, insertContact(tx, values, now()));
    else replaceContact(tx, localId, values, now());
  },
  all(tx) {
    return allContactIds(tx).map((id) => uidFor(tx, 'contact', id));
  },
};

// ── group ──

function readGroup(r: Reader, localId: number): Fields | undefined {
  const g = groupValues(r, localId);
  if (!g) return undefined;
  return {
    name: g.name,
    description: g.description,
    colour: g.colour,
    parent: g.parentId === null ? null : uidOf(r, 'group', g.parentId),
  };
}

/** A name another group here already has gets the smallest free " (n)" suffix: names are unique per desktop. */
function freeName(tx: Tx, name: string, self: number | null): string {
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? name : `${name} (${n})`;
    const holder = groupIdByName(tx, candidate);
    if (holder === null || holder === self) return candidate;
  }
}

export const groupCodec: EntityCodec = {
  entity: 'group',
  tables: ['contact_groups'],
  tombstones: true,
  touched(tx, changes) {
    return new Set(changes.map((c) => uidFor(tx, 'group', c.key[0] as number)));
  },
  read(r, id) {
    const localId = localIdOf(r, 'group', id);
    return localId === null ? undefined : readGroup(r, localId);
  },
  write(tx, state) {
    const localId = localIdOf(tx, 'group', state.id);
    if (state.deleted !== undefined) {
      if (localId !== null && existingGroupIds(tx, [localId]).size > 0) deleteGroup(tx, localId, now());
      return;
    }
    const current = localId === null ? undefined : readGroup(tx, localId);
    const v = (name: string): Json | undefined => state.fields[name]?.v ?? current?.[name];
    const name = v('name');
    if (typeof name !== 'string') return;
    const parentUid = v('parent');
    const parentId = typeof parentUid === 'string' ? localIdOf(tx, 'group', parentUid) : null;
    const values: GroupValues = {
      name: freeName(tx, name, localId),
      description: (v('description') as string | null | undefined) ?? null,
      colour: (v('colour') as string | null | undefined) ?? null,
      parentId: parentId !== null && parentId !== localId ? parentId : null,
    };
    if (localId === null) bindUid(tx, 'group', state.id, insertGroup(tx, values, now()));
    else updateGroup(tx, localId, values, now());
  },
  all(tx) {
    return allGroupIds(tx).map((id) => uidFor(tx, 'group', id));
  },
};

// ── pairs: a tag on a contact, a contact in a group ──

export const contactTagCodec: EntityCodec = {
  entity: 'contactTag',
  tables: ['contact_tags'],
  tombstones: false,
  touched(tx, changes: readonly RowChange[]) {
    return new Set(changes.map((c) => pairId(uidFor(tx, 'contact', c.key[0] as number), String(c.key[1]))));
  },
  read(r, id) {
    const [contact, tag] = splitPair(id);
    const localId = localIdOf(r, 'contact', contact);
    if (localId === null) return absent;
    return hasTag(r, localId, tag) ? { present: true } : absent;
  },
  write(tx, state) {
    const [contact, tag] = splitPair(state.id);
    const localId = localIdOf(tx, 'contact', contact);
    if (localId === null) return;
    if (state.fields.present?.v === true) addTags(tx, [localId], [tag], now());
    else removeTags(tx, [localId], [tag], now());
  },
  writeMany(tx, states) {
    const pairs: { id: number; tag: string; present: boolean }[] = [];
    for (const state of states) {
      const [contact, tag] = splitPair(state.id);
      const id = localIdOf(tx, 'contact', contact);
      if (id !== null) pairs.push({ id, tag, present: state.fields.present?.v === true });
    }
    setTagPairs(tx, pairs, now());
  },
  all(tx) {
    return allTags(tx).map((t) => pairId(uidFor(tx, 'contact', t.contact_id), t.tag));
  },
};

export const membershipCodec: EntityCodec = {
  entity: 'membership',
  tables: ['group_members'],
  tombstones: false,
  touched(tx, changes) {
    return new Set(changes.map((c) => pairId(uidFor(tx, 'group', c.key[0] as number), uidFor(tx, 'contact', c.key[1] as number))));
  },
  read(r, id) {
    const [group, contact] = splitPair(id);
    const g = localIdOf(r, 'group', group);
    const c = localIdOf(r, 'contact', contact);
    if (g === null || c === null) return absent;
    return isMember(r, g, c) ? { present: true } : absent;
  },
  write(tx, state) {
    const [group, contact] = splitPair(state.id);
    const g = localIdOf(tx, 'group', group);
    const c = localIdOf(tx, 'contact', contact);
    if (g === null || c === null) return;
    if (state.fields.present?.v === true) addMembers(tx, g, [c], now());
    else removeMembers(tx, g, [c], now());
  },
  all(tx) {
    return allMemberships(tx).map((m) => pairId(uidFor(tx, 'group', m.group_id), uidFor(tx, 'contact', m.contact_id)));
  },
};

// ── opt-outs ──

export const optOutCodec: EntityCodec = {
  entity: 'optOut',
  tables: ['opt_outs'],
  tombstones: false,
  touched(_tx, changes) {
    return new Set(changes.map((c) => pairId(String(c.key[0]), String(c.key[1]))));
  },
  read(r, id) {
    const [channel, address] = splitPair(id);
    const o = getOptOut(r, channel as Channel, address);
    return o ? { present: true, source: o.source, note: o.note, at: o.createdAt } : absent;
  },
  write(tx, state) {
    const [channel, address] = splitPair(state.id);
    if (state.fields.present?.v !== true) {
      removeOptOut(tx, channel as Channel, address);
      return;
    }
    const f = (name: string): Json | undefined => state.fields[name]?.v;
    removeOptOut(tx, channel as Channel, address);
    addOptOut(tx, {
      channel: channel as Channel,
      address,
      source: (f('source') as OptOutSource | undefined) ?? 'operator',
      note: (f('note') as string | null | undefined) ?? null,
      ...(typeof f('at') === 'string' ? { now: f('at') as string } : {}),
    });
  },
  all(tx) {
    return allOptOutKeys(tx).map((o) => pairId(o.channel, o.address));
  },
};
