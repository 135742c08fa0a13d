// Outgoing webhooks' rules as pure functions: the signing secret and the Standard Webhooks
// signature, the retry schedule with its jitter, which progress thresholds a change crosses,
// and the stable ids that let a receiver de-duplicate. The SQL is in store.ts, the sending in
// dispatcher.ts, the production of events from synced alerts in producer.ts.
import { createHash, createHmac, randomBytes } from 'node:crypto';

/** `whsec_` + base64 of 32 random bytes (the Standard Webhooks secret format). */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

/** The HMAC key of a `whsec_` secret: the base64 after the prefix, decoded. */
export function secretKey(secret: string): Buffer {
  if (!secret.startsWith('whsec_')) throw new Error('not a webhook secret (whsec_…)');
  return Buffer.from(secret.slice('whsec_'.length), 'base64');
}

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` for one secret. */
export function signatureOf(secret: string, id: string, timestampSeconds: number, body: string): string {
  return `v1,${createHmac('sha256', secretKey(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;
}

/** The webhook-signature header: one signature per live secret, space separated (the new first during a rotation). */
export const signatureHeader = (secrets: readonly string[], id: string, timestampSeconds: number, body: string): string =>
  secrets.map((s) => signatureOf(s, id, timestampSeconds, body)).join(' ');

/** The webhook-id of an event for a subscription: derived, so producing it twice gives the same row. */
export const messageId = (subscriptionId: string, eventKey: string): string =>
  `msg_${createHash('sha256').update(`${subscriptionId}\u0000${eventKey}`).digest('base64url').slice(0, 27)}`;

/**
 * Waits after each failed attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 8 h, 8 h (the first attempt
 * is immediate). After the last one a delivery is failed, about 23.6 h after its event.
 */
export const RETRY_SCHEDULE_MS: readonly number[] = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 28_800_000, 28_800_000];

/** Attempts in all: the first and one per wait. */
export const MAX_ATTEMPTS = RETRY_SCHEDULE_MS.length + 1;

/** ±20 % of the wait, so endpoints that failed together are not retried together. */
export const JITTER = 0.2;

/**
 * When to try again after `attempts` failed attempts (counting the one that just failed), or
 * null when that was the last. `random` is in [0, 1).
 */
export function nextAttemptDelay(attempts: number, random: number): number | null {
  const wait = RETRY_SCHEDULE_MS[attempts - 1];
  if (wait === undefined) return null;
  return Math.round(wait * (1 - JITTER + 2 * JITTER * random));
}

/** How an attempt ended, as the dispatcher decides from the endpoint's answer. */
export type AttemptVerdict = 'delivered' | 'retry' | 'gone';

export function verdictOf(status: number | null): AttemptVerdict {
  if (status !== null && status >= 200 && status < 300) return 'delivered';
  // 410 Gone: the receiver says the endpoint is no more; the subscription is turned off.
  if (status === 410) return 'gone';
  return 'retry';
}

export interface Counts {
  recipients: number;
  confirmed: number;
  reached: number;
}

/** A share in whole percent, rounded down (50 % is reached at exactly half). */
export const percentOf = (part: number, whole: number): number => (whole <= 0 ? 0 : Math.floor((100 * part) / whole));

/** The thresholds (multiples of `step`, at most 100) passed going from `before` % to `after` %. */
export function crossedThresholds(before: number, after: number, step: number): number[] {
  const out: number[] = [];
  if (step < 1) return out;
  for (let t = step; t <= 100; t += step) if (before < t && t <= after) out.push(t);
  return out;
}
