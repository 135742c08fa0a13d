// Provider events in GDial's own words: what the engine learns from Twilio, SendGrid and
// Telegram after a send (status changes, keypresses, replies, opt-outs, email engagement),
// normalized by the engine's providers layer so nothing else knows a provider's field names.
// Statuses carry a rank so they are applied monotonically: late or duplicate callbacks
// never move a delivery backwards (delivered is never overwritten by sent).
import { z } from 'zod';
import { channelSchema } from './contacts';
import { webhookProviders } from './webhooks';

/** Every status a provider can report for one delivery, across channels. */
export const deliveryStatuses = [
  'queued', // accepted by the provider, not yet handed on (Twilio queued/accepted, SendGrid processed)
  'deferred', // email: the receiving server said "try later"; the provider retries
  'sending',
  'sent', // handed to the carrier / Telegram accepted it
  'ringing', // voice
  'answered', // voice: picked up (by a person or a machine; see answeredBy)
  'delivered', // handset / mailbox received it
  'read', // WhatsApp read receipt, email opened
  'completed', // voice: an answered call ended normally
  'undelivered', // carrier could not deliver (async error code says why)
  'failed', // provider could not send
  'busy',
  'no-answer',
  'canceled',
  'bounced',
  'dropped', // email: the provider refused to send (suppression list)
] as const;
export const deliveryStatusSchema = z.enum(deliveryStatuses);
export type DeliveryStatus = z.infer<typeof deliveryStatusSchema>;

/**
 * Order in which statuses may follow each other. An event is applied only when its rank is
 * higher than the current one; outcomes share a rank so the first outcome wins, except
 * that `read` and `completed` refine an earlier success.
 */
export const statusRank: Record<DeliveryStatus, number> = {
  queued: 10,
  deferred: 15,
  sending: 20,
  sent: 30,
  ringing: 30,
  answered: 40,
  delivered: 50,
  undelivered: 50,
  failed: 50,
  busy: 50,
  'no-answer': 50,
  canceled: 50,
  bounced: 50,
  dropped: 50,
  read: 60,
  completed: 60,
};

/** True when a delivery at `current` should move to `next`. */
export function shouldApplyStatus(current: DeliveryStatus | null, next: DeliveryStatus): boolean {
  if (current === null) return true;
  if (isFailedStatus(current)) return false;
  return statusRank[next] > statusRank[current];
}

const failedStatuses = new Set<DeliveryStatus>(['undelivered', 'failed', 'busy', 'no-answer', 'canceled', 'bounced', 'dropped']);
const reachedStatuses = new Set<DeliveryStatus>(['delivered', 'read', 'answered', 'completed']);

/** The provider gave up: escalation may go on to the next step. */
export const isFailedStatus = (status: DeliveryStatus): boolean => failedStatuses.has(status);
/** The message reached the person's device (or the call was picked up). */
export const isReachedStatus = (status: DeliveryStatus): boolean => reachedStatuses.has(status);
/** Nothing more will happen to this delivery on the provider's side (except read/open). */
export const isFinalStatus = (status: DeliveryStatus): boolean =>
  failedStatuses.has(status) || status === 'delivered' || status === 'read' || status === 'completed';

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
export const answeredBySchema = z.enum(['human', 'machine', 'fax', 'unknown']);
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
