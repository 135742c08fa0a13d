// Step "IPC": what the console's preload may ask of the main process — its channel to the
// engine, the app version, opening a link, an OS notification, the file dialog for a
// voice's files, printing the after-action report to PDF, restoring a backup when the
// database could not be read — answered only for the
// console's own top frame, with every argument checked.
import {
  BrowserWindow,
  Notification,
  app,
  dialog,
  ipcMain,
  session,
  type IpcMainEvent,
  type IpcMainInvokeEvent,
  type MessagePortMain,
  type WebContents,
} from 'electron';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { IPC } from '../../common/ipc-channels';
import { describeUrl } from '../security/navigation';
import { isAppUrl } from '../security/origin';
import type { EngineStatus, EngineSupervisor } from '../supervisor';
import type { OpenExternal } from './links';
import { printReportPdf } from './report-pdf';
import { chooseVoiceFiles } from './voice-files';

/** The frame an IPC message came from, as far as the decision needs it. */
export interface SenderFrame {
  url: string;
  parent: unknown;
}

/** Only the console's top frame may use the channels. */
export function isConsoleTopFrame(frame: SenderFrame | null): boolean {
  return frame !== null && frame.parent === null && isAppUrl(frame.url);
}

/** A notification the console asked for, when it is one (two strings of bounded length). */
export function consoleNotification(title: unknown, body: unknown): { title: string; body: string } | null {
  if (typeof title !== 'string' || typeof body !== 'string' || title.length > 200 || body.length > 1000) return null;
  return { title, body };
}

export interface ConsoleIpcDeps {
  supervisor: EngineSupervisor<MessagePortMain>;
  openExternal: OpenExternal;
  /** The engine's status with the words the console shows for it. */
  statusForConsole(): EngineStatus & { message: string | null };
  log: Logger;
}

export function registerConsoleIpc(deps: ConsoleIpcDeps): void {
  const trusted = (event: IpcMainEvent | IpcMainInvokeEvent): boolean => {
    const frame = event.senderFrame;
    const ok = isConsoleTopFrame(frame);
    if (!ok) deps.log.warn({ channel: 'ipc', url: frame ? describeUrl(frame.url) : null }, 'ignored IPC from outside the console');
    return ok;
  };

  ipcMain.on(IPC.enginePortRequest, (event) => {
    if (!trusted(event)) return;
    const contents: WebContents = event.sender;
    deps.supervisor.connectClient({
      id: contents.id,
      deliver: (port) => contents.postMessage(IPC.enginePort, null, [port]),
      isAlive: () => !contents.isDestroyed(),
    });
    contents.send(IPC.engineStatus, deps.statusForConsole());
  });
  ipcMain.handle(IPC.appVersion, (event) => (trusted(event) ? app.getVersion() : null));
  ipcMain.handle(IPC.openExternal, async (event, url: unknown) => trusted(event) && typeof url === 'string' && deps.openExternal(url));
  ipcMain.handle(IPC.notify, (event, title: unknown, body: unknown) => {
    const notification = consoleNotification(title, body);
    if (!trusted(event) || !notification) return false;
    if (!Notification.isSupported()) return false;
    new Notification(notification).show();
    return true;
  });
  ipcMain.handle(IPC.chooseVoiceFiles, async (event, title: unknown) =>
    trusted(event) ? chooseVoiceFiles(dialog, BrowserWindow.fromWebContents(event.sender), title) : [],
  );
  ipcMain.handle(IPC.printReportPdf, async (event, request: unknown) => {
    if (!trusted(event)) return { saved: false, fileName: '' };
    const parent = BrowserWindow.fromWebContents(event.sender);
    return printReportPdf(
      {
        createWindow: () => {
          const ses = session.fromPartition('gdial-report-print');
          ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !details.url.startsWith('file:') }));
          const w = new BrowserWindow({ show: false, webPreferences: { javascript: false, sandbox: true, session: ses } });
          return { loadFile: (f) => w.loadFile(f), printToPDF: (o) => w.webContents.printToPDF(o), destroy: () => w.destroy() };
        },
        showSaveDialog: (options) => (parent ? dialog.showSaveDialog(parent, options) : dialog.showSaveDialog(options)),
        writeTemp: async (html) => {
          const dir = await mkdtemp(path.join(os.tmpdir(), 'gdial-report-'));
          const file = path.join(dir, 'rapport.html');
          await writeFile(file, html, 'utf8');
          return { path: file, remove: () => rm(dir, { recursive: true, force: true }) };
        },
        writeFile: (f, data) => writeFile(f, data),
      },
      request,
    );
  });
  // Only a backup the failed start offered, intact, is accepted (the supervisor checks).
  ipcMain.handle(
    IPC.restoreBackup,
    (event, name: unknown) => trusted(event) && typeof name === 'string' && deps.supervisor.restoreBackup(name),
  );
}
