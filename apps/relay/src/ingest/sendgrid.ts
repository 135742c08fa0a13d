// SendGrid's event webhook: a JSON array of e-mail events, signed with ECDSA (P-256,
// SHA-256) over the timestamp header followed by the raw body, verified with the tenant's
// public verification key. Everything that knows a SendGrid field name is in this file.
//
// The signature is checked with node:crypto (OpenSSL), not in JavaScript: a forged post must
// cost the relay next to nothing. A timestamp outside a window around now is refused before
// any cryptography, so a captured post cannot be replayed later.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { AppendItem } from '../store/events';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from './limits';
import { jsonOrNull, webhookItem, type Verdict } from './webhook';

/** How far a signed timestamp may be from the relay's clock. */
export const SENDGRID_TIMESTAMP_WINDOW_SECONDS = 10 * 60;

/** Parsed keys by their configured text; a tenant has one, so this stays as small as the tenants. */
const keys = new Map<string, KeyObject>();

function publicKeyOf(configured: string): KeyObject {
  let key = keys.get(configured);
  if (!key) {
    key = configured.includes('BEGIN PUBLIC KEY')
      ? createPublicKey(configured)
      : createPublicKey({ key: Buffer.from(configured.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ec') throw new Error('not an EC key');
    if (keys.size >= 10_000) keys.clear();
    keys.set(configured, key);
  }
  return key;
}

export function verifySendgrid(
  publicKey: string | null,
  signature: string | undefined,
  timestamp: string | undefined,
  rawBody: Buffer,
  nowMs = Date.now(),
): Verdict {
  if (!publicKey) return { ok: false, reason: 'no SendGrid verification key configured for this tenant' };
  if (!signature || !timestamp) return { ok: false, reason: 'missing SendGrid signature or timestamp header' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'SendGrid timestamp is not a number of seconds' };
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > SENDGRID_TIMESTAMP_WINDOW_SECONDS)
    return { ok: false, reason: 'SendGrid timestamp is outside the accepted window' };
  try {
    const sig = Buffer.from(signature, 'base64');
    if (sig.length === 0 || sig.length > 80) return { ok: false, reason: 'SendGrid signature or key is malformed' };
    return verify('sha256', Buffer.concat([Buffer.from(timestamp), rawBody]), publicKeyOf(publicKey), sig)
      ? { ok: true }
      : { ok: false, reason: 'SendGrid signature does not match' };
  } catch {
    return { ok: false, reason: 'SendGrid signature or key is malformed' };
  }
}

const isEvent = (e: unknown): e is { sg_event_id: string } =>
  typeof e === 'object' &&
  e !== null &&
  typeof (e as { sg_event_id?: unknown }).sg_event_id === 'string' &&
  (e as { sg_event_id: string }).sg_event_id.length > 0;

/** A verified post's events: those that become log items, and why any others are refused. */
export interface SendgridBatch {
  items: AppendItem[];
  /** One line per refused event (by its position in the post). */
  refused: string[];
}

/**
 * The log items of a verified post, or why it holds none. One log entry per SendGrid event
 * (each keeps the array shape of the post), so a batch that is resent with a different
 * grouping still dedups event by event. An event nested deeper than any SendGrid sends is
 * refused on its own; the others of its post are still committed.
 */
export function sendgridItems(rawBody: Buffer, query: Record<string, string>): SendgridBatch | string {
  const events = jsonOrNull(rawBody);
  if (!Array.isArray(events) || events.length === 0 || !events.every(isEvent)) return 'body is not an array of events with sg_event_id';
  const batch: SendgridBatch = { items: [], refused: [] };
  (events as Array<{ sg_event_id: string }>).forEach((e, i) => {
    if (jsonDepthExceeds(e, MAX_JSON_DEPTH - 1)) batch.refused.push(`event ${i} is nested deeper than ${MAX_JSON_DEPTH} levels`);
    else batch.items.push(webhookItem('sendgrid.events', `sg:${e.sg_event_id}`, query, [e]));
  });
  return batch;
}
