// Organisation sync's tables: the outbox of operations made here, the merged state of each
// shared entity, the organisation-wide id of each local row, and the replica's own values.
// Rows of shared tables are read for sync by the codecs (src/sync/codecs) through the
// domain stores; this module holds only the sync tables' SQL.
import { coalesceOps, type EntityState, type SyncEntity, type SyncOp } from '@gdial/protocol';
import type { Reader, Tx } from './db';

// ── meta ──

export const readSyncMeta = (r: Reader, key: string): string | null =>
  r.statements.pluck<[string], string>('SELECT value FROM sync_meta WHERE key = ?').get(key) ?? null;

export function writeSyncMeta(tx: Tx, key: string, value: string | null): void {
  if (value === null) tx.statements.get('DELETE FROM sync_meta WHERE key = ?').run(key);
  else
    tx.statements
      .get('INSERT INTO sync_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
      .run(key, value);
}

// ── ids ──

export const uidOf = (r: Reader, entity: SyncEntity, localId: number): string | null =>
  r.statements.pluck<[string, number], string>('SELECT uid FROM sync_ids WHERE entity = ? AND local_id = ?').get(entity, localId) ?? null;

export const localIdOf = (r: Reader, entity: SyncEntity, uid: string): number | null =>
  r.statements.pluck<[string, string], number>('SELECT local_id FROM sync_ids WHERE entity = ? AND uid = ?').get(entity, uid) ?? null;

export function bindUid(tx: Tx, entity: SyncEntity, uid: string, localId: number): void {
  tx.statements
    .get('INSERT INTO sync_ids (entity, uid, local_id) VALUES (?, ?, ?) ON CONFLICT (entity, local_id) DO UPDATE SET uid = excluded.uid')
    .run(entity, uid, localId);
}

export function unbindUid(tx: Tx, entity: SyncEntity, uid: string): void {
  tx.statements.get('DELETE FROM sync_ids WHERE entity = ? AND uid = ?').run(entity, uid);
}

// ── state ──

export function readState(r: Reader, entity: SyncEntity, id: string): EntityState | undefined {
  const json = r.statements
    .pluck<[string, string], string>('SELECT state FROM sync_state WHERE entity = ? AND entity_id = ?')
    .get(entity, id);
  return json === undefined ? undefined : (JSON.parse(json) as EntityState);
}

export function writeState(tx: Tx, state: EntityState): void {
  tx.statements
    .get(
      'INSERT INTO sync_state (entity, entity_id, state) VALUES (?, ?, ?) ON CONFLICT (entity, entity_id) DO UPDATE SET state = excluded.state',
    )
    .run(state.entity, state.id, JSON.stringify(state));
}

/** One page of the merged states, in entity order then id, after the given key (re-pushing them into a new epoch). */
export function statesAfter(r: Reader, after: { entity: string; id: string } | null, limit: number): EntityState[] {
  return r.statements
    .pluck<[string, string, number], string>(
      'SELECT state FROM sync_state WHERE (entity, entity_id) > (?, ?) ORDER BY entity, entity_id LIMIT ?',
    )
    .all(after?.entity ?? '', after?.id ?? '', limit)
    .map((s) => JSON.parse(s) as EntityState);
}

/** Every merged state, in entity order then id (what a desktop compares with another's). */
export function everyState(r: Reader): EntityState[] {
  return r.statements
    .pluck<[], string>('SELECT state FROM sync_state ORDER BY entity, entity_id')
    .all()
    .map((s) => JSON.parse(s) as EntityState);
}

// ── outbox ──

export function enqueueOp(tx: Tx, op: SyncOp): void {
  tx.statements
    .get('INSERT INTO sync_outbox (counter, entity, entity_id, op) VALUES (?, ?, ?, ?)')
    .run(op.counter, op.entity, op.id, JSON.stringify(op));
}

export function pendingOps(r: Reader, limit: number): SyncOp[] {
  return r.statements
    .pluck<[number], string>('SELECT op FROM sync_outbox ORDER BY counter LIMIT ?')
    .all(limit)
    .map((s) => JSON.parse(s) as SyncOp);
}

/** At most this many never-sent operations are looked at for merging before one push. */
const COALESCE_WINDOW = 5_000;

/**
 * The next batch to push. First each entity's never-sent operations are merged into one where
 * the conflict rules allow (`coalesceOps`): a merged operation takes its first one's row, the
 * ones folded into it leave the outbox. Then the batch is marked sent (`sentThrough`), in the
 * same transaction: an operation that may have reached the relay is never rewritten, since the
 * relay takes a counter it already holds as applied and would drop what was folded into it.
 */
export function nextPushBatch(tx: Tx, limit: number): { ops: SyncOp[]; folded: number } {
  const sent = Number(readSyncMeta(tx, 'sentThrough') ?? '0');
  const unsent = tx.statements
    .pluck<[number, number], string>('SELECT op FROM sync_outbox WHERE counter > ? ORDER BY counter LIMIT ?')
    .all(sent, COALESCE_WINDOW)
    .map((s) => JSON.parse(s) as SyncOp);
  const merged = coalesceOps(unsent);
  const rewrite = tx.statements.get('UPDATE sync_outbox SET op = ? WHERE counter = ?');
  for (const op of merged.rewritten) rewrite.run(JSON.stringify(op), op.counter);
  const drop = tx.statements.get('DELETE FROM sync_outbox WHERE counter = ?');
  for (const counter of merged.folded) drop.run(counter);
  const ops = pendingOps(tx, limit);
  if (ops.length > 0 && ops.at(-1)!.counter > sent) writeSyncMeta(tx, 'sentThrough', String(ops.at(-1)!.counter));
  return { ops, folded: merged.folded.length };
}

export const pendingCount = (r: Reader): number => r.statements.pluck<[], number>('SELECT count(*) FROM sync_outbox').get() ?? 0;

export function ackOps(tx: Tx, through: number): number {
  return tx.statements.get('DELETE FROM sync_outbox WHERE counter <= ?').run(through).changes;
}

/**
 * Removes the queued operations about an erased entity (their fields hold the person's data)
 * and returns their counters: the relay is told by a placeholder at each counter, so the
 * device's counters stay gap-free.
 */
export function scrubQueued(tx: Tx, entity: SyncEntity, id: string): number[] {
  return tx.statements
    .pluck<[string, string], number>(
      "UPDATE sync_outbox SET op = json_remove(op, '$.fields') WHERE entity = ? AND entity_id = ? RETURNING counter",
    )
    .all(entity, id);
}

// ── erasure marks ──

const erasures = new WeakMap<Tx, Set<string>>();

/**
 * Marks a contact deleted in this transaction as erased (GDPR), so organisation sync sends an
 * erasure, which wins over every edit and removes the person from every desktop, instead of a delete.
 */
export function markErased(tx: Tx, entity: 'contact', localId: number): void {
  const uid = uidOf(tx, entity, localId);
  if (uid === null) return;
  let marks = erasures.get(tx);
  if (!marks) erasures.set(tx, (marks = new Set()));
  marks.add(`${entity}:${uid}`);
}

export const erasedIn = (tx: Tx): ReadonlySet<string> => erasures.get(tx) ?? new Set();

/** Drops every queued operation (this desktop joins under another device id and seeds again). */
export function clearOutbox(tx: Tx): void {
  tx.statements.get('DELETE FROM sync_outbox').run();
  writeSyncMeta(tx, 'sentThrough', null);
}
