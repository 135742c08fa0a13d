// SendGrid's event webhook: a JSON array of e-mail events, signed with ECDSA (P-256,
// SHA-256) over the timestamp header followed by the raw body, verified with the tenant's
// public verification key. Everything that knows a SendGrid field name is in this file.
import { EventWebhook } from '@sendgrid/eventwebhook';
import type { AppendItem } from '../store/events';
import { jsonOrNull, webhookItem, type Verdict } from './webhook';

const sendgrid = new EventWebhook();

export function verifySendgrid(
  publicKey: string | null,
  signature: string | undefined,
  timestamp: string | undefined,
  rawBody: Buffer,
): Verdict {
  if (!publicKey) return { ok: false, reason: 'no SendGrid verification key configured for this tenant' };
  if (!signature || !timestamp) return { ok: false, reason: 'missing SendGrid signature or timestamp header' };
  try {
    const key = sendgrid.convertPublicKeyToECDSA(publicKey);
    return sendgrid.verifySignature(key, rawBody, signature, timestamp)
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

/**
 * The log items of a verified post, or why it holds none. One log entry per SendGrid event
 * (each keeps the array shape of the post), so a batch that is resent with a different
 * grouping still dedups event by event.
 */
export function sendgridItems(rawBody: Buffer, query: Record<string, string>): AppendItem[] | string {
  const events = jsonOrNull(rawBody);
  if (!Array.isArray(events) || events.length === 0 || !events.every(isEvent)) return 'body is not an array of events with sg_event_id';
  return (events as Array<{ sg_event_id: string }>).map((e) => webhookItem('sendgrid.events', `sg:${e.sg_event_id}`, query, [e]));
}
