// The browser host prints the after-action report with headless Chromium (playwright-core
// driving the system's Chromium, as the browser tests do): the same engine that renders the
// console lays the report out for paper, with header and footer on every page. The page it
// prints gets the console's HTML and nothing else: JavaScript off and every request refused,
// so a report can neither run code nor reach the network. One browser serves every report and
// closes with the host.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Browser } from 'playwright-core';
import type { Logger } from '@gdial/engine';
import { MAX_REPORT_HTML, marginTemplates, parseReportPdfRequest, type ReportPdfRequest } from '../common/report-pdf';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

export class ReportPrinter {
  private browser: Promise<Browser> | null = null;

  constructor(private readonly executablePath = process.env.GDIAL_CHROMIUM ?? DEFAULT_CHROMIUM) {}

  private launch(): Promise<Browser> {
    this.browser ??= import('playwright-core')
      .then(({ chromium }) =>
        chromium.launch({ executablePath: this.executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] }),
      )
      .catch((err: unknown) => {
        this.browser = null;
        throw err;
      });
    return this.browser;
  }

  async print(r: ReportPdfRequest): Promise<Buffer> {
    const browser = await this.launch();
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      await context.route('**/*', (route) => route.abort('blockedbyclient'));
      const page = await context.newPage();
      await page.setContent(r.html, { waitUntil: 'load' });
      return await page.pdf({
        format: 'A4',
        printBackground: true,
        displayHeaderFooter: true,
        ...marginTemplates(r),
        margin: { top: '18mm', bottom: '16mm', left: '12mm', right: '12mm' },
      });
    } finally {
      await context.close();
    }
  }

  async close(): Promise<void> {
    const b = this.browser;
    this.browser = null;
    await (await b?.catch(() => null))?.close();
  }
}

/** POST /report.pdf: the request as JSON in, the PDF out; a malformed one is refused, a failed print said in Swedish. */
export async function printReport(req: IncomingMessage, res: ServerResponse, printer: ReportPrinter, log: Logger): Promise<void> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REPORT_HTML + 64 * 1024) {
      res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8' }).end('Rapporten är för stor för att skrivas ut.');
      return;
    }
    chunks.push(chunk);
  }
  let body: unknown = null;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    body = null;
  }
  const request = parseReportPdfRequest(body);
  if (!request) {
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('Felaktig begäran om PDF.');
    return;
  }
  try {
    const pdf = await printer.print(request);
    res.writeHead(200, {
      'content-type': 'application/pdf',
      'content-length': pdf.length,
      'content-disposition': `attachment; filename="${request.fileName}"`,
      'cache-control': 'no-store',
    });
    res.end(pdf);
  } catch (err) {
    log.error({ err }, 'printing the after-action report failed');
    res
      .writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
      .end(`Chromium kunde inte skriva ut rapporten (${err instanceof Error ? err.message.split('\n')[0] : String(err)}).`);
  }
}
