// engine-startup: how long from "start the engine" to "the console can show contacts",
// on a data directory holding 100,000 contacts. Ready means startEngine resolved and the
// first calls the console makes on load (system.info, the first page of contacts.search)
// have answered. Baseline, measured in the same run: opening the same database file with
// better-sqlite3 and reading the same first page with one SQL query.
// Options: --rows N (default 100000), --runs N (default 7).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { silentLogger, startEngine } from '@gdial/engine';
import type { BenchContext } from '../context';
import { percentile, round } from '../context';
import { contactsCsv, generateContacts, importThroughEngine } from './contacts-import';

export default async function (ctx: BenchContext): Promise<void> {
  const rows = Number(ctx.options.rows ?? 100_000);
  const runs = Number(ctx.options.runs ?? 7);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gdial-startup-'));
  ctx.progress(`seeding ${rows} contacts through the engine's import`);
  const seeded = await importThroughEngine(dataDir, contactsCsv(generateContacts(rows)), rows);
  await seeded.close();

  const ready: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const engine = await startEngine({ dataDir, logger: silentLogger(), signedIn: { displayName: 'bench', role: 'admin' } });
    const [info, page] = await Promise.all([
      engine.rpc.call('system.info', {}),
      engine.rpc.call('contacts.search', { limit: 100, sort: 'name' }),
    ]);
    const ms = performance.now() - t0;
    if (!info.ok || !page.ok) throw new Error(`engine not ready: ${JSON.stringify(info.ok ? page : info)}`);
    const items = (page.value as { items: unknown[] }).items;
    if (items.length !== 100) throw new Error(`expected a first page of 100 contacts, got ${items.length}`);
    ready.push(ms);
    await engine.close();

    const b0 = performance.now();
    const db = new Database(path.join(dataDir, 'gdial.db'));
    db.pragma('journal_mode = WAL');
    const first = db.prepare('SELECT id, display_name FROM contacts ORDER BY sort_key, id LIMIT 100').all();
    baseline.push(performance.now() - b0);
    if (first.length !== 100) throw new Error('baseline read no contacts');
    db.close();
    ctx.progress(`run ${i + 1}/${runs}: ready ${ms.toFixed(1)} ms`);
  }
  rmSync(dataDir, { recursive: true, force: true });
  const readyMs = percentile(ready, 50);
  const baselineMs = percentile(baseline, 50);
  ctx.emit({
    contacts: rows,
    runs,
    ready_ms: round(readyMs, 1),
    ready_max_ms: round(Math.max(...ready), 1),
    baseline_ms: round(baselineMs, 1),
    ratio: round(readyMs / baselineMs, 2),
  });
}
