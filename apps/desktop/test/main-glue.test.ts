// The real main-process glue (src/main/main.ts) run against a fake Electron: the app gets
// ready, the window is created hardened, the engine's utility process (the bundled engine
// host in a worker thread) starts, a window asks for its engine port and talks RPC over
// it, links and permissions are policed, a second instance's gdial:// link is routed, and
// quitting drains the engine before the app exits. What this cannot show is Electron
// itself doing its part; see docs/desktop.md for the workstation checklist.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bundleOptions, desktopDir, repoRoot } from '../scripts/bundle';
import { IPC } from '../src/common/ipc-channels';
import { consoleCsp } from '../src/main/security/csp';
import { FakeBrowserWindow, fake } from './support/fake-electron';

vi.mock('electron', async () => (await import('./support/fake-electron')).electronModule);
vi.mock('electron-updater', async () => ({ default: { autoUpdater: (await import('./support/fake-electron')).fakeUpdater } }));

const tmp = mkdtempSync(path.join(os.tmpdir(), 'gdial-main-'));
const cacheDir = path.join(desktopDir, 'node_modules', '.cache', `gdial-main-test-${process.pid}`);

const until = async (what: string, pred: () => boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

beforeAll(async () => {
  mkdirSync(cacheDir, { recursive: true });
  fake.engineBundle = path.join(cacheDir, 'engine-host.js');
  await build({ ...bundleOptions().engineHost, outfile: fake.engineBundle, sourcemap: false });
  fake.app.paths = { logs: path.join(tmp, 'logs'), userData: path.join(tmp, 'user') };
  mkdirSync(fake.app.paths.userData!, { recursive: true });
  process.env.GDIAL_DATA_DIR = path.join(tmp, 'data');
  process.env.GDIAL_LOG_LEVEL = 'info';
  // Importing runs the module: lock, handlers, then waits for 'ready'.
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  await import('../src/main/main');
  fake.app.becomeReady();
  await until('the window', () => FakeBrowserWindow.all.length === 1);
  stdout.mockRestore();
}, 60_000);

afterAll(() => {
  delete process.env.GDIAL_DATA_DIR;
  delete process.env.GDIAL_LOG_LEVEL;
  for (const f of fake.forks) void f.worker.terminate();
  rmSync(cacheDir, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
});

const trustedEvent = (wc: FakeBrowserWindow['webContents']) => ({
  sender: wc,
  senderFrame: { url: 'app://console/index.html', parent: null },
});

describe('main process glue (against a fake Electron)', { timeout: 60_000 }, () => {
  it('registers app:// as a secure standard scheme and serves the console with the CSP', async () => {
    expect(fake.privilegedSchemes).toEqual([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) as unknown },
    ]);
    const res = await fake.protocolHandlers.get('app')!(new Request('app://console/assets/none.js'));
    expect(res.headers.get('content-security-policy')).toBe(consoleCsp());
    const escape = await fake.protocolHandlers.get('app')!(new Request('app://elsewhere/index.html'));
    expect(escape.status).toBe(403);
  });

  it('opens one hardened window on the console', () => {
    const win = FakeBrowserWindow.all[0]!;
    expect(win.loadedUrl).toBe('app://console/index.html');
    expect(win.options.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      preload: path.join(desktopDir, 'dist/preload/preload.cjs'),
    });
    expect(win.webContents.windowOpenHandler!({ url: 'https://example.org/' })).toEqual({ action: 'deny' });
    const nav = { url: 'file:///etc/passwd', preventDefault: vi.fn() };
    win.webContents.emit('will-navigate', nav);
    expect(nav.preventDefault).toHaveBeenCalled();
  });

  it('allows the microphone and refuses the camera and devices', () => {
    const results: boolean[] = [];
    fake.session.permissionRequest!({}, 'media', (ok: boolean) => results.push(ok), {
      requestingUrl: 'app://console/index.html',
      isMainFrame: true,
      mediaTypes: ['audio'],
    });
    fake.session.permissionRequest!({}, 'media', (ok: boolean) => results.push(ok), {
      requestingUrl: 'app://console/index.html',
      isMainFrame: true,
      mediaTypes: ['video'],
    });
    expect(results).toEqual([true, false]);
    expect(fake.session.devicePermission!()).toBe(false);
  });

  it('starts the engine in a utility process with the source root, and wires the window to it', async () => {
    expect(fake.forks).toHaveLength(1);
    const child = fake.forks[0]!;
    expect(child.modulePath).toBe(path.join(desktopDir, 'dist/engine-host/engine-host.js'));
    expect(child.options).toMatchObject({ stdio: 'pipe', serviceName: 'GDial engine' });
    expect(child.options.env?.GDIAL_SOURCE_ROOT).toBe(repoRoot);

    const wc = FakeBrowserWindow.all[0]!.webContents;
    fake.ipcOn.get(IPC.enginePortRequest)!(trustedEvent(wc));
    await until('the engine port', () => wc.posted.length === 1);
    expect(wc.posted[0]!.channel).toBe(IPC.enginePort);
    const port = wc.posted[0]!.ports[0]!;
    const reply = new Promise<unknown>((r) => port.once('message', r));
    port.postMessage({ type: 'req', id: 1, method: 'system.info', params: {} });
    expect(await reply).toMatchObject({ type: 'res', id: 1, result: { ok: true, value: { dataDir: path.join(tmp, 'data') } } });
    expect(wc.sent.some(([ch, s]) => ch === IPC.engineStatus && (s as { state: string }).state === 'running')).toBe(true);
  });

  it('ignores IPC from anything but the console top frame', () => {
    const wc = FakeBrowserWindow.all[0]!.webContents;
    const before = wc.posted.length;
    fake.ipcOn.get(IPC.enginePortRequest)!({ sender: wc, senderFrame: { url: 'https://evil.example/', parent: null } });
    fake.ipcOn.get(IPC.enginePortRequest)!({ sender: wc, senderFrame: { url: 'app://console/index.html', parent: {} } });
    expect(wc.posted.length).toBe(before);
  });

  it('opens only validated links through the OS', async () => {
    const wc = FakeBrowserWindow.all[0]!.webContents;
    const open = fake.ipcHandle.get(IPC.openExternal)!;
    expect(await open(trustedEvent(wc), 'file:///etc/passwd')).toBe(false);
    expect(await open(trustedEvent(wc), 'https://www.krisinformation.se/')).toBe(true);
    // (the window.open of example.org earlier went to the OS too)
    expect(fake.opened).toEqual(['https://example.org/', 'https://www.krisinformation.se/']);
    expect(await fake.ipcHandle.get(IPC.appVersion)!(trustedEvent(wc))).toBe('0.1.0');
  });

  it("opens the OS file dialog for a voice's files, modal to the console, and hands back the paths", async () => {
    const wc = FakeBrowserWindow.all[0]!.webContents;
    const choose = fake.ipcHandle.get(IPC.chooseVoiceFiles)!;
    fake.openDialog.answer = {
      canceled: false,
      filePaths: ['C:\\Röster\\sv_SE-lisa-medium.onnx', 'C:\\Röster\\sv_SE-lisa-medium.onnx.json'],
    };
    expect(await choose(trustedEvent(wc), 'Välj rösten')).toEqual(fake.openDialog.answer.filePaths);
    expect(fake.openDialog.asked.at(-1)).toEqual([
      wc.id,
      expect.objectContaining({ title: 'Välj rösten', properties: ['openFile', 'multiSelections'] }),
    ]);
    fake.openDialog.answer = { canceled: true, filePaths: [] };
    expect(await choose(trustedEvent(wc), 'Välj rösten')).toEqual([]);
    // Not the console: no dialog at all.
    const asked = fake.openDialog.asked.length;
    expect(await choose({ sender: wc, senderFrame: { url: 'https://evil.example/', parent: null } }, 'x')).toEqual([]);
    expect(fake.openDialog.asked.length).toBe(asked);
  });

  it('shows the quiet tray and the Swedish menu', () => {
    expect(fake.trays[0]).toMatchObject({ tooltip: 'GDial – inget larm pågår', image: path.join(repoRoot, 'build/icons/tray-idle.png') });
    const menu = fake.menus.at(-1) as { label: string }[];
    expect(menu[0]!.label).toBe(process.platform === 'darwin' ? 'GDial' : 'Arkiv');
  });

  it("routes a second instance's gdial:// link to the window and ignores a bad one", () => {
    const wc = FakeBrowserWindow.all[0]!.webContents;
    const focusedBefore = fake.focused;
    fake.app.emit('second-instance', {}, ['GDial.exe', 'gdial://campaign/42']);
    fake.app.emit('second-instance', {}, ['GDial.exe', 'gdial://campaign/42?start=now']);
    expect(wc.sent.filter(([ch]) => ch === IPC.deepLink)).toEqual([[IPC.deepLink, { kind: 'campaign', campaignId: 42 }]]);
    expect(fake.focused).toBeGreaterThan(focusedBefore);
  });

  it('restarts a crashed engine, re-wires the window and tells it', async () => {
    const wc = FakeBrowserWindow.all[0]!.webContents;
    const portsBefore = wc.posted.length;
    void fake.forks[0]!.worker.terminate(); // the engine process dies
    await until('a new engine process', () => fake.forks.length === 2);
    await until('a new engine port', () => wc.posted.length === portsBefore + 1);
    const states = wc.sent.filter(([ch]) => ch === IPC.engineStatus).map(([, s]) => s as { state: string; message: string | null });
    expect(states.map((s) => s.state)).toEqual(expect.arrayContaining(['restarting', 'starting', 'running']));
    expect(states.find((s) => s.state === 'restarting')!.message).toMatch(/startas om/);
    const port = wc.posted.at(-1)!.ports[0]!;
    const reply = new Promise<unknown>((r) => port.once('message', r));
    port.postMessage({ type: 'req', id: 2, method: 'system.info', params: {} });
    expect(await reply).toMatchObject({ type: 'res', id: 2, result: { ok: true } });
    expect(fake.trays[0]!.image).toBe(path.join(repoRoot, 'build/icons/tray-idle.png'));
  });

  it('drains the engine before quitting', async () => {
    fake.app.quit();
    expect(fake.exited).toBe(false); // held back while the engine persists
    await until('the app to exit', () => fake.exited);
    expect(fake.app.quitCalls).toBe(2);
    const mainLog = readFileSync(path.join(tmp, 'logs', 'main.log'), 'utf8');
    expect(mainLog).toContain('"drained":true');
    expect(mainLog).toContain('engine stopped; quitting');
    // The refused file: link and the bad deep link were logged without secrets.
    expect(mainLog).toContain('refused to leave the console');
    expect(mainLog).toContain('ignored a gdial:// link');
  });
});
