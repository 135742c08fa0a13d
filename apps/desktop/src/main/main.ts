// The Electron main process: the thin glue between Electron's APIs and the tested logic in
// this folder. It serves the console on app://console, hardens every web contents, runs
// the engine in a supervised utility process with a MessagePort per window, keeps the
// tray and OS notifications in step with the engine's events, seals secrets with
// safeStorage for the engine, handles gdial:// links and a single instance, checks for
// updates in the background, and on quit lets the engine persist before exiting.
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BrowserWindow,
  Menu,
  MessageChannelMain,
  Notification,
  Tray,
  app,
  dialog,
  ipcMain,
  nativeImage,
  protocol,
  safeStorage,
  session,
  shell,
  utilityProcess,
  type IpcMainEvent,
  type IpcMainInvokeEvent,
  type MessagePortMain,
  type WebContents,
} from 'electron';
import electronUpdater from 'electron-updater';
import { AlertActivity, type NotificationRequest } from './activity';
import { parseDeepLink, deepLinkFromArgv, DEEP_LINK_SCHEME, type DeepLinkRoute } from './deep-link';
import { strings, type Language } from './i18n';
import { IPC } from './ipc-channels';
import { createMainLogger } from './log/logger';
import { RotatingFileStream } from './log/rotating-file';
import { menuTemplate } from './menu';
import { QuitFlow } from './quit-flow';
import { resolveLayout } from './paths';
import { loadPreferences, savePreferences, type DesktopPreferences } from './preferences';
import { serveConsoleRequest } from './security/app-protocol';
import { consoleCsp } from './security/csp';
import { validateExternalUrl } from './security/external-links';
import { NavigationGuard, describeUrl } from './security/navigation';
import { APP_ENTRY_URL, APP_SCHEME, isAppUrl } from './security/origin';
import { decidePermissionCheck, decidePermissionRequest } from './security/permissions';
import { secureWebPreferences } from './security/web-preferences';
import { SecretVault } from './secrets/vault';
import { vaultService } from './secrets/vault-service';
import { EngineSupervisor, type EngineProcess, type EngineStatus, type Timers } from './supervisor';
import { engineStatusMessage, trayView, type TrayIcon } from './tray-state';
import { UpdateScheduler, resolveUpdateFeed, type Updater } from './updates';

const APP_ID = 'se.gdial.desktop';
const LOG_FILE_BYTES = 5 * 1024 * 1024;
const LOG_FILES_KEPT = 5;

// Must happen before 'ready': app:// gets a real, secure origin for CSP and permissions.
protocol.registerSchemesAsPrivileged([
  // corsEnabled: the console's <script type="module" crossorigin> requests are CORS-mode.
  {
    scheme: APP_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true, codeCache: true },
  },
]);

const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

if (!app.requestSingleInstanceLock()) {
  // Another GDial is running; it receives our argv (and any gdial:// link) and comes forward.
  app.quit();
} else {
  run();
}

function run(): void {
  app.setAppUserModelId(APP_ID);
  const layout = resolveLayout({
    isPackaged: app.isPackaged,
    mainBundleDir: path.dirname(fileURLToPath(import.meta.url)),
    resourcesPath: process.resourcesPath,
  });
  const logDir = app.getPath('logs');
  const mainLog = new RotatingFileStream({ file: path.join(logDir, 'main.log'), maxBytes: LOG_FILE_BYTES, maxFiles: LOG_FILES_KEPT });
  const engineLog = new RotatingFileStream({ file: path.join(logDir, 'engine.log'), maxBytes: LOG_FILE_BYTES, maxFiles: LOG_FILES_KEPT });
  const log = createMainLogger({ destination: mainLog, alsoToStdout: !app.isPackaged });
  const dataDir = process.env.GDIAL_DATA_DIR ?? path.join(app.getPath('userData'), 'data');
  const prefsFile = path.join(app.getPath('userData'), 'desktop.json');
  const loaded = loadPreferences(prefsFile);
  if (loaded.problem) log.warn({ problem: loaded.problem }, 'desktop preferences were not usable');
  const prefs: DesktopPreferences = loaded.prefs;
  let text = strings(prefs.language);

  process.on('uncaughtException', (err) => {
    log.fatal({ err }, 'uncaught exception in the main process');
    dialog.showErrorBox('GDial', `${err.message}\n\n${text.engine.logHint(logDir)}`);
  });
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection in the main process'));

  log.info(
    { version: app.getVersion(), electron: process.versions.electron, platform: process.platform, packaged: app.isPackaged },
    'GDial starting',
  );

  if (process.defaultApp && process.argv[1]) {
    // Development (`electron dist/main/main.js`): register with the script as argument.
    app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME, process.execPath, [path.resolve(process.argv[1])]);
  } else {
    app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
  }

  let mainWindow: BrowserWindow | null = null;
  let tray: Tray | null = null;
  let pendingRoute: DeepLinkRoute | null = null;

  const guard = new NavigationGuard((url) => void openExternal(url), log);
  async function openExternal(url: string): Promise<boolean> {
    const v = validateExternalUrl(url);
    if (!v.ok) {
      log.warn({ target: describeUrl(url), reason: v.reason }, 'refused to open a link');
      return false;
    }
    try {
      await shell.openExternal(v.url, { activate: true });
      return true;
    } catch (err) {
      log.warn({ err, target: describeUrl(v.url) }, 'the OS could not open a link');
      return false;
    }
  }

  // Every web contents, including any we did not create on purpose, stays on the console.
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (event) => guard.onWillNavigate(event, event.url));
    contents.on('will-redirect', (event) => guard.onWillNavigate(event, event.url));
    contents.on('will-frame-navigate', (event) => {
      if (!event.isMainFrame) guard.onWillNavigate(event, event.url);
    });
    contents.on('will-attach-webview', (event) => guard.onWillAttachWebview(event));
    contents.setWindowOpenHandler(({ url }) => guard.onWindowOpen(url));
  });

  // ── engine ──────────────────────────────────────────────────────────────────────────
  const vault = new SecretVault(safeStorage, process.platform);
  const spawnEngine = (): EngineProcess<MessagePortMain> => {
    const child = utilityProcess.fork(layout.engineHost, [], {
      serviceName: 'GDial engine',
      stdio: 'pipe',
      // Lets V8 optimise espeak-ng's word translator (see ESPEAK_TURBOFAN_FLAG in the engine's
      // tts/espeak.ts), set at start rather than by the engine at run time.
      execArgv: ['--max-optimized-bytecode-size=262144'],
      env: { ...process.env, GDIAL_SOURCE_ROOT: layout.sourceRoot },
    });
    child.stdout?.on('data', (chunk: Buffer) => engineLog.writeChunk(chunk));
    child.stderr?.on('data', (chunk: Buffer) => engineLog.writeChunk(chunk));
    return {
      post: (message, ports) => child.postMessage(message, ports),
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) =>
        child.on('exit', (code) => {
          engineLog.flushPartial();
          listener(code);
        }),
      kill: () => void child.kill(),
    };
  };
  const supervisor = new EngineSupervisor<MessagePortMain>({
    spawn: spawnEngine,
    createChannel: () => {
      const { port1, port2 } = new MessageChannelMain();
      return { enginePort: port1, clientPort: port2 };
    },
    startOptions: { dataDir, resourcesDir: layout.resourcesDir },
    timers: realTimers,
    logger: log,
    vault: vaultService(vault, log),
  });

  // ── tray, notifications, menu ───────────────────────────────────────────────────────
  const showNotification = (n: NotificationRequest) => {
    if (!Notification.isSupported()) return;
    const notification = new Notification({
      title: n.title,
      body: n.body,
      urgency: n.kind === 'providers-down' || n.kind === 'engine-failed' ? 'critical' : 'normal',
    });
    notification.on('click', () => {
      focusWindow();
      if (n.route) sendRoute(n.route);
    });
    notification.show();
  };
  const activity = new AlertActivity(showNotification, text.notify, realTimers);

  const trayImage = (icon: TrayIcon) => {
    const image = nativeImage.createFromPath(path.join(layout.iconsDir, `tray-${icon}.png`));
    if (image.isEmpty()) log.warn({ iconsDir: layout.iconsDir, icon }, 'tray icon missing');
    return image;
  };
  const refreshTray = () => {
    if (!tray) return;
    const view = trayView(supervisor.status, activity.runningCount, text.tray);
    tray.setImage(trayImage(view.icon));
    tray.setToolTip(view.tooltip);
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: view.tooltip, enabled: false },
        { type: 'separator' },
        { label: text.tray.show, click: () => focusWindow() },
        { label: text.tray.quit, click: () => app.quit() },
      ]),
    );
  };
  const refreshMenu = () => {
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        menuTemplate(
          text.menu,
          {
            platform: process.platform,
            language: prefs.language,
            developer: !app.isPackaged,
            engineRestartable: supervisor.status.state === 'failed',
          },
          {
            restartEngine: () => supervisor.retry(),
            openLogs: () => void shell.openPath(logDir),
            setLanguage: (lang: Language) => {
              prefs.language = lang;
              text = strings(lang);
              activity.setTexts(text.notify);
              try {
                savePreferences(prefsFile, prefs);
              } catch (err) {
                log.warn({ err }, 'could not save the desktop preferences');
              }
              refreshMenu();
              refreshTray();
            },
            quit: () => app.quit(),
          },
        ),
      ),
    );
  };

  activity.onChange(refreshTray);
  supervisor.onEngineEvent((name, payload) => activity.handleEngineEvent(name, payload));
  supervisor.onStatus((status: EngineStatus) => {
    const message = engineStatusMessage(status, text.engine);
    for (const w of BrowserWindow.getAllWindows()) {
      if (!w.isDestroyed()) w.webContents.send(IPC.engineStatus, { ...status, message });
    }
    if (status.state === 'restarting') activity.reset();
    if (status.state === 'failed' && message) {
      showNotification({ kind: 'engine-failed', title: text.notify.engineFailedTitle, body: message, route: null });
      if (mainWindow && !mainWindow.isDestroyed()) {
        void dialog.showMessageBox(mainWindow, {
          type: 'error',
          title: 'GDial',
          message: text.notify.engineFailedTitle,
          detail: `${message}\n\n${text.engine.logHint(logDir)}`,
        });
      }
    }
    refreshTray();
    refreshMenu();
  });

  // ── windows and IPC ─────────────────────────────────────────────────────────────────
  const trusted = (event: IpcMainEvent | IpcMainInvokeEvent): boolean => {
    const frame = event.senderFrame;
    // Only the console's top frame may use these channels.
    const ok = frame !== null && frame.parent === null && isAppUrl(frame.url);
    if (!ok) log.warn({ channel: 'ipc', url: frame ? describeUrl(frame.url) : null }, 'ignored IPC from outside the console');
    return ok;
  };

  ipcMain.on(IPC.enginePortRequest, (event) => {
    if (!trusted(event)) return;
    const contents: WebContents = event.sender;
    supervisor.connectClient({
      id: contents.id,
      deliver: (port) => contents.postMessage(IPC.enginePort, null, [port]),
      isAlive: () => !contents.isDestroyed(),
    });
    const status = supervisor.status;
    contents.send(IPC.engineStatus, { ...status, message: engineStatusMessage(status, text.engine) });
  });
  ipcMain.handle(IPC.appVersion, (event) => (trusted(event) ? app.getVersion() : null));
  ipcMain.handle(IPC.openExternal, async (event, url: unknown) => trusted(event) && typeof url === 'string' && openExternal(url));
  ipcMain.handle(IPC.notify, (event, title: unknown, body: unknown) => {
    if (!trusted(event) || typeof title !== 'string' || typeof body !== 'string' || title.length > 200 || body.length > 1000) return false;
    if (!Notification.isSupported()) return false;
    new Notification({ title, body }).show();
    return true;
  });

  function focusWindow(): void {
    if (!mainWindow || mainWindow.isDestroyed()) {
      createWindow();
      return;
    }
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
  }

  function sendRoute(route: DeepLinkRoute): void {
    if (mainWindow && !mainWindow.isDestroyed() && !mainWindow.webContents.isLoading()) mainWindow.webContents.send(IPC.deepLink, route);
    else pendingRoute = route;
  }

  function openDeepLink(raw: string): void {
    const parsed = parseDeepLink(raw);
    if (!parsed.ok) {
      log.warn({ reason: parsed.reason }, 'ignored a gdial:// link');
      return;
    }
    focusWindow();
    sendRoute(parsed.route);
  }

  function createWindow(): void {
    const win = new BrowserWindow({
      width: 1360,
      height: 900,
      minWidth: 960,
      minHeight: 640,
      show: false,
      title: 'GDial',
      backgroundColor: '#ffffff',
      webPreferences: secureWebPreferences(layout.preload, { devTools: !app.isPackaged }),
    });
    mainWindow = win;
    const id = win.webContents.id;
    win.once('ready-to-show', () => win.show());
    win.webContents.on('did-finish-load', () => {
      if (pendingRoute) {
        win.webContents.send(IPC.deepLink, pendingRoute);
        pendingRoute = null;
      }
    });
    win.webContents.on('render-process-gone', (_e, details) =>
      log.error({ reason: details.reason, exitCode: details.exitCode }, 'console renderer gone'),
    );
    win.on('close', (event) => {
      if (!quitFlow.windowClosing(BrowserWindow.getAllWindows().length === 1)) event.preventDefault();
    });
    win.on('closed', () => {
      supervisor.disconnectClient(id);
      if (mainWindow === win) mainWindow = null;
    });
    void win.loadURL(APP_ENTRY_URL);
  }

  // ── deep links and the single instance ──────────────────────────────────────────────
  app.on('second-instance', (_e, argv) => {
    focusWindow();
    const link = deepLinkFromArgv(argv);
    if (link) openDeepLink(link);
  });
  app.on('open-url', (event, url) => {
    event.preventDefault();
    if (app.isReady()) openDeepLink(url);
    else {
      const parsed = parseDeepLink(url);
      if (parsed.ok) pendingRoute = parsed.route;
    }
  });
  const firstLink = deepLinkFromArgv(process.argv);
  if (firstLink) {
    const parsed = parseDeepLink(firstLink);
    if (parsed.ok) pendingRoute = parsed.route;
  }

  // ── quitting: confirm during an alert, then let the engine persist ──────────────────
  const quitFlow = new QuitFlow({
    runningAlerts: () => activity.runningCount,
    confirmQuit: async (running) => {
      const q = text.quitWhileAlerting;
      const options = {
        type: 'warning' as const,
        title: q.title,
        message: q.message(running),
        buttons: [q.stay, q.quit],
        defaultId: 0,
        cancelId: 0,
      };
      const { response } =
        mainWindow && !mainWindow.isDestroyed() ? await dialog.showMessageBox(mainWindow, options) : await dialog.showMessageBox(options);
      return response === 1;
    },
    stopEngine: () =>
      supervisor.stop('GDial is quitting').then(
        (outcome) => log.info({ drained: outcome.drained }, 'engine stopped; quitting'),
        (err: unknown) => log.error({ err }, 'stopping the engine failed; quitting anyway'),
      ),
    exit: () => {
      if (quitFlow.state === 'done') {
        updates?.stop();
        mainLog.close();
        engineLog.close();
      }
      app.quit();
    },
  });
  app.on('before-quit', (event) => {
    if (!quitFlow.beforeQuit()) event.preventDefault();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => focusWindow());

  // ── start ───────────────────────────────────────────────────────────────────────────
  let updates: UpdateScheduler | null = null;
  app
    .whenReady()
    .then(() => {
      const ses = session.defaultSession;
      ses.setPermissionRequestHandler((_wc, permission, callback, details) =>
        callback(
          decidePermissionRequest(permission, {
            requestingUrl: details.requestingUrl,
            isMainFrame: details.isMainFrame,
            mediaTypes: 'mediaTypes' in details ? details.mediaTypes : undefined,
          }),
        ),
      );
      ses.setPermissionCheckHandler((_wc, permission, requestingOrigin, details) =>
        decidePermissionCheck(permission, requestingOrigin, { isMainFrame: details.isMainFrame, mediaType: details.mediaType }),
      );
      ses.setDevicePermissionHandler(() => false);
      ses.setDisplayMediaRequestHandler((_req, callback) => callback(null));
      // Defence in depth: should anything ever load over http(s) or file:, it gets the same
      // policy as the console (app:// responses carry it from the protocol handler).
      ses.webRequest.onHeadersReceived({ urls: ['http://*/*', 'https://*/*', 'file://*/*'] }, (details, callback) =>
        callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [consoleCsp()] } }),
      );
      protocol.handle(APP_SCHEME, async (request) => {
        const res = await serveConsoleRequest(request.url, layout.uiDir, (file) => readFile(file));
        return new Response(res.body as BodyInit, { status: res.status, headers: res.headers });
      });

      void vault.availability().then((a) => {
        if (!a.available) log.warn({ reason: a.reason }, 'secure storage unavailable: credentials cannot be saved on this computer');
      });

      refreshMenu();
      tray = new Tray(trayImage('idle'));
      tray.on('click', () => focusWindow());
      refreshTray();

      supervisor.start();
      createWindow();

      const { autoUpdater } = electronUpdater;
      autoUpdater.logger = {
        info: (m?: unknown) => log.info({ module: 'electron-updater' }, String(m)),
        warn: (m?: unknown) => log.warn({ module: 'electron-updater' }, String(m)),
        error: (m?: unknown) => log.warn({ module: 'electron-updater' }, String(m)),
      };
      const updater: Updater = {
        get autoDownload() {
          return autoUpdater.autoDownload;
        },
        set autoDownload(v: boolean) {
          autoUpdater.autoDownload = v;
        },
        get autoInstallOnAppQuit() {
          return autoUpdater.autoInstallOnAppQuit;
        },
        set autoInstallOnAppQuit(v: boolean) {
          autoUpdater.autoInstallOnAppQuit = v;
        },
        setFeedURL: (o) => autoUpdater.setFeedURL(o),
        checkForUpdates: () => autoUpdater.checkForUpdates(),
        on(event: 'error' | 'update-downloaded', listener: ((error: Error) => void) | ((info: { version: string }) => void)) {
          if (event === 'error') autoUpdater.on('error', (err) => (listener as (error: Error) => void)(err));
          else autoUpdater.on('update-downloaded', (info) => (listener as (info: { version: string }) => void)(info));
        },
      };
      updates = new UpdateScheduler(
        updater,
        resolveUpdateFeed({ env: process.env, configuredUrl: prefs.updateFeedUrl, isPackaged: app.isPackaged }),
        realTimers,
        log,
        (version) =>
          showNotification({ kind: 'update-ready', title: text.updates.readyTitle, body: text.updates.readyBody(version), route: null }),
      );
      updates.start();
      log.info({ dataDir, logDir, user: os.userInfo().username }, 'GDial ready');
    })
    .catch((err: unknown) => {
      log.fatal({ err }, 'GDial could not start');
      dialog.showErrorBox('GDial', `GDial could not start: ${(err as Error).message}\n\n${text.engine.logHint(logDir)}`);
      app.exit(1);
    });
}
