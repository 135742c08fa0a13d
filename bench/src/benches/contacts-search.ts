// contacts-search: 1,000 mixed contact searches through the engine's RPC (input validation,
// FTS5 match, filters, keyset page of 100 summaries, total count) on 100,000 imported
// contacts. The mix is what operators do: name prefixes while typing, phone digits in any
// spelling, e-mail fragments, two-word queries, paging through the list sorted by name or
// last change, group (with subgroups) and tag filters, and surnames typed with a typo.
// Baseline, same run: fetching one contact by id through the same RPC path (the floor any
// search pays).
// Options: --rows N (default 100000), --queries N (default 1000).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchContext } from '../context';
import { percentile, round } from '../context';
import { contactsCsv, generateContacts, importThroughEngine } from './contacts-import';

type SearchInput = Record<string, unknown>;

export default async function (ctx: BenchContext): Promise<void> {
  const n = Number(ctx.options.rows ?? 100_000);
  const queries = Number(ctx.options.queries ?? 1000);
  ctx.progress(`importing ${n} contacts`);
  const contacts = generateContacts(n);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gdial-bench-search-'));
  const { engine, close } = await importThroughEngine(dir, contactsCsv(contacts), n);
  // The console searches once the import's background work is done: the write-ahead log
  // copied back and, for an encrypted file, its pages read into the cache (store/cache-warmer.ts).
  await engine.context.store.settled();
  const call = async (method: 'contacts.search' | 'contacts.get', input: SearchInput) => {
    const res = await engine.rpc.call(method, input);
    if (!res.ok) throw new Error(`${method} ${JSON.stringify(input)}: ${res.error.message}`);
    return res.value as { items?: unknown[]; nextCursor?: string | null; total?: number };
  };
  const groups = (await engine.rpc.call('groups.list', {})) as { ok: true; value: { groups: { id: number; name: string }[] } };
  const groupIds = groups.value.groups.map((g) => g.id);

  let seed = 7;
  const rnd = (k: number) => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return (seed >>> 8) % k;
  };
  const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;
  const someone = () => contacts[rnd(contacts.length)]!;
  const names = [
    'an',
    'and',
    'ande',
    'anna',
    'lars',
    'öb',
    'öberg',
    'åst',
    'sjö',
    'karl',
    'jo',
    'per',
    'eri',
    'göran',
    'ek',
    'hol',
    'wall',
    'ing',
    'mä',
    'pär',
  ];
  const cursors: Record<string, string | null> = { name: null, updated: null };
  const misspelt = (name: string): string => {
    if (name.length < 5) return name;
    const at = 1 + rnd(name.length - 2);
    return rnd(2) === 0 ? name.slice(0, at) + name.slice(at + 1) : name.slice(0, at) + name[at + 1] + name[at] + name.slice(at + 2);
  };

  const mix: (() => SearchInput)[] = [
    // Name prefixes as they are typed.
    () => ({ query: pick(names) }),
    () => ({ query: pick(names) }),
    () => ({ query: someone().lastName.slice(0, 3 + rnd(4)) }),
    // Phone digits in the spellings people use.
    () => ({
      query: someone()
        .mobileNational.replace(/\D/g, '')
        .slice(0, 4 + rnd(7)),
    }),
    () => ({ query: someone().mobileNational.slice(0, 6 + rnd(7)) }),
    () => ({ query: `+46 ${someone().mobileE164.slice(3, 5)} ${someone().mobileE164.slice(5, 8)}` }),
    // E-mail fragments and two words.
    () => ({ query: someone().email.slice(0, 8 + rnd(10)) }),
    () => {
      const c = someone();
      return { query: `${c.firstName.slice(0, 3)} ${c.lastName.slice(0, 3)}` };
    },
    // Paging the whole list, by name and by last change.
    () => {
      const sort = pick(['name', 'updated'] as const);
      return { query: '', sort, cursor: cursors[sort] };
    },
    // Group (with subgroups) and tag filters, alone and with a query.
    () => ({ query: '', groupId: pick(groupIds) }),
    () => ({ query: pick(names), groupId: pick(groupIds) }),
    () => ({ query: '', tag: pick(['jour', 'ledning', 'frivillig', 'sjukvård', 'it']) }),
    // A surname typed with a typo (a letter dropped, or two swapped), found by forgiving it.
    () => ({ query: misspelt(someone().lastName) }),
  ];
  const MISSPELT = mix.length - 1;

  // Calls come in as messages from the console, each its own turn of the engine's event
  // loop, and work the engine does in the background (building the search index after
  // the import) runs between them. Called in-process, one call's promise resolves straight
  // into the next call, so a turn is let pass between calls, outside the timed part.
  const nextMessage = () => new Promise((resolve) => setImmediate(resolve));
  // Warm up statement caches and the page cache the way a running console has them.
  for (let i = 0; i < 50; i++) {
    await call('contacts.search', mix[i % mix.length]!());
    await nextMessage();
  }

  ctx.progress(`${queries} mixed searches`);
  const times: number[] = [];
  const cpuTimes: number[] = [];
  const byKind = new Map<number, number[]>();
  const misspeltCpu: number[] = [];
  for (let i = 0; i < queries; i++) {
    const kind = i % mix.length;
    const input: SearchInput = { limit: 100, ...mix[kind]!() };
    await nextMessage();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const out = await call('contacts.search', input);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    times.push(ms);
    // CPU time of the call: what the query costs, apart from waiting for a core on a busy machine.
    cpuTimes.push((cpu.user + cpu.system) / 1000);
    byKind.set(kind, [...(byKind.get(kind) ?? []), ms]);
    if (kind === MISSPELT) misspeltCpu.push(cpuTimes.at(-1)!);
    if (input.query === '' && !input.groupId && !input.tag)
      cursors[typeof input.sort === 'string' ? input.sort : 'name'] = out.nextCursor ?? null;
  }

  const baseline: number[] = [];
  for (let i = 0; i < queries; i++) {
    await nextMessage();
    const t0 = performance.now();
    await call('contacts.get', { id: 1 + rnd(n) });
    baseline.push(performance.now() - t0);
  }
  await close();
  rmSync(dir, { recursive: true, force: true });

  const p50 = percentile(times, 50);
  const p95 = percentile(times, 95);
  const baseP95 = percentile(baseline, 95);
  ctx.emit({
    contacts: n,
    queries,
    p50_ms: round(p50, 3),
    p95_ms: round(p95, 3),
    p99_ms: round(percentile(times, 99), 3),
    max_ms: round(Math.max(...times), 3),
    baseline_get_p95_ms: round(baseP95, 3),
    ratio: round(baseP95 / p95, 3),
    p95_by_kind_ms: [...byKind.entries()].sort((a, b) => a[0] - b[0]).map(([, t]) => round(percentile(t, 95), 2)),
    cpu_p50_ms: round(percentile(cpuTimes, 50), 3),
    cpu_p95_ms: round(percentile(cpuTimes, 95), 3),
    // The misspelt surnames alone (the last kind): what forgiving a typo costs.
    misspelt_p95_ms: round(percentile(byKind.get(MISSPELT) ?? [0], 95), 3),
    misspelt_cpu_p95_ms: round(percentile(misspeltCpu.length ? misspeltCpu : [0], 95), 3),
    load_avg_1m: round(os.loadavg()[0] ?? 0, 2),
    cpus: os.cpus().length,
  });
}
