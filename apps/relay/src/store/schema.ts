// The relay's PostgreSQL schema (also used on embedded PGlite). Every table holding one
// organisation's data carries `tenant_id` and is guarded by row-level security (ENABLE +
// FORCE, policies in the custom migration), so a query that forgot its WHERE still sees only
// the tenant set for its transaction. `tenants` is the only global table: the directory the
// webhook routes resolve a tenant slug against before any tenant is set.
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

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
  /** The log's last sequence when the current epoch began (where the restored log ended). */
  syncEpochSeq: bigint('sync_epoch_seq', { mode: 'number' }).notNull().default(0),
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
  'users',
  'auth_sessions',
  'refresh_tokens',
  'invitations',
  'auth_audit',
  'sync_leases',
  'webhook_subscriptions',
  'webhook_deliveries',
  'webhook_attempts',
  'api_keys',
  'api_alert_requests',
  'burn_links',
  'burn_messages',
  'callback_targets',
  'callback_settings',
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

// ── identity (issue #16) ────────────────────────────────────────────────────────────────

/** The people who sign in: per tenant, with a scrypt password hash and an optional TOTP secret (sealed). */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    /** Lower case; unique per tenant. */
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role').notNull(),
    /** `scrypt$<logN>$<r>$<p>$<salt>$<hash>` (base64url): the parameters travel with the hash. */
    passwordHash: text('password_hash').notNull(),
    /** AES-256-GCM sealed base32 secret (RELAY_ENCRYPTION_KEY); set once confirmed. */
    totpSecretEnc: text('totp_secret_enc'),
    /** A secret being set up, not yet confirmed with a code. */
    totpPendingEnc: text('totp_pending_enc'),
    /** The last accepted TOTP time step: a code is accepted once (RFC 6238 §5.2). */
    totpLastStep: bigint('totp_last_step', { mode: 'number' }),
    disabled: boolean('disabled').notNull().default(false),
    failedSignIns: integer('failed_sign_ins').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('users_tenant_username_key').on(t.tenantId, t.username)],
);

/** A session family: one sign-in on one desktop, kept alive by rotating refresh tokens. */
export const authSessions = pgTable(
  'auth_sessions',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'cascade' }),
    deviceName: text('device_name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }).notNull().defaultNow(),
    /** Absolute end of the family, whatever the refreshes. */
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    /** sign-out, reuse, admin, user-disabled, device-revoked. */
    revokedReason: text('revoked_reason'),
  },
  (t) => [index('auth_sessions_user_idx').on(t.tenantId, t.userId), index('auth_sessions_device_idx').on(t.tenantId, t.deviceId)],
);

/** Every refresh token a family was issued, by SHA-256 only; `used_at` marks the rotated ones. */
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => authSessions.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [index('refresh_tokens_session_idx').on(t.tenantId, t.sessionId)],
);

/** One-time invitations: the code's SHA-256, the role it grants, and who used it. */
export const invitations = pgTable(
  'invitations',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    role: text('role').notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    usedBy: uuid('used_by').references(() => users.id, { onDelete: 'set null' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('invitations_code_hash_key').on(t.codeHash), index('invitations_tenant_idx').on(t.tenantId)],
);

/** The relay's record of sign-ins, lockouts, role changes and invitations (GET /api/v1/audit). */
export const authAudit = pgTable(
  'auth_audit',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    action: text('action').notNull(),
    actorUserId: uuid('actor_user_id'),
    actorUsername: text('actor_username'),
    deviceId: uuid('device_id'),
    subject: text('subject'),
    detail: jsonb('detail').notNull().default({}),
  },
  (t) => [index('auth_audit_tenant_at_idx').on(t.tenantId, t.at)],
);

/**
 * Which desktop dispatches a running alert (organisation sync's leases). The owner renews
 * before `expires_at`; `token` only grows, and an alert's operations pushed under an older
 * token are refused, so a desktop that lost its lease cannot overwrite the new owner's work.
 */
export const syncLeases = pgTable(
  'sync_leases',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    alertId: text('alert_id').notNull(),
    ownerDevice: text('owner_device').notNull(),
    token: bigint('token', { mode: 'number' }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.alertId] })],
);

// ── outgoing webhooks (issue #17) ───────────────────────────────────────────────────────

/** An organisation's endpoint for its alerts' events, with its signing secret (sealed, shown once). */
export const webhookSubscriptions = pgTable(
  'webhook_subscriptions',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    description: text('description').notNull().default(''),
    /** The event types sent here (protocol webhookEventTypes). */
    events: text('events').array().notNull(),
    /** alert.progress every this many percent. */
    progressStep: integer('progress_step').notNull(),
    /** AES-256-GCM sealed `whsec_…` (RELAY_ENCRYPTION_KEY). */
    secretEnc: text('secret_enc').notNull(),
    /** The secret before the last rotation, still signed with until `previous_until`. */
    previousSecretEnc: text('previous_secret_enc'),
    previousUntil: timestamp('previous_until', { withTimezone: true }),
    secretRotatedAt: timestamp('secret_rotated_at', { withTimezone: true }).notNull().defaultNow(),
    enabled: boolean('enabled').notNull().default(true),
    disabledReason: text('disabled_reason'),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('webhook_subscriptions_tenant_idx').on(t.tenantId)],
);

/**
 * The outbox: one row per event and subscription, written in the transaction that merged the
 * alert's change, so a relay restart neither loses nor doubles one. `id` is the webhook-id,
 * derived from the subscription and the event's key, the same on every attempt.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    subscriptionId: uuid('subscription_id')
      .notNull()
      .references(() => webhookSubscriptions.id, { onDelete: 'cascade' }),
    eventKey: text('event_key').notNull(),
    eventType: text('event_type').notNull(),
    alertId: text('alert_id'),
    payload: jsonb('payload').notNull(),
    /** pending, delivered, failed. */
    state: text('state').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    /** A sender holds the row until then (a crashed sender's claim runs out). */
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('webhook_deliveries_event_key').on(t.tenantId, t.subscriptionId, t.eventKey),
    index('webhook_deliveries_due_idx').on(t.tenantId, t.state, t.nextAttemptAt),
  ],
);

/** Every attempt of a delivery: when, the HTTP status or the error, how long it took. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    deliveryId: text('delivery_id').notNull(),
    attempt: integer('attempt').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    status: integer('status'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
  },
  (t) => [index('webhook_attempts_delivery_idx').on(t.tenantId, t.deliveryId)],
);

// ── the REST API v1 for other systems (issue #17, docs/api.md) ─────────────────────────────

/**
 * API keys an administrator made: only the secret's SHA-256 is kept (`key_hash`), with its
 * scopes, optional expiry, allowed source addresses (CIDR) and rate limit. Revoked keys stay
 * for the audit's sake.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    keyHash: text('key_hash').notNull(),
    /** The secret's first characters, to tell keys apart in the console. */
    hint: text('hint').notNull(),
    scopes: jsonb('scopes').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    allowedSources: jsonb('allowed_sources').notNull().default([]),
    rateLimitPerMinute: integer('rate_limit_per_minute').notNull(),
    createdBy: text('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedBy: text('revoked_by'),
  },
  (t) => [uniqueIndex('api_keys_key_hash_key').on(t.keyHash), index('api_keys_tenant_idx').on(t.tenantId)],
);

/**
 * Alerts other systems asked for through the API (POST /api/v1/alerts): the organisation's
 * dispatching desktop takes a waiting one (`claimed_by`), starts the alert from the prepared
 * alert and records its uid. The same key and `Idempotency-Key` name one request whatever
 * the retries (the unique index, not a read before the write), with the body's hash to tell
 * a retry from a different request under the same key.
 */
export const apiAlertRequests = pgTable(
  'api_alert_requests',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    keyId: uuid('key_id').notNull(),
    keyName: text('key_name').notNull(),
    idempotencyKey: text('idempotency_key'),
    bodyHash: text('body_hash').notNull(),
    /** The prepared alert's uid (resolved from a name at the request). */
    preparedAlert: text('prepared_alert').notNull(),
    variables: jsonb('variables').notNull().default({}),
    /** The request's state (protocol's apiAlertRequestStatuses): waiting-for-desktop → accepted → running → completed, … */
    status: text('status').notNull().default('waiting'),
    /** A test alert: the prepared alert's test group only. */
    test: boolean('test').notNull().default(false),
    claimedBy: text('claimed_by'),
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    /** The alert's uid once the desktop made it. */
    alertId: text('alert_id'),
    /** Why it was refused or cancelled, in Swedish (`problem`) and in English (`problem_en`). */
    problem: text('problem'),
    problemEn: text('problem_en'),
    /** Who asked to cancel it (the key's name) while a desktop ran it: the desktop cancels the alert. */
    cancelRequestedBy: text('cancel_requested_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('api_alert_requests_idempotency_key').on(t.tenantId, t.keyId, t.idempotencyKey),
    index('api_alert_requests_waiting_idx').on(t.tenantId, t.status),
  ],
);

// ── burn messages (issue #21) ───────────────────────────────────────────────────────────

/**
 * Which organisation a burn message's public id belongs to: the page at /b/:id is opened
 * with no credentials, so the id is looked up here before any tenant is set (a SELECT policy
 * admits every row; writes keep the tenant policy). It holds nothing of the message.
 */
export const burnLinks = pgTable('burn_links', {
  /** 16+ random bytes, base64url: the unguessable part of the short link. */
  id: text('id').primaryKey(),
  tenantId: uuid('tenant_id')
    .notNull()
    .references(() => tenants.id, { onDelete: 'cascade' }),
});

/**
 * A message that can be read once (engångsmeddelande). The desktop encrypted it with
 * AES-256-GCM under a key that is only in the link's #fragment, so the relay holds a
 * ciphertext it cannot read. The ciphertext is cleared on the first open or at expiry;
 * the row stays so a second open can say when it was read.
 */
export const burnMessages = pgTable(
  'burn_messages',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    /** AES-GCM ciphertext with its 16-byte tag at the end (WebCrypto's layout); null once opened or expired. */
    ciphertext: bytea('ciphertext'),
    iv: bytea('iv').notNull(),
    /** The delivery this link was sent in: the open is reported to the desktops with it. */
    deliveryToken: text('delivery_token'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    openedAt: timestamp('opened_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('burn_messages_expiry_idx').on(t.expiresAt)],
);

// ── people who call back (issue #21) ───────────────────────────────────────────────────

/**
 * The latest alert each phone number was sent, as the sending desktop published it: an
 * inbound call from that number hears the alert's call flow and can confirm that delivery.
 * Kept at the relay so call-backs are answered while every desktop is offline.
 */
export const callbackTargets = pgTable(
  'callback_targets',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    /** E.164, as the provider shows the caller. */
    phone: text('phone').notNull(),
    deliveryToken: text('delivery_token').notNull(),
    /** The call flow whose message the caller hears (null: an alert without a voice message). */
    flowId: text('flow_id'),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.phone] })],
);

/** The organisation's call-back settings the desktops publish: where "press 2" connects. */
export const callbackSettings = pgTable('callback_settings', {
  tenantId: uuid('tenant_id')
    .primaryKey()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  crisisRoomNumber: text('crisis_room_number'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
