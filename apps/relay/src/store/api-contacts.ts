// The address book as the REST API reads it: contacts, groups and their pairs (a tag on a
// contact, a contact in a group) from the organisation's merged sync states (sync_entities),
// under the tenant's row-level security. Writes go through organisation sync like a
// desktop's (ingest/api-contacts.ts), never straight into these rows.
import type { EntityState } from '@gdial/protocol';
import type { RelayDb } from './db';
import type { EntityKey } from './sync';

const parse = (x: EntityState | string): EntityState => (typeof x === 'string' ? (JSON.parse(x) as EntityState) : x);

/** The current states of these entities (absent ones are not in the map), keyed "<entity>\0<id>". */
export async function readStates(db: RelayDb, tenantId: string, keys: readonly EntityKey[]): Promise<Map<string, EntityState>> {
  if (keys.length === 0) return new Map();
  const rows = await db.withTenant(tenantId, (q) =>
    q.query<{ state: EntityState | string }>(
      `SELECT s.state FROM sync_entities s
         JOIN unnest($2::text[], $3::text[]) AS k(entity, entity_id) ON s.entity = k.entity AND s.entity_id = k.entity_id
        WHERE s.tenant_id = $1`,
      [tenantId, keys.map((k) => k.entity), keys.map((k) => k.id)],
    ),
  );
  return new Map(rows.map((r) => parse(r.state)).map((s) => [`${s.entity}\u0000${s.id}`, s]));
}

/** The live (not deleted) contacts carrying these external ids in their custom fields: external id → uid. */
export async function contactsByExternalId(db: RelayDb, tenantId: string, externalIds: readonly string[]): Promise<Map<string, string>> {
  if (externalIds.length === 0) return new Map();
  const rows = await db.withTenant(tenantId, (q) =>
    q.query<{ entity_id: string; external_id: string }>(
      `SELECT entity_id, state->'fields'->'customFields'->'v'->>'externalId' AS external_id FROM sync_entities
        WHERE tenant_id = $1 AND entity = 'contact' AND NOT (state ? 'deleted')
          AND state->'fields'->'customFields'->'v'->>'externalId' = ANY($2::text[])
        ORDER BY entity_id`,
      [tenantId, [...externalIds]],
    ),
  );
  const found = new Map<string, string>();
  for (const r of rows) if (!found.has(r.external_id)) found.set(r.external_id, r.entity_id);
  return found;
}

export interface ContactFilter {
  /** Only contacts with an id after this one (the previous page's last). */
  after?: string | undefined;
  limit: number;
  /** Only contacts with a field stamped at or after this HLC (fixed width, so text order is time order). */
  changedSinceHlc?: string | undefined;
  externalId?: string | undefined;
  /** Only members of this group (uid). */
  group?: string | undefined;
}

/** One page of live contacts in uid order. */
export async function listContactStates(db: RelayDb, tenantId: string, f: ContactFilter): Promise<EntityState[]> {
  const rows = await db.withTenant(tenantId, (q) =>
    q.query<{ state: EntityState | string }>(
      `SELECT s.state FROM sync_entities s
        WHERE s.tenant_id = $1 AND s.entity = 'contact' AND NOT (s.state ? 'deleted') AND s.entity_id > $2
          AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM jsonb_each(s.state->'fields') f WHERE f.value->>'s' >= $3))
          AND ($4::text IS NULL OR s.state->'fields'->'customFields'->'v'->>'externalId' = $4)
          AND ($5::text IS NULL OR EXISTS (
                SELECT 1 FROM sync_entities m
                 WHERE m.tenant_id = $1 AND m.entity = 'membership' AND m.entity_id = $5 || '|' || s.entity_id
                   AND (m.state->'fields'->'present'->>'v')::boolean))
        ORDER BY s.entity_id LIMIT $6`,
      [tenantId, f.after ?? '', f.changedSinceHlc ?? null, f.externalId ?? null, f.group ?? null, f.limit],
    ),
  );
  return rows.map((r) => parse(r.state));
}

/**
 * The pairs naming these contacts that are present: memberships ("<group>|<contact>") and
 * tags ("<contact>|<tag>").
 */
export async function presentPairsOf(
  db: RelayDb,
  tenantId: string,
  contacts: readonly string[],
): Promise<{ memberships: EntityState[]; tags: EntityState[] }> {
  if (contacts.length === 0) return { memberships: [], tags: [] };
  const rows = await db.withTenant(tenantId, (q) =>
    q.query<{ state: EntityState | string }>(
      `SELECT state FROM sync_entities
        WHERE tenant_id = $1 AND (state->'fields'->'present'->>'v')::boolean
          AND ((entity = 'membership' AND split_part(entity_id, '|', 2) = ANY($2::text[]))
            OR (entity = 'contactTag' AND split_part(entity_id, '|', 1) = ANY($2::text[])))
        ORDER BY entity, entity_id`,
      [tenantId, [...contacts]],
    ),
  );
  const states = rows.map((r) => parse(r.state));
  return { memberships: states.filter((s) => s.entity === 'membership'), tags: states.filter((s) => s.entity === 'contactTag') };
}

/** The organisation's live groups in uid order. */
export async function listGroupStates(db: RelayDb, tenantId: string): Promise<EntityState[]> {
  const rows = await db.withTenant(tenantId, (q) =>
    q.query<{ state: EntityState | string }>(
      `SELECT state FROM sync_entities WHERE tenant_id = $1 AND entity = 'group' AND NOT (state ? 'deleted') ORDER BY entity_id`,
      [tenantId],
    ),
  );
  return rows.map((r) => parse(r.state));
}
