// The VMA underlag (Viktigt meddelande till allmänheten): what an organisation hands SOS
// Alarm when it asks for a public warning under MSB's rules. The requesting organisation
// answers for the content; SOS Alarm passes it on. This module words the five points as a
// one-page PDF and as the text read to SOS Alarm over the phone, and builds the CAP message
// from the form. It sends nothing: the underlag says so on the page.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { vmaPoints, type VmaPoint } from '@gdial/protocol';
import type { CapAlertOut } from './build';

/** The form as the engine received it (trimmed). */
export interface VmaRequest {
  level: 'warning' | 'information';
  area: string;
  happened: string;
  threat: string;
  publicAction: string;
  publicHelp: string;
  requester: string;
  callbackPhone: string;
}

/** The five points as SOS Alarm asks for them. */
const vmaPointTitles: Record<VmaPoint, string> = {
  area: 'Område som berörs',
  happened: 'Vad har hänt eller kan hända',
  threat: 'Vad är det akuta hotet',
  publicAction: 'Vad ska allmänheten göra',
  publicHelp: 'Hur kan allmänheten hjälpa till',
};

const levelWords = { warning: 'Varningsmeddelande', information: 'Informationsmeddelande' } as const;
const NOT_SENT = 'GDial skickar inget VMA. Detta är underlag för en begäran till SOS Alarm, som förmedlar meddelandet enligt MSB:s regler.';

const stockholm = (d: Date) => d.toLocaleString('sv-SE', { timeZone: 'Europe/Stockholm', dateStyle: 'short', timeStyle: 'short' });

/** The text to read to SOS Alarm, point by point, in the order they ask. */
export function vmaPhoneText(f: VmaRequest, madeBy: string, madeAt: Date): string {
  return [
    `Begäran om VMA, ${levelWords[f.level].toLowerCase()}.`,
    `Begärt av ${f.requester}, nås på ${f.callbackPhone}. Underlaget gjort av ${madeBy} ${stockholm(madeAt)}.`,
    ...vmaPoints.map((p, i) => `${i + 1}. ${vmaPointTitles[p]}: ${f[p]}`),
  ].join('\n');
}

/** The CAP message of the request (Swedish, public, the area in words). */
export function vmaCap(f: VmaRequest, ids: { identifier: string; sender: string }, madeAt: Date, test: boolean): CapAlertOut {
  const warning = f.level === 'warning';
  return {
    identifier: ids.identifier,
    sender: ids.sender,
    sent: madeAt,
    status: test ? 'Test' : 'Actual',
    msgType: 'Alert',
    scope: 'Public',
    note: `Underlag för VMA, begärt av ${f.requester} (${f.callbackPhone}). ${NOT_SENT}`,
    info: [
      {
        language: 'sv-SE',
        category: 'Safety',
        event: (f.happened.split('\n')[0] ?? f.happened).slice(0, 200),
        urgency: warning ? 'Immediate' : 'Expected',
        severity: warning ? 'Severe' : 'Moderate',
        certainty: 'Likely',
        senderName: f.requester,
        headline: 'Viktigt meddelande till allmänheten',
        description: `${f.happened}\n\n${f.threat}`,
        instruction: `${f.publicAction}\n\n${f.publicHelp}`,
        areaDesc: f.area,
      },
    ],
  };
}

let fonts: { regular: Uint8Array; bold: Uint8Array } | null = null;
/** DejaVu Sans (shipped with the engine's dependencies): every Swedish letter, embedded as a subset. */
function fontBytes(): { regular: Uint8Array; bold: Uint8Array } {
  if (!fonts) {
    const require = createRequire(import.meta.url);
    fonts = {
      regular: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')),
      bold: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf')),
    };
  }
  return fonts;
}

/** Widths at size 1 by text, per font: a width scales with the size, and the layout is tried at several sizes. */
const widths = new WeakMap<PDFFont, Map<string, number>>();
function widthAt(font: PDFFont, text: string, size: number): number {
  let m = widths.get(font);
  if (!m) widths.set(font, (m = new Map<string, number>()));
  let w = m.get(text);
  if (w === undefined) m.set(text, (w = font.widthOfTextAtSize(text, 1)));
  return w * size;
}

/** Breaks text into lines that fit `width` at `size` (words longer than a line are cut). */
function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const space = widthAt(font, ' ', size);
  const lines: string[] = [];
  for (const para of text.split(/\r?\n/)) {
    let line = '';
    let lineWidth = 0;
    for (const word of para.split(/\s+/).filter(Boolean)) {
      let w = word;
      while (widthAt(font, w, size) > width) {
        let cut = w.length - 1;
        while (cut > 1 && font.widthOfTextAtSize(w.slice(0, cut), size) > width) cut--;
        if (line) lines.push(line);
        lines.push(w.slice(0, cut));
        line = '';
        lineWidth = 0;
        w = w.slice(cut);
      }
      const ww = widthAt(font, w, size);
      if (line && lineWidth + space + ww > width) {
        lines.push(line);
        line = w;
        lineWidth = ww;
      } else {
        line = line ? `${line} ${w}` : w;
        lineWidth += (lineWidth > 0 ? space : 0) + ww;
      }
    }
    lines.push(line);
  }
  return lines;
}

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 50;

interface Block {
  text: string;
  bold?: boolean;
  scale: number;
  gapBefore: number;
}

/** The underlag as one A4 page: the text shrinks until it fits, so it is always one page. */
export async function vmaPdf(f: VmaRequest, madeBy: string, madeAt: Date, capIdentifier: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const bytes = fontBytes();
  const regular = await doc.embedFont(bytes.regular, { subset: true });
  const bold = await doc.embedFont(bytes.bold, { subset: true });
  doc.setTitle('Underlag för VMA – begäran till SOS Alarm');
  doc.setLanguage('sv-SE');
  doc.setAuthor(madeBy);
  doc.setCreator('GDial');
  doc.setCreationDate(madeAt);
  doc.setModificationDate(madeAt);
  const blocks: Block[] = [
    { text: 'Underlag för VMA – begäran till SOS Alarm', bold: true, scale: 1.6, gapBefore: 0 },
    { text: `${levelWords[f.level]} · Viktigt meddelande till allmänheten`, bold: true, scale: 1.1, gapBefore: 0.4 },
    { text: `Begärt av: ${f.requester}`, scale: 1, gapBefore: 0.6 },
    { text: `Telefon för återuppringning: ${f.callbackPhone}`, scale: 1, gapBefore: 0.1 },
    { text: `Gjort av ${madeBy} i GDial ${stockholm(madeAt)}. CAP-meddelande: ${capIdentifier}`, scale: 0.85, gapBefore: 0.2 },
    ...vmaPoints.flatMap((p, i): Block[] => [
      { text: `${i + 1}. ${vmaPointTitles[p]}`, bold: true, scale: 1.15, gapBefore: 1 },
      { text: f[p], scale: 1, gapBefore: 0.2 },
    ]),
    { text: NOT_SENT, bold: true, scale: 0.9, gapBefore: 1.4 },
  ];
  // A little room to spare: words are measured one by one, without kerning across the spaces.
  const width = A4[0] - 2 * MARGIN - 4;
  const usable = A4[1] - 2 * MARGIN;
  let size = 11;
  const layout = (s: number) =>
    blocks.map((b) => {
      const font = b.bold ? bold : regular;
      const sz = s * b.scale;
      return { ...b, font, size: sz, lines: wrap(b.text, font, sz, width) };
    });
  const heightOf = (l: ReturnType<typeof layout>) => l.reduce((h, b) => h + b.gapBefore * size + b.lines.length * b.size * 1.3, 0);
  let laid = layout(size);
  while (heightOf(laid) > usable && size > 5) {
    size -= 0.5;
    laid = layout(size);
  }
  const page: PDFPage = doc.addPage(A4);
  let y = A4[1] - MARGIN;
  for (const b of laid) {
    y -= b.gapBefore * size;
    for (const line of b.lines) {
      y -= b.size * 1.3;
      page.drawText(line, { x: MARGIN, y, size: b.size, font: b.font, color: rgb(0, 0, 0) });
    }
  }
  return doc.save();
}
