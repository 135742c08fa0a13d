// One row of an import file (a CSV record or a vCard) turned into contact fields and then
// validated by the same rules as a contact typed into the UI (model.prepareContact). Every
// problem is tied back to the column or vCard property it came from.
import type { ContactFields, ContactLanguage, ImportField, ImportRowError, PhoneLabel } from '@gdial/protocol';
import { prepareContact, type ContactRecord } from '../model';

export interface SourcedValue {
  field: ImportField;
  value: string;
  /** Column header or vCard property, for error messages. */
  source: string;
}

export interface ParsedRow {
  row: number;
  /** The fields as the file gave them, for merging into an existing contact. */
  fields: ContactFields;
  record: ContactRecord;
  groups: string[];
}

export type RowOutcome = { ok: true; value: ParsedRow } | { ok: false; errors: ImportRowError[] };

const languageWords: Record<string, ContactLanguage> = {
  sv: 'sv',
  se: 'sv',
  svenska: 'sv',
  swedish: 'sv',
  'sv-se': 'sv',
  en: 'en',
  engelska: 'en',
  english: 'en',
  'en-gb': 'en',
  'en-us': 'en',
};

const splitList = (v: string): string[] =>
  v
    .split(/[,;|\n]/)
    .map((s) => s.trim())
    .filter(Boolean);

export function buildRow(row: number, values: readonly SourcedValue[]): RowOutcome | null {
  if (values.every((v) => v.value.trim() === '')) return null;
  const f: Record<string, unknown> = {};
  const sources = new Map<string, SourcedValue>();
  const phones: { number: string; label: PhoneLabel }[] = [];
  const phoneSources: SourcedValue[] = [];
  const emails: { address: string }[] = [];
  const emailSources: SourcedValue[] = [];
  const tags: string[] = [];
  const groups: string[] = [];
  const custom: Record<string, string> = {};
  const errors: ImportRowError[] = [];

  for (const v of values) {
    const value = v.value.trim();
    if (value === '') continue;
    switch (v.field) {
      case 'firstName':
      case 'lastName':
      case 'displayName':
      case 'organisation':
      case 'role':
      case 'notes':
      case 'whatsapp':
      case 'telegramChatId':
        if (f[v.field] === undefined) {
          f[v.field] = value;
          sources.set(v.field, v);
        }
        break;
      case 'language': {
        const lang = languageWords[value.toLowerCase()];
        if (lang) f.language = lang;
        else errors.push({ row, field: 'language', column: v.source, value, message: `"${value}" is not a language GDial speaks (sv or en)`, code: 'language.unknown', params: { value } });
        break;
      }
      case 'phone.mobile':
      case 'phone.work':
      case 'phone.home':
      case 'phone.other': {
        const label = v.field.slice(6) as PhoneLabel;
        for (const n of value.split(/[,;\n]|\s\/\s/).map((s) => s.trim()).filter(Boolean)) {
          phones.push({ number: n, label });
          phoneSources.push({ ...v, value: n });
        }
        break;
      }
      case 'email':
        for (const e of value.split(/[,;\s]+/).filter(Boolean)) {
          emails.push({ address: e });
          emailSources.push({ ...v, value: e });
        }
        break;
      case 'groups':
        groups.push(...splitList(value));
        break;
      case 'tags':
        tags.push(...splitList(value));
        break;
      default:
        custom[v.field.slice('custom.'.length)] = value;
    }
  }
  if (phones.length) f.phones = phones;
  if (emails.length) f.emails = emails;
  if (tags.length) f.tags = tags;
  if (Object.keys(custom).length) f.customFields = custom;

  const prepared = prepareContact(f);
  if (!prepared.ok) {
    for (const issue of prepared.issues) {
      const [head, index] = issue.path.split('.');
      const src = head === 'phones' ? phoneSources[Number(index)] : head === 'emails' ? emailSources[Number(index)] : sources.get(head ?? '');
      errors.push({ row, field: issue.path, column: src?.source ?? null, value: src?.value ?? null, message: issue.message, code: issue.code, params: issue.params });
    }
  }
  if (errors.length) return { ok: false, errors };
  if (!prepared.ok) return { ok: false, errors };
  return { ok: true, value: { row, fields: f, record: prepared.record, groups: [...new Set(groups)] } };
}
