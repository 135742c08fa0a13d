// Starts a fresh browser host (own data dir, random port) and a headless Debian Chromium
// driven by playwright-core. External network is blocked for the page; console errors
// and screenshots are kept under artifacts/ so a failure can be read afterwards.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { silentLogger } from '@gdial/engine';
import { startConsole, type ConsoleHost, type WebHostOptions } from '../src/web/host';

export const CHROMIUM = process.env.GDIAL_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const ARTIFACTS = path.resolve(import.meta.dirname, '../../../artifacts');

export interface Console {
  host: ConsoleHost;
  browser: Browser;
  page: Page;
  dataDir: string;
  /** Saves a full-page PNG under artifacts/screenshots/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export interface OpenConsoleOptions extends Partial<Omit<WebHostOptions, 'connectivity' | 'demo'>> {
  viewport?: { width: number; height: number };
  /** Run the demo world (simulator + embedded relay) with this simulator profile, e.g. "fast". */
  demo?: string;
  /** Script run in the page before the console's own (e.g. a stand-in for the Electron preload). */
  initScript?: string;
  /** Join the demo world another console runs (its data dir): a second workstation of the demo organisation. */
  joinDemo?: string;
  /**
   * The test administrator the console starts signed in as (the engine's `signedIn` option):
   * "E2E Admin" unless named; `false` starts signed out, to sign in through the console.
   */
  operator?: string | false;
}

export async function openConsole(opts: OpenConsoleOptions = {}): Promise<Console> {
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'gdial-e2e-'));
  const { demo, viewport, initScript, joinDemo, operator, ...hostOpts } = opts;
  const host = await startConsole({
    port: 0,
    logger: silentLogger(),
    validateOutputs: true,
    ...(operator === false ? {} : { signedIn: { displayName: operator ?? 'E2E Admin', role: 'admin' as const } }),
    // Tests of other things start alerts alone; the approval test (approval.e2e.ts) passes the organisation's default rule.
    approvalRule: { threshold: 1_000_000, testGroupId: null, authorMayApproveTemplates: true },
    ...hostOpts,
    dataDir,
    connectivity: demo || joinDemo ? { mode: 'demo' } : { mode: 'live', settings: {} },
    ...(demo ? { demoProfile: demo } : {}),
    ...(joinDemo ? { joinDemo } : {}),
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: viewport ?? { width: 1366, height: 860 }, locale: 'sv-SE', acceptDownloads: true });
  const origin = new URL(host.url).origin;
  await context.route('**/*', (route) => {
    const u = new URL(route.request().url());
    return u.origin === origin || u.protocol === 'data:' || u.protocol === 'blob:' ? route.continue() : route.abort('blockedbyclient');
  });
  if (initScript) await context.addInitScript(initScript);
  const page = await context.newPage();
  const log: string[] = [];
  page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
  await page.goto(host.url);
  mkdirSync(path.join(ARTIFACTS, 'screenshots'), { recursive: true });
  return {
    host,
    browser,
    page,
    dataDir,
    async screenshot(name) {
      const file = path.join(ARTIFACTS, 'screenshots', `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      mkdirSync(path.join(ARTIFACTS, 'logs'), { recursive: true });
      writeFileSync(path.join(ARTIFACTS, 'logs', `browser-${Date.now()}.log`), log.join('\n'));
      await browser.close();
      await host.close();
    },
  };
}
