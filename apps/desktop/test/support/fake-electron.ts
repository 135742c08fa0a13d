// A stand-in for the parts of Electron's main-process API that src/main/main.ts and its
// steps use, so the real glue can run in Node: windows and sessions record what was set on
// them, the utility process is a worker thread running the bundled engine host (through
// utility-process-shim.mjs), and message channels are Node's.
import { EventEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { FakeSafeStorage } from './fake-safe-storage';

type Listener = (...args: never[]) => unknown;

class Emitter {
  readonly listeners = new Map<string, Listener[]>();
  on(event: string, l: Listener) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), l]);
    return this;
  }
  once(event: string, l: Listener) {
    return this.on(event, l);
  }
  emit(event: string, ...args: unknown[]) {
    for (const l of this.listeners.get(event) ?? []) (l as (...a: unknown[]) => unknown)(...args);
  }
}

export class FakeWebContents extends Emitter {
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  readonly sent: [string, unknown][] = [];
  readonly posted: { channel: string; ports: MessagePort[] }[] = [];
  windowOpenHandler: ((d: { url: string }) => unknown) | null = null;
  destroyed = false;
  readonly mainFrame = { url: 'app://console/index.html', parent: null };
  send(channel: string, payload: unknown) {
    this.sent.push([channel, payload]);
  }
  postMessage(channel: string, _message: unknown, ports: MessagePort[]) {
    this.posted.push({ channel, ports });
  }
  isDestroyed() {
    return this.destroyed;
  }
  isLoading() {
    return false;
  }
  setWindowOpenHandler(h: (d: { url: string }) => unknown) {
    this.windowOpenHandler = h;
  }
}

export class FakeBrowserWindow extends Emitter {
  static all: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  loadedUrl: string | null = null;
  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.all.push(this);
    fake.app.emit('web-contents-created', {}, this.webContents);
  }
  static getAllWindows() {
    return FakeBrowserWindow.all;
  }
  static fromWebContents(wc: unknown) {
    return FakeBrowserWindow.all.find((w) => w.webContents === wc) ?? null;
  }
  async loadURL(url: string) {
    this.loadedUrl = url;
  }
  isDestroyed() {
    return false;
  }
  isMinimized() {
    return false;
  }
  restore() {}
  show() {}
  focus() {
    fake.focused++;
  }
}

class FakeApp extends Emitter {
  isPackaged = false;
  quitCalls = 0;
  paths: Record<string, string> = {};
  private ready!: () => void;
  private readonly readyPromise = new Promise<void>((r) => (this.ready = r));
  private isReadyFlag = false;
  requestSingleInstanceLock() {
    return true;
  }
  setAppUserModelId() {}
  setAsDefaultProtocolClient() {
    return true;
  }
  getPath(name: string) {
    const p = this.paths[name];
    if (!p) throw new Error(`no path ${name}`);
    return p;
  }
  getVersion() {
    return '0.1.0';
  }
  whenReady() {
    return this.readyPromise;
  }
  isReady() {
    return this.isReadyFlag;
  }
  becomeReady() {
    this.isReadyFlag = true;
    this.ready();
  }
  quit() {
    this.quitCalls++;
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (!prevented) fake.exited = true;
  }
  exit() {
    fake.exited = true;
  }
}

export class FakeUtilityProcess extends EventEmitter {
  readonly worker: Worker;
  readonly stdout;
  readonly stderr;
  constructor(
    readonly modulePath: string,
    readonly options: { env?: Record<string, string | undefined>; stdio?: unknown; serviceName?: string },
  ) {
    super();
    if (!fake.engineBundle) throw new Error('the test did not build the engine bundle');
    this.worker = new Worker(new URL('./utility-process-shim.mjs', import.meta.url), {
      workerData: { bundle: pathToFileURL(fake.engineBundle).href },
      // The engine logs straight to fd 1; keep the test output clean.
      env: { ...options.env, GDIAL_LOG_LEVEL: 'silent' },
      stdout: true,
      stderr: true,
    });
    this.stdout = this.worker.stdout;
    this.stderr = this.worker.stderr;
    this.worker.on('message', (m) => this.emit('message', m));
    this.worker.on('exit', (code) => this.emit('exit', code));
  }
  postMessage(message: unknown, ports: MessagePort[] = []) {
    this.worker.postMessage({ data: message, ports }, ports);
  }
  kill() {
    void this.worker.terminate();
    return true;
  }
}

export const fake = {
  app: new FakeApp(),
  ipcOn: new Map<string, (event: unknown, ...args: unknown[]) => void>(),
  ipcHandle: new Map<string, (event: unknown, ...args: unknown[]) => unknown>(),
  protocolHandlers: new Map<string, (req: Request) => Promise<Response>>(),
  privilegedSchemes: [] as unknown[],
  session: {
    permissionRequest: null as null | ((...a: unknown[]) => void),
    permissionCheck: null as null | ((...a: unknown[]) => boolean),
    devicePermission: null as null | (() => boolean),
    displayMedia: null as null | ((...a: unknown[]) => void),
  },
  menus: [] as unknown[],
  trays: [] as { tooltip: string; image: string }[],
  notifications: [] as { title: string; body: string }[],
  opened: [] as string[],
  /** What the OS file dialog answers next, and what it was asked (window id or null, options). */
  openDialog: {
    answer: { canceled: false, filePaths: [] as string[] } as { canceled: boolean; filePaths: string[] },
    asked: [] as unknown[][],
  },
  forks: [] as FakeUtilityProcess[],
  focused: 0,
  exited: false,
  engineBundle: '',
};

const channel = () => {
  const { port1, port2 } = new MessageChannel();
  return { port1, port2 };
};

export const electronModule = {
  app: fake.app,
  BrowserWindow: FakeBrowserWindow,
  Menu: {
    buildFromTemplate: (t: unknown) => t,
    setApplicationMenu: (m: unknown) => fake.menus.push(m),
  },
  MessageChannelMain: class {
    readonly port1: MessagePort;
    readonly port2: MessagePort;
    constructor() {
      ({ port1: this.port1, port2: this.port2 } = channel());
    }
  },
  Notification: class {
    static isSupported() {
      return true;
    }
    constructor(private readonly o: { title: string; body: string }) {}
    on() {}
    show() {
      fake.notifications.push({ title: this.o.title, body: this.o.body });
    }
  },
  Tray: class {
    private readonly entry = { tooltip: '', image: '' };
    constructor(image: { path: string }) {
      this.entry.image = image.path;
      fake.trays.push(this.entry);
    }
    setImage(image: { path: string }) {
      this.entry.image = image.path;
    }
    setToolTip(t: string) {
      this.entry.tooltip = t;
    }
    setContextMenu() {}
    on() {}
  },
  dialog: {
    showErrorBox: (title: string, content: string) => {
      throw new Error(`error box: ${title}: ${content}`);
    },
    showMessageBox: async () => ({ response: 0 }),
    showOpenDialog: async (...args: unknown[]) => {
      fake.openDialog.asked.push(args.map((a) => (a instanceof FakeBrowserWindow ? a.webContents.id : a)));
      return fake.openDialog.answer;
    },
  },
  ipcMain: {
    on: (ch: string, l: (event: unknown, ...args: unknown[]) => void) => fake.ipcOn.set(ch, l),
    handle: (ch: string, l: (event: unknown, ...args: unknown[]) => unknown) => fake.ipcHandle.set(ch, l),
  },
  nativeImage: { createFromPath: (p: string) => ({ path: p, isEmpty: () => false }) },
  protocol: {
    registerSchemesAsPrivileged: (s: unknown[]) => fake.privilegedSchemes.push(...s),
    handle: (scheme: string, h: (req: Request) => Promise<Response>) => fake.protocolHandlers.set(scheme, h),
  },
  // The OS key store is there (the engine's database key is sealed by it; without one GDial does not start).
  safeStorage: new FakeSafeStorage(),
  session: {
    defaultSession: {
      setPermissionRequestHandler: (h: (...a: unknown[]) => void) => (fake.session.permissionRequest = h),
      setPermissionCheckHandler: (h: (...a: unknown[]) => boolean) => (fake.session.permissionCheck = h),
      setDevicePermissionHandler: (h: () => boolean) => (fake.session.devicePermission = h),
      setDisplayMediaRequestHandler: (h: (...a: unknown[]) => void) => (fake.session.displayMedia = h),
      webRequest: { onHeadersReceived: () => {} },
    },
  },
  shell: {
    openExternal: async (url: string) => {
      fake.opened.push(url);
    },
    openPath: async () => '',
  },
  utilityProcess: {
    fork: (modulePath: string, _args: string[], options: FakeUtilityProcess['options']) => {
      const p = new FakeUtilityProcess(modulePath, options);
      fake.forks.push(p);
      return p;
    },
  },
};

export const fakeUpdater = {
  autoDownload: false,
  autoInstallOnAppQuit: false,
  logger: null as unknown,
  setFeedURL: () => {},
  checkForUpdates: async () => null,
  on: () => {},
};
