// Identity's SQL for sessions: a session family per sign-in on a desktop, and the hashes of
// the refresh tokens it was issued. Rotation, the grace window and reuse detection happen in
// one transaction with the presented token's row locked, so concurrent refreshes of the same
// token are decided one after the other (RFC 9700 §4.14.2).
import { randomUUID } from 'node:crypto';
import type { Role } from '@gdial/protocol';
import type { RelayDb } from './db';

export interface SessionUser {
  sessionId: string;
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  totpEnabled: boolean;
  deviceId: string;
  sessionExpiresAt: Date;
}

export async function createSession(
  db: RelayDb,
  tenantId: string,
  s: { userId: string; deviceId: string; deviceName: string; expiresAt: Date; refreshHash: string; refreshExpiresAt: Date },
): Promise<string> {
  const id = randomUUID();
  await db.withTenant(tenantId, async (q) => {
    await q.query(
      `INSERT INTO auth_sessions (id, tenant_id, user_id, device_id, device_name, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [id, tenantId, s.userId, s.deviceId, s.deviceName, s.expiresAt],
    );
    await q.query(`INSERT INTO refresh_tokens (token_hash, tenant_id, session_id, expires_at) VALUES ($1, $2, $3, $4)`, [
      s.refreshHash,
      tenantId,
      id,
      s.refreshExpiresAt,
    ]);
  });
  return id;
}

interface SessionUserRow {
  session_id: string;
  user_id: string;
  username: string;
  display_name: string;
  role: Role;
  totp_enabled: boolean;
  device_id: string;
  session_expires_at: Date;
}

const sessionUserOf = (r: SessionUserRow): SessionUser => ({
  sessionId: r.session_id,
  userId: r.user_id,
  username: r.username,
  displayName: r.display_name,
  role: r.role,
  totpEnabled: r.totp_enabled,
  deviceId: r.device_id,
  sessionExpiresAt: r.session_expires_at,
});

const LIVE_SESSION = `FROM auth_sessions s JOIN users u ON u.id = s.user_id JOIN devices d ON d.id = s.device_id
  WHERE s.revoked_at IS NULL AND s.expires_at > now() AND NOT u.disabled AND d.revoked_at IS NULL`;
const SESSION_USER_COLUMNS = `s.id AS session_id, u.id AS user_id, u.username, u.display_name, u.role,
  (u.totp_secret_enc IS NOT NULL) AS totp_enabled, s.device_id, s.expires_at AS session_expires_at`;

/**
 * The user behind an access token as the database has them now: null when the session was
 * revoked or ran out, the user disabled or the desktop revoked. The role is the current one,
 * so a role change holds from the next request, not when the token expires.
 */
export async function liveSession(
  db: RelayDb,
  tenantId: string,
  ids: { sessionId: string; userId: string; deviceId: string },
): Promise<SessionUser | null> {
  const [row] = await db.withTenant(tenantId, (q) =>
    q.query<SessionUserRow>(`SELECT ${SESSION_USER_COLUMNS} ${LIVE_SESSION} AND s.id = $1 AND u.id = $2 AND s.device_id = $3`, [
      ids.sessionId,
      ids.userId,
      ids.deviceId,
    ]),
  );
  return row ? sessionUserOf(row) : null;
}

export type RotateResult =
  /** The token was current: it is now used and its successor stored. */
  | { kind: 'rotated'; session: SessionUser }
  /** The token was rotated moments ago and its successor is still unused: the same successor again. */
  | { kind: 'grace'; session: SessionUser }
  /** An old token came back: the whole family is revoked. */
  | { kind: 'reuse'; sessionId: string; userId: string }
  /** Unknown, expired, another desktop's, or its family has ended. */
  | { kind: 'invalid' };

export async function rotateRefreshToken(
  db: RelayDb,
  tenantId: string,
  r: { tokenHash: string; successorHash: string; deviceId: string; graceSeconds: number; refreshTtlSeconds: number },
): Promise<RotateResult> {
  return db.withTenant(tenantId, async (q) => {
    const [token] = await q.query<{ session_id: string; used_at: Date | null; in_grace: boolean; expired: boolean }>(
      `SELECT session_id, used_at, (used_at > now() - make_interval(secs => $2)) AS in_grace, (expires_at <= now()) AS expired
         FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE`,
      [r.tokenHash, r.graceSeconds],
    );
    if (!token || token.expired) return { kind: 'invalid' };
    const [session] = await q.query<SessionUserRow>(`SELECT ${SESSION_USER_COLUMNS} ${LIVE_SESSION} AND s.id = $1`, [token.session_id]);
    if (!session || session.device_id !== r.deviceId) return { kind: 'invalid' };
    if (token.used_at === null) {
      await q.query(`UPDATE refresh_tokens SET used_at = now() WHERE token_hash = $1`, [r.tokenHash]);
      await q.query(
        `INSERT INTO refresh_tokens (token_hash, tenant_id, session_id, expires_at)
         VALUES ($1, $2, $3, LEAST(now() + make_interval(secs => $4), $5))`,
        [r.successorHash, tenantId, token.session_id, r.refreshTtlSeconds, session.session_expires_at],
      );
      await q.query(`UPDATE auth_sessions SET last_used_at = now() WHERE id = $1`, [token.session_id]);
      return { kind: 'rotated', session: sessionUserOf(session) };
    }
    if (token.in_grace) {
      const [successor] = await q.query<{ used_at: Date | null }>(`SELECT used_at FROM refresh_tokens WHERE token_hash = $1`, [
        r.successorHash,
      ]);
      if (successor && successor.used_at === null) return { kind: 'grace', session: sessionUserOf(session) };
    }
    await q.query(`UPDATE auth_sessions SET revoked_at = now(), revoked_reason = 'refresh-reuse' WHERE id = $1 AND revoked_at IS NULL`, [
      token.session_id,
    ]);
    return { kind: 'reuse', sessionId: token.session_id, userId: session.user_id };
  });
}

/** The expiry of a refresh token that is stored and unused (for answering a grace retry). */
export async function refreshTokenExpiry(db: RelayDb, tenantId: string, tokenHash: string): Promise<Date | null> {
  const [row] = await db.withTenant(tenantId, (q) =>
    q.query<{ expires_at: Date }>(`SELECT expires_at FROM refresh_tokens WHERE token_hash = $1`, [tokenHash]),
  );
  return row?.expires_at ?? null;
}

export type RevokeReason = 'sign-out' | 'admin' | 'user-disabled' | 'device-revoked' | 'password-changed';

/** Ends one session family; false when there was no live one with this id. */
export async function revokeSession(db: RelayDb, tenantId: string, sessionId: string, reason: RevokeReason): Promise<boolean> {
  const rows = await db.withTenant(tenantId, (q) =>
    q.query(`UPDATE auth_sessions SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id`, [
      sessionId,
      reason,
    ]),
  );
  return rows.length > 0;
}

/** Ends every live session of a user (or of a desktop), except `keep`; returns how many. */
export async function revokeSessionsOf(
  db: RelayDb,
  tenantId: string,
  of: { userId: string } | { deviceId: string },
  reason: RevokeReason,
  keep?: string,
): Promise<number> {
  const [column, id] = 'userId' in of ? ['user_id', of.userId] : ['device_id', of.deviceId];
  const rows = await db.withTenant(tenantId, (q) =>
    q.query(
      `UPDATE auth_sessions SET revoked_at = now(), revoked_reason = $2
        WHERE ${column} = $1 AND revoked_at IS NULL AND ($3::uuid IS NULL OR id <> $3) RETURNING id`,
      [id, reason, keep ?? null],
    ),
  );
  return rows.length;
}

export interface SessionRow {
  id: string;
  userId: string;
  username: string;
  displayName: string;
  deviceId: string;
  deviceName: string;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
}

/** The live sessions, most recently used first. */
export async function listSessions(db: RelayDb, tenantId: string): Promise<SessionRow[]> {
  const rows = await db.withTenant(tenantId, (q) =>
    q.query<{
      id: string;
      user_id: string;
      username: string;
      display_name: string;
      device_id: string;
      device_name: string;
      created_at: Date;
      last_used_at: Date;
      expires_at: Date;
    }>(
      `SELECT s.id, s.user_id, u.username, u.display_name, s.device_id, s.device_name, s.created_at, s.last_used_at, s.expires_at
       ${LIVE_SESSION} ORDER BY s.last_used_at DESC`,
    ),
  );
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    username: r.username,
    displayName: r.display_name,
    deviceId: r.device_id,
    deviceName: r.device_name,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    expiresAt: r.expires_at,
  }));
}

/** The name a desktop enrolled with. */
export async function enrolledDeviceName(db: RelayDb, tenantId: string, deviceId: string): Promise<string | null> {
  const [row] = await db.withTenant(tenantId, (q) => q.query<{ name: string }>(`SELECT name FROM devices WHERE id = $1`, [deviceId]));
  return row?.name ?? null;
}
