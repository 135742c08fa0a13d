// The database encrypted at rest: SQLCipher 4 pages (AES-256, an HMAC per page) through
// better-sqlite3-multiple-ciphers, keyed with a raw 256-bit key (no passphrase, so no key
// derivation on every open: the key is random and sealed by the OS key store, see
// services/database-key.ts). Every connection to the file — the engine's, the checkpoint
// worker's, a backup's — is keyed with the same pragmas before its first read.
//
// An existing plaintext database is encrypted by copying it (SQLite's online backup API,
// page by page with progress), encrypting the copy, checking it (integrity and every
// table's row count against the original) and only then renaming it over the original:
// a crash at any point leaves either the untouched plaintext file or the finished
// encrypted one, never half of each.
import Database from 'better-sqlite3-multiple-ciphers';
import { closeSync, existsSync, fsyncSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log';

/** A database key: 32 random bytes as 64 hexadecimal digits. */
export type DatabaseKey = string;

const KEY = /^[0-9a-f]{64}$/;
const SQLITE_HEADER = 'SQLite format 3\0';

export class DatabaseKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseKeyError';
  }
}

/** Throws unless `key` is 64 hexadecimal digits (lower case). */
export function checkDatabaseKey(key: string): DatabaseKey {
  if (typeof key !== 'string' || !KEY.test(key))
    throw new DatabaseKeyError('Databasnyckeln måste vara 64 hexadecimala tecken (32 byte), t.ex. från `openssl rand -hex 32`.');
  return key;
}

/** The pragmas that key a connection, in order (also sent to worker threads). */
export function keyPragmas(key: DatabaseKey): string[] {
  checkDatabaseKey(key);
  return ["cipher = 'sqlcipher'", 'legacy = 4', `key = "x'${key}'"`];
}

/** Keys a fresh connection; must run before anything reads the file. */
export function applyKey(sqlite: Database.Database, key: DatabaseKey): void {
  for (const p of keyPragmas(key)) sqlite.pragma(p);
}

const isFile = (file: string): boolean => file !== ':memory:' && existsSync(file) && statSync(file).isFile();

/** Whether the file exists and starts with SQLite's plaintext header (an unencrypted database). */
export function isPlaintextDatabase(file: string): boolean {
  if (!isFile(file)) return false;
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(16);
    const n = readSync(fd, head, 0, 16, 0);
    return n === 16 && head.toString('latin1') === SQLITE_HEADER;
  } finally {
    closeSync(fd);
  }
}

/** Whether the file holds anything (an empty or missing file is a new database). */
export function hasDatabase(file: string): boolean {
  if (!isFile(file)) return false;
  const fd = openSync(file, 'r');
  try {
    return readSync(fd, Buffer.alloc(1), 0, 1, 0) === 1;
  } finally {
    closeSync(fd);
  }
}

export interface EncryptProgress {
  phase: 'copying' | 'encrypting' | 'checking' | 'replacing';
  /** 0–100 over the whole migration. */
  percent: number;
}

/** The tables of a database with their row counts (to compare a copy with its original). */
function rowCounts(sqlite: Database.Database): Map<string, number> {
  const tables = sqlite
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
  const counts = new Map<string, number>();
  for (const t of tables)
    counts.set(
      t,
      sqlite
        .prepare(`SELECT count(*) FROM "${t.replaceAll('"', '""')}"`)
        .pluck()
        .get() as number,
    );
  return counts;
}

/** Removes a database file's write-ahead log and shared-memory files, and a journal. */
function removeSidecars(file: string): void {
  for (const s of ['-wal', '-shm', '-journal']) rmSync(file + s, { force: true });
}

function fsyncFile(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncDir(dir: string): void {
  // Directories cannot be opened for fsync on Windows; there the rename is what we have.
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Encrypts the plaintext database at `file` with `key`, in place and crash-safe (see the
 * top of this file). Nothing else may have the database open. Returns the tables' row
 * counts it checked.
 */
export async function encryptDatabaseInPlace(
  file: string,
  key: DatabaseKey,
  opts: { logger: Logger; onProgress?: (p: EncryptProgress) => void },
): Promise<{ tables: number; rows: number }> {
  checkDatabaseKey(key);
  const log = opts.logger.child({ module: 'store.encryption' });
  const report = (phase: EncryptProgress['phase'], percent: number) => {
    opts.onProgress?.({ phase, percent: Math.round(percent) });
  };
  const copy = `${file}.encrypting`;
  rmSync(copy, { force: true });
  removeSidecars(copy);
  const source = new Database(file, { fileMustExist: true });
  let before: Map<string, number>;
  try {
    before = rowCounts(source);
    // The backup API reads through the source connection, so rows still in its
    // write-ahead log are copied too; the copy is one consistent snapshot.
    let lastPercent = -1;
    await source.backup(copy, {
      progress: ({ totalPages, remainingPages }) => {
        const percent = totalPages === 0 ? 60 : ((totalPages - remainingPages) / totalPages) * 60;
        if (Math.floor(percent / 5) !== Math.floor(lastPercent / 5)) report('copying', percent);
        lastPercent = percent;
        return 256;
      },
    });
  } finally {
    source.close();
  }
  try {
    // Closing the last connection copies the log back and removes it; a log still there
    // means another process has the database open and may write what the copy lacks.
    if (existsSync(`${file}-wal`) && statSync(`${file}-wal`).size > 0)
      throw new Error('the database is open in another program; close it and try again');
    report('encrypting', 60);
    const enc = new Database(copy, { fileMustExist: true });
    try {
      // Rekeying needs a rollback journal: it rewrites every page in one transaction.
      enc.pragma('journal_mode = DELETE');
      enc.pragma("cipher = 'sqlcipher'");
      enc.pragma('legacy = 4');
      enc.pragma(`rekey = "x'${key}'"`);
    } finally {
      enc.close();
    }
    report('checking', 85);
    const check = new Database(copy, { fileMustExist: true });
    try {
      applyKey(check, key);
      const result = check.pragma('quick_check', { simple: true }) as string;
      if (result !== 'ok') throw new Error(`the encrypted copy fails SQLite's check: ${result}`);
      const after = rowCounts(check);
      for (const [table, n] of before) {
        if (after.get(table) !== n) throw new Error(`the encrypted copy of table ${table} has ${after.get(table) ?? 0} rows, not ${n}`);
      }
      // The copy goes back to write-ahead logging, as the engine uses it.
      check.pragma('journal_mode = WAL');
    } finally {
      check.close();
    }
    if (isPlaintextDatabase(copy)) throw new Error('the copy is still plaintext after encrypting it');
    report('replacing', 95);
    fsyncFile(copy);
    renameSync(copy, file);
    fsyncDir(path.dirname(file));
    removeSidecars(copy);
  } catch (err) {
    rmSync(copy, { force: true });
    removeSidecars(copy);
    throw err;
  }
  report('replacing', 100);
  let rows = 0;
  for (const n of before.values()) rows += n;
  log.info({ tables: before.size, rows }, 'plaintext database encrypted in place');
  return { tables: before.size, rows };
}
