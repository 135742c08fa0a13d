// Swedish text normalisation in front of espeak. Alerts are full of things espeak reads
// badly or wrongly: clock times ("kl. 14.30" becomes "fjorton punkt trettio"), dates,
// phone numbers (read as one huge number), units, abbreviations and acronyms. Each rule
// below rewrites one kind of token into the words a Swedish announcer would say; the
// table-driven tests document every case. Rules run in order, and each emits words
// without digits, so a later rule never rereads an earlier rule's output.
import { cardinal, decimal, digitByDigit, ordinal, spokenNumber, year, type Gender } from './numbers';

const MONTHS = ['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti', 'september', 'oktober', 'november', 'december'];
const MONTH_ABBREVIATIONS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  okt: 10,
  nov: 11,
  dec: 12,
};

/** Swedish letter names, for spelling acronyms. */
const LETTERS: Record<string, string> = {
  A: 'a',
  B: 'be',
  C: 'se',
  D: 'de',
  E: 'e',
  F: 'eff',
  G: 'ge',
  H: 'hå',
  I: 'i',
  J: 'ji',
  K: 'kå',
  L: 'ell',
  M: 'emm',
  N: 'enn',
  O: 'o',
  P: 'pe',
  Q: 'ku',
  R: 'ärr',
  S: 'ess',
  T: 'te',
  U: 'u',
  V: 've',
  W: 'dubbelve',
  X: 'eks',
  Y: 'y',
  Z: 'säta',
  Å: 'å',
  Ä: 'ä',
  Ö: 'ö',
};

/** Acronyms said as words, not spelled. */
const SAID_AS_WORDS = new Set(['NATO', 'IKEA', 'UNICEF', 'SÄPO', 'SAS', 'SIDA', 'FRA', 'MUST', 'RAKEL', 'COVID', 'ISIS', 'OBS']);

/** Acronyms spelled even in text written all in capitals. */
const KNOWN_ACRONYMS = new Set([
  'SMHI',
  'MSB',
  'VMA',
  'SOS',
  'SVT',
  'SR',
  'TV',
  'FHM',
  'RSA',
  'IVA',
  'BRF',
  'LST',
  'SJ',
  'SL',
  'EU',
  'FN',
  'USA',
]);

/** Common-gender nouns that follow "1" in alerts, read "en" (en grad, en person). */
const ONE_BEFORE_NOUN = new Set([
  'grad',
  'person',
  'timme',
  'minut',
  'sekund',
  'vecka',
  'dag',
  'natt',
  'månad',
  'kilometer',
  'meter',
  'mil',
  'bil',
  'buss',
  'skola',
  'väg',
  'gata',
  'brand',
  'olycka',
  'skadad',
  'krona',
  'liter',
  'flaska',
  'filt',
]);
const NEUTER_NOUNS = new Set([
  'år',
  'dygn',
  'hus',
  'barn',
  'ton',
  'kilo',
  'gram',
  'hushåll',
  'fordon',
  'område',
  'meddelande',
  'larm',
  'samtal',
  'rum',
  'tåg',
  'plan',
  'fartyg',
  'djur',
]);

/** Numbers known by heart, said the way everyone says them. */
const SERVICE_NUMBERS: Record<string, string> = {
  '112': 'ett ett två',
  '1177': 'elva sjuttiosju',
  '11313': 'ett ett tre, ett tre',
  '11414': 'ett ett fyra, ett fyra',
  '11404': 'ett ett fyra, noll fyra',
  '90000': 'nittio tusen',
};

interface Unit {
  one: string;
  many: string;
  gender: Gender;
}

/** Units after a number. Longer spellings first so "km/h" wins over "km". */
const UNITS: [string, Unit][] = [
  ['km/h', { one: 'kilometer i timmen', many: 'kilometer i timmen', gender: 'common' }],
  ['km/tim', { one: 'kilometer i timmen', many: 'kilometer i timmen', gender: 'common' }],
  ['m/s', { one: 'meter per sekund', many: 'meter per sekund', gender: 'common' }],
  ['mm/h', { one: 'millimeter i timmen', many: 'millimeter i timmen', gender: 'common' }],
  ['°C', { one: 'grad', many: 'grader', gender: 'common' }],
  ['° C', { one: 'grad', many: 'grader', gender: 'common' }],
  ['°', { one: 'grad', many: 'grader', gender: 'common' }],
  ['km²', { one: 'kvadratkilometer', many: 'kvadratkilometer', gender: 'common' }],
  ['km2', { one: 'kvadratkilometer', many: 'kvadratkilometer', gender: 'common' }],
  ['m²', { one: 'kvadratmeter', many: 'kvadratmeter', gender: 'common' }],
  ['kvm', { one: 'kvadratmeter', many: 'kvadratmeter', gender: 'common' }],
  ['km', { one: 'kilometer', many: 'kilometer', gender: 'common' }],
  ['mm', { one: 'millimeter', many: 'millimeter', gender: 'common' }],
  ['cm', { one: 'centimeter', many: 'centimeter', gender: 'common' }],
  ['m', { one: 'meter', many: 'meter', gender: 'common' }],
  ['mil', { one: 'mil', many: 'mil', gender: 'common' }],
  ['kg', { one: 'kilo', many: 'kilo', gender: 'neuter' }],
  ['ton', { one: 'ton', many: 'ton', gender: 'neuter' }],
  ['g', { one: 'gram', many: 'gram', gender: 'neuter' }],
  ['l', { one: 'liter', many: 'liter', gender: 'common' }],
  ['dl', { one: 'deciliter', many: 'deciliter', gender: 'common' }],
  ['%', { one: 'procent', many: 'procent', gender: 'neuter' }],
  ['procent', { one: 'procent', many: 'procent', gender: 'neuter' }],
  ['kr', { one: 'krona', many: 'kronor', gender: 'common' }],
  ['SEK', { one: 'krona', many: 'kronor', gender: 'common' }],
  ['tim', { one: 'timme', many: 'timmar', gender: 'common' }],
  ['h', { one: 'timme', many: 'timmar', gender: 'common' }],
  ['min', { one: 'minut', many: 'minuter', gender: 'common' }],
  ['sek', { one: 'sekund', many: 'sekunder', gender: 'common' }],
  ['s', { one: 'sekund', many: 'sekunder', gender: 'common' }],
  ['st', { one: 'stycken', many: 'stycken', gender: 'neuter' }],
  ['kW', { one: 'kilowatt', many: 'kilowatt', gender: 'common' }],
  ['MW', { one: 'megawatt', many: 'megawatt', gender: 'common' }],
  ['mSv', { one: 'millisievert', many: 'millisievert', gender: 'common' }],
  ['µSv/h', { one: 'mikrosievert i timmen', many: 'mikrosievert i timmen', gender: 'common' }],
  ['μSv/h', { one: 'mikrosievert i timmen', many: 'mikrosievert i timmen', gender: 'common' }],
];

/**
 * Abbreviations, matched as whole tokens. A trailing full stop that also ended the
 * sentence is kept (see `expandAbbreviations`).
 */
const ABBREVIATIONS: [string, string][] = [
  ['fr.o.m.', 'från och med'],
  ['t.o.m.', 'till och med'],
  ['o.s.v.', 'och så vidare'],
  ['d.v.s.', 'det vill säga'],
  ['p.g.a.', 'på grund av'],
  ['t.ex.', 'till exempel'],
  ['bl.a.', 'bland annat'],
  ['m.m.', 'med mera'],
  ['s.k.', 'så kallad'],
  ['f.d.', 'före detta'],
  ['osv.', 'och så vidare'],
  ['dvs.', 'det vill säga'],
  ['pga.', 'på grund av'],
  ['inkl.', 'inklusive'],
  ['exkl.', 'exklusive'],
  ['ang.', 'angående'],
  ['tel.', 'telefon'],
  ['kl.', 'klockan'],
  ['nr.', 'nummer'],
  ['ca.', 'cirka'],
  ['obs!', 'observera!'],
  ['OBS!', 'observera!'],
  ['osv', 'och så vidare'],
  ['dvs', 'det vill säga'],
  ['pga', 'på grund av'],
  ['tel', 'telefon'],
  ['kl', 'klockan'],
  ['nr', 'nummer'],
  ['ca', 'cirka'],
];

/** Abbreviations that may close a sentence; the others always lead into more words. */
const CAN_END_SENTENCE = new Set(['m.m.', 'o.s.v.', 'osv.']);

const STREET_SUFFIX =
  /(gatan|vägen|väg|gränd|gränden|torget|torg|plan|stigen|backen|allén|allé|leden|platsen|stråket|gata|kajen|hamnen|parken|esplanaden|promenaden|slingan|ringen|bron)$/i;

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** Word boundary that knows å, ä, ö and digits. */
const B = '(?<![\\p{L}\\p{N}])';
const E = '(?![\\p{L}\\p{N}])';

function hourWords(h: number): string {
  return cardinal(h);
}

/** "14.30" → "fjorton och trettio"; "08.05" → "åtta noll fem"; "16.00" → "sexton". */
function timeWords(h: number, m: number): string {
  if (m === 0) return hourWords(h);
  if (m < 10) return `${hourWords(h)} noll ${cardinal(m)}`;
  return `${hourWords(h)} och ${cardinal(m)}`;
}

const validTime = (h: number, m: number): boolean => h >= 0 && h <= 24 && m >= 0 && m <= 59;

function dateWords(day: number, month: number, yearText?: string): string | null {
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const y = yearText ? ` ${year(Number(yearText))}` : '';
  return `${ordinal(day)} ${MONTHS[month - 1]}${y}`;
}

function spell(word: string): string {
  return Array.from(word, (ch) => LETTERS[ch] ?? ch).join(' ');
}

/** A phone number's groups read digit by digit, groups separated by short pauses. */
function phoneWords(raw: string): string {
  const compact = raw.replace(/[\s-]/g, '');
  const known = SERVICE_NUMBERS[compact];
  if (known) return known;
  const plus = raw.trimStart().startsWith('+');
  const groups = raw
    .replace(/^\+/, '')
    .split(/[\s-]+/)
    .filter(Boolean);
  // An unbroken run of digits is grouped the Swedish way: area code, then pairs/triples.
  const spoken = groups.length === 1 ? groupDigits(groups[0]!) : groups;
  const words = spoken.map((g) => digitByDigit(g));
  return (plus ? 'plus ' : '') + words.join(', ');
}

function groupDigits(d: string): string[] {
  if (d.length <= 5) return [d];
  if (d.startsWith('07') && d.length === 10) return [d.slice(0, 3), d.slice(3, 6), d.slice(6, 8), d.slice(8)];
  if (d.startsWith('08')) return [d.slice(0, 2), ...pairs(d.slice(2))];
  return [d.slice(0, 3), ...pairs(d.slice(3))];
}

function pairs(d: string): string[] {
  const out: string[] = [];
  let rest = d;
  // Odd lengths start with a triple: 123 45 67.
  if (rest.length % 2 === 1) {
    out.push(rest.slice(0, 3));
    rest = rest.slice(3);
  }
  for (let i = 0; i < rest.length; i += 2) out.push(rest.slice(i, i + 2));
  return out;
}

function numberWithUnit(numText: string, negative: boolean, unit: Unit): string {
  const isInteger = !/[,.]/.test(numText);
  const value = Number(numText.replace(/\s/g, '').replace(',', '.'));
  const one = isInteger && value === 1;
  const words = isInteger ? spokenNumber(numText.replace(/\s/g, ''), unit.gender) : decimal(numText, unit.gender);
  return `${negative ? 'minus ' : ''}${words} ${one ? unit.one : unit.many}`;
}

type Rule = (text: string) => string;

const rules: Rule[] = [
  // Spaces and dashes come in many forms; the rules below expect plain ones.
  (t) =>
    t
      .normalize('NFC')
      .replace(/[\u00a0\u2007\u202f\u2009]/g, ' ')
      .replace(/\u2212/g, '-')
      .replace(/[\u2010\u2011]/g, '-'),

  // ISO dates: 2026-03-03 (before phone numbers, which "03-03" would look like).
  (t) =>
    t.replace(new RegExp(`${B}(\\d{4})-(\\d{2})-(\\d{2})${E}`, 'gu'), (m, y: string, mo: string, d: string) => dateWords(+d, +mo, y) ?? m),

  // Well-known service numbers, alone or with their usual spacing.
  (t) =>
    t.replace(
      new RegExp(`${B}(112|1177|113 ?13|114 ?14|114 ?04)${E}(?!\\s?(?:%|procent|km|st|personer|kr))`, 'gu'),
      (m) => SERVICE_NUMBERS[m.replace(/\s/g, '')]!,
    ),

  // International numbers: +46 70 123 45 67.
  (t) => t.replace(new RegExp(`\\+\\d{1,3}(?:[ -]?\\d{1,4}){2,5}${E}`, 'gu'), (m) => phoneWords(m)),

  // Swedish numbers with an area code: 070-123 45 67, 08-123 456 78, 031-12 34 56, 0701234567.
  (t) =>
    t.replace(new RegExp(`${B}0\\d{1,3}-\\d{2,3}(?: \\d{2,3}){0,3}${E}|${B}0\\d{1,3}(?: \\d{2,3}){2,4}${E}|${B}0\\d{8,9}${E}`, 'gu'), (m) =>
      phoneWords(m),
    ),

  // Digits after words that announce a phone number: "ring 123 45 67", "sms:a 71 123".
  (t) =>
    t.replace(
      new RegExp(
        `${B}((?:ring|ringa|ringer|telefon|telefonnummer|tel\\.?|sms:a|smsa|sms till|numret)\\s+(?:på\\s+|till\\s+)?)(\\d[\\d -]{1,16}\\d)${E}`,
        'giu',
      ),
      (_m, lead: string, num: string) => lead + phoneWords(num),
    ),

  // Clock times with a clock word: "kl. 14.30", "klockan 8", "kl 07:15", "kl. 14.30–16".
  (t) =>
    t.replace(
      new RegExp(`${B}(?:kl\\.?|klockan)\\s*(\\d{1,2})(?:[.:](\\d{2}))?(?:\\s*[-–]\\s*(\\d{1,2})(?:[.:](\\d{2}))?)?${E}`, 'giu'),
      (m, h: string, mm: string | undefined, h2: string | undefined, mm2: string | undefined) => {
        const from = [Number(h), mm ? Number(mm) : 0] as const;
        if (!validTime(...from)) return m;
        if (h2 === undefined) return `klockan ${timeWords(...from)}`;
        const to = [Number(h2), mm2 ? Number(mm2) : 0] as const;
        return validTime(...to) ? `klockan ${timeWords(...from)} till ${timeWords(...to)}` : m;
      },
    ),

  // Time ranges without a clock word: "14.00–16.00", "8.30-9.15".
  (t) =>
    t.replace(
      new RegExp(`${B}(\\d{1,2})[.:](\\d{2})\\s*[-–]\\s*(\\d{1,2})[.:](\\d{2})${E}`, 'gu'),
      (m, h1: string, m1: string, h2: string, m2: string) =>
        validTime(+h1, +m1) && validTime(+h2, +m2) ? `${timeWords(+h1, +m1)} till ${timeWords(+h2, +m2)}` : m,
    ),

  // Any hh:mm is a time; hh.mm only after a word that introduces one.
  (t) =>
    t.replace(new RegExp(`${B}(\\d{1,2}):(\\d{2})${E}`, 'gu'), (m, h: string, mm: string) => (validTime(+h, +mm) ? timeWords(+h, +mm) : m)),
  (t) =>
    t.replace(
      new RegExp(`${B}(från|till|mellan|efter|före|innan|senast|sedan|runt|vid|och)\\s+(\\d{1,2})\\.(\\d{2})${E}`, 'giu'),
      (m, w: string, h: string, mm: string) => (validTime(+h, +mm) ? `${w} ${timeWords(+h, +mm)}` : m),
    ),

  // Day and month in digits: 24/12, 24/12 2026, 24/12/2026, 24.12.2026.
  (t) =>
    t.replace(
      new RegExp(`${B}(\\d{1,2})/(\\d{1,2})(?:(?:/|\\s)(\\d{4}))?${E}|${B}(\\d{1,2})\\.(\\d{1,2})\\.(\\d{4})${E}`, 'gu'),
      (m, d1?: string, m1?: string, y1?: string, d2?: string, m2?: string, y2?: string) => {
        const d = Number(d1 ?? d2);
        const mo = Number(m1 ?? m2);
        return dateWords(d, mo, y1 ?? y2) ?? m;
      },
    ),

  // Day with a month name: "den 3 mars 2026", "3 mars", "3 jan.".
  (t) =>
    t.replace(
      new RegExp(
        `${B}(\\d{1,2})(?::[ae])?\\s+(${MONTHS.join('|')}|${Object.keys(MONTH_ABBREVIATIONS).join('|')})\\.?(?:\\s+(\\d{4}))?${E}`,
        'giu',
      ),
      (m, d: string, month: string, y: string | undefined) => {
        const lower = month.toLowerCase();
        const index = MONTHS.indexOf(lower) >= 0 ? MONTHS.indexOf(lower) + 1 : MONTH_ABBREVIATIONS[lower]!;
        return dateWords(+d, index, y) ?? m;
      },
    ),

  // A year after a month name: "mars 2026".
  (t) =>
    t.replace(new RegExp(`${B}(${MONTHS.join('|')})\\s+(\\d{4})${E}`, 'giu'), (_m, month: string, y: string) => `${month} ${year(+y)}`),

  // Years after a word that introduces one: "år 1998", "sedan 2020", "i 1990-talet" aside.
  (t) =>
    t.replace(
      new RegExp(
        `${B}(år|året|sedan|sen|under|inför|våren|sommaren|hösten|vintern|från|till|i|efter|före)\\s+(1[89]\\d{2}|20\\d{2})${E}`,
        'giu',
      ),
      (_m, w: string, y: string) => `${w} ${year(+y)}`,
    ),

  // Ordinals written with a colon: 3:e, 1:a, 2:a, 21:a.
  (t) => t.replace(new RegExp(`${B}(\\d{1,6}):(?:e|a|nde|de)${E}`, 'giu'), (_m, n: string) => ordinal(+n)),

  // Numbers with units, optionally negative: "-12 °C", "5 km", "50 km/h", "30 %", "3,5 m".
  (t) => {
    const unitAlternatives = UNITS.map(([u]) => escapeRe(u)).join('|');
    // An abbreviated unit's full stop goes with it unless it also ends the sentence.
    // A range may come first: "10–15 m/s" is "tio till femton meter per sekund".
    const re = new RegExp(
      `(^|[\\s(])(?:(\\d+(?:,\\d+)?)\\s?[–-]\\s?)?(-|minus\\s)?(\\d{1,3}(?: \\d{3})+|\\d+)(?:[,.](\\d+))?\\s?(${unitAlternatives})(?:\\.(?=\\s+\\p{Ll}))?(?![\\p{L}\\p{N}/²])`,
      'gu',
    );
    return t.replace(
      re,
      (_m, pre: string, from: string | undefined, minus: string | undefined, int: string, frac: string | undefined, unit: string) => {
        const def = UNITS.find(([u]) => u === unit)![1];
        const num = frac ? `${int},${frac}` : int;
        return `${pre}${from ? `${decimal(from)} till ` : ''}${numberWithUnit(num, Boolean(minus), def)}`;
      },
    );
  },

  // Street numbers with a letter: "Storgatan 12B", "Kungsvägen 3 A".
  (t) =>
    t.replace(new RegExp(`(\\p{L}+)\\s+(\\d{1,4})\\s?([A-HJ-Za-hj-z])${E}`, 'gu'), (m, street: string, n: string, letter: string) =>
      STREET_SUFFIX.test(street) ? `${street} ${cardinal(+n)} ${LETTERS[letter.toUpperCase()] ?? letter}` : m,
    ),

  // A capital letter glued to a number: roads and channels ("E4", "E18", "P4"), "Hus B2".
  (t) =>
    t.replace(
      new RegExp(`${B}([A-ZÅÄÖ])(\\d{1,3})${E}`, 'gu'),
      (_m, letter: string, n: string) => `${LETTERS[letter] ?? letter} ${cardinal(+n)}`,
    ),

  // Number ranges: "10–12", "3-5".
  (t) =>
    t.replace(
      new RegExp(`${B}(\\d+)\\s?[–-]\\s?(\\d+)${E}`, 'gu'),
      (_m, a: string, b: string) => `${spokenNumber(a)} till ${spokenNumber(b)}`,
    ),

  // Negative numbers standing alone: "-5 grader" is handled above; "-5" here.
  (t) => t.replace(new RegExp(`(^|\\s)-(\\d+(?:,\\d+)?)${E}`, 'gu'), (_m, pre: string, n: string) => `${pre}minus ${decimal(n)}`),

  // Remaining numbers: thousands with spaces ("10 000"), decimals ("2,5"), integers.
  (t) =>
    t.replace(new RegExp(`${B}(\\d{1,3}(?: \\d{3})+|\\d+)(?:,(\\d+))?${E}`, 'gu'), (_m, int: string, frac: string | undefined) => {
      const digits = int.replace(/\s/g, '');
      if (digits.length > 12) return digitByDigit(digits);
      if (frac) return decimal(`${digits},${frac}`);
      // Zero-led strings (codes, postcodes) are read digit by digit.
      if (digits.length > 1 && digits.startsWith('0')) return digitByDigit(digits);
      return cardinal(Number(digits));
    }),

  // Abbreviations. The full stop of one that ends a sentence stays as the sentence's end.
  (t) => {
    let out = t;
    for (const [abbr, words] of ABBREVIATIONS) {
      // The first letter may be a capital at the start of a sentence ("Bl.a.", "T.ex.").
      const first = abbr.charAt(0);
      const pattern = `[${first.toLowerCase()}${first.toUpperCase()}]${escapeRe(abbr.slice(1))}`;
      const re = new RegExp(`${B}${pattern}${abbr.endsWith('.') || abbr.endsWith('!') ? '' : E}(\\s*)(\\S?)`, 'gu');
      out = out.replace(re, (m, space: string, next: string) => {
        const endsSentence = CAN_END_SENTENCE.has(abbr) && (next === '' || /\p{Lu}/u.test(next));
        const capital = /^\p{Lu}/u.test(m) ? words.charAt(0).toUpperCase() + words.slice(1) : words;
        return `${capital}${endsSentence ? '.' : ''}${space}${next}`;
      });
    }
    return out;
  },

  // Acronyms are spelled (SMHI → ess emm hå i). Text written in capitals is shouting,
  // not acronyms: its words become ordinary capitalised words, known acronyms still spelled.
  (t) => {
    const letters = t.match(/\p{L}/gu) ?? [];
    const upper = t.match(/\p{Lu}/gu) ?? [];
    const shouting = letters.length >= 12 && upper.length / letters.length > 0.6;
    return t.replace(new RegExp(`${B}(\\p{Lu}{2,})(s)?${E}`, 'gu'), (m, word: string, plural: string | undefined) => {
      if (SAID_AS_WORDS.has(word)) return word.charAt(0) + word.slice(1).toLowerCase() + (plural ?? '');
      if (shouting ? KNOWN_ACRONYMS.has(word) : word.length <= 6) return spell(word) + (plural ? ':s' : '');
      return m.charAt(0) + m.slice(1).toLowerCase();
    });
  },

  // "1" before a noun: "en" unless the noun is neuter ("ett år", "ett hushåll").
  (t) =>
    t.replace(new RegExp(`${B}ett (\\p{Ll}+)`, 'gu'), (m, noun: string) =>
      NEUTER_NOUNS.has(noun) || !ONE_BEFORE_NOUN.has(noun) ? m : `en ${noun}`,
    ),

  // Symbols espeak would skip or name oddly.
  (t) =>
    t
      .replace(/\s&\s/g, ' och ')
      .replace(/§\s?/g, 'paragraf ')
      .replace(/(\S)@(\S)/g, '$1 snabel-a $2')
      .replace(/\s+/g, ' ')
      .trim(),
];

export function normaliseSwedish(text: string): string {
  return rules.reduce((t, rule) => rule(t), text);
}
