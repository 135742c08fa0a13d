// Data migration 0013: fills contacts.search_text, the contact's folded search document
// that the in-memory search index is built from, for every contact stored without it
// (migration 0012 emptied it when its format became one line per full-text column). It
// writes what the store writes for a new contact (searchDocument), reading the contact's
// stored fields, numbers, addresses and tags with its own queries: a migration is frozen
// at the schema it was written for, whatever the store's queries become later.
import type Database from 'better-sqlite3-multiple-ciphers';
import type { EmailLabel, PhoneKind, PhoneLabel } from '@gdial/protocol';
import { searchDocument } from '../contact-search-text';
import { byContact, type ContactRow } from '../contacts';

/** Contacts read and written per statement. */
const CHUNK = 2000;

type Row = Pick<ContactRow, 'id' | 'display_name' | 'first_name' | 'last_name' | 'organisation' | 'role' | 'whatsapp'>;

/** Returns how many contacts it filled in. */
export function fillContactsSearchText(sqlite: Database.Database): number {
  const missing = sqlite.prepare<[number, number], Row>(
    `SELECT id, display_name, first_name, last_name, organisation, role, whatsapp FROM contacts
      WHERE search_text IS NULL AND id > ? ORDER BY id LIMIT ?`,
  );
  const inChunk = 'IN (SELECT value FROM json_each(?))';
  const phones = sqlite.prepare<[string], { contact_id: number; e164: string; label: PhoneLabel; kind: PhoneKind; can_sms: number }>(
    `SELECT contact_id, e164, label, kind, can_sms FROM contact_phones WHERE contact_id ${inChunk} ORDER BY contact_id, priority`,
  );
  const emails = sqlite.prepare<[string], { contact_id: number; address: string; label: EmailLabel }>(
    `SELECT contact_id, address, label FROM contact_emails WHERE contact_id ${inChunk} ORDER BY contact_id, priority`,
  );
  const tags = sqlite.prepare<[string], { contact_id: number; tag: string }>(
    `SELECT contact_id, tag FROM contact_tags WHERE contact_id ${inChunk} ORDER BY contact_id, tag`,
  );
  const write = sqlite.prepare<[string, number]>('UPDATE contacts SET search_text = ? WHERE id = ?');
  let filled = 0;
  for (let after = 0; ;) {
    const rows = missing.all(after, CHUNK);
    if (rows.length === 0) return filled;
    const json = JSON.stringify(rows.map((r) => r.id));
    const phonesOf = byContact(phones.all(json));
    const emailsOf = byContact(emails.all(json));
    const tagsOf = byContact(tags.all(json));
    for (const r of rows) {
      const doc = searchDocument({
        displayName: r.display_name,
        firstName: r.first_name,
        lastName: r.last_name,
        organisation: r.organisation,
        role: r.role,
        whatsapp: r.whatsapp,
        phones: (phonesOf.get(r.id) ?? []).map((p) => ({ e164: p.e164, label: p.label, kind: p.kind, canSms: p.can_sms === 1 })),
        emails: (emailsOf.get(r.id) ?? []).map((e) => ({ address: e.address, label: e.label })),
        tags: (tagsOf.get(r.id) ?? []).map((t) => t.tag),
      });
      write.run(doc.folded, r.id);
    }
    filled += rows.length;
    after = rows[rows.length - 1]!.id;
  }
}
