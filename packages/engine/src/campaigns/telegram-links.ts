// Telegram has no phone numbers to send to: a person must start a chat with the bot first.
// Each contact gets a deep link, https://t.me/<bot>?start=<token> (shown as a QR code or
// sent to them), with a one-time unguessable token; when they press Start in Telegram, the
// bot receives "/start <token>" and their chat is bound to the contact, audited. A token
// that is unknown, already used or from another desktop binds nobody.
import { randomBytes } from 'node:crypto';
import type { TelegramLink } from '@gdial/protocol';
import type { EngineContext } from '../context';
import { notFound } from '../errors';
import { recordAudit } from '../store/audit';
import { contactDisplayName } from '../store/contacts';
import type { Tx } from '../store/db';
import { insertTelegramLink, openTelegramLink, useTelegramLink } from '../store/telegram-links';
import type { ChannelSenders } from './ports';

/** Telegram's deep-link payload: 1–64 of A–Z a–z 0–9 _ -. */
const START = /^\/start(?:@\w+)?\s+([A-Za-z0-9_-]{1,64})\s*$/;

/** The actor of a binding the person made themselves. */
const VIA_LINK = 'Telegram-länk';

/** Binds the chat of a "/start <token>" message to the token's contact; the contact's id, or null. */
export function bindTelegramChat(tx: Tx, text: string, chatId: string, now: number): number | null {
  const token = START.exec(text.trim())?.[1];
  if (!token) return null;
  const contactId = useTelegramLink(tx, token, chatId, now, new Date(now).toISOString());
  if (contactId === null) return null;
  recordAudit(tx, VIA_LINK, {
    action: 'contact.updated',
    subjectType: 'contact',
    subjectId: contactId,
    summary: `Contact #${contactId} connected their Telegram chat through their link`,
    params: { id: contactId, fields: 'telegramChatId' },
  });
  return contactId;
}

export class TelegramLinks {
  constructor(
    private readonly ctx: EngineContext,
    private readonly senders: () => ChannelSenders,
  ) {}

  /** The contact's link (the same one until it is used), or why there is none. */
  async linkFor(contactId: number): Promise<TelegramLink> {
    if (contactDisplayName(this.ctx.store.read, contactId) === null) throw notFound('Contact', contactId);
    const senders = this.senders();
    if (!senders.telegramBot) return { unavailable: 'no-telegram-bot', url: null, bot: null };
    const bot = await senders.telegramBot();
    if (!bot) return { unavailable: 'provider-error', url: null, bot: null };
    const token = this.ctx.store.transaction((tx) => {
      const open = openTelegramLink(tx, contactId);
      if (open) return open.token;
      const fresh = randomBytes(18).toString('base64url');
      insertTelegramLink(tx, fresh, contactId, Date.now());
      return fresh;
    });
    return { unavailable: null, url: `https://t.me/${bot}?start=${token}`, bot };
  }
}
