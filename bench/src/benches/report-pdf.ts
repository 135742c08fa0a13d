// report-pdf: how long the after-action report of a 10,000-recipient alert takes to become
// a PDF, as the operator gets it. A finished SMS alert is written into a fresh browser host's
// database (every tenth person's phone unreachable, every tenth's number unknown — 2,000
// unreached, each with their attempt and reason; two in ten confirmed; the rest reached),
// the report page is opened in headless Chromium, and `seconds` runs from pressing
// "Ladda ner PDF" until the download is saved (the page's DOM and CSS to the host, headless
// Chromium printing it, the file back). Baseline, same run, same machine: the host's Chromium
// printing a plain HTML table of the same unreached people and attempts, with the same
// header and footer. Also printed: the engine's time to compute the report and the curve
// (campaigns.afterAction, campaigns.history), which is why the curve is computed on read.
// `cpu_seconds` (and `baseline_cpu_seconds`) is the CPU time this process and every Chromium
// process under it spent meanwhile: on a machine shared with other work the wall-clock
// seconds mostly measure the wait for a core, the CPU time what printing the report costs.
// Options: --recipients N (default 10000), --runs N (default 3).
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { silentLogger } from '@gdial/engine';
import { startConsole } from '@gdial/desktop/src/web/host';
import { ReportPrinter } from '@gdial/desktop/src/web/report-pdf';
import { percentile, round, type BenchContext } from '../context';

const CHROMIUM = process.env.GDIAL_CHROMIUM ?? '/usr/bin/chromium';
const T0 = Date.parse('2026-03-02T08:00:00Z');

export default async function run(ctx: BenchContext): Promise<void> {
  const recipients = Number(ctx.options.recipients ?? 10_000);
  const runs = Number(ctx.options.runs ?? 3);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gdial-bench-report-'));
  const host = await startConsole({
    port: 0,
    dataDir,
    logger: silentLogger(),
    connectivity: { mode: 'live', settings: {} },
    signedIn: { displayName: 'Bench Operatör', role: 'admin' },
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  const baseline = new ReportPrinter(CHROMIUM);
  try {
    ctx.progress(`writing a finished alert to ${recipients} people`);
    const id = seed(host.engine, recipients);
    const call = async <T>(method: string, params: unknown): Promise<{ value: T; ms: number }> => {
      const t = performance.now();
      const r = await host.engine.rpc.call(method, params);
      if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
      return { value: r.value as T, ms: performance.now() - t };
    };
    const report = await call<{
      unreached: {
        displayName: string;
        deliveries: {
          channel: string;
          address: string;
          state: string;
          errorCode: string | null;
          error: string | null;
          finishedAt: string | null;
        }[];
      }[];
    }>('campaigns.afterAction', { id });
    // The curve is read again every two seconds while an alert runs: its cost after the first read.
    const historyMs: number[] = [];
    for (let i = 0; i < 5; i++) historyMs.push((await call('campaigns.history', { id })).ms);
    ctx.emit({
      metric: 'engine',
      recipients,
      unreached: report.value.unreached.length,
      after_action_ms: round(report.ms, 1),
      history_first_ms: round(historyMs[0]!, 1),
      history_median_ms: round(percentile(historyMs.slice(1), 50), 1),
    });

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'sv-SE', acceptDownloads: true });
    const page = await context.newPage();
    // The same rows as a plain table: what any HTML-to-PDF route would have to print.
    const rows = report.value.unreached
      .map(
        (r) =>
          `<tr><td>${r.displayName}</td><td>${r.deliveries.map((d) => `${d.channel} ${d.address}: ${d.state} – ${d.errorCode ?? ''} ${d.error ?? ''} (${d.finishedAt ?? ''})`).join('<br>')}</td></tr>`,
      )
      .join('');
    const plain = `<!doctype html><html><head><meta charset="utf-8"><style>body{font-family:system-ui;font-size:10pt}td{border:1px solid #ccc;padding:2px 4px}tr{break-inside:avoid}</style></head><body><h1>Ej nådda</h1><table>${rows}</table></body></html>`;
    const request = {
      html: plain,
      fileName: 'baseline.pdf',
      header: 'bench · Efterhandsrapport',
      generated: 'Skapad nu',
      pageLabel: 'Sida {page} av {pages}',
    };
    for (let i = 1; i <= runs; i++) {
      await page.goto(`${host.url}/#/campaigns/${id}/report`);
      await page.getByRole('button', { name: 'Ladda ner PDF' }).waitFor({ timeout: 120_000 });
      await page.getByRole('region', { name: `Ej nådda (${report.value.unreached.length.toLocaleString('sv-SE')})` }).waitFor();
      const file = path.join(dataDir, `report-${i}.pdf`);
      const c = cpuSeconds();
      const t = performance.now();
      const [download] = await Promise.all([
        page.waitForEvent('download', { timeout: 300_000 }),
        page.getByRole('button', { name: 'Ladda ner PDF' }).click(),
      ]);
      await download.saveAs(file);
      const seconds = (performance.now() - t) / 1000;
      const cpu = cpuSeconds() - c;
      const cb = cpuSeconds();
      const tb = performance.now();
      const pdf = await baseline.print(request);
      const baselineSeconds = (performance.now() - tb) / 1000;
      const baselineCpu = cpuSeconds() - cb;
      ctx.emit({
        run: i,
        recipients,
        seconds: round(seconds, 2),
        bytes: statSync(file).size,
        baseline_seconds: round(baselineSeconds, 2),
        baseline_bytes: pdf.length,
        ratio: round(seconds / baselineSeconds, 2),
        cpu_seconds: round(cpu, 2),
        baseline_cpu_seconds: round(baselineCpu, 2),
        cpu_ratio: round(cpu / baselineCpu, 2),
        goal_seconds: 5,
      });
    }
    await context.close();
  } finally {
    await baseline.close();
    await browser.close();
    await host.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * CPU seconds (user + system) of this process and of every process under it, those already
 * ended and reaped included (Linux /proc; clock ticks of 1/100 s).
 */
function cpuSeconds(): number {
  const own = process.cpuUsage();
  const procs = new Map<number, { parent: number; ticks: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // After the command name in parentheses: state, ppid, …; utime, stime, cutime, cstime are fields 14–17.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.set(Number(name), { parent: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) });
    } catch {
      // The process ended while the list was read.
    }
  }
  let ticks = 0;
  const under = (pid: number): void => {
    for (const [child, p] of procs)
      if (p.parent === pid) {
        ticks += p.ticks;
        under(child);
      }
  };
  under(process.pid);
  return (own.user + own.system) / 1e6 + ticks / 100;
}

/** A finished SMS alert to `n` people, written straight into the engine's tables. */
function seed(engine: Awaited<ReturnType<typeof startConsole>>['engine'], n: number): number {
  const s = engine.context.store.sqlite;
  const group = (s.prepare("INSERT INTO contact_groups (name, name_key) VALUES ('Alla', 'alla') RETURNING id").get() as { id: number }).id;
  const template = (
    s
      .prepare(
        "INSERT INTO templates (name, status, approved_by, approved_at) VALUES ('Övningslarm', 'approved', 'bench', strftime('%Y-%m-%dT%H:%M:%fZ','now')) RETURNING id",
      )
      .get() as { id: number }
  ).id;
  s.prepare("INSERT INTO template_contents (template_id, language, channel, text) VALUES (?, 'sv', 'sms', 'Övningslarm: svara 1.')").run(
    template,
  );
  const campaign = engine.services.campaigns.create({
    name: 'Övningslarm',
    templateId: template,
    audience: { groupIds: [group] },
    steps: [{ channel: 'sms' }],
  });
  const at = (sec: number) => T0 + sec * 1000;
  engine.context.store.transaction(() => {
    s.prepare("UPDATE campaigns SET status = 'completed', started_at = ?, finished_at = ? WHERE id = ?").run(
      new Date(T0).toISOString(),
      new Date(at(600)).toISOString(),
      campaign.id,
    );
    const contact = s.prepare("INSERT INTO contacts (display_name, first_name, language, sort_key) VALUES (?, ?, 'sv', ?) RETURNING id");
    const recipient = s.prepare(
      "INSERT INTO campaign_recipients (campaign_id, contact_id, display_name, language, outcome, confirmed_at, confirmed_via) VALUES (?, ?, ?, 'sv', ?, ?, ?) RETURNING id",
    );
    const delivery = s.prepare(
      `INSERT INTO deliveries (campaign_id, recipient_id, step_index, channel, address, token, state, priority, wait_seconds, condition, fall_through,
         body, segments, attempts, provider, provider_id, provider_status, provider_rank, error_code, error, sent_at, finished_at)
       VALUES (?, ?, 0, 'sms', ?, ?, ?, 0, 0, 'not-confirmed', 0, 'Övningslarm: svara 1.', 1, 1, 'twilio', ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    );
    const event = s.prepare('INSERT INTO delivery_events (delivery_id, at, kind, detail) VALUES (?, ?, ?, ?)');
    for (let i = 0; i < n; i++) {
      const name = `Person ${i} Larmsson`;
      const address = `+4673${String(i).padStart(7, '0')}`;
      const { id: contactId } = contact.get(name, `Person${i}`, name.toLowerCase()) as { id: number };
      const sent = at(1 + (i % 60));
      const fate = i % 10 === 0 ? '30003' : i % 10 === 5 ? '30005' : i % 10 === 1 || i % 10 === 3 ? 'confirmed' : 'reached';
      const unreached = fate === '30003' || fate === '30005';
      const done = sent + 2000 + (i % 17) * 1000;
      const confirmedAt = fate === 'confirmed' ? new Date(done + 5000 + (i % 120) * 1000).toISOString() : null;
      const { id: rid } = recipient.get(
        campaign.id,
        contactId,
        name,
        unreached ? 'unreached' : fate,
        confirmedAt,
        confirmedAt ? `replied 1 (sms ${address})` : null,
      ) as { id: number };
      const { id: did } = delivery.get(
        campaign.id,
        rid,
        address,
        `bench-${i}`,
        unreached ? 'failed' : 'delivered',
        `SM${i}`,
        unreached ? 'undelivered' : 'delivered',
        unreached ? 85 : 90,
        unreached ? fate : null,
        unreached ? (fate === '30003' ? 'Unreachable destination handset' : 'Unknown destination handset') : null,
        sent,
        done,
      ) as { id: number };
      event.run(did, sent + 500, 'status', 'sent');
      event.run(
        did,
        done,
        'status',
        unreached
          ? `undelivered: ${fate} ${fate === '30003' ? 'Unreachable destination handset' : 'Unknown destination handset'}`
          : 'delivered',
      );
      if (confirmedAt) event.run(did, Date.parse(confirmedAt), 'reply', 'replied 1 (confirmed)');
    }
  });
  return campaign.id;
}
