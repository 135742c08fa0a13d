// Alerts other systems asked for (schema.ts `api_alert_requests`, row-level security like every
// tenant table): recorded once per key and Idempotency-Key (the unique index decides between
// concurrent identical requests, not a read before the write), taken by exactly one desktop
// (a conditional update), and moved along by that desktop or cancelled by the key.
import { randomUUID } from 'node:crypto';
import type { ApiAlertRequestStatus, ApiCapRequest } from '@gdial/protocol';
import type { RelayDb, SqlExecutor } from './db';

export interface AlertRequestRow {
  id: string;
  keyId: string;
  keyName: string;
  idempotencyKey: string | null;
  bodyHash: string;
  /** The prepared alert's uid; '' for a CAP message (POST /cap), which names none. */
  preparedAlert: string;
  /** The prepared alert's name when the request was made (it may be renamed later). */
  preparedAlertName: string;
  variables: Record<string, string>;
  /** The CAP message of a POST /cap request. */
  cap: ApiCapRequest | null;
  test: boolean;
  status: ApiAlertRequestStatus;
  claimedBy: string | null;
  claimedAt: Date | null;
  alertId: string | null;
  problem: string | null;
  problemEn: string | null;
  cancelRequestedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

interface Raw {
  id: string;
  key_id: string;
  key_name: string;
  idempotency_key: string | null;
  body_hash: string;
  prepared_alert: string;
  variables: { values?: Record<string, string>; preparedAlertName?: string; cap?: ApiCapRequest } | string;
  test: boolean;
  status: ApiAlertRequestStatus;
  claimed_by: string | null;
  claimed_at: Date | string | null;
  alert_id: string | null;
  problem: string | null;
  problem_en: string | null;
  cancel_requested_by: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

const COLUMNS = `id, key_id, key_name, idempotency_key, body_hash, prepared_alert, variables, test, status, claimed_by, claimed_at,
  alert_id, problem, problem_en, cancel_requested_by, created_at, updated_at`;

const date = (v: Date | string | null): Date | null => (v === null ? null : v instanceof Date ? v : new Date(v));

function toRow(r: Raw): AlertRequestRow {
  // `variables` holds the caller's values and the prepared alert's name as it was asked for,
  // or the CAP message of a POST /cap request.
  const v = typeof r.variables === 'string' ? (JSON.parse(r.variables) as Exclude<Raw['variables'], string>) : r.variables;
  return {
    id: r.id,
    keyId: r.key_id,
    keyName: r.key_name,
    idempotencyKey: r.idempotency_key,
    bodyHash: r.body_hash,
    preparedAlert: r.prepared_alert,
    preparedAlertName: v.preparedAlertName ?? r.prepared_alert,
    variables: v.values ?? {},
    cap: v.cap ?? null,
    test: r.test,
    status: r.status,
    claimedBy: r.claimed_by,
    claimedAt: date(r.claimed_at),
    alertId: r.alert_id,
    problem: r.problem,
    problemEn: r.problem_en,
    cancelRequestedBy: r.cancel_requested_by,
    createdAt: date(r.created_at)!,
    updatedAt: date(r.updated_at)!,
  };
}

export type NewAlertRequest = Pick<
  AlertRequestRow,
  'keyId' | 'keyName' | 'idempotencyKey' | 'bodyHash' | 'preparedAlert' | 'preparedAlertName' | 'variables' | 'test'
> & { cap?: ApiCapRequest | null };

/**
 * Records a request, or finds the one recorded before under the same key and
 * Idempotency-Key (`created` false). `onCreated` runs in the same transaction when it is new.
 */
export async function recordAlertRequest(
  db: RelayDb,
  tenantId: string,
  r: NewAlertRequest,
  onCreated: (q: SqlExecutor, row: AlertRequestRow) => Promise<void>,
): Promise<{ row: AlertRequestRow; created: boolean }> {
  return db.withTenant(tenantId, async (q) => {
    const [inserted] = await q.query<Raw>(
      `INSERT INTO api_alert_requests (id, tenant_id, key_id, key_name, idempotency_key, body_hash, prepared_alert, variables, test, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, 'waiting-for-desktop')
       ON CONFLICT (tenant_id, key_id, idempotency_key) DO NOTHING
       RETURNING ${COLUMNS}`,
      [
        randomUUID(),
        tenantId,
        r.keyId,
        r.keyName,
        r.idempotencyKey,
        r.bodyHash,
        r.preparedAlert,
        JSON.stringify({ values: r.variables, preparedAlertName: r.preparedAlertName, ...(r.cap ? { cap: r.cap } : {}) }),
        r.test,
      ],
    );
    if (inserted) {
      const row = toRow(inserted);
      await onCreated(q, row);
      return { row, created: true };
    }
    // The unique index waited for the concurrent insert to commit: the row is there now.
    const [existing] = await q.query<Raw>(
      `SELECT ${COLUMNS} FROM api_alert_requests WHERE tenant_id = $1 AND key_id = $2 AND idempotency_key = $3`,
      [tenantId, r.keyId, r.idempotencyKey],
    );
    if (!existing) throw new Error('an idempotent alert request conflicted but cannot be read');
    return { row: toRow(existing), created: false };
  });
}

export async function getAlertRequest(db: RelayDb, tenantId: string, id: string): Promise<AlertRequestRow | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const [row] = await db.withTenant(tenantId, (q) => q.query<Raw>(`SELECT ${COLUMNS} FROM api_alert_requests WHERE id = $1`, [id]));
  return row ? toRow(row) : null;
}

export async function findByIdempotencyKey(
  db: RelayDb,
  tenantId: string,
  keyId: string,
  idempotencyKey: string,
): Promise<AlertRequestRow | null> {
  const [row] = await db.withTenant(tenantId, (q) =>
    q.query<Raw>(`SELECT ${COLUMNS} FROM api_alert_requests WHERE key_id = $1 AND idempotency_key = $2`, [keyId, idempotencyKey]),
  );
  return row ? toRow(row) : null;
}

/** What desktops act on: requests nobody took yet, and those a key asked to cancel. */
export async function openAlertRequests(db: RelayDb, tenantId: string): Promise<AlertRequestRow[]> {
  const rows = await db.withTenant(tenantId, (q) =>
    q.query<Raw>(
      `SELECT ${COLUMNS} FROM api_alert_requests
        WHERE status IN ('waiting-for-desktop', 'cancelling')
        ORDER BY created_at, id LIMIT 200`,
    ),
  );
  return rows.map(toRow);
}

/** Takes a waiting request for this desktop: exactly one concurrent caller gets `claimed`. */
export async function claimAlertRequest(
  db: RelayDb,
  tenantId: string,
  id: string,
  deviceId: string,
): Promise<{ claimed: boolean; row: AlertRequestRow | null }> {
  return db.withTenant(tenantId, async (q) => {
    const [won] = await q.query<Raw>(
      `UPDATE api_alert_requests SET status = 'accepted', claimed_by = $2, claimed_at = now(), updated_at = now()
        WHERE id = $1 AND status = 'waiting-for-desktop' RETURNING ${COLUMNS}`,
      [id, deviceId],
    );
    if (won) return { claimed: true, row: toRow(won) };
    const [row] = await q.query<Raw>(`SELECT ${COLUMNS} FROM api_alert_requests WHERE id = $1`, [id]);
    return { claimed: false, row: row ? toRow(row) : null };
  });
}

/**
 * The claiming desktop's report of a step. Only the desktop that took the request moves it,
 * only forward, and never out of a final state; null when the request is not that desktop's.
 */
export async function updateAlertRequest(
  db: RelayDb,
  tenantId: string,
  id: string,
  deviceId: string,
  u: { status: ApiAlertRequestStatus; alertId?: string; reason?: { sv: string; en: string } },
): Promise<AlertRequestRow | null> {
  const [row] = await db.withTenant(tenantId, (q) =>
    q.query<Raw>(
      `UPDATE api_alert_requests
          SET status = $3, alert_id = coalesce($4, alert_id), problem = coalesce($5, problem), problem_en = coalesce($6, problem_en),
              updated_at = now()
        WHERE id = $1 AND claimed_by = $2 AND status NOT IN ('completed', 'cancelled', 'refused')
          AND NOT ($3 = 'awaiting-approval' AND status IN ('running', 'cancelling'))
          AND NOT ($3 = 'draft' AND status <> 'accepted')
          AND NOT ($3 = 'running' AND status = 'cancelling')
        RETURNING ${COLUMNS}`,
      [id, deviceId, u.status, u.alertId ?? null, u.reason?.sv ?? null, u.reason?.en ?? null],
    ),
  );
  return row ? toRow(row) : null;
}

/**
 * A key asks to cancel: a request nobody took is cancelled at once; one a desktop took is
 * marked `cancelling` for that desktop to cancel its alert. Null when already final.
 */
export async function requestCancel(
  db: RelayDb,
  tenantId: string,
  id: string,
  by: string,
  reason: { sv: string; en: string },
): Promise<AlertRequestRow | null> {
  const [row] = await db.withTenant(tenantId, (q) =>
    q.query<Raw>(
      `UPDATE api_alert_requests
          SET status = CASE WHEN status = 'waiting-for-desktop' THEN 'cancelled' ELSE 'cancelling' END,
              cancel_requested_by = $2, problem = $3, problem_en = $4, updated_at = now()
        WHERE id = $1 AND status NOT IN ('completed', 'cancelled', 'refused')
        RETURNING ${COLUMNS}`,
      [id, by, reason.sv, reason.en],
    ),
  );
  return row ? toRow(row) : null;
}
