// Reading an import file: where its bytes come from (inline or a path), its encoding, CSV
// or vCard, the CSV header's mapping to contact fields, and the records as sourced values,
// not yet checked. What inspect shows the operator and what a dry run goes through.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ColumnMapping, ImportField, ImportSource } from '@gdial/protocol';
import { invalid } from '../../errors';
import { readCsv, type CsvDelimiter } from './csv';
import { decodeText, UnsupportedEncodingError, type TextEncoding } from './decode';
import { autoMap } from './mapping';
import type { SourcedValue } from './rows';
import { cardValues, looksLikeVCard, parseVCards } from './vcard';

export interface InspectOptions {
  source: ImportSource;
  format: 'auto' | 'csv' | 'vcard';
  encoding: 'auto' | TextEncoding;
  delimiter: 'auto' | CsvDelimiter;
}

/** A file read and split into rows, not yet checked. */
export interface OpenedFile {
  fileName: string;
  format: 'csv' | 'vcard';
  encoding: TextEncoding;
  delimiter: CsvDelimiter | null;
  columns: ImportColumn[];
  /** Records or cards, blank ones included. */
  total: number;
  /** Records or cards with anything in them. */
  nonBlank: () => number;
  inputs: Iterable<{ row: number; values: SourcedValue[] }>;
}

export interface ImportColumn {
  index: number;
  header: string;
  field: ImportField | null;
  automatic: boolean;
  samples: string[];
}

/** Reads the source: bytes, encoding, format, CSV records or vCards, header mapping. */
export function openImportFile(opts: InspectOptions & { mapping?: ColumnMapping[] | undefined }): OpenedFile {
  const { bytes, fileName } = readSource(opts.source);
  let decoded;
  try {
    decoded = decodeText(bytes, opts.encoding === 'auto' ? undefined : opts.encoding);
  } catch (e) {
    if (e instanceof UnsupportedEncodingError) throw invalid([{ path: 'source', message: e.message }]);
    throw e;
  }
  const format = opts.format !== 'auto' ? opts.format : /\.(vcf|vcard)$/i.test(fileName) || looksLikeVCard(decoded.text) ? 'vcard' : 'csv';
  const base = { fileName, format, encoding: decoded.encoding };
  if (format === 'vcard') {
    const cards = parseVCards(decoded.text);
    if (cards.length === 0) throw invalid([{ path: 'source', message: 'The file holds no vCards (no BEGIN:VCARD … END:VCARD)' }]);
    return {
      ...base,
      delimiter: null,
      columns: [],
      total: cards.length,
      nonBlank: () => cards.filter((c) => cardValues(c).some((v) => v.value.trim() !== '')).length,
      inputs: (function* () {
        for (const c of cards) yield { row: c.index, values: cardValues(c) };
      })(),
    };
  }
  const doc = readCsv(decoded.text, opts.delimiter === 'auto' ? undefined : opts.delimiter);
  const [header, ...data] = doc.records;
  if (!header) throw invalid([{ path: 'source', message: 'The file is empty' }]);
  const fields = autoMap(header.fields);
  const automatic = header.fields.map(() => true);
  for (const [i, m] of (opts.mapping ?? []).entries()) {
    if (m.column >= header.fields.length) {
      throw invalid([
        { path: `mapping.${i}.column`, message: `The file has ${header.fields.length} columns; column ${m.column} does not exist` },
      ]);
    }
    fields[m.column] = m.field;
    automatic[m.column] = false;
  }
  const columns = header.fields.map((h, index) => ({
    index,
    header: h,
    field: fields[index] ?? null,
    automatic: automatic[index] ?? true,
    samples: data
      .slice(0, 50)
      .map((r) => r.fields[index]?.trim() ?? '')
      .filter(Boolean)
      .slice(0, 3),
  }));
  const mapped = columns.filter((c) => c.field !== null);
  return {
    ...base,
    delimiter: doc.delimiter,
    columns,
    total: data.length,
    nonBlank: () => data.filter((r) => r.fields.some((f) => f.trim() !== '')).length,
    // The spreadsheet row: the header is row 1, so the first record after it is row 2.
    inputs: (function* () {
      for (let i = 0; i < data.length; i++) {
        const fields = data[i]!.fields;
        yield { row: i + 2, values: mapped.map((c) => ({ field: c.field!, value: fields[c.index] ?? '', source: c.header })) };
      }
    })(),
  };
}

/** The header row of a CSV file (for mapping columns by name on the command line). */
export function readImportHeaders(file: string, encoding?: TextEncoding, delimiter?: CsvDelimiter): string[] {
  const { text } = decodeText(readFileSync(file), encoding);
  if (looksLikeVCard(text)) throw invalid([{ path: 'mapping', message: 'Column mapping applies to CSV files; this is a vCard file' }]);
  return readCsv(text.slice(0, 256 * 1024), delimiter).records[0]?.fields ?? [];
}

function readSource(source: ImportSource): { bytes: Uint8Array; fileName: string } {
  switch (source.kind) {
    case 'inline':
      return { bytes: Buffer.from(source.dataBase64, 'base64'), fileName: source.fileName };
    case 'path':
      try {
        return { bytes: readFileSync(source.path), fileName: path.basename(source.path) };
      } catch (e) {
        throw invalid([
          { path: 'source.path', message: `Cannot read ${source.path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` },
        ]);
      }
    default: {
      const unexpected: never = source;
      throw new Error(`unknown source ${JSON.stringify(unexpected)}`);
    }
  }
}
