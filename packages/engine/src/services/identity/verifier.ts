// Password verifiers for signing in on this desktop: scrypt, memory-hard, with OWASP's
// parameters (N=2^17, r=8, p=1: 128 MiB and a few hundred milliseconds per try), so a
// stolen database does not give up passwords cheaply. Each verifier keeps the cost it was
// made with, so raising the cost later still verifies older ones.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { StoredVerifier } from '../../store/accounts';

export interface KdfCost {
  N: number;
  r: number;
  p: number;
}

/** OWASP Password Storage Cheat Sheet, scrypt: N=2^17, r=8, p=1. */
export const owaspScrypt: KdfCost = { N: 2 ** 17, r: 8, p: 1 };

/** For the demo's accounts only, whose passwords the sign-in page shows. */
export const demoScrypt: KdfCost = { N: 2 ** 12, r: 8, p: 1 };

const KEY_BYTES = 32;
const SALT_BYTES = 16;

function derive(password: string, salt: Buffer, cost: KdfCost): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node's default ceiling (32 MiB) is below OWASP's cost.
  const maxmem = 128 * cost.N * cost.r * 2;
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, { N: cost.N, r: cost.r, p: cost.p, maxmem }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function makeVerifier(password: string, cost: KdfCost): Promise<StoredVerifier> {
  const salt = randomBytes(SALT_BYTES);
  return { salt, hash: await derive(password, salt, cost), ...cost };
}

/** Whether the password matches, compared in constant time. */
export async function checkVerifier(password: string, v: StoredVerifier): Promise<boolean> {
  const key = await derive(password, v.salt, v);
  return key.length === v.hash.length && timingSafeEqual(key, v.hash);
}
