// The Electron main process: the thin glue between Electron's APIs and the tested logic in
// this folder, run as named steps (./steps): one instance only; paths and logging; links
// policed in every web contents; the safeStorage vault and the engine in a supervised
// utility process; the console window and gdial:// links; the console's IPC; tray, menu
// and notifications; the quit flow; and once Electron is ready, the hardened session that
// serves the console on app://console, the first window and background update checks.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, app, dialog } from 'electron';
import type { UpdateScheduler } from './updates';
import { engineSupervisor, startVault } from './steps/engine';
import { registerConsoleIpc } from './steps/ipc';
import { hardenWebContents, linkOpener } from './steps/links';
import { startPathsAndLogging } from './steps/logging';
import { startQuitFlow } from './steps/quit';
import { registerConsoleScheme, secureSession } from './steps/session';
import { TrayAndMenu } from './steps/tray';
import { startUpdates } from './steps/updates';
import { ConsoleWindow, acceptDeepLinks } from './steps/window';

const APP_ID = 'se.gdial.desktop';

// Must happen before 'ready'.
registerConsoleScheme();

if (!app.requestSingleInstanceLock()) {
  // Another GDial is running; it receives our argv (and any gdial:// link) and comes forward.
  app.quit();
} else {
  run();
}

function run(): void {
  app.setAppUserModelId(APP_ID);
  const ctx = startPathsAndLogging(path.dirname(fileURLToPath(import.meta.url)));
  const { log } = ctx;
  const openExternal = linkOpener(log);
  hardenWebContents(log, openExternal);

  const vault = startVault();
  const supervisor = engineSupervisor(ctx, vault);

  const window: ConsoleWindow = new ConsoleWindow({
    createBrowserWindow: (options) => new BrowserWindow(options),
    preload: ctx.layout.preload,
    devTools: !app.isPackaged,
    log,
    windowClosing: (isLastWindow) => quitFlow.windowClosing(isLastWindow),
    windowCount: () => BrowserWindow.getAllWindows().length,
    closed: (webContentsId) => supervisor.disconnectClient(webContentsId),
  });
  const shell = new TrayAndMenu(ctx, supervisor, window);
  registerConsoleIpc({ supervisor, openExternal, statusForConsole: () => shell.statusForConsole(), log });
  acceptDeepLinks(app, window, process.argv);
  app.on('activate', () => window.focus());

  let updates: UpdateScheduler | null = null;
  const quitFlow = startQuitFlow(ctx, { supervisor, window, runningAlerts: () => shell.activity.runningCount, updates: () => updates });

  app
    .whenReady()
    .then(() => {
      secureSession(ctx.layout.uiDir);
      void vault.availability().then((a) => {
        if (!a.available) log.warn({ reason: a.reason }, 'secure storage unavailable: credentials cannot be saved on this computer');
      });
      shell.show();
      supervisor.start();
      window.open();
      updates = startUpdates(ctx, app.isPackaged, (version) =>
        shell.notify({ kind: 'update-ready', title: ctx.text.updates.readyTitle, body: ctx.text.updates.readyBody(version), route: null }),
      );
      log.info({ dataDir: ctx.dataDir, logDir: ctx.logDir, user: os.userInfo().username }, 'GDial ready');
    })
    .catch((err: unknown) => {
      log.fatal({ err }, 'GDial could not start');
      dialog.showErrorBox('GDial', `GDial could not start: ${(err as Error).message}\n\n${ctx.text.engine.logHint(ctx.logDir)}`);
      app.exit(1);
    });
}
