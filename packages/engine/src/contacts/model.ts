// What a valid contact is. Turns the editable fields from the protocol (as typed by an
// operator, or read from an import file) into a ContactRecord ready to store: numbers in
// E.164 with their kind, e-mails keyed case-insensitively, a display name derived when
// none is given. Every problem is reported with the field it belongs to; nothing is
// dropped or guessed.
import type { Contact, ContactAddress, ContactConsent, DoNotContact, FieldIssue } from '@gdial/protocol';
import { channels, contactFieldsSchema, fieldIssues, noAddress, phoneRefusal } from '@gdial/protocol';
import { emailKey, type ContactValues, type EmailValues, type PhoneValues } from '../store/contacts';
import { formatPhone, normalisePhone } from './phone';

export type PhoneRecord = PhoneValues;
export type EmailRecord = EmailValues;
/** A contact as stored, minus id, memberships and timestamps (the store's ContactValues). */
export type ContactRecord = ContactValues;

export { emailKey };

export const noDoNotContact = (): DoNotContact => ({ voice: false, sms: false, email: false, whatsapp: false, telegram: false });

export type Prepared = { ok: true; record: ContactRecord; groupIds: number[] | undefined } | { ok: false; issues: FieldIssue[] };

/** The fields of a stored contact, so an update can start from it. */
export function recordOf(c: Contact): ContactRecord {
  return {
    displayName: c.displayName,
    firstName: c.firstName,
    lastName: c.lastName,
    organisation: c.organisation,
    role: c.role,
    notes: c.notes,
    language: c.language,
    phones: c.phones.map((p) => ({ e164: p.e164, label: p.label, kind: p.kind, canSms: p.canSms })),
    emails: c.emails.map((e) => ({ address: e.address, label: e.label })),
    whatsapp: c.whatsapp,
    telegramChatId: c.telegramChatId,
    tags: c.tags,
    customFields: c.customFields,
    doNotContact: c.doNotContact,
    address: c.address,
    consents: c.consents,
  };
}

const blankToNull = (v: string | null | undefined): string | null | undefined =>
  v === undefined ? undefined : v === null || v.trim() === '' ? null : v.trim();

/**
 * Validates and normalises contact fields. With `base` (an update) absent fields keep the
 * base's values; without it (a create) they take their defaults. The display name is
 * re-derived when the caller sets none and the stored one was derived too.
 */
export function prepareContact(input: unknown, base?: ContactRecord, recordedBy: string | null = null): Prepared {
  const parsed = contactFieldsSchema.safeParse(input);
  if (!parsed.success) return { ok: false, issues: withPhoneIssues(fieldIssues(parsed.error), input) };
  const f = parsed.data;
  const issues: FieldIssue[] = [];

  const phones: PhoneRecord[] = [];
  if (f.phones) {
    const seen = new Map<string, number>();
    f.phones.forEach((p, i) => {
      const n = normalisePhone(p.number);
      if (!n.ok) {
        issues.push(phoneRefusal(`phones.${i}.number`, p.number, n));
        return;
      }
      const earlier = seen.get(n.e164);
      if (earlier !== undefined) {
        issues.push({
          path: `phones.${i}.number`,
          message: `"${p.number}" is the same number as phone ${earlier + 1}`,
          code: 'phone.duplicate',
          params: { value: p.number, of: earlier + 1 },
        });
        return;
      }
      seen.set(n.e164, i);
      phones.push({ e164: n.e164, label: p.label, kind: n.kind, canSms: n.canSms, digits: n.digits });
    });
  }

  const emails: EmailRecord[] = [];
  if (f.emails) {
    const seen = new Set<string>();
    for (const e of f.emails) {
      const k = emailKey(e.address);
      if (seen.has(k)) continue; // the same address twice says nothing new
      seen.add(k);
      emails.push({ address: e.address, label: e.label });
    }
  }

  let whatsapp: string | null | undefined = undefined;
  const wa = blankToNull(f.whatsapp);
  if (wa === null) whatsapp = null;
  else if (wa !== undefined) {
    const n = normalisePhone(wa);
    if (!n.ok) issues.push(phoneRefusal('whatsapp', wa, n));
    else whatsapp = n.e164;
  }

  if (issues.length > 0) return { ok: false, issues };

  const pick = <K extends 'firstName' | 'lastName' | 'organisation' | 'role' | 'notes' | 'telegramChatId'>(k: K): string | null => {
    const v = blankToNull(f[k]);
    return v === undefined ? (base?.[k] ?? null) : v;
  };
  const firstName = pick('firstName');
  const lastName = pick('lastName');
  const organisation = pick('organisation');
  const finalPhones = f.phones ? phones : (base?.phones ?? []);
  const finalEmails = f.emails ? emails : (base?.emails ?? []);

  const rest = {
    firstName,
    lastName,
    organisation,
    role: pick('role'),
    notes: pick('notes'),
    language: f.language ?? base?.language ?? 'sv',
    phones: finalPhones,
    emails: finalEmails,
    whatsapp: whatsapp === undefined ? (base?.whatsapp ?? null) : whatsapp,
    telegramChatId: pick('telegramChatId'),
    tags: f.tags ? [...new Set(f.tags)] : (base?.tags ?? []),
    customFields: f.customFields ?? base?.customFields ?? {},
    doNotContact: { ...(base?.doNotContact ?? noDoNotContact()), ...f.doNotContact },
    address: f.address === undefined ? (base?.address ?? noAddress()) : addressOf(f.address),
    consents: f.consents === undefined ? (base?.consents ?? []) : consentsOf(f.consents, base?.consents ?? [], recordedBy),
  };

  const explicit = blankToNull(f.displayName);
  let displayName: string | null;
  if (explicit) displayName = explicit;
  else if (explicit === null || !base || base.displayName === deriveDisplayName(base)) displayName = deriveDisplayName(rest);
  else displayName = base.displayName;
  if (!displayName) {
    return {
      ok: false,
      issues: [
        {
          path: 'displayName',
          message: 'A contact needs a name, an organisation, a phone number or an e-mail address',
          code: 'contact.nameRequired',
        },
      ],
    };
  }
  return { ok: true, record: { displayName, ...rest }, groupIds: f.groupIds ? [...new Set(f.groupIds)] : undefined };
}

type ParsedFields = NonNullable<ReturnType<typeof contactFieldsSchema.parse>>;

/** The address as stored: blank parts null. */
function addressOf(a: ParsedFields['address']): ContactAddress {
  if (!a) return noAddress();
  const text = (v: string | null | undefined): string | null => blankToNull(v) ?? null;
  return {
    street: text(a.street),
    postcode: a.postcode ?? null,
    town: text(a.town),
    municipality: text(a.municipality),
    lat: a.lat ?? null,
    lon: a.lon ?? null,
  };
}

/**
 * The consents as stored, in channel order: one given as it was keeps who recorded it; a new
 * or changed one is recorded by `recordedBy` (the signed-in user, or the importer).
 */
function consentsOf(
  list: NonNullable<ParsedFields['consents']>,
  before: readonly ContactConsent[],
  recordedBy: string | null,
): ContactConsent[] {
  return list
    .map((c) => {
      const next = { channel: c.channel, givenAt: c.givenAt, method: c.method, note: blankToNull(c.note) ?? null };
      const old = before.find((b) => b.channel === c.channel);
      const same = old && old.givenAt === next.givenAt && old.method === next.method && old.note === next.note;
      return { ...next, recordedBy: same ? old.recordedBy : recordedBy };
    })
    .sort((a, b) => channels.indexOf(a.channel) - channels.indexOf(b.channel));
}

/**
 * When the schema already failed, the numbers were not looked at; check them too so the
 * operator sees every problem of a row or form at once, not one per attempt.
 */
function withPhoneIssues(issues: FieldIssue[], input: unknown): FieldIssue[] {
  const seen = new Set(issues.map((i) => i.path));
  const phones = (input as { phones?: unknown } | null)?.phones;
  if (Array.isArray(phones)) {
    phones.forEach((p: unknown, i) => {
      const number = (p as { number?: unknown } | null)?.number;
      const path = `phones.${i}.number`;
      if (typeof number !== 'string' || seen.has(path) || number.trim() === '') return;
      const n = normalisePhone(number);
      if (!n.ok) issues.push(phoneRefusal(path, number, n));
    });
  }
  return issues.sort((a, b) => a.path.localeCompare(b.path));
}

/** "Anna Andersson", else the organisation, else the first e-mail or number. */
export function deriveDisplayName(c: Pick<ContactRecord, 'firstName' | 'lastName' | 'organisation' | 'emails' | 'phones'>): string {
  const name = [c.firstName, c.lastName].filter(Boolean).join(' ').trim();
  if (name) return name;
  if (c.organisation) return c.organisation;
  const email = c.emails[0]?.address;
  if (email) return email;
  const phone = c.phones[0]?.e164;
  return phone ? formatPhone(phone) : '';
}
