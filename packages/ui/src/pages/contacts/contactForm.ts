// The edit drawer's form model: a draft built from a stored contact (or empty), turned back
// into the contract's ContactFields on save, and the engine's field errors mapped onto
// the inputs they belong to. Kept free of React so it can be tested on its own.
import type {
  Channel,
  Contact,
  ContactFields,
  ContactLanguage,
  CustomFields,
  DoNotContact,
  EmailLabel,
  FieldIssue,
  PhoneCheck,
  PhoneLabel,
} from '@gdial/protocol';
import { issueText } from '../../components/labels';
import type { Language } from '../../i18n';

type CustomValue = CustomFields[string];

export interface PhoneDraft {
  /** Stable React key; survives reordering. */
  key: string;
  number: string;
  label: PhoneLabel;
  /** What the engine said about the number as stored or last checked. */
  check: PhoneCheck | null;
  /** The text `check` belongs to; a different text means "not checked yet". */
  checkedNumber: string | null;
}

export interface EmailDraft {
  key: string;
  address: string;
  label: EmailLabel;
}

export interface CustomFieldDraft {
  key: string;
  name: string;
  value: string;
  /** The stored value, so an untouched number or boolean stays one. */
  original: CustomValue | undefined;
}

export interface ContactDraft {
  firstName: string;
  lastName: string;
  displayName: string;
  /** True while the display name is the one the engine derives; then it follows the names. */
  displayNameDerived: boolean;
  organisation: string;
  role: string;
  notes: string;
  language: ContactLanguage;
  phones: PhoneDraft[];
  emails: EmailDraft[];
  whatsapp: string;
  telegramChatId: string;
  tags: string[];
  groupIds: number[];
  doNotContact: DoNotContact;
  customFields: CustomFieldDraft[];
}

let keySeq = 0;
export const newKey = (): string => `k${++keySeq}`;

export const noDoNotContact = (): DoNotContact => ({ voice: false, sms: false, email: false, whatsapp: false, telegram: false });

export function emptyDraft(): ContactDraft {
  return {
    firstName: '',
    lastName: '',
    displayName: '',
    displayNameDerived: true,
    organisation: '',
    role: '',
    notes: '',
    language: 'sv',
    phones: [],
    emails: [],
    whatsapp: '',
    telegramChatId: '',
    tags: [],
    groupIds: [],
    doNotContact: noDoNotContact(),
    customFields: [],
  };
}

const joinNames = (first: string | null, last: string | null): string =>
  [first, last]
    .filter((s) => s && s.trim())
    .join(' ')
    .trim();

export function draftFromContact(c: Contact): ContactDraft {
  const derived = joinNames(c.firstName, c.lastName);
  return {
    firstName: c.firstName ?? '',
    lastName: c.lastName ?? '',
    displayName: c.displayName,
    displayNameDerived: derived !== '' && derived === c.displayName,
    organisation: c.organisation ?? '',
    role: c.role ?? '',
    notes: c.notes ?? '',
    language: c.language,
    phones: [...c.phones]
      .sort((a, b) => a.priority - b.priority)
      .map((p) => ({
        key: newKey(),
        number: p.national,
        label: p.label,
        check: { ok: true, e164: p.e164, national: p.national, kind: p.kind, canSms: p.canSms, country: null },
        checkedNumber: p.national,
      })),
    emails: c.emails.map((e) => ({ key: newKey(), address: e.address, label: e.label })),
    whatsapp: c.whatsapp ?? '',
    telegramChatId: c.telegramChatId ?? '',
    tags: [...c.tags],
    groupIds: [...c.groupIds],
    doNotContact: { ...c.doNotContact },
    customFields: Object.entries(c.customFields).map(([name, value]) => ({
      key: newKey(),
      name,
      value: value === null ? '' : String(value),
      original: value,
    })),
  };
}

const textOrNull = (s: string): string | null => (s.trim() === '' ? null : s.trim());

function customValue(f: CustomFieldDraft): CustomValue {
  if (f.original !== undefined && f.original !== null && String(f.original) === f.value) return f.original;
  return f.value === '' ? null : f.value;
}

/** The whole draft as the contract's fields (every list replaces the stored one). */
export function draftToFields(d: ContactDraft): ContactFields {
  const customFields: Record<string, CustomValue> = {};
  for (const f of d.customFields) if (f.name.trim() !== '') customFields[f.name.trim()] = customValue(f);
  return {
    firstName: textOrNull(d.firstName),
    lastName: textOrNull(d.lastName),
    // Null lets the engine derive it from the names (else organisation, e-mail, phone).
    displayName: d.displayNameDerived ? null : textOrNull(d.displayName),
    organisation: textOrNull(d.organisation),
    role: textOrNull(d.role),
    notes: textOrNull(d.notes),
    language: d.language,
    // Empty rows are a half-added line, not a number: dropping them is what the operator means.
    phones: d.phones.filter((p) => p.number.trim() !== '').map((p) => ({ number: p.number.trim(), label: p.label })),
    emails: d.emails.filter((e) => e.address.trim() !== '').map((e) => ({ address: e.address.trim(), label: e.label })),
    whatsapp: textOrNull(d.whatsapp),
    telegramChatId: textOrNull(d.telegramChatId),
    tags: d.tags,
    groupIds: d.groupIds,
    doNotContact: d.doNotContact,
    customFields,
  };
}

/** Moves an entry of a list by `delta` places; out-of-range moves return the list unchanged. */
export function moveEntry<T>(list: readonly T[], index: number, delta: number): T[] {
  const to = index + delta;
  if (index < 0 || index >= list.length || to < 0 || to >= list.length) return [...list];
  const next = [...list];
  const [moved] = next.splice(index, 1);
  next.splice(to, 0, moved!);
  return next;
}

/**
 * Field errors keyed by the draft's own paths ("phones.1.number", "firstName"). The engine
 * names fields of contacts.update under "changes."; phone positions refer to the list as
 * sent, which skips empty rows, so they are mapped back to the draft's rows. Each is
 * worded in the operator's language.
 */
export function issuesByField(issues: FieldIssue[], d: ContactDraft, language: Language): Map<string, string> {
  const sentPhones = d.phones.map((p, i) => ({ p, i })).filter(({ p }) => p.number.trim() !== '');
  const sentEmails = d.emails.map((e, i) => ({ e, i })).filter(({ e }) => e.address.trim() !== '');
  const out = new Map<string, string>();
  for (const issue of issues) {
    let path = issue.path.replace(/^changes\./, '');
    const m = /^(phones|emails)\.(\d+)(\..*)?$/.exec(path);
    if (m) {
      const sentIndex = Number(m[2]);
      const draftIndex = m[1] === 'phones' ? sentPhones[sentIndex]?.i : sentEmails[sentIndex]?.i;
      const leaf = m[3] ?? (m[1] === 'phones' ? '.number' : '.address');
      path = `${m[1]}.${draftIndex ?? sentIndex}${leaf}`;
    }
    if (!out.has(path)) out.set(path, issueText(issue, language));
  }
  return out;
}

export const channelOrder: readonly Channel[] = ['voice', 'sms', 'email', 'whatsapp', 'telegram'];

/** Whether the text in a phone row still needs (or already has) a fresh check. */
export const phoneCheckIsCurrent = (p: PhoneDraft): boolean => p.checkedNumber !== null && p.checkedNumber === p.number.trim();
