// Password hashing with scrypt at OWASP's parameters (N=2^17, r=8, p=1: 128 MiB and about a
// second per hash here), through node:crypto, so the relay needs no native add-on. The
// parameters travel with each hash, so a later change of cost still verifies old hashes.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface PasswordCost {
  /** log2 of scrypt's N. OWASP: 17. */
  logN: number;
  r: number;
  p: number;
}

/** OWASP Password Storage Cheat Sheet: scrypt N=2^17, r=8, p=1. */
export const owaspScrypt: PasswordCost = { logN: 17, r: 8, p: 1 };

const KEY_BYTES = 32;
const SALT_BYTES = 16;
const FORMAT = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{43})$/;

function derive(password: string, salt: Buffer, cost: PasswordCost): Promise<Buffer> {
  const N = 2 ** cost.logN;
  return new Promise((resolve, reject) => {
    // maxmem: scrypt needs 128·N·r bytes; Node's default cap (32 MiB) is below OWASP's cost.
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

export async function hashPassword(password: string, cost: PasswordCost = owaspScrypt): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, cost);
  return `scrypt$${cost.logN}$${cost.r}$${cost.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = FORMAT.exec(stored);
  if (!m) return false;
  const cost = { logN: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (cost.logN < 10 || cost.logN > 22 || cost.r < 1 || cost.r > 32 || cost.p < 1 || cost.p > 16) return false;
  const key = await derive(password, Buffer.from(m[4]!, 'base64url'), cost);
  return timingSafeEqual(key, Buffer.from(m[5]!, 'base64url'));
}

/** The cost a stored hash was made with (null when it is not one of ours). */
export function costOf(stored: string): PasswordCost | null {
  const m = FORMAT.exec(stored);
  return m ? { logN: Number(m[1]), r: Number(m[2]), p: Number(m[3]) } : null;
}

/**
 * A hash of nothing anyone knows, at the given cost: verified against when a sign-in names an
 * unknown user, so the answer takes as long as for a known one (no user enumeration by timing).
 */
export function dummyHash(cost: PasswordCost): Promise<string> {
  return hashPassword(randomBytes(32).toString('base64url'), cost);
}

/** A readable generated password (the admin CLI prints it once): 20 characters, about 119 bits. */
export function generatePassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(20);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}
