// store-encryption: what encrypting the database at rest costs. Runs contacts-import,
// contacts-search and campaign-dispatch in this one process twice each — first on a
// plaintext database (the baseline), then on a SQLCipher-encrypted one with a fresh random
// key — and prints one line per bench with both figures and encrypted ÷ plaintext for its
// headline metric (the goal: within 15 %). Each run's own line is printed too, tagged.
// Options are passed through to the benches (e.g. --rows 20000 --queries 500
// --recipients 5000); --only NAME runs one of them.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { BenchContext } from '../context';
import { benchStore, round } from '../context';

interface Target {
  name: 'contacts-import' | 'contacts-search' | 'campaign-dispatch';
  metric: string;
  /** A CPU-time figure of the same bench, which a busy machine does not inflate, when it prints one. */
  cpuMetric?: string;
  /** Whether a larger figure is better (rates) or worse (latencies). */
  higherIsBetter: boolean;
}

const targets: Target[] = [
  { name: 'contacts-import', metric: 'rows_per_s', cpuMetric: 'rows_per_cpu_s', higherIsBetter: true },
  { name: 'contacts-search', metric: 'p95_ms', cpuMetric: 'cpu_p95_ms', higherIsBetter: false },
  { name: 'campaign-dispatch', metric: 'msgs_per_s', higherIsBetter: true },
];

async function runOnce(ctx: BenchContext, t: Target, key: string | undefined): Promise<Record<string, unknown>> {
  benchStore.key = key;
  const rows: Record<string, unknown>[] = [];
  const mod = (await import(`./${t.name}.ts`)) as { default: (ctx: BenchContext) => Promise<void> };
  await mod.default({
    options: ctx.options,
    progress: (m) => ctx.progress(`${t.name}${key ? ' (encrypted)' : ''}: ${m}`),
    emit: (row) => {
      rows.push(row);
      ctx.emit({ run: t.name, encrypted: key !== undefined, ...row });
    },
  });
  benchStore.key = undefined;
  const last = rows.at(-1);
  if (!last || typeof last[t.metric] !== 'number') throw new Error(`${t.name} printed no ${t.metric}`);
  return last;
}

export default async function (ctx: BenchContext): Promise<void> {
  const only = ctx.options.only;
  for (const t of targets.filter((x) => !only || x.name === only)) {
    const plain = await runOnce(ctx, t, undefined);
    const encrypted = await runOnce(ctx, t, randomBytes(32).toString('hex'));
    const p = plain[t.metric] as number;
    const e = encrypted[t.metric] as number;
    // Above 1 means encryption costs: slower rate or longer latency.
    const cost = t.higherIsBetter ? p / e : e / p;
    ctx.emit({
      target: t.name,
      metric: t.metric,
      plaintext: p,
      encrypted: e,
      ratio: round(e / p, 3),
      cost_pct: round((cost - 1) * 100, 1),
      within_15_pct: cost <= 1.15,
      ...(t.cpuMetric && typeof plain[t.cpuMetric] === 'number' && typeof encrypted[t.cpuMetric] === 'number'
        ? {
            cpu_metric: t.cpuMetric,
            cpu_plaintext: plain[t.cpuMetric],
            cpu_encrypted: encrypted[t.cpuMetric],
            cpu_ratio: round((encrypted[t.cpuMetric] as number) / (plain[t.cpuMetric] as number), 3),
          }
        : {}),
      load_avg_1m: round(os.loadavg()[0] ?? 0, 2),
    });
  }
}
