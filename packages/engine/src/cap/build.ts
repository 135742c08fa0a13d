// Writing a CAP 1.2 document: an alert's CAP values in, XML text out, with the elements in
// the order the standard's schema gives them. fast-xml-parser's builder escapes the text.
// Used by the CAP export of an alert and by the VMA underlag.
import { XMLBuilder } from 'fast-xml-parser';
import { CAP_NAMESPACE, type CapCategory, type CapCertainty, type CapSeverity, type CapUrgency } from '@gdial/protocol';

export interface CapInfoOut {
  language: string;
  category: CapCategory;
  event: string;
  responseType?: string[];
  urgency: CapUrgency;
  severity: CapSeverity;
  certainty: CapCertainty;
  senderName?: string;
  headline?: string;
  description?: string;
  instruction?: string;
  areaDesc?: string | null;
}

export interface CapAlertOut {
  identifier: string;
  sender: string;
  sent: Date;
  status: 'Actual' | 'Test' | 'Exercise' | 'Draft';
  msgType: 'Alert';
  scope: 'Public';
  note?: string;
  info: CapInfoOut[];
}

const builder = new XMLBuilder({
  format: true,
  indentBy: '  ',
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: true,
});

const pad = (n: number) => String(n).padStart(2, '0');

/** A time as CAP writes it: seconds, and UTC as -00:00 (CAP does not allow "Z"). */
export function capDateTime(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}-00:00`;
}

/** CAP identifiers and senders may not hold spaces, commas, "<" or "&". */
export const capToken = (s: string): string => s.replace(/[\s,<&]+/g, '-').replace(/^-+|-+$/g, '') || 'GDial';

const present = <T>(v: T | undefined | null | ''): v is T => v !== undefined && v !== null && v !== '';

export function buildCapXml(a: CapAlertOut): string {
  const info = a.info.map((i) => ({
    language: i.language,
    category: i.category,
    event: i.event,
    ...(i.responseType?.length ? { responseType: i.responseType } : {}),
    urgency: i.urgency,
    severity: i.severity,
    certainty: i.certainty,
    ...(present(i.senderName) ? { senderName: i.senderName } : {}),
    ...(present(i.headline) ? { headline: i.headline } : {}),
    ...(present(i.description) ? { description: i.description } : {}),
    ...(present(i.instruction) ? { instruction: i.instruction } : {}),
    ...(present(i.areaDesc) ? { area: { areaDesc: i.areaDesc } } : {}),
  }));
  const body = builder.build({
    alert: {
      '@_xmlns': CAP_NAMESPACE,
      identifier: capToken(a.identifier),
      sender: capToken(a.sender),
      sent: capDateTime(a.sent),
      status: a.status,
      msgType: a.msgType,
      scope: a.scope,
      ...(present(a.note) ? { note: a.note } : {}),
      info,
    },
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
}
