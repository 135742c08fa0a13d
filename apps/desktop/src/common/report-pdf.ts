// The after-action report's PDF, shared by both hosts: the request the console sends (its
// rendered report as one HTML document and the words for the page margins), checked here
// because it crosses from the page, and the header and footer every page carries — the
// organisation, the report, when it was generated, "Sida n av m". Electron's printToPDF and
// headless Chromium's page.pdf take the same templates, with the same classes for the numbers.

export interface ReportPdfRequest {
  html: string;
  fileName: string;
  header: string;
  generated: string;
  pageLabel: string;
}

/** A report of 10,000 people with every attempt is a few MB of HTML; this leaves room. */
export const MAX_REPORT_HTML = 64 * 1024 * 1024;

const isShortText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;

/** The request if well-formed, else null (a file name of letters, digits, - and _ ending in .pdf). */
export function parseReportPdfRequest(v: unknown): ReportPdfRequest | null {
  if (typeof v !== 'object' || v === null) return null;
  const r = v as Record<string, unknown>;
  if (typeof r.html !== 'string' || r.html.length > MAX_REPORT_HTML) return null;
  if (typeof r.fileName !== 'string' || !/^[\p{L}\p{N}_-]{1,100}\.pdf$/u.test(r.fileName)) return null;
  if (!isShortText(r.header, 500) || !isShortText(r.generated, 200) || !isShortText(r.pageLabel, 100)) return null;
  if (!r.pageLabel.includes('{page}') || !r.pageLabel.includes('{pages}')) return null;
  return { html: r.html, fileName: r.fileName, header: r.header, generated: r.generated, pageLabel: r.pageLabel };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE =
  'font-family: system-ui, sans-serif; font-size: 8pt; color: #333; width: 100%; margin: 0 12mm; display: flex; justify-content: space-between;';

/** Header and footer of every page; Chromium fills the spans of class pageNumber and totalPages. */
export function marginTemplates(r: Pick<ReportPdfRequest, 'header' | 'generated' | 'pageLabel'>): {
  headerTemplate: string;
  footerTemplate: string;
} {
  const page = escapeHtml(r.pageLabel)
    .replace('{page}', '<span class="pageNumber"></span>')
    .replace('{pages}', '<span class="totalPages"></span>');
  return {
    headerTemplate: `<div style="${STYLE}"><span>${escapeHtml(r.header)}</span><span>${escapeHtml(r.generated)}</span></div>`,
    footerTemplate: `<div style="${STYLE}"><span>${escapeHtml(r.header)}</span><span>${page}</span></div>`,
  };
}
