// Set-based reads of the contact aggregate that other parts need, apart from the aggregate's
// own module (contacts.ts): summaries for a page of search results, contacts in name order
// and their custom fields for an export, contacts for sending (the campaign planner loads
// 100,000 at once), and the lookups that match numbers and addresses (import duplicates,
// inbound messages). Read-only; prepared statements from the connection's cache.
import type { ContactLanguage, ContactSummary, CustomFields, DoNotContact, PhoneKind, PhoneLabel } from '@gdial/protocol';
import type { Reader } from './db';
import { compareBinary } from './contact-search-text';
import { dncOf, type ContactRow, type PhoneRow } from './contacts';

const IN_IDS = 'IN (SELECT value FROM json_each(?))';
const idsJson = (ids: readonly number[]): string => JSON.stringify(ids);

/** The first contact (lowest id) holding this number, for an inbound message or call. */
export function contactWithPhone(r: Reader, e164: string): { id: number; displayName: string } | undefined {
  return r.statements
    .get<[string], { id: number; displayName: string }>(
      'SELECT c.id, c.display_name AS displayName FROM contact_phones p JOIN contacts c ON c.id = p.contact_id WHERE p.e164 = ? ORDER BY c.id LIMIT 1',
    )
    .get(e164);
}

/**
 * The first contact (lowest id) an inbound message's sender is: by the channel's address (an
 * e-mail address in any case, a WhatsApp number or else a phone number, a Telegram chat id).
 */
export function contactWithAddress(
  r: Reader,
  channel: 'sms' | 'voice' | 'email' | 'whatsapp' | 'telegram',
  address: string,
): { id: number; displayName: string } | undefined {
  const one = (sql: string, value: string) => r.statements.get<[string], { id: number; displayName: string }>(sql).get(value);
  switch (channel) {
    case 'sms':
    case 'voice':
      return contactWithPhone(r, address);
    case 'email':
      return one(
        'SELECT c.id, c.display_name AS displayName FROM contact_emails e JOIN contacts c ON c.id = e.contact_id WHERE e.address_key = ? ORDER BY c.id LIMIT 1',
        address.trim().toLowerCase(),
      );
    case 'whatsapp':
      return (
        one('SELECT id, display_name AS displayName FROM contacts WHERE whatsapp = ? ORDER BY id LIMIT 1', address) ??
        contactWithPhone(r, address)
      );
    case 'telegram':
      return one('SELECT id, display_name AS displayName FROM contacts WHERE telegram_chat_id = ? ORDER BY id LIMIT 1', address);
  }
}

/** Per field import matches duplicates by: each value the field holds and the lowest contact id holding it. */
const FIRST_CONTACTS_WITH = {
  /** E.164 phone numbers. */
  phone: `SELECT e164 AS k, min(contact_id) AS id FROM contact_phones WHERE e164 ${IN_IDS} GROUP BY e164`,
  /** Lower-cased e-mail addresses. */
  email: `SELECT address_key AS k, min(contact_id) AS id FROM contact_emails WHERE address_key ${IN_IDS} GROUP BY address_key`,
  /** E.164 WhatsApp numbers (index contacts_whatsapp). */
  whatsapp: `SELECT whatsapp AS k, min(id) AS id FROM contacts WHERE whatsapp ${IN_IDS} GROUP BY whatsapp`,
  /** Telegram chat ids (index contacts_telegram). */
  telegram: `SELECT telegram_chat_id AS k, min(id) AS id FROM contacts WHERE telegram_chat_id ${IN_IDS} GROUP BY telegram_chat_id`,
} as const;

/** For each of these values that a contact has in this field, the lowest such contact id. */
export function firstContactsWith(r: Reader, field: keyof typeof FIRST_CONTACTS_WITH, values: readonly string[]): Map<string, number> {
  const rows = r.statements.get<[string], { k: string; id: number }>(FIRST_CONTACTS_WITH[field]).all(JSON.stringify(values));
  return new Map(rows.map((x) => [x.k, x.id]));
}

export function tagCounts(r: Reader): { tag: string; count: number }[] {
  return r.statements
    .get<[], { tag: string; count: number }>('SELECT tag, count(*) AS count FROM contact_tags GROUP BY tag ORDER BY tag')
    .all();
}

/** Contact ids in name order: of every contact (null), or of these. */
export function contactIdsByName(r: Reader, ids: readonly number[] | null): number[] {
  if (ids === null) return r.statements.pluck<[], number>('SELECT id FROM contacts ORDER BY sort_key, id').all();
  return r.statements.pluck<[string], number>(`SELECT id FROM contacts WHERE id ${IN_IDS} ORDER BY sort_key, id`).all(idsJson(ids));
}

/** The custom field names any of these contacts has, sorted. */
export function customFieldKeys(r: Reader, ids: readonly number[]): string[] {
  return r.statements
    .pluck<[string], string>(`SELECT DISTINCT j.key FROM contacts c, json_each(c.custom_fields) j WHERE c.id ${IN_IDS}`)
    .all(idsJson(ids))
    .sort();
}

/** For each contact holding any of these tags, which of them it holds. */
export function contactIdsWithTags(r: Reader, tags: readonly string[]): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  if (tags.length === 0) return out;
  const rows = r.statements
    .get<[string], { id: number; tag: string }>(`SELECT contact_id AS id, tag FROM contact_tags WHERE tag ${IN_IDS}`)
    .all(JSON.stringify(tags));
  for (const x of rows) {
    const s = out.get(x.id);
    if (s) s.add(x.tag);
    else out.set(x.id, new Set([x.tag]));
  }
  return out;
}

/**
 * What sending needs of a contact: names and language for the message, addresses in
 * priority order, do-not-contact flags and custom fields. Lighter than a Contact (no tags,
 * groups or formatted numbers): the campaign planner loads 100,000 of these at once.
 */
export interface ContactForSending {
  id: number;
  displayName: string;
  firstName: string | null;
  lastName: string | null;
  organisation: string | null;
  role: string | null;
  language: ContactLanguage;
  whatsapp: string | null;
  telegramChatId: string | null;
  customFields: CustomFields;
  doNotContact: DoNotContact;
  /** Priority order. */
  phones: { e164: string; label: PhoneLabel; kind: PhoneKind; canSms: boolean }[];
  /** Priority order, as entered. */
  emails: { address: string }[];
}

/** Contacts for sending, in id order; unknown ids are left out. */
export function loadContactsForSending(r: Reader, ids: readonly number[]): ContactForSending[] {
  if (ids.length === 0) return [];
  const json = idsJson(ids);
  const rows = r.statements
    .get<[string], Omit<ContactRow, 'notes' | 'sort_key' | 'search_text' | 'created_at' | 'updated_at'>>(
      `SELECT id, display_name, first_name, last_name, organisation, role, language, whatsapp, telegram_chat_id, custom_fields,
              dnc_voice, dnc_sms, dnc_email, dnc_whatsapp, dnc_telegram
         FROM contacts WHERE id ${IN_IDS} ORDER BY id`,
    )
    .all(json);
  const phones = r.statements
    .get<[string], PhoneRow>(
      `SELECT contact_id, e164, label, kind, can_sms FROM contact_phones WHERE contact_id ${IN_IDS} ORDER BY contact_id, priority, id`,
    )
    .all(json);
  const emails = r.statements
    .get<[string], { contact_id: number; address: string }>(
      `SELECT contact_id, address FROM contact_emails WHERE contact_id ${IN_IDS} ORDER BY contact_id, priority, id`,
    )
    .all(json);
  const out = new Map<number, ContactForSending>();
  for (const x of rows) {
    let custom: CustomFields = {};
    if (x.custom_fields !== '{}') {
      try {
        custom = JSON.parse(x.custom_fields) as CustomFields;
      } catch {
        custom = {};
      }
    }
    out.set(x.id, {
      id: x.id,
      displayName: x.display_name,
      firstName: x.first_name,
      lastName: x.last_name,
      organisation: x.organisation,
      role: x.role,
      language: x.language,
      whatsapp: x.whatsapp,
      telegramChatId: x.telegram_chat_id,
      customFields: custom,
      doNotContact: dncOf(x),
      phones: [],
      emails: [],
    });
  }
  for (const p of phones) out.get(p.contact_id)?.phones.push({ e164: p.e164, label: p.label, kind: p.kind, canSms: p.can_sms === 1 });
  for (const e of emails) out.get(e.contact_id)?.emails.push({ address: e.address });
  return [...out.values()];
}

// One statement for a page of summaries, as arrays (SummaryRow): per contact its first
// number with the count of numbers ("+46701234567 2"), first address, tags and groups
// (tags joined with the unit separator, which no tag holds; both sorted in code, which
// costs less than sorting per contact here). The first number and address are the bare
// columns of min(priority): SQLite takes them from the row holding the minimum, one pass
// and no sort per contact (https://sqlite.org/lang_select.html#bareagg).
const SUMMARY_ROWS = `SELECT c.id, c.display_name, c.organisation, c.role, c.updated_at, c.dnc_voice, c.dnc_sms, c.dnc_email, c.dnc_whatsapp, c.dnc_telegram,
    (SELECT e164 || ' ' || n FROM (SELECT p.e164, min(p.priority), count(*) AS n FROM contact_phones p WHERE p.contact_id = c.id)),
    (SELECT address FROM (SELECT e.address, min(e.priority) FROM contact_emails e WHERE e.contact_id = c.id)),
    (SELECT group_concat(tag, char(31)) FROM contact_tags t WHERE t.contact_id = c.id),
    (SELECT group_concat(group_id) FROM group_members m WHERE m.contact_id = c.id)
  FROM contacts c WHERE c.id ${IN_IDS}`;

/** A row of SUMMARY_ROWS. */
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

/** Summaries for a page of search results, in the order of `ids`. */
export function contactSummaries(r: Reader, ids: readonly number[]): ContactSummary[] {
  if (ids.length === 0) return [];
  const rows = r.statements.raw<[string], SummaryRow>(SUMMARY_ROWS).all(idsJson(ids));
  const byId = new Map(rows.map((x) => [x[0], x]));
  return ids.flatMap((id) => {
    const x = byId.get(id);
    if (!x) return [];
    const [, displayName, organisation, role, updatedAt, voice, sms, email, whatsapp, telegram, phone, firstEmail, tags, groups] = x;
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
