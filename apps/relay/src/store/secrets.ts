// Secrets at rest: device and enrolment tokens are random and stored only as SHA-256
// hashes; provider secrets the relay must use in clear (Twilio auth token, Telegram secret
// token) are AES-256-GCM encrypted with the key from RELAY_ENCRYPTION_KEY.
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A token: a readable prefix naming what it is for, the tenant id, then 32 random bytes. */
export function newToken(prefix: 'gdd' | 'gde' | 'gdk', tenantId: string): string {
  return `${prefix}_${tenantId}_${randomBytes(32).toString('base64url')}`;
}

/** The tenant a token claims to belong to; the hash lookup under that tenant decides. */
export function tokenTenant(token: string, prefix: 'gdd' | 'gde' | 'gdk'): string | null {
  const m = /^([a-z]{3})_([0-9a-f-]{36})_[A-Za-z0-9_-]{43}$/.exec(token);
  return m && m[1] === prefix ? m[2]! : null;
}

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export const randomId = (bytes = 32): string => randomBytes(bytes).toString('base64url');

/** Equal-time comparison of two strings of any length (hashing first equalises lengths). */
export function constantTimeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

const VERSION = 'v1';

export function encryptSecret(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), data.toString('base64')].join(':');
}

export function decryptSecret(key: Buffer, sealed: string): string {
  const [version, iv, tag, data] = sealed.split(':');
  if (version !== VERSION || !iv || !tag || data === undefined) throw new Error('Unrecognised encrypted secret format');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new Error('Cannot decrypt a stored provider secret: RELAY_ENCRYPTION_KEY differs from the key it was stored with');
  }
}
