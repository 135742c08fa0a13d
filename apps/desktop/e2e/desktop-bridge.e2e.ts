// The console inside the desktop app: the Electron preload's window.gdial, played by a
// stand-in that hands the page a MessagePort carried over the browser host's WebSocket (as
// the preload relays it to the engine process), and lets the test send what main sends:
// engine status changes and gdial:// links, what the OS file dialog answers when the
// operator installs a voice (paths the engine reads itself), and whether main could begin
// restoring a backup the operator chose.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureConfig, buildFixtureModel } from '@gdial/engine/testing/tts';
import { openConsole, type Console } from './harness';

const preloadStandIn = `(() => {
  const statusListeners = new Set();
  const linkListeners = new Set();
  window.__desktop = {
    status: (s) => statusListeners.forEach((l) => l(s)),
    link: (r) => linkListeners.forEach((l) => l(r)),
    portsHanded: 0,
    dialogTitles: [],
    dialogAnswer: [],
    restoreAnswer: false,
    restoresAsked: [],
  };
  const subscribe = (set) => (l) => { set.add(l); return () => set.delete(l); };
  window.gdial = Object.freeze({
    enginePort: () => new Promise((resolve, reject) => {
      const { port1, port2 } = new MessageChannel();
      const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/rpc');
      ws.onopen = () => { window.__desktop.portsHanded++; resolve(port1); };
      ws.onerror = () => reject(new Error('no engine'));
      ws.onmessage = (e) => port2.postMessage(JSON.parse(e.data));
      port2.onmessage = (e) => ws.send(JSON.stringify(e.data));
      port2.start();
    }),
    chooseVoiceFiles: (title) => {
      window.__desktop.dialogTitles.push(title);
      return Promise.resolve(window.__desktop.dialogAnswer);
    },
    restoreBackup: (name) => {
      window.__desktop.restoresAsked.push(name);
      return Promise.resolve(window.__desktop.restoreAnswer);
    },
    onEngineStatus: subscribe(statusListeners),
    onDeepLink: subscribe(linkListeners),
  });
})();`;

const GUIDE_IMG = path.resolve(import.meta.dirname, '../../../docs/guide/img');

let c: Console;
beforeAll(async () => {
  c = await openConsole({ initScript: preloadStandIn });
});
afterAll(async () => {
  await c?.close();
});

describe('console in the desktop app', () => {
  it('talks to the engine through the port the preload hands over', async () => {
    const { page } = c;
    await page.getByRole('status').filter({ hasText: 'Ansluten till motorn' }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { __desktop: { portsHanded: number } }).__desktop.portsHanded)).toBe(1);
    await page.getByRole('link', { name: 'Kontakter' }).click();
    // The empty state comes from an answer of the engine (contacts.search), over the port.
    await page.getByRole('heading', { name: 'Inga kontakter ännu' }).waitFor();
  });

  it('says when the engine crashed and is restarting, then that it runs again', async () => {
    const { page } = c;
    const send = (s: unknown) =>
      page.evaluate((x) => (window as unknown as { __desktop: { status(s: unknown): void } }).__desktop.status(x), s);
    await send({ state: 'restarting', restarts: 1, delayMs: 1000, cause: { kind: 'exit', code: 70 } });
    const banner = page
      .getByRole('status')
      .filter({ hasText: 'Motorn stannade (avslutades med kod 70) och startas om automatiskt (försök 1).' });
    await banner.waitFor();
    await c.screenshot('engine-restarting');
    await send({ state: 'starting', restarts: 1 });
    await send({ state: 'running', restarts: 1, version: '0.1.0' });
    await page.getByRole('status').filter({ hasText: 'Motorn är igång igen.' }).waitFor();
    expect(await banner.count()).toBe(0);
    await send({
      state: 'failed',
      failure: { kind: 'too-many-crashes', crashes: 5, windowMs: 120_000, lastCause: { kind: 'exit', code: 1 } },
    });
    await page.getByRole('alert').filter({ hasText: 'Motorn har stannat 5 gånger på kort tid och startas inte om.' }).waitFor();
    await c.screenshot('engine-failed');
  });

  it('installs a voice from the files chosen in the OS dialog, by their paths', async () => {
    const { page } = c;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gdial-e2e-voice-'));
    const modelPath = path.join(dir, 'sv_SE-olle-medium.onnx');
    writeFileSync(modelPath, buildFixtureModel());
    writeFileSync(`${modelPath}.json`, JSON.stringify(buildFixtureConfig()));
    await page.evaluate(
      (paths) => ((window as unknown as { __desktop: { dialogAnswer: string[] } }).__desktop.dialogAnswer = paths),
      [`${modelPath}.json`, modelPath],
    );
    await page.getByRole('link', { name: 'Inställningar' }).click();
    await page.getByRole('table', { name: 'Röster' }).waitFor();
    // The OS dialog, not the browser's file chooser: no file input is opened.
    let browserChooser = false;
    page.once('filechooser', () => (browserChooser = true));
    await page.getByRole('button', { name: 'Välj röstens filer…' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Rösten OLLE (Piper, sv_SE) är installerad och provkörd.' })
      .waitFor({ timeout: 60_000 });
    await page
      .getByRole('table', { name: 'Röster' })
      .getByRole('row')
      .filter({ hasText: 'OLLE (Piper, sv_SE)' })
      .getByText('Fungerar')
      .waitFor();
    expect(browserChooser).toBe(false);
    expect(await page.evaluate(() => (window as unknown as { __desktop: { dialogTitles: string[] } }).__desktop.dialogTitles)).toEqual([
      'Välj röstens .onnx- och .onnx.json-fil',
    ]);
    // Cancelled: nothing is installed and nothing is refused.
    await page.evaluate(() => ((window as unknown as { __desktop: { dialogAnswer: string[] } }).__desktop.dialogAnswer = []));
    await page.getByRole('button', { name: 'Välj röstens filer…' }).click();
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { __desktop: { dialogTitles: string[] } }).__desktop.dialogTitles.length))
      .toBe(2);
    expect(
      await page
        .getByRole('alert')
        .filter({ hasText: /\.onnx/ })
        .count(),
    ).toBe(0);
    expect(await page.getByRole('table', { name: 'Röster' }).getByRole('row').count()).toBe(3);
  });

  it('opens the page a gdial:// link names', async () => {
    const { page } = c;
    const link = (r: unknown) =>
      page.evaluate((x) => (window as unknown as { __desktop: { link(r: unknown): void } }).__desktop.link(x), r);
    await link({ kind: 'page', page: 'inbox' });
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#/inbox');
    await link({ kind: 'campaign', campaignId: 7 });
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#/campaigns/7');
    // Nonsense from outside changes nothing.
    await link({ kind: 'page', page: '../../etc/passwd' });
    await link('gdial://contacts');
    expect(await page.evaluate(() => location.hash)).toBe('#/campaigns/7');
  });

  // Last: a successful restore reloads the console.
  it('offers the backups of a database it cannot read, restores the newest whole one and reloads', async () => {
    const { page } = c;
    type Desktop = { status(s: unknown): void; restoreAnswer: boolean; restoresAsked: string[] };
    const asked = () => page.evaluate(() => (window as unknown as { __desktop: Desktop }).__desktop.restoresAsked);
    const send = (s: unknown) => page.evaluate((x) => (window as unknown as { __desktop: Desktop }).__desktop.status(x), s);
    const newest = new Date(Date.now() - 3_600_000).toISOString();
    await send({
      state: 'failed',
      failure: {
        kind: 'start-failed',
        reason: 'unreadable',
        message: 'Databasen kan inte läsas.',
        // Newest first, as main lists them: the newest is damaged, so the one before it is offered.
        backups: [
          { name: 'gdial-3.db', createdAt: new Date(Date.now() - 600_000).toISOString(), intact: false },
          { name: 'gdial-2.db', createdAt: newest, intact: true },
          { name: 'gdial-1.db', createdAt: new Date(Date.now() - 86_400_000).toISOString(), intact: true },
        ],
      },
    });
    const section = page.getByRole('region', { name: 'Säkerhetskopior' });
    await section.getByText('GDial kan inte läsa databasen och har inte startat med en tom.', { exact: false }).waitFor();
    const rows = section.getByRole('table', { name: 'Säkerhetskopior' }).getByRole('row');
    expect(await rows.count()).toBe(4);
    await rows.nth(1).getByText('Skadad – kan inte användas').waitFor();
    // The damaged copy cannot be chosen; the two whole ones can.
    expect(await section.getByRole('button', { name: /^Återställ kopian från/ }).count()).toBe(2);
    await section.screenshot({ path: path.join(GUIDE_IMG, 'desktop-aterstall.png') });

    // Main could not begin (the engine is not in the failed state any more): said, nothing else happens.
    await section.getByRole('button', { name: 'Återställ senaste säkerhetskopia' }).click();
    await section.getByRole('alert').filter({ hasText: 'Återställningen kunde inte påbörjas. Avsluta och starta GDial igen.' }).waitFor();
    expect(await asked()).toEqual(['gdial-2.db']);

    await page.evaluate(() => ((window as unknown as { __desktop: Desktop }).__desktop.restoreAnswer = true));
    await section.getByRole('button', { name: 'Återställ senaste säkerhetskopia' }).click();
    await section.getByRole('status').filter({ hasText: 'Återställer och startar om motorn…' }).waitFor();
    expect(await section.getByRole('alert').count()).toBe(0);
    expect(await asked()).toEqual(['gdial-2.db', 'gdial-2.db']);
    await c.screenshot('desktop-restore-offered');

    // The engine runs on the backup: the console reloads, so nothing shown is from before.
    await page.evaluate(() => ((window as unknown as { __beforeRestore: boolean }).__beforeRestore = true));
    await send({ state: 'starting', restarts: 0 });
    await send({ state: 'running', restarts: 0, version: '0.1.0' });
    await expect.poll(() => page.evaluate(() => (window as unknown as { __beforeRestore?: boolean }).__beforeRestore ?? false)).toBe(false);
    await page.getByRole('status').filter({ hasText: 'Ansluten till motorn' }).waitFor();
    expect(await page.getByRole('region', { name: 'Säkerhetskopior' }).count()).toBe(0);
  });
});
