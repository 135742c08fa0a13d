// Alerts raised by other systems through the relay's REST API v1 (docs/api.md), with an API
// key (api-keys.ts):
//   POST /api/v1/alerts               alerts:trigger  apiAlertTriggerRequest (+ Idempotency-Key) → apiAlertTriggerResponse
//   POST /api/v1/cap                  alerts:trigger  a CAP 1.2 message (XML) → apiAlertTriggerResponse; the desktop
//                                                     makes a draft alert of it for an operator to review and start
//   GET  /api/v1/alerts/:id           alerts:read     → apiAlertView (the request and, once made, its alert with counts)
//   GET  /api/v1/alerts/:id/rollcall  alerts:read     → apiRollcallPage (?after=&limit=)
//   GET  /api/v1/alerts/:id/report    alerts:read     → apiAlertReport
//   POST /api/v1/alerts/:id/cancel    alerts:trigger  apiAlertCancelRequest → apiAlertView
// The relay only records a request: the organisation's dispatching desktop picks it up (it
// learns of it through the event log, or when it connects), claims it (exactly one desktop
// wins), makes the alert from the prepared alert and starts it, or submits it for a second
// person's approval under the two-person rule. The desktop reports each step back:
//   GET  /api/v1/sync/alert-requests            device  → apiAlertRequestList (waiting and to-cancel requests)
//   POST /api/v1/sync/alert-requests/:id/claim  device  → apiAlertClaimResponse
//   POST /api/v1/sync/alert-requests/:id/state  device  apiAlertRequestUpdate → apiAlertRequest
import { z } from 'zod';

/**
 * A request's life: waiting for a desktop to take it; taken (accepted); a CAP message made into
 * a draft alert that waits for an operator to start it (draft); waiting for a second
 * person's approval; its alert runs; the key asked to cancel a running alert (cancelling);
 * and the ends: completed, cancelled, refused (with a reason in Swedish and English).
 */
export const apiAlertRequestStatuses = [
  'waiting-for-desktop',
  'accepted',
  'draft',
  'awaiting-approval',
  'running',
  'cancelling',
  'completed',
  'cancelled',
  'refused',
] as const;
export type ApiAlertRequestStatus = (typeof apiAlertRequestStatuses)[number];

/** States a request does not leave. */
export const apiAlertFinalStatuses: readonly ApiAlertRequestStatus[] = ['completed', 'cancelled', 'refused'];

/** An API-triggered alert's variable name: what `{{name}}` in the prepared alert's name is replaced by. */
export const apiVariableNamePattern = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;

export const apiAlertTriggerRequestSchema = z.object({
  /** The prepared alert (larmmall): its id, or its name exactly as in the console. */
  preparedAlert: z.string().trim().min(1, 'Ange larmmallen (preparedAlert: dess id eller namn)').max(200),
  /** `{{name}}` placeholders in the prepared alert's name are filled in with these. */
  variables: z
    .record(
      z.string().regex(apiVariableNamePattern, 'Variabelnamn: en bokstav följd av bokstäver, siffror eller _ (högst 40)'),
      z.string().max(200, 'Ett variabelvärde får vara högst 200 tecken'),
    )
    .refine((v) => Object.keys(v).length <= 20, { message: 'Högst 20 variabler' })
    .default({}),
  /** A test alert: only the prepared alert's test group is alerted. */
  test: z.boolean().default(false),
});
export type ApiAlertTriggerRequest = z.input<typeof apiAlertTriggerRequestSchema>;

/** `{{name}}` placeholders of a text. */
export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(/\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g)].map((m) => m[1]!))];
}

/** The text with its `{{name}}` placeholders filled in (an unknown one is left as it is). */
export function fillPlaceholders(text: string, variables: Readonly<Record<string, string>>): string {
  return text.replace(/\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g, (whole, name: string) => variables[name] ?? whole);
}

/**
 * The actor of what a desktop does for an API key (the alert's "created by", the audit, the
 * approval request): `API-nyckeln ”<name>”`. The console recognises it (apiKeyOfActor) and
 * says "Startat via API-nyckeln …".
 */
export const apiKeyActor = (keyName: string): string => `API-nyckeln ”${keyName}”`;

/** The key's name when `actor` is an API key's (apiKeyActor), else null. */
export function apiKeyOfActor(actor: string): string | null {
  const m = /^API-nyckeln ”(.+)”$/.exec(actor);
  return m ? m[1]! : null;
}

const reasonSchema = z.object({ sv: z.string(), en: z.string() });

/** A CAP message received by POST /api/v1/cap (validated by the relay with the engine's rules). */
export const apiCapRequestSchema = z.object({
  identifier: z.string(),
  sender: z.string(),
  headline: z.string(),
  xml: z.string(),
});
export type ApiCapRequest = z.infer<typeof apiCapRequestSchema>;

/** The largest CAP message POST /api/v1/cap takes (bytes); a larger one is refused with 413. */
export const API_CAP_MAX_BYTES = 256 * 1024;

/** A request as the relay holds it (what a desktop picks up and what the API shows). */
export const apiAlertRequestSchema = z.object({
  id: z.string(),
  status: z.enum(apiAlertRequestStatuses),
  /** The prepared alert asked for; null for a CAP message (POST /cap), which becomes a draft. */
  preparedAlert: z.object({ id: z.string(), name: z.string() }).nullable(),
  /** The CAP message of a POST /cap request: its identifier, sender, headline (or event) and the XML as received. */
  cap: apiCapRequestSchema.nullable(),
  variables: z.record(z.string(), z.string()),
  test: z.boolean(),
  /** Who asked: the API key (its name is the actor in every audit entry). */
  requestedBy: z.object({ keyId: z.string(), keyName: z.string() }),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** The desktop that took it (its device id and name), once taken. */
  claimedBy: z.object({ deviceId: z.string(), name: z.string().nullable() }).nullable(),
  /** The alert's id (its organisation-wide uid), once the desktop made it. */
  alertId: z.string().nullable(),
  /** Why it was refused or cancelled. */
  reason: reasonSchema.nullable(),
  /** The key's name when it asked to cancel. */
  cancelRequestedBy: z.string().nullable(),
});
export type ApiAlertRequest = z.infer<typeof apiAlertRequestSchema>;

export const apiAlertCountsSchema = z.object({
  recipients: z.number().int().nonnegative(),
  confirmed: z.number().int().nonnegative(),
  reached: z.number().int().nonnegative(),
  /** Deliveries (one per person, channel and attempt plan) by their state: queued, sending, sent, delivered, failed, … */
  deliveries: z.record(z.string(), z.number().int().nonnegative()),
});

export const apiAlertViewSchema = apiAlertRequestSchema.extend({
  /** Whether a desktop of the organisation that can dispatch is online now. */
  desktopOnline: z.boolean(),
  /** The alert as the organisation's sync holds it, once made. */
  alert: z
    .object({
      id: z.string(),
      name: z.string().nullable(),
      status: z.string().nullable(),
      startedAt: z.string().nullable(),
      finishedAt: z.string().nullable(),
      cancelReason: z.string().nullable(),
    })
    .nullable(),
  counts: apiAlertCountsSchema.nullable(),
});
export type ApiAlertView = z.infer<typeof apiAlertViewSchema>;

export const apiAlertTriggerResponseSchema = apiAlertViewSchema.extend({
  /** False when this answers a repeated request (the same Idempotency-Key and body). */
  created: z.boolean(),
  /** What happens next, in Swedish (e.g. that no desktop is online and the alert waits). */
  message: z.string(),
  /**
   * The prepared alert is pre-approved by two people now (its approval holds for its plan as
   * saved): the desktop starts it without a second approval, unless its audience has grown
   * since it was approved. False for a CAP message.
   */
  preApproved: z.boolean(),
});
export type ApiAlertTriggerResponse = z.infer<typeof apiAlertTriggerResponseSchema>;

export const apiRollcallEntrySchema = z.object({
  /** The recipient's id within the alert. */
  id: z.string(),
  /** The person's contact id (null: the contact was deleted or erased). */
  contactId: z.string().nullable(),
  name: z.string().nullable(),
  /** pending, in-progress, reached, confirmed, unreached, opted-out, cancelled. */
  status: z.string(),
  /** The channel of the person's most advanced delivery (null before any). */
  channel: z.string().nullable(),
  confirmedAt: z.string().nullable(),
  confirmedVia: z.string().nullable(),
});
export const apiRollcallPageSchema = z.object({
  /** Null while no desktop has made the alert yet (then there are no entries). */
  alertId: z.string().nullable(),
  entries: z.array(apiRollcallEntrySchema),
  /** Pass as `after` for the next page; absent on the last. */
  next: z.string().optional(),
});
export type ApiRollcallPage = z.infer<typeof apiRollcallPageSchema>;

export const apiAlertReportSchema = z.object({
  alertId: z.string(),
  name: z.string().nullable(),
  status: z.string().nullable(),
  test: z.boolean(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  durationSeconds: z.number().nullable(),
  counts: apiAlertCountsSchema,
  /** Per person's status: how many. */
  outcomes: z.record(z.string(), z.number().int().nonnegative()),
  /** Per channel: deliveries, and how many of them were delivered and failed. */
  channels: z.record(
    z.string(),
    z.object({
      deliveries: z.number().int().nonnegative(),
      delivered: z.number().int().nonnegative(),
      failed: z.number().int().nonnegative(),
    }),
  ),
  /** Seconds from the start to the first confirmation, and to the median one (null: none yet). */
  firstConfirmationSeconds: z.number().nullable(),
  medianConfirmationSeconds: z.number().nullable(),
  confirmedPercent: z.number(),
  reachedPercent: z.number(),
});
export type ApiAlertReport = z.infer<typeof apiAlertReportSchema>;

export const apiAlertCancelRequestSchema = z.object({
  reason: z.string().trim().max(500, 'Anledningen får vara högst 500 tecken').optional(),
});

// ── the desktop's side (device token) ─────────────────────────────────────────────────

export const apiAlertRequestListSchema = z.object({ requests: z.array(apiAlertRequestSchema) });
export type ApiAlertRequestList = z.infer<typeof apiAlertRequestListSchema>;
export const apiAlertClaimResponseSchema = z.object({
  /** True for exactly one desktop; the others see who took it. */
  claimed: z.boolean(),
  request: apiAlertRequestSchema,
});
export type ApiAlertClaimResponse = z.infer<typeof apiAlertClaimResponseSchema>;

export const apiAlertRequestUpdateSchema = z.object({
  /** `draft`: a CAP message became a draft alert (with its id) that waits for an operator. */
  status: z.enum(['draft', 'awaiting-approval', 'running', 'completed', 'cancelled', 'refused']),
  alertId: z.string().min(1).max(200).optional(),
  reason: reasonSchema.optional(),
});
export type ApiAlertRequestUpdate = z.infer<typeof apiAlertRequestUpdateSchema>;
