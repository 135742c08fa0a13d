// Tables of the campaign engine: templates and their per-language, per-channel content,
// campaigns, their recipients, the outbox of deliveries (one row per recipient × step ×
// address, written in one transaction at start), each delivery's timeline, the keys of
// provider events already applied (idempotency), and the inbox of unmatched replies.
// Times the dispatcher compares on its hot path (due_at, sending_since) are epoch
// milliseconds; times people read are ISO strings.
import { sql } from 'drizzle-orm';
import { type AnySQLiteColumn, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { contacts, contactGroups } from './contacts';

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;
const channelEnum = ['voice', 'sms', 'email', 'whatsapp', 'telegram'] as const;

export const templates = sqliteTable('templates', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  description: text('description'),
  /** Variable → text used when a contact has no value; open-ended, hence JSON. */
  fallbacks: text('fallbacks', { mode: 'json' })
    .$type<Record<string, string>>()
    .notNull()
    .default(sql`'{}'`),
  status: text('status', { enum: ['draft', 'approved'] })
    .notNull()
    .default('draft'),
  approvedBy: text('approved_by'),
  approvedAt: text('approved_at'),
  /** The signed-in user who wrote the current text (created or last changed it): they cannot approve it. */
  writtenBy: text('written_by'),
  createdAt: text('created_at').notNull().default(now),
  updatedAt: text('updated_at').notNull().default(now),
});

/** One language × channel of a template. */
export const templateContents = sqliteTable(
  'template_contents',
  {
    templateId: integer('template_id')
      .notNull()
      .references(() => templates.id, { onDelete: 'cascade' }),
    language: text('language', { enum: ['sv', 'en'] }).notNull(),
    channel: text('channel', { enum: channelEnum }).notNull(),
    /** SMS/WhatsApp/Telegram text, e-mail plain text, or the voice (TTS) script. */
    text: text('text'),
    subject: text('subject'),
    html: text('html'),
    /** Voice: a recorded/synthesised audio asset instead of a script. */
    audioId: text('audio_id'),
    voiceId: text('voice_id'),
    /** WhatsApp: the approved content template (Twilio ContentSid, HX…) and its name there. */
    contentSid: text('content_sid'),
    contentName: text('content_name'),
    /** WhatsApp: numbered content variable → GDial text; open-ended, hence JSON. */
    contentVariables: text('content_variables'),
  },
  (t) => [primaryKey({ columns: [t.templateId, t.language, t.channel] })],
);

export const campaigns = sqliteTable(
  'campaigns',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    /** The recurring campaign a run was started from. */
    parentId: integer('parent_id').references((): AnySQLiteColumn => campaigns.id, { onDelete: 'set null' }),
    status: text('status', { enum: ['draft', 'awaiting-approval', 'scheduled', 'running', 'paused', 'completed', 'cancelled', 'rejected'] })
      .notNull()
      .default('draft'),
    /** 0 = alert, 1 = outreach: the dispatcher orders due rows by it. */
    priority: integer('priority').notNull(),
    /**
     * `alert`: an operator's alert or outreach. `reply`: one answer written in a conversation
     * (campaigns/conversation-replies.ts), sent through the same outbox and kept out of the alert lists.
     */
    kind: text('kind', { enum: ['alert', 'reply'] })
      .notNull()
      .default('alert'),
    templateId: integer('template_id')
      .notNull()
      .references(() => templates.id),
    testGroupId: integer('test_group_id').references(() => contactGroups.id, { onDelete: 'set null' }),
    /**
     * The operator's definition (audience, steps, confirmation, schedule) as validated by
     * campaignFieldsSchema; it is a document edited as a whole. What the dispatcher needs
     * is copied into proper columns of the deliveries at start.
     */
    settings: text('settings', { mode: 'json' }).notNull(),
    /** Epoch ms of the next scheduled start (at / cron), null when none. */
    nextRunAt: integer('next_run_at'),
    approvalReason: text('approval_reason'),
    cancelReason: text('cancel_reason'),
    createdBy: text('created_by').notNull(),
    createdAt: text('created_at').notNull().default(now),
    updatedAt: text('updated_at').notNull().default(now),
    startedAt: text('started_at'),
    finishedAt: text('finished_at'),
    /**
     * Organisation sync: the device dispatching this alert when it is another desktop's (a
     * replica here, shown live, never dispatched); null when this desktop runs it.
     */
    runBy: text('run_by'),
    /** Escalation waves decided so far (settings.waves, in order); the alert is not done while one is pending. */
    wavesDecided: integer('waves_decided').notNull().default(0),
    /** Bit k set: wave k alerted its people; clear when it was decided and not needed. */
    wavesAlerted: integer('waves_alerted').notNull().default(0),
  },
  (t) => [index('campaigns_status').on(t.status, t.nextRunAt), index('campaigns_parent').on(t.parentId)],
);

/**
 * The two-person rule: an alert's request for a second operator's approval (who asked, from
 * which desktop, what the plan said) and the decision on it (approved, rejected, or an
 * admin's emergency override). Users are named by id, as the approval compares ids.
 */
export const campaignApprovals = sqliteTable('campaign_approvals', {
  campaignId: integer('campaign_id')
    .primaryKey()
    .references(() => campaigns.id, { onDelete: 'cascade' }),
  /** Why it needs approval: `head-count` and/or `vma` (empty for an override of an alert that needed none). */
  reasons: text('reasons', { mode: 'json' }).$type<string[]>().notNull(),
  requestedById: text('requested_by_id').notNull(),
  requestedByName: text('requested_by_name').notNull(),
  requestedDesktop: text('requested_desktop').notNull(),
  requestedAt: text('requested_at').notNull(),
  recipients: integer('recipients').notNull(),
  deliveries: integer('deliveries').notNull(),
  channels: text('channels', { mode: 'json' }).$type<string[]>().notNull(),
  maxCost: integer('max_cost_ore').notNull(),
  currency: text('currency').notNull(),
  decision: text('decision', { enum: ['approved', 'rejected', 'overridden'] }),
  decidedById: text('decided_by_id'),
  decidedByName: text('decided_by_name'),
  decidedDesktop: text('decided_desktop'),
  decidedAt: text('decided_at'),
  decisionComment: text('decision_comment'),
});

export const campaignRecipients = sqliteTable(
  'campaign_recipients',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    campaignId: integer('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    contactId: integer('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    /** Snapshot at start: the report must read the same after the contact changes. */
    displayName: text('display_name').notNull(),
    language: text('language', { enum: ['sv', 'en'] }).notNull(),
    outcome: text('outcome', { enum: ['pending', 'in-progress', 'confirmed', 'reached', 'unreached', 'opted-out', 'cancelled'] })
      .notNull()
      .default('pending'),
    confirmedAt: text('confirmed_at'),
    /** e.g. "dtmf 1 (voice +4670…)" or "reply JA (sms)". */
    confirmedVia: text('confirmed_via'),
    /** 0: the alert's own audience; k: alerted by escalation wave k (settings.waves[k - 1]). */
    wave: integer('wave').notNull().default(0),
  },
  (t) => [
    index('campaign_recipients_campaign').on(t.campaignId, t.outcome),
    index('campaign_recipients_contact').on(t.contactId),
    /** The analytics' confirmation counts and waits per alert, read from the index alone. */
    index('campaign_recipients_confirmed').on(t.campaignId, t.confirmedAt),
  ],
);

export const deliveries = sqliteTable(
  'deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    campaignId: integer('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    recipientId: integer('recipient_id')
      .notNull()
      .references(() => campaignRecipients.id, { onDelete: 'cascade' }),
    stepIndex: integer('step_index').notNull(),
    channel: text('channel', { enum: channelEnum }).notNull(),
    /** E.164, e-mail address or Telegram chat id. */
    address: text('address').notNull(),
    /** Our id for the delivery, sent along to the provider (callback URLs, custom args) for matching and reconciliation. */
    token: text('token').notNull(),
    state: text('state', { enum: ['waiting', 'queued', 'sending', 'sent', 'delivered', 'failed', 'skipped', 'cancelled'] }).notNull(),
    /** 0 = alert, 1 = outreach (copied from the campaign so the claim query needs no join). */
    priority: integer('priority').notNull(),
    /** Epoch ms when the row may be claimed; null while waiting for an earlier step. */
    dueAt: integer('due_at'),
    waitSeconds: integer('wait_seconds').notNull(),
    condition: text('condition', { enum: ['not-confirmed', 'not-delivered', 'always'] }).notNull(),
    fallThrough: integer('fall_through', { mode: 'boolean' }).notNull(),
    /** Rendered content, frozen at start. */
    body: text('body'),
    subject: text('subject'),
    html: text('html'),
    audioId: text('audio_id'),
    /** The template's Piper voice for a typed voice message; null = the default voice. */
    voiceId: text('voice_id'),
    /** WhatsApp: the approved content template and its variables rendered for this person (JSON), frozen at start. */
    contentSid: text('content_sid'),
    contentVariables: text('content_variables'),
    /**
     * The SMS segments the body is billed as (an SMS; 0 for other channels), counted once
     * when the row is planned: the delivery tallies and the costs read this count, never
     * the text. Not personal: it stays when an erasure blanks the body.
     */
    segments: integer('segments').notNull().default(0),
    attempts: integer('attempts').notNull().default(0),
    /** Epoch ms the current claim began (to find rows left in flight by a crash). */
    sendingSince: integer('sending_since'),
    provider: text('provider'),
    providerId: text('provider_id'),
    providerStatus: text('provider_status'),
    /** Rank of providerStatus; events only ever raise it. */
    providerRank: integer('provider_rank').notNull().default(0),
    answeredBy: text('answered_by'),
    errorCode: text('error_code'),
    error: text('error'),
    possibleDuplicate: integer('possible_duplicate', { mode: 'boolean' }).notNull().default(false),
    /**
     * Look up before sending: set at a take-over on the rows the former owner may have sent
     * without telling. The claim asks the provider first (reconcile.ts): found, the row is
     * adopted; not found, it is sent (flagged only when the provider could not be asked).
     */
    lookUp: integer('look_up', { mode: 'boolean' }).notNull().default(false),
    /** Another recipient's delivery that already goes to the same address in this step. */
    sharedWithId: integer('shared_with_id'),
    sentAt: integer('sent_at'),
    finishedAt: integer('finished_at'),
  },
  (t) => [
    uniqueIndex('deliveries_token').on(t.token),
    /** The dispatcher claims due rows per channel (each channel has its own rate limit), alerts first. */
    index('deliveries_claim').on(t.state, t.channel, t.priority, t.dueAt),
    index('deliveries_recipient').on(t.recipientId, t.stepIndex),
    index('deliveries_campaign_state').on(t.campaignId, t.state),
    /** A person's first hand-over (time to confirm) read from the index alone. */
    index('deliveries_recipient_sent').on(t.recipientId, t.sentAt),
    index('deliveries_provider_id').on(t.providerId),
    index('deliveries_address').on(t.address, t.channel),
    /** Few rows: counts the possible duplicates of a campaign without reading all its rows. */
    index('deliveries_possible_duplicates')
      .on(t.campaignId)
      .where(sql`${t.possibleDuplicate} = 1`),
  ],
);

/**
 * The deliveries of each alert counted by what the analytics and its costs read: channel,
 * provider, state, error code, handed over or not, the number's first seven characters (its
 * country) and its SMS segments. Kept by triggers on deliveries (migration 0031: every
 * insert, update of these columns and delete moves one count), so it is derived from the
 * deliveries, never written by the engine or synced, and rebuildable from them
 * (store/analytics.ts rebuildDeliveryTallies). Absent values are stored as ''. Keyed on the
 * segment count, not the text: with personalised messages the text made about a tally per
 * person, and every trigger compared and wrote whole texts.
 */
export const deliveryTallies = sqliteTable(
  'delivery_tallies',
  {
    campaignId: integer('campaign_id').notNull(),
    channel: text('channel', { enum: channelEnum }).notNull(),
    provider: text('provider').notNull(),
    state: text('state').notNull(),
    errorCode: text('error_code').notNull(),
    handedOver: integer('handed_over').notNull(),
    prefix: text('prefix').notNull(),
    segments: integer('segments').notNull(),
    /** One address of the group (the first counted): its prefix decides the country. */
    address: text('address').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.channel, t.provider, t.state, t.errorCode, t.handedOver, t.prefix, t.segments] })],
);

/** The timeline of one delivery, for the per-recipient report. Never updated. */
export const deliveryEvents = sqliteTable(
  'delivery_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    deliveryId: integer('delivery_id')
      .notNull()
      .references(() => deliveries.id, { onDelete: 'cascade' }),
    /** Epoch ms. */
    at: integer('at').notNull(),
    kind: text('kind').notNull(),
    detail: text('detail'),
  },
  (t) => [index('delivery_events_delivery').on(t.deliveryId, t.at)],
);

/** Keys of provider events already applied: a duplicate is recognised here and changes nothing. */
export const appliedProviderEvents = sqliteTable('applied_provider_events', {
  eventKey: text('event_key').primaryKey(),
  appliedAt: integer('applied_at').notNull(),
});

/**
 * Status and key-press events that matched no delivery here when they came: on a desktop
 * keeping another's alert, the event can arrive before the owner's operations that make the
 * delivery (or give it its provider id). Kept (no address in them) and applied when a
 * delivery with their token or provider id appears; pruned after a week.
 */
export const unmatchedProviderEvents = sqliteTable(
  'unmatched_provider_events',
  {
    eventKey: text('event_key').primaryKey(),
    token: text('token'),
    providerId: text('provider_id'),
    /** The ProviderEvent as JSON. */
    event: text('event').notNull(),
    receivedAt: integer('received_at').notNull(),
  },
  (t) => [
    index('unmatched_provider_events_token').on(t.token),
    index('unmatched_provider_events_provider_id').on(t.providerId),
    index('unmatched_provider_events_received').on(t.receivedAt),
  ],
);

/** Replies that matched neither a confirmation nor a stop keyword, for an operator to read. */
export const inboxMessages = sqliteTable(
  'inbox_messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    receivedAt: text('received_at').notNull(),
    channel: text('channel', { enum: channelEnum }).notNull(),
    fromAddress: text('from_address').notNull(),
    text: text('text').notNull(),
    campaignId: integer('campaign_id').references(() => campaigns.id, { onDelete: 'set null' }),
    recipientId: integer('recipient_id').references(() => campaignRecipients.id, { onDelete: 'set null' }),
    contactId: integer('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    handled: integer('handled', { mode: 'boolean' }).notNull().default(false),
    handledBy: text('handled_by'),
    handledAt: text('handled_at'),
    /** The operator the conversation is assigned to (user id and name), kept on each of its messages. */
    assignedTo: text('assigned_to'),
    assignedName: text('assigned_name'),
  },
  (t) => [
    index('inbox_messages_handled').on(t.handled, t.id),
    index('inbox_messages_campaign').on(t.campaignId),
    /** A conversation's messages: by contact, or by the sender's address when unknown. */
    index('inbox_messages_contact').on(t.contactId, t.channel),
    index('inbox_messages_from').on(t.fromAddress, t.channel),
  ],
);

/**
 * When each WhatsApp address last wrote to us: inside 24 hours of it a free-form text may
 * be sent; outside it only an approved content template. Local to this desktop.
 */
export const whatsappSessions = sqliteTable('whatsapp_sessions', {
  address: text('address').primaryKey(),
  /** Epoch ms of the person's latest inbound WhatsApp message. */
  lastInboundAt: integer('last_inbound_at').notNull(),
});

/**
 * Telegram deep links (t.me/<bot>?start=<token>): a person who opens their contact's link
 * and presses Start binds their chat to the contact. One-time tokens, local to the desktop
 * that made the link; the chat id it binds reaches the others with the contact.
 */
export const telegramLinks = sqliteTable('telegram_links', {
  token: text('token').primaryKey(),
  contactId: integer('contact_id')
    .notNull()
    .references(() => contacts.id, { onDelete: 'cascade' }),
  /** Epoch ms. */
  createdAt: integer('created_at').notNull(),
  /** Epoch ms the link was used; a used link binds nobody else. */
  usedAt: integer('used_at'),
  chatId: text('chat_id'),
});
