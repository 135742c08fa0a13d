// Redaction before anything leaves for the AI: phone numbers however written, e-mail
// addresses, personnummer and (when names may not be sent) contacts' names become
// placeholders, no run of seven digits survives, and the answer gets every original back.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/ai/redaction';
import { emailArb, personnummerArb, phoneArb } from './arbitraries';

const wordArb = fc.constantFrom(
  'brand',
  'Ystad',
  'hamn',
  'ring',
  'mejla',
  'till',
  'kl.',
  '14.30',
  'rök',
  'nr',
  '113 13',
  '112',
  'håll',
  'fönster',
  '—',
  '(se',
  'nedan)',
);
const secretArb = fc.oneof(phoneArb, emailArb, personnummerArb);
const textArb = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: wordArb.map((w) => ({ w, secret: false })) },
      { weight: 1, arbitrary: secretArb.map((w) => ({ w, secret: true })) },
    ),
    {
      minLength: 1,
      maxLength: 20,
    },
  )
  .map((parts) => ({ text: parts.map((p) => p.w).join(' '), secrets: parts.filter((p) => p.secret).map((p) => p.w) }));

const SEVEN_DIGITS = /\d(?:[\s\-/()+]{0,2}\d){6,}/;

describe('redaction', () => {
  it('leaves no phone number, e-mail address or personnummer in what is sent, and restores the answer exactly', () => {
    fc.assert(
      fc.property(textArb, ({ text, secrets }) => {
        const r = new Redactor();
        const sent = r.redact(text);
        for (const s of secrets) expect(sent).not.toContain(s);
        expect(sent).not.toMatch(SEVEN_DIGITS);
        expect(sent).not.toContain('@');
        expect(r.restore(sent)).toBe(text);
        // An answer that moves the placeholders around (and writes them in lower case) still gets them back.
        const placeholders = sent.match(/\[[A-Z]+_\d+\]/g) ?? [];
        const answer = placeholders.map((p) => p.toLowerCase()).join(' / ');
        expect(r.restore(answer)).toBe(placeholders.map((p) => r.restore(p)).join(' / '));
      }),
      { numRuns: 300 },
    );
  });

  it('names what it replaced: the same value twice is one placeholder; a personnummer is told from a phone number', () => {
    const r = new Redactor(['Anna Svensson', 'Anna']);
    const sent = r.redact('Anna Svensson (19800101-1234) nås på 070-123 45 67 eller anna@exempel.se; ring 070-123 45 67. Anna vet.');
    expect(sent).toBe('[NAMN_1] ([PERSONNUMMER_1]) nås på [TELEFON_1] eller [EPOST_1]; ring [TELEFON_1]. [NAMN_2] vet.');
    expect(r.replaced()).toEqual({ TELEFON: 1, EPOST: 1, PERSONNUMMER: 1, NAMN: 2 });
    expect(r.restoreDeep({ a: ['[telefon_1]', 3], b: '[NAMN_9] okänd' })).toEqual({ a: ['070-123 45 67', 3], b: '[NAMN_9] okänd' });
  });

  it('keeps what the alert needs: 112, 113 13, times and template variables', () => {
    const r = new Redactor();
    const text = 'Ring 112 vid fara, frågor 113 13. Kl. 14.30 den 7/12. Hej {{förnamn}}.';
    expect(r.redact(text)).toBe(text);
  });
});
