// Telegram deep-link tokens (telegram_links): the one-time token in a contact's
// t.me/<bot>?start=<token> link, and binding the chat that used it to the contact. The
// tokens are local to this desktop and not organisation data, so only the contact's new
// chat id is in the change set (it travels to the other desktops with the contact).
import type { Reader, Tx } from './db';

export interface TelegramLinkRow {
  token: string;
  contact_id: number;
  created_at: number;
  used_at: number | null;
  chat_id: string | null;
}

/** The contact's newest unused link, if any. */
export function openTelegramLink(r: Reader, contactId: number): TelegramLinkRow | null {
  return (
    r.statements
      .get<[number], TelegramLinkRow>(
        'SELECT * FROM telegram_links WHERE contact_id = ? AND used_at IS NULL ORDER BY created_at DESC LIMIT 1',
      )
      .get(contactId) ?? null
  );
}

export function insertTelegramLink(tx: Tx, token: string, contactId: number, now: number): void {
  tx.statements
    .get<[string, number, number]>('INSERT INTO telegram_links (token, contact_id, created_at) VALUES (?, ?, ?)')
    .run(token, contactId, now);
}

/**
 * Uses a token: binds `chatId` to its contact and marks the link used. Returns the contact,
 * or null for an unknown or already used token (nothing changes then).
 */
export function useTelegramLink(tx: Tx, token: string, chatId: string, now: number, nowIso: string): number | null {
  const contactId = tx.statements
    .pluck<[number, string, string], number>(
      'UPDATE telegram_links SET used_at = ?, chat_id = ? WHERE token = ? AND used_at IS NULL RETURNING contact_id',
    )
    .get(now, chatId, token);
  if (contactId === undefined) return null;
  const changed = tx.statements
    .get<[string, string, number]>('UPDATE contacts SET telegram_chat_id = ?, updated_at = ? WHERE id = ?')
    .run(chatId, nowIso, contactId).changes;
  if (changed === 0) return null;
  tx.changes.record('contacts', [contactId], 'update', ['telegram_chat_id', 'updated_at']);
  return contactId;
}
