// The measurement behind the `sync-converge` benchmark: five desktops (engines in processes
// of their own) on a relay on PostgreSQL make random edits of shared contacts at a steady
// rate; one desktop is partitioned from the relay for 10 s while all keep writing (the cut
// one into its outbox). converge_ms: from the heal until all five hold identical states with
// nothing left to push. Baseline, in the same run and world: the same writing for as long
// with no partition, from its last write until all five are identical (how long the same
// traffic takes to settle when nobody was cut off). ratio = baseline_ms / converge_ms.
// Measured for a partition that drops packets (blackhole: connections stall, the relay's
// heartbeat of 15 s does not notice 10 s) and for one that resets every connection (the
// desktop's stream drops; its probe of the relay reconnects it as soon as the relay answers).
import type { PartitionKind } from './proxy';
import { sleep, World } from './world';

export interface ConvergeOptions {
  desktops: number;
  partitionMs: number;
  /** Edits per second from each desktop. */
  rate: number;
  contacts: number;
  log: (line: string) => void;
}

export async function measureConvergence(o: ConvergeOptions): Promise<Record<string, number | string | boolean>> {
  const world = await World.start({ engines: o.desktops, backend: 'postgres', log: o.log });
  try {
    const contacts: string[] = [];
    for (let i = 0; i < o.contacts; i++) {
      const r = await world.command(i % o.desktops, {
        op: 'createContact',
        name: `Mätning${i}`,
        phone: `0701${String(i).padStart(6, '0')}`,
      });
      if (!r.uid) throw new Error(`creating a contact failed: ${r.error}`);
      contacts.push(r.uid);
    }
    await world.quiesce(120_000);
    let n = 0;
    const fields = ['role', 'organisation', 'notes'] as const;
    /** Every desktop edits at `rate` for `ms`; returns how many edits were made. */
    const write = async (ms: number): Promise<number> => {
      const end = performance.now() + ms;
      let made = 0;
      await Promise.all(
        world.desktops.map(async (_, i) => {
          for (let k = 0; performance.now() < end; k++) {
            const c = contacts[Math.floor(Math.random() * contacts.length)]!;
            const tagged = Math.random() < 0.2;
            const r = await world.command(
              i,
              tagged
                ? { op: 'tag', contact: c, tag: 'stab', present: Math.random() < 0.5 }
                : { op: 'editContact', contact: c, field: fields[n % 3]!, value: `v${n++}` },
            );
            if (r.ok) made++;
            const due = end - ms + ((k + 1) * 1000) / o.rate;
            if (due > performance.now()) await sleep(due - performance.now());
          }
        }),
      );
      return made;
    };
    const settle = async (): Promise<number> => {
      const from = performance.now();
      await world.until(() => world.identical(), 'the desktops to be identical', 120_000);
      return Math.round(performance.now() - from);
    };
    o.log(`baseline: ${o.desktops} desktops writing ${o.rate}/s each for ${o.partitionMs} ms, no partition`);
    const baselineEdits = await write(o.partitionMs);
    const baselineMs = await settle();
    const partitioned = async (kind: PartitionKind) => {
      o.log(`partition (${kind}) of ${world.desktops.at(-1)!.name} for ${o.partitionMs} ms while all write`);
      world.partition([o.desktops - 1], kind);
      const edits = await write(o.partitionMs);
      world.heal();
      return { edits, ms: await settle() };
    };
    const blackhole = await partitioned('blackhole');
    const reset = await partitioned('reset');
    return {
      name: 'sync-converge',
      desktops: o.desktops,
      partition_ms: o.partitionMs,
      edits: blackhole.edits,
      converge_ms: blackhole.ms,
      baseline_ms: baselineMs,
      baseline_edits: baselineEdits,
      ratio: Number((baselineMs / Math.max(1, blackhole.ms)).toFixed(3)),
      reset_edits: reset.edits,
      converge_reset_ms: reset.ms,
      goal_ms: 2_000,
      meets_goal: blackhole.ms <= 2_000 && reset.ms <= 2_000,
    };
  } finally {
    await world.close();
  }
}
