// Fuzzing the CAP reader (issue 17) with malformed XML: text built from the pieces that
// matter to XML and to CAP (tags of the alert, entities and references, declarations, CDATA,
// comments, stray brackets, deep nesting, NUL and lone surrogates) is read and validated as
// an import does. Nothing may crash or take a second; every refusal is a DomainError with a
// refusal code the console words, and a document that passes has its required elements.
import fc from 'fast-check';
import { capRuleByCode, refusalCodes } from '@gdial/protocol';
import { describe, expect, it } from 'vitest';
import { parseCapAlert } from '../../src/cap/parse';
import { DomainError } from '../../src/errors';
import { capDocument } from '../cap/documents';

const runs = Number(process.env.GDIAL_FUZZ_RUNS ?? 150);

const atoms = [
  '<',
  '>',
  '</',
  '/>',
  '&',
  '&amp;',
  '&lt;',
  '&#214;',
  '&#x0;',
  '&#99999999;',
  '&lol;',
  '<!DOCTYPE alert [<!ENTITY a "&b;&b;">]>',
  '<!ENTITY x SYSTEM "file:///etc/passwd">',
  '<![CDATA[',
  ']]>',
  '<!--',
  '-->',
  '<?xml version="1.0"?>',
  '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">',
  '</alert>',
  '<info>',
  '</info>',
  '<area>',
  '</area>',
  '<identifier>',
  '</identifier>',
  '<sent>2026-05-24T16:49:00+02:00</sent>',
  '<status>Actual</status>',
  '<severity>Severe</severity>',
  '<language>sv-SE</language>',
  ' xmlns:cap="urn:oasis:names:tc:emergency:cap:1.2"',
  'cap:',
  '="',
  '"',
  "'",
  ' ',
  '\n',
  '\u0000',
  '\ud800',
  'Öxnered',
  'x'.repeat(200),
];

const xmlText = fc
  .array(
    fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...atoms) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) }),
    {
      maxLength: 300,
    },
  )
  .map((parts) => parts.join(''));

/** A valid document with one slice cut out, one piece put in, or both. */
const mangled = fc.tuple(fc.nat(), fc.nat({ max: 40 }), fc.constantFrom(...atoms)).map(([at, cut, piece]) => {
  const doc = capDocument();
  const i = at % doc.length;
  return doc.slice(0, i) + piece + doc.slice(i + cut);
});

/** Elements nested far deeper than any CAP message. */
const deep = fc.integer({ min: 1, max: 20_000 }).map((n) => `${'<a>'.repeat(n)}x${'</a>'.repeat(n)}`);

function readsSafely(xml: string): void {
  const started = performance.now();
  try {
    const doc = parseCapAlert(xml);
    expect(doc.identifier && doc.sender && doc.sent && doc.info.length).toBeTruthy();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    const e = err as DomainError;
    expect(e.code).toBe('VALIDATION');
    expect(e.message.length).toBeGreaterThan(0);
    expect(refusalCodes).toContain(e.refusal!.code);
    if (e.refusal!.code === 'cap.invalid')
      for (const r of [e.refusal!, ...(e.reasons ?? [])]) expect(capRuleByCode(String(r.params.rule))).toBeDefined();
  }
  expect(performance.now() - started).toBeLessThan(1000);
}

describe('fuzz: the CAP reader', () => {
  it('reads or refuses clearly text made of XML and CAP pieces', () => {
    fc.assert(fc.property(xmlText, readsSafely), { numRuns: runs });
  });
  it('reads or refuses clearly a valid document with a slice cut out or a piece put in', () => {
    fc.assert(fc.property(mangled, readsSafely), { numRuns: runs });
  });
  it('refuses deep nesting without a crash', () => {
    fc.assert(fc.property(deep, readsSafely), { numRuns: Math.min(runs, 30) });
  });
});
