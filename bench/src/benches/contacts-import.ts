// contacts-import: 100,000 generated Swedish contacts from a semicolon CSV (UTF-8 with
// BOM, as Swedish Excel writes it) through the engine's public RPC — preview (decode,
// parse, map headers, normalise every number, validate, find duplicates) and run (batched
// transactions with audit, FTS) — against a baseline measured in the same run: raw
// better-sqlite3 prepared INSERTs of the same, already normalised rows into the same
// tables (contacts, phones, e-mails, tags, memberships, FTS) in one transaction.
// Options: --rows N (default 100000).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, silentLogger, startEngine } from '@gdial/engine';
import type { BenchContext } from '../context';
import { engineEncryption, round, storeKey } from '../context';

const firstNames = [
  'Anna',
  'Eva',
  'Maria',
  'Karin',
  'Sara',
  'Åsa',
  'Lena',
  'Elin',
  'Ingrid',
  'Märta',
  'Lars',
  'Anders',
  'Johan',
  'Per',
  'Erik',
  'Örjan',
  'Göran',
  'Björn',
  'Mikael',
  'Pär',
];
const lastNames = [
  'Andersson',
  'Johansson',
  'Karlsson',
  'Nilsson',
  'Eriksson',
  'Larsson',
  'Olsson',
  'Persson',
  'Svensson',
  'Gustafsson',
  'Öberg',
  'Åström',
  'Ängström',
  'Lindqvist',
  'Berg',
  'Ek',
  'Holm',
  'Sjöberg',
  'Wallin',
  'Håkansson',
];
const orgs = [
  'Räddningstjänsten Syd',
  'Region Skåne',
  'Malmö stad',
  'Länsstyrelsen',
  'Kommunen',
  'Polisen',
  'Hemvärnet',
  'Frivilliga resursgruppen',
];
const roles = ['Insatsledare', 'Stabschef', 'Informatör', 'Jourhavande', 'Samordnare', 'Sjuksköterska', ''];
const groups = ['Stab', 'Ledning', 'Jour', 'Information', 'Frivilliga'];
const tags = ['jour', 'ledning', 'frivillig', 'sjukvård', 'it'];
const areas = ['8', '31', '40', '90', '18'];

export interface GeneratedContact {
  firstName: string;
  lastName: string;
  mobileNational: string;
  mobileE164: string;
  workNational: string | null;
  workE164: string | null;
  email: string;
  organisation: string;
  role: string;
  group: string;
  tag: string;
}

/** Deterministic: the same n gives the same contacts, each with a unique mobile and e-mail. */
export function generateContacts(n: number): GeneratedContact[] {
  let seed = 42;
  const rnd = (k: number) => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return (seed >>> 8) % k;
  };
  const out: GeneratedContact[] = [];
  for (let i = 0; i < n; i++) {
    const firstName = firstNames[rnd(firstNames.length)]!;
    const lastName = lastNames[rnd(lastNames.length)]!;
    const prefix = ['70', '72', '73', '76'][i % 4]!;
    const sub = String(i).padStart(7, '0');
    const hasWork = i % 3 === 0;
    const area = areas[i % areas.length]!;
    const local = String(1_000_000 + ((i * 7919) % 8_999_999)).slice(0, area.length === 1 ? 7 : 6);
    out.push({
      firstName,
      lastName,
      mobileNational: `0${prefix}-${sub.slice(0, 3)} ${sub.slice(3, 5)} ${sub.slice(5)}`,
      mobileE164: `+46${prefix}${sub}`,
      workNational: hasWork ? `0${area}-${local}` : null,
      workE164: hasWork ? `+46${area}${local}` : null,
      email: `${firstName}.${lastName}.${i}@example.se`.toLowerCase().replace(/å|ä/g, 'a').replace(/ö/g, 'o'),
      organisation: orgs[rnd(orgs.length)]!,
      role: roles[rnd(roles.length)]!,
      group: groups[i % groups.length]!,
      tag: tags[rnd(tags.length)]!,
    });
  }
  return out;
}

export function contactsCsv(contacts: readonly GeneratedContact[]): Buffer {
  const lines = ['Förnamn;Efternamn;Mobil;Telefon arbete;E-post;Organisation;Roll;Grupp;Taggar'];
  for (const c of contacts)
    lines.push(
      [c.firstName, c.lastName, c.mobileNational, c.workNational ?? '', c.email, c.organisation, c.role, c.group, c.tag].join(';'),
    );
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8')]);
}

const tmpDir = () => mkdtempSync(path.join(os.tmpdir(), 'gdial-bench-'));

/** Imports through the engine's RPC; returns ms for preview and run. */
export async function importThroughEngine(
  dataDir: string,
  csv: Buffer,
  expected: number,
): Promise<{ previewMs: number; runMs: number; close: () => Promise<void>; engine: Awaited<ReturnType<typeof startEngine>> }> {
  const engine = await startEngine({
    dataDir,
    logger: silentLogger(),
    signedIn: { displayName: 'bench', role: 'admin' },
    ...engineEncryption(),
  });
  const t0 = performance.now();
  const preview = await engine.rpc.call('contacts.import.preview', {
    source: { kind: 'inline', fileName: 'kontakter.csv', dataBase64: csv.toString('base64') },
  });
  const t1 = performance.now();
  if (!preview.ok) throw new Error(`preview failed: ${preview.error.message}`);
  const p = preview.value as { importId: string; validRows: number; errorRows: number };
  if (p.validRows !== expected || p.errorRows !== 0)
    throw new Error(`preview: ${p.validRows} valid, ${p.errorRows} errors, expected ${expected} valid`);
  const run = await engine.rpc.call('contacts.import.run', { importId: p.importId, onDuplicate: 'update' });
  const t2 = performance.now();
  if (!run.ok) throw new Error(`run failed: ${run.error.message}`);
  const r = run.value as { status: string; created: number };
  if (r.status !== 'completed' || r.created !== expected) throw new Error(`run: ${JSON.stringify(r)}`);
  return { previewMs: t1 - t0, runMs: t2 - t1, close: () => engine.close(), engine };
}

/** The baseline: the same rows, normalised beforehand, inserted with raw prepared statements. */
export function baselineInsert(dataDir: string, contacts: readonly GeneratedContact[]): number {
  const store = openStore(path.join(dataDir, 'baseline.db'), { logger: silentLogger(), ...storeKey() });
  const db = store.sqlite;
  const now = new Date().toISOString();
  const groupIds = new Map(
    groups.map((g) => [
      g,
      Number(
        db
          .prepare('INSERT INTO contact_groups (name, name_key, created_at, updated_at) VALUES (?, ?, ?, ?)')
          .run(g, g.toLowerCase(), now, now).lastInsertRowid,
      ),
    ]),
  );
  const rows = contacts.map((c) => {
    const name = `${c.firstName} ${c.lastName}`;
    const phones = [c.mobileE164, ...(c.workE164 ? [c.workE164] : [])];
    return {
      c,
      name,
      sortKey: name.toLowerCase(),
      phones,
      digits: phones.flatMap((p) => [p.slice(1), `0${p.slice(3)}`]).join(' '),
      searchText: '',
    };
  });
  // The folded search text, as the contacts table holds it (computed beforehand, like the rest).
  for (const r of rows) {
    const { c } = r;
    const text = `${r.name} ${c.firstName} ${c.lastName} ${c.organisation} ${c.role} ${c.email} ${c.tag} ${r.digits}`;
    r.searchText = ` ${text
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter(Boolean)
      .join(' ')}`;
  }
  const insContact = db.prepare(
    `INSERT INTO contacts (display_name, first_name, last_name, organisation, role, language, custom_fields, sort_key, search_text, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 'sv', '{}', ?, ?, ?, ?)`,
  );
  const insPhone = db.prepare('INSERT INTO contact_phones (contact_id, e164, label, priority, kind, can_sms) VALUES (?, ?, ?, ?, ?, ?)');
  const insEmail = db.prepare('INSERT INTO contact_emails (contact_id, address, address_key, label, priority) VALUES (?, ?, ?, ?, 0)');
  const insTag = db.prepare('INSERT INTO contact_tags (contact_id, tag) VALUES (?, ?)');
  const insMember = db.prepare('INSERT INTO group_members (group_id, contact_id, added_at) VALUES (?, ?, ?)');
  const insFts = db.prepare('INSERT INTO contacts_fts (rowid, name, organisation, email, tag, phone) VALUES (?, ?, ?, ?, ?, ?)');
  const t0 = performance.now();
  db.transaction(() => {
    for (const r of rows) {
      const { c } = r;
      const id = Number(
        insContact.run(r.name, c.firstName, c.lastName, c.organisation, c.role || null, r.sortKey, r.searchText, now, now).lastInsertRowid,
      );
      insPhone.run(id, c.mobileE164, 'mobile', 0, 'mobile', 1);
      if (c.workE164) insPhone.run(id, c.workE164, 'work', 1, 'fixedLine', 0);
      insEmail.run(id, c.email, c.email, 'work');
      insTag.run(id, c.tag);
      insMember.run(groupIds.get(c.group), id, now);
      insFts.run(id, r.name, `${c.organisation} ${c.role}`.trim(), c.email, c.tag, r.digits);
    }
  })();
  const ms = performance.now() - t0;
  store.close();
  return ms;
}

export default async function (ctx: BenchContext): Promise<void> {
  const n = Number(ctx.options.rows ?? 100_000);
  ctx.progress(`generating ${n} contacts`);
  const contacts = generateContacts(n);
  const csv = contactsCsv(contacts);

  const baseDir = tmpDir();
  ctx.progress('baseline: raw prepared inserts in one transaction');
  const baseCpu0 = process.cpuUsage();
  const baselineMs = baselineInsert(baseDir, contacts);
  const baseCpu = process.cpuUsage(baseCpu0);

  const dir = tmpDir();
  ctx.progress('engine: preview + run through RPC');
  // A small import first, so module loading and JIT warm-up are not charged to the measurement.
  const warmDir = tmpDir();
  await (await importThroughEngine(warmDir, contactsCsv(contacts.slice(0, 1000)), 1000)).close();
  rmSync(warmDir, { recursive: true, force: true });
  const cpu0 = process.cpuUsage();
  const { previewMs, runMs, close } = await importThroughEngine(dir, csv, n);
  const cpu = process.cpuUsage(cpu0);
  await close();
  rmSync(baseDir, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });

  const totalMs = previewMs + runMs;
  const rowsPerS = n / (totalMs / 1000);
  const baselineRowsPerS = n / (baselineMs / 1000);
  ctx.emit({
    rows: n,
    rows_per_s: Math.round(rowsPerS),
    baseline_rows_per_s: Math.round(baselineRowsPerS),
    ratio: round(rowsPerS / baselineRowsPerS, 3),
    preview_ms: Math.round(previewMs),
    run_ms: Math.round(runMs),
    baseline_ms: Math.round(baselineMs),
    csv_bytes: csv.length,
    // CPU seconds spent, which a busy machine does not inflate: the baseline's includes
    // opening its store, the engine's the whole import.
    rows_per_cpu_s: Math.round(n / ((cpu.user + cpu.system) / 1e6)),
    baseline_rows_per_cpu_s: Math.round(n / ((baseCpu.user + baseCpu.system) / 1e6)),
    cpu_ratio: round((baseCpu.user + baseCpu.system) / (cpu.user + cpu.system), 3),
    // Wall-clock figures depend on what else the machine runs; these say how busy it was.
    load_avg_1m: round(os.loadavg()[0] ?? 0, 2),
    cpus: os.cpus().length,
  });
}
