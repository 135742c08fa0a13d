// The tokens of a signed-in session. Access tokens are JWTs (RFC 7519) signed with HS256 under
// a key derived (HKDF, RFC 5869) from the relay's encryption key, so every instance verifies
// them without a lookup of the token itself. Refresh tokens are opaque and stored only as
// SHA-256 hashes; each one's successor is an HMAC of it under a second derived key, so a retry
// within the grace window gets the very same successor without the relay storing any token.
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { accessTokenClaimsSchema, type AccessTokenClaims } from '@gdial/protocol';

export interface TokenKeys {
  access: Buffer;
  refresh: Buffer;
}

/** Separate keys for separate purposes, none of them the encryption key itself. */
export function tokenKeys(encryptionKey: Buffer): TokenKeys {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', encryptionKey, 'gdial-relay-auth', info, 32));
  return { access: derive('access-token-hs256-v1'), refresh: derive('refresh-token-successor-v1') };
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const HEADER = b64({ alg: 'HS256', typ: 'JWT' });

export function signAccessToken(key: Buffer, claims: AccessTokenClaims): string {
  const body = `${HEADER}.${b64(claims)}`;
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

export type AccessVerdict = { ok: true; claims: AccessTokenClaims } | { ok: false; expired: boolean };

/**
 * Checks the signature (HS256 only: a header naming any other algorithm, "none" included, is
 * refused before anything else), the claims' shape and the expiry.
 */
export function verifyAccessToken(key: Buffer, token: string, nowMs: number): AccessVerdict {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, expired: false };
  const [header, payload, signature] = parts as [string, string, string];
  try {
    const h = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: unknown; typ?: unknown };
    if (h.alg !== 'HS256' || (h.typ !== undefined && h.typ !== 'JWT')) return { ok: false, expired: false };
  } catch {
    return { ok: false, expired: false };
  }
  const expected = createHmac('sha256', key).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, expired: false };
  let claims: AccessTokenClaims;
  try {
    const parsed = accessTokenClaimsSchema.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    if (!parsed.success) return { ok: false, expired: false };
    claims = parsed.data;
  } catch {
    return { ok: false, expired: false };
  }
  if (claims.exp * 1000 <= nowMs) return { ok: false, expired: true };
  return { ok: true, claims };
}

/** A refresh token: `gdr_<tenant id>_<43 base64url characters>` (the tenant says where to look it up). */
export function newRefreshToken(tenantId: string): string {
  return `gdr_${tenantId}_${randomBytes(32).toString('base64url')}`;
}

/** The token a refresh of `token` issues: the same for every retry, unguessable without the key. */
export function successorOf(key: Buffer, token: string): string {
  const tenantId = refreshTokenTenant(token);
  if (!tenantId) throw new Error('not a refresh token');
  return `gdr_${tenantId}_${createHmac('sha256', key).update(token).digest('base64url')}`;
}

export function refreshTokenTenant(token: string): string | null {
  const m = /^gdr_([0-9a-f-]{36})_[A-Za-z0-9_-]{43}$/.exec(token);
  return m ? m[1]! : null;
}

/** One-time invitation codes: 20 random bytes in a form that survives being read aloud or typed. */
export function newInvitationCode(tenantId: string): string {
  return `gdi_${tenantId}_${randomBytes(20).toString('base64url')}`;
}

export function invitationTenant(code: string): string | null {
  const m = /^gdi_([0-9a-f-]{36})_[A-Za-z0-9_-]{27}$/.exec(code);
  return m ? m[1]! : null;
}
