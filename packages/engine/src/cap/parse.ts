// Reading a CAP 1.2 document: XML text in, the alert as plain values out (CapAlertDoc), or
// a refusal that says what is wrong in the operator's terms. The XML is read by
// fast-xml-parser; a document type declaration or an entity declaration is refused before
// parsing, so nothing is ever expanded or fetched (no "billion laughs", no external
// entities). Validation against the standard is the rule table in @gdial/protocol (cap.ts).
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import {
  CAP_MAX_CHARS,
  checkCapAlert,
  refusal,
  type CapAlertDoc,
  type CapAreaDoc,
  type CapInfoDoc,
  type CapProblem,
  type CapRule,
} from '@gdial/protocol';
import { DomainError } from '../errors';

/** Elements CAP allows more than once: always read as lists. */
const REPEATED = new Set([
  'info',
  'area',
  'category',
  'responseType',
  'polygon',
  'circle',
  'geocode',
  'eventCode',
  'parameter',
  'resource',
  'code',
]);

const localName = (name: string): string => name.slice(name.indexOf(':') + 1);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // Only the five predefined entities and character references remain once declarations are refused.
  processEntities: true,
  // Character references (&#214;) and HTML's named ones (&nbsp;); an unknown name stays as written.
  htmlEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (name) => REPEATED.has(localName(name)),
});

/** A DOCTYPE (internal subset, external DTD) or an entity declaration anywhere in the text. */
const DECLARATION = /<!\s*(DOCTYPE|ENTITY)/i;

type Node = Record<string, unknown>;

/** The children of an element by local name (namespace prefixes dropped). */
function children(node: unknown): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return out;
  for (const [k, v] of Object.entries(node as Node)) if (!k.startsWith('@_') && k !== '#text') out.set(localName(k), v);
  return out;
}

/** An element's text; undefined when it is absent or holds elements instead of text. */
function text(v: unknown): string | undefined {
  if (Array.isArray(v)) return text(v[0]);
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v !== null && typeof v === 'object' && '#text' in v) return String((v as Node)['#text']);
  return undefined;
}

const texts = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((x) => text(x) ?? '');
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

function readArea(node: unknown): CapAreaDoc {
  const c = children(node);
  return { areaDesc: text(c.get('areaDesc')), polygon: texts(c.get('polygon')), circle: texts(c.get('circle')) };
}

function readInfo(node: unknown): CapInfoDoc {
  const c = children(node);
  const t = (n: string) => text(c.get(n));
  return {
    language: t('language'),
    category: texts(c.get('category')),
    event: t('event'),
    responseType: texts(c.get('responseType')),
    urgency: t('urgency'),
    severity: t('severity'),
    certainty: t('certainty'),
    effective: t('effective'),
    onset: t('onset'),
    expires: t('expires'),
    senderName: t('senderName'),
    headline: t('headline'),
    description: t('description'),
    instruction: t('instruction'),
    area: list(c.get('area')).map(readArea),
  };
}

const notXml = (line: number, column: number, detail: string): DomainError =>
  new DomainError(
    'VALIDATION',
    `The file is not well-formed XML (line ${line}, column ${column}: ${detail})`,
    undefined,
    refusal('cap.not-xml', { line, column }),
  );

/** The document as CAP values, or a refusal: not XML, a declaration, too big. Not yet validated. */
export function readCapDocument(xml: string): CapAlertDoc {
  if (xml.length > CAP_MAX_CHARS) throw notXml(0, 0, `more than ${CAP_MAX_CHARS} characters`);
  if (DECLARATION.test(xml))
    throw new DomainError(
      'VALIDATION',
      'The document declares a DOCTYPE or entities, which are refused',
      undefined,
      refusal('cap.markup-refused'),
    );
  let tree: Node;
  try {
    const valid = XMLValidator.validate(xml);
    if (valid !== true) throw notXml(valid.err.line, valid.err.col, valid.err.msg);
    tree = parser.parse(xml) as Node;
  } catch (err) {
    if (err instanceof DomainError) throw err;
    // The parser gave up in a way the validator did not foresee (e.g. nesting too deep for the stack).
    throw notXml(0, 0, err instanceof Error ? err.message : String(err));
  }
  const rootKey = Object.keys(tree).find((k) => !k.startsWith('?') && !k.startsWith('@_') && k !== '#text');
  if (rootKey === undefined) throw notXml(1, 1, 'no element');
  const rootNode = tree[rootKey];
  const attrs = rootNode !== null && typeof rootNode === 'object' ? (rootNode as Node) : {};
  const prefix = rootKey.includes(':') ? rootKey.slice(0, rootKey.indexOf(':')) : null;
  const namespace = attrs[prefix === null ? '@_xmlns' : `@_xmlns:${prefix}`];
  const c = children(rootNode);
  const t = (n: string) => text(c.get(n));
  return {
    root: localName(rootKey),
    namespace: typeof namespace === 'string' ? namespace : undefined,
    identifier: t('identifier'),
    sender: t('sender'),
    sent: t('sent'),
    status: t('status'),
    msgType: t('msgType'),
    scope: t('scope'),
    restriction: t('restriction'),
    addresses: t('addresses'),
    references: t('references'),
    note: t('note'),
    info: list(c.get('info')).map(readInfo),
  };
}

/** Refuses with every rule the document breaks: the first as the refusal, the others as its further reasons. */
export function capRefusal(problems: readonly CapProblem[]): DomainError {
  const reasons = problems.map((p) => refusal('cap.invalid', { rule: p.rule, path: p.path, value: p.value ?? '' }));
  return new DomainError(
    'VALIDATION',
    `The CAP message breaks ${problems.length === 1 ? 'a rule' : `${problems.length} rules`}: ${problems.map((p) => `${p.rule} at ${p.path}`).join('; ')}`,
    undefined,
    reasons[0],
    reasons.slice(1),
  );
}

/** Reads and validates a CAP alert; throws a refusal naming what is missing or wrong. */
export function parseCapAlert(xml: string, kinds: readonly CapRule['kind'][] = ['standard', 'import']): CapAlertDoc {
  const doc = readCapDocument(xml);
  const problems = checkCapAlert(doc, kinds);
  if (problems.length > 0) throw capRefusal(problems);
  return doc;
}
