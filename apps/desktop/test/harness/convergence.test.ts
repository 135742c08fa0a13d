// The convergence harness in its CI form (harness.ts says what it checks): three desktops, a
// relay on PostgreSQL and then on PGlite, one short random workload with faults on each. The longer
// form is `npm run harness` (apps/desktop/scripts/harness.ts). A failure prints its seed:
// GDIAL_HARNESS_SEED=<seed> npx vitest run apps/desktop/test/harness/convergence.test.ts
import { describe, expect, it } from 'vitest';
import { runHarness, seedFromEnv, type HarnessOptions } from './harness';

const ci: Omit<HarnessOptions, 'backend' | 'runs'> = {
  engines: 3,
  steps: 16,
  importRows: 40,
  faults: true,
  restore: false,
  // A desktop that was partitioned or lost its relay reconnects as soon as its probe finds the
  // relay again; the margin is for a loaded machine (an engine or the relay slow to start again).
  quiesceMs: 75_000,
  seed: seedFromEnv(),
  log: (line) => process.stderr.write(`[harness] ${line}\n`),
};

describe('convergence harness', () => {
  it('desktops converge to the model through faults on a relay on PostgreSQL', async () => {
    const report = await runHarness({ ...ci, backend: 'postgres', runs: 1 });
    expect(report.runs).toHaveLength(1);
    expect(report.runs.every((r) => r.commands > 0)).toBe(true);
  }, 400_000);

  it('and on a relay on PGlite', async () => {
    const report = await runHarness({ ...ci, backend: 'pglite', runs: 1 });
    expect(report.runs).toHaveLength(1);
  }, 300_000);
});
