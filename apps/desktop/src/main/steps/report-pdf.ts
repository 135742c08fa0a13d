// The desktop app prints the after-action report with Electron's printToPDF: the console's
// rendered report (checked in src/common/report-pdf) is loaded into a hidden window that runs
// no JavaScript and may load nothing but its own file, printed with the organisation, the
// report, its generation time and "Sida n av m" on every page, and saved where the operator
// chooses. Thin: the window, the dialog and the disk come in as small interfaces.
import type { PrintToPDFOptions, SaveDialogOptions, SaveDialogReturnValue } from 'electron';
import { marginTemplates, parseReportPdfRequest } from '../../common/report-pdf';

export interface PdfWindowLike {
  loadFile(filePath: string): Promise<void>;
  printToPDF(options: PrintToPDFOptions): Promise<Buffer>;
  destroy(): void;
}

export interface ReportPdfDeps {
  /** A hidden, sandboxed window with JavaScript off whose session refuses every request but file:. */
  createWindow(): PdfWindowLike;
  showSaveDialog(options: SaveDialogOptions): Promise<SaveDialogReturnValue>;
  /** Writes the document to a temporary file; the returned function removes it. */
  writeTemp(html: string): Promise<{ path: string; remove(): Promise<void> }>;
  writeFile(filePath: string, data: Buffer): Promise<void>;
}

/** A4, margins that leave room for the header and footer (inches, as Electron wants them). */
export function printOptions(r: { header: string; generated: string; pageLabel: string }): PrintToPDFOptions {
  return {
    pageSize: 'A4',
    printBackground: true,
    displayHeaderFooter: true,
    ...marginTemplates(r),
    margins: { top: 0.71, bottom: 0.63, left: 0.47, right: 0.47 },
  };
}

export async function printReportPdf(deps: ReportPdfDeps, raw: unknown): Promise<{ saved: boolean; fileName: string }> {
  const request = parseReportPdfRequest(raw);
  if (!request) throw new TypeError('not a report to print');
  const temp = await deps.writeTemp(request.html);
  const window = deps.createWindow();
  let pdf: Buffer;
  try {
    await window.loadFile(temp.path);
    pdf = await window.printToPDF(printOptions(request));
  } finally {
    window.destroy();
    await temp.remove();
  }
  const choice = await deps.showSaveDialog({ defaultPath: request.fileName, filters: [{ name: 'PDF', extensions: ['pdf'] }] });
  if (choice.canceled || !choice.filePath) return { saved: false, fileName: request.fileName };
  await deps.writeFile(choice.filePath, pdf);
  return { saved: true, fileName: choice.filePath.split(/[\\/]/).pop() ?? request.fileName };
}
