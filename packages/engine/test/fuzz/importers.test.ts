// Fuzzing the contact importers with hostile files (issue 23): CSV and vCard text built from
// the characters that matter to their grammars (quotes, delimiters, line ends, folding,
// quoted-printable, NUL, lone surrogates, long runs) goes through the whole row pipeline —
// reading, header mapping, row building. None may crash or take a second; a refused row is a
// list of errors, each with a message. Bounded here; `npm run fuzz` runs it longer.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../src/contacts/import/csv';
import { autoMap } from '../../src/contacts/import/mapping';
import { buildRow, type RowOutcome, type SourcedValue } from '../../src/contacts/import/rows';
import { cardValues, parseVCards } from '../../src/contacts/import/vcard';

const runs = Number(process.env.GDIAL_FUZZ_RUNS ?? 150);

/** Strings made of what a grammar cares about, plus anything at all. */
const grammarText = (atoms: string[]) =>
  fc
    .array(
      fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...atoms) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) }),
      {
        maxLength: 300,
      },
    )
    .map((parts) => parts.join(''));

const csvText = grammarText([
  '"',
  '""',
  ',',
  ';',
  '\t',
  '\r\n',
  '\n',
  '\r',
  'sep=;\n',
  'Förnamn',
  'Efternamn',
  'Mobil',
  'E-post',
  'Telefon',
  'Grupper',
  'Taggar',
  '070-123 45 67',
  '+46701234567',
  'a@b.se',
  'x'.repeat(200),
  '\u0000',
  '\ud800',
  '😀',
  ' / ',
  '0',
  '=',
  ' ',
]);

const vcardText = grammarText([
  'BEGIN:VCARD\r\n',
  'END:VCARD\r\n',
  'VERSION:3.0\r\n',
  'VERSION:2.1\r\n',
  'FN:',
  'N:',
  'TEL;TYPE=CELL:',
  'EMAIL:',
  'ORG:',
  'NOTE:',
  ';CHARSET=ISO-8859-1',
  ';ENCODING=QUOTED-PRINTABLE:',
  '=C3=A5',
  '=\r\n',
  '\r\n ',
  '\r\n\t',
  ':',
  ';',
  ',',
  '\\n',
  '\\,',
  'item1.',
  '\u0000',
  '070 123 45 67',
  'kalle@example.se',
  '\ud800',
]);

function checkOutcome(outcome: RowOutcome | null): void {
  if (outcome === null || outcome.ok) return;
  expect(outcome.errors.length).toBeGreaterThan(0);
  for (const e of outcome.errors) expect(typeof e.message === 'string' && e.message.length > 0).toBe(true);
}

/** Runs `fn` and fails when it takes a second or more (a hang shows up as a timeout instead). */
function withinASecond(fn: () => void): void {
  const started = performance.now();
  fn();
  expect(performance.now() - started).toBeLessThan(1000);
}

describe('importer fuzz', () => {
  it('reads any CSV text and builds its rows without crashing', () => {
    fc.assert(
      fc.property(csvText, fc.constantFrom<undefined | ',' | ';' | '\t'>(undefined, ',', ';', '\t'), (text, delimiter) => {
        withinASecond(() => {
          const doc = readCsv(text, delimiter);
          const [header, ...rows] = doc.records;
          if (!header) return;
          const fields = autoMap(header.fields);
          for (const r of rows.slice(0, 50)) {
            const values: SourcedValue[] = [];
            r.fields.forEach((value, i) => {
              const field = fields[i];
              if (field) values.push({ field, value, source: header.fields[i] ?? '' });
            });
            checkOutcome(buildRow(r.line, values));
          }
        });
      }),
      { numRuns: runs },
    );
  });

  it('reads any vCard text and builds its rows without crashing', () => {
    fc.assert(
      fc.property(vcardText, (text) => {
        withinASecond(() => {
          for (const card of parseVCards(text).slice(0, 50)) checkOutcome(buildRow(card.index, cardValues(card)));
        });
      }),
      { numRuns: runs },
    );
  });
});
