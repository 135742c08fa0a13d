// CAP 1.2 (OASIS Common Alerting Protocol) and the VMA underlag: the part of the contract
// the engine and the console share. The validation rules of a CAP alert are data here —
// each with a code, the element it is about and a reason in Swedish and English — so the
// engine checks a document against the table and the console words a refusal from the same
// row. The VMA form's five points (MSB's rules for a request to SOS Alarm) and the rule for
// when the form is complete live here too, read by the form while typing and by the engine
// before it makes the underlag.

export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';
/** Bigger documents are refused before parsing (a CAP alert is a few kilobytes). */
export const CAP_MAX_CHARS = 1_000_000;

export const capStatuses = ['Actual', 'Exercise', 'System', 'Test', 'Draft'] as const;
export const capMsgTypes = ['Alert', 'Update', 'Cancel', 'Ack', 'Error'] as const;
export const capScopes = ['Public', 'Restricted', 'Private'] as const;
export const capCategories = [
  'Geo',
  'Met',
  'Safety',
  'Security',
  'Rescue',
  'Fire',
  'Health',
  'Env',
  'Transport',
  'Infra',
  'CBRNE',
  'Other',
] as const;
export const capResponseTypes = ['Shelter', 'Evacuate', 'Prepare', 'Execute', 'Avoid', 'Monitor', 'Assess', 'AllClear', 'None'] as const;
export const capUrgencies = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'] as const;
export const capSeverities = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'] as const;
export const capCertainties = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'] as const;

export type CapCategory = (typeof capCategories)[number];
export type CapUrgency = (typeof capUrgencies)[number];
export type CapSeverity = (typeof capSeverities)[number];
export type CapCertainty = (typeof capCertainties)[number];

/** CAP's date-time: seconds and a numeric offset, never "Z" (UTC is written -00:00). */
const capDateTimePattern = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d[-+]([01]\d|2[0-3]):[0-5]\d$/;
/** identifier and sender: no spaces, commas, "<" or "&". */
const capIdPattern = /^[^\s,<&]+$/;

// ── the parsed document ─────────────────────────────────────────────────────────────────

/** An element's text, or its absence; repeated elements are lists. */
export interface CapAreaDoc {
  areaDesc?: string;
  polygon: string[];
  circle: string[];
}
export interface CapInfoDoc {
  language?: string;
  category: string[];
  event?: string;
  responseType: string[];
  urgency?: string;
  severity?: string;
  certainty?: string;
  effective?: string;
  onset?: string;
  expires?: string;
  senderName?: string;
  headline?: string;
  description?: string;
  instruction?: string;
  area: CapAreaDoc[];
}
export interface CapAlertDoc {
  /** The root element's name and namespace as written. */
  root: string;
  namespace?: string;
  identifier?: string;
  sender?: string;
  sent?: string;
  status?: string;
  msgType?: string;
  scope?: string;
  restriction?: string;
  addresses?: string;
  references?: string;
  note?: string;
  info: CapInfoDoc[];
}

// ── the validation rules ────────────────────────────────────────────────────────────────

/**
 * One rule: `check` returns a problem for each place the rule is broken (the element's path,
 * e.g. "info[1]/severity", and the value at fault when there is one). `standard` rules come
 * from the CAP 1.2 specification; `import` rules are what GDial needs to make a draft alert.
 */
export interface CapRule {
  code: string;
  element: string;
  kind: 'standard' | 'import';
  sv: string;
  en: string;
  check: (a: CapAlertDoc) => { path: string; value?: string }[];
}

const empty = (v: string | undefined): boolean => v === undefined || v.trim() === '';
const inList = (list: readonly string[], v: string | undefined): boolean => v !== undefined && list.includes(v);

const alertRequired = (element: 'identifier' | 'sender' | 'sent' | 'status' | 'msgType' | 'scope', sv: string, en: string): CapRule => ({
  code: `alert.${element}.missing`,
  element,
  kind: 'standard',
  sv,
  en,
  check: (a) => (empty(a[element]) ? [{ path: `alert/${element}` }] : []),
});

const alertEnum = (element: 'status' | 'msgType' | 'scope', list: readonly string[], sv: string, en: string): CapRule => ({
  code: `alert.${element}.value`,
  element,
  kind: 'standard',
  sv: `${sv} (tillåtet: ${list.join(', ')})`,
  en: `${en} (allowed: ${list.join(', ')})`,
  check: (a) => (!empty(a[element]) && !inList(list, a[element]) ? [{ path: `alert/${element}`, value: a[element]! }] : []),
});

const eachInfo = (a: CapAlertDoc, f: (i: CapInfoDoc, path: string) => { path: string; value?: string }[]) =>
  a.info.flatMap((i, n) => f(i, `info[${n + 1}]`));

const infoRequired = (element: 'event' | 'urgency' | 'severity' | 'certainty', sv: string, en: string): CapRule => ({
  code: `info.${element}.missing`,
  element,
  kind: 'standard',
  sv,
  en,
  check: (a) => eachInfo(a, (i, p) => (empty(i[element]) ? [{ path: `${p}/${element}` }] : [])),
});

const infoEnum = (element: 'urgency' | 'severity' | 'certainty', list: readonly string[], sv: string, en: string): CapRule => ({
  code: `info.${element}.value`,
  element,
  kind: 'standard',
  sv: `${sv} (tillåtet: ${list.join(', ')})`,
  en: `${en} (allowed: ${list.join(', ')})`,
  check: (a) =>
    eachInfo(a, (i, p) => (!empty(i[element]) && !inList(list, i[element]) ? [{ path: `${p}/${element}`, value: i[element]! }] : [])),
});

const infoTime = (element: 'effective' | 'onset' | 'expires', sv: string, en: string): CapRule => ({
  code: `info.${element}.format`,
  element,
  kind: 'standard',
  sv,
  en,
  check: (a) =>
    eachInfo(a, (i, p) => (i[element] !== undefined && !isCapDateTime(i[element]) ? [{ path: `${p}/${element}`, value: i[element] }] : [])),
});

/** Whether a text is a CAP date-time that names a real moment (2026-02-30 is not one). */
export function isCapDateTime(v: string): boolean {
  if (!capDateTimePattern.test(v)) return false;
  const [y, m, d] = v.slice(0, 10).split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d;
}

/** GDial can make a draft in these languages (a template's sv and en variants). */
export const capImportLanguage = (language: string | undefined): 'sv' | 'en' | null => {
  const l = (language ?? 'en-US').trim().toLowerCase();
  if (l === 'sv' || l.startsWith('sv-')) return 'sv';
  if (l === 'en' || l.startsWith('en-')) return 'en';
  return null;
};

/** The text a draft alert gets from an info block: headline, description and instruction. */
export const capInfoText = (i: CapInfoDoc): string =>
  [i.headline, i.description, i.instruction]
    .map((s) => s?.trim() ?? '')
    .filter(Boolean)
    .join('\n\n');

/** The longest text a draft can carry (an SMS of at most 1,600 characters). */
export const CAP_MAX_TEXT = 1600;

export const capRules: readonly CapRule[] = [
  {
    code: 'alert.root',
    element: 'alert',
    kind: 'standard',
    sv: 'Dokumentet är inget CAP-larm: det yttersta elementet ska vara <alert>',
    en: 'The document is not a CAP alert: the outermost element must be <alert>',
    check: (a) => (a.root !== 'alert' ? [{ path: a.root, value: a.root }] : []),
  },
  {
    code: 'alert.namespace',
    element: 'alert',
    kind: 'standard',
    sv: `<alert> ska ha CAP 1.2:s namnrymd ${CAP_NAMESPACE}`,
    en: `<alert> must be in the CAP 1.2 namespace ${CAP_NAMESPACE}`,
    check: (a) => (a.root === 'alert' && a.namespace !== CAP_NAMESPACE ? [{ path: 'alert', value: a.namespace ?? '' }] : []),
  },
  alertRequired('identifier', 'Meddelandets id (identifier) saknas', 'The message id (identifier) is missing'),
  {
    code: 'alert.identifier.characters',
    element: 'identifier',
    kind: 'standard',
    sv: 'Meddelandets id (identifier) får inte innehålla mellanslag, kommatecken, < eller &',
    en: 'The message id (identifier) must not contain spaces, commas, < or &',
    check: (a) => (!empty(a.identifier) && !capIdPattern.test(a.identifier!) ? [{ path: 'alert/identifier', value: a.identifier! }] : []),
  },
  alertRequired('sender', 'Avsändaren (sender) saknas', 'The sender is missing'),
  {
    code: 'alert.sender.characters',
    element: 'sender',
    kind: 'standard',
    sv: 'Avsändaren (sender) får inte innehålla mellanslag, kommatecken, < eller &',
    en: 'The sender must not contain spaces, commas, < or &',
    check: (a) => (!empty(a.sender) && !capIdPattern.test(a.sender!) ? [{ path: 'alert/sender', value: a.sender! }] : []),
  },
  alertRequired('sent', 'Tiden meddelandet skickades (sent) saknas', 'The time the message was sent (sent) is missing'),
  {
    code: 'alert.sent.format',
    element: 'sent',
    kind: 'standard',
    sv: 'Tiden (sent) ska skrivas som 2026-05-24T16:49:00+02:00: datum, klockslag med sekunder och tidszon (inte Z)',
    en: 'The time (sent) must be written as 2026-05-24T16:49:00+02:00: date, time with seconds and a time zone (not Z)',
    check: (a) => (!empty(a.sent) && !isCapDateTime(a.sent!) ? [{ path: 'alert/sent', value: a.sent! }] : []),
  },
  alertRequired('status', 'Meddelandets status saknas', 'The message status is missing'),
  alertEnum('status', capStatuses, 'Meddelandets status är inte ett av CAP:s värden', 'The message status is not one of CAP’s values'),
  alertRequired('msgType', 'Meddelandetypen (msgType) saknas', 'The message type (msgType) is missing'),
  alertEnum(
    'msgType',
    capMsgTypes,
    'Meddelandetypen (msgType) är inte ett av CAP:s värden',
    'The message type (msgType) is not one of CAP’s values',
  ),
  alertRequired('scope', 'Vilka meddelandet är till (scope) saknas', 'Who the message is for (scope) is missing'),
  alertEnum('scope', capScopes, 'Vilka meddelandet är till (scope) är inte ett av CAP:s värden', 'The scope is not one of CAP’s values'),
  {
    code: 'alert.restriction.missing',
    element: 'restriction',
    kind: 'standard',
    sv: 'Ett meddelande med scope Restricted ska säga vilka som får se det (restriction)',
    en: 'A message with scope Restricted must say who may see it (restriction)',
    check: (a) => (a.scope === 'Restricted' && empty(a.restriction) ? [{ path: 'alert/restriction' }] : []),
  },
  {
    code: 'alert.addresses.missing',
    element: 'addresses',
    kind: 'standard',
    sv: 'Ett meddelande med scope Private ska ange mottagarna (addresses)',
    en: 'A message with scope Private must name its recipients (addresses)',
    check: (a) => (a.scope === 'Private' && empty(a.addresses) ? [{ path: 'alert/addresses' }] : []),
  },
  {
    code: 'info.category.missing',
    element: 'category',
    kind: 'standard',
    sv: 'Händelsens kategori (category) saknas',
    en: 'The event category is missing',
    check: (a) => eachInfo(a, (i, p) => (i.category.every((c) => empty(c)) ? [{ path: `${p}/category` }] : [])),
  },
  {
    code: 'info.category.value',
    element: 'category',
    kind: 'standard',
    sv: `Händelsens kategori (category) är inte ett av CAP:s värden (tillåtet: ${capCategories.join(', ')})`,
    en: `The event category is not one of CAP’s values (allowed: ${capCategories.join(', ')})`,
    check: (a) =>
      eachInfo(a, (i, p) =>
        i.category.filter((c) => !empty(c) && !inList(capCategories, c)).map((c) => ({ path: `${p}/category`, value: c })),
      ),
  },
  infoRequired('event', 'Vad som har hänt (event) saknas', 'What happened (event) is missing'),
  {
    code: 'info.responseType.value',
    element: 'responseType',
    kind: 'standard',
    sv: `Vad mottagarna ska göra (responseType) är inte ett av CAP:s värden (tillåtet: ${capResponseTypes.join(', ')})`,
    en: `What recipients should do (responseType) is not one of CAP’s values (allowed: ${capResponseTypes.join(', ')})`,
    check: (a) =>
      eachInfo(a, (i, p) =>
        i.responseType.filter((c) => !inList(capResponseTypes, c)).map((c) => ({ path: `${p}/responseType`, value: c })),
      ),
  },
  infoRequired('urgency', 'Hur brådskande det är (urgency) saknas', 'The urgency is missing'),
  infoEnum(
    'urgency',
    capUrgencies,
    'Hur brådskande det är (urgency) är inte ett av CAP:s värden',
    'The urgency is not one of CAP’s values',
  ),
  infoRequired('severity', 'Hur allvarligt det är (severity) saknas', 'The severity is missing'),
  infoEnum(
    'severity',
    capSeverities,
    'Hur allvarligt det är (severity) är inte ett av CAP:s värden',
    'The severity is not one of CAP’s values',
  ),
  infoRequired('certainty', 'Hur säkert det är (certainty) saknas', 'The certainty is missing'),
  infoEnum(
    'certainty',
    capCertainties,
    'Hur säkert det är (certainty) är inte ett av CAP:s värden',
    'The certainty is not one of CAP’s values',
  ),
  infoTime('effective', 'Tiden då det gäller från (effective) har fel format', 'The time it applies from (effective) is malformed'),
  infoTime('onset', 'Tiden då det väntas börja (onset) har fel format', 'The expected start (onset) is malformed'),
  infoTime('expires', 'Tiden då det upphör att gälla (expires) har fel format', 'The expiry time (expires) is malformed'),
  {
    code: 'area.areaDesc.missing',
    element: 'areaDesc',
    kind: 'standard',
    sv: 'Ett område (area) saknar beskrivning (areaDesc)',
    en: 'An area has no description (areaDesc)',
    check: (a) => eachInfo(a, (i, p) => i.area.flatMap((ar, n) => (empty(ar.areaDesc) ? [{ path: `${p}/area[${n + 1}]/areaDesc` }] : []))),
  },
  {
    code: 'import.info.missing',
    element: 'info',
    kind: 'import',
    sv: 'Meddelandet har inget info-block med text att göra ett larm av',
    en: 'The message has no info block with text to make an alert from',
    check: (a) => (a.info.length === 0 ? [{ path: 'alert/info' }] : []),
  },
  {
    code: 'import.language',
    element: 'language',
    kind: 'import',
    sv: 'Meddelandet har ingen text på svenska eller engelska (language sv-SE eller en-US)',
    en: 'The message has no Swedish or English text (language sv-SE or en-US)',
    check: (a) =>
      a.info.length > 0 && a.info.every((i) => capImportLanguage(i.language) === null)
        ? [{ path: 'info[1]/language', value: a.info[0]!.language ?? '' }]
        : [],
  },
  {
    code: 'import.text.missing',
    element: 'description',
    kind: 'import',
    sv: 'Meddelandet har ingen text (headline, description eller instruction) att skicka',
    en: 'The message has no text (headline, description or instruction) to send',
    check: (a) =>
      eachInfo(a, (i, p) => (capImportLanguage(i.language) !== null && capInfoText(i) === '' ? [{ path: `${p}/description` }] : [])),
  },
  {
    code: 'import.text.too-long',
    element: 'description',
    kind: 'import',
    sv: `Meddelandets text är längre än ${CAP_MAX_TEXT} tecken, mer än ett sms rymmer`,
    en: `The message text is longer than ${CAP_MAX_TEXT} characters, more than an SMS holds`,
    check: (a) =>
      eachInfo(a, (i, p) =>
        capImportLanguage(i.language) !== null && capInfoText(i).length > CAP_MAX_TEXT ? [{ path: `${p}/description` }] : [],
      ),
  },
];

export const capRuleByCode = (code: string): CapRule | undefined => capRules.find((r) => r.code === code);

/** Every rule the document breaks, in the table's order. */
export function checkCapAlert(a: CapAlertDoc, kinds: readonly CapRule['kind'][] = ['standard', 'import']): CapProblem[] {
  return capRules.filter((r) => kinds.includes(r.kind)).flatMap((r) => r.check(a).map((p) => ({ rule: r.code, ...p })));
}
export interface CapProblem {
  rule: string;
  path: string;
  value?: string;
}
