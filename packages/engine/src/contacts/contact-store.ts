// SQL for contacts and their phones, e-mails, tags, memberships and search document.
// Prepared once per connection and reused: imports write 100,000 contacts through these
// same statements. Callers own the transaction (store.transaction) and the audit entry.
// Every write here tells the connection's search index which contacts it touched.
// Id lists travel as one JSON array parameter (json_each) so one statement fits any size.
import type Database from 'better-sqlite3';
import type { Channel, Contact, ContactLanguage, ContactSummary, DoNotContact, EmailLabel, PhoneKind, PhoneLabel } from '@gdial/protocol';
import type { ContactRecord } from './model';
import { emailKey, swedishSortKey } from './model';
import { formatPhone } from './phone';
import { compareBinary, ContactSearchIndex } from './search-index';
import { searchDocument, type SearchDocument } from './search-text';

interface ContactRow {
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
  created_at: string;
  updated_at: string;
}

interface PhoneRow {
  contact_id: number;
  e164: string;
  label: PhoneLabel;
  priority: number;
  kind: PhoneKind;
  can_sms: number;
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

const idsJson = (ids: readonly number[]): string => JSON.stringify(ids);

function prepareStatements(db: Database.Database) {
  const contactCols = `display_name, first_name, last_name, organisation, role, notes, language, whatsapp, telegram_chat_id,
    custom_fields, dnc_voice, dnc_sms, dnc_email, dnc_whatsapp, dnc_telegram, sort_key, search_text`;
  return {
    insertContact: db.prepare(
      `INSERT INTO contacts (${contactCols}, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    updateContact: db.prepare(
      `UPDATE contacts SET display_name=?, first_name=?, last_name=?, organisation=?, role=?, notes=?, language=?, whatsapp=?,
         telegram_chat_id=?, custom_fields=?, dnc_voice=?, dnc_sms=?, dnc_email=?, dnc_whatsapp=?, dnc_telegram=?, sort_key=?,
         search_text=?,
         updated_at=?
       WHERE id=?`,
    ),
    insertPhone: db.prepare('INSERT INTO contact_phones (contact_id, e164, label, priority, kind, can_sms) VALUES (?, ?, ?, ?, ?, ?)'),
    insertEmail: db.prepare('INSERT INTO contact_emails (contact_id, address, address_key, label, priority) VALUES (?, ?, ?, ?, ?)'),
    insertTag: db.prepare('INSERT OR IGNORE INTO contact_tags (contact_id, tag) VALUES (?, ?)'),
    insertMember: db.prepare('INSERT OR IGNORE INTO group_members (group_id, contact_id, added_at) VALUES (?, ?, ?)'),
    deletePhones: db.prepare('DELETE FROM contact_phones WHERE contact_id = ?'),
    deleteEmails: db.prepare('DELETE FROM contact_emails WHERE contact_id = ?'),
    deleteTags: db.prepare('DELETE FROM contact_tags WHERE contact_id = ?'),
    deleteMembers: db.prepare('DELETE FROM group_members WHERE contact_id = ?'),
    insertFts: db.prepare('INSERT INTO contacts_fts (rowid, name, organisation, email, tag, phone) VALUES (?, ?, ?, ?, ?, ?)'),
    deleteFts: db.prepare('DELETE FROM contacts_fts WHERE rowid = ?'),
    setSearchText: db.prepare('UPDATE contacts SET search_text = ? WHERE id = ?'),
    unindexed: db.prepare('SELECT id FROM contacts WHERE search_text IS NULL ORDER BY id LIMIT ?').pluck(),
    deleteContacts: db.prepare('DELETE FROM contacts WHERE id IN (SELECT value FROM json_each(?))'),
    deleteFtsMany: db.prepare('DELETE FROM contacts_fts WHERE rowid IN (SELECT value FROM json_each(?))'),
    existing: db.prepare('SELECT id FROM contacts WHERE id IN (SELECT value FROM json_each(?))').pluck(),
    contacts: db.prepare('SELECT * FROM contacts WHERE id IN (SELECT value FROM json_each(?))'),
    phones: db.prepare(
      'SELECT contact_id, e164, label, priority, kind, can_sms FROM contact_phones WHERE contact_id IN (SELECT value FROM json_each(?)) ORDER BY contact_id, priority',
    ),
    emails: db.prepare(
      'SELECT contact_id, address, label FROM contact_emails WHERE contact_id IN (SELECT value FROM json_each(?)) ORDER BY contact_id, priority',
    ),
    tags: db.prepare(
      'SELECT contact_id, tag FROM contact_tags WHERE contact_id IN (SELECT value FROM json_each(?)) ORDER BY contact_id, tag',
    ),
    groups: db.prepare(
      'SELECT contact_id, group_id FROM group_members WHERE contact_id IN (SELECT value FROM json_each(?)) ORDER BY contact_id, group_id',
    ),
    // One statement for a page of summaries, as arrays (SummaryRow): per contact its first
    // number with the count of numbers ("+46701234567 2"), first address, tags and groups
    // (tags joined with the unit separator, which no tag holds; both sorted in code, which
    // costs less than sorting per contact here). The first number and address are the bare
    // columns of min(priority): SQLite takes them from the row holding the minimum, one pass
    // and no sort per contact (https://sqlite.org/lang_select.html#bareagg).
    summaryRows: db
      .prepare(
        `SELECT c.id, c.display_name, c.organisation, c.role, c.updated_at, c.dnc_voice, c.dnc_sms, c.dnc_email, c.dnc_whatsapp, c.dnc_telegram,
           (SELECT e164 || ' ' || n FROM (SELECT p.e164, min(p.priority), count(*) AS n FROM contact_phones p WHERE p.contact_id = c.id)),
           (SELECT address FROM (SELECT e.address, min(e.priority) FROM contact_emails e WHERE e.contact_id = c.id)),
           (SELECT group_concat(tag, char(31)) FROM contact_tags t WHERE t.contact_id = c.id),
           (SELECT group_concat(group_id) FROM group_members m WHERE m.contact_id = c.id)
         FROM contacts c WHERE c.id IN (SELECT value FROM json_each(?))`,
      )
      .raw(),
    byPhone: db.prepare('SELECT contact_id FROM contact_phones WHERE e164 = ? ORDER BY contact_id').pluck(),
    byPhones: db.prepare(
      'SELECT e164 AS k, min(contact_id) AS id FROM contact_phones WHERE e164 IN (SELECT value FROM json_each(?)) GROUP BY e164',
    ),
    byEmails: db.prepare(
      'SELECT address_key AS k, min(contact_id) AS id FROM contact_emails WHERE address_key IN (SELECT value FROM json_each(?)) GROUP BY address_key',
    ),
    byEmail: db.prepare('SELECT contact_id FROM contact_emails WHERE address_key = ? ORDER BY contact_id').pluck(),
    byWhatsapp: db.prepare('SELECT id FROM contacts WHERE whatsapp = ? ORDER BY id').pluck(),
    displayName: db.prepare('SELECT display_name FROM contacts WHERE id = ?').pluck(),
    tagCounts: db.prepare('SELECT tag, count(*) AS count FROM contact_tags GROUP BY tag ORDER BY tag'),
    touch: db.prepare('UPDATE contacts SET updated_at = ? WHERE id IN (SELECT value FROM json_each(?))'),
    removeTag: db.prepare('DELETE FROM contact_tags WHERE tag = ? AND contact_id IN (SELECT value FROM json_each(?))'),
  };
}
type Statements = ReturnType<typeof prepareStatements>;

const cache = new WeakMap<Database.Database, Statements>();

/** Rows of the contact tables, on one connection. */
export class ContactStore {
  private readonly st: Statements;
  private readonly searchIndex: ContactSearchIndex;

  constructor(private readonly sqlite: Database.Database) {
    let st = cache.get(sqlite);
    if (!st) {
      st = prepareStatements(sqlite);
      cache.set(sqlite, st);
    }
    this.st = st;
    this.searchIndex = ContactSearchIndex.of(sqlite);
  }

  insert(rec: ContactRecord, groupIds: readonly number[], now: string): number {
    const doc = searchDocument(rec);
    const id = Number(this.st.insertContact.run(...contactParams(rec, doc), now, now).lastInsertRowid);
    this.writeChildren(id, rec);
    for (const g of groupIds) this.st.insertMember.run(g, id, now);
    this.writeFts(id, doc);
    this.searchIndex.changed([id]);
    return id;
  }

  /** Replaces every stored field of a contact (not its memberships, see setGroups). */
  replace(id: number, rec: ContactRecord, now: string): void {
    const doc = searchDocument(rec);
    this.st.updateContact.run(...contactParams(rec, doc), now, id);
    this.st.deletePhones.run(id);
    this.st.deleteEmails.run(id);
    this.st.deleteTags.run(id);
    this.writeChildren(id, rec);
    this.st.deleteFts.run(id);
    this.writeFts(id, doc);
    this.searchIndex.changed([id]);
  }

  setGroups(id: number, groupIds: readonly number[], now: string): void {
    this.st.deleteMembers.run(id);
    for (const g of groupIds) this.st.insertMember.run(g, id, now);
    this.searchIndex.changed([id]);
  }

  addToGroups(id: number, groupIds: readonly number[], now: string): void {
    for (const g of groupIds) this.st.insertMember.run(g, id, now);
    if (groupIds.length > 0) this.searchIndex.changed([id]);
  }

  private writeChildren(id: number, rec: ContactRecord): void {
    rec.phones.forEach((p, i) => this.st.insertPhone.run(id, p.e164, p.label, i, p.kind, p.canSms ? 1 : 0));
    rec.emails.forEach((e, i) => this.st.insertEmail.run(id, e.address, emailKey(e.address), e.label, i));
    for (const t of rec.tags) this.st.insertTag.run(id, t);
  }

  private writeFts(id: number, doc: SearchDocument): void {
    this.st.insertFts.run(id, doc.name, doc.organisation, doc.email, doc.tag, doc.phone);
  }

  /** Rebuilds the search document of contacts whose tags changed outside replace(). */
  reindex(ids: readonly number[]): void {
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      for (const c of this.load(chunk)) {
        const doc = searchDocument(c);
        this.st.deleteFts.run(c.id);
        this.writeFts(c.id, doc);
        this.st.setSearchText.run(doc.folded, c.id);
      }
    }
    this.searchIndex.changed(ids);
  }

  /**
   * Fills contacts.search_text for contacts stored before it existed (once, after the
   * upgrade that added it), in transactions of 2,000 contacts. Returns how many it filled.
   */
  backfillSearchText(transaction: (fn: () => void) => void): number {
    let filled = 0;
    for (;;) {
      const ids = this.st.unindexed.all(2000) as number[];
      if (ids.length === 0) return filled;
      transaction(() => {
        for (const c of this.load(ids)) this.st.setSearchText.run(searchDocument(c).folded, c.id);
      });
      this.searchIndex.changed(ids);
      filled += ids.length;
    }
  }

  /** The ids among these that exist. */
  existing(ids: readonly number[]): Set<number> {
    return new Set(this.st.existing.all(idsJson(ids)) as number[]);
  }

  /** Full contacts, in the order of `ids`; unknown ids are left out. */
  load(ids: readonly number[]): Contact[] {
    if (ids.length === 0) return [];
    const json = idsJson(ids);
    const rows = this.st.contacts.all(json) as ContactRow[];
    const phones = groupBy(this.st.phones.all(json) as PhoneRow[]);
    const emails = groupBy(this.st.emails.all(json) as { contact_id: number; address: string; label: EmailLabel }[]);
    const tags = groupBy(this.st.tags.all(json) as { contact_id: number; tag: string }[]);
    const groups = groupBy(this.st.groups.all(json) as { contact_id: number; group_id: number }[]);
    const byId = new Map<number, Contact>();
    for (const r of rows) {
      byId.set(r.id, {
        id: r.id,
        displayName: r.display_name,
        firstName: r.first_name,
        lastName: r.last_name,
        organisation: r.organisation,
        role: r.role,
        notes: r.notes,
        language: r.language,
        phones: (phones.get(r.id) ?? []).map((p, i) => ({
          e164: p.e164,
          national: formatPhone(p.e164),
          label: p.label,
          priority: i,
          kind: p.kind,
          canSms: p.can_sms === 1,
        })),
        emails: (emails.get(r.id) ?? []).map((e) => ({ address: e.address, label: e.label })),
        whatsapp: r.whatsapp,
        telegramChatId: r.telegram_chat_id,
        tags: (tags.get(r.id) ?? []).map((t) => t.tag),
        customFields: JSON.parse(r.custom_fields) as Contact['customFields'],
        doNotContact: dncOf(r),
        groupIds: (groups.get(r.id) ?? []).map((g) => g.group_id),
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      });
    }
    return ids.map((id) => byId.get(id)).filter((c): c is Contact => c !== undefined);
  }

  /** Deletes contacts with everything hanging off them (rows cascade; the FTS entry explicitly). */
  delete(ids: readonly number[]): number {
    const json = idsJson(ids);
    this.st.deleteFtsMany.run(json);
    const n = this.st.deleteContacts.run(json).changes;
    this.searchIndex.changed(ids);
    return n;
  }

  contactsWithPhone(e164: string): number[] {
    return this.st.byPhone.all(e164) as number[];
  }

  contactsWithEmail(address: string): number[] {
    return this.st.byEmail.all(emailKey(address)) as number[];
  }

  /** For each of these E.164 numbers that a contact has, the lowest such contact id. */
  firstContactsWithPhones(e164s: readonly string[]): Map<string, number> {
    return new Map((this.st.byPhones.all(JSON.stringify(e164s)) as { k: string; id: number }[]).map((r) => [r.k, r.id]));
  }

  /** For each of these (lower-cased) addresses that a contact has, the lowest such contact id. */
  firstContactsWithEmails(keys: readonly string[]): Map<string, number> {
    return new Map((this.st.byEmails.all(JSON.stringify(keys)) as { k: string; id: number }[]).map((r) => [r.k, r.id]));
  }

  contactsWithWhatsapp(e164: string): number[] {
    return this.st.byWhatsapp.all(e164) as number[];
  }

  displayName(id: number): string | null {
    return (this.st.displayName.get(id) as string | undefined) ?? null;
  }

  tagCounts(): { tag: string; count: number }[] {
    return this.st.tagCounts.all() as { tag: string; count: number }[];
  }

  addTags(ids: readonly number[], tags: readonly string[], now: string): number {
    let changed = 0;
    const touched: number[] = [];
    for (const id of ids) {
      let any = false;
      for (const t of tags) any = this.st.insertTag.run(id, t).changes > 0 || any;
      if (any) {
        changed++;
        touched.push(id);
      }
    }
    this.afterTagChange(touched, now);
    return changed;
  }

  removeTags(ids: readonly number[], tags: readonly string[], now: string): number {
    const json = idsJson(ids);
    const before = new Set(
      this.sqlite
        .prepare(
          'SELECT DISTINCT contact_id FROM contact_tags WHERE tag IN (SELECT value FROM json_each(?)) AND contact_id IN (SELECT value FROM json_each(?))',
        )
        .pluck()
        .all(JSON.stringify(tags), json) as number[],
    );
    for (const t of tags) this.st.removeTag.run(t, json);
    this.afterTagChange([...before], now);
    return before.size;
  }

  private afterTagChange(ids: number[], now: string): void {
    if (ids.length === 0) return;
    this.st.touch.run(now, idsJson(ids));
    this.reindex(ids);
  }

  setDoNotContact(ids: readonly number[], channel: Channel, value: boolean, now: string): number {
    const col = dncColumn[channel];
    const n = this.sqlite
      .prepare(`UPDATE contacts SET ${col} = ?, updated_at = ? WHERE ${col} <> ? AND id IN (SELECT value FROM json_each(?))`)
      .run(value ? 1 : 0, now, value ? 1 : 0, idsJson(ids)).changes;
    // Their last change moved: the order by last change did too.
    if (n > 0) this.searchIndex.changed(ids);
    return n;
  }

  /** Summaries for a page of search results, in the order of `ids`. */
  summaries(ids: readonly number[]): ContactSummary[] {
    if (ids.length === 0) return [];
    const rows = this.st.summaryRows.all(idsJson(ids)) as SummaryRow[];
    const byId = new Map(rows.map((r) => [r[0], r]));
    return ids.flatMap((id) => {
      const r = byId.get(id);
      if (!r) return [];
      const [, displayName, organisation, role, updatedAt, voice, sms, email, whatsapp, telegram, phone, firstEmail, tags, groups] = r;
      const space = phone === null ? -1 : phone.lastIndexOf(' ');
      return [
        {
          id,
          displayName,
          organisation,
          role,
          phone: phone === null ? null : phone.slice(0, space),
          phoneCount: phone === null ? 0 : Number(phone.slice(space + 1)),
          email: firstEmail,
          tags: tags === null ? [] : tags.split('\u001f').sort(compareBinary),
          groupIds:
            groups === null
              ? []
              : groups
                  .split(',')
                  .map(Number)
                  .sort((a, b) => a - b),
          doNotContact: dncOf({ dnc_voice: voice, dnc_sms: sms, dnc_email: email, dnc_whatsapp: whatsapp, dnc_telegram: telegram }),
          updatedAt,
        },
      ];
    });
  }
}

/** A row of summaryRows. */
type SummaryRow = [
  id: number,
  displayName: string,
  organisation: string | null,
  role: string | null,
  updatedAt: string,
  dncVoice: number,
  dncSms: number,
  dncEmail: number,
  dncWhatsapp: number,
  dncTelegram: number,
  /** The first number and the count of numbers, "+46701234567 2"; null without numbers. */
  phone: string | null,
  email: string | null,
  tags: string | null,
  groupIds: string | null,
];

function contactParams(rec: ContactRecord, doc: SearchDocument): (string | number | null)[] {
  const dnc = rec.doNotContact;
  const custom = rec.customFields;
  let customJson = '{}';
  for (const _ in custom) {
    customJson = JSON.stringify(custom);
    break;
  }
  return [
    rec.displayName,
    rec.firstName,
    rec.lastName,
    rec.organisation,
    rec.role,
    rec.notes,
    rec.language,
    rec.whatsapp,
    rec.telegramChatId,
    customJson,
    dnc.voice ? 1 : 0,
    dnc.sms ? 1 : 0,
    dnc.email ? 1 : 0,
    dnc.whatsapp ? 1 : 0,
    dnc.telegram ? 1 : 0,
    swedishSortKey(rec.displayName),
    doc.folded,
  ];
}

function groupBy<T extends { contact_id: number }>(rows: T[]): Map<number, T[]> {
  const m = new Map<number, T[]>();
  for (const r of rows) {
    const list = m.get(r.contact_id);
    if (list) list.push(r);
    else m.set(r.contact_id, [r]);
  }
  return m;
}
