// The per-tenant event log: append (gap-free sequence assigned in the committing
// transaction, duplicates recognised by event key), read from a cursor, and prune past
// retention while remembering how far was pruned so a stale cursor is told to resync.
import type { RelayEvent, RelayLogEntry } from '@gdial/protocol';
import type { RelayDb } from './db';

export interface AppendItem {
  eventKey: string;
  kind: string;
  event: RelayEvent;
}

export interface AppendOutcome {
  eventKey: string;
  seq: number;
  duplicate: boolean;
}

/**
 * One statement, so one round trip: it runs in its own transaction, in which the function
 * sets the tenant for row-level security before touching any table. Prepared once per
 * connection (it is the relay's most frequent statement).
 */
export async function appendEvents(db: RelayDb, tenantId: string, items: readonly AppendItem[]): Promise<AppendOutcome[]> {
  const rows = await db.appQuery<{ out_key: string; out_seq: string | number; out_duplicate: boolean }>(
    'SELECT out_key, out_seq, out_duplicate FROM relay_append_events($1, $2::text[], $3::text[], $4::jsonb[], $5)',
    [tenantId, items.map((i) => i.eventKey), items.map((i) => i.kind), items.map((i) => storableJson(i.event)), db.channel],
    'relay_append_events',
  );
  return rows.map((r) => ({ eventKey: r.out_key, seq: Number(r.out_seq), duplicate: r.out_duplicate }));
}

/**
 * The event as JSON Postgres can store. jsonb holds neither the NUL character nor half of
 * a surrogate pair, and refusing an event for one would have the provider retry it for a
 * day; such a character (in an SMS body, say) becomes U+FFFD, the character that marks one
 * that could not be kept.
 */
export function storableJson(event: RelayEvent): string {
  const json = JSON.stringify(event);
  // JSON.stringify writes both as \u escapes, which ordinary payloads rarely hold: the
  // check is cheap, the rewrite rare.
  return json.includes('\\u') ? JSON.stringify(storable(event)) : json;
}

function storable(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) return value.map(storable);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [storableText(k), storable(v)]));
  return value;
}

const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const storableText = (text: string): string => text.replace(UNSTORABLE, '\uFFFD');

export async function readEvents(db: RelayDb, tenantId: string, afterSeq: number, limit: number): Promise<RelayLogEntry[]> {
  const rows = await db.withTenant(tenantId, (q) =>
    q.query<{ seq: string | number; payload: RelayEvent | string }>(
      'SELECT seq, payload FROM events WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
      [tenantId, afterSeq, limit],
    ),
  );
  return rows.map((r) => ({
    seq: Number(r.seq),
    event: typeof r.payload === 'string' ? (JSON.parse(r.payload) as RelayEvent) : r.payload,
  }));
}

export interface LogPosition {
  lastSeq: number;
  prunedThrough: number;
}

export async function logPosition(db: RelayDb, tenantId: string): Promise<LogPosition> {
  const [row] = await db.withTenant(tenantId, (q) =>
    q.query<{ last_seq: string | number; pruned_through: string | number }>(
      'SELECT last_seq, pruned_through FROM event_counters WHERE tenant_id = $1',
      [tenantId],
    ),
  );
  return { lastSeq: Number(row?.last_seq ?? 0), prunedThrough: Number(row?.pruned_through ?? 0) };
}

/**
 * Deletes a tenant's events received before `before`, in sequence order only (never leaving
 * holes), and records the highest deleted sequence. Locks the counter row like an append.
 */
export async function pruneEvents(db: RelayDb, tenantId: string, before: Date): Promise<number> {
  return db.withTenant(tenantId, async (q) => {
    await q.query('SELECT 1 FROM event_counters WHERE tenant_id = $1 FOR UPDATE', [tenantId]);
    // The oldest event still inside retention bounds what may go: everything below it.
    const [bound] = await q.query<{ upto: string | number | null }>(
      `SELECT COALESCE((SELECT min(seq) - 1 FROM events WHERE tenant_id = $1 AND received_at >= $2),
                       (SELECT max(seq) FROM events WHERE tenant_id = $1)) AS upto`,
      [tenantId, before],
    );
    const upto = Number(bound?.upto ?? 0);
    if (upto <= 0) return 0;
    const deleted = await q.query('DELETE FROM events WHERE tenant_id = $1 AND seq <= $2 RETURNING seq', [tenantId, upto]);
    await q.query('UPDATE event_counters SET pruned_through = GREATEST(pruned_through, $2) WHERE tenant_id = $1', [tenantId, upto]);
    return deleted.length;
  });
}
