// sync-latency: an edit on desktop A applied on desktop B, both enrolled with one relay on
// PostgreSQL, at a steady rate from A (default 200 edits/s for 20 s): p50 and p99 of the
// time from A's commit to B's commit of the same edit. Baseline, in the same run: one
// PostgreSQL round trip from this process (what any path through the relay pays at least).
// Goal: p99 ≤ 100 ms. Options: --rate N (edits/s), --seconds N.
import pg from 'pg';
import { percentile, round, type BenchContext } from '../context';
import { call, DATABASE_URL, startOrg, until } from '../sync-org';

export default async function (ctx: BenchContext): Promise<void> {
  const rate = Number(ctx.options.rate ?? 200);
  const seconds = Number(ctx.options.seconds ?? 20);
  const org = await startOrg();
  try {
    const a = await org.desktop('A');
    const b = await org.desktop('B');
    await until(async () => (await call(a, 'sync.status', {})).enabled && (await call(b, 'sync.status', {})).enabled, 'both to join');
    const contact = await call(a, 'contacts.create', { firstName: 'Mätning', phones: [{ number: '070-100 00 00' }] });
    const localOnB = async () => (await call(b, 'contacts.search', { limit: 1, query: 'Mätning' })).items[0]?.id;
    await until(async () => (await localOnB()) !== undefined, 'the contact on B');
    const idOnB = (await localOnB())!;
    const roleOnB = b.context.store.sqlite.prepare<[number], { role: string | null }>('SELECT role FROM contacts WHERE id = ?');
    // Edits apply in order, and a batch that arrived together commits at once: B holding edit k
    // means every edit up to k has reached it.
    const sentAt: number[] = [];
    const latencies: number[] = [];
    let seen = -1;
    b.context.store.afterCommit(() => {
      const role = roleOnB.get(idOnB)?.role;
      const k = role?.startsWith('r') ? Number(role.slice(1)) : -1;
      const now = performance.now();
      for (let j = seen + 1; j <= k && j < sentAt.length; j++) latencies.push(now - sentAt[j]!);
      if (k > seen) seen = Math.min(k, sentAt.length - 1);
    });
    const total = rate * seconds;
    ctx.progress(`${total} edits at ${rate}/s`);
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const role = `r${i}`;
      await call(a, 'contacts.update', { id: contact.id, changes: { role } });
      sentAt.push(performance.now());
    }
    const sendSeconds = (performance.now() - start) / 1000;
    await until(() => latencies.length >= total, 'B to apply every edit', 60_000).catch(() => undefined);
    // Baseline: a round trip to the same PostgreSQL.
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    const rtt: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      await client.query('SELECT 1');
      rtt.push(performance.now() - t);
    }
    await client.end();
    const p99 = percentile(latencies, 99);
    ctx.emit({
      edits: total,
      applied: latencies.length,
      achieved_rate: round(total / sendSeconds, 1),
      p50_ms: round(percentile(latencies, 50), 1),
      p99_ms: round(p99, 1),
      max_ms: round(Math.max(...latencies), 1),
      baseline_pg_roundtrip_p50_ms: round(percentile(rtt, 50), 2),
      ratio: round(percentile(rtt, 50) / percentile(latencies, 50), 3),
      goal_p99_ms: 100,
      meets_goal: p99 <= 100,
    });
  } finally {
    await org.close();
  }
}
