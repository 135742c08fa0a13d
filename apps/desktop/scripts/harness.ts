// `npm run harness`: the convergence harness's long form (apps/desktop/test/harness), with
// more desktops, steps, runs and faults than the CI test, and imports of up to 10,000 rows.
//   npm run harness -- [--backend postgres|pglite|both] [--engines 5] [--steps 60] [--runs 3]
//                      [--import-rows 10000] [--no-faults] [--restore] [--seed N] [--quiesce-ms 180000]
//   npm run harness -- converge [--desktops 5] [--partition-ms 10000] [--rate 10] [--contacts 50]
// The second form is the `sync-converge` benchmark's measurement: one JSON line on stdout.
// Progress goes to stderr; a failure names its seed (GDIAL_HARNESS_SEED or --seed replays it).
import { measureConvergence } from '../test/harness/converge';
import { runHarness, seedFromEnv } from '../test/harness/harness';
import type { Backend } from '../test/harness/world';

const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(`--${name}`);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(args[i + 1]);
  if (!Number.isFinite(v) || v < 0) {
    process.stderr.write(`--${name} takes a number, not "${args[i + 1] ?? ''}"\n`);
    process.exit(2);
  }
  return v;
};
const log = (line: string) => process.stderr.write(`[harness ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

if (args[0] === 'converge') {
  const row = await measureConvergence({
    desktops: option('desktops', 5),
    partitionMs: option('partition-ms', 10_000),
    rate: option('rate', 10),
    contacts: option('contacts', 50),
    log,
  });
  process.stdout.write(`${JSON.stringify(row)}\n`);
  process.exit(0);
}

const which = args.includes('--backend') ? args[args.indexOf('--backend') + 1] : 'both';
const backends: Backend[] = which === 'both' ? ['postgres', 'pglite'] : which === 'postgres' || which === 'pglite' ? [which] : [];
if (backends.length === 0) {
  process.stderr.write(`--backend is postgres, pglite or both, not "${which}"\n`);
  process.exit(2);
}
const seedOption = option('seed', -1);
let failed = false;
for (const backend of backends) {
  try {
    const report = await runHarness({
      backend,
      engines: option('engines', 5),
      steps: option('steps', 60),
      runs: option('runs', 3),
      importRows: option('import-rows', 10_000),
      faults: !flag('no-faults'),
      restore: flag('restore'),
      quiesceMs: option('quiesce-ms', 180_000),
      seed: seedOption >= 0 ? seedOption : seedFromEnv(),
      log,
    });
    process.stdout.write(`${JSON.stringify({ backend, ok: true, ...report })}\n`);
  } catch (err) {
    failed = true;
    process.stdout.write(`${JSON.stringify({ backend, ok: false, error: err instanceof Error ? err.message : String(err) })}\n`);
  }
}
process.exit(failed ? 1 : 0);
