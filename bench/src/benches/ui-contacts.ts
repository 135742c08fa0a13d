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
// Options: --rows N (default 100000), --speed, --seconds, --jumps, --profile 1 (CPU profile
// summary of the page on stderr).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { BenchContext } from '../context';
import { percentile, round } from '../context';
import { startWorkstation } from '../workstation';
import { contactsCsv, generateContacts, importThroughEngine } from './contacts-import';

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
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gdial-ui-contacts-'));
  ctx.progress(`seeding ${rows} contacts through the engine's import`);
  const seeded = await importThroughEngine(dataDir, contactsCsv(generateContacts(rows)), rows);
  await seeded.close();

  ctx.progress('starting the browser host and Chromium');
  const host = await startHost(dataDir);
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    const page = await browser.newPage({ viewport: { width: 1366, height: 860 }, locale: 'sv-SE' });
    // First rows: from opening the page (the host signed in) to the table's first contact.
    const t0 = performance.now();
    await page.goto(`${host.url}/#/contacts`);
    const table = page.getByRole('table', { name: 'Kontakter' });
    await table.getByRole('row').nth(2).getByRole('button').waitFor();
    const firstRowsMs = performance.now() - t0;
    const rowCount = Number(await table.getAttribute('aria-rowcount')) - 1;
    if (rowCount !== rows) throw new Error(`the table says ${rowCount} contacts, expected ${rows}`);
    ctx.progress(`first rows after ${firstRowsMs.toFixed(0)} ms; scrolling`);

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
      first_rows_ms: round(firstRowsMs, 0),
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
    await host.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
