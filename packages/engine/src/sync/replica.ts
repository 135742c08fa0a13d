// This desktop's replica of the organisation's shared data. It sits on the store's one seam:
// at the end of every local transaction (a `beforeCommit` hook) it turns the changed rows
// of shared tables into operations, written to the outbox in the same transaction, so a
// change and its operation commit together or not at all. Operations and snapshot states
// from other desktops are merged into the stored state and written back to the tables
// through the codecs, in transactions whose origin is not local, so they are not captured
// again.
//
// Capture compares each touched entity's fields with its last merged state and puts only
// the fields that differ, with a fresh HLC stamp: an operator's edit of a contact's role
// does not overwrite a colleague's concurrent edit of the same contact's phone numbers.
import type { EntityState, SyncEntity, SyncOp } from '@gdial/protocol';
import { HybridClock, alertScoped, mergeOp, mergeStates, sameJson, syncEntities } from '@gdial/protocol';
import type { RowChange, TrackedTable } from '../store/changes';
import type { Store, Tx } from '../store/db';
import { clearOutbox, enqueueOp, erasedIn, readState, readSyncMeta, scrubQueued, writeState, writeSyncMeta } from '../store/sync';
import type { EntityCodec, Fields } from './codec';

export class Replica {
  private readonly byEntity: ReadonlyMap<SyncEntity, EntityCodec>;
  private readonly clock: HybridClock;
  private deviceId: string | null;

  constructor(
    private readonly store: Store,
    private readonly codecs: readonly EntityCodec[],
    private readonly onWriteError: (err: unknown, state: EntityState) => void = (err) => {
      throw err;
    },
    now: () => number = Date.now,
  ) {
    this.byEntity = new Map(codecs.map((c) => [c.entity, c]));
    const missing = syncEntities.filter((e) => !this.byEntity.has(e));
    if (missing.length > 0) throw new Error(`no sync codec for ${missing.join(', ')}`);
    this.clock = new HybridClock(now, readSyncMeta(store.read, 'hlc') ?? undefined);
    this.deviceId = readSyncMeta(store.read, 'device');
    // Local changes are captured; so are an alert's changes that a provider event made (origin
    // relay) on the desktop that runs it: the others learn the roll-call from its operations
    // too, whichever arrives first.
    store.beforeCommit((tx) => {
      if (this.deviceId === null || tx.changes.size === 0) return;
      if (tx.origin === 'local') this.capture(tx, tx.changes.net(), false);
      else if (tx.origin === 'relay') this.capture(tx, tx.changes.net(), true);
    });
  }

  /** The relay device id operations are made under; null while this desktop is not enrolled. */
  get device(): string | null {
    return this.deviceId;
  }

  /**
   * Starts capturing under a device id. The first time (or under a new device) every shared
   * entity stored here becomes an operation, so the organisation receives what this desktop
   * held before it joined.
   */
  enable(deviceId: string): void {
    if (this.deviceId === deviceId) return;
    this.store.transaction(
      (tx) => {
        if (this.deviceId !== null) clearOutbox(tx);
        writeSyncMeta(tx, 'device', deviceId);
        writeSyncMeta(tx, 'counter', '0');
        this.deviceId = deviceId;
        for (const codec of this.codecs) for (const id of codec.all(tx)) this.captureOne(tx, codec, id, false);
        writeSyncMeta(tx, 'hlc', this.clock.current());
      },
      { origin: 'sync' },
    );
  }

  /** Turns a local transaction's changed rows into operations (before it commits). */
  private capture(tx: Tx, changes: readonly RowChange[], alertsOnly: boolean): void {
    const byTable = new Map<TrackedTable, RowChange[]>();
    for (const c of changes) {
      const list = byTable.get(c.table);
      if (list) list.push(c);
      else byTable.set(c.table, [c]);
    }
    const erased = erasedIn(tx);
    let made = false;
    for (const codec of this.codecs) {
      if (alertsOnly && !alertScoped.has(codec.entity)) continue;
      const mine = codec.tables.flatMap((t) => byTable.get(t) ?? []);
      if (mine.length === 0) continue;
      for (const id of codec.touched(tx, mine)) {
        const erase = erased.has(`${codec.entity}:${id}`);
        made = this.captureOne(tx, codec, id, erase) || made;
      }
    }
    if (made) writeSyncMeta(tx, 'hlc', this.clock.current());
  }

  private captureOne(tx: Tx, codec: EntityCodec, id: string, erase: boolean): boolean {
    const fence = codec.owned ? codec.owned(tx, id) : undefined;
    if (fence === null) return false; // another desktop runs this alert: its operations tell
    const state = readState(tx, codec.entity, id);
    if (state?.erased) return false;
    const fields = codec.read(tx, id);
    let op: Omit<SyncOp, 'device' | 'counter' | 'hlc'>;
    if (fields === undefined) {
      // Nothing to tell about what was never shared (a row made and removed in one transaction, a draft).
      if (!codec.tombstones || state === undefined || state.deleted !== undefined) return false;
      op = { entity: codec.entity, id, kind: erase ? 'erase' : 'delete' };
    } else {
      const changed = changedFields(fields, state);
      if (changed === null) return false;
      op = { entity: codec.entity, id, kind: 'put', fields: changed };
    }
    const counter = Number(readSyncMeta(tx, 'counter') ?? '0') + 1;
    writeSyncMeta(tx, 'counter', String(counter));
    const full: SyncOp = { device: this.deviceId!, counter, hlc: this.clock.tick(), ...op, ...(fence === undefined ? {} : { fence }) };
    if (full.kind === 'erase') scrubQueued(tx, codec.entity, id);
    writeState(tx, mergeOp(state, full));
    enqueueOp(tx, full);
    return true;
  }

  /** Merges an operation from the relay's log (another desktop's, or this one's echo) into the state and the tables. */
  applyOp(tx: Tx, op: SyncOp): boolean {
    this.clock.observe(op.hlc);
    const current = readState(tx, op.entity, op.id);
    const merged = mergeOp(current, op);
    if (merged === current) return false;
    return this.settle(tx, current, merged);
  }

  /** Merges a state from a snapshot. */
  applyState(tx: Tx, incoming: EntityState): boolean {
    this.observe(incoming);
    const current = readState(tx, incoming.entity, incoming.id);
    const merged = mergeStates(current, incoming);
    if (current && sameJson(merged, current)) return false;
    return this.settle(tx, current, merged);
  }

  /**
   * Merges a page of a snapshot's states; returns how many changed anything here. The page is
   * written without a savepoint per state (each savepoint makes the full-text index flush what
   * it holds: a segment per contact, and slow commits) and the states of a kind whose codec
   * writes many at once go together (a tag's search documents rewritten once per page). When
   * any write fails, the page is undone and merged again state by state, each in its own
   * savepoint, so a state this desktop cannot take is logged and left as on the stream.
   */
  applyStates(tx: Tx, states: readonly EntityState[]): number {
    if (tx.origin === 'local') throw new Error('remote sync changes must be applied in a transaction whose origin is not local');
    try {
      return this.store.transaction(() => this.mergePage(tx, states));
    } catch {
      let changed = 0;
      for (const s of states) if (this.applyState(tx, s)) changed++;
      return changed;
    }
  }

  /** The clock moves past every stamp a state carries. */
  private observe(state: EntityState): void {
    for (const f of Object.values(state.fields)) this.clock.observe(f.s.slice(0, f.s.indexOf('@')));
  }

  private mergePage(tx: Tx, states: readonly EntityState[]): number {
    let changed = 0;
    let codec: EntityCodec | null = null;
    let batch: EntityState[] = [];
    const flush = (): void => {
      if (batch.length > 0) codec!.writeMany!(tx, batch);
      batch = [];
    };
    for (const incoming of states) {
      this.observe(incoming);
      const current = readState(tx, incoming.entity, incoming.id);
      const merged = mergeStates(current, incoming);
      if (current && sameJson(merged, current)) continue;
      changed++;
      writeState(tx, merged);
      if (current?.deleted !== undefined && !merged.erased) continue;
      const of = this.byEntity.get(merged.entity)!;
      if (of !== codec) {
        flush();
        codec = of;
      }
      if (of.writeMany) batch.push(merged);
      else of.write(tx, merged);
    }
    flush();
    if (changed > 0) writeSyncMeta(tx, 'hlc', this.clock.current());
    return changed;
  }

  private settle(tx: Tx, current: EntityState | undefined, merged: EntityState): boolean {
    if (tx.origin === 'local') throw new Error('remote sync changes must be applied in a transaction whose origin is not local');
    writeState(tx, merged);
    const codec = this.byEntity.get(merged.entity)!;
    if (current?.deleted !== undefined && !merged.erased) return true;
    try {
      // In a savepoint: a row this desktop cannot take (a constraint of its own data) is
      // logged and left, never allowed to stop the stream of everything after it.
      this.store.transaction(() => codec.write(tx, merged));
    } catch (err) {
      this.onWriteError(err, merged);
    }
    writeSyncMeta(tx, 'hlc', this.clock.current());
    return true;
  }
}

/** The fields whose value differs from the merged state's; null when none does. */
function changedFields(fields: Fields, state: EntityState | undefined): Fields | null {
  let out: Fields | null = null;
  for (const [name, value] of Object.entries(fields)) {
    const known = state?.fields[name];
    if (known && sameJson(known.v, value)) continue;
    (out ??= {})[name] = value;
  }
  return out;
}
