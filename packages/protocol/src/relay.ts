// The relay's wire contract: the WebSocket stream between a desktop's engine and the relay
// (hello, event batches, acks, resync, heartbeats, errors) and the HTTPS API the engine
// calls (device enrolment, media upload, call-flow registration). Both sides validate
// every message with these schemas where it crosses the network.
import { z } from 'zod';
import { entityStateSchema, syncOpSchema } from './sync';
import { rawWebhookSchema } from './webhooks';

/** Bumped when a change to these messages is not backwards compatible. */
export const relayProtocolVersion = 1;

/** Sequence numbers are per tenant, start at 1 and have no gaps. 0 means "nothing applied yet". */
export const relaySeqSchema = z.number().int().nonnegative();

/**
 * One entry of a tenant's event log: a provider webhook, or an organisation-sync operation
 * one of the tenant's desktops pushed (applied in log order by every desktop).
 */
export const relayEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('webhook'), webhook: rawWebhookSchema }),
  z.object({ type: z.literal('sync'), op: syncOpSchema }),
  /**
   * An entity's merged state as the relay holds it after a desktop re-pushed its states into
   * a new epoch (the relay's database restored from a backup had lost it): merged like a
   * snapshot's state. `key` tells the re-push apart (epoch, device, entity and a digest).
   */
  z.object({ type: z.literal('sync-state'), key: z.string().min(1).max(800), state: entityStateSchema }),
  /**
   * Another system asked through the REST API for an alert (or to cancel one): the desktops
   * fetch the organisation's open requests and one of them claims it (api-alerts.ts).
   */
  z.object({ type: z.literal('alert-request'), key: z.string().min(1).max(200), id: z.string().min(1).max(100) }),
  /** A burn message was opened (burn.ts): the roll-call shows its delivery as opened. */
  z.object({
    type: z.literal('burn-opened'),
    key: z.string().min(1).max(200),
    id: z.string().min(1).max(100),
    deliveryToken: z.string().max(200).nullable(),
    openedAt: z.string(),
  }),
]);
export type RelayEvent = z.infer<typeof relayEventSchema>;

export const relayLogEntrySchema = z.object({ seq: relaySeqSchema.min(1), event: relayEventSchema });
export type RelayLogEntry = z.infer<typeof relayLogEntrySchema>;

// ── desktop → relay ─────────────────────────────────────────────────────────────────────

export const relayHelloSchema = z.object({
  type: z.literal('hello'),
  protocol: z.literal(relayProtocolVersion),
  deviceToken: z.string().min(1),
  /** The last sequence this desktop applied durably; the relay sends everything after it. */
  lastSeq: relaySeqSchema,
  /**
   * The sync epoch this desktop's snapshot came from (absent before its first): a relay
   * whose epoch differs answers `resync-required` with its epoch, whatever the cursor.
   */
  epoch: z.string().max(100).optional(),
});
export const relayAckSchema = z.object({ type: z.literal('ack'), seq: relaySeqSchema });
export const relayPingSchema = z.object({ type: z.literal('ping'), at: z.number() });
export const relayPongSchema = z.object({ type: z.literal('pong'), at: z.number() });

export const relayClientMessageSchema = z.discriminatedUnion('type', [relayHelloSchema, relayAckSchema, relayPingSchema, relayPongSchema]);
export type RelayClientMessage = z.infer<typeof relayClientMessageSchema>;

// ── relay → desktop ─────────────────────────────────────────────────────────────────────

export const relayWelcomeSchema = z.object({
  type: z.literal('welcome'),
  tenant: z.string(),
  deviceId: z.string(),
  /** Highest sequence committed for the tenant when the stream started. */
  headSeq: relaySeqSchema,
  heartbeatMs: z.number().int().positive(),
  /**
   * Changes when the relay's database is restored from a backup (its log may then have
   * lost what this desktop already applied): a desktop that sees a new epoch re-pushes and
   * re-snapshots. Absent from relays without sync.
   */
  epoch: z.string().optional(),
});
export const relayEventsSchema = z.object({ type: z.literal('events'), entries: z.array(relayLogEntrySchema).min(1) });
/**
 * The desktop's cursor is older than what the relay still keeps: replaying would silently
 * skip events, so the desktop must reconcile with the providers and resume from `resumeFrom`.
 */
export const relayResyncRequiredSchema = z.object({
  type: z.literal('resync-required'),
  lastSeq: relaySeqSchema,
  /** Everything up to and including this sequence has been pruned. */
  prunedThrough: relaySeqSchema,
  headSeq: relaySeqSchema,
  /**
   * Present when the relay has a new sync epoch (its database was restored from a backup):
   * the desktop re-pushes its merged states, takes the snapshot again and resumes from
   * `epochSeq` (where the restored log ended when the epoch began) or its own cursor,
   * whichever is lower.
   */
  epoch: z.string().optional(),
  epochSeq: relaySeqSchema.optional(),
});
export const relayErrorCodes = ['unauthorized', 'bad-message', 'cursor-ahead', 'shutting-down', 'internal'] as const;
export type RelayErrorCode = (typeof relayErrorCodes)[number];
/** WebSocket close codes the relay uses; 1001 (going away) when it shuts down. */
export const relayCloseCodes = { badMessage: 4400, unauthorized: 4401, resyncRequired: 4409 } as const;
export const relayErrorSchema = z.object({ type: z.literal('error'), code: z.enum(relayErrorCodes), message: z.string() });

export const relayServerMessageSchema = z.discriminatedUnion('type', [
  relayWelcomeSchema,
  relayEventsSchema,
  relayResyncRequiredSchema,
  relayErrorSchema,
  relayPingSchema,
  relayPongSchema,
]);
export type RelayServerMessage = z.infer<typeof relayServerMessageSchema>;

// ── HTTPS API (Authorization: Bearer <device token>) ────────────────────────────────────

export const deviceEnrolmentRequestSchema = z.object({
  enrolmentToken: z.string().min(1),
  deviceName: z.string().trim().min(1, 'Device name is required').max(100),
});
export const deviceEnrolmentResponseSchema = z.object({
  tenant: z.string(),
  deviceId: z.string(),
  /** Shown once; the relay keeps only its hash. */
  deviceToken: z.string(),
  /** Where the stream is (wss://…/stream) and the public base URL for provider callbacks. */
  streamUrl: z.string(),
  publicBaseUrl: z.string(),
});
export type DeviceEnrolmentRequest = z.infer<typeof deviceEnrolmentRequestSchema>;
export type DeviceEnrolmentResponse = z.infer<typeof deviceEnrolmentResponseSchema>;

export const mediaUploadResponseSchema = z.object({
  mediaId: z.string(),
  /** Unguessable public URL Twilio fetches (`<Play>`); supports Range requests. */
  url: z.string(),
  contentType: z.string(),
  size: z.number().int().nonnegative(),
  sha256: z.string(),
});
export type MediaUploadResponse = z.infer<typeof mediaUploadResponseSchema>;
/** Content types the relay accepts for call audio. */
export const relayMediaContentTypes = ['audio/wav', 'audio/x-wav', 'audio/mpeg', 'audio/ogg', 'audio/basic'] as const;

/**
 * Placeholders a call-flow document may contain; the relay substitutes them per delivery
 * (XML-escaped) when Twilio fetches the document. `gatherUrl` is where `<Gather action>`
 * must point so the digit comes back signed to the relay for this delivery and attempt.
 */
export const callFlowPlaceholders = { gatherUrl: '{{gatherUrl}}' } as const;

export const callFlowIdSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._-]+$/, 'Call flow id may contain only letters, digits, ".", "_" and "-"');

const twimlDocument = z
  .string()
  .min(1)
  .max(64 * 1024)
  .refine((s) => s.trimStart().startsWith('<?xml') || s.trimStart().startsWith('<Response'), 'Must be a TwiML <Response> document');

export const callFlowRegistrationSchema = z.object({
  flowId: callFlowIdSchema,
  documents: z.object({
    /** Played when the call is answered: message, then a gather pointing at {{gatherUrl}}. */
    start: twimlDocument,
    /** Answer to a gather whose digit is one of `confirmDigits`. */
    confirmed: twimlDocument,
    /** Answer to a wrong or missing digit while attempts remain (gathers again). */
    retry: twimlDocument,
    /** Answer when the attempts are used up. */
    goodbye: twimlDocument,
  }),
  confirmDigits: z.array(z.string().regex(/^[0-9*#]$/, 'A confirm digit is one of 0-9, * or #')).min(1),
  maxAttempts: z.number().int().min(1).max(10),
});
export type CallFlowRegistration = z.infer<typeof callFlowRegistrationSchema>;

export const callFlowRegistrationResponseSchema = z.object({
  flowId: callFlowIdSchema,
  /** Voice URL for a delivery: append `?d=<deliveryToken>` (see `callFlowUrl`). */
  url: z.string(),
});
export type CallFlowRegistrationResponse = z.infer<typeof callFlowRegistrationResponseSchema>;

export const relayApiErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type RelayApiError = z.infer<typeof relayApiErrorSchema>;

/** The per-tenant webhook URLs a campaign gives the providers, from the relay's public base URL. */
export function relayWebhookUrls(publicBaseUrl: string, tenant: string) {
  const base = `${publicBaseUrl.replace(/\/+$/, '')}/hooks/${encodeURIComponent(tenant)}`;
  return {
    twilioMessageStatus: `${base}/twilio/message-status`,
    twilioCallStatus: `${base}/twilio/call-status`,
    twilioInbound: `${base}/twilio/inbound`,
    sendgridEvents: `${base}/sendgrid/events`,
    telegramUpdate: `${base}/telegram/update`,
  };
}

/** 46elks signs nothing: its callback URLs carry the tenant's secret as `s`, which the relay compares in constant time. */
export function elksWebhookUrls(publicBaseUrl: string, tenant: string, secret: string) {
  const base = `${publicBaseUrl.replace(/\/+$/, '')}/hooks/${encodeURIComponent(tenant)}/elks`;
  const s = `?s=${encodeURIComponent(secret)}`;
  return {
    elksDeliveryReport: `${base}/sms-status${s}`,
    elksInbound: `${base}/inbound${s}`,
    elksCallHangup: `${base}/call-hangup${s}`,
  };
}

/** The URL 46elks asks for a call's first action: the call flow's voice URL under /elks-actions, with the secret. */
export function elksActionUrl(flowUrl: string, secret: string): string {
  const u = new URL(flowUrl);
  u.pathname = u.pathname.replace(/^\/twiml\//, '/elks-actions/');
  u.searchParams.set('s', secret);
  return u.toString();
}

/** The voice URL for one delivery of a registered call flow. */
export function callFlowUrl(publicBaseUrl: string, tenant: string, flowId: string, deliveryToken: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/twiml/${encodeURIComponent(tenant)}/${encodeURIComponent(flowId)}?d=${encodeURIComponent(deliveryToken)}`;
}

/** The key the relay's log de-duplicates an event by: the webhook's own, or the operation's device and counter. */
export const relayEventKey = (event: RelayEvent): string =>
  event.type === 'webhook' ? event.webhook.eventKey : event.type === 'sync' ? `sync:${event.op.device}:${event.op.counter}` : event.key;

/** The webhook an event carries; throws for another kind (for code that handles only webhooks, and tests). */
export function webhookOf(event: RelayEvent): Extract<RelayEvent, { type: 'webhook' }>['webhook'] {
  if (event.type !== 'webhook') throw new Error(`expected a webhook event, got ${event.type}`);
  return event.webhook;
}
