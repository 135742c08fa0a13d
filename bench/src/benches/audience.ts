// audience: resolving a saved segment of 5 rules over 100,000 imported contacts — what an
// alert's start does for each segment it names, and what the console's live count does as
// the operator builds one. The rules: in the group Stab or its subgroup Jour, custom field
// ort = "göteborg" (any case), custom field ålder > 30, reachable by SMS (a number that takes
// SMS, not marked do-not-contact, not opted out) and without the tag frivillig. Timed
// through the engine's RPC (segments.preview, count only: the same one query as at start).
// Baseline, same run: the same count by one hand-written SQL query on the same connection
// (plain lower() and CAST, no RPC); the counts must agree. ratio = baseline_ms / segment_ms.
// area_ms: a polygon over the same contacts (coordinates around Göteborg), against a plain scan
// of every contact's coordinates with the same exact test; area_ratio = area_baseline_ms / area_ms.
// Options: --rows N (default 100000), --runs N (default 20).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inPolygon, type LonLat } from '@gdial/protocol';
import type { BenchContext } from '../context';
import { percentile, round } from '../context';
import { contactsCsv, generateContacts, importThroughEngine } from './contacts-import';

const TOWNS = ['Göteborg', 'Malmö', 'GÖTEBORG', 'Umeå', 'Kiruna'];

export default async function (ctx: BenchContext): Promise<void> {
  const n = Number(ctx.options.rows ?? 100_000);
  const runs = Number(ctx.options.runs ?? 20);
  ctx.progress(`importing ${n} contacts`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gdial-bench-audience-'));
  const { engine, close } = await importThroughEngine(dir, contactsCsv(generateContacts(n)), n);
  await engine.context.store.settled();
  const call = async <T>(method: string, input: unknown): Promise<T> => {
    const res = await engine.rpc.call(method, input);
    if (!res.ok) throw new Error(`${method}: ${res.error.message}`);
    return res.value as T;
  };
  // Custom fields as an import with extra columns would give them (towns in mixed case, ages as text).
  const sqlite = engine.context.store.sqlite;
  sqlite
    .prepare(
      `UPDATE contacts SET custom_fields = json_object('ort', json_extract(?, '$[' || ((id / 7) % 5) || ']'), 'ålder', CAST((id * 37) % 60 + 18 AS TEXT))`,
    )
    .run(JSON.stringify(TOWNS));
  // Coordinates spread over the Göteborg region, as an import with lat/lon columns would give them
  // (the R*Tree is kept by the triggers on contacts).
  sqlite
    .prepare(
      `UPDATE contacts SET lat = 57.55 + ((id * 7919) % 10007) / 10007.0 * 0.35, lon = 11.75 + ((id * 104729) % 10009) / 10009.0 * 0.5`,
    )
    .run();
  const { groups } = await call<{ groups: { id: number; name: string }[] }>('groups.list', {});
  const id = (name: string) => groups.find((g) => g.name === name)!.id;
  await call('groups.update', { id: id('Jour'), changes: { parentId: id('Stab') } });

  const rules = [
    { kind: 'group', groupIds: [id('Stab')], includeSubgroups: true },
    { kind: 'field', key: 'ort', op: 'eq', value: 'göteborg' },
    { kind: 'field', key: 'ålder', op: 'gt', value: '30' },
    { kind: 'reachable', channel: 'sms' },
    { kind: 'tags', tags: ['frivillig'], match: 'none' },
  ];
  const baselineSql = `SELECT count(*) FROM contacts c
    WHERE c.id IN (SELECT contact_id FROM group_members WHERE group_id IN (?, ?))
      AND replace(lower(json_extract(c.custom_fields, '$.ort')), 'Ö', 'ö') = 'göteborg'
      AND CAST(json_extract(c.custom_fields, '$.ålder') AS REAL) > 30
      AND c.dnc_sms = 0
      AND c.id IN (SELECT p.contact_id FROM contact_phones p WHERE p.can_sms = 1
                   AND NOT EXISTS (SELECT 1 FROM opt_outs o WHERE o.channel = 'sms' AND o.address = p.e164))
      AND c.id NOT IN (SELECT contact_id FROM contact_tags WHERE tag = 'frivillig')`;
  const baselineStmt = sqlite.prepare<[number, number], number>(baselineSql).pluck();

  const segment: number[] = [];
  const baseline: number[] = [];
  let members = 0;
  let expected = 0;
  for (let i = 0; i < runs + 3; i++) {
    const t0 = performance.now();
    members = (await call<{ count: number }>('segments.preview', { match: 'all', rules, limit: 0 })).count;
    const t1 = performance.now();
    expected = baselineStmt.get(id('Stab'), id('Jour'))!;
    const t2 = performance.now();
    // The first runs warm the page cache and the prepared statements.
    if (i >= 3) {
      segment.push(t1 - t0);
      baseline.push(t2 - t1);
    }
  }
  if (members !== expected) throw new Error(`segment counted ${members}, the plain query ${expected}`);

  // area_ms: a polygon of seven corners over central Göteborg, through segments.preview (the
  // R*Tree's box, then the exact test), against the same count by reading every contact's
  // coordinates and testing each (no index) in the same run.
  const ring: LonLat[] = [
    [11.85, 57.62],
    [12.02, 57.6],
    [12.12, 57.68],
    [12.08, 57.77],
    [11.95, 57.8],
    [11.86, 57.75],
    [11.82, 57.68],
  ];
  const areaRules = [{ kind: 'area', area: { shape: 'polygon', ring } }];
  const everyPoint = sqlite.prepare<[], [number, number]>('SELECT lon, lat FROM contacts WHERE lat IS NOT NULL').raw();
  const area: number[] = [];
  const areaBaseline: number[] = [];
  let inside = 0;
  let insideExpected = 0;
  for (let i = 0; i < runs + 3; i++) {
    const t0 = performance.now();
    inside = (await call<{ count: number }>('segments.preview', { match: 'all', rules: areaRules, limit: 0 })).count;
    const t1 = performance.now();
    insideExpected = 0;
    for (const [lon, lat] of everyPoint.all()) if (inPolygon([lon, lat], ring)) insideExpected++;
    const t2 = performance.now();
    if (i >= 3) {
      area.push(t1 - t0);
      areaBaseline.push(t2 - t1);
    }
  }
  if (inside !== insideExpected) throw new Error(`the area counted ${inside}, the plain scan ${insideExpected}`);
  await close();
  rmSync(dir, { recursive: true, force: true });

  const segmentMs = percentile(segment, 50);
  const baselineMs = percentile(baseline, 50);
  const areaMs = percentile(area, 50);
  const areaBaselineMs = percentile(areaBaseline, 50);
  ctx.emit({
    contacts: n,
    rules: rules.length,
    members,
    runs,
    segment_ms: round(segmentMs, 2),
    segment_p95_ms: round(percentile(segment, 95), 2),
    baseline_ms: round(baselineMs, 2),
    ratio: round(baselineMs / segmentMs, 3),
    inside_area: inside,
    area_ms: round(areaMs, 2),
    area_p95_ms: round(percentile(area, 95), 2),
    area_baseline_ms: round(areaBaselineMs, 2),
    area_ratio: round(areaBaselineMs / areaMs, 3),
    goal_ms: 100,
    load_avg_1m: round(os.loadavg()[0] ?? 0, 2),
    cpus: os.cpus().length,
  });
}
