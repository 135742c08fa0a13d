// Tables for the people GDial can alert and the groups they belong to. Every channel
// address has its own row (phones, e-mails) so the campaign planner, duplicate detection
// and search can use indexes; only custom fields, which are truly open-ended, are JSON.
// The full-text index (contacts_fts, FTS5) lives in a hand-written migration because
// drizzle cannot declare virtual tables.
import { sql } from 'drizzle-orm';
import { type AnySQLiteColumn, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

export const contacts = sqliteTable(
  'contacts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    displayName: text('display_name').notNull(),
    firstName: text('first_name'),
    lastName: text('last_name'),
    organisation: text('organisation'),
    role: text('role'),
    notes: text('notes'),
    language: text('language', { enum: ['sv', 'en'] })
      .notNull()
      .default('sv'),
    /** E.164. */
    whatsapp: text('whatsapp'),
    telegramChatId: text('telegram_chat_id'),
    customFields: text('custom_fields', { mode: 'json' })
      .$type<Record<string, string | number | boolean | null>>()
      .notNull()
      .default(sql`'{}'`),
    dncVoice: integer('dnc_voice', { mode: 'boolean' }).notNull().default(false),
    dncSms: integer('dnc_sms', { mode: 'boolean' }).notNull().default(false),
    dncEmail: integer('dnc_email', { mode: 'boolean' }).notNull().default(false),
    dncWhatsapp: integer('dnc_whatsapp', { mode: 'boolean' }).notNull().default(false),
    dncTelegram: integer('dnc_telegram', { mode: 'boolean' }).notNull().default(false),
    street: text('street'),
    /** Five digits, no space. */
    postcode: text('postcode'),
    town: text('town'),
    municipality: text('municipality'),
    /**
     * WGS 84 degrees, both or neither. Mirrored by triggers into contacts_geo (an R*Tree
     * virtual table, hand-written in the migration) so an area finds its candidates by box.
     */
    lat: real('lat'),
    lon: real('lon'),
    /**
     * Display name folded so that SQLite's byte order is Swedish alphabetical order
     * (å, ä, ö after z); SQLite has no ICU collation, so the key is computed in code.
     */
    sortKey: text('sort_key').notNull(),
    /**
     * The contact's search document as folded tokens, one line per contacts_fts column
     * (" anna andersson\n malmo stad\n …"), tokenised like contacts_fts: what the engine's
     * in-memory search index is built from. NULL until filled in after an upgrade.
     */
    searchText: text('search_text'),
    createdAt: text('created_at').notNull().default(now),
    updatedAt: text('updated_at').notNull().default(now),
  },
  (t) => [
    index('contacts_sort_name').on(t.sortKey, t.id),
    index('contacts_sort_updated').on(t.updatedAt, t.id),
    index('contacts_whatsapp')
      .on(t.whatsapp)
      .where(sql`${t.whatsapp} IS NOT NULL`),
    // Import matches a file's Telegram ids against the stored ones (duplicates).
    index('contacts_telegram')
      .on(t.telegramChatId)
      .where(sql`${t.telegramChatId} IS NOT NULL`),
    index('contacts_postcode')
      .on(t.postcode)
      .where(sql`${t.postcode} IS NOT NULL`),
    // Empty once filled in: finding contacts still without search text costs nothing at start.
    index('contacts_search_text_missing')
      .on(t.id)
      .where(sql`${t.searchText} IS NULL`),
  ],
);

export const contactPhones = sqliteTable(
  'contact_phones',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    contactId: integer('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    e164: text('e164').notNull(),
    label: text('label', { enum: ['mobile', 'work', 'home', 'other'] }).notNull(),
    /** 0 = called first. */
    priority: integer('priority').notNull(),
    kind: text('kind').notNull(),
    canSms: integer('can_sms', { mode: 'boolean' }).notNull(),
  },
  (t) => [uniqueIndex('contact_phones_contact_number').on(t.contactId, t.e164), index('contact_phones_e164').on(t.e164)],
);

export const contactEmails = sqliteTable(
  'contact_emails',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    contactId: integer('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    /** As entered. */
    address: text('address').notNull(),
    /** Lower-cased, for duplicate detection and opt-out lookups. */
    addressKey: text('address_key').notNull(),
    label: text('label', { enum: ['work', 'home', 'other'] }).notNull(),
    priority: integer('priority').notNull(),
  },
  (t) => [uniqueIndex('contact_emails_contact_address').on(t.contactId, t.addressKey), index('contact_emails_key').on(t.addressKey)],
);

/** Consent a contact gave for a channel: when, how, who recorded it. One per contact and channel. */
export const contactConsents = sqliteTable(
  'contact_consents',
  {
    contactId: integer('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    channel: text('channel', { enum: ['voice', 'sms', 'email', 'whatsapp', 'telegram'] }).notNull(),
    /** A day ("2026-03-01") or an ISO time. */
    givenAt: text('given_at').notNull(),
    method: text('method', { enum: ['import', 'form', 'verbal'] }).notNull(),
    note: text('note'),
    /** The signed-in user who recorded it. */
    recordedBy: text('recorded_by'),
  },
  (t) => [primaryKey({ columns: [t.contactId, t.channel] })],
);

export const contactTags = sqliteTable(
  'contact_tags',
  {
    contactId: integer('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    tag: text('tag').notNull(),
  },
  (t) => [primaryKey({ columns: [t.contactId, t.tag] }), index('contact_tags_tag').on(t.tag, t.contactId)],
);

export const contactGroups = sqliteTable(
  'contact_groups',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    /** Lower-cased name; names are unique case-insensitively so files and scripts can use them. */
    nameKey: text('name_key').notNull(),
    description: text('description'),
    colour: text('colour'),
    parentId: integer('parent_id').references((): AnySQLiteColumn => contactGroups.id, { onDelete: 'set null' }),
    createdAt: text('created_at').notNull().default(now),
    updatedAt: text('updated_at').notNull().default(now),
  },
  (t) => [uniqueIndex('contact_groups_name').on(t.nameKey), index('contact_groups_parent').on(t.parentId)],
);

export const groupMembers = sqliteTable(
  'group_members',
  {
    groupId: integer('group_id')
      .notNull()
      .references(() => contactGroups.id, { onDelete: 'cascade' }),
    contactId: integer('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    addedAt: text('added_at').notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.contactId] }), index('group_members_contact').on(t.contactId, t.groupId)],
);

/**
 * Addresses that must not be contacted on a channel, whoever they belong to: a reply of
 * "STOPP", an operator's note, a provider's unsubscribe. Kept apart from contacts so an
 * opt-out survives the contact being deleted and re-imported.
 */
export const optOuts = sqliteTable(
  'opt_outs',
  {
    channel: text('channel', { enum: ['voice', 'sms', 'email', 'whatsapp', 'telegram'] }).notNull(),
    address: text('address').notNull(),
    source: text('source', { enum: ['operator', 'reply', 'import', 'provider'] }).notNull(),
    note: text('note'),
    createdAt: text('created_at').notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.channel, t.address] }), index('opt_outs_address').on(t.address)],
);
