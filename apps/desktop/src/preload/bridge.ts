// What the console page may use of the desktop: exactly the calls in GdialBridge and
// nothing else — no ipcRenderer, no Node, no generic "send". The page gets one
// MessagePort to the engine; the preload relays it to the engine's current process, so
// when main restarts a crashed engine and hands over a new port, the page's port stays
// valid and the console keeps working without a reload.
//
// MessagePorts cannot cross the contextBridge, so window.gdial is defined by a small
// function run in the page's world (executeInMainWorld); it receives the port through
// window.postMessage from this isolated world, as Electron's MessagePort guide describes.
import { IPC } from '../common/ipc-channels';

export const EXPOSED_API_KEYS = [
  'enginePort',
  'appVersion',
  'openExternal',
  'notify',
  'chooseVoiceFiles',
  'printReportPdf',
  'restoreBackup',
  'onEngineStatus',
  'onDeepLink',
] as const;

/** The isolated-world half of window.gdial, handed to the page-world script. */
export interface IsolatedApi {
  requestEnginePort(): void;
  appVersion(): Promise<string>;
  openExternal(url: string): Promise<boolean>;
  notify(title: string, body: string): Promise<boolean>;
  /** The OS file dialog for a voice's .onnx and .onnx.json: the chosen paths, none if cancelled. */
  chooseVoiceFiles(title: string): Promise<string[]>;
  /** Prints the after-action report (checked again in main) and saves it where the operator chooses. */
  printReportPdf(request: unknown): Promise<{ saved: boolean; fileName: string }>;
  restoreBackup(name: string): Promise<boolean>;
  onEngineStatus(listener: (status: unknown) => void): () => void;
  onDeepLink(listener: (route: unknown) => void): () => void;
}

export interface IpcEventLike {
  ports: readonly MessagePort[];
}

export interface IpcRendererLike {
  send(channel: string, ...args: unknown[]): void;
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): unknown;
}

export interface ContextBridgeLike {
  executeInMainWorld(script: { func: (...args: never[]) => unknown; args?: unknown[] }): void;
}

export interface WindowLike {
  postMessage(message: unknown, targetOrigin: string, transfer?: Transferable[]): void;
  location: { origin: string };
}

export interface BridgeDeps {
  contextBridge: ContextBridgeLike;
  ipcRenderer: IpcRendererLike;
  window: WindowLike;
  createChannel: () => { port1: MessagePort; port2: MessagePort };
}

/** The tag of the window message that carries the page's engine port. */
export const PORT_MESSAGE_TAG = 'gdial:engine-port';
/** Messages the page may send before the first engine process is connected. */
const MAX_QUEUED = 10_000;

/**
 * Relays between the page's stable port and whichever engine port is current. It knows
 * just enough of the wire format (protocol rpc-core: `{type:'req', id}` out,
 * `{type:'res', id}` back) to answer calls that were in flight when the engine died with
 * UNAVAILABLE at once, instead of leaving the operator waiting for a timeout.
 */
export class EnginePortRelay {
  private page: MessagePort | null = null;
  private engine: MessagePort | null = null;
  private queue: unknown[] = [];
  private readonly inflight = new Set<number>();
  dropped = 0;

  /** A fresh port for the page (an earlier page port, from before a reload, is closed). */
  pagePort(createChannel: () => { port1: MessagePort; port2: MessagePort }): MessagePort {
    this.page?.close();
    this.inflight.clear();
    const { port1, port2 } = createChannel();
    this.page = port2;
    port2.onmessage = (e: MessageEvent) => {
      if (this.engine) {
        this.track(e.data);
        this.engine.postMessage(e.data);
      } else if (this.queue.length < MAX_QUEUED) this.queue.push(e.data);
      else this.dropped++;
    };
    return port1;
  }

  /** The engine (re)started: from now on the page talks to this port. */
  useEngine(port: MessagePort): void {
    if (this.engine) this.engineLost(LOST_MESSAGE);
    this.engine = port;
    port.onmessage = (e: MessageEvent) => {
      const m = e.data as { type?: unknown; id?: unknown } | null;
      if (m?.type === 'res' && typeof m.id === 'number') this.inflight.delete(m.id);
      this.page?.postMessage(e.data);
    };
    const queued = this.queue;
    this.queue = [];
    for (const m of queued) {
      this.track(m);
      port.postMessage(m);
    }
  }

  /** The engine process is gone: fail what it will never answer; new calls wait for the next one. */
  engineLost(message: string): void {
    this.engine?.close();
    this.engine = null;
    for (const id of this.inflight) {
      this.page?.postMessage({ type: 'res', id, result: { ok: false, error: { code: 'UNAVAILABLE', message } } });
    }
    this.inflight.clear();
  }

  private track(data: unknown): void {
    const m = data as { type?: unknown; id?: unknown } | null;
    if (m?.type === 'req' && typeof m.id === 'number' && this.inflight.size < MAX_QUEUED) this.inflight.add(m.id);
  }
}

const LOST_MESSAGE =
  'The GDial engine stopped while this was in progress; it restarts by itself. The call may not have been carried out: check before repeating it.';

const MAX_TEXT = 2048;

/** Values from main to the page's listeners, with late subscribers in mind. */
class Broadcast {
  private readonly listeners = new Set<(value: unknown) => void>();
  private latest: { value: unknown } | null = null;

  /** replayLatest: every new subscriber gets the latest value; otherwise an unheard value waits for the first one. */
  constructor(private readonly replayLatest: boolean) {}

  publish(value: unknown): void {
    if (this.replayLatest || this.listeners.size === 0) this.latest = { value };
    for (const l of this.listeners) l(value);
  }

  subscribe(listener: (value: unknown) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    this.listeners.add(listener);
    if (this.latest) {
      const { value } = this.latest;
      if (!this.replayLatest) this.latest = null;
      listener(value);
    }
    return () => {
      this.listeners.delete(listener);
    };
  }
}

export function installBridge(deps: BridgeDeps): void {
  const { ipcRenderer } = deps;
  const relay = new EnginePortRelay();

  ipcRenderer.on(IPC.enginePort, (event) => {
    const port = event.ports[0];
    if (port) relay.useEngine(port);
  });
  // The page subscribes once React has mounted, which may be after main sent the engine
  // status or a deep link: the latest status is replayed to each new subscriber, and a
  // deep link that arrived with nobody listening is handed to the first one.
  const status = new Broadcast(true);
  const deepLinks = new Broadcast(false);
  ipcRenderer.on(IPC.engineStatus, (_event, value) => {
    const state = (value as { state?: unknown } | null)?.state;
    if (state === 'restarting' || state === 'failed') relay.engineLost(LOST_MESSAGE);
    status.publish(value);
  });
  ipcRenderer.on(IPC.deepLink, (_event, value) => deepLinks.publish(value));
  ipcRenderer.send(IPC.enginePortRequest);

  const text = (value: unknown, what: string): string => {
    if (typeof value !== 'string' || value.length > MAX_TEXT) throw new TypeError(`${what} must be text of at most ${MAX_TEXT} characters`);
    return value;
  };

  const api: IsolatedApi = {
    requestEnginePort() {
      const origin = deps.window.location.origin;
      deps.window.postMessage(PORT_MESSAGE_TAG, origin === 'null' ? '*' : origin, [relay.pagePort(deps.createChannel)]);
    },
    appVersion: async () => String(await ipcRenderer.invoke(IPC.appVersion)),
    openExternal: async (url) => (await ipcRenderer.invoke(IPC.openExternal, text(url, 'url'))) === true,
    notify: async (title, body) => (await ipcRenderer.invoke(IPC.notify, text(title, 'title'), text(body, 'body'))) === true,
    chooseVoiceFiles: async (title) => {
      const paths = await ipcRenderer.invoke(IPC.chooseVoiceFiles, text(title, 'title'));
      return Array.isArray(paths) ? paths.filter((p): p is string => typeof p === 'string') : [];
    },
    printReportPdf: async (request) => {
      const r = (await ipcRenderer.invoke(IPC.printReportPdf, request)) as { saved?: unknown; fileName?: unknown } | null;
      return { saved: r?.saved === true, fileName: typeof r?.fileName === 'string' ? r.fileName : '' };
    },
    restoreBackup: async (name) => (await ipcRenderer.invoke(IPC.restoreBackup, text(name, 'name'))) === true,
    onEngineStatus: (listener) => status.subscribe(listener),
    onDeepLink: (listener) => deepLinks.subscribe(listener),
  };

  deps.contextBridge.executeInMainWorld({ func: defineWindowGdial, args: [api, PORT_MESSAGE_TAG] });
}

/**
 * Runs in the page's world. Electron serialises this function, so it must not refer to
 * anything outside itself: only its arguments and the page's globals.
 */
function defineWindowGdial(api: IsolatedApi, tag: string): void {
  const enginePort = (): Promise<MessagePort> =>
    new Promise((resolve, reject) => {
      const onMessage = (ev: MessageEvent) => {
        if (ev.source !== window || ev.data !== tag || ev.ports.length !== 1) return;
        window.removeEventListener('message', onMessage);
        clearTimeout(timer);
        resolve(ev.ports[0]!);
      };
      const timer = setTimeout(() => {
        window.removeEventListener('message', onMessage);
        reject(new Error('The desktop app did not hand over the engine connection.'));
      }, 10_000);
      window.addEventListener('message', onMessage);
      api.requestEnginePort();
    });
  const gdial = Object.freeze({
    enginePort,
    appVersion: () => api.appVersion(),
    openExternal: (url: string) => api.openExternal(url),
    notify: (title: string, body: string) => api.notify(title, body),
    chooseVoiceFiles: (title: string) => api.chooseVoiceFiles(title),
    printReportPdf: (request: unknown) => api.printReportPdf(request),
    restoreBackup: (name: string) => api.restoreBackup(name),
    onEngineStatus: (listener: (status: unknown) => void) => api.onEngineStatus(listener),
    onDeepLink: (listener: (route: unknown) => void) => api.onDeepLink(listener),
  });
  Object.defineProperty(window, 'gdial', { value: gdial, writable: false, configurable: false, enumerable: true });
}
