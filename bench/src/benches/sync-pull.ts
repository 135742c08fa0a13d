// sync-pull: a fresh desktop's snapshot of an organisation's contacts with groups, tags and
// memberships from the relay on PostgreSQL. Desktop A imports the contacts, joins the
// organisation and pushes them; then desktop B joins and takes the snapshot. `seconds` is
// from B's start until its snapshot is complete; `log_catchup_seconds` is the log B reads
// after it (see docs/sync.md). Baseline, in the same run: the same states read out of
// PostgreSQL with one query and written into SQLite in one transaction.
// Goal: seconds ≤ 10 and ratio ≥ 0.5 at 100,000 contacts. Options: --rows N (default 100000).
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { round, type BenchContext } from '../context';
import { contactsCsv, generateContacts, importThroughEngine } from './contacts-import';
import { call, DATABASE_URL, startOrg, until } from '../sync-org';

export default async function (ctx: BenchContext): Promise<void> {
  const rows = Number(ctx.options.rows ?? 100_000);
  const org = await startOrg();
  try {
    const dirA = mkdtempSync(path.join(os.tmpdir(), 'gdial-sync-pull-a-'));
    ctx.progress(`importing ${rows} contacts on A`);
    const seeded = await importThroughEngine(dirA, contactsCsv(generateContacts(rows)), rows);
    await seeded.close();
    const a = await org.desktop('A', { dataDir: dirA });
    const t0 = performance.now();
    await until(async () => {
      const s = await call(a, 'sync.status', {});
      return s.enabled && s.pending === 0;
    }, "A's push");
    const pushSeconds = (performance.now() - t0) / 1000;
    ctx.progress(`A pushed its data in ${pushSeconds.toFixed(1)} s`);

    const b0 = performance.now();
    const b = await org.desktop('B');
    let snapshotDone = 0;
    let entities = 0;
    await until(async () => {
      const s = await call(b, 'sync.status', {});
      if (s.snapshot) entities = Math.max(entities, s.snapshot.total);
      if (s.enabled && s.snapshot === null && snapshotDone === 0) snapshotDone = performance.now();
      return snapshotDone > 0 && (await call(b, 'contacts.search', { limit: 1 })).total === rows;
    }, "B's snapshot");
    const seconds = (snapshotDone - b0) / 1000;
    await until(async () => {
      const [x, y] = await Promise.all([call(a, 'sync.status', {}), call(b, 'sync.status', {})]);
      return (
        x.pending === 0 &&
        y.pending === 0 &&
        b.context.store.sqlite.prepare('SELECT count(*) AS n FROM sync_state').pluck().get() ===
          a.context.store.sqlite.prepare('SELECT count(*) AS n FROM sync_state').pluck().get()
      );
    }, "B's log catch-up");
    const catchup = (performance.now() - snapshotDone) / 1000;

    // Baseline: one query out of PostgreSQL, one transaction into SQLite.
    const c0 = performance.now();
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
    const n = states.rows.length;
    ctx.emit({
      contacts: rows,
      rows: n,
      seconds: round(seconds, 2),
      rows_per_s: round(n / seconds, 0),
      log_catchup_seconds: round(catchup, 2),
      push_seconds_on_a: round(pushSeconds, 2),
      baseline_rows_per_s: round(n / baselineSeconds, 0),
      ratio: round(n / seconds / (n / baselineSeconds), 3),
      goal: 'seconds <= 10 and ratio >= 0.5 at 100000 contacts',
    });
  } finally {
    await org.close();
  }
}
