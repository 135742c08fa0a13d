// The convergence harness (in the style of Jepsen's PowerSync test): real desktops and a
// real relay, a random workload with faults (workload.ts), and at the end quiesce and check:
// every outbox drained, every desktop's states identical to each other, to Postgres's
// (sync_entities) and to the reference model (model.ts), every console showing what the
// model says, and nothing left of an erased person.
//
// Reproducing a failure: the seed is printed first (and by fast-check on failure); run again
// with GDIAL_HARNESS_SEED=<seed> and the same options to replay the same workloads in the
// same order (the faults' timing against the processes is the machine's).
import fc from 'fast-check';
import { execute, Registry, workloadArbitrary, type RunStats, type WorkloadOptions } from './workload';
import { World, type Backend } from './world';

export interface HarnessOptions extends WorkloadOptions {
  backend: Backend;
  /** fast-check runs (workloads), one after the other on the same organisation. */
  runs: number;
  seed?: number;
  /** How long quiescing may take before it counts as not converging. */
  quiesceMs: number;
  log?: (line: string) => void;
}

export interface HarnessReport {
  seed: number;
  runs: Array<RunStats & { operations: number; quiesceMs: number }>;
}

export const seedFromEnv = (): number | undefined => {
  const s = process.env.GDIAL_HARNESS_SEED;
  return s === undefined || s === '' ? undefined : Number(s);
};

export async function runHarness(o: HarnessOptions): Promise<HarnessReport> {
  const log = o.log ?? (() => {});
  const seed = o.seed ?? (Date.now() ^ (Math.random() * 0x7fffffff)) >>> 0;
  log(`harness on ${o.backend}: ${o.engines} desktops, ${o.runs} runs of ${o.steps} steps; GDIAL_HARNESS_SEED=${seed}`);
  const report: HarnessReport = { seed, runs: [] };
  const world = await World.start({ engines: o.engines, backend: o.backend, heartbeatMs: 2_000, log });
  const reg = new Registry(seed.toString(36));
  try {
    await fc.assert(
      fc.asyncProperty(workloadArbitrary(o), async (steps) => {
        if (o.restore) await world.backup();
        const stats = await execute(world, reg, steps);
        const quiesceMs = await world.quiesce(o.quiesceMs);
        const erased = new Map([...reg.traces].filter(([uid]) => world.model.states().get(`contact:${uid}`)?.erased === true));
        const problems = await world.check(erased);
        const run = { ...stats, operations: world.model.size, quiesceMs };
        report.runs.push(run);
        log(`run ${report.runs.length}: ${JSON.stringify(run)}`);
        if (problems.length > 0) throw new Error(`after ${JSON.stringify(steps)}:\n${problems.join('\n')}`);
      }),
      { numRuns: o.runs, seed, endOnFailure: true },
    );
  } finally {
    await world.close();
  }
  return report;
}
