// ui-rollcall: how fluid the live view of a big alert stays. The console as `npm start`
// runs it (demo world: engine, in-process simulator), 10,000 contacts imported, an SMS
// alert to all of them started, and its live view open in headless Chromium (frame rate
// uncapped, so a frame's time is the work it took). While the alert runs:
// - p95_frame_ms: time between animation frames over --seconds (default 10) while the page
//   takes the stream of changes (events_per_s: the deliveries written per second meanwhile,
//   each a send or a status the roll-call shows), scrolling the roll-call slowly;
// - search_ms: from a name typed into the roll-call's search (the input event) to that
//   person's row shown, for --searches names (default 10), measured in the page;
// - pause_ms: from the click on Pausa to the page saying the alert is paused; then it is
//   resumed.
// Baseline, same run, same browser: frames over a static page of the same height, and the
// search as a plain loop over the 10,000 names in the page (no React, no DOM).
// Options: --recipients N (default 10000), --seconds, --searches, --profile NAME (the
// simulator's, default "throughput": every message accepted at once, no callbacks).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startAlertToImportedPeople } from '@gdial/engine/testing/large-alert';
import { percentile, round, type BenchContext } from '../context';
import { startDemoConsole } from '../demo-console';

const CHROMIUM = process.env.GDIAL_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-sync',
  '--disable-frame-rate-limit',
  '--disable-gpu-vsync',
];
const name = (i: number) => `Person ${String(i).padStart(5, '0')}`;

/** Time between animation frames for `ms`, scrolling `selector` (if given) a row every few frames. Runs in the page. */
const framesScript = (selector: string | null, ms: number) => `new Promise((resolve) => {
  const el = ${selector ? `document.querySelector(${JSON.stringify(selector)})` : 'null'};
  const deltas = [];
  let last = 0;
  let start = 0;
  const tick = (now) => {
    if (start === 0) start = now;
    if (last > 0) deltas.push(now - last);
    last = now;
    if (el) el.scrollTop += 2;
    if (now - start > ${ms}) return resolve(deltas);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})`;

/** Types `text` into the roll-call's search and waits (by animation frame) for `label`'s button. Runs in the page. */
const searchScript = (text: string, label: string) => `new Promise((resolve, reject) => {
  const input = [...document.querySelectorAll('input')].find((i) => i.labels && [...i.labels].some((l) => l.textContent.includes('Sök i upproplistan')));
  if (!input) return reject(new Error('no search field'));
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  const t0 = performance.now();
  setter.call(input, ${JSON.stringify(text)});
  input.dispatchEvent(new Event('input', { bubbles: true }));
  const look = () => {
    if (document.querySelector('[aria-label=' + JSON.stringify(${JSON.stringify(label)}) + ']')) return resolve(performance.now() - t0);
    if (performance.now() - t0 > 10000) return reject(new Error('not found: ' + ${JSON.stringify(label)}));
    requestAnimationFrame(look);
  };
  look();
})`;

/** Clicks the button named `button` and waits for `text` in the page. Runs in the page. */
const clickScript = (button: string, text: string) => `new Promise((resolve, reject) => {
  const b = [...document.querySelectorAll('button')].find((x) => x.textContent.trim() === ${JSON.stringify(button)});
  if (!b) return reject(new Error('no button ' + ${JSON.stringify(button)}));
  const t0 = performance.now();
  b.click();
  const look = () => {
    if (document.body.textContent.includes(${JSON.stringify(text)})) return resolve(performance.now() - t0);
    if (performance.now() - t0 > 10000) return reject(new Error('never: ' + ${JSON.stringify(text)}));
    requestAnimationFrame(look);
  };
  look();
})`;

export default async function uiRollcall(ctx: BenchContext): Promise<void> {
  const recipients = Number(ctx.options.recipients ?? 10_000);
  const seconds = Number(ctx.options.seconds ?? 10);
  const searches = Number(ctx.options.searches ?? 10);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gdial-bench-rollcall-'));
  const { host, call } = await startDemoConsole(dataDir, String(ctx.options.profile ?? 'throughput'));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    ctx.progress(`importing ${recipients} contacts`);
    const id = await startAlertToImportedPeople(call, recipients);

    const page = await (await browser.newContext({ viewport: { width: 1366, height: 860 }, locale: 'sv-SE' })).newPage();
    await page.goto(`${host.url}#/campaigns/${id}`);
    await page.getByRole('heading', { name: 'Alla – larm' }).waitFor({ timeout: 60_000 });
    ctx.progress('starting the alert with its live view open');
    await call('campaigns.start', { id });
    const rollCall = page.getByRole('table', { name: 'Upprop' });
    await rollCall.waitFor({ timeout: 60_000 });
    await page.waitForFunction(
      (n) => document.querySelector('[aria-label="Upprop"][role="table"]')?.getAttribute('aria-rowcount') === String(n + 1),
      recipients,
      {
        timeout: 60_000,
      },
    );

    const sent = async () => (await call<{ deliveries: Record<string, number> }>('campaigns.progress', { id })).deliveries;
    const moved = (d: Record<string, number>) => (d.sent ?? 0) + (d.delivered ?? 0) + (d.failed ?? 0);
    const before = moved(await sent());
    const t0 = performance.now();
    const frames = await page.evaluate<number[]>(framesScript('[aria-label="Upprop"][role="table"]', seconds * 1000));
    const eventsPerS = (moved(await sent()) - before) / ((performance.now() - t0) / 1000);

    const searchMs: number[] = [];
    for (let k = 0; k < searches; k++) {
      const i = 1 + Math.floor(((k + 0.5) * recipients) / searches);
      searchMs.push(await page.evaluate<number>(searchScript(name(i).toLowerCase(), `Visa förlopp för ${name(i)}`)));
    }
    await page.evaluate(searchScript('', `Visa förlopp för ${name(1)}`));

    const status = (await call<{ status: string }>('campaigns.progress', { id })).status;
    let pauseMs: number | null = null;
    if (status === 'running') {
      pauseMs = await page.evaluate<number>(clickScript('Pausa', 'Larmet är pausat'));
      await call('campaigns.resume', { id });
    }

    // Baselines: a static page as tall as the list, and the search as a plain loop.
    const baseSearch = await page.evaluate<number[]>(`(() => {
      const names = Array.from({ length: ${recipients} }, (_, i) => 'person ' + String(i + 1).padStart(5, '0'));
      const out = [];
      for (let k = 0; k < ${searches}; k++) {
        const q = 'person ' + String(1 + Math.floor(((k + 0.5) * ${recipients}) / ${searches})).padStart(5, '0');
        const t = performance.now();
        names.filter((n) => n.includes(q));
        out.push(performance.now() - t);
      }
      return out;
    })()`);
    await page.setContent(
      `<div id="box" style="height:660px;overflow:auto;contain:strict"><div style="height:${recipients * 44}px;background:linear-gradient(#fff,#ddd)"></div></div>`,
    );
    const baseFrames = await page.evaluate<number[]>(framesScript('#box', seconds * 1000));

    const p95 = percentile(frames, 95);
    const baseP95 = percentile(baseFrames, 95);
    ctx.emit({
      recipients,
      seconds,
      frames: frames.length,
      events_per_s: round(eventsPerS, 0),
      p50_frame_ms: round(percentile(frames, 50), 2),
      p95_frame_ms: round(p95, 2),
      p99_frame_ms: round(percentile(frames, 99), 2),
      search_ms_p50: round(percentile(searchMs, 50), 1),
      search_ms: round(percentile(searchMs, 95), 1),
      pause_ms: pauseMs === null ? null : round(pauseMs, 0),
      status_at_pause: status,
      baseline_p95_frame_ms: round(baseP95, 2),
      baseline_search_ms: round(percentile(baseSearch, 95), 2),
      ratio: round(p95 / baseP95, 2),
      cpus: os.cpus().length,
      loadavg_1m: round(os.loadavg()[0] ?? 0, 1),
    });
  } finally {
    await browser.close();
    await host.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
