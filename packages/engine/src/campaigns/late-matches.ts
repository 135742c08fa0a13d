// What a desktop learns about a delivery after something about it already came: a delivery
// that appears here (another desktop's operations), learns its provider id (a look-up found
// the former owner's send) or is taken over. Two kinds of news can have come first:
// - provider callbacks that matched no delivery; they were kept (see keepUnmatched) and are
//   applied now;
// - a confirmation reply ("1") from a person whose delivery this desktop did not yet know had
//   gone out (a replica's row still `queued`, a take-over's row before its look-up). It
//   matched nothing, so it waits in the inbox, where nothing is lost; once the delivery is
//   known sent it confirms the person (the reply came after the send) and the inbox item is
//   marked handled by GDial.
import { confirmationSchema, formatConfirmedVia, formatEventDetail } from '@gdial/protocol';
import { campaignStatusAndSettings } from '../store/campaigns';
import type { Tx } from '../store/db';
import { addDeliveryEvent } from '../store/deliveries';
import { markInbox } from '../store/inbox';
import { deliveryByToken, takeKept, takeKeptOfCampaign } from '../store/provider-events';
import { applyProviderEvents, normalizeReply, type AppliedEvents } from './events';
import { confirmRecipient, progressRecipient } from './outbox';

/** Who marks an inbox item handled when GDial itself matched it to its delivery. */
export const MATCHED_BY = 'GDial';
/**
 * A reply is an answer to a delivery only if it came after the send. The send time is the
 * sending desktop's clock and the reply's the provider's, so a little skew is allowed.
 */
const CLOCK_SKEW_MS = 5_000;

interface EarlyReply {
  message_id: number;
  text: string;
  channel: string;
  from_address: string;
  received_at: string;
  delivery_id: number;
  recipient_id: number;
  campaign_id: number;
  sent_at: number | null;
}

/** Unhandled replies that matched nothing, from the address of a delivery known to have gone out in a running alert. */
function earlyReplies(tx: Tx, of: { deliveryId: number } | { campaignId: number }): EarlyReply[] {
  const byDelivery = 'deliveryId' in of;
  return tx.statements
    .get<[number], EarlyReply>(
      `SELECT m.id AS message_id, m.text, m.channel, m.from_address, m.received_at,
              d.id AS delivery_id, d.recipient_id, d.campaign_id, d.sent_at
         FROM deliveries d
         JOIN campaigns c ON c.id = d.campaign_id
         JOIN campaign_recipients r ON r.id = d.recipient_id
         JOIN inbox_messages m ON m.from_address = d.address COLLATE NOCASE
        WHERE ${byDelivery ? 'd.id = ?' : 'd.campaign_id = ?'}
          AND (d.sent_at IS NOT NULL OR d.provider_rank > 0)
          AND c.status IN ('running', 'paused')
          AND r.outcome NOT IN ('confirmed', 'opted-out', 'cancelled')
          AND m.handled = 0 AND m.campaign_id IS NULL
          AND (m.channel = d.channel OR (m.channel = 'sms' AND d.channel = 'voice'))
        ORDER BY m.received_at, m.id`,
    )
    .all(byDelivery ? of.deliveryId : of.campaignId);
}

/** Confirms the people whose "1" came before this desktop knew their delivery had gone out. */
function confirmEarlyReplies(tx: Tx, of: { deliveryId: number } | { campaignId: number }, now: number, result: AppliedEvents): void {
  const keywords = new Map<number, ReadonlySet<string> | null>();
  const keywordsOf = (campaignId: number) => {
    if (!keywords.has(campaignId)) {
      const row = campaignStatusAndSettings(tx, campaignId);
      const c = confirmationSchema.parse(row ? ((JSON.parse(row.settings) as { confirmation?: unknown }).confirmation ?? {}) : {});
      keywords.set(campaignId, c.enabled ? new Set(c.keywords.map(normalizeReply)) : null);
    }
    return keywords.get(campaignId)!;
  };
  const done = new Set<number>();
  for (const x of earlyReplies(tx, of)) {
    if (done.has(x.recipient_id)) continue;
    const at = Date.parse(x.received_at);
    if (x.sent_at !== null && at < x.sent_at - CLOCK_SKEW_MS) continue; // an answer to something earlier
    const text = normalizeReply(x.text);
    if (!keywordsOf(x.campaign_id)?.has(text)) continue;
    addDeliveryEvent(tx, x.delivery_id, at, 'reply', formatEventDetail({ kind: 'replied', text, confirmed: true }));
    confirmRecipient(
      tx,
      x.recipient_id,
      new Date(at),
      formatConfirmedVia({ how: 'reply', text, channel: x.channel, address: x.from_address }),
      now,
    );
    markInbox(tx, [x.message_id], true, MATCHED_BY, new Date(now).toISOString());
    progressRecipient(tx, x.recipient_id, now);
    done.add(x.recipient_id);
    result.campaignIds.add(x.campaign_id);
  }
}

/**
 * Applies what came before a delivery was known here: the kept callbacks of one delivery (by
 * token or provider id) or of every delivery of a campaign, then the confirmations that
 * waited in the inbox. Null when nothing applied.
 */
export function applyLateMatches(
  tx: Tx,
  of: { token: string; providerId: string | null } | { campaignId: number },
  now: number = Date.now(),
): AppliedEvents | null {
  const kept = 'campaignId' in of ? takeKeptOfCampaign(tx, of.campaignId) : takeKept(tx, of.token, of.providerId);
  const result = applyProviderEvents(tx, kept, now);
  const delivery = 'campaignId' in of ? undefined : deliveryByToken(tx, of.token);
  if ('campaignId' in of) confirmEarlyReplies(tx, of, now, result);
  else if (delivery) confirmEarlyReplies(tx, { deliveryId: delivery.id }, now, result);
  return result.applied > 0 || result.campaignIds.size > 0 ? result : null;
}
