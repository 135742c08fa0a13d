// Contact export: CSV that Swedish Excel opens correctly (UTF-8 with BOM, semicolons,
// CRLF) or with commas on request, and vCard 4.0. The CSV headers are the ones the
// importer recognises, so an export imports back unchanged.
import type { Contact, ContactScope, ExportOutput, PhoneLabel } from '@gdial/protocol';
import { DomainError } from '../errors';
import { contactIdsByName, customFieldKeys } from '../store/contact-queries';
import type { Reader } from '../store/db';
import { groupValues, listGroups, memberIds } from '../store/groups';
import { loadContacts } from './audience';

const phoneColumns: { label: PhoneLabel; header: string }[] = [
  { label: 'mobile', header: 'Mobil' },
  { label: 'work', header: 'Telefon arbete' },
  { label: 'home', header: 'Telefon hem' },
  { label: 'other', header: 'Telefon' },
];

/** Contact ids in the scope, in name order. */
export function scopeIds(r: Reader, scope: ContactScope): number[] {
  switch (scope.kind) {
    case 'all':
      return contactIdsByName(r, null);
    case 'group': {
      if (!groupValues(r, scope.groupId)) throw new DomainError('NOT_FOUND', `Group ${scope.groupId} does not exist`);
      return contactIdsByName(r, memberIds(r, [scope.groupId], scope.includeSubgroups ?? true));
    }
    case 'ids':
      return contactIdsByName(r, scope.ids);
    default: {
      const unexpected: never = scope;
      throw new Error(`unknown scope ${JSON.stringify(unexpected)}`);
    }
  }
}

function csvField(value: string, delimiter: string): string {
  return /["\r\n]/.test(value) || value.includes(delimiter) || /^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The header line: the importer's own column names, then custom.KEY for each custom field. */
function csvHeader(customKeys: readonly string[], delimiter: ';' | ','): string {
  const header = [
    'Förnamn',
    'Efternamn',
    'Namn',
    'Organisation',
    'Roll',
    ...phoneColumns.map((p) => p.header),
    'E-post',
    'WhatsApp',
    'Telegram',
    'Språk',
    'Grupper',
    'Taggar',
    'Anteckningar',
    ...customKeys.map((k) => `custom.${k}`),
  ];
  return header.map((h) => csvField(h, delimiter)).join(delimiter);
}

/** One CSV line per contact, each ending in CRLF. */
function csvRows(
  contacts: readonly Contact[],
  groupNames: ReadonlyMap<number, string>,
  delimiter: ';' | ',',
  customKeys: readonly string[],
): string {
  // A list inside one cell uses the separator the cell is not delimited by.
  const inner = delimiter === ';' ? ', ' : '; ';
  let out = '';
  for (const c of contacts) {
    const row = [
      c.firstName ?? '',
      c.lastName ?? '',
      c.displayName,
      c.organisation ?? '',
      c.role ?? '',
      ...phoneColumns.map((col) =>
        c.phones
          .filter((p) => p.label === col.label)
          .map((p) => p.e164)
          .join(inner),
      ),
      c.emails.map((e) => e.address).join(inner),
      c.whatsapp ?? '',
      c.telegramChatId ?? '',
      c.language,
      c.groupIds
        .map((g) => groupNames.get(g) ?? '')
        .filter(Boolean)
        .join(inner),
      c.tags.join(inner),
      c.notes ?? '',
      ...customKeys.map((k) => {
        const v = c.customFields[k];
        return v === undefined || v === null ? '' : String(v);
      }),
    ];
    out += `${row.map((v) => csvField(v, delimiter)).join(delimiter)}\r\n`;
  }
  return out;
}

const vEscape = (s: string): string =>
  s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '').replace(/,/g, '\\,').replace(/;/g, '\\;');

/** Folds a content line at 75 octets without splitting a UTF-8 character (RFC 6350 3.2). */
function fold(line: string): string {
  // Most lines are short: one byte count instead of one per character.
  if (line.length <= 75 && Buffer.byteLength(line) <= 75) return line;
  const parts: string[] = [];
  let cur = '';
  let bytes = 0;
  for (const ch of line) {
    const n = Buffer.byteLength(ch);
    const limit = parts.length === 0 ? 75 : 74;
    if (bytes + n > limit) {
      parts.push(cur);
      cur = '';
      bytes = 0;
    }
    cur += ch;
    bytes += n;
  }
  parts.push(cur);
  return parts.join('\r\n ');
}

const vcardPhoneType: Record<PhoneLabel, string> = { mobile: 'cell', work: 'work,voice', home: 'home,voice', other: 'voice' };

export function contactsToVCard(contacts: readonly Contact[], groupNames: ReadonlyMap<number, string>): string {
  const out: string[] = [];
  for (const c of contacts) {
    const lines = [
      'BEGIN:VCARD',
      'VERSION:4.0',
      `FN:${vEscape(c.displayName)}`,
      `N:${vEscape(c.lastName ?? '')};${vEscape(c.firstName ?? '')};;;`,
    ];
    if (c.organisation) lines.push(`ORG:${vEscape(c.organisation)}`);
    if (c.role) lines.push(`TITLE:${vEscape(c.role)}`);
    c.phones.forEach((p, i) => lines.push(`TEL;VALUE=uri;TYPE="${vcardPhoneType[p.label]}";PREF=${i + 1}:tel:${p.e164}`));
    c.emails.forEach((e, i) => lines.push(`EMAIL;TYPE=${e.label === 'other' ? 'internet' : e.label};PREF=${i + 1}:${e.address}`));
    lines.push(`LANG:${c.language}`);
    if (c.tags.length) lines.push(`CATEGORIES:${c.tags.map(vEscape).join(',')}`);
    if (c.notes) lines.push(`NOTE:${vEscape(c.notes)}`);
    for (const g of c.groupIds) {
      const name = groupNames.get(g);
      if (name) lines.push(`X-GDIAL-GROUP:${vEscape(name)}`);
    }
    if (c.whatsapp) lines.push(`X-GDIAL-WHATSAPP:${c.whatsapp}`);
    if (c.telegramChatId) lines.push(`X-GDIAL-TELEGRAM:${c.telegramChatId}`);
    lines.push(`REV:${c.updatedAt.replace(/[-:]/g, '').replace(/\.\d+/, '')}`, 'END:VCARD');
    out.push(...lines.map(fold));
  }
  return out.length ? `${out.join('\r\n')}\r\n` : '';
}

/** Contacts loaded and written this many at a time, with a turn of the event loop in between. */
const EXPORT_CHUNK = 5000;
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The file for the contacts in scope, in name order. Written a chunk at a time so that a
 * large export (100,000 contacts take a couple of seconds) does not hold up alerts and
 * other calls; a contact changed meanwhile is written as it is when its chunk is read.
 */
export async function exportContacts(
  r: Reader,
  opts: { format: 'csv' | 'vcard'; delimiter: ';' | ','; scope: ContactScope },
): Promise<ExportOutput & { content: Buffer }> {
  const ids = scopeIds(r, opts.scope);
  const groupNames = new Map(listGroups(r).map((g) => [g.id, g.name]));
  const customKeys = opts.format === 'csv' ? customFieldKeys(r, ids) : [];
  const parts: string[] = opts.format === 'csv' ? [`\ufeff${csvHeader(customKeys, opts.delimiter)}\r\n`] : [];
  let count = 0;
  for (let i = 0; i < ids.length; i += EXPORT_CHUNK) {
    if (i > 0) await yieldToEventLoop();
    const contacts = loadContacts(r, ids.slice(i, i + EXPORT_CHUNK));
    count += contacts.length;
    parts.push(opts.format === 'csv' ? csvRows(contacts, groupNames, opts.delimiter, customKeys) : contactsToVCard(contacts, groupNames));
  }
  const content = Buffer.from(parts.join(''), 'utf8');
  const stamp = new Date().toISOString().slice(0, 10);
  return {
    fileName: `gdial-kontakter-${stamp}.${opts.format === 'csv' ? 'csv' : 'vcf'}`,
    mimeType: opts.format === 'csv' ? 'text/csv; charset=utf-8' : 'text/vcard; charset=utf-8',
    dataBase64: content.toString('base64'),
    count,
    content,
  };
}
