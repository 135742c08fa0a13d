// Organisation sync's SQL: the merged state of each shared entity (sync_entities), read for
// snapshots and updated by pushes, and the scrubbing of logged operations after a delete or
// an erasure. Every statement runs as the application role with the tenant set, so
// row-level security keeps organisations apart whatever an operation names.
import type { EntityState } from '@gdial/protocol';
import type { RelayDb, SqlExecutor } from './db';

export interface EntityKey {
  entity: string;
  id: string;
}

/**
 * Runs `merge` over the current states of these entities (locked until commit, in key order
 * so concurrent pushes cannot deadlock) and stores the states it returns.
 */
export async function mergeEntities(
  db: RelayDb,
  tenantId: string,
  keys: readonly EntityKey[],
  merge: (current: ReadonlyMap<string, EntityState>) => EntityState[],
): Promise<EntityState[]> {
  const sorted = [...new Map(keys.map((k) => [`${k.entity}\u0000${k.id}`, k])).values()].sort((a, b) =>
    a.entity === b.entity ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.entity < b.entity ? -1 : 1,
  );
  return db.withTenant(tenantId, async (q) => {
    const rows = await q.query<{ state: EntityState | string }>(
      `SELECT s.state FROM sync_entities s
         JOIN unnest($2::text[], $3::text[]) AS k(entity, entity_id) ON s.entity = k.entity AND s.entity_id = k.entity_id
        WHERE s.tenant_id = $1
        ORDER BY s.entity, s.entity_id
          FOR UPDATE OF s`,
      [tenantId, sorted.map((k) => k.entity), sorted.map((k) => k.id)],
    );
    const current = new Map<string, EntityState>();
    for (const r of rows) {
      const s = typeof r.state === 'string' ? (JSON.parse(r.state) as EntityState) : r.state;
      current.set(`${s.entity}\u0000${s.id}`, s);
    }
    const changed = merge(current);
    if (changed.length > 0) await storeStates(q, tenantId, changed);
    return changed;
  });
}

async function storeStates(q: SqlExecutor, tenantId: string, states: readonly EntityState[]): Promise<void> {
  await q.query(
    `INSERT INTO sync_entities (tenant_id, entity, entity_id, state, seq)
     SELECT $1, e, i, s, (SELECT last_seq FROM event_counters WHERE tenant_id = $1)
       FROM unnest($2::text[], $3::text[], $4::jsonb[]) AS x(e, i, s)
     ON CONFLICT (tenant_id, entity, entity_id) DO UPDATE SET state = excluded.state, seq = excluded.seq`,
    [tenantId, states.map((s) => s.entity), states.map((s) => s.id), states.map((s) => JSON.stringify(s))],
  );
}

/**
 * Removes the fields of every logged operation about an entity that is now deleted or erased:
 * replaying the log gives the same tombstone, and no personal data stays behind in it.
 */
export async function scrubLoggedOps(db: RelayDb, tenantId: string, keys: readonly EntityKey[]): Promise<number> {
  if (keys.length === 0) return 0;
  const rows = await db.withTenant(tenantId, (q) =>
    q.query(
      `UPDATE events e SET payload = e.payload #- '{op,fields}'
         FROM unnest($2::text[], $3::text[]) AS k(entity, entity_id)
        WHERE e.tenant_id = $1 AND e.kind = 'sync'
          AND (e.payload->'op'->>'entity') = k.entity AND (e.payload->'op'->>'id') = k.entity_id
          AND e.payload->'op' ? 'fields'
       RETURNING e.seq`,
      [tenantId, keys.map((k) => k.entity), keys.map((k) => k.id)],
    ),
  );
  return rows.length;
}

export interface SnapshotPage {
  seq: number;
  epoch: string;
  states: EntityState[];
  next: string | undefined;
  total: number;
}

/**
 * One page of the organisation's state: kind by kind in `order` (what others refer to first),
 * each kind by id, on the primary key. `after` is the previous page's cursor ("<kind index>|<id>").
 */
export async function readSnapshotPage(
  db: RelayDb,
  tenantId: string,
  order: readonly string[],
  after: string | undefined,
  limit: number,
): Promise<SnapshotPage> {
  let [kind, afterId] = after ? splitCursor(after) : [0, ''];
  return db.withTenant(tenantId, async (q) => {
    const [head] = await q.query<{ last_seq: string | number; epoch: string; total: string | number }>(
      `SELECT c.last_seq, t.sync_epoch AS epoch, (SELECT count(*) FROM sync_entities WHERE tenant_id = $1) AS total
         FROM event_counters c JOIN tenants t ON t.id = c.tenant_id WHERE c.tenant_id = $1`,
      [tenantId],
    );
    const states: EntityState[] = [];
    let next: string | undefined;
    while (kind < order.length) {
      const want = limit - states.length;
      const rows = await q.query<{ entity_id: string; state: EntityState | string }>(
        `SELECT entity_id, state FROM sync_entities WHERE tenant_id = $1 AND entity = $2 AND entity_id > $3 ORDER BY entity_id LIMIT $4`,
        [tenantId, order[kind], afterId, want],
      );
      for (const r of rows) states.push(typeof r.state === 'string' ? (JSON.parse(r.state) as EntityState) : r.state);
      if (rows.length === want) {
        next = `${kind}|${rows.at(-1)!.entity_id}`;
        break;
      }
      kind++;
      afterId = '';
    }
    return { seq: Number(head?.last_seq ?? 0), epoch: head?.epoch ?? '', states, next, total: Number(head?.total ?? 0) };
  });
}

function splitCursor(cursor: string): [number, string] {
  const at = cursor.indexOf('|');
  const kind = Number(cursor.slice(0, at));
  if (at < 0 || !Number.isInteger(kind) || kind < 0) throw new RangeError('not a snapshot cursor');
  return [kind, cursor.slice(at + 1)];
}

/** Gives the tenant a new sync epoch (after restoring the database from a backup). */
export async function newSyncEpoch(db: RelayDb, tenantId: string): Promise<string> {
  const [row] = await db.asOwner((q) =>
    q.query<{ sync_epoch: string }>('UPDATE tenants SET sync_epoch = gen_random_uuid() WHERE id = $1 RETURNING sync_epoch', [tenantId]),
  );
  if (!row) throw new Error(`no tenant ${tenantId}`);
  return row.sync_epoch;
}

/** The tenant's current sync epoch. */
export async function syncEpoch(db: RelayDb, tenantId: string): Promise<string> {
  const [row] = await db.appQuery<{ sync_epoch: string }>('SELECT sync_epoch FROM tenants WHERE id = $1', [tenantId]);
  return row?.sync_epoch ?? '';
}
