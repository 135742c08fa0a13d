// ui-rollcall: how fluid the live view of a big alert stays. The console's browser host on a
// workstation of an organisation (its relay elsewhere) sending through the provider simulator
// ("throughput" profile: every message accepted at once, no callbacks), 10,000 contacts
// imported, an SMS alert to all of them started and held at once while its live view opens
// in headless Chromium (frame rate uncapped, so a frame's time is the work it took) and reads
// the whole roll-call; then the alert is resumed and, while its sends stream (the sender paced
// at --rate, default 500 messages/s: 10,000 people take 20 s at full pace):
// - p95_frame_ms: time between animation frames over --seconds (default 10) while the page
//   takes the stream of changes, scrolling the roll-call slowly; events_per_s: the sends the
//   engine wrote per second meanwhile, applied_per_s: those the page showed (its count of
//   people not sent yet, read at the start and end of the window);
//   process_cpu_cores: the CPU the console's process (engine, web host) took meanwhile, in
//   cores; cpu_ms_per_send: that CPU per send; loop_delay_p95_ms: how late its event loop
//   came round (what a request from the page waits before the engine reads it); when the
//   sends fall short of --rate, limited_by says why, from these figures;
// - pause_shown_ms: right after the frames, from the click on Pausa to the page saying so
//   (Pausar larmet…, or already paused); pause_ms: to the page saying the alert is paused
//   (the engine's answer shown); then it is resumed; engine_pause_ms: the engine's own time
//   for a pause (and resume) called in its process meanwhile, without the socket and page;
// - search_ms: from a name typed into the roll-call's search (the input event) to that
//   person's row shown, for --searches names (default 10), measured in the page while the
//   rest streams.
// The simulator runs in its own process, as a provider is elsewhere: in the console's process
// it took about a fifth of the engine's thread (profiled).
// Before, the bench ran on the demo world at the engine's default pace for a Twilio sender
// (10 SMS/s) with the demo's relay in the same process: 8-9 events/s, an idle page.
// Baseline, same run, same browser: frames over a static page of the same height, and the
// search as a plain loop over the 10,000 names in the page (no React, no DOM).
// Options: --recipients N (default 10000), --rate, --seconds, --searches, --profile NAME.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startAlertToImportedPeople } from '@gdial/engine/testing/large-alert';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { percentile, round, type BenchContext } from '../context';
import { startSimulatorProcess } from '../simulator-process';
import { startWorkstation, UNREACHABLE_RELAY } from '../workstation';

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

/** The page's count of people not sent anything yet (0 once its badge is gone). Runs in the page. */
const notSentScript = `(() => {
  const b = [...document.querySelectorAll('[aria-label="Läget per person"] .mantine-Badge-root')].find((x) => x.textContent.startsWith('Ännu inte skickat'));
  return b ? Number(b.textContent.replace(/\\D/g, '')) : 0;
})()`;

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

/**
 * Clicks the button named `button`; resolves with the times (ms) until the page first shows
 * one of `shown` and until it shows `done`. Runs in the page.
 */
const clickScript = (button: string, shown: string[], done: string) => `new Promise((resolve, reject) => {
  const b = [...document.querySelectorAll('button')].find((x) => x.textContent.trim() === ${JSON.stringify(button)});
  if (!b) return reject(new Error('no button ' + ${JSON.stringify(button)}));
  const t0 = performance.now();
  let first = null;
  b.click();
  const look = () => {
    const text = document.body.textContent;
    const now = performance.now() - t0;
    if (first === null && ${JSON.stringify(shown)}.some((s) => text.includes(s))) first = now;
    if (text.includes(${JSON.stringify(done)})) return resolve({ shown: first ?? now, done: now });
    if (now > 10000) return reject(new Error('never: ' + ${JSON.stringify(done)}));
    requestAnimationFrame(look);
  };
  look();
})`;

/** Why the sends fell short of the pace asked for, from what the console's process took. */
function shortfall(rate: number, eventsPerS: number, cores: number, cpuMsPerSend: number, load: number, cpus: number): string | null {
  if (eventsPerS >= 0.9 * rate) return null;
  const needed = (rate * cpuMsPerSend) / 1000;
  const why =
    cores < 0.8
      ? `the machine: the console's process got ${cores.toFixed(2)} of a core (load ${load.toFixed(1)} on ${cpus} cores)`
      : `the engine's thread: busy ${Math.round(cores * 100)} % of the time`;
  return `${why}; at ${cpuMsPerSend.toFixed(2)} ms of its CPU per send, ${rate}/s needs ${needed.toFixed(2)} cores of one thread`;
}

export default async function uiRollcall(ctx: BenchContext): Promise<void> {
  const recipients = Number(ctx.options.recipients ?? 10_000);
  const seconds = Number(ctx.options.seconds ?? 10);
  const searches = Number(ctx.options.searches ?? 10);
  const rate = Number(ctx.options.rate ?? 500);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gdial-bench-rollcall-'));
  // The simulated provider on its own, and a workstation whose relay is elsewhere (see
  // workstation.ts): with the demo world's relay in the console's process, absorbing the
  // import's sync and the alert's changes took over a third of the engine's thread during the
  // stream (8-9 sends/s, Pausa answered after 5-7 s), the demo's arrangement, not a desktop's.
  const simulator = await startSimulatorProcess(String(ctx.options.profile ?? 'throughput'));
  const host = await startWorkstation(
    dataDir,
    {
      twilio: {
        accountSid: simulator.credentials.accountSid,
        authToken: simulator.credentials.authToken,
        baseUrl: simulator.url,
        sms: { from: '+46701740000' },
        callbacks: { messageStatusUrl: `${UNREACHABLE_RELAY}/status`, callStatusUrl: `${UNREACHABLE_RELAY}/call` },
      },
      // The sender's throughput as an organisation with a high-throughput sender sets it
      // (Inställningar); the engine's default for a Twilio sender is 10 SMS/s.
      rates: { twilio: { sms: rate } },
    },
    // The two-person rule's threshold out of the way: the second person is not what this measures.
    { approvalRule: { threshold: 1_000_000, testGroupId: null, authorMayApproveTemplates: true } },
  );
  const call = async <T>(method: string, params: unknown): Promise<T> => {
    const r = await host.engine.rpc.call(method, params);
    if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
    return r.value as T;
  };
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    ctx.progress(`importing ${recipients} contacts`);
    const id = await startAlertToImportedPeople(call, recipients);

    const page = await (await browser.newContext({ viewport: { width: 1366, height: 860 }, locale: 'sv-SE' })).newPage();
    await page.goto(`${host.url}#/campaigns/${id}`, { timeout: 120_000 });
    await page.getByRole('heading', { name: 'Alla – larm' }).waitFor({ timeout: 60_000 });
    // The people of an alert exist once it starts: it is started and held (paused) at once
    // while the page reads its whole roll-call, then resumed, so the measurement sees the
    // stream from the start (at 500/s, 10,000 people take 20 s).
    await call('campaigns.start', { id });
    await call('campaigns.pause', { id });
    await page.waitForFunction(
      (n) => document.querySelector('[aria-label="Upprop"][role="table"]')?.getAttribute('aria-rowcount') === String(n + 1),
      recipients,
      { timeout: 120_000 },
    );
    ctx.progress(`resuming the alert (sender paced at ${rate}/s) with its live view open`);
    await call('campaigns.resume', { id });
    // Measured once the stream shows in the page.
    await page.waitForFunction(`${notSentScript} > 0 && ${notSentScript} < ${recipients}`, undefined, { timeout: 60_000 });

    const sent = async () => (await call<{ deliveries: Record<string, number> }>('campaigns.progress', { id })).deliveries;
    const moved = (d: Record<string, number>) => (d.sent ?? 0) + (d.delivered ?? 0) + (d.failed ?? 0);
    const before = moved(await sent());
    const shownBefore = await page.evaluate<number>(notSentScript);
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const frames = await page.evaluate<number[]>(framesScript('[aria-label="Upprop"][role="table"]', seconds * 1000));
    const shownAfter = await page.evaluate<number>(notSentScript);
    const elapsedS = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    loop.disable();
    const movedN = moved(await sent()) - before;
    const eventsPerS = movedN / elapsedS;
    const cores = (cpu.user + cpu.system) / 1e6 / elapsedS;
    const cpuMsPerSend = (cpu.user + cpu.system) / 1000 / Math.max(1, movedN);
    const appliedPerS = (shownBefore - shownAfter) / elapsedS;
    ctx.progress(
      `frames: ${eventsPerS.toFixed(0)} sends/s written, ${appliedPerS.toFixed(0)}/s shown, p95 ${percentile(frames, 95).toFixed(1)} ms`,
    );

    const status = (await call<{ status: string }>('campaigns.progress', { id })).status;
    let pause: { shown: number; done: number } | null = null;
    let pauseError: string | null = null;
    let enginePauseMs: number | null = null;
    if (status === 'running') {
      // Still streaming (half the people are left at 500/s): the page is as busy as it gets.
      try {
        pause = await page.evaluate<{ shown: number; done: number }>(
          clickScript('Pausa', ['Pausar larmet', 'Larmet är pausat'], 'Larmet är pausat'),
        );
      } catch (e) {
        pauseError = (e as Error).message;
      }
      if ((await call<{ status: string }>('campaigns.progress', { id })).status === 'paused') await call('campaigns.resume', { id });
      // The engine's own time for the same, in its process (no socket, no page).
      const p0 = performance.now();
      await call('campaigns.pause', { id });
      enginePauseMs = performance.now() - p0;
      await call('campaigns.resume', { id });
    }

    const searchMs: number[] = [];
    for (let k = 0; k < searches; k++) {
      const i = 1 + Math.floor(((k + 0.5) * recipients) / searches);
      searchMs.push(await page.evaluate<number>(searchScript(name(i).toLowerCase(), `Visa förlopp för ${name(i)}`)));
    }
    await page.evaluate(searchScript('', `Visa förlopp för ${name(1)}`));

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
      rate,
      events_per_s: round(eventsPerS, 0),
      applied_per_s: round(appliedPerS, 0),
      p50_frame_ms: round(percentile(frames, 50), 2),
      p95_frame_ms: round(p95, 2),
      p99_frame_ms: round(percentile(frames, 99), 2),
      search_ms_p50: round(percentile(searchMs, 50), 1),
      search_ms: round(percentile(searchMs, 95), 1),
      pause_shown_ms: pause === null ? null : round(pause.shown, 0),
      pause_ms: pause === null ? null : round(pause.done, 0),
      engine_pause_ms: enginePauseMs === null ? null : round(enginePauseMs, 0),
      status_at_pause: status,
      ...(pauseError ? { pause_error: pauseError } : {}),
      process_cpu_cores: round(cores, 2),
      cpu_ms_per_send: round(cpuMsPerSend, 2),
      loop_delay_p95_ms: round(loop.percentile(95) / 1e6, 0),
      limited_by: shortfall(rate, eventsPerS, cores, cpuMsPerSend, os.loadavg()[0] ?? 0, os.cpus().length),
      baseline_p95_frame_ms: round(baseP95, 2),
      baseline_search_ms: round(percentile(baseSearch, 95), 2),
      ratio: round(p95 / baseP95, 2),
      cpus: os.cpus().length,
      loadavg_1m: round(os.loadavg()[0] ?? 0, 1),
    });
  } finally {
    await browser.close();
    await host.close();
    await simulator.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
