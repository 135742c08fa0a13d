// The main process's steps (src/main/steps) where they decide something, without Electron:
// where data and logs go, how the engine is started, which IPC senders and notifications
// are accepted, what an engine status makes the shell do, and how the console window holds
// a gdial:// route until the console has loaded. main-glue.test.ts runs them all together.
import path from 'node:path';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { IPC } from '../src/common/ipc-channels';
import { strings } from '../src/main/i18n';
import { resolveLayout } from '../src/main/paths';
import { engineForkOptions } from '../src/main/steps/engine';
import { consoleNotification, isConsoleTopFrame } from '../src/main/steps/ipc';
import { desktopPaths } from '../src/main/steps/logging';
import { statusEffects } from '../src/main/steps/tray';
import { printReportPdf, type ReportPdfDeps } from '../src/main/steps/report-pdf';
import { chooseVoiceFiles } from '../src/main/steps/voice-files';
import { ConsoleWindow } from '../src/main/steps/window';
import { FakeBrowserWindow } from './support/fake-electron';

vi.mock('electron', async () => (await import('./support/fake-electron')).electronModule);

describe('paths and logging', () => {
  it('keeps data, preferences and logs apart, and lets GDIAL_DATA_DIR move the data', () => {
    const p = desktopPaths({ env: {}, userData: '/u', logDir: '/l' });
    expect(p).toEqual({
      dataDir: path.join('/u', 'data'),
      prefsFile: path.join('/u', 'desktop.json'),
      mainLogFile: path.join('/l', 'main.log'),
      engineLogFile: path.join('/l', 'engine.log'),
    });
    expect(desktopPaths({ env: { GDIAL_DATA_DIR: '/d' }, userData: '/u', logDir: '/l' }).dataDir).toBe('/d');
  });
});

describe('engine utility process', () => {
  it('passes the environment on with the source root, and the V8 flag espeak needs', () => {
    const layout = resolveLayout({ isPackaged: true, mainBundleDir: '/app/app.asar/dist/main', resourcesPath: '/app' });
    const options = engineForkOptions(layout, { PATH: '/bin' });
    expect(options).toMatchObject({ serviceName: 'GDial engine', stdio: 'pipe', execArgv: ['--max-optimized-bytecode-size=262144'] });
    expect(options.env).toEqual({ PATH: '/bin', GDIAL_SOURCE_ROOT: path.join('/app/app.asar', 'workspace') });
  });
});

describe('IPC', () => {
  it("answers only the console's top frame", () => {
    expect(isConsoleTopFrame({ url: 'app://console/index.html', parent: null })).toBe(true);
    expect(isConsoleTopFrame({ url: 'app://console/index.html', parent: {} })).toBe(false);
    expect(isConsoleTopFrame({ url: 'https://evil.example/', parent: null })).toBe(false);
    expect(isConsoleTopFrame(null)).toBe(false);
  });

  it('shows a notification only of two strings of bounded length', () => {
    expect(consoleNotification('Larm', 'Klart')).toEqual({ title: 'Larm', body: 'Klart' });
    expect(consoleNotification('x'.repeat(201), 'b')).toBeNull();
    expect(consoleNotification('t', 'x'.repeat(1001))).toBeNull();
    expect(consoleNotification('t', { toString: () => 'b' })).toBeNull();
  });
});

describe("a voice's files", () => {
  it("asks the OS for several .onnx / .json files with the console's title, and gives back at most ten paths", async () => {
    const asked: unknown[][] = [];
    const answer = { canceled: false, filePaths: Array.from({ length: 12 }, (_, i) => `/r/${i}.onnx`) };
    const dialog = { showOpenDialog: async (...args: unknown[]) => (asked.push(args), answer) };
    expect(await chooseVoiceFiles(dialog, null, 'Välj röstens filer')).toHaveLength(10);
    expect(asked[0]).toEqual([
      {
        title: 'Välj röstens filer',
        properties: ['openFile', 'multiSelections'],
        filters: [
          { name: 'Piper (.onnx, .onnx.json)', extensions: ['onnx', 'json'] },
          { name: '*', extensions: ['*'] },
        ],
      },
    ]);
    // A title that is not short text is not shown.
    await chooseVoiceFiles(dialog, null, { toString: () => 'x' });
    expect(asked[1]![0]).toMatchObject({ title: 'GDial' });
    answer.canceled = true;
    expect(await chooseVoiceFiles(dialog, null, 'Välj')).toEqual([]);
  });
});

describe('engine status', () => {
  const sv = strings('sv');
  it('says nothing more while the engine runs', () => {
    expect(statusEffects({ state: 'running', restarts: 0, version: '0.1.0' }, sv)).toEqual({
      message: null,
      forgetActivity: false,
      failure: null,
    });
  });
  it('forgets the running alerts while the engine restarts', () => {
    const effects = statusEffects({ state: 'restarting', restarts: 1, delayMs: 2000, cause: { kind: 'exit', code: 1 } }, sv);
    expect(effects.forgetActivity).toBe(true);
    expect(effects.message).toMatch(/startas om/);
    expect(effects.failure).toBeNull();
  });
  it('tells the operator out loud when the engine cannot be brought back', () => {
    const effects = statusEffects(
      { state: 'failed', failure: { kind: 'too-many-crashes', crashes: 5, windowMs: 600_000, lastCause: { kind: 'exit', code: 1 } } },
      sv,
    );
    expect(effects.failure).toEqual({ title: sv.notify.engineFailedTitle, message: effects.message });
    expect(effects.message).toBeTruthy();
  });
});

describe('console window', () => {
  const make = () => {
    const closedIds: number[] = [];
    let loading = true;
    const window = new ConsoleWindow({
      createBrowserWindow: (options) => {
        const w = new FakeBrowserWindow(options as Record<string, unknown>);
        w.webContents.isLoading = () => loading;
        return w as unknown as Electron.BrowserWindow;
      },
      preload: '/p/preload.cjs',
      devTools: false,
      log: pino({ level: 'silent' }),
      windowClosing: () => true,
      windowCount: () => 1,
      closed: (id) => closedIds.push(id),
    });
    return { window, closedIds, loaded: () => (loading = false), last: () => FakeBrowserWindow.all.at(-1)! };
  };

  it('holds a route until the console has loaded, then opens it once', () => {
    const { window, loaded, last } = make();
    window.holdDeepLink('gdial://campaign/7');
    window.open();
    const win = last();
    expect(win.loadedUrl).toBe('app://console/index.html');
    window.sendRoute({ kind: 'page', page: 'inbox' }); // still loading: replaces the held route
    expect(win.webContents.sent).toEqual([]);
    loaded();
    win.webContents.emit('did-finish-load');
    win.webContents.emit('did-finish-load');
    expect(win.webContents.sent).toEqual([[IPC.deepLink, { kind: 'page', page: 'inbox' }]]);
    window.openDeepLink('gdial://campaign/42');
    expect(win.webContents.sent.at(-1)).toEqual([IPC.deepLink, { kind: 'campaign', campaignId: 42 }]);
  });

  it('ignores a link that is not one of ours, and opens a new window when the last one was closed', () => {
    const { window, closedIds, last } = make();
    window.openDeepLink('gdial://campaign/42?start=now');
    expect(window.current).toBeNull(); // nothing opened for a refused link
    window.open();
    const first = last();
    first.emit('closed');
    expect(closedIds).toEqual([first.webContents.id]);
    expect(window.current).toBeNull();
    window.focus();
    expect(last()).not.toBe(first);
    expect(window.current).not.toBeNull();
  });
});

describe('the after-action report as PDF', () => {
  const request = {
    html: '<p>Ej nådda: Anna Berg</p>',
    fileName: 'efterhandsrapport-4.pdf',
    header: 'ystad · Efterhandsrapport: Brand',
    generated: 'Skapad 2026-03-02 08:15',
    pageLabel: 'Sida {page} av {pages}',
  };
  function deps(choice: { canceled: boolean; filePath?: string }) {
    const log: unknown[][] = [];
    const d: ReportPdfDeps = {
      writeTemp: async (html) => {
        log.push(['temp', html]);
        return { path: '/tmp/x/rapport.html', remove: async () => void log.push(['removed']) };
      },
      createWindow: () => ({
        loadFile: async (f) => void log.push(['load', f]),
        printToPDF: async (o) => {
          log.push(['print', o]);
          return Buffer.from('%PDF-1.7');
        },
        destroy: () => void log.push(['destroyed']),
      }),
      showSaveDialog: async (o) => {
        log.push(['dialog', o.defaultPath]);
        return { canceled: choice.canceled, filePath: choice.filePath ?? '' };
      },
      writeFile: async (f, data) => void log.push(['write', f, data.toString()]),
    };
    return { d, log };
  }

  it('prints the page with header and footer on every page, then saves where the operator chose', async () => {
    const { d, log } = deps({ canceled: false, filePath: '/home/k/Rapporter/brand.pdf' });
    expect(await printReportPdf(d, request)).toEqual({ saved: true, fileName: 'brand.pdf' });
    expect(log.map((e) => e[0])).toEqual(['temp', 'load', 'print', 'destroyed', 'removed', 'dialog', 'write']);
    const options = log.find((e) => e[0] === 'print')![1] as {
      headerTemplate: string;
      footerTemplate: string;
      displayHeaderFooter: boolean;
      pageSize: string;
    };
    expect(options).toMatchObject({ displayHeaderFooter: true, pageSize: 'A4' });
    expect(options.headerTemplate).toContain('ystad · Efterhandsrapport: Brand');
    expect(options.headerTemplate).toContain('Skapad 2026-03-02 08:15');
    expect(options.footerTemplate).toContain('<span class="pageNumber"></span> av <span class="totalPages"></span>');
    expect(log.find((e) => e[0] === 'dialog')![1]).toBe('efterhandsrapport-4.pdf');
    expect(log.at(-1)).toEqual(['write', '/home/k/Rapporter/brand.pdf', '%PDF-1.7']);
  });

  it('writes nothing when the operator cancels, and refuses a malformed request before any window', async () => {
    const cancelled = deps({ canceled: true });
    expect(await printReportPdf(cancelled.d, request)).toEqual({ saved: false, fileName: 'efterhandsrapport-4.pdf' });
    expect(cancelled.log.map((e) => e[0])).not.toContain('write');
    const bad = deps({ canceled: false, filePath: '/x.pdf' });
    await expect(printReportPdf(bad.d, { ...request, fileName: '../../x.pdf' })).rejects.toThrow(/not a report/);
    expect(bad.log).toEqual([]);
  });
});
