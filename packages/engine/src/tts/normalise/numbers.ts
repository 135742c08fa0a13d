// Swedish number words. Cardinals come in two genders for "one" (en kilometer, ett ton;
// counting and clock times use "ett"); ordinals are what dates are read with ("den
// tjugofjärde december"). Large numbers are written as separate words per group
// ("tvåtusen tjugosex", "tre miljoner femhundratusen"), which espeak stresses more
// naturally than one long compound.

const ONES = [
  'noll',
  'ett',
  'två',
  'tre',
  'fyra',
  'fem',
  'sex',
  'sju',
  'åtta',
  'nio',
  'tio',
  'elva',
  'tolv',
  'tretton',
  'fjorton',
  'femton',
  'sexton',
  'sjutton',
  'arton',
  'nitton',
];
const TENS = ['', '', 'tjugo', 'trettio', 'fyrtio', 'femtio', 'sextio', 'sjuttio', 'åttio', 'nittio'];
const ORDINAL_ONES = [
  'nollte',
  'första',
  'andra',
  'tredje',
  'fjärde',
  'femte',
  'sjätte',
  'sjunde',
  'åttonde',
  'nionde',
  'tionde',
  'elfte',
  'tolfte',
  'trettonde',
  'fjortonde',
  'femtonde',
  'sextonde',
  'sjuttonde',
  'artonde',
  'nittonde',
];
const ORDINAL_TENS = ['', '', 'tjugonde', 'trettionde', 'fyrtionde', 'femtionde', 'sextionde', 'sjuttionde', 'åttionde', 'nittionde'];

export type Gender = 'common' | 'neuter';

/** 0–999 as one word ("trehundrafyrtiofem"). */
function underThousand(n: number, gender: Gender): string {
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  let out = '';
  // Spoken Swedish says "hundra" and "tusen", not "etthundra" and "ettusen".
  if (hundreds > 0) out += (hundreds === 1 ? '' : ONES[hundreds]) + 'hundra';
  if (rest > 0 || hundreds === 0) {
    if (rest === 0) return out || 'noll';
    let word: string;
    if (rest < 20) word = ONES[rest]!;
    else word = TENS[Math.floor(rest / 10)]! + (rest % 10 ? ONES[rest % 10]! : '');
    // "en" only where the whole number ends in a lone 1 (en kilometer, tjugoen kilometer).
    if (gender === 'common' && rest % 10 === 1 && rest !== 11) word = word.slice(0, -3) + 'en';
    out += word;
  }
  return out;
}

const SCALES: { value: number; one: string; many: string }[] = [
  { value: 1e9, one: 'en miljard', many: 'miljarder' },
  { value: 1e6, one: 'en miljon', many: 'miljoner' },
];

/** A non-negative integer below one thousand billion as Swedish words. */
export function cardinal(n: number, gender: Gender = 'neuter'): string {
  if (!Number.isInteger(n) || n < 0 || n >= 1e12) throw new RangeError(`cannot read ${n} as a Swedish cardinal`);
  if (n === 0) return 'noll';
  const words: string[] = [];
  let rest = n;
  for (const s of SCALES) {
    const count = Math.floor(rest / s.value);
    if (count > 0) words.push(count === 1 ? s.one : `${cardinal(count, 'common')} ${s.many}`);
    rest %= s.value;
  }
  const thousands = Math.floor(rest / 1000);
  if (thousands > 0) words.push(thousands === 1 ? 'tusen' : `${underThousand(thousands, 'neuter')}tusen`);
  const below = rest % 1000;
  if (below > 0) words.push(underThousand(below, gender));
  return words.join(' ');
}

/** Ordinals, as used for days of the month and "3:e". */
export function ordinal(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n >= 1e6) throw new RangeError(`cannot read ${n} as a Swedish ordinal`);
  if (n < 20) return ORDINAL_ONES[n]!;
  if (n < 100) {
    const tens = Math.floor(n / 10);
    const ones = n % 10;
    return ones === 0 ? ORDINAL_TENS[tens]! : TENS[tens]! + ORDINAL_ONES[ones]!;
  }
  const head = n - (n % 100);
  const rest = n % 100;
  if (rest === 0) return `${cardinal(n)}de`;
  return `${cardinal(head)}${ordinal(rest)}`;
}

/** Years the way Swedes say them: 1998 "nittonhundranittioåtta", 2026 "tvåtusentjugosex". */
export function year(n: number): string {
  if (n >= 1100 && n < 2000) {
    const century = Math.floor(n / 100);
    const rest = n % 100;
    return `${ONES[century]}hundra${rest ? underThousand(rest, 'neuter') : ''}`;
  }
  if (n >= 2000 && n < 2100) return `tvåtusen${n % 100 ? underThousand(n % 100, 'neuter') : ''}`;
  return cardinal(n);
}

const DIGITS = ['noll', 'ett', 'två', 'tre', 'fyra', 'fem', 'sex', 'sju', 'åtta', 'nio'];

/** "070" → "noll sju noll". */
export function digitByDigit(digits: string): string {
  return Array.from(digits.replace(/\D/g, ''), (d) => DIGITS[Number(d)]!).join(' ');
}

/** "3,75" → "tre komma sjuttiofem"; the integer part in the given gender. */
export function decimal(text: string, gender: Gender = 'neuter'): string {
  const [int = '0', frac] = text.replace(/[\s\u00a0\u202f]/g, '').split(/[,.]/);
  const whole = spokenNumber(int, frac ? 'neuter' : gender);
  if (!frac) return whole;
  // Leading zeros are read out: "0,05" is "noll komma noll fem".
  const zeros = /^0+/.exec(frac)?.[0].length ?? 0;
  const tail = frac.slice(zeros);
  const fracWords = [
    ...Array<string>(zeros).fill('noll'),
    ...(tail ? [tail.length > 3 ? digitByDigit(tail) : cardinal(Number(tail))] : []),
  ];
  return `${whole} komma ${fracWords.join(' ')}`;
}

/** A digit string as words: a cardinal when it is one we can say, else digit by digit. */
export function spokenNumber(digits: string, gender: Gender = 'neuter'): string {
  const n = Number(digits);
  return Number.isInteger(n) && n >= 0 && n < 1e12 ? cardinal(n, gender) : digitByDigit(digits);
}
