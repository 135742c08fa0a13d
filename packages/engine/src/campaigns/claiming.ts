// Claiming, the dispatcher's first half: which due deliveries go out now. Alerts are
// claimed before outreach; a row the plan no longer needs (the person confirmed or opted
// out, the campaign was cancelled, an earlier step was delivered) is skipped instead of
// sent; the rest are marked in flight in the same transaction as the claim. A row marked
// "look up before sending" at a take-over goes in flight for the reconciler instead, which
// asks the provider whether the former owner sent it. When a provider is unavailable, rows
// whose plan has a later step fall through to it.
import { formatPathNote, type Channel } from '@gdial/protocol';
import type { Tx } from '../store/db';
import { addDeliveryEvent, skipDelivery } from '../store/deliveries';
import { dueDeliveries, fail, fallThroughCandidates, markLookingUp, markSending, type ClaimRow } from '../store/dispatch';
import { progressRecipient } from './outbox';

const PRIORITY_BANDS = [0, 1];

/** Why a due row is no longer needed, or null when it should be sent. */
export function skipReason(r: ClaimRow): string | null {
  return (
    (r.outcome === 'confirmed' && r.condition !== 'always' && 'already confirmed') ||
    (r.outcome === 'opted-out' && 'recipient opted out') ||
    (r.outcome === 'cancelled' && 'campaign cancelled') ||
    (r.opted_out && 'address opted out') ||
    (r.delivered_before && 'delivered by an earlier step') ||
    null
  );
}

/** How many rows one claim puts in flight to be looked up first (the reconciler asks 16 at a time). */
const LOOK_UP_PER_CLAIM = 200;

/**
 * Picks up to `limit` due rows of a channel (alerts first), skips those the plan no longer
 * needs, marks the rest `sending` and returns them. Rows to look up first go in flight too
 * but are not returned (nor counted against `limit`: a look-up sends nothing); their number
 * is added to `lookUps`, and the caller has the reconciler ask the provider about them.
 */
export function claimRows(
  tx: Tx,
  channel: Channel,
  limit: number,
  now: number,
  touched: Set<number>,
  lookUps: { count: number } = { count: 0 },
): ClaimRow[] {
  const out: ClaimRow[] = [];
  let lookedUp = 0;
  for (const band of PRIORITY_BANDS) {
    // Again while a batch held rows to look up (they took places of rows to send).
    for (let more = true; more && out.length < limit;) {
      const send: ClaimRow[] = [];
      const lookUp: number[] = [];
      for (const r of dueDeliveries(tx, channel, band, now, limit - out.length)) {
        const reason = skipReason(r);
        if (reason) {
          skipDelivery(tx, r.id, reason, now);
          progressRecipient(tx, r.recipient_id, now);
          touched.add(r.campaign_id);
          continue;
        }
        if (r.look_up) lookUp.push(r.id);
        else send.push(r);
      }
      if (send.length)
        markSending(
          tx,
          send.map((r) => r.id),
          now,
        );
      if (lookUp.length) markLookingUp(tx, lookUp, now);
      out.push(...send);
      lookedUp += lookUp.length;
      more = lookUp.length > 0 && lookedUp < LOOK_UP_PER_CLAIM;
    }
  }
  lookUps.count += lookedUp;
  return out;
}

/** An open circuit: due rows whose plan has a later step move on to it rather than wait. Returns the campaigns touched. */
export function fallThrough(tx: Tx, channel: Channel, provider: string, now: number): Set<number> {
  const touched = new Set<number>();
  for (const r of fallThroughCandidates(tx, channel, now)) {
    fail(tx, r.id, `${provider} unavailable (circuit open); moved on to the next step`, 'circuit-open', now);
    addDeliveryEvent(tx, r.id, now, 'failed', formatPathNote({ code: 'fell-through', provider }));
    progressRecipient(tx, r.recipient_id, now);
    touched.add(r.campaign_id);
  }
  return touched;
}
