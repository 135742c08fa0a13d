// A CSV reader for what spreadsheets actually write: comma, semicolon (Swedish Excel, where
// the comma is the decimal separator) or tab; fields in double quotes with doubled quotes,
// embedded delimiters and line breaks; CRLF, LF or CR line ends; Excel's "sep=;" first line.
// Each record remembers the line it starts on so errors can point at it.

export type CsvDelimiter = ',' | ';' | '\t';
const candidates: CsvDelimiter[] = [';', ',', '\t'];

export interface CsvRecord {
  fields: string[];
  /** 1-based physical line the record starts on. */
  line: number;
}

export interface CsvDocument {
  delimiter: CsvDelimiter;
  records: CsvRecord[];
}

/** Parses the whole text; `maxRecords` stops early (delimiter detection). */
export function parseCsv(text: string, delimiter: CsvDelimiter, maxRecords = Infinity): CsvRecord[] {
  const records: CsvRecord[] = [];
  const d = delimiter.charCodeAt(0);
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n && records.length < maxRecords) {
    const startLine = line;
    const fields: string[] = [];
    for (;;) {
      let value: string;
      if (text.charCodeAt(i) === 34 /* " */) {
        // Quoted field: runs to the next lone quote.
        let out = '';
        let j = i + 1;
        for (;;) {
          const q = text.indexOf('"', j);
          if (q === -1) {
            out += text.slice(j);
            j = n;
            break;
          }
          out += text.slice(j, q);
          if (text.charCodeAt(q + 1) === 34) {
            out += '"';
            j = q + 2;
          } else {
            j = q + 1;
            break;
          }
        }
        for (let k = 0; k < out.length; k++) if (out.charCodeAt(k) === 10) line++;
        // Anything between the closing quote and the delimiter is kept, as Excel does.
        let k = j;
        while (k < n) {
          const c = text.charCodeAt(k);
          if (c === d || c === 10 || c === 13) break;
          k++;
        }
        value = out + text.slice(j, k);
        i = k;
      } else {
        let k = i;
        while (k < n) {
          const c = text.charCodeAt(k);
          if (c === d || c === 10 || c === 13) break;
          k++;
        }
        value = text.slice(i, k);
        i = k;
      }
      fields.push(value);
      if (i >= n) break;
      const c = text.charCodeAt(i);
      if (c === d) {
        i++;
        continue;
      }
      // End of record: CRLF, LF or CR.
      if (c === 13 && text.charCodeAt(i + 1) === 10) i += 2;
      else i++;
      line++;
      break;
    }
    // Blank lines are not records.
    if (!(fields.length === 1 && fields[0] === '')) records.push({ fields, line: startLine });
  }
  return records;
}

/**
 * Picks the delimiter that splits the first records into the same number (> 1) of
 * fields most consistently; ties go to semicolon, then comma, then tab.
 */
export function detectDelimiter(text: string): CsvDelimiter {
  let best: { d: CsvDelimiter; score: number } | null = null;
  const sample = text.slice(0, 64 * 1024);
  for (const d of candidates) {
    const recs = parseCsv(sample, d, 50);
    // The last sampled record may be cut off by the sample window.
    const counts = (recs.length > 2 ? recs.slice(0, -1) : recs).map((r) => r.fields.length);
    const freq = new Map<number, number>();
    for (const c of counts) freq.set(c, (freq.get(c) ?? 0) + 1);
    let mode = 1;
    let modeFreq = 0;
    for (const [c, f] of freq) if (c > 1 && (f > modeFreq || (f === modeFreq && c > mode))) [mode, modeFreq] = [c, f];
    if (mode <= 1) continue;
    const score = (modeFreq / counts.length) * 1000 + Math.min(mode, 100);
    if (!best || score > best.score) best = { d, score };
  }
  return best?.d ?? ';';
}

/** Reads a CSV document, honouring Excel's "sep=X" hint line. */
export function readCsv(text: string, delimiter?: CsvDelimiter): CsvDocument {
  const hint = /^sep=([,;\t])\r?\n/.exec(text);
  if (hint) {
    const d = hint[1] as CsvDelimiter;
    const records = parseCsv(text.slice(hint[0].length), delimiter ?? d).map((r) => ({ ...r, line: r.line + 1 }));
    return { delimiter: delimiter ?? d, records };
  }
  const d = delimiter ?? detectDelimiter(text);
  return { delimiter: d, records: parseCsv(text, d) };
}
