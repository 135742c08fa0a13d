// The contacts and groups part of the RPC contract: who can be alerted, how to reach them,
// the groups they belong to, search, import/export and GDPR requests. The engine validates
// every input against these schemas; the UI builds its forms and tables from the types.
//
// Phone numbers arrive as the operator typed them ("070-123 45 67"); the engine normalises
// them to E.164 and answers VALIDATION naming the field when one cannot be (no schema here
// can, because that needs libphonenumber, which the protocol package does not depend on).
import { z } from 'zod';
import { channels } from './channels';
import { issueCodes, phoneProblems, type PhoneProblem } from './issues';
import { addressInputSchema, contactAddressSchema } from './addresses';
import { method, type FieldIssue } from './rpc-core';

// ── vocabulary ──────────────────────────────────────────────────────────────────────────

export const channelSchema = z.enum(channels);
export type Channel = z.infer<typeof channelSchema>;

export const contactLanguages = ['sv', 'en'] as const;
export const contactLanguageSchema = z.enum(contactLanguages);
export type ContactLanguage = z.infer<typeof contactLanguageSchema>;

export const phoneLabels = ['mobile', 'work', 'home', 'other'] as const;
export const phoneLabelSchema = z.enum(phoneLabels);
export type PhoneLabel = z.infer<typeof phoneLabelSchema>;

export const emailLabels = ['work', 'home', 'other'] as const;
export const emailLabelSchema = z.enum(emailLabels);
export type EmailLabel = z.infer<typeof emailLabelSchema>;

/** What the numbering plan says a number is (libphonenumber's number type). */
export const phoneKinds = [
  'mobile',
  'fixedLine',
  'fixedLineOrMobile',
  'voip',
  'tollFree',
  'premiumRate',
  'sharedCost',
  'personal',
  'pager',
  'uan',
  'voicemail',
  'unknown',
] as const;
export const phoneKindSchema = z.enum(phoneKinds);
export type PhoneKind = z.infer<typeof phoneKindSchema>;

const contactId = z.number().int().positive();
const groupId = z.number().int().positive();
const isoTime = z.string();
const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();

export const tagSchema = z.string().trim().min(1, 'A tag cannot be empty').max(60, 'A tag is at most 60 characters');
const hexColour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'Colour must look like #1c7ed6');
const customFieldValue = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]);
export const customFieldsSchema = z
  .record(z.string().trim().min(1).max(64), customFieldValue)
  .refine((r) => Object.keys(r).length <= 100, 'At most 100 custom fields');
export type CustomFields = z.infer<typeof customFieldsSchema>;

/** Per-channel "do not contact"; a missing channel means false. */
export const doNotContactSchema = z.object({
  voice: z.boolean(),
  sms: z.boolean(),
  email: z.boolean(),
  whatsapp: z.boolean(),
  telegram: z.boolean(),
});
export type DoNotContact = z.infer<typeof doNotContactSchema>;

// ── consent ─────────────────────────────────────────────────────────────────────────────

/** How consent was given: a column of an imported file, a form the person filled in, said to an operator. */
export const consentMethods = ['import', 'form', 'verbal'] as const;
export const consentMethodSchema = z.enum(consentMethods);
export type ConsentMethod = z.infer<typeof consentMethodSchema>;

/** A day ("2026-03-01") or a moment (ISO 8601). */
const consentTime = z
  .string()
  .trim()
  .refine(
    (s) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && !Number.isNaN(Date.parse(s)),
    'Write the date as 2026-03-01',
  );

export const consentInputSchema = z.object({
  channel: channelSchema,
  givenAt: consentTime,
  method: consentMethodSchema,
  note: z.string().trim().max(500).nullable().optional(),
});
export type ConsentInput = z.input<typeof consentInputSchema>;

export const contactConsentSchema = z.object({
  channel: channelSchema,
  givenAt: z.string(),
  method: consentMethodSchema,
  note: z.string().nullable(),
  /** The signed-in user who recorded it (or the importer); null when it came without one. */
  recordedBy: z.string().nullable(),
});
export type ContactConsent = z.infer<typeof contactConsentSchema>;

// ── contact input (create / update) ─────────────────────────────────────────────────────

export const phoneInputSchema = z.object({
  /** As typed: national ("070-123 45 67") or international ("+46 70 123 45 67"). */
  number: z.string().trim().min(1, 'Phone number is empty').max(40, 'Phone number is too long'),
  label: phoneLabelSchema.default('mobile'),
});
export type PhoneInput = z.input<typeof phoneInputSchema>;

/** Deliberately permissive (Swedish addresses may hold å/ä/ö); it must have a dotted domain. */
export const emailAddressSchema = z
  .string()
  .trim()
  .max(254, 'E-mail address is too long')
  .regex(/^[^\s@"<>,;]+@[^\s@"<>,;.]+(\.[^\s@"<>,;.]+)+$/u, 'Not a valid e-mail address');

export const emailInputSchema = z.object({
  address: emailAddressSchema,
  label: emailLabelSchema.default('work'),
});
export type EmailInput = z.input<typeof emailInputSchema>;

/**
 * The editable fields of a contact. Every field is optional so the same shape serves
 * create (missing = default) and update (missing = unchanged). Arrays replace the whole
 * list; phone priority is the array order (first is called first).
 */
export const contactFieldsSchema = z.object({
  /** Derived from first/last name (else organisation, e-mail, phone) when absent. */
  displayName: optionalText(200),
  firstName: optionalText(100),
  lastName: optionalText(100),
  organisation: optionalText(200),
  role: optionalText(200),
  notes: optionalText(10_000),
  language: contactLanguageSchema.optional(),
  phones: z.array(phoneInputSchema).max(20, 'At most 20 phone numbers').optional(),
  emails: z.array(emailInputSchema).max(20, 'At most 20 e-mail addresses').optional(),
  /** A phone number as typed; normalised like the others. */
  whatsapp: z.string().trim().max(40).nullable().optional(),
  /** Telegram's numeric chat id (what the bot sees), e.g. "123456789". */
  telegramChatId: z
    .string()
    .trim()
    .regex(/^-?\d{1,20}$/, 'A Telegram chat id is a number, e.g. 123456789')
    .nullable()
    .optional(),
  tags: z.array(tagSchema).max(100, 'At most 100 tags').optional(),
  customFields: customFieldsSchema.optional(),
  doNotContact: doNotContactSchema.partial().optional(),
  /** Groups the contact belongs to (replaces the membership list). */
  groupIds: z.array(groupId).max(1000).optional(),
  /** The postal address and coordinates (replaces the whole address; null clears it). */
  address: addressInputSchema.nullable().optional(),
  /** Consent per channel, at most one each (replaces the list; who recorded a new or changed one is the signed-in user). */
  consents: z
    .array(consentInputSchema)
    .max(channels.length)
    .refine((list) => new Set(list.map((c) => c.channel)).size === list.length, 'One consent per channel')
    .optional(),
});
export type ContactFields = z.input<typeof contactFieldsSchema>;

// ── contact output ──────────────────────────────────────────────────────────────────────

export const contactPhoneSchema = z.object({
  e164: z.string(),
  /** The way it is written at home, e.g. "070-123 45 67". */
  national: z.string(),
  label: phoneLabelSchema,
  /** 0 = first choice. */
  priority: z.number().int().nonnegative(),
  kind: phoneKindSchema,
  /** False for numbers that can only take voice calls (e.g. Swedish fixed lines). */
  canSms: z.boolean(),
});
export type ContactPhone = z.infer<typeof contactPhoneSchema>;

export const contactEmailSchema = z.object({ address: z.string(), label: emailLabelSchema });
export type ContactEmail = z.infer<typeof contactEmailSchema>;

export const contactSchema = z.object({
  id: contactId,
  displayName: z.string(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  organisation: z.string().nullable(),
  role: z.string().nullable(),
  notes: z.string().nullable(),
  language: contactLanguageSchema,
  phones: z.array(contactPhoneSchema),
  emails: z.array(contactEmailSchema),
  /** E.164. */
  whatsapp: z.string().nullable(),
  telegramChatId: z.string().nullable(),
  tags: z.array(z.string()),
  customFields: z.record(z.string(), customFieldValue),
  doNotContact: doNotContactSchema,
  groupIds: z.array(groupId),
  address: contactAddressSchema,
  /** In channel order. */
  consents: z.array(contactConsentSchema),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type Contact = z.infer<typeof contactSchema>;

/** The contact fields organisation sync shares, in the codec's order (tags and memberships travel as pairs of their own). */
export const contactSyncFields = [
  'displayName',
  'firstName',
  'lastName',
  'organisation',
  'role',
  'notes',
  'language',
  'phones',
  'emails',
  'whatsapp',
  'telegramChatId',
  'customFields',
  'doNotContact',
  'address',
  'consents',
] as const;

/** How the audit names the fields of a changed contact or group (the console's and the relay's summaries alike). */
export const contactFieldLabels: Record<'sv' | 'en', Record<string, string>> = {
  sv: {
    displayName: 'namn',
    firstName: 'förnamn',
    lastName: 'efternamn',
    organisation: 'organisation',
    role: 'roll',
    notes: 'anteckningar',
    language: 'språk',
    phones: 'telefonnummer',
    emails: 'e-post',
    whatsapp: 'WhatsApp',
    telegramChatId: 'Telegram',
    tags: 'taggar',
    customFields: 'egna fält',
    doNotContact: 'spärrar',
    address: 'adress',
    consents: 'samtycken',
    groups: 'grupper',
    name: 'namn',
    description: 'beskrivning',
    colour: 'färg',
    parentId: 'överordnad grupp',
  },
  en: {
    displayName: 'name',
    firstName: 'first name',
    lastName: 'last name',
    organisation: 'organisation',
    role: 'role',
    notes: 'notes',
    language: 'language',
    phones: 'phone numbers',
    emails: 'e-mail',
    whatsapp: 'WhatsApp',
    telegramChatId: 'Telegram',
    tags: 'tags',
    customFields: 'custom fields',
    doNotContact: 'do-not-contact',
    address: 'address',
    consents: 'consents',
    groups: 'groups',
    name: 'name',
    description: 'description',
    colour: 'colour',
    parentId: 'parent group',
  },
};

/** One line of the contacts table. */
export const contactSummarySchema = z.object({
  id: contactId,
  displayName: z.string(),
  organisation: z.string().nullable(),
  role: z.string().nullable(),
  /** First-priority number, E.164. */
  phone: z.string().nullable(),
  phoneCount: z.number().int().nonnegative(),
  email: z.string().nullable(),
  tags: z.array(z.string()),
  groupIds: z.array(groupId),
  doNotContact: doNotContactSchema,
  updatedAt: isoTime,
});
export type ContactSummary = z.infer<typeof contactSummarySchema>;

// ── search ──────────────────────────────────────────────────────────────────────────────

export const contactSortSchema = z.enum(['name', 'updated']);
export type ContactSort = z.infer<typeof contactSortSchema>;

export const contactSearchInputSchema = z.object({
  /** Words are prefix-matched against names, organisation, e-mails, tags and phone digits ("0701234"). */
  query: z.string().max(200).default(''),
  groupId: groupId.optional(),
  /** With groupId: also members of its subgroups. */
  includeSubgroups: z.boolean().default(true),
  tag: tagSchema.optional(),
  /** name: A→Ö; updated: most recently changed first. */
  sort: contactSortSchema.default('name'),
  /** From the previous page's nextCursor; pages stay stable while contacts change. */
  cursor: z.string().max(500).nullable().optional(),
  /**
   * Instead of a cursor: the page starting at the nth match (0 is the first), so a table can
   * fetch the rows at its scroll position without the pages before them.
   */
  offset: z.number().int().min(0).max(10_000_000).optional(),
  limit: z.number().int().min(1).max(500).default(100),
});
export type ContactSearchInput = z.input<typeof contactSearchInputSchema>;

export const contactSearchOutputSchema = z.object({
  items: z.array(contactSummarySchema),
  nextCursor: z.string().nullable(),
  /** All matches, not just this page; counted for the first page, later pages (with a cursor) repeat that count. */
  total: z.number().int().nonnegative(),
  /**
   * Of total, the matches where every word starts a name, address or tag; they come first in
   * the order asked for. The matches from position exactTotal on were found by forgiving a
   * typo in some word ("andersn" finds Andersson), in the same order after them.
   */
  exactTotal: z.number().int().nonnegative(),
});
export type ContactSearchOutput = z.infer<typeof contactSearchOutputSchema>;

// ── groups ──────────────────────────────────────────────────────────────────────────────

export const groupSchema = z.object({
  id: groupId,
  name: z.string(),
  description: z.string().nullable(),
  colour: z.string().nullable(),
  parentId: groupId.nullable(),
  /** Direct members. */
  memberCount: z.number().int().nonnegative(),
  /** Distinct members of this group and all its subgroups. */
  totalMemberCount: z.number().int().nonnegative(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type Group = z.infer<typeof groupSchema>;

export const groupFieldsSchema = z.object({
  /** Unique (case-insensitively) across all groups, so imports and the CLI can name them. */
  name: z.string().trim().min(1, 'Group name is required').max(100),
  description: z.string().trim().max(2000).nullable().optional(),
  colour: hexColour.nullable().optional(),
  /** Null or absent = top level. A group cannot be moved under itself or its subgroups. */
  parentId: groupId.nullable().optional(),
});
export type GroupFields = z.input<typeof groupFieldsSchema>;

// ── import ──────────────────────────────────────────────────────────────────────────────

/** Contact fields an import column can fill; `custom.<key>` fills a custom field. */
export const importFields = [
  'firstName',
  'lastName',
  'displayName',
  'organisation',
  'role',
  'notes',
  'language',
  'phone.mobile',
  'phone.work',
  'phone.home',
  'phone.other',
  'email',
  'whatsapp',
  'telegramChatId',
  'groups',
  'tags',
  'address.street',
  'address.postcode',
  'address.town',
  'address.municipality',
  /** WGS 84 degrees. */
  'address.lat',
  'address.lon',
  /** SWEREF 99 TM metres (northing "N"/"x", easting "E"/"y"), converted to WGS 84 on import. */
  'address.swerefN',
  'address.swerefE',
  /** The day consent for SMS / e-mail was given; recorded as given by import. */
  'consent.sms',
  'consent.email',
] as const;
export const importFieldSchema = z.union([
  z.enum(importFields),
  z.string().regex(/^custom\.[\p{L}\p{N}_ .-]{1,64}$/u, 'Custom fields are written custom.<name>'),
]);
export type ImportField = z.infer<typeof importFieldSchema>;

export const importSourceSchema = z.discriminatedUnion('kind', [
  /** The file's bytes, as the browser or renderer read them. */
  z.object({ kind: z.literal('inline'), fileName: z.string().min(1).max(255), dataBase64: z.string().max(200_000_000) }),
  /** A file the engine can read itself (desktop host, CLI). */
  z.object({ kind: z.literal('path'), path: z.string().min(1) }),
]);
export type ImportSource = z.infer<typeof importSourceSchema>;

export const importFormatSchema = z.enum(['csv', 'vcard']);
export const importEncodingSchema = z.enum(['utf-8', 'utf-16le', 'windows-1252']);
export const csvDelimiterSchema = z.enum([',', ';', '\t']);
export const duplicateModeSchema = z.enum(['update', 'skip', 'create']);
export type DuplicateMode = z.infer<typeof duplicateModeSchema>;

export const columnMappingSchema = z.object({
  /** 0-based column index. */
  column: z.number().int().nonnegative(),
  /** Null = ignore the column. */
  field: importFieldSchema.nullable(),
});
export type ColumnMapping = z.infer<typeof columnMappingSchema>;

/** How to read an import file: what contacts.import.inspect and contacts.import.preview share. */
export const importInspectInputSchema = z.object({
  source: importSourceSchema,
  format: z.union([z.literal('auto'), importFormatSchema]).default('auto'),
  encoding: z.union([z.literal('auto'), importEncodingSchema]).default('auto'),
  delimiter: z.union([z.literal('auto'), csvDelimiterSchema]).default('auto'),
});
export type ImportInspectInput = z.input<typeof importInspectInputSchema>;

export const importPreviewInputSchema = importInspectInputSchema.extend({
  /** Overrides the automatic header mapping for the columns listed. */
  mapping: z.array(columnMappingSchema).optional(),
  /** What the preview should assume for duplicates (the run may choose again). */
  onDuplicate: duplicateModeSchema.default('update'),
  /** An earlier dry run by the same client that this one replaces (another mapping, duplicate choice or file): the engine lets go of it. */
  replaces: z.string().min(1).optional(),
});
export type ImportPreviewInput = z.input<typeof importPreviewInputSchema>;

/**
 * One problem with one row. `row` is what the operator sees: for CSV the spreadsheet row
 * (the header is row 1), for vCard the card's position in the file (1 = first card).
 */
export const importRowErrorSchema = z.object({
  row: z.number().int().positive(),
  /** The contact field at fault (e.g. "phones.0.number" or "email"), null for the whole row. */
  field: z.string().nullable(),
  /** The column header the value came from, when there is one. */
  column: z.string().nullable(),
  value: z.string().nullable(),
  message: z.string(),
  code: z.enum(issueCodes).optional(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
export type ImportRowError = z.infer<typeof importRowErrorSchema>;

export const importDuplicateSchema = z.object({
  row: z.number().int().positive(),
  /** Which field matched: a phone number, an e-mail address, the WhatsApp number or the Telegram chat id (each only against the same field). */
  by: z.enum(['phone', 'email', 'whatsapp', 'telegram']),
  /** The E.164 number (phone or WhatsApp), e-mail address or Telegram chat id both share. */
  value: z.string(),
  /** The existing contact it matches, or null if it matches an earlier row of the file. */
  existingContactId: contactId.nullable(),
  existingName: z.string().nullable(),
  /** The earlier row of the same file, for duplicates within the file. */
  fileRow: z.number().int().positive().nullable(),
});
export type ImportDuplicate = z.infer<typeof importDuplicateSchema>;

export const importRowActionSchema = z.enum(['create', 'update', 'skip', 'error']);
export type ImportRowAction = z.infer<typeof importRowActionSchema>;

export const importSampleRowSchema = z.object({
  row: z.number().int().positive(),
  action: importRowActionSchema,
  displayName: z.string(),
  organisation: z.string().nullable(),
  phones: z.array(z.string()),
  emails: z.array(z.string()),
  groups: z.array(z.string()),
  tags: z.array(z.string()),
});
export type ImportSampleRow = z.infer<typeof importSampleRowSchema>;

/** What a file holds, read without checking its rows: enough to choose the column mapping. */
export const importInspectionSchema = z.object({
  fileName: z.string(),
  format: importFormatSchema,
  encoding: importEncodingSchema,
  /** Null for vCard. */
  delimiter: csvDelimiterSchema.nullable(),
  /** CSV columns with the field each is mapped to (empty for vCard). */
  columns: z.array(
    z.object({
      index: z.number().int().nonnegative(),
      header: z.string(),
      field: importFieldSchema.nullable(),
      /** True when the mapping came from the header, false when set by the caller. */
      automatic: z.boolean(),
      samples: z.array(z.string()),
    }),
  ),
  /** Rows (CSV records or vCards) with anything in them. */
  totalRows: z.number().int().nonnegative(),
});
export type ImportInspection = z.infer<typeof importInspectionSchema>;

export const importPreviewSchema = importInspectionSchema.extend({
  /** Pass to contacts.import.run; the parsed file is kept in the engine until then (or 30 minutes). */
  importId: z.string(),
  validRows: z.number().int().nonnegative(),
  errorRows: z.number().int().nonnegative(),
  /** What the run would do with onDuplicate as given. */
  actions: z.object({ create: z.number().int(), update: z.number().int(), skip: z.number().int() }),
  errors: z.array(importRowErrorSchema),
  /** More errors exist than listed. */
  errorsTruncated: z.boolean(),
  /** Rows imported without a value that was wrong (a mistyped e-mail beside a valid mobile): listed in warnings. */
  warningRows: z.number().int().nonnegative(),
  /** Each value dropped from a row that is imported all the same, with the reason. */
  warnings: z.array(importRowErrorSchema),
  warningsTruncated: z.boolean(),
  duplicateCount: z.number().int().nonnegative(),
  duplicates: z.array(importDuplicateSchema),
  duplicatesTruncated: z.boolean(),
  /** Group names in the file that do not exist yet; the run creates them. */
  groupsToCreate: z.array(z.string()),
  sample: z.array(importSampleRowSchema),
});
export type ImportPreview = z.infer<typeof importPreviewSchema>;

export const importRunInputSchema = z.object({
  importId: z.string().min(1),
  onDuplicate: duplicateModeSchema,
});
export type ImportRunInput = z.input<typeof importRunInputSchema>;

export const importReportSchema = z.object({
  importId: z.string(),
  /**
   * completed: every valid row written. failed: a batch could not be written; it was rolled
   * back and nothing after it was attempted (see failedBatch). cancelled: stopped on request
   * after the last committed batch.
   */
  status: z.enum(['completed', 'failed', 'cancelled']),
  totalRows: z.number().int().nonnegative(),
  created: z.number().int().nonnegative(),
  updated: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative(),
  /** Rows not written because of their own errors (listed in errors). */
  errorRows: z.number().int().nonnegative(),
  /** Valid rows not written because their batch failed or the import was cancelled. */
  notAttempted: z.number().int().nonnegative(),
  errors: z.array(importRowErrorSchema),
  errorsTruncated: z.boolean(),
  /** Rows written without a value that was wrong (listed in warnings). */
  warningRows: z.number().int().nonnegative(),
  warnings: z.array(importRowErrorSchema),
  warningsTruncated: z.boolean(),
  groupsCreated: z.array(z.string()),
  failedBatch: z.object({ fromRow: z.number().int(), toRow: z.number().int(), message: z.string() }).nullable(),
  durationMs: z.number().nonnegative(),
});
export type ImportReport = z.infer<typeof importReportSchema>;

// ── export / GDPR / opt-outs ────────────────────────────────────────────────────────────

export const contactScopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }),
  z.object({ kind: z.literal('group'), groupId, includeSubgroups: z.boolean().default(true) }),
  z.object({ kind: z.literal('ids'), ids: z.array(contactId).min(1).max(200_000) }),
]);
export type ContactScope = z.input<typeof contactScopeSchema>;

export const exportInputSchema = z.object({
  format: z.enum(['csv', 'vcard']).default('csv'),
  /** CSV only: ';' is what Swedish Excel expects. */
  delimiter: z.enum([';', ',']).default(';'),
  scope: contactScopeSchema.default({ kind: 'all' }),
});
export type ExportInput = z.input<typeof exportInputSchema>;

export const exportOutputSchema = z.object({
  fileName: z.string(),
  mimeType: z.string(),
  /** CSV is UTF-8 with a BOM so Excel opens it right; vCard 4.0 is UTF-8. */
  dataBase64: z.string(),
  count: z.number().int().nonnegative(),
});
export type ExportOutput = z.infer<typeof exportOutputSchema>;

export const optOutSchema = z.object({
  channel: channelSchema,
  /** E.164 for voice/sms/whatsapp, the lower-cased address for e-mail, chat id for Telegram. */
  address: z.string(),
  source: z.enum(['operator', 'reply', 'import', 'provider']),
  note: z.string().nullable(),
  createdAt: isoTime,
});
export type OptOut = z.infer<typeof optOutSchema>;

export const phoneCheckSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    e164: z.string(),
    national: z.string(),
    kind: phoneKindSchema,
    canSms: z.boolean(),
    country: z.string().nullable(),
  }),
  z.object({ ok: z.literal(false), reason: z.string(), problem: z.enum(phoneProblems), country: z.string().nullable() }),
]);
export type PhoneCheck = z.infer<typeof phoneCheckSchema>;

/** A number that could not be normalised, as a field issue: `"070-12" is too short`, with its code. */
export function phoneRefusal(
  path: string,
  typed: string,
  refused: { reason: string; problem: PhoneProblem; country: string | null },
): FieldIssue {
  return {
    path,
    message: `"${typed}" ${refused.reason}`,
    code: `phone.${refused.problem}`,
    params: refused.country ? { value: typed, country: refused.country } : { value: typed },
  };
}

const ids = z.array(contactId).min(1, 'Select at least one contact').max(200_000);

// ── methods and events ──────────────────────────────────────────────────────────────────

export const contactsMethods = {
  'contacts.search': method(contactSearchInputSchema, contactSearchOutputSchema),
  'contacts.get': method(z.object({ id: contactId }), contactSchema),
  'contacts.create': method(contactFieldsSchema, contactSchema),
  /** Fields present in `changes` replace the stored ones; absent ones stay. */
  'contacts.update': method(z.object({ id: contactId, changes: contactFieldsSchema }), contactSchema),
  'contacts.delete': method(z.object({ ids }), z.object({ deleted: z.number().int() })),
  'contacts.addTags': method(z.object({ ids, tags: z.array(tagSchema).min(1) }), z.object({ changed: z.number().int() })),
  'contacts.removeTags': method(z.object({ ids, tags: z.array(tagSchema).min(1) }), z.object({ changed: z.number().int() })),
  'contacts.setDoNotContact': method(
    z.object({ ids, channel: channelSchema, value: z.boolean() }),
    z.object({ changed: z.number().int() }),
  ),
  /** Every tag in use with how many contacts carry it, for the tag filter. */
  'contacts.tags': method(z.object({}), z.object({ tags: z.array(z.object({ tag: z.string(), count: z.number().int() })) })),
  /** Live check while typing a number in the edit drawer. */
  'contacts.checkPhone': method(z.object({ number: z.string().max(40) }), phoneCheckSchema),
  /** GDPR access request: everything stored about one contact. */
  /** GDPR erasure: removes the contact and all its rows; the audit keeps only that contact #id was erased. */
  'contacts.erase': method(z.object({ id: contactId }), z.object({ erased: z.literal(true), auditId: z.number().int() })),
  /** Reads a file's format, encoding, columns and row count, checking no row: for the mapping step. */
  'contacts.import.inspect': method(importInspectInputSchema, importInspectionSchema),
  /** Dry run: parses, maps, validates and finds duplicates; writes nothing. */
  'contacts.import.preview': method(importPreviewInputSchema, importPreviewSchema),
  /** Writes a previewed import; progress arrives as contacts.import.progress events. */
  'contacts.import.run': method(importRunInputSchema, importReportSchema),
  /** Stops a running import after the batch in progress (which is committed or rolled back whole). */
  'contacts.import.cancel': method(z.object({ importId: z.string().min(1) }), z.object({ cancelled: z.boolean() })),
  'contacts.export': method(exportInputSchema, exportOutputSchema),
  'contacts.optOuts.list': method(
    z.object({ channel: channelSchema.optional(), address: z.string().max(254).optional() }),
    z.object({ optOuts: z.array(optOutSchema) }),
  ),
  /** The address is normalised like contact data (phones to E.164, e-mail lower-cased). */
  'contacts.optOuts.add': method(
    z.object({ channel: channelSchema, address: z.string().trim().min(1).max(254), note: z.string().max(500).nullable().optional() }),
    optOutSchema,
  ),
  'contacts.optOuts.remove': method(
    z.object({ channel: channelSchema, address: z.string().trim().min(1).max(254) }),
    z.object({ removed: z.boolean() }),
  ),

  'groups.list': method(z.object({}), z.object({ groups: z.array(groupSchema) })),
  'groups.get': method(z.object({ id: groupId }), groupSchema),
  'groups.create': method(groupFieldsSchema, groupSchema),
  'groups.update': method(z.object({ id: groupId, changes: groupFieldsSchema.partial() }), groupSchema),
  /** Members stay as contacts; subgroups move up to the deleted group's parent. */
  'groups.delete': method(z.object({ id: groupId }), z.object({ deleted: z.literal(true) })),
  'groups.addMembers': method(z.object({ groupId, contactIds: ids }), z.object({ added: z.number().int() })),
  'groups.removeMembers': method(z.object({ groupId, contactIds: ids }), z.object({ removed: z.number().int() })),
};

export const contactsEvents = {
  /** At most ten a second per import. */
  'contacts.import.progress': z.object({
    importId: z.string(),
    phase: z.enum(['validating', 'writing']),
    processed: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
  }),
  /** Contacts changed (any client); `ids` is empty when too many changed to list (imports). */
  'contacts.changed': z.object({
    reason: z.enum(['created', 'updated', 'deleted', 'erased', 'imported', 'synced']),
    ids: z.array(contactId),
  }),
  'groups.changed': z.object({ ids: z.array(groupId) }),
};

export { summaryOf } from './contact-summary';
export { channels } from './channels';
