// The relay's PostgreSQL schema (also used on embedded PGlite). Every table holding one
// organisation's data carries `tenant_id` and is guarded by row-level security (ENABLE +
// FORCE, policies in the custom migration), so a query that forgot its WHERE still sees only
// the tenant set for its transaction. `tenants` is the only global table: the directory the
// webhook routes resolve a tenant slug against before any tenant is set.
import { sql } from 'drizzle-orm';
import { bigint, customType, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

export const tenants = pgTable('tenants', {
  id: uuid('id').primaryKey(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  /**
   * Organisation sync's epoch: desktops compare it with the one their snapshot came from.
   * Restoring the database from a backup must be followed by `admin new-epoch`, so every
   * desktop re-pushes what the restored log lost and re-reads the snapshot.
   */
  syncEpoch: uuid('sync_epoch').notNull().defaultRandom(),
});

/** Provider secrets are AES-256-GCM ciphertexts (key from RELAY_ENCRYPTION_KEY). */
export const tenantCredentials = pgTable('tenant_credentials', {
  tenantId: uuid('tenant_id')
    .primaryKey()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  twilioAuthTokenEnc: text('twilio_auth_token_enc'),
  sendgridPublicKey: text('sendgrid_public_key'),
  telegramSecretTokenEnc: text('telegram_secret_token_enc'),
  /** 46elks signs nothing: its callback URLs carry this secret (`?s=`), compared in constant time. */
  elksCallbackSecretEnc: text('elks_callback_secret_enc'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const devices = pgTable(
  'devices',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** SHA-256 of the device token; the token itself is shown once. */
    tokenHash: text('token_hash').notNull(),
    ackedSeq: bigint('acked_seq', { mode: 'number' }).notNull().default(0),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('devices_token_hash_key').on(t.tokenHash), index('devices_tenant_idx').on(t.tenantId)],
);

export const enrolments = pgTable(
  'enrolments',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    deviceId: uuid('device_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('enrolments_token_hash_key').on(t.tokenHash)],
);

/**
 * One row per tenant: the last sequence handed out and the highest pruned one. Appending
 * locks this row, which is what makes the sequence gap-free across relay instances.
 */
export const eventCounters = pgTable('event_counters', {
  tenantId: uuid('tenant_id')
    .primaryKey()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
  prunedThrough: bigint('pruned_through', { mode: 'number' }).notNull().default(0),
});

export const events = pgTable(
  'events',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    /** Provider event identity (MessageSid+status, sg_event_id, update_id…): duplicates stop here. */
    eventKey: text('event_key').notNull(),
    kind: text('kind').notNull(),
    payload: jsonb('payload').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true })
      .notNull()
      .default(sql`now()`),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.seq] }),
    uniqueIndex('events_tenant_event_key_key').on(t.tenantId, t.eventKey),
    index('events_received_at_idx').on(t.tenantId, t.receivedAt),
  ],
);

export const callFlows = pgTable(
  'call_flows',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    flowId: text('flow_id').notNull(),
    startDoc: text('start_doc').notNull(),
    confirmedDoc: text('confirmed_doc').notNull(),
    retryDoc: text('retry_doc').notNull(),
    goodbyeDoc: text('goodbye_doc').notNull(),
    confirmDigits: text('confirm_digits').notNull(),
    maxAttempts: integer('max_attempts').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.flowId] })],
);

export const media = pgTable(
  'media',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    /** 32 random bytes, base64url: the unguessable part of the public URL. */
    id: text('id').notNull(),
    contentType: text('content_type').notNull(),
    sha256: text('sha256').notNull(),
    size: integer('size').notNull(),
    bytes: bytea('bytes').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), uniqueIndex('media_tenant_sha_key').on(t.tenantId, t.sha256, t.contentType)],
);

/** Tables guarded by row-level security; a test checks pg_class against this list. */
export const tenantTables = [
  'tenant_credentials',
  'devices',
  'enrolments',
  'event_counters',
  'events',
  'call_flows',
  'media',
  'sync_entities',
] as const;

/**
 * Organisation sync: the merged state of every shared entity (a contact, a group, a tag on a
 * contact, …), as the operations pushed by the tenant's desktops left it. A new desktop's
 * snapshot is read from here; `seq` is the log sequence of the last operation merged in.
 */
export const syncEntities = pgTable(
  'sync_entities',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    entity: text('entity').notNull(),
    entityId: text('entity_id').notNull(),
    state: jsonb('state').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.entity, t.entityId] })],
);
