// CAP 1.2 test documents written for these tests from the specification's element list:
// a complete Swedish alert whose elements a test can drop or replace one at a time.
export interface DocParts {
  root?: string;
  xmlns?: string | null;
  alert?: Record<string, string | null>;
  info?: Record<string, string | null>;
  area?: Record<string, string | null> | null;
  /** A second info block (e.g. English). */
  extraInfo?: string;
  /** Instead of the info block(s). */
  noInfo?: boolean;
}

const baseAlert: Record<string, string> = {
  identifier: 'SE-VBG-2026-0042',
  sender: 'raddning@vanersborg.se',
  sent: '2026-05-24T16:49:00+02:00',
  status: 'Actual',
  msgType: 'Alert',
  scope: 'Public',
};

const baseInfo: Record<string, string> = {
  language: 'sv-SE',
  category: 'Fire',
  event: 'Brand i industribyggnad',
  responseType: 'Shelter',
  urgency: 'Immediate',
  severity: 'Severe',
  certainty: 'Observed',
  senderName: 'Räddningstjänsten Vänersborg',
  headline: 'Brand med kraftig rök på Öxnered',
  description: 'En brand i en lagerbyggnad ger kraftig rök över området.',
  instruction: 'Gå inomhus och stäng dörrar, fönster och ventilation.',
};

const baseArea: Record<string, string> = { areaDesc: 'Öxnered, Vänersborgs kommun', circle: '58.36,12.29 2.0' };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** Elements in the given order; a null value drops the element, an undefined keeps the default. */
function elements(base: Record<string, string>, over: Record<string, string | null> = {}, indent = '  '): string {
  const keys = [...new Set([...Object.keys(base), ...Object.keys(over)])];
  return keys
    .map((k) => {
      const v = k in over ? over[k] : base[k];
      return v === null || v === undefined ? '' : `${indent}<${k}>${esc(v)}</${k}>\n`;
    })
    .join('');
}

export function capDocument(p: DocParts = {}): string {
  const root = p.root ?? 'alert';
  const ns = p.xmlns === null ? '' : ` xmlns="${p.xmlns ?? 'urn:oasis:names:tc:emergency:cap:1.2'}"`;
  const area = p.area === null ? '' : `    <area>\n${elements(baseArea, p.area ?? {}, '      ')}    </area>\n`;
  const info = p.noInfo ? '' : `  <info>\n${elements(baseInfo, p.info ?? {}, '    ')}${area}  </info>\n${p.extraInfo ?? ''}`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}${ns}>\n${elements(baseAlert, p.alert ?? {})}${info}</${root}>\n`;
}

export const englishInfo = `  <info>
    <language>en-US</language>
    <category>Fire</category>
    <event>Industrial fire</event>
    <urgency>Immediate</urgency>
    <severity>Severe</severity>
    <certainty>Observed</certainty>
    <headline>Fire with heavy smoke at Öxnered</headline>
    <instruction>Go indoors and close doors, windows and ventilation.</instruction>
  </info>
`;
