// The preload exposes exactly window.gdial with the intended calls, and nothing of
// Electron or Node. The page-world half runs in a separate vm context from its source
// text, the way Electron serialises it, so a reference to anything outside the function
// would fail here too. The bundled preload (what ships) is checked the same way.
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { bundleOptions } from '../scripts/bundle';
import {
  EXPOSED_API_KEYS,
  PORT_MESSAGE_TAG,
  installBridge,
  type ContextBridgeLike,
  type IpcEventLike,
  type IpcRendererLike,
} from '../src/preload/bridge';
import { IPC } from '../src/common/ipc-channels';

type Listener = (event: IpcEventLike, ...args: unknown[]) => void;

class FakeIpcRenderer implements IpcRendererLike {
  readonly sent: unknown[][] = [];
  readonly invoked: unknown[][] = [];
  readonly listeners = new Map<string, Set<Listener>>();
  answers: Record<string, unknown> = {
    [IPC.appVersion]: '0.1.0',
    [IPC.openExternal]: true,
    [IPC.notify]: true,
    [IPC.chooseVoiceFiles]: ['/röster/sv_SE-lisa-medium.onnx', '/röster/sv_SE-lisa-medium.onnx.json'],
    [IPC.restoreBackup]: true,
  };
  send(channel: string, ...args: unknown[]) {
    this.sent.push([channel, ...args]);
  }
  async invoke(channel: string, ...args: unknown[]) {
    this.invoked.push([channel, ...args]);
    return this.answers[channel];
  }
  on(channel: string, listener: Listener) {
    let set = this.listeners.get(channel);
    if (!set) this.listeners.set(channel, (set = new Set()));
    set.add(listener);
    return this;
  }
  removeListener(channel: string, listener: Listener) {
    this.listeners.get(channel)?.delete(listener);
    return this;
  }
  emit(channel: string, event: IpcEventLike, ...args: unknown[]) {
    for (const l of this.listeners.get(channel) ?? []) l(event, ...args);
  }
}

/** The page's world: its own globals, a window that delivers postMessage to its listeners. */
function pageWorld() {
  const listeners = new Set<(ev: unknown) => void>();
  const win: Record<string, unknown> = {
    location: { origin: 'app://console' },
    addEventListener: (type: string, l: (ev: unknown) => void) => type === 'message' && listeners.add(l),
    removeEventListener: (_type: string, l: (ev: unknown) => void) => listeners.delete(l),
    postMessage: (data: unknown, origin: string, transfer: unknown[] = []) => {
      if (origin !== '*' && origin !== 'app://console') return;
      setTimeout(() => {
        for (const l of [...listeners]) l({ source: win, data, ports: transfer });
      }, 0);
    },
  };
  const context = vm.createContext({ window: win, setTimeout, clearTimeout });
  const contextBridge: ContextBridgeLike & { calls: number } = {
    calls: 0,
    executeInMainWorld({ func, args = [] }) {
      this.calls++;
      const fn = vm.runInContext(`(${func.toString()})`, context) as (...a: unknown[]) => unknown;
      fn(...args);
    },
  };
  return { win, listeners, contextBridge, messageListenerCount: () => listeners.size };
}

function install() {
  const page = pageWorld();
  const ipc = new FakeIpcRenderer();
  installBridge({
    contextBridge: page.contextBridge,
    ipcRenderer: ipc,
    window: page.win as never,
    createChannel: () => new MessageChannel(),
  });
  const gdial = page.win.gdial as Record<string, (...a: unknown[]) => unknown>;
  return { page, ipc, gdial };
}

const nextMessage = (port: MessagePort) => new Promise<unknown>((resolve) => (port.onmessage = (e: MessageEvent) => resolve(e.data)));

describe('preload bridge', () => {
  it('exposes exactly the intended API on window.gdial, frozen and not replaceable', () => {
    const { page, gdial } = install();
    expect(Object.keys(gdial).sort()).toEqual([...EXPOSED_API_KEYS].sort());
    expect(EXPOSED_API_KEYS).toEqual([
      'enginePort',
      'appVersion',
      'openExternal',
      'notify',
      'chooseVoiceFiles',
      'printReportPdf',
      'restoreBackup',
      'onEngineStatus',
      'onDeepLink',
    ]);
    for (const k of EXPOSED_API_KEYS) expect(typeof gdial[k]).toBe('function');
    expect(Object.isFrozen(gdial)).toBe(true);
    const desc = Object.getOwnPropertyDescriptor(page.win, 'gdial')!;
    expect(desc.writable).toBe(false);
    expect(desc.configurable).toBe(false);
    // Nothing else reached the page.
    expect(Object.keys(page.win).sort()).toEqual(['addEventListener', 'gdial', 'location', 'postMessage', 'removeEventListener']);
    expect(page.contextBridge.calls).toBe(1);
  });

  it('asks main for an engine channel once, at load', () => {
    const { ipc } = install();
    expect(ipc.sent).toEqual([[IPC.enginePortRequest]]);
  });

  it('gives the page a port that reaches the engine, and keeps working across an engine restart', async () => {
    const { ipc, gdial, page } = install();
    const pagePort = (await gdial.enginePort!()) as MessagePort;
    expect(page.messageListenerCount()).toBe(0); // the one-shot listener is gone

    // Calls made before the engine is connected wait in the relay.
    pagePort.postMessage({ type: 'req', id: 1, method: 'system.info', params: {} });

    const first = new MessageChannel();
    const firstGot = nextMessage(first.port2);
    ipc.emit(IPC.enginePort, { ports: [first.port1] });
    expect(await firstGot).toEqual({ type: 'req', id: 1, method: 'system.info', params: {} });

    const pageGot = nextMessage(pagePort);
    first.port2.postMessage({ type: 'res', id: 1, result: { ok: true, value: 'v1' } });
    expect(await pageGot).toEqual({ type: 'res', id: 1, result: { ok: true, value: 'v1' } });

    // The engine crashed and main handed over a channel to the new process.
    const second = new MessageChannel();
    ipc.emit(IPC.enginePort, { ports: [second.port1] });
    const secondGot = nextMessage(second.port2);
    pagePort.postMessage({ type: 'req', id: 2, method: 'system.info', params: {} });
    expect(await secondGot).toMatchObject({ id: 2 });
    const pageGot2 = nextMessage(pagePort);
    second.port2.postMessage({ type: 'event', name: 'x', payload: {} });
    expect(await pageGot2).toEqual({ type: 'event', name: 'x', payload: {} });

    pagePort.close();
    first.port2.close();
    second.port2.close();
  });

  it('answers calls in flight with UNAVAILABLE when the engine dies, and sends later ones to the new engine', async () => {
    const { ipc, gdial } = install();
    const pagePort = (await gdial.enginePort!()) as MessagePort;
    const first = new MessageChannel();
    ipc.emit(IPC.enginePort, { ports: [first.port1] });
    const received: unknown[] = [];
    first.port2.onmessage = (e: MessageEvent) => received.push(e.data);
    const pageGot: unknown[] = [];
    pagePort.onmessage = (e: MessageEvent) => pageGot.push(e.data);

    pagePort.postMessage({ type: 'req', id: 5, method: 'campaigns.start', params: {} });
    pagePort.postMessage({ type: 'req', id: 6, method: 'system.info', params: {} });
    await new Promise((r) => setTimeout(r, 10));
    expect(received).toHaveLength(2);
    first.port2.postMessage({ type: 'res', id: 6, result: { ok: true, value: {} } });
    await new Promise((r) => setTimeout(r, 10));

    ipc.emit(IPC.engineStatus, { ports: [] }, { state: 'restarting', message: 'x' });
    await new Promise((r) => setTimeout(r, 10));
    expect(pageGot).toEqual([
      { type: 'res', id: 6, result: { ok: true, value: {} } },
      {
        type: 'res',
        id: 5,
        result: { ok: false, error: { code: 'UNAVAILABLE', message: expect.stringMatching(/check before repeating/) as unknown } },
      },
    ]);

    pagePort.postMessage({ type: 'req', id: 7, method: 'system.info', params: {} }); // while restarting: waits
    const second = new MessageChannel();
    const secondGot = nextMessage(second.port2);
    ipc.emit(IPC.enginePort, { ports: [second.port1] });
    expect(await secondGot).toMatchObject({ id: 7 });
    pagePort.close();
    first.port2.close();
    second.port2.close();
  });

  it('accepts the port only from its own window message', async () => {
    const { gdial, page } = install();
    const pending = gdial.enginePort!() as Promise<MessagePort>;
    // A forged message from elsewhere (other source / wrong tag) is ignored.
    for (const l of [...page.listeners]) {
      l({ source: {}, data: PORT_MESSAGE_TAG, ports: [new MessageChannel().port1] });
      l({ source: page.win, data: 'something else', ports: [new MessageChannel().port1] });
    }
    const port = await pending;
    expect(port).toBeInstanceOf(MessagePort);
    port.close();
  });

  it('routes the fixed calls to their channels with checked arguments', async () => {
    const { ipc, gdial } = install();
    expect(await gdial.appVersion!()).toBe('0.1.0');
    expect(await gdial.openExternal!('https://www.msb.se/')).toBe(true);
    expect(await gdial.notify!('Kampanj klar', '48 av 50 bekräftade')).toBe(true);
    expect(await gdial.chooseVoiceFiles!('Välj rösten')).toEqual(['/röster/sv_SE-lisa-medium.onnx', '/röster/sv_SE-lisa-medium.onnx.json']);
    expect(ipc.invoked).toEqual([
      [IPC.appVersion],
      [IPC.openExternal, 'https://www.msb.se/'],
      [IPC.notify, 'Kampanj klar', '48 av 50 bekräftade'],
      [IPC.chooseVoiceFiles, 'Välj rösten'],
    ]);
    // Only paths come back to the page, whatever main answered.
    ipc.answers[IPC.chooseVoiceFiles] = ['/a.onnx', 42, { path: '/b' }];
    expect(await gdial.chooseVoiceFiles!('Välj rösten')).toEqual(['/a.onnx']);
    ipc.answers[IPC.chooseVoiceFiles] = 'nope';
    expect(await gdial.chooseVoiceFiles!('Välj rösten')).toEqual([]);
    await expect(gdial.chooseVoiceFiles!(7)).rejects.toThrow(/title must be text/);
    await expect(gdial.openExternal!({ href: 'x' })).rejects.toThrow(/url must be text/);
    await expect(gdial.notify!('x'.repeat(5000), '')).rejects.toThrow(/title must be text/);
    ipc.answers[IPC.openExternal] = 'yes';
    expect(await gdial.openExternal!('https://example.org/')).toBe(false);
    ipc.invoked.length = 0;
    expect(await gdial.restoreBackup!('gdial-20261207T074602123Z-manual.db')).toBe(true);
    expect(ipc.invoked).toEqual([[IPC.restoreBackup, 'gdial-20261207T074602123Z-manual.db']]);
    ipc.answers[IPC.restoreBackup] = 'yes';
    expect(await gdial.restoreBackup!('gdial-20261207T074602123Z-manual.db')).toBe(false);
    await expect(gdial.restoreBackup!(null)).rejects.toThrow(/name must be text/);
  });

  it('delivers engine status and deep links to subscribers until they unsubscribe', () => {
    const { ipc, gdial } = install();
    const statuses: unknown[] = [];
    const links: unknown[] = [];
    const off = gdial.onEngineStatus!((s: unknown) => statuses.push(s)) as () => void;
    gdial.onDeepLink!((r: unknown) => links.push(r));
    ipc.emit(IPC.engineStatus, { ports: [] }, { state: 'restarting' });
    ipc.emit(IPC.deepLink, { ports: [] }, { kind: 'campaign', campaignId: 4 });
    off();
    ipc.emit(IPC.engineStatus, { ports: [] }, { state: 'running' });
    expect(statuses).toEqual([{ state: 'restarting' }]);
    expect(links).toEqual([{ kind: 'campaign', campaignId: 4 }]);
    expect(() => gdial.onDeepLink!('not a function')).toThrow(TypeError);
  });

  it('replays the current engine status to a late subscriber and hands over a deep link that arrived first', () => {
    const { ipc, gdial } = install();
    ipc.emit(IPC.engineStatus, { ports: [] }, { state: 'starting' });
    ipc.emit(IPC.engineStatus, { ports: [] }, { state: 'running' });
    ipc.emit(IPC.deepLink, { ports: [] }, { kind: 'campaign', campaignId: 9 });
    const a: unknown[] = [];
    const b: unknown[] = [];
    gdial.onEngineStatus!((s: unknown) => a.push(s));
    gdial.onEngineStatus!((s: unknown) => b.push(s));
    expect(a).toEqual([{ state: 'running' }]);
    expect(b).toEqual([{ state: 'running' }]);
    const first: unknown[] = [];
    const second: unknown[] = [];
    gdial.onDeepLink!((r: unknown) => first.push(r));
    gdial.onDeepLink!((r: unknown) => second.push(r));
    expect(first).toEqual([{ kind: 'campaign', campaignId: 9 }]);
    expect(second).toEqual([]); // a link opens once
  });
});

describe('bundled preload', () => {
  it('requires only electron and exposes the same API when loaded as a sandboxed script', async () => {
    const opts = bundleOptions().preload;
    const out = await build({ ...opts, write: false, sourcemap: false, outfile: 'preload.cjs' });
    const code = out.outputFiles[0]!.text;
    const page = pageWorld();
    const ipc = new FakeIpcRenderer();
    const required: string[] = [];
    const sandbox = {
      require: (id: string) => {
        required.push(id);
        if (id !== 'electron') throw new Error(`sandboxed preloads cannot require ${id}`);
        return { contextBridge: page.contextBridge, ipcRenderer: ipc };
      },
      module: { exports: {} },
      exports: {},
      window: page.win,
      MessageChannel,
    };
    vm.runInNewContext(code, sandbox);
    expect(required).toEqual(['electron']);
    expect(Object.keys(page.win.gdial as object).sort()).toEqual([...EXPOSED_API_KEYS].sort());
    expect(ipc.sent).toEqual([[IPC.enginePortRequest]]);
  });

  it('is the file the build writes', () => {
    expect(bundleOptions().preload.outfile).toMatch(/dist[\\/]preload[\\/]preload\.cjs$/);
    expect(bundleOptions().preload.format).toBe('cjs');
    expect(readFileSync(new URL('../src/preload/preload.ts', import.meta.url), 'utf8')).toContain('installBridge');
  });
});
