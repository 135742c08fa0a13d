// One row of an import file (a CSV record or a vCard) turned into contact fields and then
// validated by the same rules as a contact typed into the UI (model.prepareContact). Every
// problem is tied back to the column or vCard property it came from.
// Forgiving where it is safe: a wrong value the person can do without (one of their phone
// numbers or e-mail addresses, the WhatsApp number, the language) is dropped and reported
// as a warning, and the person is imported with the rest — as long as something to reach
// them by is left. Anything else wrong (or nothing left to reach them by) is an error and
// the row is not imported; its warnings are then listed as errors with it, so the operator
// sees everything to fix in the row at once.
import type { ContactFields, ContactLanguage, FieldIssue, ImportField, ImportRowError, PhoneLabel } from '@gdial/protocol';
import { prepareContact, type ContactRecord } from '../model';
import { isSwerefInSweden, swerefToWgs84 } from '../sweref';

export interface SourcedValue {
  field: ImportField;
  value: string;
  /** Column header or vCard property, for error messages. */
  source: string;
}

export interface ParsedRow {
  row: number;
  /** The fields as the file gave them, minus those dropped, for merging into an existing contact. */
  fields: ContactFields;
  record: ContactRecord;
  groups: string[];
  /** Values dropped from the row (the row itself is imported); null when there are none. */
  warnings: ImportRowError[] | null;
}

export type RowOutcome = { ok: true; value: ParsedRow } | { ok: false; errors: ImportRowError[] };

/** Paths of values a contact can be imported without: "phones.2.number", "emails.0.address", "whatsapp". */
const DROPPABLE = /^(?:(phones|emails)\.(\d+)(?:\.|$)|whatsapp$)/;

const reachable = (f: Record<string, unknown>): boolean =>
  ((f.phones as unknown[] | undefined)?.length ?? 0) > 0 ||
  ((f.emails as unknown[] | undefined)?.length ?? 0) > 0 ||
  f.whatsapp !== undefined ||
  f.telegramChatId !== undefined;

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
  let warnings: ImportRowError[] | null = null;
  let address: Record<string, unknown> | null = null;
  let coordinates: Record<string, { value: string; source: string }> | null = null;
  const consents: { channel: string; givenAt: string; method: 'import' }[] = [];

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
          (warnings ??= []).push({
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
      case 'address.street':
      case 'address.postcode':
      case 'address.town':
      case 'address.municipality':
        (address ??= {})[v.field.slice(8)] ??= value;
        break;
      case 'address.lat':
      case 'address.lon':
      case 'address.swerefN':
      case 'address.swerefE':
        (coordinates ??= {})[v.field.slice(8)] ??= { value, source: v.source };
        break;
      case 'consent.sms':
      case 'consent.email':
        consents.push({ channel: v.field.slice(8), givenAt: value, method: 'import' });
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
  if (coordinates) {
    const point = importedPoint(row, coordinates);
    if (point.ok) address = { ...address, ...point.value };
    else (warnings ??= []).push(point.warning);
  }
  if (address) f.address = address;
  if (consents.length) f.consents = consents;

  // Each pass drops the droppable values refused so far: a refusal by the schema (an
  // e-mail address) hides the checks after it (a WhatsApp number) until it is gone.
  let current: Located = { fields: f, phoneSources, emailSources };
  const dropped: ImportRowError[] = [];
  for (;;) {
    const prepared = prepareContact(current.fields);
    if (prepared.ok) {
      const all = warnings || dropped.length ? [...(warnings ?? []), ...dropped] : null;
      return { ok: true, value: { row, fields: current.fields, record: prepared.record, groups: uniqueGroups(groups), warnings: all } };
    }
    const issues = prepared.issues.map((issue) => locate(row, values, issue, current));
    if (!prepared.issues.every((i) => DROPPABLE.test(i.path))) return { ok: false, errors: [...(warnings ?? []), ...dropped, ...issues] };
    dropped.push(...issues);
    current = withoutValues(current, prepared.issues);
    if (!reachable(current.fields)) return { ok: false, errors: [...(warnings ?? []), ...dropped] };
  }
}

/** A row's contact fields with where each phone number and e-mail address came from (index for index). */
interface Located {
  fields: Record<string, unknown>;
  phoneSources: readonly SourcedValue[];
  emailSources: readonly SourcedValue[];
}

const uniqueGroups = (groups: string[] | null): string[] => (groups ? [...new Set(groups)] : []);

const codeOf = (issue: FieldIssue): Pick<ImportRowError, 'message' | 'code' | 'params'> => ({
  message: issue.message,
  code: issue.code,
  params: issue.params,
});

/** An issue of the contact tied back to the column (or vCard property) and value it came from. */
function locate(row: number, values: readonly SourcedValue[], issue: FieldIssue, at: Located): ImportRowError {
  const [head, index] = issue.path.split('.');
  let column: string | null = null;
  let value: string | null = null;
  if (head === 'phones' || head === 'emails') {
    const i = Number(index);
    column = (head === 'phones' ? at.phoneSources[i] : at.emailSources[i])?.source ?? null;
    const item = (at.fields[head] as ({ number: string } | { address: string })[] | undefined)?.[i];
    value = item ? ('number' in item ? item.number : item.address) : null;
  } else {
    const src = values.find((v) => v.field === head && v.value.trim() !== '');
    column = src?.source ?? null;
    value = src ? src.value.trim() : null;
  }
  return { row, field: issue.path, column, value, ...codeOf(issue) };
}

/** The row without the phone numbers, e-mail addresses and WhatsApp number the issues name. */
function withoutValues(at: Located, issues: readonly FieldIssue[]): Located {
  const drop = { phones: new Set<number>(), emails: new Set<number>() };
  let whatsapp = false;
  for (const issue of issues) {
    const m = DROPPABLE.exec(issue.path);
    if (m?.[1] === 'phones' || m?.[1] === 'emails') drop[m[1]].add(Number(m[2]));
    else if (m) whatsapp = true;
  }
  const fields: Record<string, unknown> = { ...at.fields };
  const keep = <T>(list: readonly T[], key: 'phones' | 'emails'): T[] => list.filter((_, i) => !drop[key].has(i));
  for (const key of ['phones', 'emails'] as const) {
    if (drop[key].size === 0) continue;
    const kept = keep(at.fields[key] as unknown[], key);
    if (kept.length) fields[key] = kept;
    else delete fields[key];
  }
  if (whatsapp) delete fields.whatsapp;
  return { fields, phoneSources: keep(at.phoneSources, 'phones'), emailSources: keep(at.emailSources, 'emails') };
}

/** "57,7072" or "6580822.5" as a number; null when it is not one. */
const coordinateNumber = (s: string): number | null => {
  const t = s.trim().replace(/\s+/g, '').replace(',', '.');
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : null;
};

/**
 * A row's coordinates as WGS 84: latitude/longitude as they are, or SWEREF 99 TM northing and
 * easting converted. A half pair, a value that is no number or a SWEREF pair outside Sweden
 * (swapped axes, say) is a warning: the person is imported without coordinates.
 */
function importedPoint(
  row: number,
  c: Record<string, { value: string; source: string }>,
): { ok: true; value: { lat: number; lon: number } } | { ok: false; warning: ImportRowError } {
  const warn = (field: string, v: { value: string; source: string } | undefined, message: string) => ({
    ok: false as const,
    warning: { row, field, column: v?.source ?? null, value: v?.value ?? null, message },
  });
  const sweref = c.swerefN !== undefined || c.swerefE !== undefined;
  const [a, b] = sweref ? [c.swerefN, c.swerefE] : [c.lat, c.lon];
  const [aName, bName] = sweref ? ['address.swerefN', 'address.swerefE'] : ['address.lat', 'address.lon'];
  if (!a || !b) {
    const have = a ?? b;
    return warn(
      a ? bName : aName,
      have,
      `Koordinaten saknar sin andra halva (${sweref ? 'N och E' : 'latitud och longitud'} behövs båda); importerad utan koordinater`,
    );
  }
  const x = coordinateNumber(a.value);
  const y = coordinateNumber(b.value);
  if (x === null) return warn(aName, a, `"${a.value}" är ingen koordinat; importerad utan koordinater`);
  if (y === null) return warn(bName, b, `"${b.value}" är ingen koordinat; importerad utan koordinater`);
  if (sweref) {
    if (!isSwerefInSweden(x, y))
      return warn(
        aName,
        a,
        `N ${a.value}, E ${b.value} ligger inte i Sverige i SWEREF 99 TM (förväxlade kolumner?); importerad utan koordinater`,
      );
    return { ok: true, value: swerefToWgs84(x, y) };
  }
  if (Math.abs(x) > 90 || Math.abs(y) > 180)
    return warn(aName, a, `${a.value}, ${b.value} är ingen latitud/longitud i WGS 84; importerad utan koordinater`);
  return { ok: true, value: { lat: x, lon: y } };
}
