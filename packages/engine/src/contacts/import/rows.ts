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

// Lists inside one cell. Most cells hold one value: those are taken as they are, without
// splitting (import reads 100,000 rows, and every array made here is garbage to collect).
const LIST_SEPARATORS = /[,;|\n]/;
const PHONE_SEPARATORS = /[,;\n]|\s\/\s/;
const EMAIL_SEPARATORS = /[,;\s]/;

function split(value: string, separators: RegExp): string[] {
  if (!separators.test(value)) return [value];
  return value
    .split(separators)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function buildRow(row: number, values: readonly SourcedValue[]): RowOutcome | null {
  if (values.every((v) => v.value.trim() === '')) return null;
  const f: Record<string, unknown> = {};
  // Where each phone number and address came from, for error messages (index for index).
  const phones: { number: string; label: PhoneLabel }[] = [];
  const phoneSources: SourcedValue[] = [];
  const emails: { address: string }[] = [];
  const emailSources: SourcedValue[] = [];
  let tags: string[] | null = null;
  let groups: string[] | null = null;
  let custom: Record<string, string> | null = null;
  let errors: ImportRowError[] | null = null;

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
        // The first column that has one wins (errors find it again the same way).
        if (f[v.field] === undefined) f[v.field] = value;
        break;
      case 'language': {
        const lang = languageWords[value.toLowerCase()];
        if (lang) f.language = lang;
        else
          (errors ??= []).push({
            row,
            field: 'language',
            column: v.source,
            value,
            message: `"${value}" is not a language GDial speaks (sv or en)`,
            code: 'language.unknown',
            params: { value },
          });
        break;
      }
      case 'phone.mobile':
      case 'phone.work':
      case 'phone.home':
      case 'phone.other': {
        const label = v.field.slice(6) as PhoneLabel;
        for (const n of split(value, PHONE_SEPARATORS)) {
          phones.push({ number: n, label });
          phoneSources.push(v);
        }
        break;
      }
      case 'email':
        for (const e of split(value, EMAIL_SEPARATORS)) {
          emails.push({ address: e });
          emailSources.push(v);
        }
        break;
      case 'groups':
        groups = groups ? [...groups, ...split(value, LIST_SEPARATORS)] : split(value, LIST_SEPARATORS);
        break;
      case 'tags':
        tags = tags ? [...tags, ...split(value, LIST_SEPARATORS)] : split(value, LIST_SEPARATORS);
        break;
      default:
        (custom ??= {})[v.field.slice('custom.'.length)] = value;
    }
  }
  if (phones.length) f.phones = phones;
  if (emails.length) f.emails = emails;
  if (tags?.length) f.tags = tags;
  if (custom) f.customFields = custom;

  const prepared = prepareContact(f);
  if (!prepared.ok) {
    for (const issue of prepared.issues) {
      const [head, index] = issue.path.split('.');
      let column: string | null = null;
      let value: string | null = null;
      if (head === 'phones' || head === 'emails') {
        const i = Number(index);
        column = (head === 'phones' ? phoneSources[i] : emailSources[i])?.source ?? null;
        value = (head === 'phones' ? phones[i]?.number : emails[i]?.address) ?? null;
      } else {
        const src = values.find((v) => v.field === head && v.value.trim() !== '');
        column = src?.source ?? null;
        value = src ? src.value.trim() : null;
      }
      (errors ??= []).push({ row, field: issue.path, column, value, message: issue.message, code: issue.code, params: issue.params });
    }
  }
  if (errors) return { ok: false, errors };
  if (!prepared.ok) return { ok: false, errors: [] };
  return { ok: true, value: { row, fields: f, record: prepared.record, groups: groups ? [...new Set(groups)] : [] } };
}
