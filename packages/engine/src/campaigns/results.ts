// Result writing, the dispatcher's second half: what each provider call's answer does to
// its delivery row inside the cycle's transaction. Accepted: the row is `sent` (or the
// state a callback that came first set); failed for now: queued again after a backoff, or
// failed when the attempts are spent; refused for good: failed (an opt-out is recorded);
// the answer unknown: the row stays in flight and is looked up at the provider.
import { deliveryStateForRank, FINAL_RANK, formatPathNote, rankOf, type Channel } from '@gdial/protocol';
import type { Logger } from '../log';
import { campaignStatusAndSettings } from '../store/campaigns';
import type { Tx } from '../store/db';
import { addDeliveryEvent } from '../store/deliveries';
import { answerLost, fail, requeue, setState, writeSent, type ClaimRow } from '../store/dispatch';
import { addOptOut } from '../store/opt-outs';
import { BURN_UNAVAILABLE } from '../burn/outgoing';
import { AUDIO_UNAVAILABLE } from './call-flows';
import { markRecipientsInProgress } from '../store/recipients';
import { backoffDelay, type BackoffPolicy, type CircuitBreaker, type TokenBucket } from './flow-control';
import { progressRecipient } from './outbox';
import type { ChannelSender, SendError, SendResult } from './ports';

/** The longest a delivery waits to be tried again after a failure of the path. */
export const PATH_RETRY_CAP_MS = 4_000;

/** The path a held voice step waits on when its audio must come from the relay's media store. */
const RELAY = 'relay';

/** One provider call that came back. */
export interface InFlight {
  row: ClaimRow;
  provider: string;
  outcome: SendResult;
  startedAt: number;
}

/** What the caller must do after the transaction commits. */
export interface WriteEffects {
  handedOver: number;
  cancelledCalls: { sender: ChannelSender; providerId: string }[];
  /** A send may have reached the provider without an answer: look it up. */
  lookUp: boolean;
}

/** What result writing needs of the dispatcher. */
export interface ResultContext {
  readonly log: Logger;
  readonly backoff: BackoffPolicy;
  breakerFor(provider: string): CircuitBreaker;
  /** The throughput of one provider on one channel. */
  bucket(channel: Channel, provider: string): TokenBucket | undefined;
  /** How many steps a campaign's plan has. */
  stepsOf(campaignId: number): number;
  /** The voice sender of a provider (to hang up its calls). */
  voiceSender(provider: string): ChannelSender | null;
  /** The channel's path is down (every provider of it is resting): Väntar på nät. */
  hold(tx: Tx, channel: Channel, provider: string, message: string, now: number): void;
  /** A send on the channel got through: it is no longer held. */
  release(tx: Tx, channel: Channel, now: number): void;
}

/** Writes send results: the state after each provider call, retries, failures, escalation. */
export function writeResults(tx: Tx, c: ResultContext, batch: readonly InFlight[], now: number, touched: Set<number>): WriteEffects {
  const effects: WriteEffects = { handedOver: 0, cancelledCalls: [], lookUp: false };
  const inProgress: number[] = [];
  for (const { row, provider, outcome } of batch) {
    touched.add(row.campaign_id);
    const breaker = c.breakerFor(provider);
    if (outcome.ok) {
      breaker.success();
      c.release(tx, row.channel, now);
      effects.handedOver++;
      const rank = rankOf(outcome.status) || rankOf('queued');
      const cur = writeSent(tx, row.id, { provider, providerId: outcome.providerId, rank, status: outcome.status, at: now });
      // When a callback got here before the provider's reply, the state it set stands.
      if (cur && cur.state === 'sent') {
        const st = deliveryStateForRank(cur.provider_rank, cur.answered_by !== null);
        if (st !== 'sent') setState(tx, row.id, st);
      }
      // The row itself (sent_at, provider, provider_id) is the timeline's "sent" entry.
      if (row.channel === 'voice' && (cur?.provider_rank ?? 0) < FINAL_RANK) {
        const status = campaignStatusAndSettings(tx, row.campaign_id)?.status;
        const sender = c.voiceSender(provider);
        if (status === 'cancelled' && sender?.hangUp) effects.cancelledCalls.push({ sender, providerId: outcome.providerId });
      }
    } else if (outcome.error.class === 'transient' && outcome.error.maybeSent) {
      // The provider may have it: the row stays `sending` and is looked up, not blindly re-sent.
      breaker.failure();
      answerLost(tx, row.id, provider);
      addDeliveryEvent(tx, row.id, now, 'unknown', formatPathNote({ code: 'answer-lost', provider, message: outcome.error.message }));
      effects.lookUp = true;
    } else {
      applyFailure(tx, c, row, provider, outcome.error, now, breaker);
    }
    if (outcome.ok && c.stepsOf(row.campaign_id) === 1) {
      // One step and it went out: the only possible change is pending → in-progress, done in bulk below.
      inProgress.push(row.recipient_id);
    } else {
      progressRecipient(tx, row.recipient_id, now);
    }
  }
  if (inProgress.length) markRecipientsInProgress(tx, inProgress);
  return effects;
}

function applyFailure(tx: Tx, c: ResultContext, row: ClaimRow, provider: string, f: SendError, now: number, breaker: CircuitBreaker): void {
  switch (f.class) {
    case 'transient':
    case 'auth':
    case 'rate-limited': {
      if (f.code === AUDIO_UNAVAILABLE || f.code === BURN_UNAVAILABLE) {
        // The call's audio is another desktop's and could not be fetched, or a burn message's
        // ciphertext could not be stored at the relay: nothing was sent and the provider is not
        // at fault (its circuit is left alone). The channel is held (Väntar på nät) until the
        // relay answers or the alert gives up, as for any path failure.
        requeue(tx, row.id, now + PATH_RETRY_CAP_MS, f.message, f.code);
        const note = {
          code: 'retry',
          provider: RELAY,
          failure: 'transient',
          message: f.message,
          inSeconds: PATH_RETRY_CAP_MS / 1000,
        } as const;
        addDeliveryEvent(tx, row.id, now, 'retry', formatPathNote(note));
        c.hold(tx, row.channel, RELAY, f.message, now);
        return;
      }
      // The path, not the person (see failure.ts): sent again later, however often, and the
      // person neither uses up attempts nor moves on.
      if (f.class === 'rate-limited') {
        c.bucket(row.channel, provider)?.pauseFor(f.retryAfterMs ?? 1000);
      } else if (f.class === 'auth') {
        // Refused credentials will not fix themselves: rest the provider now, so the next one in the channel's order carries on.
        breaker.trip();
      } else {
        breaker.failure();
      }
      // Never longer than the probe interval while held: the path's return is noticed within seconds.
      const delay = Math.min(
        backoffDelay(row.attempts + 1, c.backoff, f.class === 'rate-limited' ? f.retryAfterMs : null),
        f.class === 'rate-limited' && f.retryAfterMs !== null ? Infinity : PATH_RETRY_CAP_MS,
      );
      requeue(tx, row.id, now + delay, f.message, f.code || null);
      addDeliveryEvent(
        tx,
        row.id,
        now,
        'retry',
        formatPathNote({ code: 'retry', provider, failure: f.class, message: f.message, inSeconds: Math.round(delay / 100) / 10 }),
      );
      if (f.class === 'auth') c.log.error({ provider }, 'provider rejected our credentials');
      return;
    }
    case 'permanent':
    case 'invalid-recipient':
    case 'opted-out': {
      // The provider answered: it is up, the message is what it refused.
      breaker.success();
      fail(tx, row.id, f.message, f.code || null, now);
      addDeliveryEvent(tx, row.id, now, 'failed', formatPathNote({ code: 'refused', provider, failure: f.class, message: f.message }));
      if (f.class === 'opted-out')
        addOptOut(tx, {
          channel: row.channel,
          address: row.channel === 'email' ? row.address.toLowerCase() : row.address,
          source: 'provider',
          note: `${provider} reported an opt-out`,
        });
      return;
    }
    default: {
      const never: never = f.class;
      throw new Error(`unknown failure class ${String(never)}`);
    }
  }
}
