// Organisation sync's SQL: the merged state of each shared entity (sync_entities), read for
// snapshots and updated by pushes, and the scrubbing of logged operations after a delete or
// an erasure. Every statement runs as the application role with the tenant set, so
// row-level security keeps organisations apart whatever an operation names.
import { scrubPersonFields, scrubPersonState, type EntityState, type RelayEvent } from '@gdial/protocol';
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
  /** Runs first in the same transaction (the lease check of an alert's operations). */
  before?: (q: SqlExecutor) => Promise<void>,
  /** Runs last in the same transaction with the changed states and those before them (outgoing webhooks' events). */
  after?: (q: SqlExecutor, changed: readonly EntityState[], current: ReadonlyMap<string, EntityState>) => Promise<void>,
): Promise<EntityState[]> {
  const sorted = [...new Map(keys.map((k) => [`${k.entity}\u0000${k.id}`, k])).values()].sort((a, b) =>
    a.entity === b.entity ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.entity < b.entity ? -1 : 1,
  );
  return db.withTenant(tenantId, async (q) => {
    if (before) await before(q);
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
    if (after && changed.length > 0) await after(q, changed, current);
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
  // Operations lose their fields; a re-pushed state (after a restore) keeps none either.
  const rows = await db.withTenant(tenantId, async (q) => [
    ...(await q.query(
      `UPDATE events e SET payload = e.payload #- '{op,fields}'
         FROM unnest($2::text[], $3::text[]) AS k(entity, entity_id)
        WHERE e.tenant_id = $1 AND e.kind = 'sync'
          AND (e.payload->'op'->>'entity') = k.entity AND (e.payload->'op'->>'id') = k.entity_id
          AND e.payload->'op' ? 'fields'
       RETURNING e.seq`,
      [tenantId, keys.map((k) => k.entity), keys.map((k) => k.id)],
    )),
    ...(await q.query(
      `UPDATE events e SET payload = jsonb_set(e.payload, '{state,fields}', '{}'::jsonb)
         FROM unnest($2::text[], $3::text[]) AS k(entity, entity_id)
        WHERE e.tenant_id = $1 AND e.kind = 'sync' AND e.payload->>'type' = 'sync-state'
          AND (e.payload->'state'->>'entity') = k.entity AND (e.payload->'state'->>'id') = k.entity_id
          AND e.payload->'state'->'fields' <> '{}'::jsonb
       RETURNING e.seq`,
      [tenantId, keys.map((k) => k.entity), keys.map((k) => k.id)],
    )),
  ]);
  return rows.length;
}

/**
 * GDPR: erased contacts leave the alerts that named them. The recipients whose contact is one
 * of `contacts` and their deliveries keep outcome and statuses but lose name, address and the
 * timeline's details, in their merged state (each field keeping its stamp) and in every logged
 * operation or re-pushed state about them; desktops do the same when the erasure reaches them
 * (engine: store/alert-erasure.ts). Returns how many entities were scrubbed.
 */
export async function scrubErasedPeople(db: RelayDb, tenantId: string, contacts: readonly string[]): Promise<number> {
  if (contacts.length === 0) return 0;
  return db.withTenant(tenantId, async (q) => {
    const parse = (x: EntityState | string): EntityState => (typeof x === 'string' ? (JSON.parse(x) as EntityState) : x);
    const recipients = await q.query<{ entity_id: string; state: EntityState | string }>(
      `SELECT entity_id, state FROM sync_entities
        WHERE tenant_id = $1 AND entity = 'recipient' AND state->'fields'->'contact'->>'v' = ANY($2::text[])
        ORDER BY entity_id FOR UPDATE`,
      [tenantId, contacts],
    );
    if (recipients.length === 0) return 0;
    const deliveries = await q.query<{ entity_id: string; state: EntityState | string }>(
      `SELECT entity_id, state FROM sync_entities
        WHERE tenant_id = $1 AND entity = 'delivery' AND state->'fields'->'recipient'->>'v' = ANY($2::text[])
        ORDER BY entity_id FOR UPDATE`,
      [tenantId, recipients.map((r) => r.entity_id)],
    );
    const states = [...recipients, ...deliveries].map((r) => scrubPersonState(parse(r.state)));
    await storeStates(q, tenantId, states);
    const keys = states.map((x) => ({ entity: x.entity, id: x.id }));
    const logged = await q.query<{ seq: string | number; payload: RelayEvent | string }>(
      `SELECT e.seq, e.payload FROM events e
         JOIN unnest($2::text[], $3::text[]) AS k(entity, entity_id)
           ON (e.payload->'op'->>'entity' = k.entity AND e.payload->'op'->>'id' = k.entity_id)
           OR (e.payload->'state'->>'entity' = k.entity AND e.payload->'state'->>'id' = k.entity_id)
        WHERE e.tenant_id = $1 AND e.kind = 'sync'`,
      [tenantId, keys.map((k) => k.entity), keys.map((k) => k.id)],
    );
    for (const row of logged) {
      const event = typeof row.payload === 'string' ? (JSON.parse(row.payload) as RelayEvent) : row.payload;
      const scrubbed: RelayEvent | null =
        event.type === 'sync' && event.op.fields
          ? { ...event, op: { ...event.op, fields: scrubPersonFields(event.op.entity, event.op.fields) } }
          : event.type === 'sync-state'
            ? { ...event, state: scrubPersonState(event.state) }
            : null;
      if (scrubbed)
        await q.query('UPDATE events SET payload = $3 WHERE tenant_id = $1 AND seq = $2', [tenantId, row.seq, JSON.stringify(scrubbed)]);
    }
    return states.length;
  });
}

export interface SnapshotPage {
  seq: number;
  epoch: string;
  /** Each state's JSON text as Postgres renders it: the route writes them into its answer as they are. */
  states: string[];
  next: string | undefined;
  /** How many entities the organisation has: on the first page only. */
  total?: number;
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
    // The organisation's size (for the desktop's progress bar) is counted once, on the first
    // page: counting every entity for every page made a large snapshot quadratic.
    const [head] = await q.query<{ last_seq: string | number; epoch: string; total: string | number | null }>(
      `SELECT c.last_seq, t.sync_epoch AS epoch,
              CASE WHEN $2 THEN (SELECT count(*) FROM sync_entities WHERE tenant_id = $1) END AS total
         FROM event_counters c JOIN tenants t ON t.id = c.tenant_id WHERE c.tenant_id = $1`,
      [tenantId, after === undefined],
    );
    const states: string[] = [];
    let next: string | undefined;
    while (kind < order.length) {
      const want = limit - states.length;
      // As text: parsing every state here only to serialise it again for the answer doubled the relay's work.
      const rows = await q.query<{ entity_id: string; state: string }>(
        `SELECT entity_id, state::text AS state FROM sync_entities WHERE tenant_id = $1 AND entity = $2 AND entity_id > $3 ORDER BY entity_id LIMIT $4`,
        [tenantId, order[kind], afterId, want],
      );
      for (const r of rows) states.push(r.state);
      if (rows.length === want) {
        next = `${kind}|${rows.at(-1)!.entity_id}`;
        break;
      }
      kind++;
      afterId = '';
    }
    const page: SnapshotPage = { seq: Number(head?.last_seq ?? 0), epoch: head?.epoch ?? '', states, next };
    if (after === undefined) page.total = Number(head?.total ?? 0);
    return page;
  });
}

function splitCursor(cursor: string): [number, string] {
  const at = cursor.indexOf('|');
  const kind = Number(cursor.slice(0, at));
  if (at < 0 || !Number.isInteger(kind) || kind < 0) throw new RangeError('not a snapshot cursor');
  return [kind, cursor.slice(at + 1)];
}

export interface SyncEpoch {
  id: string;
  /** The log's last sequence when the epoch began: what every desktop shares with the restored log. */
  seq: number;
}

/**
 * Gives the tenant a new sync epoch (after restoring the database from a backup, before the
 * relay takes traffic again) and records where the restored log ends.
 */
export async function newSyncEpoch(db: RelayDb, tenantId: string): Promise<SyncEpoch> {
  const [row] = await db.asOwner((q) =>
    q.query<{ sync_epoch: string; sync_epoch_seq: string | number }>(
      `UPDATE tenants SET sync_epoch = gen_random_uuid(),
              sync_epoch_seq = coalesce((SELECT last_seq FROM event_counters WHERE tenant_id = $1), 0)
        WHERE id = $1 RETURNING sync_epoch, sync_epoch_seq`,
      [tenantId],
    ),
  );
  if (!row) throw new Error(`no tenant ${tenantId}`);
  return { id: row.sync_epoch, seq: Number(row.sync_epoch_seq) };
}

/** The tenant's current sync epoch. */
export async function syncEpoch(db: RelayDb, tenantId: string): Promise<SyncEpoch> {
  const [row] = await db.appQuery<{ sync_epoch: string; sync_epoch_seq: string | number }>(
    'SELECT sync_epoch, sync_epoch_seq FROM tenants WHERE id = $1',
    [tenantId],
  );
  return { id: row?.sync_epoch ?? '', seq: Number(row?.sync_epoch_seq ?? 0) };
}

// ── alert leases ──

export interface LeaseRow {
  alert: string;
  owner: string;
  ownerName: string;
  token: number;
  expiresAt: Date;
}

const LEASE_COLUMNS = `l.alert_id AS alert, l.owner_device AS owner, coalesce(d.name, l.owner_device) AS owner_name, l.token, l.expires_at`;
type LeaseSqlRow = { alert: string; owner: string; owner_name: string; token: string | number; expires_at: Date | string };
const toLease = (r: LeaseSqlRow): LeaseRow => ({
  alert: r.alert,
  owner: r.owner,
  ownerName: r.owner_name,
  token: Number(r.token),
  expiresAt: new Date(r.expires_at),
});

/**
 * The leases on these alerts, created for the pushing device (token 1) where an alert has
 * none yet: the desktop that made an alert dispatches it until someone takes it over.
 * Locked until the transaction ends, so a take-over cannot slip between the check and the
 * merge of a push.
 */
export async function leasesForPush(
  q: SqlExecutor,
  tenantId: string,
  deviceId: string,
  alerts: readonly string[],
  ttlMs: number,
): Promise<Map<string, LeaseRow>> {
  if (alerts.length === 0) return new Map();
  await q.query(
    `INSERT INTO sync_leases (tenant_id, alert_id, owner_device, token, expires_at)
     SELECT $1, a, $2, 1, now() + make_interval(secs => $4::double precision / 1000) FROM unnest($3::text[]) AS a
     ON CONFLICT (tenant_id, alert_id) DO NOTHING`,
    [tenantId, deviceId, [...alerts].sort(), ttlMs],
  );
  const rows = await q.query<LeaseSqlRow>(
    `SELECT ${LEASE_COLUMNS} FROM sync_leases l LEFT JOIN devices d ON d.id::text = l.owner_device
      WHERE l.tenant_id = $1 AND l.alert_id = ANY($2::text[]) ORDER BY l.alert_id FOR UPDATE OF l`,
    [tenantId, [...alerts]],
  );
  return new Map(rows.map((r) => [r.alert, toLease(r)]));
}

/** Extends the device's leases that it still holds under these tokens (creating a missing one at token 1). */
export async function renewLeases(
  db: RelayDb,
  tenantId: string,
  deviceId: string,
  leases: readonly { alert: string; token: number }[],
  ttlMs: number,
): Promise<(LeaseRow & { renewed: boolean })[]> {
  if (leases.length === 0) return [];
  return db.withTenant(tenantId, async (q) => {
    await leasesForPush(
      q,
      tenantId,
      deviceId,
      leases.filter((l) => l.token === 1).map((l) => l.alert),
      ttlMs,
    );
    const renewed = await q.query<{ alert: string }>(
      `UPDATE sync_leases l SET expires_at = now() + make_interval(secs => $5::double precision / 1000)
         FROM unnest($3::text[], $4::bigint[]) AS k(alert_id, token)
        WHERE l.tenant_id = $1 AND l.alert_id = k.alert_id AND l.token = k.token AND l.owner_device = $2
       RETURNING l.alert_id AS alert`,
      [tenantId, deviceId, leases.map((l) => l.alert), leases.map((l) => l.token), ttlMs],
    );
    const ok = new Set(renewed.map((r) => r.alert));
    const rows = await q.query<LeaseSqlRow>(
      `SELECT ${LEASE_COLUMNS} FROM sync_leases l LEFT JOIN devices d ON d.id::text = l.owner_device
        WHERE l.tenant_id = $1 AND l.alert_id = ANY($2::text[])`,
      [tenantId, leases.map((l) => l.alert)],
    );
    return rows.map((r) => ({ ...toLease(r), renewed: ok.has(r.alert) }));
  });
}

/**
 * Gives the device the lease on an alert when it has none, it has expired, or the device
 * already holds it: a greater token, so the former owner's later writes are refused.
 * Returns the lease as it stands and whether the device now holds it.
 */
export async function takeLease(
  db: RelayDb,
  tenantId: string,
  deviceId: string,
  alert: string,
  ttlMs: number,
): Promise<{ taken: boolean; lease: LeaseRow }> {
  return db.withTenant(tenantId, async (q) => {
    const taken = await q.query<{ alert: string }>(
      `INSERT INTO sync_leases AS l (tenant_id, alert_id, owner_device, token, expires_at)
       VALUES ($1, $3, $2, 1, now() + make_interval(secs => $4::double precision / 1000))
       ON CONFLICT (tenant_id, alert_id) DO UPDATE
          SET owner_device = excluded.owner_device, token = l.token + 1, expires_at = excluded.expires_at
        WHERE l.expires_at < now() OR l.owner_device = excluded.owner_device
       RETURNING l.alert_id AS alert`,
      [tenantId, deviceId, alert, ttlMs],
    );
    const [row] = await q.query<LeaseSqlRow>(
      `SELECT ${LEASE_COLUMNS} FROM sync_leases l LEFT JOIN devices d ON d.id::text = l.owner_device WHERE l.tenant_id = $1 AND l.alert_id = $2`,
      [tenantId, alert],
    );
    return { taken: taken.length > 0, lease: toLease(row!) };
  });
}

/** The organisation's leases on alerts whose owner renewed within `since` (older ones are history). */
export async function listLeases(db: RelayDb, tenantId: string, sinceMs: number): Promise<LeaseRow[]> {
  return db.withTenant(tenantId, async (q) => {
    const rows = await q.query<LeaseSqlRow>(
      `SELECT ${LEASE_COLUMNS} FROM sync_leases l LEFT JOIN devices d ON d.id::text = l.owner_device
        WHERE l.tenant_id = $1 AND l.expires_at > now() - make_interval(secs => $2::double precision / 1000) ORDER BY l.alert_id`,
      [tenantId, sinceMs],
    );
    return rows.map(toLease);
  });
}
