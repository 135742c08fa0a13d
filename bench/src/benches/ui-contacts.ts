// ui-contacts: how smoothly the Contacts page scrolls through 100,000 contacts. Seeds a
// temporary data directory through the engine's import, starts the browser host
// (the console `npm start` serves) on it, loads #/contacts in headless Chromium and scrolls the table
// from the top to the bottom at a steady speed while the page records the time between
// animation frames. Frame rate is uncapped (no vsync), so a frame's time is the work it
// took rather than the display's 16.7 ms tick. Baseline, same run, same browser: the
// same scroll over a static page of the same height.
// The scroll, in two phases reported apart:
// - an ordinary fling: what a wheel or a touch fling does, the list moving at a steady
//   speed in time (--speed rows per second, default 360: six rows per 60 Hz frame, a fast
//   wheel) from the top for --seconds (default 15), whatever the frame rate, so a slow
//   frame means a bigger step next, as on a real screen;
// - scrollbar jumps: the scrollbar dragged to each tenth of the list (--jumps N, default
//   10), each followed by half a second of the same fling, ending at the last contact. Rows
//   at a jump's landing place cannot be there before they are fetched: their placeholder
//   frames are counted apart from the fling's.
// First rows: from the navigation's start (the page's own clock, so a busy benchmark process
// does not add its delays) to the paint of the first contact's name, as the browser's Element
// Timing reports it: what the operator sees. Printed with the steps before it (the console's
// script loaded, the first RPC sent, the first page of contacts answered) and, as its
// baseline, the same measure for a plain HTML table of the same first rows served from this
// process to the same browser in the same run.
// Options: --rows N (default 100000), --speed, --seconds, --jumps, --data DIR (seeded once,
// kept and reused), --loads N (page loads
// timed for first rows, default 1; the median is reported), --profile 1 (CPU profile
// summary of the page on stderr).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { BenchContext } from '../context';
import { percentile, round } from '../context';
import { startWorkstation } from '../workstation';
import { contactsCsv, generateContacts, importThroughEngine, type GeneratedContact } from './contacts-import';

const CHROMIUM = process.env.GDIAL_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-frame-rate-limit',
  '--disable-gpu-vsync',
];

/** The browser host signed in, on a workstation whose relay is not reachable (see workstation.ts). */
async function startHost(dataDir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const host = await startWorkstation(dataDir, { telegram: { botToken: '1:bench-not-a-token' } });
  return { url: host.url, close: () => host.close() };
}

interface ScrollResult {
  frames: number[];
  distancePx: number;
  /** Frames with a placeholder row in view, during the fling and after the jumps. */
  flingPlaceholderFrames: number;
  jumpPlaceholderFrames: number;
  flingFrames: number;
}

const ROW_PX = 44;

interface ScrollPlan {
  /** Fling speed. */
  pxPerMs: number;
  flingMs: number;
  jumps: number;
  jumpFlingMs: number;
}

/**
 * Flings `selector` from the top for plan.flingMs, then jumps to each tenth of it with a
 * short fling there; returns the time between animation frames. Runs inside the page.
 */
async function scrollFrames(page: Page, selector: string, plan: ScrollPlan): Promise<ScrollResult> {
  // Sent as source text: tsx would otherwise wrap the function with helpers the page lacks.
  const script = `new Promise((resolve) => {
    const el = document.querySelector(${JSON.stringify(selector)});
    const plan = ${JSON.stringify(plan)};
    const distance = el.scrollHeight - el.clientHeight;
    // Phases: the fling from the top, then each jump with its short fling; a phase's
    // position follows the time since it began.
    const phases = [{ from: 0, ms: plan.flingMs, jump: false }];
    const jumpFlingPx = plan.pxPerMs * plan.jumpFlingMs;
    for (let j = 1; j <= plan.jumps; j++)
      phases.push({ from: Math.max(0, Math.round((distance * j) / plan.jumps) - jumpFlingPx), ms: plan.jumpFlingMs, jump: true });
    phases.push({ from: distance, ms: 0, jump: true });
    const deltas = [];
    let flingPlaceholderFrames = 0;
    let jumpPlaceholderFrames = 0;
    let flingFrames = 0;
    let last = 0;
    let phase = 0;
    let phaseStart = 0;
    const tick = (now) => {
      if (last > 0) {
        deltas.push(now - last);
        // This frame showed what the previous step set.
        if (el.querySelector('[aria-busy="true"]')) {
          if (phases[phase].jump) jumpPlaceholderFrames++;
          else flingPlaceholderFrames++;
        }
        if (!phases[phase].jump) flingFrames++;
      }
      last = now;
      if (phaseStart === 0) phaseStart = now;
      let p = phases[phase];
      if (now - phaseStart > p.ms) {
        phase++;
        phaseStart = now;
        if (phase >= phases.length) {
          resolve({ frames: deltas, distancePx: distance, flingPlaceholderFrames, jumpPlaceholderFrames, flingFrames });
          return;
        }
        p = phases[phase];
      }
      el.scrollTop = Math.min(distance, p.from + (now - phaseStart) * plan.pxPerMs);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })`;
  return page.evaluate<ScrollResult>(script);
}

/** The first body row once it holds a contact (not a placeholder), in the console and in the baseline. */
const FIRST_ROW = '[role="table"] [aria-rowindex="2"]:not([aria-busy]) button';

/**
 * Installed in the page before its own scripts (as source text, as scrollFrames is): marks the
 * first row for Element Timing as it enters the DOM (a mutation observer runs before the
 * browser paints what was inserted) and notes, on the page's clock, when the console sent its
 * first RPC and when the first contacts.search was answered.
 */
const FIRST_ROWS_PROBE = `(() => {
  const t = { painted: null, inDom: null, firstSend: null, searchSent: null, searchAnswered: null };
  window.__firstRows = t;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      if (e.identifier === 'first-row' && t.painted === null) t.painted = e.renderTime || e.loadTime;
  }).observe({ type: 'element', buffered: true });
  const seen = new MutationObserver(() => {
    const el = document.querySelector(${JSON.stringify(FIRST_ROW)});
    if (!el) return;
    el.setAttribute('elementtiming', 'first-row');
    t.inDom = performance.now();
    seen.disconnect();
  });
  seen.observe(document, { childList: true, subtree: true });
  const Native = window.WebSocket;
  let searchId = null;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        if (t.searchAnswered !== null || searchId === null || typeof e.data !== 'string') return;
        if (JSON.parse(e.data).id === searchId) t.searchAnswered = performance.now();
      });
    }
    send(data) {
      if (t.firstSend === null) t.firstSend = performance.now();
      if (searchId === null && typeof data === 'string' && data.includes('"contacts.search"')) {
        searchId = JSON.parse(data).id;
        t.searchSent = performance.now();
      }
      super.send(data);
    }
  };
})()`;

interface FirstRows {
  /** Navigation start to the first contact's name painted (Element Timing). */
  paintedMs: number;
  /** … to the row in the DOM. */
  inDomMs: number;
  /** … to the console's script received (null for the baseline, which has none). */
  scriptMs: number | null;
  /** … to the DOMContentLoaded handlers done (the page's scripts run). */
  domContentLoadedMs: number;
  firstRpcMs: number | null;
  searchSentMs: number | null;
  searchAnsweredMs: number | null;
}

/** Loads `url` in a fresh context (nothing cached) and waits for the first row painted. */
async function timeFirstRows(browser: Browser, url: string): Promise<{ page: Page; times: FirstRows }> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 860 }, locale: 'sv-SE' });
  const page = await context.newPage();
  await page.addInitScript(FIRST_ROWS_PROBE);
  await page.goto(url);
  // Polled from here: the console's Content-Security-Policy refuses waitForFunction's eval.
  const deadline = Date.now() + 60_000;
  while (!(await page.evaluate<boolean>('window.__firstRows.painted !== null'))) {
    if (Date.now() > deadline) throw new Error(`no first row painted at ${url} within a minute`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const times = await page.evaluate<FirstRows>(`(() => {
    const t = window.__firstRows;
    const nav = performance.getEntriesByType('navigation')[0];
    const script = performance.getEntriesByType('resource').find((r) => r.initiatorType === 'script' || /\\.js$/.test(r.name));
    return {
      paintedMs: t.painted,
      inDomMs: t.inDom,
      scriptMs: script ? script.responseEnd : null,
      domContentLoadedMs: nav.domContentLoadedEventEnd,
      firstRpcMs: t.firstSend,
      searchSentMs: t.searchSent,
      searchAnsweredMs: t.searchAnswered,
    };
  })()`);
  return { page, times };
}

/** A plain, static table of the same first rows: what painting them costs without the console. */
function baselineHtml(contacts: readonly GeneratedContact[]): string {
  const first = contacts
    .map((c) => ({ name: `${c.firstName} ${c.lastName}`, c }))
    .sort((a, b) => a.name.localeCompare(b.name, 'sv'))
    .slice(0, 100);
  const esc = (x: string) => x.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const rows = first
    .map(
      ({ name, c }, i) =>
        `<div role="row" aria-rowindex="${i + 2}"><span role="cell"><input type="checkbox"></span><span role="cell"><button type="button">${esc(name)}</button></span><span role="cell">${esc(c.mobileE164)}</span><span role="cell">${esc(c.organisation)}</span><span role="cell">${esc(c.email)}</span><span role="cell">${esc(c.group)}</span><span role="cell">${esc(c.tag)}</span></div>`,
    )
    .join('');
  return `<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Kontakter</title><style>body{font-family:sans-serif}[role=row]{display:flex;height:44px;align-items:center}[role=cell]{flex:1;overflow:hidden;white-space:nowrap}</style></head><body><div role="table" aria-label="Kontakter" style="height:570px;overflow:auto">${rows}</div></body></html>`;
}

/** Serves one page from this process, for the baseline. */
async function serveHtml(html: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const median = (xs: number[]): number => percentile(xs, 50);

/** --profile: where the page's main thread spent the scroll, by function (self time). */
function printProfile(
  ctx: BenchContext,
  profile: {
    nodes: { id: number; hitCount?: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
    samples?: number[];
  },
): void {
  const total = profile.samples?.length ?? 1;
  const byName = new Map<string, number>();
  for (const n of profile.nodes) {
    const key = `${n.callFrame.functionName || '(anonymous)'} ${path.basename(n.callFrame.url)}:${n.callFrame.lineNumber}`;
    byName.set(key, (byName.get(key) ?? 0) + (n.hitCount ?? 0));
  }
  for (const [name, hits] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 25))
    ctx.progress(`${((hits / total) * 100).toFixed(1)}%  ${name}`);
}

export default async function (ctx: BenchContext): Promise<void> {
  const rows = Number(ctx.options.rows ?? 100_000);
  const seconds = Number(ctx.options.seconds ?? 15);
  const speed = Number(ctx.options.speed ?? 360);
  const jumps = Number(ctx.options.jumps ?? 10);
  const plan: ScrollPlan = { pxPerMs: (speed * ROW_PX) / 1000, flingMs: seconds * 1000, jumps, jumpFlingMs: 500 };
  const loads = Math.max(1, Number(ctx.options.loads ?? 3));
  // --data DIR: seed there once and keep it, so repeated runs skip the two-minute import.
  const keptDir = ctx.options.data;
  const dataDir = keptDir ?? mkdtempSync(path.join(os.tmpdir(), 'gdial-ui-contacts-'));
  const contacts = generateContacts(rows);
  if (keptDir === undefined || !existsSync(path.join(keptDir, 'gdial.db'))) {
    ctx.progress(`seeding ${rows} contacts through the engine's import`);
    mkdirSync(dataDir, { recursive: true });
    const seeded = await importThroughEngine(dataDir, contactsCsv(contacts), rows);
    await seeded.close();
  }

  ctx.progress('starting the browser host and Chromium');
  const host = await startHost(dataDir);
  const baseline = await serveHtml(baselineHtml(contacts));
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    // First rows, in turns with the baseline so both see the same machine.
    const firstRows: FirstRows[] = [];
    const baseFirstRows: FirstRows[] = [];
    let page: Page | undefined;
    for (let i = 0; i < loads; i++) {
      const base = await timeFirstRows(browser, baseline.url);
      baseFirstRows.push(base.times);
      await base.page.context().close();
      await page?.context().close();
      const app = await timeFirstRows(browser, `${host.url}/#/contacts`);
      firstRows.push(app.times);
      page = app.page;
      const ft = app.times;
      ctx.progress(
        `first rows painted after ${ft.paintedMs.toFixed(0)} ms (script ${ft.scriptMs?.toFixed(0)}, first RPC ${ft.firstRpcMs?.toFixed(0)}, ` +
          `contacts asked ${ft.searchSentMs?.toFixed(0)}, answered ${ft.searchAnsweredMs?.toFixed(0)}, in the DOM ${ft.inDomMs.toFixed(0)}); baseline ${base.times.paintedMs.toFixed(0)} ms`,
      );
    }
    page = page!;
    const table = page.getByRole('table', { name: 'Kontakter' });
    const rowCount = Number(await table.getAttribute('aria-rowcount')) - 1;
    if (rowCount !== rows) throw new Error(`the table says ${rowCount} contacts, expected ${rows}`);
    ctx.progress('scrolling');

    const tableSelector = '[role="table"][aria-label="Kontakter"]';
    const cdp = ctx.options.profile ? await page.context().newCDPSession(page) : null;
    const metrics = async () => {
      if (!cdp) return new Map<string, number>();
      const m = await cdp.send('Performance.getMetrics');
      return new Map(m.metrics.map((x) => [x.name, x.value]));
    };
    if (cdp) {
      await cdp.send('Performance.enable');
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    const before = await metrics();
    const run = await scrollFrames(page, tableSelector, plan);
    const after = await metrics();
    if (cdp) {
      printProfile(ctx, (await cdp.send('Profiler.stop')).profile);
      for (const k of ['TaskDuration', 'ScriptDuration', 'RecalcStyleDuration', 'LayoutDuration']) {
        const ms = ((after.get(k) ?? 0) - (before.get(k) ?? 0)) * 1000;
        ctx.progress(`${k}: ${(ms / run.frames.length).toFixed(2)} ms per frame`);
      }
    }
    // The last jump landed on the last contact: its page comes, and the row becomes a real contact.
    const lastRowT0 = performance.now();
    await page.locator(`${tableSelector} [aria-rowindex="${rows + 1}"]:not([aria-busy])`).waitFor();
    const lastRowWaitMs = performance.now() - lastRowT0;

    // Baseline: the same scroll over a static page as tall as the table's content.
    await page.setContent(
      `<div id="box" style="height:${(page.viewportSize()?.height ?? 860) - 290}px;overflow:auto;contain:strict"><div style="height:${run.distancePx + 600}px;background:linear-gradient(#fff,#ddd)"></div></div>`,
    );
    const base = await scrollFrames(page, '#box', plan);

    const p95 = percentile(run.frames, 95);
    const baseP95 = percentile(base.frames, 95);
    ctx.emit({
      contacts: rows,
      frames: run.frames.length,
      fling_rows_per_s: speed,
      fling_s: seconds,
      jumps,
      loads,
      first_rows_ms: round(median(firstRows.map((x) => x.paintedMs)), 0),
      first_rows_runs_ms: firstRows.map((x) => round(x.paintedMs, 0)),
      first_rows_script_ms: round(median(firstRows.map((x) => x.scriptMs ?? 0)), 0),
      first_rows_dcl_ms: round(median(firstRows.map((x) => x.domContentLoadedMs)), 0),
      first_rows_first_rpc_ms: round(median(firstRows.map((x) => x.firstRpcMs ?? 0)), 0),
      first_rows_search_sent_ms: round(median(firstRows.map((x) => x.searchSentMs ?? 0)), 0),
      first_rows_answered_ms: round(median(firstRows.map((x) => x.searchAnsweredMs ?? 0)), 0),
      first_rows_in_dom_ms: round(median(firstRows.map((x) => x.inDomMs)), 0),
      baseline_first_rows_ms: round(median(baseFirstRows.map((x) => x.paintedMs)), 0),
      first_rows_ratio: round(median(firstRows.map((x) => x.paintedMs)) / median(baseFirstRows.map((x) => x.paintedMs)), 2),
      p50_frame_ms: round(percentile(run.frames, 50), 2),
      p95_frame_ms: round(p95, 2),
      p99_frame_ms: round(percentile(run.frames, 99), 2),
      fling_p95_frame_ms: round(percentile(run.frames.slice(0, run.flingFrames), 95), 2),
      jumps_p95_frame_ms: round(percentile(run.frames.slice(run.flingFrames), 95), 2),
      max_frame_ms: round(Math.max(...run.frames), 2),
      placeholder_frames_fling: run.flingPlaceholderFrames,
      placeholder_frames_jumps: run.jumpPlaceholderFrames,
      last_row_wait_ms: round(lastRowWaitMs, 0),
      baseline_p50_frame_ms: round(percentile(base.frames, 50), 2),
      baseline_p95_frame_ms: round(baseP95, 2),
      ratio: round(p95 / baseP95, 2),
      // Frame times on a shared machine depend on what else runs; say how busy it was.
      cpus: os.cpus().length,
      loadavg_1m: round(os.loadavg()[0] ?? 0, 1),
    });
  } finally {
    // Also when Chromium never started: the host must not outlive the benchmark.
    await browser?.close();
    await baseline.close();
    await host.close();
    if (keptDir === undefined) rmSync(dataDir, { recursive: true, force: true });
  }
}
