// Telegram's bot webhook: one JSON update per post, authenticated by the secret token the
// tenant gave setWebhook, echoed in a header. Everything that knows a Telegram field name
// is in this file.
import { constantTimeEqual } from '../store/secrets';
import type { AppendItem } from '../store/events';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from './limits';
import { jsonOrNull, webhookItem, type Verdict } from './webhook';

export function verifyTelegram(secretToken: string | null, header: string | undefined): Verdict {
  if (!secretToken) return { ok: false, reason: 'no Telegram secret token configured for this tenant' };
  if (!header) return { ok: false, reason: 'missing X-Telegram-Bot-Api-Secret-Token' };
  return constantTimeEqual(secretToken, header) ? { ok: true } : { ok: false, reason: 'Telegram secret token does not match' };
}

/** The log item of a verified update, or why it cannot be one. */
export function telegramItem(rawBody: Buffer, query: Record<string, string>): AppendItem | string {
  const update = jsonOrNull(rawBody);
  const updateId = typeof update === 'object' && update !== null ? (update as { update_id?: unknown }).update_id : undefined;
  if (typeof updateId !== 'number') return 'body is not a Telegram update with update_id';
  if (jsonDepthExceeds(update)) return `update is nested deeper than ${MAX_JSON_DEPTH} levels`;
  return webhookItem('telegram.update', `tg:${updateId}`, query, update);
}
