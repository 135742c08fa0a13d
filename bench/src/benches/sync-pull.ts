// sync-pull: a fresh desktop's snapshot of an organisation's contacts with groups, tags and
// memberships from the relay on PostgreSQL. The organisation is seeded straight into the
// relay's Postgres (sync_entities, set-based, in seconds): the merged states a first desktop
// would have pushed — the same fields its codecs read — without timing that desktop's push
// (minutes at 100,000 contacts; the push is not what this bench measures). Then desktop B
// joins and takes the snapshot. `seconds` is from B's start until its snapshot is complete;
// `log_catchup_seconds` is until B holds every state (see docs/sync.md). Baseline, in the
// same run: the same states read out of PostgreSQL with one query and written into SQLite in
// one transaction. Goal: seconds ≤ 10 and ratio ≥ 0.5 at 100,000 contacts. On the shared
// machine the wall-clock seconds mostly measure the wait for a core, so the CPU seconds of
// this process are printed beside them (`cpu_seconds`: B's start and snapshot, with the
// relay's JavaScript, which shares the process, and this bench's polling of B's status;
// `baseline_cpu_seconds`; `cpu_ratio` = baseline / snapshot; Postgres's own CPU is in
// neither). Options: --rows N
// (default 100000); --profile FILE writes a CPU profile (.cpuprofile) of B's start and
// snapshot (the relay shares the process, so its JavaScript is in it too).
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { HybridClock, pairId, type EntityState, type Json } from '@gdial/protocol';
import { round, type BenchContext } from '../context';
import { generateContacts, type GeneratedContact } from './contacts-import';
import { call, DATABASE_URL, startOrg, until } from '../sync-org';

const SEED_DEVICE = '00000000-0000-4000-8000-00000000000a';

/** The organisation's merged states as a first desktop that imported these contacts would have pushed them. */
export function organisationStates(contacts: readonly GeneratedContact[]): EntityState[] {
  const clock = new HybridClock();
  const state = (entity: EntityState['entity'], id: string, fields: Record<string, Json>): EntityState => ({
    entity,
    id,
    fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, { v, s: `${clock.tick()}@${SEED_DEVICE}` }])),
  });
  const states: EntityState[] = [];
  const groups = new Map<string, string>();
  for (const c of contacts)
    if (!groups.has(c.group)) {
      groups.set(c.group, randomUUID());
      states.push(state('group', groups.get(c.group)!, { name: c.group, description: null, colour: null, parent: null }));
    }
  for (const c of contacts) {
    const uid = randomUUID();
    const phones: Json[] = [{ e164: c.mobileE164, label: 'mobile', kind: 'mobile', canSms: true }];
    if (c.workE164) phones.push({ e164: c.workE164, label: 'work', kind: 'fixedLine', canSms: false });
    states.push(
      state('contact', uid, {
        displayName: `${c.firstName} ${c.lastName}`,
        firstName: c.firstName,
        lastName: c.lastName,
        organisation: c.organisation,
        role: c.role === '' ? null : c.role,
        notes: null,
        language: 'sv',
        phones,
        emails: [{ address: c.email, label: 'work' }],
        whatsapp: null,
        telegramChatId: null,
        customFields: {},
        doNotContact: { voice: false, sms: false, email: false, whatsapp: false, telegram: false },
      }),
      state('contactTag', pairId(uid, c.tag), { present: true }),
      state('membership', pairId(groups.get(c.group)!, uid), { present: true }),
    );
  }
  return states;
}

/** Writes the states into the tenant's sync_entities, a few thousand per statement. */
async function seedRelay(schema: string, slug: string, states: readonly EntityState[]): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    const tenant = (await client.query<{ id: string }>('SELECT id FROM tenants WHERE slug = $1', [slug])).rows[0]!.id;
    for (let i = 0; i < states.length; i += 5_000) {
      const chunk = states.slice(i, i + 5_000);
      await client.query(
        `INSERT INTO sync_entities (tenant_id, entity, entity_id, state, seq)
         SELECT $1, e, i, s, (SELECT last_seq FROM event_counters WHERE tenant_id = $1)
           FROM unnest($2::text[], $3::text[], $4::jsonb[]) AS x(e, i, s)`,
        [tenant, chunk.map((s) => s.entity), chunk.map((s) => s.id), chunk.map((s) => JSON.stringify(s))],
      );
    }
  } finally {
    await client.end();
  }
}

/** This process's CPU seconds (user and system, every thread) since `from`. */
function cpuSeconds(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
}

/** Starts the CPU profiler in this process; the function returned stops it and writes the profile. */
async function startProfile(): Promise<(file: string) => Promise<void>> {
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const s = new Session();
  s.connect();
  await s.post('Profiler.enable');
  await s.post('Profiler.setSamplingInterval', { interval: 500 });
  await s.post('Profiler.start');
  return async (file) => {
    const { profile } = await s.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    s.disconnect();
  };
}

export default async function (ctx: BenchContext): Promise<void> {
  const rows = Number(ctx.options.rows ?? 100_000);
  const org = await startOrg();
  try {
    const t0 = performance.now();
    const seeded = organisationStates(generateContacts(rows));
    await seedRelay(org.schema, org.tenant, seeded);
    const seedSeconds = (performance.now() - t0) / 1000;
    ctx.progress(`seeded the relay with ${seeded.length} states (${rows} contacts) in ${seedSeconds.toFixed(1)} s`);

    const prof = ctx.options.profile ? await startProfile() : null;
    const b0 = performance.now();
    const cpu0 = process.cpuUsage();
    let snapshotCpu = 0;
    const b = await org.desktop('B');
    const started = (performance.now() - b0) / 1000; // enrolment and the engine's start
    let snapshotDone = 0;
    let entities = 0;
    await until(async () => {
      const s = await call(b, 'sync.status', {});
      if (s.snapshot) entities = Math.max(entities, s.snapshot.total);
      if (s.enabled && s.snapshot === null && snapshotDone === 0) {
        snapshotDone = performance.now();
        snapshotCpu = cpuSeconds(cpu0);
      }
      return snapshotDone > 0 && (await call(b, 'contacts.search', { limit: 1 })).total === rows;
    }, "B's snapshot");
    const seconds = (snapshotDone - b0) / 1000;
    if (prof) await prof(ctx.options.profile!);
    await until(
      () => b.context.store.sqlite.prepare('SELECT count(*) AS n FROM sync_state').pluck().get() === seeded.length,
      "B's log catch-up",
    );
    const catchup = (performance.now() - snapshotDone) / 1000;

    // Baseline: one query out of PostgreSQL, one transaction into SQLite.
    const c0 = performance.now();
    const baseCpu0 = process.cpuUsage();
    const client = new pg.Client({ connectionString: DATABASE_URL, options: `-c search_path=${org.schema}` });
    await client.connect();
    const states = await client.query<{ entity: string; entity_id: string; state: unknown }>(
      'SELECT entity, entity_id, state FROM sync_entities',
    );
    await client.end();
    const db = new Database(path.join(mkdtempSync(path.join(os.tmpdir(), 'gdial-sync-pull-base-')), 'b.db'));
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE s (entity TEXT, entity_id TEXT, state TEXT, PRIMARY KEY (entity, entity_id))');
    const ins = db.prepare('INSERT INTO s VALUES (?, ?, ?)');
    db.transaction(() => {
      for (const r of states.rows) ins.run(r.entity, r.entity_id, JSON.stringify(r.state));
    })();
    db.close();
    const baselineSeconds = (performance.now() - c0) / 1000;
    const baselineCpu = cpuSeconds(baseCpu0);
    const n = states.rows.length;
    ctx.emit({
      contacts: rows,
      rows: n,
      seconds: round(seconds, 2),
      rows_per_s: round(n / seconds, 0),
      log_catchup_seconds: round(catchup, 2),
      startup_seconds: round(started, 2),
      seed_seconds: round(seedSeconds, 2),
      baseline_rows_per_s: round(n / baselineSeconds, 0),
      ratio: round(n / seconds / (n / baselineSeconds), 3),
      cpu_seconds: round(snapshotCpu, 2),
      baseline_cpu_seconds: round(baselineCpu, 2),
      cpu_ratio: round(baselineCpu / snapshotCpu, 3),
      goal: 'seconds <= 10 and ratio >= 0.5 at 100000 contacts',
    });
  } finally {
    await org.close();
  }
}
