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
import { earlyReplies, markInbox } from '../store/inbox';
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
