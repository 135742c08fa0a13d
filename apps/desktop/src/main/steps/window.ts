// Steps "window" and "deep links": the one console window (hardened, created again when
// the operator comes back to a closed one), and gdial:// links — from the command line, a
// second instance or macOS's open-url — routed to it, held until the console has loaded.
import path from 'node:path';
import type { App, BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import type { Logger } from 'pino';
import { IPC } from '../../common/ipc-channels';
import { DEEP_LINK_SCHEME, deepLinkFromArgv, parseDeepLink, type DeepLinkRoute } from '../deep-link';
import { APP_ENTRY_URL } from '../security/origin';
import { secureWebPreferences } from '../security/web-preferences';

export interface ConsoleWindowDeps {
  createBrowserWindow(options: BrowserWindowConstructorOptions): BrowserWindow;
  preload: string;
  devTools: boolean;
  log: Logger;
  /** Whether a window may close now (the quit flow asks first during an alert). */
  windowClosing(isLastWindow: boolean): boolean;
  windowCount(): number;
  /** The window's web contents is gone: its engine channel goes too. */
  closed(webContentsId: number): void;
}

export class ConsoleWindow {
  private win: BrowserWindow | null = null;
  /** A route to open once the console has loaded. */
  private pendingRoute: DeepLinkRoute | null = null;

  constructor(private readonly deps: ConsoleWindowDeps) {}

  /** The window when it is open. */
  get current(): BrowserWindow | null {
    return this.win && !this.win.isDestroyed() ? this.win : null;
  }

  open(): void {
    const win = this.deps.createBrowserWindow({
      width: 1360,
      height: 900,
      minWidth: 960,
      minHeight: 640,
      show: false,
      title: 'GDial',
      backgroundColor: '#ffffff',
      webPreferences: secureWebPreferences(this.deps.preload, { devTools: this.deps.devTools }),
    });
    this.win = win;
    const id = win.webContents.id;
    win.once('ready-to-show', () => win.show());
    win.webContents.on('did-finish-load', () => {
      if (this.pendingRoute) {
        win.webContents.send(IPC.deepLink, this.pendingRoute);
        this.pendingRoute = null;
      }
    });
    win.webContents.on('render-process-gone', (_e, details) =>
      this.deps.log.error({ reason: details.reason, exitCode: details.exitCode }, 'console renderer gone'),
    );
    win.on('close', (event) => {
      if (!this.deps.windowClosing(this.deps.windowCount() === 1)) event.preventDefault();
    });
    win.on('closed', () => {
      this.deps.closed(id);
      if (this.win === win) this.win = null;
    });
    void win.loadURL(APP_ENTRY_URL);
  }

  /** Brings the window forward, opening it again when it was closed. */
  focus(): void {
    const win = this.current;
    if (!win) {
      this.open();
      return;
    }
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  }

  /** Opens a console route now, or as soon as the console has loaded. */
  sendRoute(route: DeepLinkRoute): void {
    const win = this.current;
    if (win && !win.webContents.isLoading()) win.webContents.send(IPC.deepLink, route);
    else this.pendingRoute = route;
  }

  /** A gdial:// link: checked, then the window comes forward and opens it. */
  openDeepLink(raw: string): void {
    const parsed = parseDeepLink(raw);
    if (!parsed.ok) {
      this.deps.log.warn({ reason: parsed.reason }, 'ignored a gdial:// link');
      return;
    }
    this.focus();
    this.sendRoute(parsed.route);
  }

  /** A link that arrives before the app is ready: kept for the window that will open. */
  holdDeepLink(raw: string): void {
    const parsed = parseDeepLink(raw);
    if (parsed.ok) this.pendingRoute = parsed.route;
  }
}

/** Registers GDial for gdial:// and routes links from every way they arrive. */
export function acceptDeepLinks(app: App, window: ConsoleWindow, argv: readonly string[]): void {
  if (process.defaultApp && argv[1]) {
    // Development (`electron dist/main/main.js`): register with the script as argument.
    app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME, process.execPath, [path.resolve(argv[1])]);
  } else {
    app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
  }
  app.on('second-instance', (_e, secondArgv) => {
    window.focus();
    const link = deepLinkFromArgv(secondArgv);
    if (link) window.openDeepLink(link);
  });
  app.on('open-url', (event, url) => {
    event.preventDefault();
    if (app.isReady()) window.openDeepLink(url);
    else window.holdDeepLink(url);
  });
  const firstLink = deepLinkFromArgv(argv);
  if (firstLink) window.holdDeepLink(firstLink);
}
