// The contact aggregate: a contact's row with its phones, e-mails, tags and search document
// (contacts_fts and contacts.search_text, which the store keeps in step with the row). The
// one row type (ContactRow) and its converter to the contract's Contact, and every write:
// each takes the service's transaction and records exactly the rows it changed, including
// the rows SQLite would otherwise change on its own (the cascades and SET NULLs of a
// delete). Prepared statements only (imports write 100,000 contacts through these); id
// lists travel as one JSON array parameter (json_each), so one statement fits any size.
// Group memberships are written by groups.ts; the search queries live in contact-search.ts.
import {
  channels,
  type Channel,
  type Contact,
  type ContactAddress,
  type ContactConsent,
  type ContactLanguage,
  type CustomFields,
  type DoNotContact,
  type EmailLabel,
  type PhoneKind,
  type PhoneLabel,
} from '@gdial/protocol';
import type { Reader, Store, Tx } from './db';
import { searchDocument, type SearchDocument } from './contact-search-text';

export interface PhoneValues {
  e164: string;
  label: PhoneLabel;
  kind: PhoneKind;
  canSms: boolean;
  /** Search digits, when normalisation already computed them (saves a parse per number). */
  digits?: string[];
}

export interface EmailValues {
  address: string;
  label: EmailLabel;
}

/** A contact as stored, minus id, memberships and timestamps: what a write is given. */
export interface ContactValues {
  displayName: string;
  firstName: string | null;
  lastName: string | null;
  organisation: string | null;
  role: string | null;
  notes: string | null;
  language: ContactLanguage;
  phones: PhoneValues[];
  emails: EmailValues[];
  whatsapp: string | null;
  telegramChatId: string | null;
  tags: string[];
  customFields: CustomFields;
  doNotContact: DoNotContact;
  address: ContactAddress;
  /** At most one per channel. */
  consents: ContactConsent[];
}

/** A row of contacts as SQLite returns it. */
export interface ContactRow {
  id: number;
  display_name: string;
  first_name: string | null;
  last_name: string | null;
  organisation: string | null;
  role: string | null;
  notes: string | null;
  language: ContactLanguage;
  whatsapp: string | null;
  telegram_chat_id: string | null;
  custom_fields: string;
  dnc_voice: number;
  dnc_sms: number;
  dnc_email: number;
  dnc_whatsapp: number;
  dnc_telegram: number;
  street: string | null;
  postcode: string | null;
  town: string | null;
  municipality: string | null;
  lat: number | null;
  lon: number | null;
  sort_key: string;
  search_text: string | null;
  created_at: string;
  updated_at: string;
}

export interface PhoneRow {
  contact_id: number;
  e164: string;
  label: PhoneLabel;
  kind: PhoneKind;
  can_sms: number;
}

export interface EmailRow {
  contact_id: number;
  address: string;
  label: EmailLabel;
}

export interface ConsentRow {
  contact_id: number;
  channel: Channel;
  given_at: string;
  method: ContactConsent['method'];
  note: string | null;
  recorded_by: string | null;
}

/** The child rows of one contact, in priority order (tags and groups sorted). */
export interface ContactChildren {
  phones: readonly PhoneRow[];
  emails: readonly EmailRow[];
  consents?: readonly ConsentRow[];
  tags: readonly string[];
  groupIds: readonly number[];
}

/** How contact_emails.address_key and opt-outs key an address: case does not tell addresses apart. */
export const emailKey = (address: string): string => address.trim().toLowerCase();

/**
 * contacts.sort_key: a key whose byte order is Swedish alphabetical order: case and accents
 * folded, å ä ö (and æ ø, ü as y) placed after z the way a Swedish phone book sorts them.
 * SQLite has no ICU collation, so the key is computed here.
 */
export function swedishSortKey(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFD')
    .replace(/a\u030a/g, '{')
    .replace(/a\u0308|æ/g, '|')
    .replace(/o\u0308|ø/g, '}')
    .replace(/u\u0308/g, 'y')
    .replace(/[\u0300-\u036f]/g, '')
    .trim();
}

const dncColumn: Record<Channel, string> = {
  voice: 'dnc_voice',
  sms: 'dnc_sms',
  email: 'dnc_email',
  whatsapp: 'dnc_whatsapp',
  telegram: 'dnc_telegram',
};

export const dncOf = (r: Pick<ContactRow, 'dnc_voice' | 'dnc_sms' | 'dnc_email' | 'dnc_whatsapp' | 'dnc_telegram'>): DoNotContact => ({
  voice: r.dnc_voice === 1,
  sms: r.dnc_sms === 1,
  email: r.dnc_email === 1,
  whatsapp: r.dnc_whatsapp === 1,
  telegram: r.dnc_telegram === 1,
});

/**
 * The converter: a contact row and its child rows to the contract's Contact. `national`
 * writes a number the way the console shows it (a domain rule, handed in).
 */
export function toContact(r: ContactRow, children: ContactChildren, national: (e164: string) => string): Contact {
  return {
    id: r.id,
    displayName: r.display_name,
    firstName: r.first_name,
    lastName: r.last_name,
    organisation: r.organisation,
    role: r.role,
    notes: r.notes,
    language: r.language,
    phones: children.phones.map((p, i) => ({
      e164: p.e164,
      national: national(p.e164),
      label: p.label,
      priority: i,
      kind: p.kind,
      canSms: p.can_sms === 1,
    })),
    emails: children.emails.map((e) => ({ address: e.address, label: e.label })),
    whatsapp: r.whatsapp,
    telegramChatId: r.telegram_chat_id,
    tags: [...children.tags],
    customFields: JSON.parse(r.custom_fields) as CustomFields,
    doNotContact: dncOf(r),
    groupIds: [...children.groupIds],
    address: addressOf(r),
    consents: (children.consents ?? []).map(toConsent),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export const addressOf = (r: Pick<ContactRow, 'street' | 'postcode' | 'town' | 'municipality' | 'lat' | 'lon'>): ContactAddress => ({
  street: r.street,
  postcode: r.postcode,
  town: r.town,
  municipality: r.municipality,
  lat: r.lat,
  lon: r.lon,
});

export const toConsent = (c: ConsentRow): ContactConsent => ({
  channel: c.channel,
  givenAt: c.given_at,
  method: c.method,
  note: c.note,
  recordedBy: c.recorded_by,
});

const channelOrder = (c: Channel): number => channels.indexOf(c);

const idsJson = (ids: readonly number[]): string => JSON.stringify(ids);
const IN_IDS = 'IN (SELECT value FROM json_each(?))';

// ── reads ──

/** Full contacts, in the order of `ids`; unknown ids are left out. */
export function loadContacts(r: Reader, ids: readonly number[], national: (e164: string) => string): Contact[] {
  if (ids.length === 0) return [];
  const json = idsJson(ids);
  const st = r.statements;
  const rows = st.get<[string], ContactRow>(`SELECT * FROM contacts WHERE id ${IN_IDS}`).all(json);
  const phones = byContact(
    st
      .get<[string], PhoneRow>(
        `SELECT contact_id, e164, label, kind, can_sms FROM contact_phones WHERE contact_id ${IN_IDS} ORDER BY contact_id, priority`,
      )
      .all(json),
  );
  const emails = byContact(
    st
      .get<[string], EmailRow>(
        `SELECT contact_id, address, label FROM contact_emails WHERE contact_id ${IN_IDS} ORDER BY contact_id, priority`,
      )
      .all(json),
  );
  const tags = byContact(
    st
      .get<[string], { contact_id: number; tag: string }>(
        `SELECT contact_id, tag FROM contact_tags WHERE contact_id ${IN_IDS} ORDER BY contact_id, tag`,
      )
      .all(json),
  );
  const consents = byContact(
    st
      .get<[string], ConsentRow>(`SELECT * FROM contact_consents WHERE contact_id ${IN_IDS}`)
      .all(json)
      .sort((a, b) => a.contact_id - b.contact_id || channelOrder(a.channel) - channelOrder(b.channel)),
  );
  const groups = byContact(
    st
      .get<[string], { contact_id: number; group_id: number }>(
        `SELECT contact_id, group_id FROM group_members WHERE contact_id ${IN_IDS} ORDER BY contact_id, group_id`,
      )
      .all(json),
  );
  const byId = new Map<number, Contact>();
  for (const row of rows) {
    byId.set(
      row.id,
      toContact(
        row,
        {
          phones: phones.get(row.id) ?? [],
          emails: emails.get(row.id) ?? [],
          tags: (tags.get(row.id) ?? []).map((t) => t.tag),
          groupIds: (groups.get(row.id) ?? []).map((g) => g.group_id),
          consents: consents.get(row.id) ?? [],
        },
        national,
      ),
    );
  }
  return ids.map((id) => byId.get(id)).filter((c): c is Contact => c !== undefined);
}

/** The ids among these that exist. */
export function existingContactIds(r: Reader, ids: readonly number[]): Set<number> {
  return new Set(r.statements.pluck<[string], number>(`SELECT id FROM contacts WHERE id ${IN_IDS}`).all(idsJson(ids)));
}

/** Whether the address book holds any contact at all. */
export const anyContacts = (r: Reader): boolean => r.statements.pluck<[], number>('SELECT EXISTS (SELECT 1 FROM contacts)').get() === 1;

export function contactDisplayName(r: Reader, id: number): string | null {
  return r.statements.pluck<[number], string>('SELECT display_name FROM contacts WHERE id = ?').get(id) ?? null;
}

// ── writes ──

const CONTACT_COLUMNS = [
  'display_name',
  'first_name',
  'last_name',
  'organisation',
  'role',
  'notes',
  'language',
  'whatsapp',
  'telegram_chat_id',
  'custom_fields',
  'dnc_voice',
  'dnc_sms',
  'dnc_email',
  'dnc_whatsapp',
  'dnc_telegram',
  'street',
  'postcode',
  'town',
  'municipality',
  'lat',
  'lon',
  'sort_key',
  'search_text',
] as const;
/** What replaceContact may change. */
const REPLACED_COLUMNS: readonly string[] = [...CONTACT_COLUMNS, 'updated_at'];

const INSERT_CONTACT = `INSERT INTO contacts (${CONTACT_COLUMNS.join(', ')}, created_at, updated_at)
  VALUES (${CONTACT_COLUMNS.map(() => '?').join(', ')}, ?, ?)`;
// Only when anything differs, so an update that changes nothing is no change.
const REPLACE_CONTACT = `UPDATE contacts SET (${REPLACED_COLUMNS.join(', ')}) = (${REPLACED_COLUMNS.map((c) => `@${c}`).join(', ')})
  WHERE id = @id AND (${REPLACED_COLUMNS.join(', ')}) IS NOT (${REPLACED_COLUMNS.map((c) => `@${c}`).join(', ')})
  RETURNING id`;
const INSERT_PHONE = 'INSERT INTO contact_phones (contact_id, e164, label, priority, kind, can_sms) VALUES (?, ?, ?, ?, ?, ?)';
const INSERT_EMAIL = 'INSERT INTO contact_emails (contact_id, address, address_key, label, priority) VALUES (?, ?, ?, ?, ?)';
const INSERT_TAG = 'INSERT OR IGNORE INTO contact_tags (contact_id, tag) VALUES (?, ?)';
const INSERT_FTS = 'INSERT INTO contacts_fts (rowid, name, organisation, email, tag, phone) VALUES (?, ?, ?, ?, ?, ?)';
const DELETE_FTS = 'DELETE FROM contacts_fts WHERE rowid = ?';

function contactParams(v: ContactValues, doc: SearchDocument): (string | number | null)[] {
  const dnc = v.doNotContact;
  const custom = v.customFields;
  let customJson = '{}';
  for (const _ in custom) {
    customJson = JSON.stringify(custom);
    break;
  }
  return [
    v.displayName,
    v.firstName,
    v.lastName,
    v.organisation,
    v.role,
    v.notes,
    v.language,
    v.whatsapp,
    v.telegramChatId,
    customJson,
    dnc.voice ? 1 : 0,
    dnc.sms ? 1 : 0,
    dnc.email ? 1 : 0,
    dnc.whatsapp ? 1 : 0,
    dnc.telegram ? 1 : 0,
    v.address.street,
    v.address.postcode,
    v.address.town,
    v.address.municipality,
    v.address.lat,
    v.address.lon,
    swedishSortKey(v.displayName),
    doc.folded,
  ];
}

/** Stores a new contact with its phones, e-mails, tags and search document; returns its id. */
export function insertContact(tx: Tx, v: ContactValues, now: string): number {
  const doc = searchDocument(v);
  const id = Number(tx.statements.get(INSERT_CONTACT).run(...contactParams(v, doc), now, now).lastInsertRowid);
  tx.changes.record('contacts', [id], 'insert');
  writeAddresses(tx, id, v);
  writeConsents(tx, id, v.consents);
  const insertTag = tx.statements.get(INSERT_TAG);
  for (const t of v.tags) if (insertTag.run(id, t).changes > 0) tx.changes.record('contact_tags', [id, t], 'insert');
  tx.statements.get(INSERT_FTS).run(id, doc.name, doc.organisation, doc.email, doc.tag, doc.phone);
  return id;
}

/** Replaces every stored field of a contact (not its memberships: see groups.ts). */
export function replaceContact(tx: Tx, id: number, v: ContactValues, now: string): void {
  const doc = searchDocument(v);
  const values: Record<string, string | number | null> = { id, updated_at: now };
  contactParams(v, doc).forEach((x, i) => (values[CONTACT_COLUMNS[i]!] = x));
  if (tx.statements.get<[Record<string, string | number | null>]>(REPLACE_CONTACT).get(values) !== undefined)
    tx.changes.record('contacts', [id], 'update', REPLACED_COLUMNS);
  const one = JSON.stringify([id]);
  for (const phone of tx.statements.pluck<[string], number>(`DELETE FROM contact_phones WHERE contact_id ${IN_IDS} RETURNING id`).all(one))
    tx.changes.record('contact_phones', [phone], 'delete');
  for (const email of tx.statements.pluck<[string], number>(`DELETE FROM contact_emails WHERE contact_id ${IN_IDS} RETURNING id`).all(one))
    tx.changes.record('contact_emails', [email], 'delete');
  writeAddresses(tx, id, v);
  setConsents(tx, id, v.consents);
  setTags(tx, id, v.tags);
  tx.statements.get(DELETE_FTS).run(id);
  tx.statements.get(INSERT_FTS).run(id, doc.name, doc.organisation, doc.email, doc.tag, doc.phone);
}

function writeAddresses(tx: Tx, id: number, v: ContactValues): void {
  const insertPhone = tx.statements.get(INSERT_PHONE);
  v.phones.forEach((p, i) => {
    const phone = Number(insertPhone.run(id, p.e164, p.label, i, p.kind, p.canSms ? 1 : 0).lastInsertRowid);
    tx.changes.record('contact_phones', [phone], 'insert');
  });
  const insertEmail = tx.statements.get(INSERT_EMAIL);
  v.emails.forEach((e, i) => {
    const email = Number(insertEmail.run(id, e.address, emailKey(e.address), e.label, i).lastInsertRowid);
    tx.changes.record('contact_emails', [email], 'insert');
  });
}

const INSERT_CONSENT = 'INSERT INTO contact_consents (contact_id, channel, given_at, method, note, recorded_by) VALUES (?, ?, ?, ?, ?, ?)';

function writeConsents(tx: Tx, id: number, consents: readonly ContactConsent[]): void {
  if (consents.length === 0) return;
  const insert = tx.statements.get(INSERT_CONSENT);
  for (const c of consents) {
    insert.run(id, c.channel, c.givenAt, c.method, c.note, c.recordedBy);
    tx.changes.record('contact_consents', [id, c.channel], 'insert');
  }
}

/** Makes a contact's consents these: rows that differ are replaced, the rest left alone. */
function setConsents(tx: Tx, id: number, consents: readonly ContactConsent[]): void {
  const held = new Map(
    tx.statements
      .get<[number], ConsentRow>('SELECT * FROM contact_consents WHERE contact_id = ?')
      .all(id)
      .map((c) => [c.channel, JSON.stringify(toConsent(c))]),
  );
  const wanted = new Map(consents.map((c) => [c.channel, c]));
  const remove = tx.statements.get('DELETE FROM contact_consents WHERE contact_id = ? AND channel = ?');
  for (const [channel, json] of held) {
    const next = wanted.get(channel);
    if (next && JSON.stringify(next) === json) continue;
    remove.run(id, channel);
    if (!next) tx.changes.record('contact_consents', [id, channel], 'delete');
  }
  const insert = tx.statements.get(INSERT_CONSENT);
  for (const c of consents) {
    const before = held.get(c.channel);
    if (before === JSON.stringify(c)) continue;
    insert.run(id, c.channel, c.givenAt, c.method, c.note, c.recordedBy);
    tx.changes.record('contact_consents', [id, c.channel], before === undefined ? 'insert' : 'update');
  }
}

/** Makes a contact's tags these: the ones it loses are deleted, the new ones added, the rest left alone. */
function setTags(tx: Tx, id: number, tags: readonly string[]): void {
  const keep = new Set(tags);
  const held = tx.statements.pluck<[number], string>('SELECT tag FROM contact_tags WHERE contact_id = ?').all(id);
  const remove = tx.statements.get('DELETE FROM contact_tags WHERE contact_id = ? AND tag = ?');
  for (const t of held) {
    if (keep.has(t)) continue;
    remove.run(id, t);
    tx.changes.record('contact_tags', [id, t], 'delete');
  }
  const insertTag = tx.statements.get(INSERT_TAG);
  for (const t of tags) if (insertTag.run(id, t).changes > 0) tx.changes.record('contact_tags', [id, t], 'insert');
}

/**
 * Adds the tags to these contacts; each contact that gained one has its last change moved
 * and its search document rewritten. Returns how many contacts gained a tag.
 */
export function addTags(tx: Tx, ids: readonly number[], tags: readonly string[], now: string): number {
  const insertTag = tx.statements.get(INSERT_TAG);
  const touched: number[] = [];
  for (const id of ids) {
    let any = false;
    for (const t of tags) {
      if (insertTag.run(id, t).changes === 0) continue;
      tx.changes.record('contact_tags', [id, t], 'insert');
      any = true;
    }
    if (any) touched.push(id);
  }
  afterTagChange(tx, touched, now);
  return touched.length;
}

/** Removes the tags from these contacts; returns how many contacts lost one. */
export function removeTags(tx: Tx, ids: readonly number[], tags: readonly string[], now: string): number {
  const removed = tx.statements
    .get<[string, string], { id: number; tag: string }>(
      `DELETE FROM contact_tags WHERE tag ${IN_IDS} AND contact_id IN (SELECT value FROM json_each(?)) RETURNING contact_id AS id, tag`,
    )
    .all(JSON.stringify(tags), idsJson(ids));
  const touched = new Set<number>();
  for (const x of removed) {
    tx.changes.record('contact_tags', [x.id, x.tag], 'delete');
    touched.add(x.id);
  }
  afterTagChange(tx, [...touched], now);
  return touched.size;
}

/**
 * Puts each (contact, tag) pair on or off (an organisation's tags arriving by the page); each
 * contact that changed has its last change moved and its search document rewritten once.
 */
export function setTagPairs(tx: Tx, pairs: readonly { id: number; tag: string; present: boolean }[], now: string): void {
  const insertTag = tx.statements.get(INSERT_TAG);
  const deleteTag = tx.statements.get('DELETE FROM contact_tags WHERE contact_id = ? AND tag = ?');
  const touched = new Set<number>();
  for (const { id, tag, present } of pairs) {
    if ((present ? insertTag : deleteTag).run(id, tag).changes === 0) continue;
    tx.changes.record('contact_tags', [id, tag], present ? 'insert' : 'delete');
    touched.add(id);
  }
  afterTagChange(tx, [...touched], now);
}

function afterTagChange(tx: Tx, ids: readonly number[], now: string): void {
  if (ids.length === 0) return;
  const moved = tx.statements
    .pluck<[{ now: string; ids: string }], number>(
      'UPDATE contacts SET updated_at = @now WHERE id IN (SELECT value FROM json_each(@ids)) AND updated_at IS NOT @now RETURNING id',
    )
    .all({ now, ids: idsJson(ids) });
  tx.changes.recordMany(
    'contacts',
    moved.map((id) => [id]),
    'update',
    ['updated_at'],
  );
  rewriteSearchDocuments(tx, ids);
}

/** Writes the search document of these contacts again from what is stored (their tags changed). */
function rewriteSearchDocuments(tx: Tx, ids: readonly number[]): void {
  const setText = tx.statements.pluck<[{ text: string; id: number }], number>(
    'UPDATE contacts SET search_text = @text WHERE id = @id AND search_text IS NOT @text RETURNING id',
  );
  for (let i = 0; i < ids.length; i += 500) {
    for (const c of loadContacts(tx, ids.slice(i, i + 500), (e164) => e164)) {
      const doc = searchDocument(c);
      tx.statements.get(DELETE_FTS).run(c.id);
      tx.statements.get(INSERT_FTS).run(c.id, doc.name, doc.organisation, doc.email, doc.tag, doc.phone);
      if (setText.get({ text: doc.folded, id: c.id }) !== undefined) tx.changes.record('contacts', [c.id], 'update', ['search_text']);
    }
  }
}

/**
 * Writes the search document of every contact stored without one (search_text NULL: a
 * snapshot's contacts, built set-based, get theirs once their tags are in); returns how many.
 */
export function fillSearchDocuments(tx: Tx): number {
  // Only what a search document is made of, numbers, addresses and tags in the order
  // loadContacts gives them, in one query per batch (loading whole contacts for it was a
  // fifth of a 100,000-contact snapshot's end).
  const missing = tx.statements.get<[number, number], SearchRow>(
    `SELECT c.id, c.display_name, c.first_name, c.last_name, c.organisation, c.role, c.whatsapp,
            (SELECT json_group_array(e164 ORDER BY priority) FROM contact_phones WHERE contact_id = c.id) AS phones,
            (SELECT json_group_array(address ORDER BY priority) FROM contact_emails WHERE contact_id = c.id) AS emails,
            (SELECT json_group_array(tag ORDER BY tag) FROM contact_tags WHERE contact_id = c.id) AS tags
       FROM contacts c WHERE c.search_text IS NULL AND c.id > ? ORDER BY c.id LIMIT ?`,
  );
  const setText = tx.statements.get<[{ text: string; id: number }]>('UPDATE contacts SET search_text = @text WHERE id = @id');
  const insertFts = tx.statements.get(INSERT_FTS);
  const deleteFts = tx.statements.get(DELETE_FTS);
  let filled = 0;
  for (let after = 0; ;) {
    const rows = missing.all(after, 2000);
    if (rows.length === 0) return filled;
    for (const r of rows) {
      const doc = searchDocument({
        displayName: r.display_name,
        firstName: r.first_name,
        lastName: r.last_name,
        organisation: r.organisation,
        role: r.role,
        whatsapp: r.whatsapp,
        phones: (JSON.parse(r.phones) as string[]).map((e164) => ({ e164 })),
        emails: (JSON.parse(r.emails) as string[]).map((address) => ({ address })),
        tags: JSON.parse(r.tags) as string[],
      });
      deleteFts.run(r.id);
      insertFts.run(r.id, doc.name, doc.organisation, doc.email, doc.tag, doc.phone);
      setText.run({ text: doc.folded, id: r.id });
    }
    tx.changes.recordMany(
      'contacts',
      rows.map((r) => [r.id]),
      'update',
      ['search_text'],
    );
    filled += rows.length;
    after = rows.at(-1)!.id;
  }
}

interface SearchRow {
  id: number;
  display_name: string;
  first_name: string | null;
  last_name: string | null;
  organisation: string | null;
  role: string | null;
  whatsapp: string | null;
  /** JSON arrays. */
  phones: string;
  emails: string;
  tags: string;
}

/** Sets or clears do-not-contact on a channel; returns how many contacts changed. */
export function setDoNotContact(tx: Tx, ids: readonly number[], channel: Channel, value: boolean, now: string): number {
  const col = dncColumn[channel];
  const changed = tx.statements
    .pluck<[{ value: number; now: string; ids: string }], number>(
      `UPDATE contacts SET ${col} = @value, updated_at = @now WHERE ${col} <> @value AND id IN (SELECT value FROM json_each(@ids)) RETURNING id`,
    )
    .all({ value: value ? 1 : 0, now, ids: idsJson(ids) });
  tx.changes.recordMany(
    'contacts',
    changed.map((id) => [id]),
    'update',
    [col, 'updated_at'],
  );
  return changed.length;
}

/**
 * Deletes contacts with everything hanging off them: phones, e-mails, tags, memberships and
 * the search entry go, and campaign recipients and inbox messages that named them keep
 * their rows without the link. Returns how many contacts were deleted.
 */
export function deleteContacts(tx: Tx, ids: readonly number[]): number {
  const json = idsJson(ids);
  const st = tx.statements;
  st.get(`DELETE FROM contacts_fts WHERE rowid ${IN_IDS}`).run(json);
  for (const id of st.pluck<[string], number>(`DELETE FROM contact_phones WHERE contact_id ${IN_IDS} RETURNING id`).all(json))
    tx.changes.record('contact_phones', [id], 'delete');
  for (const id of st.pluck<[string], number>(`DELETE FROM contact_emails WHERE contact_id ${IN_IDS} RETURNING id`).all(json))
    tx.changes.record('contact_emails', [id], 'delete');
  for (const x of st
    .get<[string], { id: number; tag: string }>(`DELETE FROM contact_tags WHERE contact_id ${IN_IDS} RETURNING contact_id AS id, tag`)
    .all(json))
    tx.changes.record('contact_tags', [x.id, x.tag], 'delete');
  for (const x of st
    .get<[string], { id: number; channel: string }>(
      `DELETE FROM contact_consents WHERE contact_id ${IN_IDS} RETURNING contact_id AS id, channel`,
    )
    .all(json))
    tx.changes.record('contact_consents', [x.id, x.channel], 'delete');
  for (const x of st
    .get<[string], { g: number; c: number }>(
      `DELETE FROM group_members WHERE contact_id ${IN_IDS} RETURNING group_id AS g, contact_id AS c`,
    )
    .all(json))
    tx.changes.record('group_members', [x.g, x.c], 'delete');
  for (const id of st
    .pluck<[string], number>(`UPDATE campaign_recipients SET contact_id = NULL WHERE contact_id ${IN_IDS} RETURNING id`)
    .all(json))
    tx.changes.record('campaign_recipients', [id], 'update', ['contact_id']);
  for (const id of st
    .pluck<[string], number>(`UPDATE inbox_messages SET contact_id = NULL WHERE contact_id ${IN_IDS} RETURNING id`)
    .all(json))
    tx.changes.record('inbox_messages', [id], 'update', ['contact_id']);
  const deleted = st.pluck<[string], number>(`DELETE FROM contacts WHERE id ${IN_IDS} RETURNING id`).all(json);
  for (const id of deleted) tx.changes.record('contacts', [id], 'delete');
  return deleted.length;
}

/** Merges the full-text index, so deleted tokens are dropped instead of left under a tombstone (erasure). */
export function mergeSearchIndex(tx: Tx): void {
  tx.statements.get("INSERT INTO contacts_fts (contacts_fts) VALUES ('optimize')").run();
}

/**
 * Runs an erasure so that nothing of what it deletes stays in the file: with secure_delete
 * on, deleted content is overwritten instead of left in free pages, and afterwards the
 * write-ahead log is copied back and emptied, so it holds no copy either.
 */
export function eraseSecurely<T>(store: Pick<Store, 'sqlite'>, erase: () => T): T {
  const sqlite = store.sqlite;
  const secure = sqlite.pragma('secure_delete', { simple: true }) as number;
  sqlite.pragma('secure_delete = ON');
  try {
    const result = erase();
    if (sqlite.pragma('journal_mode', { simple: true }) === 'wal') sqlite.pragma('wal_checkpoint(TRUNCATE)');
    return result;
  } finally {
    sqlite.pragma(`secure_delete = ${secure}`);
  }
}

/** Rows of child tables by their contact, in the order given. */
export function byContact<T extends { contact_id: number }>(rows: readonly T[]): Map<number, T[]> {
  const m = new Map<number, T[]>();
  for (const x of rows) {
    const list = m.get(x.contact_id);
    if (list) list.push(x);
    else m.set(x.contact_id, [x]);
  }
  return m;
}
