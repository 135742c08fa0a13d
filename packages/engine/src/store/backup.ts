// Backups of the engine's database, as files in `<data dir>/backups`:
// gdial-<UTC time>-<reason>.db, each one consistent (a snapshot in one read transaction),
// encrypted with the database's own key when it is encrypted, and checked by SQLite's
// PRAGMA integrity_check before it gets its final name. N generations are kept.
//
// The copy is made with VACUUM INTO, not the online backup API: with SQLCipher the
// backup API needs a target connection keyed like the source, and better-sqlite3 opens
// the target itself without a key (sqlite3mc then refuses, rightly, to write plaintext
// pages from an encrypted source). VACUUM INTO writes the copy through the source's own
// cipher and key. Copy and check run on a worker thread with a connection of its own, so
// a backup of a large database never stalls the engine's thread (alerts keep going).
//
// Restoring swaps files while nothing has the database open: the backup is copied beside
// the database, checked, synced, and renamed over it; the database's old write-ahead log
// is removed first so it can never be replayed into the restored file.
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { BackupInfo, BackupReason } from '@gdial/protocol';
import { backupReasons } from '@gdial/protocol';
import { driverPath } from './checkpointer';
import { keyPragmas, type DatabaseKey } from './encryption';

export const backupsDirOf = (dbPath: string): string => path.join(path.dirname(dbPath), 'backups');

const NAME = /^gdial-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z-([a-z-]+)\.db$/;

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

/** The backup's name for a moment and reason (UTC, to the millisecond, so names sort by time). */
export function backupName(at: Date, reason: BackupReason): string {
  return `gdial-${at.toISOString().replace(/[-:.]/g, '')}-${reason}.db`;
}

function parseName(name: string): { createdAt: string; reason: BackupReason } | null {
  const m = NAME.exec(name);
  if (!m) return null;
  const reason = m[8] as BackupReason;
  if (!backupReasons.includes(reason)) return null;
  return { createdAt: `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7]}Z`, reason };
}

/** The finished backups in `dir`, newest first (copies in progress have another name). */
export function listBackups(dir: string, encrypted: boolean): BackupInfo[] {
  if (!existsSync(dir)) return [];
  const out: BackupInfo[] = [];
  for (const name of readdirSync(dir)) {
    const meta = parseName(name);
    if (!meta) continue;
    out.push({ name, ...meta, bytes: statSync(path.join(dir, name)).size, encrypted });
  }
  return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.name.localeCompare(a.name));
}

interface JobResult {
  ok: boolean;
  error?: string;
  check?: string;
  schemaVersion?: number;
}

// The worker's whole program (CommonJS, evaluated, like the checkpointer's): optionally
// copies `file` to `copyTo` with VACUUM INTO, then opens the result with the key and runs
// integrity_check. Every connection is keyed before its first read.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const open = (file) => {
  const db = new Database(file, { fileMustExist: true });
  for (const p of workerData.keyPragmas) db.pragma(p);
  db.pragma('busy_timeout = 10000');
  return db;
};
try {
  if (workerData.copyTo) {
    const src = open(workerData.file);
    try { src.prepare('VACUUM INTO ?').run(workerData.copyTo); } finally { src.close(); }
  }
  const db = open(workerData.copyTo || workerData.file);
  try {
    const rows = db.pragma('integrity_check').map((r) => r.integrity_check);
    const schemaVersion = db.pragma('user_version', { simple: true });
    parentPort.postMessage({ ok: true, check: rows.join('; '), schemaVersion });
  } finally { db.close(); }
} catch (err) {
  parentPort.postMessage({ ok: false, error: String((err && err.message) || err) });
}
`;

function runJob(data: { file: string; copyTo: string | null; key: DatabaseKey | undefined }): Promise<JobResult> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: JobResult) => {
      if (!settled) {
        settled = true;
        resolve(r);
      }
    };
    try {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { driver: driverPath(), file: data.file, copyTo: data.copyTo, keyPragmas: data.key ? keyPragmas(data.key) : [] },
      });
      worker.once('message', (r: JobResult) => done(r));
      worker.once('error', (err) => done({ ok: false, error: err.message }));
      worker.once('exit', (code) => done({ ok: false, error: `the backup worker stopped (${code})` }));
    } catch (err) {
      done({ ok: false, error: (err as Error).message });
    }
  });
}

function fsyncPath(p: string, flags: string): void {
  if (flags === 'r' && process.platform === 'win32') return;
  const fd = openSync(p, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Checks a database or backup file with its key: opens it and runs integrity_check.
 * Resolves with the schema version; throws BackupError with SQLite's findings otherwise.
 */
export async function checkDatabaseFile(file: string, key: DatabaseKey | undefined): Promise<{ schemaVersion: number }> {
  if (!existsSync(file)) throw new BackupError(`${path.basename(file)} finns inte.`);
  const r = await runJob({ file, copyTo: null, key });
  if (!r.ok) throw new BackupError(`${path.basename(file)} kan inte öppnas: ${r.error ?? 'okänt fel'}`);
  if (r.check !== 'ok') throw new BackupError(`${path.basename(file)} är skadad (integrity_check: ${r.check ?? '?'})`);
  return { schemaVersion: r.schemaVersion ?? 0 };
}

/**
 * Backs up the database at `dbPath` (open or not: the copy is one read transaction) into
 * `dir`, checks the copy, and keeps the newest `keep` backups. A failed or damaged copy is
 * removed and BackupError thrown; earlier backups are never touched then.
 */
export async function createBackup(
  dbPath: string,
  opts: { key: DatabaseKey | undefined; dir: string; reason: BackupReason; keep: number; now?: Date },
): Promise<BackupInfo> {
  mkdirSync(opts.dir, { recursive: true });
  const name = backupName(opts.now ?? new Date(), opts.reason);
  const final = path.join(opts.dir, name);
  const partial = `${final}.partial`;
  rmSync(partial, { force: true });
  const r = await runJob({ file: dbPath, copyTo: partial, key: opts.key });
  if (!r.ok || r.check !== 'ok') {
    rmSync(partial, { force: true });
    throw new BackupError(
      r.ok
        ? `Säkerhetskopian blev skadad (integrity_check: ${r.check ?? '?'}) och sparades inte.`
        : `Säkerhetskopian kunde inte göras: ${r.error ?? 'okänt fel'}`,
    );
  }
  fsyncPath(partial, 'r+');
  renameSync(partial, final);
  fsyncPath(opts.dir, 'r');
  pruneBackups(opts.dir, opts.keep);
  const info = listBackups(opts.dir, opts.key !== undefined).find((b) => b.name === name);
  if (!info) throw new BackupError(`Säkerhetskopian ${name} försvann när den sparades.`);
  return info;
}

/** Removes all but the newest `keep` backups (and copies a crash left half made). */
export function pruneBackups(dir: string, keep: number): void {
  for (const b of listBackups(dir, false).slice(Math.max(1, keep))) rmSync(path.join(dir, b.name), { force: true });
  for (const f of readdirSync(dir)) if (f.endsWith('.partial')) rmSync(path.join(dir, f), { force: true });
}

/** The path of a backup by name, refusing anything that is not one of `dir`'s backups. */
export function backupPath(dir: string, name: string): string {
  if (!parseName(name) || path.basename(name) !== name) throw new BackupError(`"${name}" är inte namnet på en säkerhetskopia.`);
  const file = path.join(dir, name);
  if (!existsSync(file)) throw new BackupError(`Säkerhetskopian ${name} finns inte.`);
  return file;
}

/**
 * Puts a backup in place of the database at `dbPath`, which nothing may have open: checks
 * the backup with the key, copies it beside the database, syncs the copy, removes the
 * database's write-ahead log and shared memory, and renames the copy over the database.
 */
export async function restoreBackupFile(dbPath: string, backupFile: string, key: DatabaseKey | undefined): Promise<void> {
  await checkDatabaseFile(backupFile, key);
  const incoming = `${dbPath}.restoring`;
  rmSync(incoming, { force: true });
  copyFileSync(backupFile, incoming);
  fsyncPath(incoming, 'r+');
  for (const s of ['-wal', '-shm', '-journal']) rmSync(dbPath + s, { force: true });
  renameSync(incoming, dbPath);
  fsyncPath(path.dirname(dbPath), 'r');
}
