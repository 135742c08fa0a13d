// Organisation sync's own tables (see src/sync): the operations waiting to be pushed, the
// merged state of every shared entity (what the operations were merged into, per field
// with its stamp), the global id each local row is known by across desktops, and the
// replica's own values (device id, clock, snapshot progress).
import { integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** Operations made here, in counter order, until the relay acknowledges them. */
export const syncOutbox = sqliteTable('sync_outbox', {
  counter: integer('counter').primaryKey(),
  entity: text('entity').notNull(),
  entityId: text('entity_id').notNull(),
  /** The operation as pushed (SyncOp JSON). */
  op: text('op').notNull(),
});

/** The merged state of each shared entity (EntityState JSON). */
export const syncState = sqliteTable(
  'sync_state',
  {
    entity: text('entity').notNull(),
    entityId: text('entity_id').notNull(),
    state: text('state').notNull(),
  },
  (t) => [primaryKey({ columns: [t.entity, t.entityId] })],
);

/** Which local row an organisation-wide id names (rows keep their local integer ids). */
export const syncIds = sqliteTable(
  'sync_ids',
  {
    entity: text('entity').notNull(),
    uid: text('uid').notNull(),
    localId: integer('local_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.entity, t.uid] }), uniqueIndex('sync_ids_local').on(t.entity, t.localId)],
);

export const syncMeta = sqliteTable('sync_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/**
 * Alert leases as this desktop knows them: the token it holds on the alerts it dispatches
 * (stamped on their operations), and who holds the others' and until when (for "Ta över").
 */
export const syncLeases = sqliteTable('sync_leases', {
  alert: text('alert').primaryKey(),
  owner: text('owner').notNull(),
  ownerName: text('owner_name').notNull(),
  token: integer('token').notNull(),
  /** Epoch ms the owner's lease runs out, as last heard from the relay (null: not heard yet). */
  expiresAt: integer('expires_at'),
});
