// The CAP 1.2 rule table, rule by rule: for every rule a document that breaks it (and only
// it) is refused with that rule's code and the element's path, and the complete document
// passes. Also: what the reader refuses before any rule (not XML, DOCTYPE, entities).
import { capRules, checkCapAlert } from '@gdial/protocol';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/errors';
import { parseCapAlert, readCapDocument } from '../../src/cap/parse';
import { capDocument, englishInfo } from './documents';

/** For each rule: a document breaking it and the path the refusal must name. */
const breaking: Record<string, { doc: string; path: string }> = {
  'alert.root': { doc: capDocument({ root: 'varning' }), path: 'varning' },
  'alert.namespace': { doc: capDocument({ xmlns: 'urn:oasis:names:tc:emergency:cap:1.1' }), path: 'alert' },
  'alert.identifier.missing': { doc: capDocument({ alert: { identifier: null } }), path: 'alert/identifier' },
  'alert.identifier.characters': { doc: capDocument({ alert: { identifier: 'SE VBG 42' } }), path: 'alert/identifier' },
  'alert.sender.missing': { doc: capDocument({ alert: { sender: null } }), path: 'alert/sender' },
  'alert.sender.characters': { doc: capDocument({ alert: { sender: 'räddning,vänersborg' } }), path: 'alert/sender' },
  'alert.sent.missing': { doc: capDocument({ alert: { sent: null } }), path: 'alert/sent' },
  'alert.sent.format': { doc: capDocument({ alert: { sent: '2026-05-24T14:49:00Z' } }), path: 'alert/sent' },
  'alert.status.missing': { doc: capDocument({ alert: { status: null } }), path: 'alert/status' },
  'alert.status.value': { doc: capDocument({ alert: { status: 'Skarpt' } }), path: 'alert/status' },
  'alert.msgType.missing': { doc: capDocument({ alert: { msgType: null } }), path: 'alert/msgType' },
  'alert.msgType.value': { doc: capDocument({ alert: { msgType: 'Warning' } }), path: 'alert/msgType' },
  'alert.scope.missing': { doc: capDocument({ alert: { scope: null } }), path: 'alert/scope' },
  'alert.scope.value': { doc: capDocument({ alert: { scope: 'Everyone' } }), path: 'alert/scope' },
  'alert.restriction.missing': { doc: capDocument({ alert: { scope: 'Restricted' } }), path: 'alert/restriction' },
  'alert.addresses.missing': { doc: capDocument({ alert: { scope: 'Private' } }), path: 'alert/addresses' },
  'info.category.missing': { doc: capDocument({ info: { category: null } }), path: 'info[1]/category' },
  'info.category.value': { doc: capDocument({ info: { category: 'Brand' } }), path: 'info[1]/category' },
  'info.event.missing': { doc: capDocument({ info: { event: null } }), path: 'info[1]/event' },
  'info.responseType.value': { doc: capDocument({ info: { responseType: 'RunAway' } }), path: 'info[1]/responseType' },
  'info.urgency.missing': { doc: capDocument({ info: { urgency: null } }), path: 'info[1]/urgency' },
  'info.urgency.value': { doc: capDocument({ info: { urgency: 'Now' } }), path: 'info[1]/urgency' },
  'info.severity.missing': { doc: capDocument({ info: { severity: null } }), path: 'info[1]/severity' },
  'info.severity.value': { doc: capDocument({ info: { severity: 'Allvarlig' } }), path: 'info[1]/severity' },
  'info.certainty.missing': { doc: capDocument({ info: { certainty: null } }), path: 'info[1]/certainty' },
  'info.certainty.value': { doc: capDocument({ info: { certainty: 'Sure' } }), path: 'info[1]/certainty' },
  'info.effective.format': { doc: capDocument({ info: { effective: '2026-05-24 16:49' } }), path: 'info[1]/effective' },
  'info.onset.format': { doc: capDocument({ info: { onset: '2026-02-30T10:00:00+01:00' } }), path: 'info[1]/onset' },
  'info.expires.format': { doc: capDocument({ info: { expires: 'i morgon' } }), path: 'info[1]/expires' },
  'area.areaDesc.missing': { doc: capDocument({ area: { areaDesc: null } }), path: 'info[1]/area[1]/areaDesc' },
  'import.info.missing': { doc: capDocument({ noInfo: true }), path: 'alert/info' },
  'import.language': { doc: capDocument({ info: { language: 'de-DE' } }), path: 'info[1]/language' },
  'import.text.missing': {
    doc: capDocument({ info: { headline: null, description: null, instruction: null } }),
    path: 'info[1]/description',
  },
  'import.text.too-long': { doc: capDocument({ info: { description: 'Rök. '.repeat(400) } }), path: 'info[1]/description' },
};

function refusalOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('not refused');
}

describe('the CAP rule table', () => {
  it('has a breaking document for every rule, and every rule has a code, an element and both languages', () => {
    expect(Object.keys(breaking).sort()).toEqual(capRules.map((r) => r.code).sort());
    for (const r of capRules) {
      expect(r.sv.length, r.code).toBeGreaterThan(10);
      expect(r.en.length, r.code).toBeGreaterThan(10);
      expect(r.element.length).toBeGreaterThan(0);
    }
    expect(new Set(capRules.map((r) => r.code)).size).toBe(capRules.length);
  });

  it('passes the complete document, and one with a second info block in English', () => {
    expect(checkCapAlert(readCapDocument(capDocument()))).toEqual([]);
    expect(checkCapAlert(readCapDocument(capDocument({ extraInfo: englishInfo })))).toEqual([]);
    expect(parseCapAlert(capDocument()).info[0]!.area[0]!.areaDesc).toBe('Öxnered, Vänersborgs kommun');
  });

  for (const rule of capRules) {
    it(`refuses a document that breaks ${rule.code}`, () => {
      const { doc, path } = breaking[rule.code]!;
      const err = refusalOf(() => parseCapAlert(doc));
      expect(err.code).toBe('VALIDATION');
      const reasons = [err.refusal!, ...(err.reasons ?? [])];
      expect(reasons.map((r) => r.params.rule)).toContain(rule.code);
      expect(reasons.find((r) => r.params.rule === rule.code)!.params.path).toBe(path);
      if (rule.code !== 'alert.root') {
        // Only this rule is broken: the refusal is about it and nothing else.
        expect(reasons.map((r) => r.params.rule)).toEqual([rule.code]);
      } else expect(err.refusal!.params.rule).toBe('alert.root');
    });
  }

  it('reads a namespace prefix (cap:alert) as well as a default namespace', () => {
    const doc = capDocument()
      .replace('<alert xmlns=', '<cap:alert xmlns:cap=')
      .replace('</alert>', '</cap:alert>')
      .replace(
        /<(\/?)(identifier|sender|sent|status|msgType|scope|info|language|category|event|responseType|urgency|severity|certainty|senderName|headline|description|instruction|area|areaDesc|circle)>/g,
        '<$1cap:$2>',
      );
    expect(checkCapAlert(readCapDocument(doc))).toEqual([]);
  });

  it('decodes the predefined entities and character references', () => {
    const doc = capDocument({ info: { headline: 'Rök & brand <nu>' } });
    expect(doc).toContain('Rök &amp; brand &lt;nu>');
    expect(readCapDocument(doc).info[0]!.headline).toBe('Rök & brand <nu>');
    expect(readCapDocument(doc.replace('Öxnered, V', '&#214;xnered, V')).info[0]!.area[0]!.areaDesc).toBe('Öxnered, Vänersborgs kommun');
  });
});

describe('what is refused before the rules', () => {
  it('refuses text that is not well-formed XML, naming the line', () => {
    const err = refusalOf(() => parseCapAlert(capDocument().replace('</identifier>', '</identifer>')));
    expect(err.refusal?.code).toBe('cap.not-xml');
    expect(err.refusal?.params.line).toBe(3);
    expect(refusalOf(() => parseCapAlert('')).refusal?.code).toBe('cap.not-xml');
    expect(refusalOf(() => parseCapAlert('just text')).refusal?.code).toBe('cap.not-xml');
  });

  it('refuses entity expansion (billion laughs) without expanding anything', () => {
    const laughs = `<?xml version="1.0"?>
<!DOCTYPE alert [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol3;</identifier></alert>`;
    const started = Date.now();
    expect(refusalOf(() => parseCapAlert(laughs)).refusal?.code).toBe('cap.markup-refused');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('refuses an external entity and an external DTD (nothing is read or fetched)', () => {
    const external = capDocument()
      .replace('<alert ', '<!DOCTYPE alert [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>\n<alert ')
      .replace('SE-VBG-2026-0042', '&secret;');
    expect(refusalOf(() => parseCapAlert(external)).refusal?.code).toBe('cap.markup-refused');
    const dtd = capDocument().replace('<alert ', '<!doctype alert SYSTEM "http://example.invalid/cap.dtd">\n<alert ');
    expect(refusalOf(() => parseCapAlert(dtd)).refusal?.code).toBe('cap.markup-refused');
    // An undeclared entity is not XML either.
    expect(refusalOf(() => parseCapAlert(capDocument().replace('SE-VBG-2026-0042', '&secret;'))).refusal?.code).toMatch(/^cap\./);
  });
});
