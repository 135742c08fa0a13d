// Opens the engine's SQLite database: pragmas, migrations, and the typed drizzle handle.
// Migrations are the SQL files drizzle-kit generated into ../../drizzle, each followed by
// its data step in TypeScript if it has one (./migrations), applied in one transaction;
// PRAGMA user_version counts how many are applied, so a database written by a newer GDial
// (more migrations than we know) is refused instead of being damaged.
import Database from 'better-sqlite3-multiple-ciphers';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { readMigrationJournal, type BackupInfo, type CheckedBackup } from '@gdial/protocol';
import * as schema from './schema';
import type { Logger } from '../log';
import { ChangeSet } from './changes';
import { warmPageCache } from './cache-warmer';
import { Checkpointer } from './checkpointer';
import { applyKey, hasDatabase, isPlaintextDatabase, type DatabaseKey } from './encryption';
import { dataMigrations, type DataMigration } from './migrations';
import { StatementCache } from './statements';
import { WriteTimes } from './write-times';

export type Db = BetterSQLite3Database<typeof schema>;

/** The connection's page cache. */
const PAGE_CACHE_BYTES = 128 * 1024 * 1024;

/**
 * What reading needs: the connection, its drizzle handle and its prepared statements. Store
 * modules take a Reader for queries and a Tx for writes, so a write can only happen inside a
 * transaction a service opened.
 */
export interface Reader {
  readonly db: Db;
  readonly sqlite: Database.Database;
  /** The connection's one statement cache: prepares each SQL text once. */
  readonly statements: StatementCache;
}

declare const writeBrand: unique symbol;

/**
 * Where a transaction's changes come from: made here (an operator, an import, the
 * dispatcher), merged in from another desktop by organisation sync, or applied from the
 * relay's stream (provider events and other desktops' operations). Only local changes
 * become sync operations; the others already are one.
 */
export type TxOrigin = 'local' | 'sync' | 'relay';

/** A write transaction: a Reader that also records every row it changes. */
export interface Tx extends Reader {
  readonly changes: ChangeSet;
  readonly origin: TxOrigin;
  readonly [writeBrand]: true;
}

/** Runs inside the transaction after its work, before COMMIT (writes land in the same commit). */
export type BeforeCommitHook = (tx: Tx) => void;
/** Runs after COMMIT with what the transaction changed. */
export type AfterCommitHook = (changes: ChangeSet) => void;

export interface Store {
  readonly path: string;
  readonly sqlite: Database.Database;
  readonly db: Db;
  readonly schemaVersion: number;
  /** Whether the file is encrypted (opened with a key). */
  readonly encrypted: boolean;
  /** For queries outside a transaction. */
  readonly read: Reader;
  /** How long recent write transactions took (the health rule on write latency reads it). */
  readonly writeTimes: WriteTimes;
  /**
   * Runs fn in one IMMEDIATE transaction; everything it writes lands together or not at
   * all. Called inside another transaction it joins it (as a savepoint: if fn throws, its
   * writes and its recorded changes are undone and the outer transaction goes on).
   */
  transaction<T>(fn: (tx: Tx) => T, opts?: { origin?: TxOrigin }): T;
  /** Adds a hook run at the end of every transaction, before it commits; returns its removal. */
  beforeCommit(hook: BeforeCommitHook): () => void;
  /** Adds a hook run after every committed transaction that changed tracked rows; returns its removal. */
  afterCommit(hook: AfterCommitHook): () => void;
  /**
   * For a long run of commits (an import): SQLite would copy the write-ahead log back into
   * the database whenever a commit leaves it over 1,000 pages, which every batch does, so
   * the index pages a batch touches would be copied once per batch. Until the returned
   * function is called the log grows instead; then one checkpoint copies each page once,
   * in its final state, on a worker thread (see checkpointer.ts), and automatic
   * checkpoints resume when it is done. The promise settles then. A crash in between
   * loses nothing: the log is replayed when the database is opened.
   */
  deferCheckpoints(): () => Promise<void>;
  /**
   * Resolves once no checkpoint after a deferral is running (call before close to leave the
   * file complete), nor the page cache warm-up of an encrypted file that follows it.
   */
  settled(): Promise<void>;
  /** Closes the connection; a background checkpoint still running is stopped (safely). */
  close(): void;
}

/**
 * Why a database could not be opened: written by a newer GDial; unreadable (damaged, or not
 * a database); an upgrade failed; the key does not open it (wrong key, or page one is
 * damaged); it is plaintext where a key was given (encrypt it first, see encryption.ts);
 * the key itself could not be had (the OS key store refused or is missing).
 */
export type StoreOpenFailure = 'newer-version' | 'unreadable' | 'migration-failed' | 'wrong-key' | 'plaintext' | 'key-unavailable';

export class StoreOpenError extends Error {
  constructor(
    readonly reason: StoreOpenFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreOpenError';
  }

  /** The newest intact backup, offered instead of starting empty (named in the message too). */
  backup: BackupInfo | null = null;
  /** Every backup there is, newest first, each checked by SQLite (what the start error page lists). */
  backups: CheckedBackup[] = [];

  offerBackups(list: CheckedBackup[]): void {
    this.backups = list;
    const b = list.find((x) => x.intact);
    if (!b) return;
    this.backup = b;
    this.message += ` Den senaste säkerhetskopian är från ${b.createdAt.slice(0, 16).replace('T', ' ')} UTC (${b.name}); återställ den i stället för att börja om med en tom databas.`;
  }
}

interface Migration {
  index: number;
  tag: string;
  statements: string[];
  /** The data step run after the statements, for a data migration. */
  data: DataMigration | undefined;
}

export const defaultMigrationsDir = (): string => path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../drizzle');

export function loadMigrations(dir = defaultMigrationsDir()): Migration[] {
  return readMigrationJournal(readFileSync(path.join(dir, 'meta', '_journal.json'), 'utf8'), (tag) =>
    readFileSync(path.join(dir, `${tag}.sql`), 'utf8'),
  ).map(({ index, tag, statements }) => ({ index, tag, statements, data: dataMigrations[tag] }));
}

export interface OpenStoreOptions {
  logger: Logger;
  migrationsDir?: string;
  /** Milliseconds a writer waits for a lock held by another connection. */
  busyTimeoutMs?: number;
  /**
   * The key the database is encrypted with (see encryption.ts). A new database is created
   * encrypted; a plaintext one is refused (encrypt it in place first). Without a key the
   * database is plaintext.
   */
  key?: DatabaseKey | undefined;
}

export function openStore(file: string, opts: OpenStoreOptions): Store {
  const log = opts.logger.child({ module: 'store' });
  const key = opts.key;
  if (key && isPlaintextDatabase(file)) {
    throw new StoreOpenError(
      'plaintext',
      `Databasen ${file} är inte krypterad. Den krypteras när GDial startar, eller med \`gdial database encrypt\`.`,
    );
  }
  let sqlite: Database.Database | undefined;
  try {
    sqlite = new Database(file);
    if (key) applyKey(sqlite, key);
    sqlite.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
    if (file !== ':memory:') sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    // Statement journals, sorts and temporary tables in memory, never in temporary files. A
    // statement that fires a trigger (every write of a delivery: its tally) keeps a statement
    // journal of the pages it changes; past 64 KiB SQLite moved it to a temporary file, created
    // and removed per statement (campaign-dispatch: planning a delivery 29 -> 12 µs of CPU).
    // Temporary files would also hold the encrypted database's pages unencrypted.
    sqlite.pragma('temp_store = MEMORY');
    // 128 MB page cache: a 100k-contact database is ~90 MB, and search touches much of it.
    sqlite.pragma(`cache_size = -${PAGE_CACHE_BYTES / 1024}`);
    // Reading the schema forces SQLite to look at the file: a non-database fails here.
    sqlite.prepare('SELECT count(*) FROM sqlite_schema').get();
  } catch (cause) {
    sqlite?.close();
    if (key && hasDatabase(file) && !isPlaintextDatabase(file)) {
      throw new StoreOpenError(
        'wrong-key',
        `Databasen ${file} kan inte låsas upp med den här nyckeln: nyckeln är fel, eller filens början är skadad. Filen har inte ändrats; återställ den senaste säkerhetskopian om nyckeln är rätt.`,
        { cause },
      );
    }
    const encrypted = hasDatabase(file) && !isPlaintextDatabase(file);
    throw new StoreOpenError(
      'unreadable',
      encrypted
        ? `Databasen ${file} kan inte läsas: den är krypterad och ingen nyckel angavs (GDIAL_DB_KEY), eller så är den skadad. Filen har inte ändrats.`
        : `The database at ${file} cannot be read (${(cause as Error).message}). Restore it from a backup or move it aside to start a new one.`,
      { cause },
    );
  }

  return finishOpening(sqlite, file, key, opts, log);
}

function finishOpening(sqlite: Database.Database, file: string, key: DatabaseKey | undefined, opts: OpenStoreOptions, log: Logger): Store {
  const migrations = loadMigrations(opts.migrationsDir);
  const applied = sqlite.pragma('user_version', { simple: true }) as number;
  if (applied > migrations.length) {
    sqlite.close();
    throw new StoreOpenError(
      'newer-version',
      `The database at ${file} was written by a newer version of GDial (schema ${applied}, this version knows ${migrations.length}). Update GDial to open it; it was left untouched.`,
    );
  }
  const pending = migrations.slice(applied);
  if (pending.length > 0) {
    try {
      sqlite
        .transaction(() => {
          for (const m of pending) {
            for (const s of m.statements) sqlite.exec(s);
            m.data?.(sqlite);
          }
          sqlite.pragma(`user_version = ${migrations.length}`);
        })
        .immediate();
      log.info({ from: applied, to: migrations.length }, 'database migrated');
    } catch (cause) {
      sqlite.close();
      throw new StoreOpenError(
        'migration-failed',
        `Upgrading the database at ${file} failed and was rolled back: ${(cause as Error).message}`,
        { cause },
      );
    }
  }

  const db = drizzle(sqlite, { schema });
  const read: Reader = { db, sqlite, statements: new StatementCache(sqlite) };
  const before = new Set<BeforeCommitHook>();
  const after = new Set<AfterCommitHook>();
  let current: Tx | null = null;
  const writeTimes = new WriteTimes();
  const run = <T>(fn: (tx: Tx) => T, opts?: { origin?: TxOrigin }): T => {
    if (current) {
      // A nested call: better-sqlite3 runs it as a savepoint.
      const tx = current;
      const mark = tx.changes.mark();
      try {
        return sqlite.transaction(() => fn(tx))();
      } catch (err) {
        tx.changes.rollbackTo(mark);
        throw err;
      }
    }
    const tx = { ...read, changes: new ChangeSet(), origin: opts?.origin ?? 'local' } as Tx;
    current = tx;
    let result: T;
    const began = performance.now();
    try {
      result = sqlite
        .transaction(() => {
          const r = fn(tx);
          for (const hook of before) hook(tx);
          return r;
        })
        .immediate();
    } finally {
      current = null;
      writeTimes.record(performance.now() - began);
    }
    if (tx.changes.size > 0) {
      for (const hook of after) {
        try {
          hook(tx.changes);
        } catch (err) {
          log.error({ err }, 'a hook after a committed transaction failed');
        }
      }
    }
    return result;
  };
  const checkpointer = new Checkpointer(sqlite, file, log, key);
  const wal = sqlite.pragma('journal_mode', { simple: true }) === 'wal';
  let deferred = 0;
  // Whether automatic checkpoints are off because of us (from the first deferral until the
  // checkpoint after the last is done), and the interval to put back then.
  let suspended = false;
  let interval = 0;
  const running = new Set<Promise<void>>();
  // An encrypted file's pages cost a decryption the first time they are read: read them now, not in the operator's first searches.
  const warm = () => {
    if (!key) return;
    const done = warmPageCache(sqlite, log, PAGE_CACHE_BYTES).then(() => undefined);
    running.add(done);
    void done.finally(() => running.delete(done));
  };
  warm();
  return {
    path: file,
    sqlite,
    db,
    schemaVersion: migrations.length,
    encrypted: key !== undefined,
    read,
    writeTimes,
    transaction: run,
    beforeCommit(hook) {
      before.add(hook);
      return () => before.delete(hook);
    },
    afterCommit(hook) {
      after.add(hook);
      return () => after.delete(hook);
    },
    deferCheckpoints() {
      if (!wal) return () => Promise.resolve();
      if (deferred++ === 0 && !suspended) {
        interval = sqlite.pragma('wal_autocheckpoint', { simple: true }) as number;
        sqlite.pragma('wal_autocheckpoint = 0');
        suspended = true;
      }
      let released = false;
      const resume = async (): Promise<void> => {
        try {
          const r = await checkpointer.checkpoint();
          log.info(
            { logFrames: r.logFrames, checkpointedFrames: r.checkpointedFrames, background: r.background, ms: Math.round(r.ms) },
            'write-ahead log copied back after a long run of writes',
          );
        } catch (err) {
          // Closing the store stops a checkpoint in flight; SQLite checkpoints on close.
          if (sqlite.open) log.warn({ err }, 'checkpoint after a long run of writes failed; the next automatic one will do it');
        } finally {
          // Unless another long run began meanwhile, or the store was closed.
          if (deferred === 0 && suspended && sqlite.open) {
            sqlite.pragma(`wal_autocheckpoint = ${interval}`);
            suspended = false;
            warm();
          }
        }
      };
      return () => {
        if (released) return Promise.resolve();
        released = true;
        if (--deferred > 0) return Promise.resolve();
        const done = resume();
        running.add(done);
        void done.finally(() => running.delete(done));
        return done;
      };
    },
    async settled() {
      while (running.size > 0) await Promise.all(running);
    },
    close() {
      void checkpointer.close();
      if (!sqlite.open) return;
      try {
        sqlite.pragma('optimize');
      } finally {
        sqlite.close();
      }
    },
  };
}

/**
 * Whether opening the database at `file` would upgrade its schema (so a backup should be
 * made first): false for a new or empty file, or one that cannot be read (opening says why).
 */
export function storeNeedsUpgrade(file: string, opts: { key?: DatabaseKey | undefined; migrationsDir?: string }): boolean {
  if (!hasDatabase(file) || (opts.key !== undefined && isPlaintextDatabase(file))) return false;
  let sqlite: Database.Database | undefined;
  try {
    sqlite = new Database(file, { fileMustExist: true });
    if (opts.key) applyKey(sqlite, opts.key);
    const applied = sqlite.pragma('user_version', { simple: true }) as number;
    return applied > 0 && applied < loadMigrations(opts.migrationsDir).length;
  } catch {
    return false;
  } finally {
    sqlite?.close();
  }
}
