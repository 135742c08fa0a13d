// A vCard reader (.vcf) for what phones, Outlook, Google and Apple export: 2.1, 3.0 and
// 4.0, several cards per file, folded lines, TYPE parameters in all their spellings
// (TEL;TYPE=CELL, TEL;TYPE=cell,voice, TEL;CELL), quoted-printable and CHARSET in 2.1
// style, "tel:" URIs in 4.0. Each card becomes the same field/value list a CSV row does.
import iconv from 'iconv-lite';
import type { ImportField } from '@gdial/protocol';
import type { SourcedValue } from './rows';

export interface VCardProperty {
  group: string | null;
  name: string;
  params: Map<string, string[]>;
  value: string;
}

export interface VCard {
  /** 1-based position in the file. */
  index: number;
  properties: VCardProperty[];
}

/** Joins folded lines; quoted-printable soft breaks ("=" at the end of a line) too. */
function unfold(text: string): string[] {
  const raw = text.split(/\r\n|\n|\r/);
  const lines: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const l = raw[i]!;
    if ((l.startsWith(' ') || l.startsWith('\t')) && lines.length > 0) {
      lines[lines.length - 1] += l.slice(1);
      continue;
    }
    lines.push(l);
    // 2.1 quoted-printable continues with "=" at the end of the line, without a leading space.
    while (
      /ENCODING=QUOTED-PRINTABLE|;QUOTED-PRINTABLE/i.test(lines[lines.length - 1]!.split(':')[0] ?? '') &&
      lines[lines.length - 1]!.endsWith('=') &&
      i + 1 < raw.length
    ) {
      lines[lines.length - 1] = lines[lines.length - 1]!.slice(0, -1) + raw[++i]!;
    }
  }
  return lines;
}

function splitUnquoted(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of s) {
    if (ch === '"') quoted = !quoted;
    if (ch === sep && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function parseLine(line: string): VCardProperty | null {
  // The value starts at the first colon outside a quoted parameter value.
  let quoted = false;
  let colon = -1;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') quoted = !quoted;
    else if (ch === ':' && !quoted) {
      colon = i;
      break;
    }
  }
  if (colon <= 0) return null;
  const [nameWithGroup = '', ...paramParts] = splitUnquoted(line.slice(0, colon), ';');
  const dot = nameWithGroup.lastIndexOf('.');
  const params = new Map<string, string[]>();
  for (const p of paramParts) {
    const eq = p.indexOf('=');
    // 2.1 allows bare parameters: TEL;CELL;VOICE: is TYPE=CELL,VOICE.
    const key = eq === -1 ? (/^(QUOTED-PRINTABLE|BASE64|8BIT|7BIT)$/i.test(p) ? 'ENCODING' : 'TYPE') : p.slice(0, eq).toUpperCase();
    const vals = (eq === -1 ? p : p.slice(eq + 1)).split(',').map((v) => v.replace(/^"|"$/g, ''));
    params.set(key, [...(params.get(key) ?? []), ...vals]);
  }
  let value = line.slice(colon + 1);
  const encoding = params.get('ENCODING')?.[0]?.toUpperCase();
  if (encoding === 'QUOTED-PRINTABLE' || encoding === 'Q') {
    const bytes: number[] = [];
    for (let i = 0; i < value.length; i++) {
      const m = value[i] === '=' ? /^[0-9A-Fa-f]{2}/.exec(value.slice(i + 1, i + 3)) : null;
      if (m) {
        bytes.push(parseInt(m[0], 16));
        i += 2;
      } else bytes.push(...Buffer.from(value[i]!, 'utf8'));
    }
    const charset = params.get('CHARSET')?.[0] ?? 'utf-8';
    value = iconv.encodingExists(charset) ? iconv.decode(Buffer.from(bytes), charset) : Buffer.from(bytes).toString('utf8');
  }
  return {
    group: dot > 0 ? nameWithGroup.slice(0, dot) : null,
    name: (dot > 0 ? nameWithGroup.slice(dot + 1) : nameWithGroup).toUpperCase(),
    params,
    value,
  };
}

export function parseVCards(text: string): VCard[] {
  const cards: VCard[] = [];
  let current: VCardProperty[] | null = null;
  for (const line of unfold(text)) {
    if (line.trim() === '') continue;
    const upper = line.trim().toUpperCase();
    if (upper === 'BEGIN:VCARD') {
      current = [];
      continue;
    }
    if (upper === 'END:VCARD') {
      if (current) cards.push({ index: cards.length + 1, properties: current });
      current = null;
      continue;
    }
    if (!current) continue;
    const prop = parseLine(line);
    if (prop) current.push(prop);
  }
  return cards;
}

export const looksLikeVCard = (text: string): boolean => /^\s*BEGIN:VCARD/i.test(text);

/** Splits a structured value on unescaped separators and unescapes \n \, \; \\. */
function components(value: string, sep: ';' | ','): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '\\' && i + 1 < value.length) {
      const next = value[++i]!;
      cur += next === 'n' || next === 'N' ? '\n' : next;
    } else if (ch === sep) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}
const text1 = (value: string): string => components(value, ';').join(' ').trim();

function types(p: VCardProperty): string[] {
  return (p.params.get('TYPE') ?? []).flatMap((t) => t.split(',')).map((t) => t.toLowerCase());
}

/** 1 = most preferred (PREF=1 in 4.0, TYPE=pref in 3.0); unmarked properties come last. */
function preference(p: VCardProperty): number {
  const pref = Number(p.params.get('PREF')?.[0]);
  if (Number.isInteger(pref) && pref > 0) return pref;
  return types(p).includes('pref') ? 1 : 101;
}

/** The contact fields a card holds, with the property each came from. */
export function cardValues(card: VCard): SourcedValue[] {
  const out: SourcedValue[] = [];
  const add = (field: ImportField, value: string, source: string) => {
    if (value.trim() !== '') out.push({ field, value: value.trim(), source });
  };
  // Preferred numbers and addresses first: they become priority 0.
  const props = [...card.properties].sort((a, b) => preference(a) - preference(b));
  for (const p of props) {
    switch (p.name) {
      case 'FN':
        add('displayName', text1(p.value), 'FN');
        break;
      case 'N': {
        const [last = '', first = '', middle = ''] = components(p.value, ';');
        add('lastName', last, 'N');
        add('firstName', [first, middle].filter(Boolean).join(' '), 'N');
        break;
      }
      case 'ORG':
        add('organisation', components(p.value, ';').filter(Boolean).join(', '), 'ORG');
        break;
      case 'TITLE':
      case 'ROLE':
        add('role', text1(p.value), p.name);
        break;
      case 'NOTE':
        add('notes', components(p.value, ';').join(';'), 'NOTE');
        break;
      case 'TEL': {
        const t = types(p);
        const number = p.value.replace(/^tel:/i, '').split(';')[0] ?? '';
        const field: ImportField =
          t.includes('cell') || t.includes('mobile') || t.includes('iphone')
            ? 'phone.mobile'
            : t.includes('work')
              ? 'phone.work'
              : t.includes('home')
                ? 'phone.home'
                : 'phone.other';
        add(field, number, `TEL${t.length ? `;TYPE=${t.join(',')}` : ''}`);
        break;
      }
      case 'EMAIL':
        add('email', p.value.replace(/^mailto:/i, ''), 'EMAIL');
        break;
      case 'CATEGORIES':
        for (const c of components(p.value, ',')) add('tags', c, 'CATEGORIES');
        break;
      case 'LANG':
        add('language', p.value, 'LANG');
        break;
      case 'X-GDIAL-GROUP':
        add('groups', text1(p.value), p.name);
        break;
      case 'X-GDIAL-WHATSAPP':
        add('whatsapp', p.value, p.name);
        break;
      case 'X-GDIAL-TELEGRAM':
        add('telegramChatId', p.value, p.name);
        break;
      default:
        break;
    }
  }
  return out;
}
