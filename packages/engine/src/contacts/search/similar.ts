// Search that forgives a typo: a word of the query also finds the tokens that start with it
// give or take a few edits ("andersn" finds "andersson", "jonson" finds "jonsson" and
// "johnson"). The measure is the optimal-string-alignment distance (insertions, deletions,
// substitutions and swaps of neighbours) between the word and the nearest prefix of a token;
// the first letter must be right, as in the search engines operators know (people rarely
// misspell it, and it keeps a lookup to one run of the sorted dictionary).

/**
 * How many edits a word of this many letters may be off: none below five letters (a short
 * prefix a letter off matches too much), one from five, two from nine. The thresholds
 * Meilisearch uses by default.
 */
export const typosFor = (word: string): number => (word.length >= 9 ? 2 : word.length >= 5 ? 1 : 0);

/**
 * How many edits one word of a query (its folded tokens) may be off: only a word of one
 * token that starts with a letter (not a phrase, not a number) is forgiven.
 */
export const typosOf = (tokens: readonly string[]): number =>
  tokens.length === 1 && !/^[0-9]/.test(tokens[0]!) ? typosFor(tokens[0]!) : 0;

/** Longer words are not compared (no name is this long; the rows would not fit). */
const MAX_WORD = 48;

/** The distance computation with its rows kept from call to call. */
export class PrefixDistance {
  private rows = [new Int32Array(MAX_WORD + 1), new Int32Array(MAX_WORD + 1), new Int32Array(MAX_WORD + 1)] as const;

  /** Whether some prefix of `token` is within `max` edits of `word`. */
  within(word: string, token: string, max: number): boolean {
    const m = word.length;
    if (m > MAX_WORD || token.length < m - max) return false;
    let [before, prev, cur] = this.rows;
    for (let i = 0; i <= m; i++) prev[i] = i;
    // Beyond m + max letters of the token a prefix only gets further from the word.
    const n = Math.min(token.length, m + max);
    for (let j = 1; j <= n; j++) {
      const t = token.charCodeAt(j - 1);
      const tBefore = j > 1 ? token.charCodeAt(j - 2) : -1;
      cur[0] = j;
      let rowMin = j;
      for (let i = 1; i <= m; i++) {
        const w = word.charCodeAt(i - 1);
        let d = Math.min(prev[i]! + 1, cur[i - 1]! + 1, prev[i - 1]! + (w === t ? 0 : 1));
        if (i > 1 && j > 1 && w === tBefore && word.charCodeAt(i - 2) === t) d = Math.min(d, before[i - 2]! + 1);
        cur[i] = d;
        if (d < rowMin) rowMin = d;
      }
      if (cur[m]! <= max) return true;
      // Every cell of the next rows grows from this one's: none can come back within max.
      if (rowMin > max) return false;
      [before, prev, cur] = [prev, cur, before];
    }
    return false;
  }
}

/** The same measure written plainly (the whole table, every prefix), for the tests. */
export function prefixDistanceSlowly(word: string, token: string): number {
  const m = word.length;
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) =>
    Array.from({ length: token.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= m; i++)
    for (let j = 1; j <= token.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (word[i - 1] === token[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && word[i - 1] === token[j - 2] && word[i - 2] === token[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  return Math.min(...d[m]!);
}
