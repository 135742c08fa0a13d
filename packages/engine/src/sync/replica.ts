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
import { emailKey, fillSearchDocuments } from '../store/contacts';
import { clearOutbox, enqueueOp, erasedIn, readState, readSyncMeta, scrubQueued, writeState, writeSyncMeta } from '../store/sync';
import { buildStaged, stageStates, unstageKnown, type StagedState } from '../store/sync-snapshot';
import type { EntityCodec, Fields } from './codec';

/** The length of an HLC timestamp ("000001760000000.000000", see @gdial/protocol formatHlc). */
const HLC_LENGTH = 22;
/** sync_meta: the address book came from a snapshot into an empty one, before enrolment. */
const SNAPSHOT_ADDRESS_BOOK = 'addressBookFromSnapshot';
/** sync_meta: a local change was made before this desktop was enrolled (not captured then). */
const LOCAL_BEFORE_ENABLE = 'localBeforeEnable';
/** What beginFreshSnapshot vouches for: the kinds a fresh snapshot builds set-based. */
const addressBookKinds: ReadonlySet<SyncEntity> = new Set(['contact', 'contactTag', 'membership']);

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
      if (tx.changes.size === 0) return;
      if (this.deviceId === null) {
        // Not enrolled yet: nothing is captured, but enable() must know this desktop changed something of its own.
        if (tx.origin === 'local' && readSyncMeta(tx, LOCAL_BEFORE_ENABLE) === null) writeSyncMeta(tx, LOCAL_BEFORE_ENABLE, '1');
        return;
      }
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
        // An address book that came whole from the organisation's snapshot, untouched here since,
        // holds nothing to tell: reading 100,000 contacts back only to find them unchanged is skipped.
        const fromSnapshot =
          this.deviceId === null && readSyncMeta(tx, SNAPSHOT_ADDRESS_BOOK) !== null && readSyncMeta(tx, LOCAL_BEFORE_ENABLE) === null;
        writeSyncMeta(tx, SNAPSHOT_ADDRESS_BOOK, null);
        writeSyncMeta(tx, LOCAL_BEFORE_ENABLE, null);
        if (this.deviceId !== null) clearOutbox(tx);
        writeSyncMeta(tx, 'device', deviceId);
        writeSyncMeta(tx, 'counter', '0');
        writeSyncMeta(tx, 'sentThrough', null); // counters start again: none of them was sent
        this.deviceId = deviceId;
        for (const codec of this.codecs) {
          if (fromSnapshot && addressBookKinds.has(codec.entity)) continue;
          for (const id of codec.all(tx)) this.captureOne(tx, codec, id, false);
        }
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

  /**
   * Merges a chunk of a snapshot's states into a replica whose address book was empty when the
   * snapshot began (store/sync-snapshot.ts addressBookEmpty): the contacts, tags and
   * memberships the codecs would store as they are go through a staging table and are built
   * set-based, their search documents left for finishSnapshot; everything else (groups,
   * tombstones, erasures, a contact whose fields the codec must judge, other kinds) is merged
   * as applyStates merges it, in stream order, after what was staged before it is built.
   * Leaves what applyStates leaves (snapshot-page tests). Returns how many states changed anything.
   */
  applyFreshStates(tx: Tx, states: readonly EntityState[]): number {
    if (tx.origin === 'local') throw new Error('remote sync changes must be applied in a transaction whose origin is not local');
    let changed = 0;
    let staged: StagedState[] = [];
    let others: EntityState[] = [];
    let latest = '';
    const build = (): void => {
      if (staged.length === 0) return;
      if (latest !== '') this.clock.observe(latest);
      stageStates(tx, staged);
      staged = [];
      // A state this desktop already merged (an operator's edit while the snapshot runs) is merged, not built.
      const known = unstageKnown(tx);
      changed += buildStaged(tx, new Date().toISOString());
      for (const json of known) if (this.applyState(tx, JSON.parse(json) as EntityState)) changed++;
      writeSyncMeta(tx, 'hlc', this.clock.current());
    };
    const merge = (): void => {
      if (others.length > 0) changed += this.applyStates(tx, others);
      others = [];
    };
    for (const s of states) {
      if (stageable(s)) {
        merge();
        for (const name in s.fields) {
          // The latest stamp only: HLCs are fixed-width, so the greatest string is the latest time.
          const stamp = s.fields[name]!.s;
          const hlc = stamp.slice(0, stamp.indexOf('@'));
          if (hlc.length !== HLC_LENGTH)
            this.clock.observe(hlc); // refuses what is not an HLC
          else if (hlc > latest) latest = hlc;
        }
        staged.push({ entity: s.entity, id: s.id, json: JSON.stringify(s) });
      } else {
        build();
        others.push(s);
      }
    }
    merge();
    build();
    return changed;
  }

  /**
   * A snapshot starts into an empty address book (store/sync-snapshot.ts addressBookEmpty).
   * Before this desktop is enrolled, that lets enable() skip reading the address book back:
   * whatever it holds then came from the snapshot, unless a local change was made since
   * (the beforeCommit hook marks that).
   */
  beginFreshSnapshot(tx: Tx): void {
    if (this.deviceId !== null) return;
    writeSyncMeta(tx, SNAPSHOT_ADDRESS_BOOK, '1');
    writeSyncMeta(tx, LOCAL_BEFORE_ENABLE, null);
  }

  /** When a snapshot is complete: every contact stored without a search document gets it (see applyFreshStates). */
  finishSnapshot(tx: Tx): void {
    fillSearchDocuments(tx);
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

/**
 * Whether a snapshot's state can be built set-based (store/sync-snapshot.ts): a live tag or
 * membership pair, or a live contact whose fields have the shapes the contact codec stores
 * as they are (a contact it would refuse or mend is left to the codec).
 */
function stageable(s: EntityState): s is EntityState & { entity: StagedState['entity'] } {
  if (s.deleted !== undefined || s.erased) return false;
  if (s.entity === 'contactTag' || s.entity === 'membership') return s.id.includes('|');
  return s.entity === 'contact' && plainContact(s.fields);
}

const textOrNull = (v: unknown): boolean => v === undefined || v === null || typeof v === 'string';
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const dncChannels = ['voice', 'sms', 'email', 'whatsapp', 'telegram'] as const;

function plainContact(fields: EntityState['fields']): boolean {
  const v = (name: string): unknown => fields[name]?.v;
  if (typeof v('displayName') !== 'string') return false;
  for (const name of ['firstName', 'lastName', 'organisation', 'role', 'notes', 'language', 'whatsapp', 'telegramChatId'])
    if (!textOrNull(v(name))) return false;
  const phones = v('phones');
  if (phones !== undefined) {
    if (!Array.isArray(phones)) return false;
    const seen = new Set<string>();
    for (const p of phones) {
      if (!isObject(p) || typeof p.e164 !== 'string' || typeof p.label !== 'string' || typeof p.kind !== 'string') return false;
      if (typeof p.canSms !== 'boolean' || seen.has(p.e164)) return false;
      seen.add(p.e164);
    }
  }
  const emails = v('emails');
  if (emails !== undefined) {
    if (!Array.isArray(emails)) return false;
    const seen = new Set<string>();
    for (const e of emails) {
      if (!isObject(e) || typeof e.address !== 'string' || typeof e.label !== 'string') return false;
      const key = emailKey(e.address);
      if (seen.has(key)) return false;
      seen.add(key);
    }
  }
  const custom = v('customFields');
  if (custom !== undefined && !isObject(custom)) return false;
  const dnc = v('doNotContact');
  if (dnc !== undefined) {
    if (!isObject(dnc)) return false;
    for (const c of dncChannels) if (dnc[c] !== undefined && typeof dnc[c] !== 'boolean') return false;
  }
  // An address is staged column by column; consents are rows the codec writes.
  const address = v('address');
  if (address !== undefined && address !== null) {
    if (!isObject(address)) return false;
    for (const k of ['street', 'postcode', 'town', 'municipality'] as const) if (!textOrNull(address[k])) return false;
    for (const k of ['lat', 'lon'] as const)
      if (address[k] !== undefined && address[k] !== null && typeof address[k] !== 'number') return false;
  }
  const consents = v('consents');
  return consents === undefined || consents === null || (Array.isArray(consents) && consents.length === 0);
}
