// Contacts and group membership written through the REST API (an HR system's sync) become
// organisation-sync operations authored by the relay itself: the pseudo-device "relay-api",
// with a hybrid clock moved past every stamp of what it changes (so an API edit made after
// a desktop's wins the field, and a desktop's later edit wins it back) and merged and logged
// through the same path as a desktop's push (ingest/sync.ts). Every desktop applies them
// like any other operation, so the conflict rules of docs/sync.md hold: last writer wins
// per field, deletes are tombstones, memberships and tags are pairs of their own, a GDPR
// erasure wins over everything.
//
// A contact's fields are validated by the desktop's own rules (@gdial/engine/contact-rules:
// Swedish numbers to E.164, e-mail addresses), never a copy of them. Each write is audited
// under the key's name, and the audit entry's id numbers the write's operations
// (`sync:relay-api:<id × 1024 + n>`): unique across relay instances and restarts without a
// counter of its own. The entry is shared with the desktops after the operations, so a
// contact's history there shows "Ändrad via API-nyckeln …" once the contact exists.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { prepareContact, type ContactRecord } from '@gdial/engine/contact-rules';
import {
  EXTERNAL_ID_FIELD,
  contactSyncFields,
  HybridClock,
  apiContactInputSchema,
  externalIdSchema,
  fieldIssues,
  noAddress,
  pairId,
  parseHlc,
  sameJson,
  syncIdSchema,
  valuesOf,
  type ApiContact,
  type ApiGroup,
  type AuthAuditEntry,
  type EntityState,
  type FieldIssue,
  type Json,
  type SyncEntity,
  type SyncOp,
} from '@gdial/protocol';
import type { AuthService } from '../auth/service';
import { contactsByExternalId, listContactStates, listGroupStates, presentPairsOf, readStates } from '../store/api-contacts';
import type { RelayDb } from '../store/db';
import type { EventAppender } from './appender';
import { pushSyncOps } from './sync';

/** The device id of the operations the REST API writes. */
export const API_SYNC_DEVICE = 'relay-api';

/** Operations one audited write may make (a contact, its tags and groups); counters are entry id × this + n. */
const OPS_PER_WRITE = 1024;

export interface ApiKeyRef {
  id: string;
  name: string;
}

export type WriteStatus = 'created' | 'updated' | 'unchanged';
export type WriteResult =
  { ok: true; status: WriteStatus; id: string } | { ok: false; status: 400 | 404; code: 'validation' | 'not-found'; issues: FieldIssue[] };

export interface ApiContactsDeps {
  db: RelayDb;
  appender: EventAppender;
  auth: AuthService;
}

type Draft = Omit<SyncOp, 'device' | 'counter' | 'hlc'>;
const keyOf = (entity: SyncEntity, id: string): string => `${entity}\u0000${id}`;
const notFound = (path: string, message: string): WriteResult => ({
  ok: false,
  status: 404,
  code: 'not-found',
  issues: [{ path, message }],
});
const isLive = (s: EntityState | undefined): s is EntityState => s !== undefined && s.deleted === undefined;
const present = (s: EntityState | undefined): boolean => isLive(s) && s.fields.present?.v === true;

/** A stamp's wall time ("<hlc>@<device>"). */
const wallOf = (stamp: string): number => parseHlc(stamp.slice(0, stamp.indexOf('@'))).wall;

/**
 * The uid the API gives the contact of an external id: derived from it, so concurrent and
 * repeated upserts name the same entity. A tombstone is never brought back: a contact
 * deleted earlier leaves the next generation's uid to a new one.
 */
export function contactUidFor(tenantId: string, externalId: string, generation: number): string {
  const h = createHash('sha256').update(`gdial-api-contact\u0000${tenantId}\u0000${externalId}\u0000${generation}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const GENERATIONS = 16;

/** The stored fields of a contact as the desktop's validation takes them (its tags from the pairs). */
function recordOf(state: EntityState, tags: readonly string[]): ContactRecord {
  const v = valuesOf(state) as Record<string, unknown>;
  return {
    displayName: typeof v.displayName === 'string' ? v.displayName : '',
    firstName: (v.firstName as string | null | undefined) ?? null,
    lastName: (v.lastName as string | null | undefined) ?? null,
    organisation: (v.organisation as string | null | undefined) ?? null,
    role: (v.role as string | null | undefined) ?? null,
    notes: (v.notes as string | null | undefined) ?? null,
    language: v.language === 'en' ? 'en' : 'sv',
    phones: (v.phones as ContactRecord['phones'] | undefined) ?? [],
    emails: (v.emails as ContactRecord['emails'] | undefined) ?? [],
    whatsapp: (v.whatsapp as string | null | undefined) ?? null,
    telegramChatId: (v.telegramChatId as string | null | undefined) ?? null,
    tags: [...tags],
    customFields: (v.customFields as ContactRecord['customFields'] | undefined) ?? {},
    doNotContact: (v.doNotContact as ContactRecord['doNotContact'] | undefined) ?? {
      voice: false,
      sms: false,
      email: false,
      whatsapp: false,
      telegram: false,
    },
    address: (v.address as ContactRecord['address'] | undefined) ?? noAddress(),
    consents: (v.consents as ContactRecord['consents'] | undefined) ?? [],
  };
}

/** A record's fields as the sync codec shares them (numbers without their search digits). */
function sharedFields(r: ContactRecord): Record<(typeof contactSyncFields)[number], Json> {
  return {
    displayName: r.displayName,
    firstName: r.firstName,
    lastName: r.lastName,
    organisation: r.organisation,
    role: r.role,
    notes: r.notes,
    language: r.language,
    phones: r.phones.map((p) => ({ e164: p.e164, label: p.label, kind: p.kind, canSms: p.canSms })),
    emails: r.emails.map((e) => ({ address: e.address, label: e.label })),
    whatsapp: r.whatsapp,
    telegramChatId: r.telegramChatId,
    customFields: r.customFields,
    doNotContact: r.doNotContact,
    address: r.address,
    consents: r.consents,
  };
}

const tagsOf = (pairs: readonly EntityState[]): string[] => pairs.map((p) => p.id.slice(p.id.indexOf('|') + 1));
const groupsOf = (pairs: readonly EntityState[]): string[] => pairs.map((p) => p.id.slice(0, p.id.indexOf('|')));

/** A contact's state as the API shows it. */
export function contactView(state: EntityState, tags: readonly string[], groups: readonly string[]): ApiContact {
  const r = recordOf(state, tags);
  const shared = sharedFields(r);
  const external = r.customFields[EXTERNAL_ID_FIELD];
  const wall = Math.max(0, ...Object.values(state.fields).map((f) => wallOf(f.s)));
  return {
    id: state.id,
    externalId: typeof external === 'string' ? external : null,
    ...(shared as Omit<ApiContact, 'id' | 'externalId' | 'tags' | 'groups' | 'updatedAt'>),
    tags: [...tags].sort(),
    groups: [...groups].sort(),
    updatedAt: new Date(wall).toISOString(),
  };
}

const inputWithoutGroups = z.object({ groups: z.array(syncIdSchema).max(100).optional() }).passthrough();

export class ApiContacts {
  constructor(private readonly deps: ApiContactsDeps) {}

  // ── reads ──

  async get(tenantId: string, id: string): Promise<ApiContact | null> {
    const states = await readStates(this.deps.db, tenantId, [{ entity: 'contact', id }]);
    const state = states.get(keyOf('contact', id));
    if (!isLive(state)) return null;
    return (await this.views(tenantId, [state]))[0]!;
  }

  async list(
    tenantId: string,
    f: {
      after?: string | undefined;
      limit: number;
      updatedSince?: Date | undefined;
      externalId?: string | undefined;
      group?: string | undefined;
    },
  ): Promise<{ contacts: ApiContact[]; next?: string }> {
    const states = await listContactStates(this.deps.db, tenantId, {
      after: f.after,
      limit: f.limit,
      changedSinceHlc: f.updatedSince ? `${String(f.updatedSince.getTime()).padStart(15, '0')}.000000` : undefined,
      externalId: f.externalId,
      group: f.group,
    });
    const contacts = await this.views(tenantId, states);
    return states.length === f.limit ? { contacts, next: states.at(-1)!.id } : { contacts };
  }

  async groups(tenantId: string): Promise<ApiGroup[]> {
    return (await listGroupStates(this.deps.db, tenantId)).map((s) => {
      const v = valuesOf(s);
      return {
        id: s.id,
        name: typeof v.name === 'string' ? v.name : '',
        description: typeof v.description === 'string' ? v.description : null,
        parent: typeof v.parent === 'string' ? v.parent : null,
      };
    });
  }

  private async views(tenantId: string, states: readonly EntityState[]): Promise<ApiContact[]> {
    const pairs = await presentPairsOf(
      this.deps.db,
      tenantId,
      states.map((s) => s.id),
    );
    return states.map((s) =>
      contactView(
        s,
        tagsOf(pairs.tags.filter((p) => p.id.startsWith(`${s.id}|`))),
        groupsOf(pairs.memberships.filter((p) => p.id.endsWith(`|${s.id}`))),
      ),
    );
  }

  // ── writes ──

  /** Creates or updates the contact of an external id (absent fields keep their values). Idempotent. */
  async upsert(tenantId: string, key: ApiKeyRef, externalId: string, input: unknown): Promise<WriteResult> {
    const ext = externalIdSchema.safeParse(externalId);
    if (!ext.success)
      return { ok: false, status: 400, code: 'validation', issues: fieldIssues(ext.error).map((i) => ({ ...i, path: 'externalId' })) };
    const id = await this.uidOf(tenantId, ext.data);
    return this.write(tenantId, key, id, input, { externalId: ext.data, mustExist: false });
  }

  /** Changes a contact by uid (absent fields keep their values). */
  async patch(tenantId: string, key: ApiKeyRef, id: string, input: unknown): Promise<WriteResult> {
    return this.write(tenantId, key, id, input, { externalId: null, mustExist: true });
  }

  /** A bulk upsert: each row validated on its own; a refused row writes nothing, the others are applied in order. */
  async batch(
    tenantId: string,
    key: ApiKeyRef,
    rows: readonly unknown[],
  ): Promise<{ index: number; externalId: string | null; result: WriteResult }[]> {
    const out: { index: number; externalId: string | null; result: WriteResult }[] = [];
    for (const [index, row] of rows.entries()) {
      const raw = row && typeof row === 'object' && !Array.isArray(row) ? (row as Record<string, unknown>) : null;
      if (!raw) {
        out.push({
          index,
          externalId: null,
          result: { ok: false, status: 400, code: 'validation', issues: [{ path: '', message: 'A row is an object' }] },
        });
        continue;
      }
      const { externalId, ...fields } = raw;
      const ext = typeof externalId === 'string' ? externalId : '';
      out.push({
        index,
        externalId: typeof externalId === 'string' ? externalId : null,
        result: await this.upsert(tenantId, key, ext, fields),
      });
    }
    return out;
  }

  /** Tombstones a contact (a delete), or with `erase` removes the person everywhere (GDPR, docs/sync.md). */
  async remove(tenantId: string, key: ApiKeyRef, id: string, erase: boolean): Promise<WriteResult> {
    const states = await readStates(this.deps.db, tenantId, [{ entity: 'contact', id }]);
    const state = states.get(keyOf('contact', id));
    if (!isLive(state)) return notFound('id', `No contact ${id}`);
    const draft: Draft = { entity: 'contact', id, kind: erase ? 'erase' : 'delete' };
    // An erasure's entry names nobody: the audit keeps only that it happened.
    await this.commit(tenantId, key, erase ? null : id, { change: erase ? 'erased' : 'deleted' }, [draft], [state]);
    return { ok: true, status: 'updated', id };
  }

  /** Puts a contact in a group or takes it out (a membership pair, last writer wins). */
  async setMember(tenantId: string, key: ApiKeyRef, group: string, contact: string, member: boolean): Promise<WriteResult> {
    const pid = pairId(group, contact);
    const states = await readStates(this.deps.db, tenantId, [
      { entity: 'group', id: group },
      { entity: 'contact', id: contact },
      { entity: 'membership', id: pid },
    ]);
    const g = states.get(keyOf('group', group));
    if (!isLive(g)) return notFound('group', `No group ${group}`);
    if (!isLive(states.get(keyOf('contact', contact)))) return notFound('contact', `No contact ${contact}`);
    const pair = states.get(keyOf('membership', pid));
    if (present(pair) === member) return { ok: true, status: 'unchanged', id: contact };
    const name = valuesOf(g).name;
    await this.commit(
      tenantId,
      key,
      contact,
      { change: member ? 'member-added' : 'member-removed', group: typeof name === 'string' ? name : group },
      [{ entity: 'membership', id: pid, kind: 'put', fields: { present: member } }],
      [g, ...(pair ? [pair] : [])],
    );
    return { ok: true, status: 'updated', id: contact };
  }

  /** The uid of an external id's contact: a live contact carrying it, else the first unused derived uid. */
  private async uidOf(tenantId: string, externalId: string): Promise<string> {
    const known = (await contactsByExternalId(this.deps.db, tenantId, [externalId])).get(externalId);
    if (known) return known;
    const candidates = Array.from({ length: GENERATIONS }, (_, g) => contactUidFor(tenantId, externalId, g));
    const states = await readStates(
      this.deps.db,
      tenantId,
      candidates.map((id) => ({ entity: 'contact', id })),
    );
    return candidates.find((id) => !states.has(keyOf('contact', id))) ?? candidates.at(-1)!;
  }

  private async write(
    tenantId: string,
    key: ApiKeyRef,
    id: string,
    input: unknown,
    o: { externalId: string | null; mustExist: boolean },
  ): Promise<WriteResult> {
    const split = inputWithoutGroups.safeParse(input ?? {});
    if (!split.success) return { ok: false, status: 400, code: 'validation', issues: fieldIssues(split.error) };
    const { groups: wanted = [], ...fields } = split.data;
    const strict = apiContactInputSchema.safeParse(input ?? {});
    const groupIssues = strict.success ? [] : fieldIssues(strict.error).filter((i) => i.path.startsWith('groups'));
    const states = await readStates(this.deps.db, tenantId, [
      { entity: 'contact', id },
      ...wanted.map((g) => ({ entity: 'group' as const, id: g })),
      ...wanted.map((g) => ({ entity: 'membership' as const, id: pairId(g, id) })),
    ]);
    const current = states.get(keyOf('contact', id));
    if (current?.deleted !== undefined || (o.mustExist && !current)) return notFound('id', `No contact ${id}`);
    const pairs = current ? await presentPairsOf(this.deps.db, tenantId, [id]) : { tags: [], memberships: [] };
    const tagStates = pairs.tags.filter((p) => p.id.startsWith(`${id}|`));
    const base = current ? recordOf(current, tagsOf(tagStates)) : undefined;
    const prepared = prepareContact(fields, base);
    const issues = [...groupIssues, ...(prepared.ok ? [] : prepared.issues)];
    wanted.forEach((g, i) => {
      if (!isLive(states.get(keyOf('group', g)))) issues.push({ path: `groups.${i}`, message: `No group ${g}` });
    });
    if (!prepared.ok || issues.length > 0) return { ok: false, status: 400, code: 'validation', issues };

    const record = prepared.record;
    // The external id stays with the contact whatever custom fields a write gives (they replace the whole set).
    const external = o.externalId ?? base?.customFields[EXTERNAL_ID_FIELD];
    if (typeof external === 'string') record.customFields = { ...record.customFields, [EXTERNAL_ID_FIELD]: external };
    const next = sharedFields(record);
    const before = current ? sharedFields(recordOf(current, [])) : null;
    const changedFields: Record<string, Json> = {};
    for (const name of contactSyncFields)
      if (!before || !(name in current!.fields) || !sameJson(before[name], next[name])) changedFields[name] = next[name];
    const drafts: Draft[] = [];
    const changed = Object.keys(changedFields);
    if (changed.length > 0) drafts.push({ entity: 'contact', id, kind: 'put', fields: changedFields });
    // Tags, when given, are the whole list (as on the desktop): added and removed as pairs.
    if ((fields as { tags?: unknown }).tags !== undefined) {
      const had = new Set(tagsOf(tagStates));
      const want = new Set(record.tags);
      for (const t of want)
        if (!had.has(t)) drafts.push({ entity: 'contactTag', id: pairId(id, t), kind: 'put', fields: { present: true } });
      for (const t of had)
        if (!want.has(t)) drafts.push({ entity: 'contactTag', id: pairId(id, t), kind: 'put', fields: { present: false } });
      if (drafts.some((d) => d.entity === 'contactTag')) changed.push('tags');
    }
    const joined = [...new Set(wanted)].filter((g) => !present(states.get(keyOf('membership', pairId(g, id)))));
    for (const g of joined) drafts.push({ entity: 'membership', id: pairId(g, id), kind: 'put', fields: { present: true } });
    if (joined.length > 0) changed.push('groups');
    if (drafts.length === 0) return { ok: true, status: 'unchanged', id };
    const status: WriteStatus = current ? 'updated' : 'created';
    await this.commit(tenantId, key, id, { change: status, fields: changed.join(' ') }, drafts, [
      ...(current ? [current] : []),
      ...tagStates,
      ...states.values(),
    ]);
    return { ok: true, status, id };
  }

  /**
   * Audits the write under the key's name and pushes its operations, numbered from the audit
   * entry's id and stamped past every state they change.
   */
  private async commit(
    tenantId: string,
    key: ApiKeyRef,
    subject: string | null,
    detail: Record<string, string>,
    drafts: readonly Draft[],
    seen: readonly EntityState[],
  ): Promise<void> {
    if (drafts.length > OPS_PER_WRITE) throw new Error(`one write makes at most ${OPS_PER_WRITE} operations`);
    const clock = new HybridClock();
    for (const s of seen) {
      for (const f of Object.values(s.fields)) clock.observe(f.s.slice(0, f.s.indexOf('@')));
      if (s.deleted) clock.observe(s.deleted.slice(0, s.deleted.indexOf('@')));
    }
    await this.deps.auth.auditAround(
      tenantId,
      { actorUsername: key.name, action: 'api-contact-written', subject, detail: { name: key.name, keyId: key.id, ...detail } },
      async (entry: AuthAuditEntry) => {
        const ops: SyncOp[] = drafts.map((d, i) => ({
          ...d,
          device: API_SYNC_DEVICE,
          counter: entry.id * OPS_PER_WRITE + i + 1,
          hlc: clock.tick(),
        }));
        const result = await pushSyncOps(this.deps, tenantId, API_SYNC_DEVICE, ops);
        if (result.rejected.length > 0) throw new Error(`the relay refused its own operations: ${JSON.stringify(result.rejected)}`);
      },
    );
  }
}
