// Splits text into clauses exactly where espeak-ng's ReadClause would end them, and says
// how each ended. Piper appends the clause's punctuation to its phonemes and starts a new
// inference after `. ? !`; the espeak build we run does not report the terminator, so we
// find it the way espeak does (reading its rules, not its code): punctuation ends a clause
// only when followed by space, a bracket or quote, or the end; a full stop before a
// lower-case word is an abbreviation; `?!` counts as its first mark; three dots are an
// ellipsis; a blank line ends a paragraph.

/** How a clause ended, as Piper tells them apart. */
export type ClauseEnd = 'period' | 'question' | 'exclamation' | 'comma' | 'colon' | 'semicolon' | 'none';

export interface Clause {
  /** The clause's text including the punctuation that ended it. */
  text: string;
  end: ClauseEnd;
  /** A new sentence (one inference) starts after this clause. */
  endsSentence: boolean;
}

type PunctKind = 'period' | 'question' | 'exclamation' | 'comma' | 'colon' | 'semicolon' | 'ellipsis';

/** Clause punctuation by codepoint: ASCII, the Unicode forms espeak knows, dashes. */
const PUNCTUATION = new Map<number, { kind: PunctKind; optionalSpace?: boolean }>([
  [0x2e, { kind: 'period' }],
  [0x3f, { kind: 'question' }],
  [0x21, { kind: 'exclamation' }],
  [0x2c, { kind: 'comma' }],
  [0x3a, { kind: 'colon' }],
  [0x3b, { kind: 'semicolon' }],
  [0x2026, { kind: 'ellipsis', optionalSpace: true }],
  [0x2013, { kind: 'semicolon' }], // en dash
  [0x2014, { kind: 'semicolon' }], // em dash
  [0x2015, { kind: 'semicolon' }], // horizontal bar
  [0x2e3a, { kind: 'semicolon' }], // two-em dash
  [0x2e3b, { kind: 'semicolon' }], // three-em dash
  [0x00a1, { kind: 'semicolon', optionalSpace: true }], // ¡
  [0x00bf, { kind: 'semicolon', optionalSpace: true }], // ¿
  [0x3002, { kind: 'period', optionalSpace: true }], // ideographic full stop
  [0xff01, { kind: 'exclamation', optionalSpace: true }],
  [0xff0c, { kind: 'comma', optionalSpace: true }],
  [0xff0e, { kind: 'period', optionalSpace: true }],
  [0xff1a, { kind: 'colon', optionalSpace: true }],
  [0xff1b, { kind: 'semicolon', optionalSpace: true }],
  [0xff1f, { kind: 'question', optionalSpace: true }],
]);

const BRACKETS = new Set([0x28, 0x29, 0x5b, 0x5d, 0x7b, 0x7d, 0x3c, 0x3e, 0x22, 0x27, 0x60, 0xab, 0xbb]);
const isBracket = (c: number): boolean => (c >= 0x2014 && c <= 0x201f) || BRACKETS.has(c);
const isSpace = (c: number): boolean =>
  c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0 || c === 0x2028 || c === 0x2029 || (c >= 0x2000 && c <= 0x200a) || c === 0x3000;
// Character classes are asked for every character of every message: ASCII is answered
// directly, anything else once per codepoint and remembered.
const alnumCache = new Map<number, boolean>();
const lowerCache = new Map<number, boolean>();
function isAlnum(c: number): boolean {
  if (c < 0x80) return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  let v = alnumCache.get(c);
  if (v === undefined) alnumCache.set(c, (v = /[\p{L}\p{N}]/u.test(String.fromCodePoint(c))));
  return v;
}
function isLower(c: number): boolean {
  if (c < 0x80) return c >= 0x61 && c <= 0x7a;
  let v = lowerCache.get(c);
  if (v === undefined) lowerCache.set(c, (v = /\p{Ll}/u.test(String.fromCodePoint(c))));
  return v;
}

export function splitClauses(input: string): Clause[] {
  const cps = Array.from(input, (ch) => ch.codePointAt(0)!);
  const clauses: Clause[] = [];
  let start = 0;
  let anyAlnum = false;
  const push = (endIdx: number, end: ClauseEnd, endsSentence: boolean) => {
    const text = String.fromCodePoint(...cps.slice(start, endIdx)).trim();
    if (text) clauses.push({ text, end, endsSentence });
    start = endIdx;
    anyAlnum = false;
  };

  let i = 0;
  while (i < cps.length) {
    let c = cps[i]!;
    if (isAlnum(c)) {
      anyAlnum = true;
      i++;
      continue;
    }
    if (c === 0x0a) {
      // Another newline before the next visible character: a paragraph break.
      let j = i + 1;
      let newlines = 0;
      while (j < cps.length && isSpace(cps[j]!)) {
        if (cps[j] === 0x0a) newlines++;
        j++;
      }
      if (newlines > 0 && j < cps.length) {
        push(j, 'none', true);
        i = j;
        continue;
      }
      i++;
      continue;
    }
    let last = i; // index of the last character belonging to this punctuation
    let info = PUNCTUATION.get(c);
    if (c === 0x2e && cps[i + 1] === 0x2e) {
      let j = i + 1;
      while (cps[j] === 0x2e) j++;
      if (j - i >= 3) {
        c = 0x2026;
        info = PUNCTUATION.get(c);
        last = j - 1;
      }
    }
    if (!info) {
      i++;
      continue;
    }
    if (info.kind === 'question' || info.kind === 'exclamation') {
      while (
        last + 1 < cps.length &&
        (cps[last + 1] === 0x3f || cps[last + 1] === 0x21 || cps[last + 1] === 0xff1f || cps[last + 1] === 0xff01)
      )
        last++;
    }
    const next = last + 1 < cps.length ? cps[last + 1]! : 0x20;
    const atEnd = last + 1 >= cps.length;
    let ends = atEnd || isSpace(next) || info.optionalSpace === true || isBracket(next) || next === 0x3f;
    // Look past the spaces: what follows decides abbreviations and paragraphs.
    let k = last + 1;
    let newlines = 0;
    while (k < cps.length && isSpace(cps[k]!)) {
      if (cps[k] === 0x0a) newlines++;
      k++;
    }
    const following = k < cps.length ? cps[k]! : 0x20;
    if (ends && newlines === 0) {
      if (info.kind === 'period' && isLower(following)) ends = false;
      if (!anyAlnum) ends = false;
    }
    if (!ends) {
      i = last + 1;
      continue;
    }
    const paragraph = newlines > 1;
    let end: ClauseEnd;
    let sentence: boolean;
    switch (info.kind) {
      case 'period':
      case 'question':
      case 'exclamation':
        // After a blank line espeak reports a paragraph, for which Piper adds no mark.
        end = paragraph ? 'none' : info.kind;
        sentence = true;
        break;
      case 'comma':
      case 'colon':
      case 'semicolon':
        end = paragraph ? 'none' : info.kind;
        sentence = paragraph;
        break;
      case 'ellipsis':
        // Reported with "no space needed after" set, which Piper's exact match ignores.
        end = 'none';
        sentence = paragraph;
        break;
      default: {
        const never: never = info.kind;
        throw new Error(`unknown punctuation ${String(never)}`);
      }
    }
    push(last + 1, end, sentence);
    i = last + 1;
  }
  if (start < cps.length) push(cps.length, 'none', true);
  if (clauses.length > 0) clauses[clauses.length - 1]!.endsSentence = true;
  return clauses;
}
