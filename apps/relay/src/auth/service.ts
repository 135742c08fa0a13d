// Signing in and staying signed in: password (scrypt) and optional TOTP on an enrolled
// desktop, lockout after repeated failures, short-lived access tokens and rotating refresh
// tokens with reuse detection and a grace window (RFC 9700 §4.14.2), sign-out, password and
// second-factor changes. Every outcome the console may show carries a Swedish message.
import {
  accessTokenLifetimeSeconds,
  refreshGraceSeconds,
  signInLockout,
  type AccessTokenClaims,
  type AuthAuditEntry,
  type AuthErrorCode,
  type AuthUser,
  type Role,
  type SignInResponse,
  type TotpSetupResponse,
} from '@gdial/protocol';
import type { RelayDb } from '../store/db';
import { decryptSecret, encryptSecret, hashToken } from '../store/secrets';
import {
  createSession,
  enrolledDeviceName,
  liveSession,
  refreshTokenExpiry,
  revokeSession,
  revokeSessionsOf,
  rotateRefreshToken,
  type SessionUser,
} from '../store/sessions';
import {
  activateTotp,
  appendAudit,
  claimTotpStep,
  clearTotp,
  findUserById,
  findUserByUsername,
  recordFailedSignIn,
  recordSignIn,
  setPasswordHash,
  setTotpPending,
  type AuditInput,
  type UserRow,
} from '../store/users';
import { dummyHash, hashPassword, owaspScrypt, verifyPassword, type PasswordCost } from './passwords';
import { newRefreshToken, refreshTokenTenant, signAccessToken, successorOf, tokenKeys, verifyAccessToken, type TokenKeys } from './tokens';
import { newTotpSecret, otpauthUri, verifyTotp } from './totp';

/** A session family lasts this long at most, however often it is refreshed. */
export const SESSION_MAX_DAYS = 30;
/** A refresh token not used for this long has expired (the desktop was off too long: sign in again). */
export const REFRESH_TTL_SECONDS = 14 * 86_400;

export interface AuthFailure {
  status: number;
  code: AuthErrorCode;
  /** Swedish, shown as is. */
  message: string;
  retryAfterSeconds?: number;
  requiredRoles?: Role[];
  /** An API key's refusal: the scope the route needs. */
  requiredScope?: string;
}
export type AuthResult<T> = { ok: true; value: T } | { ok: false; failure: AuthFailure };

export const fail = (status: number, code: AuthErrorCode, message: string, extra: Partial<AuthFailure> = {}): AuthResult<never> => ({
  ok: false,
  failure: { status, code, message, ...extra },
});
const ok = <T>(value: T): AuthResult<T> => ({ ok: true, value });

/** The desktop making the call, as its device token identified it. */
export interface CallingDevice {
  tenantId: string;
  tenantSlug: string;
  deviceId: string;
}

/** The signed-in user behind an access token, checked against the database. */
export interface Caller extends CallingDevice {
  user: SessionUser;
}

export const toAuthUser = (u: {
  userId?: string;
  id?: string;
  username: string;
  displayName: string;
  role: Role;
  totpEnabled: boolean;
}): AuthUser => ({
  id: (u.userId ?? u.id)!,
  username: u.username,
  displayName: u.displayName,
  role: u.role,
  totpEnabled: u.totpEnabled,
});
export const userRowToAuthUser = (u: UserRow): AuthUser => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  role: u.role,
  totpEnabled: u.totpSecretEnc !== null,
});

const minutesUntil = (d: Date, now: number) => Math.max(1, Math.ceil((d.getTime() - now) / 60_000));

export class AuthService {
  readonly keys: TokenKeys;
  private dummy: Promise<string> | undefined;

  constructor(
    readonly db: RelayDb,
    private readonly encryptionKey: Buffer,
    /** OWASP's scrypt cost unless a test lowers it; stored hashes keep their own. */
    readonly passwordCost: PasswordCost = owaspScrypt,
    private readonly now: () => number = Date.now,
    /** Told of every audit entry once stored: the composition copies it into the organisation's shared audit. */
    private readonly onAudit: (tenantId: string, entry: AuthAuditEntry) => Promise<void> = () => Promise.resolve(),
  ) {
    this.keys = tokenKeys(encryptionKey);
  }

  async audit(tenantId: string, e: AuditInput): Promise<void> {
    await this.onAudit(tenantId, await appendAudit(this.db, tenantId, e));
  }

  /**
   * Stores an audit entry, runs `between` with it, and only then shares the entry with the
   * desktops: what it is about (a contact the API wrote, in operations numbered from the
   * entry's id) reaches them before the entry that names it.
   */
  async auditAround<T>(tenantId: string, e: AuditInput, between: (entry: AuthAuditEntry) => Promise<T>): Promise<T> {
    const entry = await appendAudit(this.db, tenantId, e);
    const result = await between(entry);
    await this.onAudit(tenantId, entry);
    return result;
  }

  hashPassword(password: string): Promise<string> {
    return hashPassword(password, this.passwordCost);
  }

  /** Verifies a password against a user's hash, or against a throwaway one when there is no user (same time either way). */
  private async passwordMatches(user: UserRow | null, password: string): Promise<boolean> {
    if (user) return verifyPassword(password, user.passwordHash);
    await verifyPassword(password, await (this.dummy ??= dummyHash(this.passwordCost)));
    return false;
  }

  async signIn(
    device: CallingDevice,
    input: { username: string; password: string; totp?: string | undefined; deviceName?: string | undefined },
  ): Promise<AuthResult<SignInResponse>> {
    const { tenantId, deviceId } = device;
    const now = this.now();
    const user = await findUserByUsername(this.db, tenantId, input.username);
    if (user?.lockedUntil && user.lockedUntil.getTime() > now) {
      await this.audit(tenantId, {
        action: 'sign-in-failed',
        actorUserId: user.id,
        actorUsername: user.username,
        deviceId,
        detail: { reason: 'locked' },
      });
      return this.lockedFailure(user.lockedUntil, now);
    }
    const refused = async (reason: string, code: AuthErrorCode, message: string, status = 401): Promise<AuthResult<never>> => {
      await this.audit(tenantId, {
        action: 'sign-in-failed',
        actorUserId: user?.id ?? null,
        actorUsername: user?.username ?? input.username,
        deviceId,
        detail: { reason },
      });
      if (user) {
        const lock = await recordFailedSignIn(this.db, tenantId, user.id, signInLockout.attempts, signInLockout.minutes);
        if (lock.lockedNow && lock.lockedUntil) {
          await this.audit(tenantId, {
            action: 'lockout',
            actorUserId: user.id,
            actorUsername: user.username,
            deviceId,
            subject: user.id,
            detail: { until: lock.lockedUntil.toISOString(), attempts: signInLockout.attempts },
          });
          return this.lockedFailure(lock.lockedUntil, now);
        }
      }
      return fail(status, code, message);
    };
    if (!(await this.passwordMatches(user, input.password)) || !user) {
      return refused('password', 'invalid-credentials', 'Fel användarnamn eller lösenord.');
    }
    let totpStep: number | null = null;
    if (user.totpSecretEnc) {
      if (!input.totp) return fail(401, 'totp-required', 'Ange engångskoden från din autentiseringsapp.');
      const step = verifyTotp(decryptSecret(this.encryptionKey, user.totpSecretEnc), input.totp, now, user.totpLastStep);
      if (step === null || !(await claimTotpStep(this.db, tenantId, user.id, step))) {
        return refused('totp', 'totp-invalid', 'Engångskoden stämmer inte eller är redan använd. Vänta på nästa kod och försök igen.');
      }
      totpStep = step;
    }
    if (user.disabled) return refused('disabled', 'user-disabled', 'Kontot är avstängt. Kontakta en administratör.', 403);
    await recordSignIn(this.db, tenantId, user.id, totpStep);
    const refreshToken = newRefreshToken(tenantId);
    const sessionExpiresAt = new Date(now + SESSION_MAX_DAYS * 86_400_000);
    const refreshExpiresAt = new Date(Math.min(now + REFRESH_TTL_SECONDS * 1000, sessionExpiresAt.getTime()));
    const deviceName = input.deviceName ?? (await enrolledDeviceName(this.db, tenantId, deviceId)) ?? 'Okänd arbetsplats';
    const sessionId = await createSession(this.db, tenantId, {
      userId: user.id,
      deviceId,
      deviceName,
      expiresAt: sessionExpiresAt,
      refreshHash: hashToken(refreshToken),
      refreshExpiresAt,
    });
    await this.audit(tenantId, {
      action: 'sign-in',
      actorUserId: user.id,
      actorUsername: user.username,
      deviceId,
      subject: sessionId,
      detail: { totp: totpStep !== null },
    });
    return ok(this.pair(device, { ...userRowToAuthUser(user), sessionId }, refreshToken, refreshExpiresAt));
  }

  private lockedFailure(until: Date, now: number): AuthResult<never> {
    const minutes = minutesUntil(until, now);
    return fail(
      403,
      'locked',
      `Kontot är låst efter ${signInLockout.attempts} misslyckade inloggningar. Försök igen om ${minutes} minuter eller be en administratör låsa upp det.`,
      { retryAfterSeconds: Math.ceil((until.getTime() - now) / 1000) },
    );
  }

  private pair(
    device: CallingDevice,
    user: AuthUser & { sessionId: string },
    refreshToken: string,
    refreshExpiresAt: Date,
  ): SignInResponse {
    const iat = Math.floor(this.now() / 1000);
    const claims: AccessTokenClaims = {
      sub: user.id,
      tenant: device.tenantSlug,
      role: user.role,
      sid: user.sessionId,
      did: device.deviceId,
      iat,
      exp: iat + accessTokenLifetimeSeconds,
    };
    const { sessionId, ...authUser } = user;
    return {
      tenant: device.tenantSlug,
      accessToken: signAccessToken(this.keys.access, claims),
      accessExpiresAt: new Date(claims.exp * 1000).toISOString(),
      refreshToken,
      refreshExpiresAt: refreshExpiresAt.toISOString(),
      sessionId,
      user: authUser,
    };
  }

  async refresh(device: CallingDevice, refreshToken: string): Promise<AuthResult<SignInResponse>> {
    const ended = fail(401, 'session-ended', 'Sessionen har upphört. Logga in igen.');
    if (refreshTokenTenant(refreshToken) !== device.tenantId) return ended;
    const successor = successorOf(this.keys.refresh, refreshToken);
    const r = await rotateRefreshToken(this.db, device.tenantId, {
      tokenHash: hashToken(refreshToken),
      successorHash: hashToken(successor),
      deviceId: device.deviceId,
      graceSeconds: refreshGraceSeconds,
      refreshTtlSeconds: REFRESH_TTL_SECONDS,
    });
    switch (r.kind) {
      case 'invalid':
        return ended;
      case 'reuse':
        await this.audit(device.tenantId, {
          action: 'refresh-reuse',
          actorUserId: r.userId,
          deviceId: device.deviceId,
          subject: r.sessionId,
          detail: { revoked: 'session-family' },
        });
        return ended;
      case 'rotated':
      case 'grace': {
        const expires = (await refreshTokenExpiry(this.db, device.tenantId, hashToken(successor))) ?? new Date(this.now());
        return ok(this.pair(device, { ...toAuthUser(r.session), sessionId: r.session.sessionId }, successor, expires));
      }
      default:
        return r satisfies never;
    }
  }

  /** An access token's claims once its signature, algorithm and expiry check out. */
  verifyAccess(token: string): AuthResult<AccessTokenClaims> {
    const v = verifyAccessToken(this.keys.access, token, this.now());
    if (v.ok) return ok(v.claims);
    return v.expired
      ? fail(401, 'token-expired', 'Inloggningen har gått ut; förnya den och försök igen.')
      : fail(401, 'unauthorized', 'Du är inte inloggad (ogiltig åtkomsttoken).');
  }

  /** The session an access token's claims name, if it is still live (tenant already resolved from the claims). */
  async callerOf(claims: AccessTokenClaims, tenantId: string): Promise<AuthResult<Caller>> {
    const user = await liveSession(this.db, tenantId, { sessionId: claims.sid, userId: claims.sub, deviceId: claims.did });
    if (!user) return fail(401, 'session-ended', 'Sessionen har upphört. Logga in igen.');
    return ok({ tenantId, tenantSlug: claims.tenant, deviceId: claims.did, user });
  }

  async signOut(caller: Caller): Promise<void> {
    if (await revokeSession(this.db, caller.tenantId, caller.user.sessionId, 'sign-out')) {
      await this.audit(caller.tenantId, {
        action: 'sign-out',
        actorUserId: caller.user.userId,
        actorUsername: caller.user.username,
        deviceId: caller.deviceId,
        subject: caller.user.sessionId,
      });
    }
  }

  async changePassword(caller: Caller, current: string, next: string): Promise<AuthResult<true>> {
    const user = await findUserById(this.db, caller.tenantId, caller.user.userId);
    if (!user || !(await verifyPassword(current, user.passwordHash)))
      return fail(403, 'invalid-credentials', 'Nuvarande lösenord stämmer inte.');
    await setPasswordHash(this.db, caller.tenantId, user.id, await this.hashPassword(next));
    // Other sign-ins made with the old password end; this one stays.
    await revokeSessionsOf(this.db, caller.tenantId, { userId: user.id }, 'password-changed', caller.user.sessionId);
    await this.audit(caller.tenantId, {
      action: 'password-changed',
      actorUserId: user.id,
      actorUsername: user.username,
      deviceId: caller.deviceId,
      subject: user.id,
    });
    return ok(true);
  }

  async totpSetup(caller: Caller): Promise<TotpSetupResponse> {
    const secret = newTotpSecret();
    await setTotpPending(this.db, caller.tenantId, caller.user.userId, encryptSecret(this.encryptionKey, secret));
    return { secret, otpauthUri: otpauthUri(secret, 'GDial', `${caller.user.username}@${caller.tenantSlug}`) };
  }

  async totpConfirm(caller: Caller, code: string): Promise<AuthResult<AuthUser>> {
    const user = await findUserById(this.db, caller.tenantId, caller.user.userId);
    if (!user?.totpPendingEnc) return fail(409, 'validation', 'Starta inställningen av engångskoder först.');
    const step = verifyTotp(decryptSecret(this.encryptionKey, user.totpPendingEnc), code, this.now(), null);
    if (step === null || !(await activateTotp(this.db, caller.tenantId, user.id, user.totpPendingEnc, step))) {
      return fail(400, 'totp-invalid', 'Engångskoden stämmer inte. Kontrollera klockan i telefonen och försök igen.');
    }
    await this.audit(caller.tenantId, {
      action: 'totp-enabled',
      actorUserId: user.id,
      actorUsername: user.username,
      deviceId: caller.deviceId,
      subject: user.id,
    });
    return ok({ ...userRowToAuthUser(user), totpEnabled: true });
  }

  async totpDisable(caller: Caller, password: string): Promise<AuthResult<AuthUser>> {
    const user = await findUserById(this.db, caller.tenantId, caller.user.userId);
    if (!user || !(await verifyPassword(password, user.passwordHash))) return fail(403, 'invalid-credentials', 'Lösenordet stämmer inte.');
    await clearTotp(this.db, caller.tenantId, user.id);
    await this.audit(caller.tenantId, {
      action: 'totp-disabled',
      actorUserId: user.id,
      actorUsername: user.username,
      deviceId: caller.deviceId,
      subject: user.id,
    });
    return ok({ ...userRowToAuthUser(user), totpEnabled: false });
  }
}
