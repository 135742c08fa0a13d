// analytics: how long the Analys page's figures take over a large history — 100 finished
// alerts × 10,000 recipients (a million recipients and a million SMS deliveries, written
// straight into a fresh store; fates as in report-pdf: a tenth unreachable, a tenth unknown
// numbers, two in ten confirmed). `ms` is analytics.overview's computation for the whole
// range, unfiltered and filtered to one group; the baseline, same run, is one plain scan
// counting every delivery by state (the floor of any figure that reads each delivery once).
// Options: --alerts N (default 100), --recipients N per alert (default 10000), --runs N (default 3).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyticsFilterSchema } from '@gdial/protocol';
import { openStore, silentLogger } from '@gdial/engine';
import { alertAnalytics } from '@gdial/engine/campaigns';
import { round, storeKey, type BenchContext } from '../context';

const T0 = Date.parse('2026-03-02T08:00:00Z');

export default async function run(ctx: BenchContext): Promise<void> {
  const alerts = Number(ctx.options.alerts ?? 100);
  const recipients = Number(ctx.options.recipients ?? 10_000);
  const runs = Number(ctx.options.runs ?? 3);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gdial-bench-analytics-'));
  const store = openStore(path.join(dir, 'gdial.db'), { logger: silentLogger(), ...storeKey() });
  try {
    ctx.progress(`writing ${alerts} finished alerts to ${recipients} people each`);
    const groups = seed(store.sqlite, alerts, recipients);
    const timed = <T>(f: () => T): { value: T; ms: number } => {
      const t = performance.now();
      const value = f();
      return { value, ms: performance.now() - t };
    };
    const all = analyticsFilterSchema.parse({ from: '2026-01-01', to: '2026-12-31' });
    const oneGroup = analyticsFilterSchema.parse({ ...all, groupId: groups[0] });
    for (let i = 1; i <= runs; i++) {
      const whole = timed(() => alertAnalytics(store.read, all));
      const group = timed(() => alertAnalytics(store.read, oneGroup));
      const baseline = timed(() => store.sqlite.prepare('SELECT state, COUNT(*) AS n FROM deliveries GROUP BY state').all());
      ctx.emit({
        run: i,
        alerts: whole.value.alerts.length,
        recipients: whole.value.alerts.reduce((s, a) => s + a.recipients, 0),
        ms: round(whole.ms, 1),
        group_alerts: group.value.alerts.length,
        group_ms: round(group.ms, 1),
        baseline_ms: round(baseline.ms, 1),
        ratio: round(whole.ms / baseline.ms, 2),
      });
    }
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `alerts` finished SMS alerts to `n` people each, over ten groups and a year; returns the group ids. */
function seed(s: ReturnType<typeof openStore>['sqlite'], alerts: number, n: number): number[] {
  const groups = Array.from(
    { length: 10 },
    (_, g) =>
      (
        s.prepare('INSERT INTO contact_groups (name, name_key) VALUES (?, ?) RETURNING id').get(`Grupp ${g}`, `grupp ${g}`) as {
          id: number;
        }
      ).id,
  );
  const template = (s.prepare("INSERT INTO templates (name, status) VALUES ('Larm', 'approved') RETURNING id").get() as { id: number }).id;
  const campaign = s.prepare(
    `INSERT INTO campaigns (name, status, priority, template_id, test_group_id, settings, created_by, started_at, finished_at)
     VALUES (?, 'completed', 0, ?, ?, ?, 'bench', ?, ?) RETURNING id`,
  );
  const recipient = s.prepare(
    "INSERT INTO campaign_recipients (campaign_id, display_name, language, outcome, confirmed_at) VALUES (?, ?, 'sv', ?, ?) RETURNING id",
  );
  const delivery = s.prepare(
    `INSERT INTO deliveries (campaign_id, recipient_id, step_index, channel, address, token, state, priority, wait_seconds, condition, fall_through,
       body, segments, attempts, provider, error_code, sent_at, finished_at)
     VALUES (?, ?, 0, 'sms', ?, ?, ?, 0, 0, 'not-confirmed', 0, 'Larm: svara 1.', 1, 1, 'twilio', ?, ?, ?)`,
  );
  s.transaction(() => {
    for (let a = 0; a < alerts; a++) {
      const start = T0 + a * 3 * 86_400_000;
      const name = `Larm ${a}`;
      const settings = { name, templateId: template, audience: { groupIds: [groups[a % groups.length]] }, steps: [{ channel: 'sms' }] };
      const { id } = campaign.get(
        name,
        template,
        a % 5 === 0 ? groups[0] : null,
        JSON.stringify(settings),
        new Date(start).toISOString(),
        new Date(start + 600_000).toISOString(),
      ) as { id: number };
      for (let i = 0; i < n; i++) {
        const sent = start + (1 + (i % 60)) * 1000;
        const fate = i % 10 === 0 ? '30003' : i % 10 === 5 ? '30005' : i % 10 === 1 || i % 10 === 3 ? 'confirmed' : 'reached';
        const failed = fate === '30003' || fate === '30005';
        const done = sent + 2000 + (i % 17) * 1000;
        const confirmedAt = fate === 'confirmed' ? new Date(done + 5000 + (i % 120) * 1000).toISOString() : null;
        const { id: rid } = recipient.get(id, `Person ${i}`, failed ? 'unreached' : fate, confirmedAt) as { id: number };
        delivery.run(
          id,
          rid,
          `+4673${String(i).padStart(7, '0')}`,
          `b-${a}-${i}`,
          failed ? 'failed' : 'delivered',
          failed ? fate : null,
          sent,
          done,
        );
      }
    }
  })();
  return groups;
}
