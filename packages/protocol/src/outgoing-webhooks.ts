// Outgoing webhooks (issue #17): an organisation subscribes HTTPS endpoints to its alerts'
// events (started, held "Väntar på nät", progress every N %, completed, cancelled). The relay
// produces the events from the alerts' synced states, keeps them in a durable outbox and
// delivers them signed the Standard Webhooks way (webhook-id, webhook-timestamp,
// webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">). These are the shapes
// of the relay's routes (/api/v1/webhooks…) and of the console's RPC methods around them.
import { z } from 'zod';
import { method } from './rpc-core';

export const webhookEventTypes = ['alert.started', 'alert.held', 'alert.progress', 'alert.completed', 'alert.cancelled'] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];
/** What "skicka testhändelse" sends; never produced by an alert. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';

/** Progress is reported for these counts, as a share of the alert's recipients. */
export const webhookProgressKinds = ['confirmed', 'reached'] as const;
export type WebhookProgressKind = (typeof webhookProgressKinds)[number];

const isoTime = z.iso.datetime({ offset: true });

export const webhookSubscriptionInputSchema = z.object({
  url: z
    .string()
    .trim()
    .min(1, 'Ange en adress (URL).')
    .max(2000, 'Adressen är längre än 2000 tecken.')
    .refine((u) => URL.canParse(u), 'Adressen är inte en giltig URL (t.ex. https://exempel.se/gdial).'),
  description: z.string().trim().max(200, 'Beskrivningen är längre än 200 tecken.').default(''),
  events: z
    .array(z.enum(webhookEventTypes, 'Okänd händelsetyp.'))
    .min(1, 'Välj minst en händelse.')
    .transform((e) => [...new Set(e)].sort()),
  /** Report progress every N % (1–100); only used when alert.progress is chosen. */
  progressStep: z.number().int('Steget är ett heltal.').min(1, 'Steget är minst 1 %.').max(100, 'Steget är högst 100 %.').default(25),
});
export type WebhookSubscriptionInput = z.input<typeof webhookSubscriptionInputSchema>;

export const webhookSubscriptionUpdateSchema = z.object({
  description: webhookSubscriptionInputSchema.shape.description.optional(),
  events: webhookSubscriptionInputSchema.shape.events.optional(),
  progressStep: webhookSubscriptionInputSchema.shape.progressStep.optional(),
  /** Turning a subscription back on after a 410 (or an administrator's pause). */
  enabled: z.boolean().optional(),
});
export type WebhookSubscriptionUpdate = z.input<typeof webhookSubscriptionUpdateSchema>;

export const webhookSubscriptionSchema = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string(),
  events: z.array(z.enum(webhookEventTypes)),
  progressStep: z.number().int(),
  enabled: z.boolean(),
  /** Why the relay turned it off (the endpoint answered 410 Gone), or null. */
  disabledReason: z.string().nullable(),
  createdAt: isoTime,
  createdBy: z.string(),
  secretRotatedAt: isoTime,
});
export type WebhookSubscription = z.infer<typeof webhookSubscriptionSchema>;

export const webhookSubscriptionListSchema = z.object({ subscriptions: z.array(webhookSubscriptionSchema) });

/** A new or rotated secret: shown once, the relay keeps it sealed. */
export const webhookSecretResponseSchema = z.object({
  subscription: webhookSubscriptionSchema,
  secret: z.string().regex(/^whsec_[A-Za-z0-9+/]+=*$/),
});
export type WebhookSecretResponse = z.infer<typeof webhookSecretResponseSchema>;

export const webhookDeliveryStates = ['pending', 'delivered', 'failed'] as const;
export type WebhookDeliveryState = (typeof webhookDeliveryStates)[number];

export const webhookAttemptSchema = z.object({
  attempt: z.number().int().positive(),
  at: isoTime,
  /** The endpoint's HTTP status, or null when no answer came (then `error` says why). */
  status: z.number().int().nullable(),
  error: z.string().nullable(),
  durationMs: z.number().int().nonnegative(),
});
export type WebhookAttempt = z.infer<typeof webhookAttemptSchema>;

export const webhookDeliverySchema = z.object({
  /** The webhook-id header: the same on every attempt and re-send, so a receiver can de-duplicate. */
  id: z.string(),
  subscriptionId: z.string(),
  type: z.string(),
  alert: z.string().nullable(),
  alertName: z.string().nullable(),
  state: z.enum(webhookDeliveryStates),
  attempts: z.number().int().nonnegative(),
  nextAttemptAt: isoTime.nullable(),
  createdAt: isoTime,
  log: z.array(webhookAttemptSchema),
});
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;

export const webhookDeliveryListSchema = z.object({ deliveries: z.array(webhookDeliverySchema) });

export const webhookDeliveryQuerySchema = z.object({
  subscription: z.string().optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

/** A webhook's body: `data.alert` always, `data.progress` on alert.progress. */
export interface WebhookPayload {
  type: WebhookEventType | typeof WEBHOOK_TEST_EVENT;
  timestamp: string;
  data: {
    alert: {
      id: string;
      name: string | null;
      status: string | null;
      startedAt: string | null;
      finishedAt: string | null;
      cancelReason: string | null;
      held: { channel: string; since: string | null }[];
    } | null;
    counts?: { recipients: number; confirmed: number; reached: number };
    progress?: { kind: WebhookProgressKind; threshold: number; percent: number };
    message?: string;
  };
}

// ── the console's methods (Inställningar → Webhooks; the engine calls the relay as the signed-in administrator) ──

const subscriptionRef = z.object({ id: z.string().min(1) });

export const webhookMethods = {
  'organisation.webhooks.list': method(z.object({}), webhookSubscriptionListSchema),
  /** The secret is in the answer once; the relay keeps it sealed. */
  'organisation.webhooks.create': method(webhookSubscriptionInputSchema, webhookSecretResponseSchema),
  'organisation.webhooks.update': method(
    z.object({ id: z.string().min(1), change: webhookSubscriptionUpdateSchema }),
    webhookSubscriptionSchema,
  ),
  'organisation.webhooks.delete': method(subscriptionRef, z.object({ deleted: z.literal(true) })),
  'organisation.webhooks.rotateSecret': method(subscriptionRef, webhookSecretResponseSchema),
  'organisation.webhooks.test': method(subscriptionRef, z.object({ id: z.string() })),
  'organisation.webhooks.deliveries': method(webhookDeliveryQuerySchema, webhookDeliveryListSchema),
  /** "Skicka igen": under the same webhook-id. */
  'organisation.webhooks.resend': method(z.object({ id: z.string().min(1) }), webhookDeliverySchema),
};
