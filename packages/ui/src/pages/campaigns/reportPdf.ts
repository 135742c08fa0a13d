// The after-action report as a PDF: the report's own rendered view (its DOM and the page's
// styles, light scheme, for paper) is handed to the host, which prints it with Chromium —
// the desktop app through Electron's printToPDF (window.gdial.printReportPdf), the browser
// host with headless Chromium (POST /report.pdf). Either puts the organisation's name, the
// report and its generation time in the header and "Sida n av m" in the footer of every page.
import type { Language } from '../../i18n';
import type { ReportPdfRequest } from '../../components/desktopBridge';
import { downloadBlob } from '../../components/download';

const words: Record<Language, { generated: string; page: string; failed: string }> = {
  sv: { generated: 'Skapad {t}', page: 'Sida {page} av {pages}', failed: 'PDF:en kunde inte skapas: {m}' },
  en: { generated: 'Generated {t}', page: 'Page {page} of {pages}', failed: 'The PDF could not be made: {m}' },
};

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/**
 * The rules the printed copy adds to the page's own. They apply to every medium, not under
 * `@media print`: Chromium prints this document as it is laid out, and a rule that changed
 * when it switched to print media would make it lay the whole report out again. Nothing may
 * be wider than the paper either: an overflowing element (the curve keeps the width it was
 * drawn at on screen) makes Chromium shrink the whole report to fit, at the cost of several
 * layouts of every row and of small print.
 */
const PAPER_CSS = `
@page { size: A4; margin: 18mm 12mm 16mm 12mm; }
body { margin: 0; font-family: system-ui, sans-serif; background: #fff; color: #000; }
.no-print { display: none !important; }
tr, section > p { break-inside: avoid; }
.recharts-responsive-container > div, .recharts-wrapper { width: 100% !important; height: auto !important; }
.recharts-surface { width: 100% !important; height: auto !important; }
.recharts-legend-wrapper { position: static !important; width: 100% !important; }
table[data-report-unreached] { font-size: 8pt; line-height: 1.2; }
table[data-report-unreached] th, table[data-report-unreached] td { padding: 1px 4px; }
table[data-report-unreached] th:first-child { width: 40mm; }
`;

/** A standalone document of the report: the page's CSS inlined, nothing to fetch, no script. */
export function reportDocument(css: string, sheetHtml: string, language: Language, title: string): string {
  return `<!doctype html><html lang="${language}" data-mantine-color-scheme="light"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${css}
${PAPER_CSS}</style></head><body>${sheetHtml}</body></html>`;
}

export function reportPdfRequest(o: {
  css: string;
  sheetHtml: string;
  title: string;
  organisation: string | null;
  generatedAt: string;
  language: Language;
  campaignId: number;
}): ReportPdfRequest {
  const w = words[o.language];
  return {
    html: reportDocument(o.css, o.sheetHtml, o.language, o.title),
    fileName: `efterhandsrapport-${o.campaignId}.pdf`,
    header: [o.organisation, o.title].filter(Boolean).join(' · '),
    generated: w.generated.replace('{t}', o.generatedAt),
    pageLabel: w.page,
  };
}

/** The CSS the page uses now (the console's own stylesheets are same-origin, so their rules are readable). */
function pageCss(): string {
  const out: string[] = [];
  for (const sheet of Array.from(document.styleSheets)) {
    try {
      for (const rule of Array.from(sheet.cssRules)) out.push(rule.cssText);
    } catch {
      // A sheet from elsewhere cannot be read; the console has none.
    }
  }
  return out.join('\n');
}

/** Prints the sheet and saves the PDF; resolves with its file name. */
export async function reportPdf(o: {
  sheet: HTMLElement;
  title: string;
  organisation: string | null;
  generatedAt: string;
  language: Language;
  campaignId: number;
}): Promise<string> {
  const request = reportPdfRequest({ ...o, css: pageCss(), sheetHtml: o.sheet.outerHTML });
  const desktop = window.gdial;
  if (desktop?.printReportPdf) return (await desktop.printReportPdf(request)).fileName;
  const res = await fetch('/report.pdf', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  if (!res.ok) throw new Error(words[o.language].failed.replace('{m}', (await res.text()) || String(res.status)));
  downloadBlob(request.fileName, await res.blob());
  return request.fileName;
}
