// CSV the way Swedish spreadsheet programs open it without asking: semicolon-separated, CRLF
// lines, a byte-order mark, and cells that would run as formulas (= + - @) made plain text.
// Shared by every CSV the console or the engine writes.

export type CsvValue = string | number | null | undefined;

export const csvCell = (v: CsvValue): string => {
  const s = v === null || v === undefined ? '' : String(v);
  // Leading = + - @ would be run as formulas by spreadsheet programs.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[";\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** A whole file: a header line, then one line per row. */
export const csvText = (header: readonly string[], rows: readonly (readonly CsvValue[])[]): string =>
  `\uFEFF${[header, ...rows].map((row) => row.map(csvCell).join(';')).join('\r\n')}\r\n`;
