// Ending a wait for the path (Väntar på nät) before the path returns: the operator skips
// the channel (its waiting people move on to their next step now), or the alert's
// "give up after" runs out (they end as "Ej skickat – inget nät", which the roll-call
// counts apart from "Ej nådd": nobody tried to reach them). Both are audited. The people
// waiting are those queued on the channel and those whose row waits in flight for a
// provider to answer a lookup (found `sending` after a crash or a lost answer, with the
// path down): whether theirs went out before is not known, and their timeline says so.
import { campaignFieldsSchema, formatPathNote, refusal, type Channel } from '@gdial/protocol';
import { DomainError } from '../errors';
import { recordAudit } from '../store/audit';
import { getCampaign } from '../store/campaigns';
import type { Store, Tx } from '../store/db';
import { addDeliveryEvent } from '../store/deliveries';
import { campaignsQueuedOn, fail, queuedOnChannel, type InFlightRow } from '../store/dispatch';
import { HELD_SKIPPED, NO_NETWORK } from './failure';
import type { ChannelHolds } from './holds';
import { progressRecipient } from './outbox';

/** Rows in flight waiting for a lookup, by what they wait on. */
type LookingUp = readonly Pick<InFlightRow, 'id' | 'campaign_id' | 'recipient_id' | 'channel'>[];

/** Ends the wait of a campaign's people on one channel; returns how many deliveries it ended. */
export function endWaiting(
  tx: Tx,
  campaignId: number,
  channel: Channel,
  how: 'skip' | 'give-up',
  now: number,
  lookingUp: LookingUp = [],
): number {
  const queued = queuedOnChannel(tx, channel, campaignId);
  const inFlight = lookingUp.filter((r) => r.campaign_id === campaignId && r.channel === channel);
  const [error, code] =
    how === 'skip'
      ? ['skipped by the operator while the path was down', HELD_SKIPPED]
      : ['not sent: no network (the alert gave up waiting)', NO_NETWORK];
  const note = (lookingUp: boolean) => formatPathNote({ code: how === 'skip' ? 'skipped-held' : 'given-up', lookingUp });
  const [event, unknown] = [note(false), note(true)];
  let ended = 0;
  for (const r of queued) {
    fail(tx, r.id, error, code, now);
    addDeliveryEvent(tx, r.id, now, 'failed', event);
    ended++;
  }
  // `fail` touches only rows still in flight: one whose lookup has just been settled is left as it was.
  for (const r of inFlight)
    if (fail(tx, r.id, error, code, now)) {
      addDeliveryEvent(tx, r.id, now, 'failed', unknown);
      ended++;
    }
  for (const recipient of new Set([...queued, ...inFlight].map((r) => r.recipient_id))) progressRecipient(tx, recipient, now);
  return ended;
}

/** Gives up on the held channels of every running alert whose "give up after" has run out. Returns the campaigns touched. */
export function giveUpWaiting(store: Store, holds: ChannelHolds, now: number, lookingUp: LookingUp = []): Set<number> {
  const touched = new Set<number>();
  for (const [channel, hold] of holds.all()) {
    const waiting = new Set(campaignsQueuedOn(store.read, channel));
    for (const r of lookingUp) if (r.channel === channel) waiting.add(r.campaign_id);
    for (const id of waiting) {
      const c = getCampaign(store.read, id);
      if (!c || c.status !== 'running') continue;
      const minutes = campaignFieldsSchema.parse(c.settings).giveUpAfterMinutes;
      if (minutes === null || hold.since + minutes * 60_000 > now) continue;
      store.transaction((tx) => {
        const n = endWaiting(tx, id, channel, 'give-up', now, lookingUp);
        recordAudit(tx, 'GDial', {
          action: 'campaign.give-up',
          subjectType: 'campaign',
          subjectId: id,
          summary: `"${c.name}": ${n} ${channel} deliveries not sent, the path stayed down for ${minutes} minutes`,
          params: { name: c.name, channel, count: n, minutes },
        });
      });
      touched.add(id);
    }
  }
  return touched;
}

/** The operator skips a held channel of a running or paused alert (audited); returns how many deliveries it ended. */
export function skipHeldChannel(
  tx: Tx,
  r: { id: number; name: string; status: string },
  channel: Channel,
  actor: string,
  now: number,
  lookingUp: LookingUp = [],
): number {
  if (r.status !== 'running' && r.status !== 'paused')
    throw new DomainError(
      'CONFLICT',
      `Campaign ${r.id} is ${r.status}; only a running or paused alert has people waiting`,
      { status: r.status },
      refusal('campaign.nobody-waiting', { id: r.id, status: r.status }),
    );
  const n = endWaiting(tx, r.id, channel, 'skip', now, lookingUp);
  recordAudit(tx, actor, {
    action: 'campaign.skip-held',
    subjectType: 'campaign',
    subjectId: r.id,
    summary: `"${r.name}": ${n} ${channel} deliveries waiting for the network skipped; on to the next step`,
    params: { name: r.name, channel, count: n },
  });
  return n;
}
