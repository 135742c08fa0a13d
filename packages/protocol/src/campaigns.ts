// The campaigns part of the RPC contract: message templates, campaigns (audience, channel
// plan, confirmation, schedule), the planner's report and cost estimate, live progress,
// the per-recipient report and the inbox of replies nobody could match to a keyword.
// The engine validates every input here; the UI builds the campaign wizard and the live
// roll-call view from these types.
import { z } from 'zod';
import { method } from './rpc-core';
import { channelSchema, contactLanguageSchema } from './contacts';
import { refusalSchema } from './refusals';
import { capDetailsSchema } from './cap';
import { burnOptionSchema } from './burn';

const id = z.number().int().positive();
const isoTime = z.string();

// ── templates ───────────────────────────────────────────────────────────────────────────

/** Variables a template may use besides `custom.<field>`. */
export const templateVariables = [
  'first_name',
  'last_name',
  'display_name',
  'organisation',
  'role',
  'campaign_name',
  'operator',
  'date',
  'time',
  /** The person's own one-time link to the Telegram alerting bot (t.me/<bot>?start=<token>). */
  'telegram_link',
] as const;
export type TemplateVariable = (typeof templateVariables)[number];

/** `{{ name }}` or `{{custom.unit}}`; anything else between braces is rejected at save. */
export const templateVariablePattern = /\{\{\s*([^{}]*?)\s*\}\}/g;

const body = (max: number) => z.string().max(max);

export const voiceContentSchema = z.discriminatedUnion('kind', [
  /** Spoken by offline Swedish/English TTS. */
  z.object({ kind: z.literal('tts'), script: body(5000).min(1, 'The voice script is empty'), voiceId: z.string().max(200).optional() }),
  /** A recorded or previously synthesised audio asset (the TTS module's id). */
  z.object({ kind: z.literal('audio'), audioId: z.string().min(1).max(200) }),
]);
export type VoiceContent = z.infer<typeof voiceContentSchema>;

export const emailContentSchema = z.object({
  subject: body(300).min(1, 'The e-mail subject is empty'),
  html: body(200_000),
  text: body(100_000).min(1, 'The e-mail needs a plain-text part'),
});
export type EmailContent = z.infer<typeof emailContentSchema>;

/**
 * A WhatsApp message bound to a content template WhatsApp approved (Twilio's Content API):
 * the only kind of message that may start a conversation with someone who has not written
 * in the last 24 hours. Each numbered variable ({{1}}) gets a GDial text, which may use
 * GDial's own variables ("{{first_name}}").
 */
export const whatsAppContentSchema = z.object({
  contentSid: z.string().regex(/^HX[0-9a-fA-F]{32}$/, 'A content template id starts with HX followed by 32 hex digits'),
  /** The template's name at Twilio, as the operator chose it. */
  name: z.string().trim().min(1).max(200),
  variables: z.record(z.string().regex(/^[1-9][0-9]?$/, 'Content variables are numbered 1–99'), body(1024)).default({}),
});
export type WhatsAppContent = z.infer<typeof whatsAppContentSchema>;

/** A content template of the account as the editor lists it, with its WhatsApp approval. */
export const whatsAppContentTemplateSchema = z.object({
  contentSid: z.string(),
  name: z.string(),
  language: z.string(),
  /** The text body with numbered variables, or null for content types without one. */
  body: z.string().nullable(),
  variables: z.array(z.string()),
  whatsapp: z.enum(['approved', 'pending', 'rejected', 'unsubmitted', 'paused', 'disabled']),
});
export type WhatsAppContentTemplate = z.infer<typeof whatsAppContentTemplateSchema>;
export type WhatsAppApproval = WhatsAppContentTemplate['whatsapp'];

/** The message for one language; a channel without content cannot be used by a campaign step. */
export const templateContentSchema = z.object({
  sms: body(1600).min(1).optional(),
  email: emailContentSchema.optional(),
  voice: voiceContentSchema.optional(),
  /** Free-form WhatsApp text: only for people who wrote within the last 24 hours. */
  whatsapp: body(4096).min(1).optional(),
  /** The approved content template everyone else gets (see whatsAppContentSchema). */
  whatsappContent: whatsAppContentSchema.optional(),
  telegram: body(4096).min(1).optional(),
});
export type TemplateContent = z.infer<typeof templateContentSchema>;

export const templateStatusSchema = z.enum(['draft', 'approved']);
export type TemplateStatus = z.infer<typeof templateStatusSchema>;

export const templateFieldsSchema = z
  .object({
    name: z.string().trim().min(1, 'Template name is required').max(200),
    description: z.string().trim().max(2000).nullable().optional(),
    /** Swedish is the default language; contacts with language "en" get `en` when present. */
    variants: z.object({ sv: templateContentSchema.optional(), en: templateContentSchema.optional() }),
    /** Used when a contact lacks a value, e.g. `{ first_name: "du" }`; without one the send is blocked. */
    fallbacks: z.record(z.string().min(1).max(80), z.string().max(500)).default({}),
  })
  .refine((t) => t.variants.sv !== undefined || t.variants.en !== undefined, {
    message: 'A template needs Swedish or English content',
    path: ['variants'],
  });
export type TemplateFields = z.input<typeof templateFieldsSchema>;

export const templateSchema = z.object({
  id,
  name: z.string(),
  description: z.string().nullable(),
  variants: z.object({ sv: templateContentSchema.optional(), en: templateContentSchema.optional() }),
  fallbacks: z.record(z.string(), z.string()),
  status: templateStatusSchema,
  approvedBy: z.string().nullable(),
  approvedAt: isoTime.nullable(),
  /** Variables the template uses, e.g. ["first_name", "custom.unit"]. */
  variables: z.array(z.string()),
  /** Channels with content in at least one language. */
  channels: z.array(channelSchema),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type Template = z.infer<typeof templateSchema>;

export const renderedMessageSchema = z.object({
  channel: channelSchema,
  language: contactLanguageSchema,
  /** SMS/WhatsApp/Telegram text, e-mail plain text (with the unsubscribe footer), or the voice script. */
  text: z.string().nullable(),
  subject: z.string().nullable(),
  html: z.string().nullable(),
  audioId: z.string().nullable(),
  /** Variables filled from a fallback because the contact had no value. */
  usedFallbacks: z.array(z.string()),
  /** Variables with neither a value nor a fallback: this contact cannot get the message. */
  missing: z.array(z.string()),
  sms: z.object({ encoding: z.enum(['GSM-7', 'UCS-2']), segments: z.number().int(), characters: z.number().int() }).nullable(),
});
export type RenderedMessage = z.infer<typeof renderedMessageSchema>;

// ── campaigns ───────────────────────────────────────────────────────────────────────────

export const customFieldFilterSchema = z.object({
  key: z.string().trim().min(1).max(64),
  op: z.enum(['equals', 'not-equals', 'exists', 'missing']),
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
});
export type CustomFieldFilter = z.infer<typeof customFieldFilterSchema>;

export const audienceSchema = z.object({
  /** Members of these groups and, by default, of their subgroups. */
  groupIds: z.array(id).max(1000).default([]),
  includeSubgroups: z.boolean().default(true),
  contactIds: z.array(id).max(100_000).default([]),
  /** Whoever fits these saved segments' rules when the alert starts (segment ids). */
  segmentIds: z.array(z.string().min(1).max(64)).max(100).default([]),
  /** Contacts with any of these tags. */
  tags: z.array(z.string().trim().min(1).max(60)).max(100).default([]),
  /** Applied to everyone selected above (all must hold). */
  filters: z.array(customFieldFilterSchema).max(50).default([]),
  /** Restricts the selection to contacts with all of these tags. */
  requireTags: z.array(z.string().trim().min(1).max(60)).max(100).default([]),
  excludeGroupIds: z.array(id).max(1000).default([]),
  excludeContactIds: z.array(id).max(100_000).default([]),
  excludeTags: z.array(z.string().trim().min(1).max(60)).max(100).default([]),
  /** Nobody who fits these saved segments' rules gets the alert. */
  excludeSegmentIds: z.array(z.string().min(1).max(64)).max(100).default([]),
});
export type Audience = z.infer<typeof audienceSchema>;
export type AudienceInput = z.input<typeof audienceSchema>;

/**
 * Which of a contact's addresses a step uses. Phone numbers are in the contact's priority
 * order; `next-phone` is the first number not yet tried by an earlier step of the plan.
 */
export const numberSelectionSchema = z.enum(['first', 'next', 'all-mobiles', 'all']);
export type NumberSelection = z.infer<typeof numberSelectionSchema>;

export const stepConditionSchema = z.enum(['not-confirmed', 'not-delivered', 'always']);
export type StepCondition = z.infer<typeof stepConditionSchema>;

export const escalationStepSchema = z.object({
  channel: channelSchema,
  /**
   * Seconds after the previous step was handed to the provider before this step runs
   * (the time people get to confirm). A previous step that failed outright does not wait.
   * Ignored for the first step.
   */
  waitSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 86_400)
    .default(0),
  condition: stepConditionSchema.default('not-confirmed'),
  numbers: numberSelectionSchema.default('first'),
  /** When this channel's provider is unavailable (circuit open), go on to the next step at once. */
  fallThroughWhenUnavailable: z.boolean().default(true),
});
export type EscalationStep = z.infer<typeof escalationStepSchema>;
export type EscalationStepInput = z.input<typeof escalationStepSchema>;

export const confirmationSchema = z.object({
  /** Off: nobody is asked to confirm; steps with "not-confirmed" always run. */
  enabled: z.boolean().default(true),
  /** Digits that confirm in a call. */
  dtmfDigits: z
    .array(z.string().regex(/^[0-9*#]$/))
    .min(1)
    .default(['1']),
  /** Replies (SMS, WhatsApp, Telegram) that confirm; compared case-insensitively, trimmed. */
  keywords: z.array(z.string().trim().min(1).max(40)).min(1).default(['1', 'JA', 'OK', 'YES']),
  /** Replies that opt the number out of the channel and stop the recipient's escalation. */
  stopKeywords: z.array(z.string().trim().min(1).max(40)).min(1).default(['STOP', 'STOPP']),
  /** How many times a call repeats the question before saying goodbye. */
  maxVoiceAttempts: z.number().int().min(1).max(5).default(2),
});
export type Confirmation = z.infer<typeof confirmationSchema>;

export const scheduleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('now') }),
  z.object({ kind: z.literal('at'), at: z.iso.datetime({ offset: true }) }),
  /** Five-field cron in Europe/Stockholm time, e.g. "0 10 1 * *" (10:00 on the 1st of each month). */
  z.object({ kind: z.literal('cron'), cron: z.string().trim().min(9).max(100), until: z.iso.datetime({ offset: true }).optional() }),
]);
export type Schedule = z.infer<typeof scheduleSchema>;

/**
 * An escalation wave (Everbridge's "waves"): if fewer than `fewerThan` people (or percent of
 * those alerted so far) have confirmed `afterMinutes` after the start, the wave's audience is
 * alerted with the same steps. Confirmations count up to that moment, so the decision is the
 * same whenever it is taken (after a restart or a pause). Waves are decided in their order.
 */
export const waveSchema = z
  .object({
    afterMinutes: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60),
    fewerThan: z.number().int().min(1).max(100_000),
    unit: z.enum(['people', 'percent']).default('people'),
    audience: z.object({
      groupIds: z.array(id).max(1000).default([]),
      contactIds: z.array(id).max(100_000).default([]),
    }),
  })
  .refine((w) => w.unit !== 'percent' || w.fewerThan <= 100, { message: 'A percentage is at most 100', path: ['fewerThan'] })
  .refine((w) => w.audience.groupIds.length + w.audience.contactIds.length > 0, {
    message: 'A wave needs a group or a person to alert',
    path: ['audience'],
  });
export type Wave = z.infer<typeof waveSchema>;

/** A wave's rule as the review and the live view report it (by its place in the plan). */
const waveReportSchema = z.object({
  index: z.number().int().nonnegative(),
  afterMinutes: z.number().int().positive(),
  fewerThan: z.number().int().positive(),
  unit: z.enum(['people', 'percent']),
});
export type WaveInput = z.input<typeof waveSchema>;

/** Alerts preempt outreach: the dispatcher always takes due alert rows first. */
export const campaignPrioritySchema = z.enum(['alert', 'outreach']);
export type CampaignPriority = z.infer<typeof campaignPrioritySchema>;

export const campaignFieldsSchema = z.object({
  name: z.string().trim().min(1, 'Campaign name is required').max(200),
  templateId: id,
  audience: audienceSchema.prefault({}),
  steps: z.array(escalationStepSchema).min(1, 'A campaign needs at least one step').max(20),
  confirmation: confirmationSchema.prefault({}),
  priority: campaignPrioritySchema.default('alert'),
  /** Test mode: only members of this group are sent to, whatever the audience says. */
  testGroupId: id.nullable().default(null),
  /** "Skarpt VMA-underlag": the alert carries a real public warning; it always needs a second operator's approval. */
  vma: z.boolean().default(false),
  schedule: scheduleSchema.default({ kind: 'now' }),
  /**
   * While a channel's path is down (Väntar på nät), how long its people wait before they end
   * as "Ej skickat – inget nät" (not sent, no network). Null: they wait until it returns.
   */
  giveUpAfterMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .nullable()
    .default(null),
  /** Escalation waves on a confirmation threshold, in the order they are decided. */
  waves: z.array(waveSchema).max(5).default([]),
  /** CAP facts (event, category, urgency, severity, certainty, area): from an imported CAP message, used by the CAP export. */
  cap: capDetailsSchema.nullable().default(null),
  /**
   * Engångsmeddelande: the text goes out as a link that shows it once (burn.ts), until the
   * expiry; SMS, WhatsApp, Telegram and e-mail (a call speaks its message). Null: the text itself.
   */
  burn: burnOptionSchema.nullable().default(null),
});
export type CampaignFields = z.input<typeof campaignFieldsSchema>;
export type CampaignSettings = z.output<typeof campaignFieldsSchema>;

/** `awaiting-approval`: a second operator must approve it (two-person rule); `rejected`: they did not (final). */
export const campaignStatuses = [
  'draft',
  'awaiting-approval',
  'scheduled',
  'running',
  'paused',
  'completed',
  'cancelled',
  'rejected',
] as const;
export const campaignStatusSchema = z.enum(campaignStatuses);
export type CampaignStatus = z.infer<typeof campaignStatusSchema>;

/** Where one delivery stands. Final ones never change again. */
export const deliveryStates = [
  'waiting', // a later step: runs only if the plan says so, after its wait
  'queued', // due (or retrying after a transient error) and not yet claimed
  'sending', // claimed; the provider call may be in flight
  'sent', // the provider has it (queued/sent/ringing…)
  'delivered', // message delivered, or call answered
  'failed', // the provider or the network gave up, or the recipient cannot get it
  'skipped', // not needed (confirmed earlier, condition false) or not allowed (opted out)
  'cancelled', // the campaign was cancelled before it went out
] as const;
export const deliveryStateSchema = z.enum(deliveryStates);
export type DeliveryState = z.infer<typeof deliveryStateSchema>;

/** `no-network`: never sent because the path stayed down until the alert gave up (not "unreached": nobody tried them). */
export const recipientOutcomes = [
  'pending',
  'in-progress',
  'confirmed',
  'reached',
  'unreached',
  'opted-out',
  'cancelled',
  'no-network',
] as const;
export const recipientOutcomeSchema = z.enum(recipientOutcomes);
export type RecipientOutcome = z.infer<typeof recipientOutcomeSchema>;

export const campaignSummarySchema = z.object({
  id,
  name: z.string(),
  status: campaignStatusSchema,
  priority: campaignPrioritySchema,
  testMode: z.boolean(),
  templateId: id,
  schedule: scheduleSchema,
  /** The recurring campaign this run was started from. */
  parentId: id.nullable(),
  nextRunAt: isoTime.nullable(),
  recipients: z.number().int().nonnegative(),
  confirmed: z.number().int().nonnegative(),
  createdAt: isoTime,
  startedAt: isoTime.nullable(),
  finishedAt: isoTime.nullable(),
  createdBy: z.string(),
  /** Organisation sync: the name of the other desktop that runs this alert; null when it runs here. */
  remoteOwner: z.string().nullable().default(null),
  /** Made from a CAP message (a file dropped on the console, or POST /api/v1/cap). */
  fromCap: z.boolean().optional(),
});
export type CampaignSummary = z.infer<typeof campaignSummarySchema>;

export const campaignSchema = campaignSummarySchema.extend({
  settings: campaignFieldsSchema,
  approvalReason: z.string().nullable(),
});
export type Campaign = z.infer<typeof campaignSchema>;

// ── planning ────────────────────────────────────────────────────────────────────────────

export const exclusionReasons = [
  'excluded', // by an exclusion rule of the audience
  'not-in-test-group',
  'no-address', // no address for any step's channel
  'do-not-contact',
  'opted-out',
  'duplicate-address', // every address is already used by another recipient
  'missing-variables',
] as const;
export const exclusionReasonSchema = z.enum(exclusionReasons);
export type ExclusionReason = z.infer<typeof exclusionReasonSchema>;

export const planStepReportSchema = z.object({
  index: z.number().int().nonnegative(),
  channel: channelSchema,
  /** Recipients with at least one address for the step. */
  recipients: z.number().int().nonnegative(),
  deliveries: z.number().int().nonnegative(),
  /** Addresses left out because another recipient already gets them in this step. */
  duplicateAddresses: z.number().int().nonnegative(),
  optedOut: z.number().int().nonnegative(),
  doNotContact: z.number().int().nonnegative(),
  noAddress: z.number().int().nonnegative(),
});

export const costEstimateSchema = z.object({
  currency: z.string(),
  /** SMS segments (first step using SMS counts every recipient; later steps are "up to"). */
  smsSegments: z.number().int().nonnegative(),
  smsCost: z.number().nonnegative(),
  callMinutes: z.number().nonnegative(),
  callCost: z.number().nonnegative(),
  emails: z.number().int().nonnegative(),
  whatsappMessages: z.number().int().nonnegative(),
  whatsappCost: z.number().nonnegative(),
  /** If every step runs for everyone (the worst case). */
  maxTotal: z.number().nonnegative(),
  /** Only the first step for everyone (the best case). */
  minTotal: z.number().nonnegative(),
  /** Countries with no price in the table; their cost is not included. */
  unpricedCountries: z.array(z.string()),
});
export type CostEstimate = z.infer<typeof costEstimateSchema>;

export const planReportSchema = z.object({
  /** Contacts selected by the audience before exclusions. */
  selected: z.number().int().nonnegative(),
  recipients: z.number().int().nonnegative(),
  deliveries: z.number().int().nonnegative(),
  excluded: z.array(z.object({ reason: exclusionReasonSchema, count: z.number().int().nonnegative() })),
  /** Up to 200 examples of who will not be reached and why (for the wizard). */
  exclusionSamples: z.array(z.object({ contactId: id, displayName: z.string(), reason: exclusionReasonSchema, detail: z.string() })),
  /** Who lacks which template variable (blocks start when a step's channel needs it). */
  missingVariables: z.array(
    z.object({ contactId: id, displayName: z.string(), variables: z.array(z.string()), channels: z.array(channelSchema) }),
  ),
  steps: z.array(planStepReportSchema),
  cost: costEstimateSchema,
  templateApproved: z.boolean(),
  /** Per escalation wave: how many people it would alert (not already in the audience or an earlier wave). */
  waves: z.array(waveReportSchema.extend({ people: z.number().int().nonnegative() })).default([]),
  /** Per saved segment the audience names (included or excluded): how many fitted its rules when planned. */
  segments: z
    .array(z.object({ id: z.string(), name: z.string(), members: z.number().int().nonnegative(), excluded: z.boolean() }))
    .default([]),
  /** Problems that stop the campaign from starting, as sentences. */
  blockers: z.array(z.string()),
  /** The blockers by code and values, in the same order, for the console to word. */
  blockerRefusals: z.array(refusalSchema).default([]),
  warnings: z.array(z.string()),
  /**
   * The alert's plan is a prepared alert's that two people approved at preparation: it needs
   * no second approval for its head count (prepared-alerts.ts). `people`: the audience then.
   */
  preApproved: z
    .object({
      preparedAlertId: z.string(),
      name: z.string(),
      requestedBy: z.string(),
      approvedBy: z.string(),
      at: z.string(),
      people: z.number().int().nonnegative(),
    })
    .nullable()
    .default(null),
});
export type PlanReport = z.infer<typeof planReportSchema>;

export const priceTableSchema = z.object({
  currency: z.string().length(3).default('SEK'),
  /** Keyed by ISO country (e.g. "SE") or "*" for the default. */
  smsPerSegment: z.record(z.string(), z.number().nonnegative()).default({ SE: 0.45, '*': 0.9 }),
  callPerMinute: z.record(z.string(), z.number().nonnegative()).default({ SE: 0.6, '*': 2.5 }),
  whatsappPerMessage: z.record(z.string(), z.number().nonnegative()).default({ SE: 0.5, '*': 0.8 }),
  /** Estimated billed minutes per answered call. */
  estimatedCallMinutes: z.number().positive().default(1),
});
export type PriceTable = z.infer<typeof priceTableSchema>;

// ── progress, report ────────────────────────────────────────────────────────────────────

export const deliveryCountsSchema = z.record(deliveryStateSchema, z.number().int().nonnegative());
export type DeliveryCounts = z.infer<typeof deliveryCountsSchema>;

export const campaignProgressSchema = z.object({
  campaignId: id,
  status: campaignStatusSchema,
  recipients: z.number().int().nonnegative(),
  confirmed: z.number().int().nonnegative(),
  outcomes: z.record(recipientOutcomeSchema, z.number().int().nonnegative()),
  deliveries: deliveryCountsSchema,
  /** Deliveries handed to providers per second over the last 10 seconds. */
  throughputPerSecond: z.number().nonnegative(),
  /** Seconds until every due delivery is handed over at the current rate; null when unknown. */
  etaSeconds: z.number().nonnegative().nullable(),
  possibleDuplicates: z.number().int().nonnegative(),
  /**
   * Which provider carried how many deliveries, per channel (handed over, or in flight to
   * it): after a failover one step's people went out through two providers.
   */
  carriers: z.array(z.object({ channel: channelSchema, provider: z.string(), count: z.number().int().nonnegative() })).default([]),
  /** Providers whose circuit breaker is open right now. */
  unavailableProviders: z.array(z.string()),
  /**
   * Channels whose path is down (Väntar på nät): nothing goes out on them until a probe gets
   * through, and nobody waiting on them uses up attempts or moves on. Per channel: since
   * when, through which provider, why, and how many of this alert's people wait on it.
   */
  held: z
    .array(
      z.object({
        channel: channelSchema,
        since: isoTime,
        provider: z.string(),
        message: z.string(),
        waiting: z.number().int().nonnegative(),
      }),
    )
    .default([]),
  /**
   * The escalation waves: when each is decided (null before the start), whether it is still
   * pending, alerted its people (`people` of them) or was not needed (enough had confirmed).
   */
  waves: z
    .array(
      waveReportSchema.extend({
        dueAt: isoTime.nullable(),
        state: z.enum(['pending', 'alerted', 'not-needed']),
        people: z.number().int().nonnegative(),
      }),
    )
    .default([]),
  at: isoTime,
});
export type CampaignProgress = z.infer<typeof campaignProgressSchema>;

export const deliveryEventSchema = z.object({
  at: isoTime,
  /** e.g. "queued", "sending", "sent", "delivered", "failed", "dtmf", "reply", "retry", "reconciled". */
  kind: z.string(),
  detail: z.string().nullable(),
});

export const deliveryReportSchema = z.object({
  id,
  stepIndex: z.number().int().nonnegative(),
  channel: channelSchema,
  /** Masked for phone numbers only in logs, never here: the operator needs the full address. */
  address: z.string(),
  state: deliveryStateSchema,
  /** The provider that carried it ("twilio", "elks", …): after a failover, people of one step differ. */
  provider: z.string().nullable().optional(),
  providerStatus: z.string().nullable(),
  attempts: z.number().int().nonnegative(),
  /** The provider's reason, as the provider worded it (English); the console words known codes itself. */
  error: z.string().nullable(),
  /** The provider's code for it ("30003", "busy", "elks:failed", "telegram:403"), when known. */
  errorCode: z.string().nullable().optional(),
  /** Sent again after a crash because the provider had no record of it; the person may have got it twice. */
  possibleDuplicate: z.boolean(),
  sentAt: isoTime.nullable(),
  finishedAt: isoTime.nullable(),
  /** When the person opened the burn message's link (engångsmeddelande): "öppnat" in the roll-call. */
  openedAt: isoTime.nullable().optional(),
  events: z.array(deliveryEventSchema),
});
export type DeliveryReport = z.infer<typeof deliveryReportSchema>;

export const recipientReportSchema = z.object({
  id,
  contactId: id.nullable(),
  displayName: z.string(),
  outcome: recipientOutcomeSchema,
  confirmedAt: isoTime.nullable(),
  confirmedVia: z.string().nullable(),
  /** 0: the alert's own audience; k: alerted by escalation wave k. */
  wave: z.number().int().nonnegative().default(0),
  deliveries: z.array(deliveryReportSchema),
});
export type RecipientReport = z.infer<typeof recipientReportSchema>;

/** Where the roll-calls stood when one was read: the engine's start and the number of its last change. */
export const rollCallWatermarkSchema = z.object({ epoch: z.number().int().nonnegative(), seq: z.number().int().nonnegative() });
export type RollCallWatermark = z.infer<typeof rollCallWatermarkSchema>;

export const campaignReportSchema = z.object({
  campaign: campaignSummarySchema,
  progress: campaignProgressSchema,
  /** Seconds from start to the first delivery handed over, and to the last. */
  firstSentAfterSeconds: z.number().nullable(),
  lastSentAfterSeconds: z.number().nullable(),
  recipients: z.array(recipientReportSchema),
  nextCursor: z.number().int().nullable(),
  /** Read before the recipients: pass it as changedSince to get what changed after this answer. */
  watermark: rollCallWatermarkSchema.optional(),
});
export type CampaignReport = z.infer<typeof campaignReportSchema>;

export const inboxMessageSchema = z.object({
  id,
  receivedAt: isoTime,
  channel: channelSchema,
  from: z.string(),
  text: z.string(),
  campaignId: id.nullable(),
  /** The alert's name, so the inbox can say which alert a reply answered. */
  campaignName: z.string().nullable(),
  recipientId: id.nullable(),
  contactId: id.nullable(),
  displayName: z.string().nullable(),
  handled: z.boolean(),
  handledBy: z.string().nullable(),
  handledAt: isoTime.nullable(),
});
export type InboxMessage = z.infer<typeof inboxMessageSchema>;

/** A contact's Telegram deep link (t.me/<bot>?start=<token>), or why there is none now. */
export const telegramLinkSchema = z.object({
  unavailable: z.enum(['no-telegram-bot', 'provider-error']).nullable(),
  url: z.string().nullable(),
  bot: z.string().nullable(),
});
export type TelegramLink = z.infer<typeof telegramLinkSchema>;

/**
 * A draft SMS alert (outreach) that sends the chosen people their own Telegram link, for
 * review and start like any alert; or why there is none (no bot, Telegram not answering,
 * or everyone chosen is connected already).
 */
export const telegramLinkAlertSchema = z.object({
  unavailable: z.enum(['no-telegram-bot', 'provider-error', 'all-connected']).nullable(),
  campaignId: id.nullable(),
  /** People who get a link (not yet connected to Telegram). */
  contacts: z.number().int().nonnegative(),
  /** People left out because their Telegram chat is connected already. */
  alreadyConnected: z.number().int().nonnegative(),
});
export type TelegramLinkAlert = z.infer<typeof telegramLinkAlertSchema>;

// ── methods and events ──────────────────────────────────────────────────────────────────

const reason = z.string().trim().min(3, 'Give a reason (at least 3 characters)').max(1000);

export const campaignsMethods = {
  'templates.list': method(z.object({}), z.object({ templates: z.array(templateSchema) })),
  'templates.get': method(z.object({ id }), templateSchema),
  /** Saving changes an approved template back to draft. Unknown variables are a VALIDATION error. */
  'templates.create': method(templateFieldsSchema, templateSchema),
  'templates.update': method(z.object({ id, fields: templateFieldsSchema }), templateSchema),
  'templates.approve': method(z.object({ id }), templateSchema),
  'templates.delete': method(z.object({ id }), z.object({ deleted: z.literal(true) })),
  'templates.preview': method(
    z.object({ templateId: id, contactId: id, channel: channelSchema, language: contactLanguageSchema.optional() }),
    renderedMessageSchema,
  ),
  /**
   * The WhatsApp account's content templates with their approval, to bind one to a template.
   * `unavailable` says why there is no list: no WhatsApp sender is set up, or the provider
   * could not be asked now (`detail` has its answer).
   */
  'templates.whatsappContent': method(
    z.object({}),
    z.object({
      unavailable: z.enum(['no-whatsapp-sender', 'provider-error']).nullable(),
      detail: z.string().nullable(),
      templates: z.array(whatsAppContentTemplateSchema),
    }),
  ),

  /** A contact's one-time link to start a chat with the alerting bot, binding the chat to them. */
  'telegram.link': method(z.object({ contactId: id }), telegramLinkSchema),
  /**
   * Sends people their Telegram link by SMS: makes a draft outreach alert (one SMS step, the
   * link template) to the chosen contacts and members of the chosen groups who have no
   * Telegram chat yet. It goes out through the normal SMS path once started.
   */
  'telegram.linkAlert': method(
    z
      .object({
        name: z.string().trim().min(1).max(200),
        contactIds: z.array(id).max(100_000).default([]),
        groupIds: z.array(id).max(1000).default([]),
      })
      .refine((x) => x.contactIds.length + x.groupIds.length > 0, { message: 'Choose a contact or a group', path: ['contactIds'] }),
    telegramLinkAlertSchema,
  ),

  'campaigns.list': method(
    z.object({ status: campaignStatusSchema.optional(), limit: z.number().int().min(1).max(500).default(100) }),
    z.object({ campaigns: z.array(campaignSummarySchema) }),
  ),
  'campaigns.get': method(z.object({ id }), campaignSchema),
  'campaigns.create': method(campaignFieldsSchema, campaignSchema),
  'campaigns.update': method(z.object({ id, fields: campaignFieldsSchema }), campaignSchema),
  'campaigns.delete': method(z.object({ id }), z.object({ deleted: z.literal(true) })),
  /** What would happen if it started now: who gets what, who does not and why, the cost. */
  'campaigns.plan': method(z.object({ id }), planReportSchema),
  /**
   * Starts now (schedule "now"), or arms the schedule. A template that is not approved needs
   * `unapprovedReason`, which goes into the audit log.
   */
  'campaigns.start': method(
    z.object({ id, unapprovedReason: reason.optional() }),
    z.object({ campaign: campaignSchema, plan: planReportSchema }),
  ),
  'campaigns.pause': method(z.object({ id }), campaignSchema),
  'campaigns.resume': method(z.object({ id }), campaignSchema),
  /** Stops everything not yet sent and hangs up calls in progress. */
  'campaigns.cancel': method(z.object({ id, reason: z.string().trim().max(1000).optional() }), campaignSchema),
  /** Väntar på nät: the people waiting on a channel whose path is down move on to their next step now. */
  'campaigns.skipHeld': method(z.object({ id, channel: channelSchema }), campaignSchema),
  /**
   * Bekräftad per telefon: the signed-in operator called the person and marks them confirmed,
   * with a note. Counts as confirmed and ends their further attempts; audited.
   */
  'campaigns.confirmByPhone': method(
    z.object({ id, recipientId: id, note: z.string().max(500) }),
    z.object({ confirmedAt: isoTime, confirmedVia: z.string() }),
  ),
  'campaigns.progress': method(z.object({ id }), campaignProgressSchema),
  'campaigns.report': method(
    z.object({
      id,
      outcome: recipientOutcomeSchema.optional(),
      /** Only this person (their history in the roll-call). */
      recipientId: id.optional(),
      /** Only the people changed since this watermark (a previous answer's), for a live roll-call. */
      changedSince: rollCallWatermarkSchema.optional(),
      /** Without each delivery's events: the roll-call's lines, a fraction of the size. */
      events: z.boolean().default(true),
      cursor: z.number().int().nonnegative().optional(),
      limit: z.number().int().min(1).max(1000).default(200),
    }),
    campaignReportSchema,
  ),
  /**
   * The report as CSV (UTF-8 with BOM, semicolon-separated for Swedish Excel): one line per
   * delivery or one per person; column names and words in the console's language, times in
   * Europe/Stockholm with the offset.
   */
  'campaigns.exportCsv': method(
    z.object({ id, view: z.enum(['deliveries', 'people']).default('deliveries'), language: z.enum(['sv', 'en']).default('sv') }),
    z.object({ fileName: z.string(), csv: z.string(), rows: z.number().int() }),
  ),
  'campaigns.priceTable.get': method(z.object({}), priceTableSchema),
  'campaigns.priceTable.set': method(priceTableSchema, priceTableSchema),

  'inbox.list': method(
    z.object({ handled: z.boolean().optional(), campaignId: id.optional(), limit: z.number().int().min(1).max(500).default(100) }),
    z.object({ messages: z.array(inboxMessageSchema) }),
  ),
  'inbox.markHandled': method(
    z.object({ ids: z.array(id).min(1).max(1000), handled: z.boolean().default(true) }),
    z.object({ changed: z.number().int() }),
  ),
};

export const campaignsEvents = {
  /** Coalesced to at most 10 per second per campaign. */
  'campaigns.progress': campaignProgressSchema,
  'campaigns.changed': z.object({ id, status: campaignStatusSchema }),
  'templates.changed': z.object({ id }),
  'inbox.received': inboxMessageSchema,
  /** Messages marked handled or not (here or on another desktop of the organisation). */
  'inbox.changed': z.object({ ids: z.array(id) }),
};
