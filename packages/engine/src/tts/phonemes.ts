// Text to Piper phoneme ids, following Piper's phonemiser rule for rule: espeak phonemes
// clause by clause; language-switch flags such as "(en)" dropped; the clause's
// punctuation appended (and a space after , : ;); a new sentence after . ? !; phonemes
// NFD-decomposed into single codepoints, mapped through the voice's phoneme_map; ids laid
// out as ^ _ p1 _ p2 _ … $, skipping phonemes the voice does not know.
import { splitClauses, type ClauseEnd } from './clauses';
import type { Espeak } from './espeak';

/** One inference worth of phonemes: single Unicode codepoints. */
export type SentencePhonemes = string[];

const TERMINATOR: Record<ClauseEnd, string[]> = {
  period: ['.'],
  question: ['?'],
  exclamation: ['!'],
  comma: [',', ' '],
  colon: [':', ' '],
  semicolon: [';', ' '],
  none: [],
};

/** Removes "(lang)" switch flags espeak puts around words it reads in another language. */
export function dropLanguageFlags(phonemes: string): string {
  if (!phonemes.includes('(')) return phonemes;
  let out = '';
  let inFlag = false;
  for (const ch of phonemes) {
    if (inFlag) {
      if (ch === ')') inFlag = false;
    } else if (ch === '(') {
      inFlag = true;
    } else {
      out += ch;
    }
  }
  return out;
}

export function phonemize(text: string, espeak: Espeak, espeakVoice: string, phonemeMap?: Record<string, string[]>): SentencePhonemes[] {
  const sentences: SentencePhonemes[] = [];
  let current: SentencePhonemes | null = null;
  for (const clause of splitClauses(text)) {
    const ipa = dropLanguageFlags(espeak.clausePhonemes(clause.text, espeakVoice).normalize('NFD'));
    current ??= [];
    for (const cp of ipa) {
      const mapped = phonemeMap?.[cp];
      if (mapped) current.push(...mapped);
      else current.push(cp);
    }
    current.push(...TERMINATOR[clause.end]);
    if (clause.endsSentence) {
      sentences.push(current);
      current = null;
    }
  }
  if (current) sentences.push(current);
  return sentences.filter((s) => s.length > 0);
}

export interface PhonemeIds {
  ids: number[];
  /** Phonemes the voice has no id for, with how often each was skipped. */
  missing: Map<string, number>;
}

export function phonemesToIds(phonemes: SentencePhonemes, idMap: Record<string, number[]>): PhonemeIds {
  const pad = idMap['_'];
  const bos = idMap['^'];
  const eos = idMap['$'];
  if (!pad || !bos || !eos) throw new Error('phoneme_id_map lacks one of the symbols _ ^ $');
  const ids: number[] = [];
  const append = (xs: number[]) => {
    for (const x of xs) ids.push(x);
  };
  append(bos);
  append(pad);
  const missing = new Map<string, number>();
  for (const p of phonemes) {
    const mapped = idMap[p];
    if (!mapped) {
      missing.set(p, (missing.get(p) ?? 0) + 1);
      continue;
    }
    append(mapped);
    append(pad);
  }
  append(eos);
  return { ids, missing };
}
