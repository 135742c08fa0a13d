// The after-action report's PDF request as it crosses from the page: only well-formed ones
// are printed, and the page margins escape what the page wrote.
import { describe, expect, it } from 'vitest';
import { marginTemplates, parseReportPdfRequest } from '../src/common/report-pdf';

const ok = {
  html: '<p>x</p>',
  fileName: 'efterhandsrapport-3.pdf',
  header: 'demo · Efterhandsrapport: Brand',
  generated: 'Skapad 2026-03-02 08:15',
  pageLabel: 'Sida {page} av {pages}',
};

describe('report PDF request', () => {
  it('accepts a well-formed request and refuses anything else', () => {
    expect(parseReportPdfRequest(ok)).toEqual(ok);
    expect(parseReportPdfRequest(null)).toBeNull();
    expect(parseReportPdfRequest({ ...ok, fileName: '../etc/passwd.pdf' })).toBeNull();
    expect(parseReportPdfRequest({ ...ok, fileName: 'rapport.exe' })).toBeNull();
    expect(parseReportPdfRequest({ ...ok, pageLabel: 'Sida {page}' })).toBeNull();
    expect(parseReportPdfRequest({ ...ok, header: 'x'.repeat(501) })).toBeNull();
    expect(parseReportPdfRequest({ ...ok, html: 42 })).toBeNull();
  });

  it('puts the organisation, the report, its time and the page numbers on every page, escaped', () => {
    const t = marginTemplates({ ...ok, header: 'Ystad <script>' });
    expect(t.headerTemplate).toContain('Ystad &#60;script&#62;');
    expect(t.headerTemplate).toContain('Skapad 2026-03-02 08:15');
    expect(t.footerTemplate).toContain('Sida <span class="pageNumber"></span> av <span class="totalPages"></span>');
    expect(t.headerTemplate + t.footerTemplate).not.toContain('<script>');
  });
});
