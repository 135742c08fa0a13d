// Outgoing webhooks' SQL (webhooks-out/): subscriptions (with their sealed secrets), the outbox of deliveries
// and the log of attempts. Every statement runs as the application role with the tenant set,
// so row-level security keeps organisations apart. One row type and one converter per table.
import { randomUUID } from 'node:crypto';
import type {
  EntityState,
  WebhookAttempt,
  WebhookDelivery,
  WebhookDeliveryState,
  WebhookEventType,
  WebhookSubscription,
} from '@gdial/protocol';
import type { RelayDb, SqlExecutor } from './db';

const iso = (d: Date | string): string => new Date(d).toISOString();

// ── subscriptions ──

interface SubscriptionSqlRow {
  id: string;
  url: string;
  description: string;
  events: string[];
  progress_step: number;
  secret_enc: string;
  previous_secret_enc: string | null;
  previous_until: Date | string | null;
  secret_rotated_at: Date | string;
  enabled: boolean;
  disabled_reason: string | null;
  created_by: string;
  created_at: Date | string;
}

export interface SubscriptionRow extends WebhookSubscription {
  secretEnc: string;
  previousSecretEnc: string | null;
  previousUntil: Date | null;
}

const toSubscription = (r: SubscriptionSqlRow): SubscriptionRow => ({
  id: r.id,
  url: r.url,
  description: r.description,
  events: r.events as WebhookEventType[],
  progressStep: Number(r.progress_step),
  enabled: r.enabled,
  disabledReason: r.disabled_reason,
  createdAt: iso(r.created_at),
  createdBy: r.created_by,
  secretRotatedAt: iso(r.secret_rotated_at),
  secretEnc: r.secret_enc,
  previousSecretEnc: r.previous_secret_enc,
  previousUntil: r.previous_until === null ? null : new Date(r.previous_until),
});

/** The subscription as the API shows it: never the secret. */
export const subscriptionView = (s: SubscriptionRow): WebhookSubscription => ({
  id: s.id,
  url: s.url,
  description: s.description,
  events: s.events,
  progressStep: s.progressStep,
  enabled: s.enabled,
  disabledReason: s.disabledReason,
  createdAt: s.createdAt,
  createdBy: s.createdBy,
  secretRotatedAt: s.secretRotatedAt,
});

export async function listSubscriptions(db: RelayDb, tenantId: string): Promise<SubscriptionRow[]> {
  const rows = await db.withTenant(tenantId, (q) =>
    q.query<SubscriptionSqlRow>('SELECT * FROM webhook_subscriptions WHERE tenant_id = $1 ORDER BY created_at, id', [tenantId]),
  );
  return rows.map(toSubscription);
}

/** The enabled subscriptions, inside a transaction (the producer's). */
export async function enabledSubscriptions(q: SqlExecutor, tenantId: string): Promise<SubscriptionRow[]> {
  const rows = await q.query<SubscriptionSqlRow>(
    'SELECT * FROM webhook_subscriptions WHERE tenant_id = $1 AND enabled ORDER BY created_at, id',
    [tenantId],
  );
  return rows.map(toSubscription);
}

export async function findSubscription(db: RelayDb, tenantId: string, id: string): Promise<SubscriptionRow | null> {
  const [row] = await db.withTenant(tenantId, (q) =>
    q.query<SubscriptionSqlRow>('SELECT * FROM webhook_subscriptions WHERE tenant_id = $1 AND id::text = $2', [tenantId, id]),
  );
  return row ? toSubscription(row) : null;
}

export interface NewSubscription {
  url: string;
  description: string;
  events: readonly string[];
  progressStep: number;
  secretEnc: string;
  createdBy: string;
}

export async function createSubscription(db: RelayDb, tenantId: string, s: NewSubscription): Promise<SubscriptionRow> {
  const [row] = await db.withTenant(tenantId, (q) =>
    q.query<SubscriptionSqlRow>(
      `INSERT INTO webhook_subscriptions (id, tenant_id, url, description, events, progress_step, secret_enc, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [randomUUID(), tenantId, s.url, s.description, [...s.events], s.progressStep, s.secretEnc, s.createdBy],
    ),
  );
  return toSubscription(row!);
}

export interface SubscriptionChange {
  description?: string;
  events?: readonly string[];
  progressStep?: number;
  enabled?: boolean;
}

export async function updateSubscription(
  db: RelayDb,
  tenantId: string,
  id: string,
  c: SubscriptionChange,
): Promise<SubscriptionRow | null> {
  const [row] = await db.withTenant(tenantId, (q) =>
    q.query<SubscriptionSqlRow>(
      `UPDATE webhook_subscriptions SET
          description = coalesce($3, description),
          events = coalesce($4, events),
          progress_step = coalesce($5, progress_step),
          enabled = coalesce($6, enabled),
          disabled_reason = CASE WHEN $6 IS TRUE THEN NULL ELSE disabled_reason END
        WHERE tenant_id = $1 AND id::text = $2 RETURNING *`,
      [tenantId, id, c.description ?? null, c.events ? [...c.events] : null, c.progressStep ?? null, c.enabled ?? null],
    ),
  );
  return row ? toSubscription(row) : null;
}

/** A new secret; the previous one is still signed with until `previousUntil`, so receivers can switch over. */
export async function rotateSecret(
  db: RelayDb,
  tenantId: string,
  id: string,
  secretEnc: string,
  previousUntil: Date,
): Promise<SubscriptionRow | null> {
  const [row] = await db.withTenant(tenantId, (q) =>
    q.query<SubscriptionSqlRow>(
      `UPDATE webhook_subscriptions SET previous_secret_enc = secret_enc, previous_until = $4, secret_enc = $3, secret_rotated_at = now()
        WHERE tenant_id = $1 AND id::text = $2 RETURNING *`,
      [tenantId, id, secretEnc, previousUntil],
    ),
  );
  return row ? toSubscription(row) : null;
}

export async function deleteSubscription(db: RelayDb, tenantId: string, id: string): Promise<boolean> {
  const rows = await db.withTenant(tenantId, (q) =>
    q.query('DELETE FROM webhook_subscriptions WHERE tenant_id = $1 AND id::text = $2 RETURNING id', [tenantId, id]),
  );
  return rows.length > 0;
}

// ── the outbox ──

export interface NewDelivery {
  id: string;
  subscriptionId: string;
  eventKey: string;
  eventType: string;
  alertId: string | null;
  payload: unknown;
}

/** Adds deliveries inside the caller's transaction; one already there (same subscription and event) stays as it is. */
export async function enqueueDeliveries(q: SqlExecutor, tenantId: string, rows: readonly NewDelivery[], now: Date): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = await q.query(
    `INSERT INTO webhook_deliveries (tenant_id, id, subscription_id, event_key, event_type, alert_id, payload, next_attempt_at)
     SELECT $1, i, s::uuid, k, t, a, p, $8 FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[]) AS x(i, s, k, t, a, p)
     ON CONFLICT DO NOTHING RETURNING id`,
    [
      tenantId,
      rows.map((r) => r.id),
      rows.map((r) => r.subscriptionId),
      rows.map((r) => r.eventKey),
      rows.map((r) => r.eventType),
      rows.map((r) => r.alertId),
      rows.map((r) => JSON.stringify(r.payload)),
      now,
    ],
  );
  return inserted.length;
}

export interface ClaimedDelivery {
  id: string;
  subscriptionId: string;
  eventType: string;
  payload: unknown;
  attempts: number;
  url: string;
  secretEnc: string;
  previousSecretEnc: string | null;
  previousUntil: Date | null;
}

/**
 * Takes up to `limit` due deliveries of enabled subscriptions and holds them until
 * `lockedUntil` (another relay instance skips them; a crashed sender's hold runs out).
 */
export async function claimDue(db: RelayDb, tenantId: string, now: Date, lockedUntil: Date, limit: number): Promise<ClaimedDelivery[]> {
  if (limit <= 0) return [];
  const rows = await db.withTenant(tenantId, (q) =>
    q.query<{
      id: string;
      subscription_id: string;
      event_type: string;
      payload: unknown;
      attempts: number;
      url: string;
      secret_enc: string;
      previous_secret_enc: string | null;
      previous_until: Date | string | null;
    }>(
      `WITH due AS (
         SELECT d.id FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.tenant_id = d.tenant_id AND s.id = d.subscription_id
          WHERE d.tenant_id = $1 AND d.state = 'pending' AND d.next_attempt_at <= $2 AND (d.locked_until IS NULL OR d.locked_until <= $2)
            AND s.enabled
          ORDER BY d.next_attempt_at, d.id LIMIT $4 FOR UPDATE OF d SKIP LOCKED)
       UPDATE webhook_deliveries d SET locked_until = $3
         FROM due, webhook_subscriptions s
        WHERE d.tenant_id = $1 AND d.id = due.id AND s.tenant_id = d.tenant_id AND s.id = d.subscription_id
       RETURNING d.id, d.subscription_id, d.event_type, d.payload, d.attempts, s.url, s.secret_enc, s.previous_secret_enc, s.previous_until`,
      [tenantId, now, lockedUntil, limit],
    ),
  );
  return rows.map((r) => ({
    id: r.id,
    subscriptionId: r.subscription_id,
    eventType: r.event_type,
    payload: typeof r.payload === 'string' ? (JSON.parse(r.payload) as unknown) : r.payload,
    attempts: Number(r.attempts),
    url: r.url,
    secretEnc: r.secret_enc,
    previousSecretEnc: r.previous_secret_enc,
    previousUntil: r.previous_until === null ? null : new Date(r.previous_until),
  }));
}

export interface AttemptOutcome {
  attempt: number;
  at: Date;
  status: number | null;
  error: string | null;
  durationMs: number;
  /** What the delivery becomes: delivered, failed, or pending again at `nextAttemptAt`. */
  state: WebhookDeliveryState;
  nextAttemptAt: Date | null;
  /** The endpoint answered 410: the subscription is turned off with this reason. */
  disableSubscription?: string;
}

/** Logs an attempt and moves its delivery on, in one transaction. */
export async function recordAttempt(db: RelayDb, tenantId: string, deliveryId: string, o: AttemptOutcome): Promise<void> {
  await db.withTenant(tenantId, async (q) => {
    await q.query(
      `INSERT INTO webhook_attempts (tenant_id, delivery_id, attempt, at, status, error, duration_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [tenantId, deliveryId, o.attempt, o.at, o.status, o.error, o.durationMs],
    );
    const [row] = await q.query<{ subscription_id: string }>(
      `UPDATE webhook_deliveries SET attempts = $3, state = $4, next_attempt_at = $5, locked_until = NULL
        WHERE tenant_id = $1 AND id = $2 RETURNING subscription_id`,
      [tenantId, deliveryId, o.attempt, o.state, o.nextAttemptAt],
    );
    if (o.disableSubscription && row)
      await q.query(`UPDATE webhook_subscriptions SET enabled = false, disabled_reason = $3 WHERE tenant_id = $1 AND id = $2`, [
        tenantId,
        row.subscription_id,
        o.disableSubscription,
      ]);
  });
}

/** "Skicka igen": a failed (or delivered) delivery goes out again now, under the same webhook-id. */
export async function resend(db: RelayDb, tenantId: string, deliveryId: string, now: Date): Promise<boolean> {
  const rows = await db.withTenant(tenantId, (q) =>
    q.query(
      `UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = $3, locked_until = NULL
        WHERE tenant_id = $1 AND id = $2 AND state <> 'pending' RETURNING id`,
      [tenantId, deliveryId, now],
    ),
  );
  return rows.length > 0;
}

/** The newest deliveries (of one subscription, or all) with every attempt, for the console's log. */
export async function listDeliveries(
  db: RelayDb,
  tenantId: string,
  subscription: string | undefined,
  limit: number,
): Promise<WebhookDelivery[]> {
  return db.withTenant(tenantId, async (q) => {
    const rows = await q.query<{
      id: string;
      subscription_id: string;
      event_type: string;
      alert_id: string | null;
      alert_name: string | null;
      state: WebhookDeliveryState;
      attempts: number;
      next_attempt_at: Date | string | null;
      created_at: Date | string;
    }>(
      `SELECT id, subscription_id, event_type, alert_id, payload->'data'->'alert'->>'name' AS alert_name, state, attempts, next_attempt_at, created_at
         FROM webhook_deliveries WHERE tenant_id = $1 AND ($2::text IS NULL OR subscription_id::text = $2)
        ORDER BY created_at DESC, id DESC LIMIT $3`,
      [tenantId, subscription ?? null, limit],
    );
    const attempts = await q.query<{
      delivery_id: string;
      attempt: number;
      at: Date | string;
      status: number | null;
      error: string | null;
      duration_ms: number;
    }>(
      `SELECT delivery_id, attempt, at, status, error, duration_ms FROM webhook_attempts
        WHERE tenant_id = $1 AND delivery_id = ANY($2::text[]) ORDER BY id`,
      [tenantId, rows.map((r) => r.id)],
    );
    const byDelivery = new Map<string, WebhookAttempt[]>();
    for (const a of attempts) {
      const list = byDelivery.get(a.delivery_id) ?? [];
      list.push({ attempt: Number(a.attempt), at: iso(a.at), status: a.status, error: a.error, durationMs: Number(a.duration_ms) });
      byDelivery.set(a.delivery_id, list);
    }
    return rows.map((r) => ({
      id: r.id,
      subscriptionId: r.subscription_id,
      type: r.event_type,
      alert: r.alert_id,
      alertName: r.alert_name,
      state: r.state,
      attempts: Number(r.attempts),
      nextAttemptAt: r.state === 'pending' && r.next_attempt_at !== null ? iso(r.next_attempt_at) : null,
      createdAt: iso(r.created_at),
      log: byDelivery.get(r.id) ?? [],
    }));
  });
}

// ── what the producer reads inside a push's transaction ──

/** One alert's events at a time across concurrent pushes (until the transaction ends). */
export async function lockAlertEvents(q: SqlExecutor, tenantId: string, alert: string): Promise<void> {
  await q.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`gdial-webhooks:${tenantId}:${alert}`]);
}

/** An alert's merged state, as the push's transaction sees it. */
export async function alertState(q: SqlExecutor, tenantId: string, alert: string): Promise<EntityState | undefined> {
  const [row] = await q.query<{ state: EntityState | string }>(
    `SELECT state FROM sync_entities WHERE tenant_id = $1 AND entity = 'alert' AND entity_id = $2`,
    [tenantId, alert],
  );
  return row ? (typeof row.state === 'string' ? (JSON.parse(row.state) as EntityState) : row.state) : undefined;
}

/** An alert's live recipients and how many confirmed and were reached (confirmed counts as reached). */
export async function recipientCounts(
  q: SqlExecutor,
  tenantId: string,
  alert: string,
): Promise<{ recipients: number; confirmed: number; reached: number }> {
  const [row] = await q.query<{ recipients: string | number; confirmed: string | number; reached: string | number }>(
    `SELECT count(*) AS recipients,
            count(*) FILTER (WHERE state->'fields'->'outcome'->>'v' = 'confirmed') AS confirmed,
            count(*) FILTER (WHERE state->'fields'->'outcome'->>'v' IN ('confirmed', 'reached')) AS reached
       FROM sync_entities
      WHERE tenant_id = $1 AND entity = 'recipient' AND starts_with(entity_id, $2) AND NOT (state ? 'deleted')`,
    [tenantId, `${alert}/`],
  );
  return { recipients: Number(row?.recipients ?? 0), confirmed: Number(row?.confirmed ?? 0), reached: Number(row?.reached ?? 0) };
}

/** A delivery written outside a push (a test event), in its own transaction. */
export async function enqueueOne(db: RelayDb, tenantId: string, row: NewDelivery, now: Date): Promise<number> {
  return db.withTenant(tenantId, (q) => enqueueDeliveries(q, tenantId, [row], now));
}
