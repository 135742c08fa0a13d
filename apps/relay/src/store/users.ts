// Identity's SQL for people: users (password hash, sealed TOTP secret, lockout counters),
// one-time invitations and the relay's audit of sign-ins and administration. Every statement
// runs as the application role with the tenant set, so row-level security keeps
// organisations apart whatever an id names.
import { randomUUID } from 'node:crypto';
import type { AuthAuditAction, AuthAuditEntry, Role } from '@gdial/protocol';
import type { RelayDb, SqlExecutor } from './db';

export interface UserRow {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  passwordHash: string;
  totpSecretEnc: string | null;
  totpPendingEnc: string | null;
  totpLastStep: number | null;
  disabled: boolean;
  failedSignIns: number;
  lockedUntil: Date | null;
  lastSignInAt: Date | null;
  createdAt: Date;
}

const USER_COLUMNS = `id, username, display_name, role, password_hash, totp_secret_enc, totp_pending_enc, totp_last_step,
  disabled, failed_sign_ins, locked_until, last_sign_in_at, created_at`;

interface UserDbRow {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  password_hash: string;
  totp_secret_enc: string | null;
  totp_pending_enc: string | null;
  totp_last_step: string | number | null;
  disabled: boolean;
  failed_sign_ins: number;
  locked_until: Date | null;
  last_sign_in_at: Date | null;
  created_at: Date;
}

const userOf = (r: UserDbRow): UserRow => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  role: r.role,
  passwordHash: r.password_hash,
  totpSecretEnc: r.totp_secret_enc,
  totpPendingEnc: r.totp_pending_enc,
  totpLastStep: r.totp_last_step === null ? null : Number(r.totp_last_step),
  disabled: r.disabled,
  failedSignIns: r.failed_sign_ins,
  lockedUntil: r.locked_until,
  lastSignInAt: r.last_sign_in_at,
  createdAt: r.created_at,
});

export async function findUserByUsername(db: RelayDb, tenantId: string, username: string): Promise<UserRow | null> {
  const [row] = await db.withTenant(tenantId, (q) =>
    q.query<UserDbRow>(`SELECT ${USER_COLUMNS} FROM users WHERE username = $1`, [username]),
  );
  return row ? userOf(row) : null;
}

export async function findUserById(db: RelayDb, tenantId: string, id: string): Promise<UserRow | null> {
  const [row] = await db.withTenant(tenantId, (q) => q.query<UserDbRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]));
  return row ? userOf(row) : null;
}

export async function listUsers(db: RelayDb, tenantId: string): Promise<UserRow[]> {
  const rows = await db.withTenant(tenantId, (q) => q.query<UserDbRow>(`SELECT ${USER_COLUMNS} FROM users ORDER BY username`));
  return rows.map(userOf);
}

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  passwordHash: string;
}

async function insertUser(q: SqlExecutor, tenantId: string, u: NewUser): Promise<UserRow | null> {
  const [row] = await q.query<UserDbRow>(
    `INSERT INTO users (id, tenant_id, username, display_name, role, password_hash) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (tenant_id, username) DO NOTHING RETURNING ${USER_COLUMNS}`,
    [randomUUID(), tenantId, u.username, u.displayName, u.role, u.passwordHash],
  );
  return row ? userOf(row) : null;
}

/** The new user, or null when the username is taken in this tenant. */
export async function createUser(db: RelayDb, tenantId: string, u: NewUser): Promise<UserRow | null> {
  return db.withTenant(tenantId, (q) => insertUser(q, tenantId, u));
}

export interface UserChange {
  displayName?: string;
  role?: Role;
  disabled?: boolean;
  unlock?: boolean;
}

export type UpdateUserResult = { ok: true; before: UserRow; after: UserRow } | { ok: false; problem: 'not-found' | 'last-admin' };

/**
 * Changes a user; refuses to leave the organisation without an active administrator (the
 * admins are locked while it checks, so two concurrent demotions cannot both pass).
 */
export async function updateUser(db: RelayDb, tenantId: string, id: string, change: UserChange): Promise<UpdateUserResult> {
  return db.withTenant(tenantId, async (q) => {
    const admins = await q.query<{ id: string }>(`SELECT id FROM users WHERE role = 'admin' AND NOT disabled ORDER BY id FOR UPDATE`);
    const [current] = await q.query<UserDbRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1 FOR UPDATE`, [id]);
    if (!current) return { ok: false, problem: 'not-found' };
    const before = userOf(current);
    const losesAdmin = before.role === 'admin' && !before.disabled && ((change.role ?? 'admin') !== 'admin' || change.disabled === true);
    if (losesAdmin && admins.filter((a) => a.id !== id).length === 0) return { ok: false, problem: 'last-admin' };
    const [row] = await q.query<UserDbRow>(
      `UPDATE users SET display_name = COALESCE($2, display_name), role = COALESCE($3, role), disabled = COALESCE($4, disabled),
              failed_sign_ins = CASE WHEN $5 THEN 0 ELSE failed_sign_ins END,
              locked_until = CASE WHEN $5 THEN NULL ELSE locked_until END
        WHERE id = $1 RETURNING ${USER_COLUMNS}`,
      [id, change.displayName ?? null, change.role ?? null, change.disabled ?? null, change.unlock === true],
    );
    return { ok: true, before, after: userOf(row!) };
  });
}

export async function setPasswordHash(db: RelayDb, tenantId: string, id: string, passwordHash: string): Promise<boolean> {
  const rows = await db.withTenant(tenantId, (q) =>
    q.query(`UPDATE users SET password_hash = $2, failed_sign_ins = 0, locked_until = NULL WHERE id = $1 RETURNING id`, [id, passwordHash]),
  );
  return rows.length > 0;
}

/**
 * Counts a failed sign-in; the `attempts`-th in a row locks the user for `lockMinutes`.
 * Returns whether this failure started a lockout and until when.
 */
export async function recordFailedSignIn(
  db: RelayDb,
  tenantId: string,
  id: string,
  attempts: number,
  lockMinutes: number,
): Promise<{ lockedNow: boolean; lockedUntil: Date | null }> {
  const [row] = await db.withTenant(tenantId, (q) =>
    q.query<{ failed_sign_ins: number; locked_until: Date | null }>(
      `UPDATE users SET failed_sign_ins = failed_sign_ins + 1,
              locked_until = CASE WHEN failed_sign_ins + 1 >= $2 THEN now() + make_interval(mins => $3) ELSE locked_until END
        WHERE id = $1 RETURNING failed_sign_ins, locked_until`,
      [id, attempts, lockMinutes],
    ),
  );
  return { lockedNow: row !== undefined && row.failed_sign_ins === attempts, lockedUntil: row?.locked_until ?? null };
}

/** A good sign-in: clears the failures (a lockout that ran out too) and records the TOTP step used. */
export async function recordSignIn(db: RelayDb, tenantId: string, id: string, totpStep: number | null): Promise<void> {
  await db.withTenant(tenantId, (q) =>
    q.query(
      `UPDATE users SET failed_sign_ins = 0, locked_until = NULL, last_sign_in_at = now(),
              totp_last_step = COALESCE($2, totp_last_step) WHERE id = $1`,
      [id, totpStep],
    ),
  );
}

/**
 * Claims a TOTP step for a user: true only if it is later than the last one used, so the
 * same code cannot be replayed (RFC 6238 §5.2), even by two concurrent sign-ins.
 */
export async function claimTotpStep(db: RelayDb, tenantId: string, id: string, step: number): Promise<boolean> {
  const rows = await db.withTenant(tenantId, (q) =>
    q.query(`UPDATE users SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING id`, [
      id,
      step,
    ]),
  );
  return rows.length > 0;
}

export async function setTotpPending(db: RelayDb, tenantId: string, id: string, sealed: string): Promise<void> {
  await db.withTenant(tenantId, (q) => q.query(`UPDATE users SET totp_pending_enc = $2 WHERE id = $1`, [id, sealed]));
}

/** Makes the pending secret the active one (after a code from it was checked) and remembers the step used. */
export async function activateTotp(db: RelayDb, tenantId: string, id: string, sealed: string, step: number): Promise<boolean> {
  const rows = await db.withTenant(tenantId, (q) =>
    q.query(
      `UPDATE users SET totp_secret_enc = $2, totp_pending_enc = NULL, totp_last_step = $3 WHERE id = $1 AND totp_pending_enc = $2 RETURNING id`,
      [id, sealed, step],
    ),
  );
  return rows.length > 0;
}

export async function clearTotp(db: RelayDb, tenantId: string, id: string): Promise<void> {
  await db.withTenant(tenantId, (q) =>
    q.query(`UPDATE users SET totp_secret_enc = NULL, totp_pending_enc = NULL, totp_last_step = NULL WHERE id = $1`, [id]),
  );
}

// ── invitations ─────────────────────────────────────────────────────────────────────────

export interface InvitationRow {
  id: string;
  role: Role;
  createdBy: string | null;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  usedBy: string | null;
  revokedAt: Date | null;
}

export async function createInvitation(
  db: RelayDb,
  tenantId: string,
  inv: { codeHash: string; role: Role; createdBy: string | null; expiresAt: Date },
): Promise<string> {
  const id = randomUUID();
  await db.withTenant(tenantId, (q) =>
    q.query(`INSERT INTO invitations (id, tenant_id, code_hash, role, created_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`, [
      id,
      tenantId,
      inv.codeHash,
      inv.role,
      inv.createdBy,
      inv.expiresAt,
    ]),
  );
  return id;
}

export async function listInvitations(db: RelayDb, tenantId: string): Promise<InvitationRow[]> {
  const rows = await db.withTenant(tenantId, (q) =>
    q.query<{
      id: string;
      role: Role;
      created_by: string | null;
      created_at: Date;
      expires_at: Date;
      used_at: Date | null;
      used_by: string | null;
      revoked_at: Date | null;
    }>(`SELECT id, role, created_by, created_at, expires_at, used_at, used_by, revoked_at FROM invitations ORDER BY created_at DESC`),
  );
  return rows.map((r) => ({
    id: r.id,
    role: r.role,
    createdBy: r.created_by,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    usedAt: r.used_at,
    usedBy: r.used_by,
    revokedAt: r.revoked_at,
  }));
}

export async function revokeInvitation(db: RelayDb, tenantId: string, id: string): Promise<boolean> {
  const rows = await db.withTenant(tenantId, (q) =>
    q.query(`UPDATE invitations SET revoked_at = now() WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL RETURNING id`, [id]),
  );
  return rows.length > 0;
}

export type AcceptResult = { ok: true; user: UserRow; invitationId: string } | { ok: false; problem: 'invalid' | 'username-taken' };

/**
 * Uses an invitation and creates its user in one transaction: the invitation row is claimed
 * first (so of two concurrent accepts exactly one gets it), and a taken username rolls the
 * claim back, leaving the invitation usable.
 */
export async function acceptInvitation(
  db: RelayDb,
  tenantId: string,
  codeHash: string,
  user: Omit<NewUser, 'role'>,
): Promise<AcceptResult> {
  const taken = new Error('username taken');
  try {
    return await db.withTenant(tenantId, async (q) => {
      const [inv] = await q.query<{ id: string; role: Role }>(
        `UPDATE invitations SET used_at = now() WHERE code_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()
         RETURNING id, role`,
        [codeHash],
      );
      if (!inv) return { ok: false as const, problem: 'invalid' as const };
      const created = await insertUser(q, tenantId, { ...user, role: inv.role });
      if (!created) throw taken;
      await q.query(`UPDATE invitations SET used_by = $2 WHERE id = $1`, [inv.id, created.id]);
      return { ok: true as const, user: created, invitationId: inv.id };
    });
  } catch (err) {
    if (err === taken) return { ok: false, problem: 'username-taken' };
    throw err;
  }
}

// ── audit ───────────────────────────────────────────────────────────────────────────────

export interface AuditInput {
  action: AuthAuditAction;
  actorUserId?: string | null;
  actorUsername?: string | null;
  deviceId?: string | null;
  subject?: string | null;
  detail?: AuthAuditEntry['detail'];
}

/** Stores an entry; returns it as GET /audit shows it. */
export async function appendAudit(db: RelayDb, tenantId: string, e: AuditInput): Promise<AuthAuditEntry> {
  const entry = {
    action: e.action,
    actorUserId: e.actorUserId ?? null,
    actorUsername: e.actorUsername ?? null,
    deviceId: e.deviceId ?? null,
    subject: e.subject ?? null,
    detail: e.detail ?? {},
  };
  const [row] = await db.withTenant(tenantId, (q) =>
    q.query<{ id: string | number; at: Date }>(
      `INSERT INTO auth_audit (tenant_id, action, actor_user_id, actor_username, device_id, subject, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)
       RETURNING id, at`,
      [tenantId, entry.action, entry.actorUserId, entry.actorUsername, entry.deviceId, entry.subject, JSON.stringify(entry.detail)],
    ),
  );
  return { id: Number(row!.id), at: row!.at.toISOString(), ...entry };
}

/** The newest entries first, `before` an id for the next page. */
export async function listAudit(db: RelayDb, tenantId: string, limit: number, before?: number): Promise<AuthAuditEntry[]> {
  const rows = await db.withTenant(tenantId, (q) =>
    q.query<{
      id: string | number;
      at: Date;
      action: AuthAuditAction;
      actor_user_id: string | null;
      actor_username: string | null;
      device_id: string | null;
      subject: string | null;
      detail: AuthAuditEntry['detail'] | string;
    }>(
      `SELECT id, at, action, actor_user_id, actor_username, device_id, subject, detail FROM auth_audit
        WHERE ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $1`,
      [limit, before ?? null],
    ),
  );
  return rows.map((r) => ({
    id: Number(r.id),
    at: r.at.toISOString(),
    action: r.action,
    actorUserId: r.actor_user_id,
    actorUsername: r.actor_username,
    deviceId: r.device_id,
    subject: r.subject,
    detail: typeof r.detail === 'string' ? (JSON.parse(r.detail) as AuthAuditEntry['detail']) : r.detail,
  }));
}
