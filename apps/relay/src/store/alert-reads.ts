// What the REST API reads of an organisation's alerts from their synced states
// (sync_entities): an alert, its recipients (by page or all) and its deliveries, and the
// prepared alerts a request names. Read as the application role with the tenant set.
import type { EntityState } from '@gdial/protocol';
import type { RelayDb } from './db';
import { alertState, recipientCounts } from './webhooks-out';

const parse = (s: EntityState | string): EntityState => (typeof s === 'string' ? (JSON.parse(s) as EntityState) : s);

export interface DeliveryFacts {
  recipient: string | null;
  channel: string | null;
  state: string | null;
}

export async function readAlert(
  db: RelayDb,
  tenantId: string,
  alertId: string,
): Promise<{
  state: EntityState | undefined;
  people: { recipients: number; confirmed: number; reached: number };
  deliveries: Record<string, number>;
}> {
  return db.withTenant(tenantId, async (q) => {
    const state = await alertState(q, tenantId, alertId);
    const people = await recipientCounts(q, tenantId, alertId);
    const rows = await q.query<{ state: string | null; n: string | number }>(
      `SELECT state->'fields'->'state'->>'v' AS state, count(*) AS n
         FROM sync_entities
        WHERE tenant_id = $1 AND entity = 'delivery' AND starts_with(entity_id, $2) AND NOT (state ? 'deleted')
        GROUP BY 1`,
      [tenantId, `${alertId}/`],
    );
    return { state, people, deliveries: Object.fromEntries(rows.map((r) => [r.state ?? 'unknown', Number(r.n)])) };
  });
}

/** The alert's deliveries (of these recipients only, when named). */
export async function readDeliveries(
  db: RelayDb,
  tenantId: string,
  alertId: string,
  recipients?: readonly string[],
): Promise<DeliveryFacts[]> {
  return db.withTenant(tenantId, (q) =>
    q.query<DeliveryFacts>(
      `SELECT state->'fields'->'recipient'->>'v' AS recipient, state->'fields'->'channel'->>'v' AS channel,
              state->'fields'->'state'->>'v' AS state
         FROM sync_entities
        WHERE tenant_id = $1 AND entity = 'delivery' AND starts_with(entity_id, $2) AND NOT (state ? 'deleted')
          AND ($3::text[] IS NULL OR state->'fields'->'recipient'->>'v' = ANY($3::text[]))`,
      [tenantId, `${alertId}/`, recipients ?? null],
    ),
  );
}

/** The alert's recipients in id order after `after` (all of them when `limit` is null). */
export async function readRecipients(
  db: RelayDb,
  tenantId: string,
  alertId: string,
  after: string | undefined,
  limit: number | null,
): Promise<{ id: string; state: EntityState }[]> {
  const rows = await db.withTenant(tenantId, (q) =>
    q.query<{ entity_id: string; state: EntityState | string }>(
      `SELECT entity_id, state FROM sync_entities
        WHERE tenant_id = $1 AND entity = 'recipient' AND starts_with(entity_id, $2) AND NOT (state ? 'deleted')
          AND ($3::text IS NULL OR entity_id > $3)
        ORDER BY entity_id LIMIT $4`,
      [tenantId, `${alertId}/`, after ?? null, limit],
    ),
  );
  return rows.map((r) => ({ id: r.entity_id, state: parse(r.state) }));
}

/** The organisation's prepared alerts whose id or name is `ref`. */
export async function preparedAlertsNamed(db: RelayDb, tenantId: string, ref: string): Promise<{ id: string; state: EntityState }[]> {
  const rows = await db.withTenant(tenantId, (q) =>
    q.query<{ entity_id: string; state: EntityState | string }>(
      `SELECT entity_id, state FROM sync_entities
        WHERE tenant_id = $1 AND entity = 'preparedAlert' AND NOT (state ? 'deleted')
          AND (entity_id = $2 OR state->'fields'->'preparedAlert'->'v'->>'name' = $2)`,
      [tenantId, ref],
    ),
  );
  return rows.map((r) => ({ id: r.entity_id, state: parse(r.state) }));
}
