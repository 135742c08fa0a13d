// The one entry point for provider events (status callbacks, keypresses, replies,
// opt-outs) into the campaign engine. `applyProviderEvents` is pure database work with no
// I/O, so the relay client can run it inside the same SQLite transaction that stores its
// stream cursor; each event is applied once (its key is remembered) and statuses only
// move forward (ranked, applied as a max), so any order and any duplication of the same
// events gives the same final states.
import {
  confirmationSchema,
  deliveryStateForRank,
  isFinalRank,
  rankOf,
  SUCCESS_RANK,
  formatConfirmedVia,
  formatEventDetail,
  formatStatusDetail,
  type Confirmation,
  type InboxMessage,
  type ProviderEvent,
} from '@gdial/protocol';
import { campaignName, campaignStatusAndSettings } from '../store/campaigns';
import { contactWithAddress } from '../store/contact-queries';
import type { Tx } from '../store/db';
import { addDeliveryEvent } from '../store/deliveries';
import { insertInboxMessage } from '../store/inbox';
import { addOptOut, removeOptOut } from '../store/opt-outs';
import {
  adoptFromStatus,
  applyDeliveryStatus,
  deliveryByProviderId,
  deliveryByToken,
  keepUnmatched,
  latestDeliveryTo,
  rememberEvent,
  setDeliveryState,
  type MatchedDelivery,
} from '../store/provider-events';
import { getRecipient } from '../store/recipients';
import { noteWhatsAppInbound } from '../store/whatsapp-sessions';
import { bindTelegramChat } from './telegram-links';
import { confirmRecipient, optOutRecipient, progressRecipient } from './outbox';

export interface AppliedEvents {
  applied: number;
  duplicates: number;
  /** Events that matched no delivery we know (another installation's, or very old). */
  unmatched: number;
  /** Campaigns whose progress changed. */
  campaignIds: Set<number>;
  /** Replies that went to the inbox, to announce once the transaction has committed. */
  inbox: InboxMessage[];
  /** A later step became due now: the dispatcher should look. */
  becameDue: boolean;
  /** Contacts whose Telegram chat a deep link just bound (contacts.changed once committed). */
  linkedContacts: number[];
}

type MatchRow = MatchedDelivery;

/** Replies are compared trimmed, without trailing punctuation, case-insensitively. */
export const normalizeReply = (text: string): string =>
  text
    .trim()
    .replace(/[.!?,;:)\s]+$/u, '')
    .toLocaleUpperCase('sv');

const DEFAULT_CONFIRMATION = confirmationSchema.parse({});

/**
 * Applies provider events inside the caller's transaction. No I/O: callers wake the
 * dispatcher and publish progress after committing (see CampaignService.handleProviderEvents).
 */
export function applyProviderEvents(tx: Tx, events: readonly ProviderEvent[], now: number = Date.now()): AppliedEvents {
  const result: AppliedEvents = {
    applied: 0,
    duplicates: 0,
    unmatched: 0,
    campaignIds: new Set(),
    inbox: [],
    becameDue: false,
    linkedContacts: [],
  };
  const confirmations = new Map<number, Confirmation>();
  const confirmationOf = (campaignId: number): Confirmation => {
    let c = confirmations.get(campaignId);
    if (!c) {
      const row = campaignStatusAndSettings(tx, campaignId);
      const parsed = row ? (JSON.parse(row.settings) as { confirmation?: unknown }) : {};
      c = confirmationSchema.parse(parsed.confirmation ?? {});
      confirmations.set(campaignId, c);
    }
    return c;
  };
  const find = (token: string | null, providerId: string | null): MatchRow | undefined =>
    (token ? deliveryByToken(tx, token) : undefined) ?? (providerId ? deliveryByProviderId(tx, providerId) : undefined);

  for (const ev of events) {
    const key = `${ev.type}|${ev.eventKey}`;
    if (!rememberEvent(tx, key, now)) {
      result.duplicates++;
      continue;
    }
    result.applied++;
    const at = Date.parse(ev.occurredAt);
    const when = Number.isFinite(at) ? at : now;
    switch (ev.type) {
      case 'status': {
        const row = find(ev.deliveryToken, ev.providerId);
        if (!row) {
          keepUnmatched(tx, key, ev, now);
          result.unmatched++;
          break;
        }
        const rank = rankOf(ev.status);
        const failing = isFinalRank(rank) && rank < SUCCESS_RANK;
        const answered = ev.status === 'answered' || ev.status === 'completed' ? (ev.answeredBy ?? 'unknown') : (ev.answeredBy ?? null);
        // The provider calling about a row whose send's answer never came has it: adopted, never sent again.
        if (ev.providerId && ev.provider) adoptFromStatus(tx, row.id, ev.provider, ev.providerId);
        const after = applyDeliveryStatus(tx, row.id, {
          rank,
          status: ev.status,
          errorCode: failing ? (ev.failure?.code ?? null) : null,
          error: failing ? (ev.failure?.message ?? null) : null,
          at: when,
          answeredBy: answered,
        });
        if (row.state !== 'skipped' && row.state !== 'cancelled' && row.state !== 'waiting') {
          const next = deliveryStateForRank(after.provider_rank, after.answered_by !== null);
          // Also moves a row queued again after a crash out of the queue: the provider has it.
          const settled = next === 'delivered' || next === 'failed';
          if (next !== row.state || settled) setDeliveryState(tx, row.id, next, settled ? when : null);
        }
        const detail = formatStatusDetail({
          status: ev.status,
          answeredBy: ev.answeredBy ?? null,
          failure: ev.failure ? { code: ev.failure.code, message: ev.failure.message } : null,
        });
        addDeliveryEvent(tx, row.id, when, 'status', detail);
        if (progressRecipient(tx, row.recipient_id, now)) result.becameDue = true;
        result.campaignIds.add(row.campaign_id);
        break;
      }
      case 'dtmf': {
        const row = find(ev.deliveryToken, ev.providerId);
        if (!row) {
          keepUnmatched(tx, key, ev, now);
          result.unmatched++;
          break;
        }
        const conf = confirmationOf(row.campaign_id);
        const confirms = conf.enabled && ev.digits !== '' && conf.dtmfDigits.includes(ev.digits.slice(0, 1));
        addDeliveryEvent(
          tx,
          row.id,
          when,
          'dtmf',
          formatEventDetail(ev.digits === '' ? { kind: 'no-key' } : { kind: 'pressed', digits: ev.digits, confirmed: confirms }),
        );
        if (confirms)
          confirmRecipient(
            tx,
            row.recipient_id,
            new Date(when),
            formatConfirmedVia({ how: 'key', digits: ev.digits, channel: 'voice', address: row.address }),
            now,
          );
        result.campaignIds.add(row.campaign_id);
        break;
      }
      case 'reply': {
        // Whatever they wrote opens WhatsApp's 24-hour window for free-form text.
        if (ev.channel === 'whatsapp') noteWhatsAppInbound(tx, ev.from, when);
        // "/start <token>" from a contact's t.me link binds their chat to the contact.
        const linked = ev.channel === 'telegram' ? bindTelegramChat(tx, ev.text, ev.from, now) : null;
        if (linked !== null) {
          result.linkedContacts.push(linked);
          break;
        }
        const channels = ev.channel === 'sms' || ev.channel === 'voice' ? ['sms', 'voice'] : [ev.channel];
        const row = find(ev.deliveryToken, null) ?? latestDeliveryTo(tx, ev.from, channels);
        const conf = row ? confirmationOf(row.campaign_id) : DEFAULT_CONFIRMATION;
        const text = normalizeReply(ev.text);
        const isStop = conf.stopKeywords.some((k) => normalizeReply(k) === text);
        const isConfirm = conf.enabled && conf.keywords.some((k) => normalizeReply(k) === text);
        if (isStop) {
          addOptOut(tx, { channel: ev.channel, address: ev.from, source: 'reply', note: `replied "${ev.text.slice(0, 40)}"` });
          if (row) {
            addDeliveryEvent(tx, row.id, when, 'reply', formatEventDetail({ kind: 'opted-out-by-reply', text }));
            optOutRecipient(tx, row.recipient_id, now);
            progressRecipient(tx, row.recipient_id, now);
            result.campaignIds.add(row.campaign_id);
          }
        } else if (isConfirm && row) {
          addDeliveryEvent(tx, row.id, when, 'reply', formatEventDetail({ kind: 'replied', text, confirmed: true }));
          confirmRecipient(
            tx,
            row.recipient_id,
            new Date(when),
            formatConfirmedVia({ how: 'reply', text, channel: ev.channel, address: ev.from }),
            now,
          );
          result.campaignIds.add(row.campaign_id);
        } else {
          const who = row ? getRecipient(tx, row.recipient_id) : null;
          const contact =
            who?.contact_id != null ? { id: who.contact_id, displayName: who.display_name } : contactWithAddress(tx, ev.channel, ev.from);
          const receivedAt = new Date(when).toISOString();
          const id = insertInboxMessage(tx, {
            eventKey: `${ev.type}|${ev.eventKey}`,
            receivedAt,
            channel: ev.channel,
            from: ev.from,
            text: ev.text,
            campaignId: row?.campaign_id ?? null,
            recipientId: row?.recipient_id ?? null,
            contactId: contact?.id ?? null,
          });
          if (row) addDeliveryEvent(tx, row.id, when, 'reply', formatEventDetail({ kind: 'unrecognised-reply' }));
          result.inbox.push({
            id,
            receivedAt,
            channel: ev.channel,
            from: ev.from,
            text: ev.text,
            campaignId: row?.campaign_id ?? null,
            campaignName: row ? campaignName(tx, row.campaign_id) : null,
            recipientId: row?.recipient_id ?? null,
            contactId: contact?.id ?? null,
            displayName: contact?.displayName ?? null,
            handled: false,
            handledBy: null,
            handledAt: null,
          });
          if (row) result.campaignIds.add(row.campaign_id);
        }
        break;
      }
      case 'opt-out': {
        addOptOut(tx, {
          channel: ev.channel,
          address: ev.channel === 'email' ? ev.address.toLowerCase() : ev.address,
          source: ev.reason === 'stop-keyword' ? 'reply' : 'provider',
          note: ev.reason,
        });
        const row = find(ev.deliveryToken, ev.providerId) ?? latestDeliveryTo(tx, ev.address, [ev.channel]);
        if (row) {
          addDeliveryEvent(tx, row.id, when, 'opt-out', ev.reason);
          optOutRecipient(tx, row.recipient_id, now);
          progressRecipient(tx, row.recipient_id, now);
          result.campaignIds.add(row.campaign_id);
        }
        break;
      }
      case 'opt-in':
        removeOptOut(tx, ev.channel, ev.address, ['reply', 'provider']);
        break;
      case 'engagement': {
        const row = find(ev.deliveryToken, ev.providerId);
        if (row) {
          addDeliveryEvent(tx, row.id, when, ev.action, ev.url);
          result.campaignIds.add(row.campaign_id);
        } else result.unmatched++;
        break;
      }
      default: {
        const never: never = ev;
        throw new Error(`unknown provider event ${JSON.stringify(never)}`);
      }
    }
  }
  return result;
}
