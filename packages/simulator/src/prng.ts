// Seeded randomness for the simulator. Every simulated entity (a message, a call, an
// email) draws from its own stream derived from the run's seed and the entity's id, so the
// outcome of one message does not depend on how many others were sent before it or on the
// order concurrent requests happened to arrive in.
import { createHash } from 'node:crypto';

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number;
}

/** A 32-bit seed from any list of strings (SHA-256, first four bytes). */
export function seedFrom(...parts: (string | number)[]): number {
  return createHash('sha256').update(parts.join('\u0000')).digest().readUInt32LE(0);
}

/** mulberry32: small, fast and good enough for simulated latencies and outcomes. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (min, max) => min + Math.floor(next() * (max - min + 1)) };
}

/** Deterministic hex of `length` characters for resource ids (SM…, CA…). */
export function hexId(seed: number, counter: number, length = 32): string {
  return createHash('sha256').update(`${seed}:${counter}`).digest('hex').slice(0, length);
}
