// What every provider's webhook parser shares: the verdict of a signature check, the query
// of the URL the provider called, and the log item a verified event becomes. The
// provider-specific parts live beside this file, one module per provider (twilio.ts,
// sendgrid.ts, telegram.ts); the HTTP layer routes to them and answers.
import type { RawWebhook, WebhookKind } from '@gdial/protocol';
import type { AppendItem } from '../store/events';

export type Verdict = { ok: true } | { ok: false; reason: string };

/** Query parameters of a request URL as strings (first value of a repeated key). */
export function queryOf(url: string): Record<string, string> {
  const out: Record<string, string> = {};
  const q = url.indexOf('?');
  if (q >= 0) for (const [k, v] of new URLSearchParams(url.slice(q + 1))) if (!(k in out)) out[k] = v;
  return out;
}

/** The log item of one verified provider event; `eventKey` is the provider's own identity of it. */
export function webhookItem(kind: WebhookKind, eventKey: string, query: Record<string, string>, body: unknown): AppendItem {
  const webhook: RawWebhook = { kind, eventKey, receivedAt: new Date().toISOString(), query, body };
  return { eventKey, kind, event: { type: 'webhook', webhook } };
}

/** The body as JSON, or null when it is not JSON (the caller refuses it with 400). */
export function jsonOrNull(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    return null;
  }
}
