// How one kind of shared entity is read from and written to this desktop's tables. The
// replica (replica.ts) is the only user: it asks a codec which entities a transaction's
// changed rows name, reads their current fields to turn a local change into an operation,
// and writes a merged state back when an operation or a snapshot arrives from elsewhere.
//
// Entities with local integer ids (contacts, groups, audit entries) are known across the
// organisation by a uid bound to the local id in sync_ids; the codecs translate every
// reference (a membership's group and contact, a group's parent, an audit entry's subject)
// to uids and back, so two desktops never need to agree on local ids.
import type { EntityState, Json, SyncEntity } from '@gdial/protocol';
import type { RowChange, TrackedTable } from '../store/changes';
import type { Reader, Tx } from '../store/db';

export type Fields = Record<string, Json>;

export interface EntityCodec {
  readonly entity: SyncEntity;
  /** The tracked tables whose changed rows may name an entity of this kind. */
  readonly tables: readonly TrackedTable[];
  /**
   * The entity ids the changed rows of `tables` name (binding a uid to a new local row).
   * Runs before COMMIT, so a deleted row's uid is still bound.
   */
  touched(tx: Tx, changes: readonly RowChange[]): Iterable<string>;
  /**
   * For an alert's entities: the lease token under which this desktop changes the entity,
   * or null when another desktop runs the alert (its changes here are not shared).
   */
  owned?(r: Reader, id: string): number | null;
  /** The entity's fields as stored here; undefined when it does not exist here. */
  read(r: Reader, id: string): Fields | undefined;
  /**
   * Whether the entity is gone for good when `read` finds nothing (a contact, a group: a
   * tombstone) or may come back (a tag, a membership, an opt-out, a setting: a `present`
   * field that is false).
   */
  readonly tombstones: boolean;
  /** Makes this desktop's rows match a merged state (deleted or erased included). */
  write(tx: Tx, state: EntityState): void;
  /** `write` for many states of this kind at once (a snapshot's page), where that is cheaper than one by one. */
  writeMany?(tx: Tx, states: readonly EntityState[]): void;
  /** Every entity of this kind stored here, binding uids (to seed a desktop's first push). */
  all(tx: Tx): Iterable<string>;
}

/** The `present` field pair and setting entities carry instead of a tombstone. */
export const absent: Fields = { present: false };
