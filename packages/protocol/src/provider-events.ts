// Provider events in GDial's own words: what the engine learns from Twilio, SendGrid and
// Telegram after a send (status changes, keypresses, replies, opt-outs, email engagement),
// normalized by the engine's providers layer so nothing else knows a provider's field names.
// Statuses carry a rank (the one status order of GDial) so they are applied monotonically:
// late or duplicate callbacks never move a delivery backwards (delivered is never
// overwritten by sent).
import { z } from 'zod';
import { answeredByValues, deliveryStatuses } from './delivery-statuses';
import { channelSchema } from './contacts';
import { webhookProviders } from './webhooks';

export { answeredByValues, deliveryStatuses } from './delivery-statuses';
export const deliveryStatusSchema = z.enum(deliveryStatuses);
export type DeliveryStatus = z.infer<typeof deliveryStatusSchema>;

/**
 * The one order of provider statuses. Applying a status is a max() over this rank, so any
 * order and any duplication of the same events end in the same state and a late "sent"
 * never overwrites "delivered". Final statuses outrank every intermediate one; among
 * finals, success outranks failure, so a contradictory pair ("undelivered" then
 * "delivered") ends the same whatever order it arrives in.
 */
export const statusRank: Readonly<Record<DeliveryStatus, number>> = {
  // handed over
  queued: 10,
  deferred: 15, // e-mail: the receiving server said "later"; the provider retries
  sending: 20,
  sent: 30,
  ringing: 40,
  answered: 50,
  // final failures
  canceled: 80,
  failed: 81,
  undelivered: 82,
  'no-answer': 83,
  busy: 84,
  bounced: 85,
  dropped: 86,
  // final successes
  completed: 90,
  delivered: 91,
  read: 92,
};

/** Ranks from here on are final for the provider: nothing later changes the outcome. */
export const FINAL_RANK = 80;
/** Ranks from here on are final successes. */
export const SUCCESS_RANK = 90;

/** The rank of a status as stored (0 for one we do not know). */
export const rankOf = (status: string): number => (statusRank as Record<string, number | undefined>)[status] ?? 0;

/** Final for the provider: no further status will change the outcome. */
export const isFinalRank = (rank: number): boolean => rank >= FINAL_RANK;

/**
 * The delivery state a provider status rank means for a row the provider has. A call that
 * was answered counts as delivered before it completes, so escalation does not wait for the
 * hang-up to know the person was reached.
 */
export function deliveryStateForRank(rank: number, answered: boolean): 'sent' | 'delivered' | 'failed' {
  if (rank >= SUCCESS_RANK) return 'delivered';
  if (rank >= FINAL_RANK) return answered ? 'delivered' : 'failed';
  if (rank >= statusRank.answered) return 'delivered';
  return 'sent';
}

/**
 * What a failure means for the dispatcher: retry later (transient), wait and retry
 * (rate-limited), give up on this address (invalid-recipient, opted-out, permanent), or
 * stop the provider altogether until an operator fixes its credentials (auth).
 */
export const failureClasses = ['transient', 'rate-limited', 'permanent', 'auth', 'invalid-recipient', 'opted-out'] as const;
export const failureClassSchema = z.enum(failureClasses);
export type FailureClass = z.infer<typeof failureClassSchema>;

export const providerFailureSchema = z.object({
  class: failureClassSchema,
  /** The provider's own code as text ("30003", "bounce:5.1.1", "telegram:403"). */
  code: z.string(),
  message: z.string(),
});
export type ProviderFailure = z.infer<typeof providerFailureSchema>;

/** Who picked up a call, when answering-machine detection was on. */
export const answeredBySchema = z.enum(answeredByValues);
export type AnsweredBy = z.infer<typeof answeredBySchema>;

const eventBase = {
  /** Stable across redelivery of the same provider event; the engine dedups on it. */
  eventKey: z.string().min(1),
  provider: z.enum(webhookProviders),
  channel: channelSchema,
  /** Our delivery token when the provider echoed it (callback URL `?d=`, custom_args, button data). */
  deliveryToken: z.string().nullable(),
  /** The provider's id of the message, call or email (SM…, CA…, sg_message_id). */
  providerId: z.string().nullable(),
  /** ISO time the provider says it happened (or the relay received it). */
  occurredAt: z.string(),
};

export const providerEventSchema = z.discriminatedUnion('type', [
  z.object({
    ...eventBase,
    type: z.literal('status'),
    status: deliveryStatusSchema,
    failure: providerFailureSchema.nullable(),
    answeredBy: answeredBySchema.nullable(),
    /** Seconds an answered call lasted. */
    durationSec: z.number().int().nonnegative().nullable(),
  }),
  z.object({
    ...eventBase,
    type: z.literal('dtmf'),
    /** Keys the person pressed ("" when the gather timed out with none). */
    digits: z.string(),
  }),
  z.object({
    ...eventBase,
    type: z.literal('reply'),
    /** The person's address as the channel knows it (E.164 number, Telegram chat id). */
    from: z.string(),
    /** Our sender address the reply was sent to. */
    to: z.string(),
    text: z.string(),
    /** A voicemail left by someone who called the alert number back: the provider's recording. */
    voicemail: z.object({ recordingUrl: z.string(), durationSec: z.number().int().nonnegative().nullable() }).optional(),
  }),
  z.object({
    ...eventBase,
    type: z.literal('opt-out'),
    /** The address that must not be contacted on this channel any more. */
    address: z.string(),
    reason: z.enum(['stop-keyword', 'unsubscribe', 'spam-report', 'blocked-bot']),
  }),
  z.object({
    ...eventBase,
    type: z.literal('opt-in'),
    address: z.string(),
  }),
  z.object({
    ...eventBase,
    type: z.literal('engagement'),
    action: z.enum(['open', 'click']),
    url: z.string().nullable(),
  }),
]);
export type ProviderEvent = z.infer<typeof providerEventSchema>;
export type ProviderEventType = ProviderEvent['type'];
