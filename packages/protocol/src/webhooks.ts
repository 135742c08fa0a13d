// A provider webhook as the relay received, verified and committed it. The relay stores
// and pushes it unchanged; the engine's providers layer turns it into domain events. This
// keeps provider field names out of the relay's log format and out of everything but
// `providers/` in the engine.
import { z } from 'zod';

export const webhookProviders = ['twilio', 'sendgrid', 'telegram', 'elks'] as const;
export type WebhookProvider = (typeof webhookProviders)[number];

export const webhookKinds = [
  'twilio.message-status',
  'twilio.call-status',
  'twilio.inbound-message',
  'twilio.gather',
  'sendgrid.events',
  'telegram.update',
  'elks.sms-status',
  'elks.inbound-sms',
  'elks.call-hangup',
  'elks.ivr',
  // People who call back (callbacks.ts): a voicemail left on the alert number.
  'twilio.voicemail',
  'elks.voicemail',
] as const;
export type WebhookKind = (typeof webhookKinds)[number];

/** Form parameters as Twilio posts them; a repeated key keeps every value in order. */
export const formParams = z.record(z.string(), z.union([z.string(), z.array(z.string())]));

export const rawWebhookSchema = z.object({
  kind: z.enum(webhookKinds),
  /** Unique per tenant and provider event (e.g. MessageSid+status, sg_event_id, update_id). */
  eventKey: z.string().min(1),
  /** ISO time the relay committed it. */
  receivedAt: z.string(),
  /** Query parameters of the callback URL; our delivery token travels here as `d`. */
  query: z.record(z.string(), z.string()),
  /** Form-encoded bodies (Twilio) as parameters, JSON bodies (SendGrid, Telegram) parsed. */
  body: z.union([formParams, z.unknown()]),
});
export type RawWebhook = z.infer<typeof rawWebhookSchema>;
