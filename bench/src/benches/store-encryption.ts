// store-encryption: what encrypting the database at rest costs. Runs contacts-import,
// contacts-search and campaign-dispatch in this one process twice each — first on a
// plaintext database (the baseline), then on a SQLCipher-encrypted one with a fresh random
// key — and prints one line per bench with both figures and encrypted ÷ plaintext for its
// headline metric (the goal: within 15 %). Each run's own line is printed too, tagged.
// Options are passed through to the benches (e.g. --rows 20000 --queries 500
// --recipients 5000); --only NAME runs one of them; --repeat N runs each pair N times,
// alternating, and compares the medians (the load on a shared machine drifts).
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { BenchContext } from '../context';
import { benchStore, percentile, round } from '../context';

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

/** The figure a run printed for metric, or undefined when it printed none. */
const figure = (row: Record<string, unknown>, metric: string | undefined): number | undefined =>
  metric !== undefined && typeof row[metric] === 'number' ? row[metric] : undefined;

export default async function (ctx: BenchContext): Promise<void> {
  const only = ctx.options.only;
  // On a shared machine the load drifts between two runs minutes apart: --repeat N runs the
  // pair N times, alternating plaintext and encrypted, and compares the medians.
  const repeat = Math.max(1, Number(ctx.options.repeat ?? 1));
  for (const t of targets.filter((x) => !only || x.name === only)) {
    const plain: number[] = [];
    const encrypted: number[] = [];
    const cpuPlain: number[] = [];
    const cpuEncrypted: number[] = [];
    for (let i = 0; i < repeat; i++) {
      const p = await runOnce(ctx, t, undefined);
      const e = await runOnce(ctx, t, randomBytes(32).toString('hex'));
      plain.push(p[t.metric] as number);
      encrypted.push(e[t.metric] as number);
      const cp = figure(p, t.cpuMetric);
      const ce = figure(e, t.cpuMetric);
      if (cp !== undefined && ce !== undefined) {
        cpuPlain.push(cp);
        cpuEncrypted.push(ce);
      }
    }
    const p = percentile(plain, 50);
    const e = percentile(encrypted, 50);
    // Above 1 means encryption costs: slower rate or longer latency.
    const cost = t.higherIsBetter ? p / e : e / p;
    const cp = cpuPlain.length === repeat ? percentile(cpuPlain, 50) : undefined;
    const ce = cpuEncrypted.length === repeat ? percentile(cpuEncrypted, 50) : undefined;
    const cpuCost = cp !== undefined && ce !== undefined ? (t.higherIsBetter ? cp / ce : ce / cp) : undefined;
    ctx.emit({
      target: t.name,
      metric: t.metric,
      runs: repeat,
      plaintext: p,
      encrypted: e,
      ratio: round(e / p, 3),
      cost_pct: round((cost - 1) * 100, 1),
      within_15_pct: cost <= 1.15,
      ...(cpuCost !== undefined
        ? {
            cpu_metric: t.cpuMetric,
            cpu_plaintext: cp,
            cpu_encrypted: ce,
            cpu_ratio: round((ce as number) / (cp as number), 3),
            cpu_cost_pct: round((cpuCost - 1) * 100, 1),
            cpu_within_15_pct: cpuCost <= 1.15,
          }
        : {}),
      load_avg_1m: round(os.loadavg()[0] ?? 0, 2),
    });
  }
}
