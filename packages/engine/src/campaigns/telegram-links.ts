// Telegram has no phone numbers to send to: a person must start a chat with the bot first.
// Each contact gets a deep link, https://t.me/<bot>?start=<token> (shown as a QR code or
// sent to them), with a one-time unguessable token; when they press Start in Telegram, the
// bot receives "/start <token>" and their chat is bound to the contact, audited. A token
// that is unknown, already used or from another desktop binds nobody.
// The link can also be sent by SMS: the template variable {{telegram_link}} is each
// person's own link, and `linkAlert` makes a draft outreach alert with one SMS step to the
// people chosen who are not connected yet. It is reviewed and started like any alert, so it
// goes through the normal SMS path (opt-outs and do-not-contact, failover, holds).
import { randomBytes } from 'node:crypto';
import { audienceSchema, type Campaign, type CampaignFields, type TelegramLink, type TelegramLinkAlert } from '@gdial/protocol';
import type { EngineContext } from '../context';
import { notFound } from '../errors';
import { recordAudit } from '../store/audit';
import { contactDisplayName } from '../store/contacts';
import type { Reader, Tx } from '../store/db';
import { insertTelegramLink, openTelegramLink, useTelegramLink } from '../store/telegram-links';
import { getTemplate, listTemplateIds } from '../store/templates';
import { resolveAudience } from './audience';
import type { ChannelSenders } from './ports';
import { approveTemplate, createTemplate, variablesIn } from './templates';

/** Telegram's deep-link payload: 1–64 of A–Z a–z 0–9 _ -. */
const START = /^\/start(?:@\w+)?\s+([A-Za-z0-9_-]{1,64})\s*$/;

/** The actor of a binding the person made themselves. */
const VIA_LINK = 'Telegram-länk';

/** The actor of the built-in link template (its text is the product's, not an operator's). */
const BUILT_IN = 'GDial';

/** The SMS that sends a person their link, when no approved template of the organisation does. */
const LINK_TEMPLATE = {
  name: 'Koppla Telegram',
  description: 'Skickar personens egen länk till larmboten i Telegram (inbyggd mall).',
  variants: {
    sv: { sms: 'Du kan få larm i Telegram. Öppna länken och tryck Starta: {{telegram_link}} Länken är din egen och fungerar en gång.' },
    en: { sms: 'You can get alerts in Telegram. Open the link and press Start: {{telegram_link}} The link is yours and works once.' },
  },
  fallbacks: {},
};

const isTx = (db: Reader): db is Tx => 'changes' in db;

const freshToken = (): string => randomBytes(18).toString('base64url');

/** The contact's open link token, made now when they have none. */
function ensureLink(tx: Tx, contactId: number, now: number): string {
  const open = openTelegramLink(tx, contactId);
  if (open) return open.token;
  const token = freshToken();
  insertTelegramLink(tx, token, contactId, now);
  return token;
}

/** An approved template whose SMS sends the link (the newest), else the built-in one, made and approved now. */
function linkTemplateId(tx: Tx): number {
  const sendsLink = listTemplateIds(tx)
    .map((id) => getTemplate(tx, id)!)
    .filter(
      (t) =>
        t.status === 'approved' && (['sv', 'en'] as const).some((l) => variablesIn(t.variants[l]?.sms ?? '').includes('telegram_link')),
    )
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || b.id - a.id);
  if (sendsLink[0]) return sendsLink[0].id;
  const id = createTemplate(tx, LINK_TEMPLATE);
  approveTemplate(tx, id, BUILT_IN);
  recordAudit(tx, BUILT_IN, {
    action: 'template.create',
    subjectType: 'template',
    subjectId: id,
    summary: `Created template "${LINK_TEMPLATE.name}" (built in: the SMS with a person's Telegram link)`,
    params: { name: LINK_TEMPLATE.name },
  });
  recordAudit(tx, BUILT_IN, {
    action: 'template.approve',
    subjectType: 'template',
    subjectId: id,
    summary: `Approved template ${id} (built in)`,
    params: { id },
  });
  return id;
}

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
  /** The bot's username as Telegram last said it (the planner renders links synchronously). */
  private bot: string | null = null;

  constructor(
    private readonly ctx: EngineContext,
    private readonly senders: () => ChannelSenders,
  ) {}

  /** Asks Telegram for the bot's username; why there is none otherwise. */
  async botName(): Promise<string | { unavailable: 'no-telegram-bot' | 'provider-error' }> {
    const senders = this.senders();
    if (!senders.telegramBot) return { unavailable: 'no-telegram-bot' };
    const bot = await senders.telegramBot();
    if (!bot) return { unavailable: 'provider-error' };
    this.bot = bot;
    return bot;
  }

  /** Learns the bot's name before a plan or start whose template sends links, if it is not known yet. */
  async beforePlanning(templateId: number): Promise<void> {
    if (this.bot !== null) return;
    const t = getTemplate(this.ctx.store.read, templateId);
    const texts = (['sv', 'en'] as const).flatMap((l) => Object.values(t?.variants[l] ?? {}).filter((x) => typeof x === 'string'));
    if (texts.some((x) => variablesIn(x).includes('telegram_link'))) await this.botName();
  }

  /**
   * {{telegram_link}} for one contact: their open link; in the start transaction a new one
   * when they have none; in a preview an example of the same length. Null while the bot's
   * name is unknown (the person lacks the variable, and the review says so).
   */
  urlFor(db: Reader, contactId: number): string | null {
    if (this.bot === null) return null;
    const token = openTelegramLink(db, contactId)?.token ?? (isTx(db) ? ensureLink(db, contactId, Date.now()) : 'x'.repeat(24));
    return `https://t.me/${this.bot}?start=${token}`;
  }

  /** The contact's link (the same one until it is used), or why there is none. */
  async linkFor(contactId: number): Promise<TelegramLink> {
    if (contactDisplayName(this.ctx.store.read, contactId) === null) throw notFound('Contact', contactId);
    const bot = await this.botName();
    if (typeof bot !== 'string') return { unavailable: bot.unavailable, url: null, bot: null };
    const token = this.ctx.store.transaction((tx) => ensureLink(tx, contactId, Date.now()));
    return { unavailable: null, url: `https://t.me/${bot}?start=${token}`, bot };
  }

  /**
   * A draft outreach alert sending their links by SMS to the chosen contacts and members of
   * the chosen groups (with subgroups) who have no Telegram chat yet. `create` is the
   * campaign service's (audited in the operator's name).
   */
  async linkAlert(
    input: { name: string; contactIds: number[]; groupIds: number[] },
    create: (fields: CampaignFields) => Campaign,
  ): Promise<TelegramLinkAlert> {
    const bot = await this.botName();
    if (typeof bot !== 'string') return { unavailable: bot.unavailable, campaignId: null, contacts: 0, alreadyConnected: 0 };
    const chosen = this.ctx.store.transaction((tx) => {
      const audience = audienceSchema.parse({ contactIds: input.contactIds, groupIds: input.groupIds });
      const everyone = resolveAudience(tx, audience, null).contacts;
      const ids = everyone.filter((c) => c.telegramChatId === null).map((c) => c.id);
      if (ids.length === 0) return { ids, connected: everyone.length, templateId: null };
      const now = Date.now();
      for (const id of ids) ensureLink(tx, id, now);
      return { ids, connected: everyone.length - ids.length, templateId: linkTemplateId(tx) };
    });
    if (chosen.templateId === null)
      return { unavailable: 'all-connected', campaignId: null, contacts: 0, alreadyConnected: chosen.connected };
    const campaign = create({
      name: input.name,
      templateId: chosen.templateId,
      priority: 'outreach',
      audience: { contactIds: chosen.ids },
      steps: [{ channel: 'sms' }],
      confirmation: { enabled: false },
    });
    return { unavailable: null, campaignId: campaign.id, contacts: chosen.ids.length, alreadyConnected: chosen.connected };
  }
}
