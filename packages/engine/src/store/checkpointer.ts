// Copies the write-ahead log back into the database file on a thread of its own.
//
// A checkpoint after a large write (an import of 100,000 contacts leaves ~100 MB of log)
// takes about half a second, and on the engine's thread that half second is half a
// second in which no alert is dispatched and no RPC call is answered. A PASSIVE
// checkpoint needs no lock that readers or the writer hold, so a second connection in a
// worker thread can run it while the engine goes on writing.
//
// The worker is started on first use and kept; it holds its own connection to the same
// file and nothing else. Should it fail to start or to checkpoint, the checkpoint runs on
// the engine's own connection instead, as it would without this class: the log is never
// left to grow.
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import type Database from 'better-sqlite3-multiple-ciphers';
import type { Logger } from '../log';
import { keyPragmas, type DatabaseKey } from './encryption';

export interface CheckpointResult {
  /** Frames in the log, and how many of them are now in the database file. */
  logFrames: number;
  checkpointedFrames: number;
  /** Whether it ran on the worker (false: on the engine's connection). */
  background: boolean;
  ms: number;
}

// The worker's whole program. Evaluated as CommonJS, so it needs no file of its own in
// the desktop bundle; better-sqlite3 is loaded from the path the engine resolved, and an
// encrypted database is keyed with the engine's key before the first read.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
for (const p of workerData.keyPragmas) db.pragma(p);
db.pragma('busy_timeout = 5000');
parentPort.on('message', (id) => {
  const t0 = performance.now();
  try {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ id, ok: true, logFrames: row.log, checkpointedFrames: row.checkpointed, ms: performance.now() - t0 });
  } catch (err) {
    parentPort.postMessage({ id, ok: false, error: String(err && err.message || err) });
  }
});
`;

/**
 * The better-sqlite3 the engine itself loaded (the same file, so the same native build,
 * e.g. the one rebuilt for Electron), else the one this source file would resolve.
 */
export function driverPath(): string {
  const require = createRequire(import.meta.url);
  const loaded = Object.keys(require.cache).find((p) => /[\\/]better-sqlite3-multiple-ciphers[\\/]lib[\\/]index\.js$/.test(p));
  return loaded ?? require.resolve('better-sqlite3-multiple-ciphers');
}

type Reply = { id: number; ok: true; logFrames: number; checkpointedFrames: number; ms: number } | { id: number; ok: false; error: string };

export class Checkpointer {
  private worker: Worker | null = null;
  private broken = false;
  private closed = false;
  private nextId = 1;
  private readonly pending = new Map<number, (r: Reply) => void>();
  private readonly log: Logger;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly file: string,
    logger: Logger,
    private readonly key?: DatabaseKey,
  ) {
    this.log = logger.child({ module: 'store.checkpoint' });
  }

  /** A PASSIVE checkpoint, on the worker when it can be; resolves when it is done. */
  async checkpoint(): Promise<CheckpointResult> {
    const worker = this.start();
    if (worker) {
      const reply = await new Promise<Reply>((resolve) => {
        const id = this.nextId++;
        this.pending.set(id, resolve);
        worker.postMessage(id);
      });
      if (reply.ok) return { logFrames: reply.logFrames, checkpointedFrames: reply.checkpointedFrames, background: true, ms: reply.ms };
      if (this.closed || !this.sqlite.open) throw new Error('the store was closed during the checkpoint');
      this.log.warn({ error: reply.error }, 'background checkpoint failed; checkpointing on the engine connection');
    }
    return this.inline();
  }

  /** Stops the worker (a checkpoint it is running stops safely, as after a crash). */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    this.broken = true;
    this.closed = true;
    if (w) await w.terminate();
    this.failPending('closed');
  }

  private inline(): CheckpointResult {
    const t0 = performance.now();
    const [row] = this.sqlite.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
    return { logFrames: row?.log ?? 0, checkpointedFrames: row?.checkpointed ?? 0, background: false, ms: performance.now() - t0 };
  }

  private start(): Worker | null {
    if (this.worker || this.broken) return this.worker;
    try {
      const driver = driverPath();
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { driver, file: this.file, keyPragmas: this.key ? keyPragmas(this.key) : [] },
      });
      // An idle checkpointer must not keep the process alive.
      worker.unref();
      worker.on('message', (r: Reply) => {
        const resolve = this.pending.get(r.id);
        this.pending.delete(r.id);
        resolve?.(r);
      });
      worker.on('error', (err) => {
        this.log.warn({ err }, 'checkpoint worker stopped; checkpoints run on the engine connection from now on');
        this.stopped(err.message);
      });
      worker.on('exit', (code) => this.stopped(`the worker exited (${code})`));
      this.worker = worker;
      return worker;
    } catch (err) {
      this.log.warn({ err }, 'checkpoint worker cannot start; checkpoints run on the engine connection');
      this.broken = true;
      return null;
    }
  }

  private stopped(reason: string): void {
    this.broken = true;
    this.worker = null;
    this.failPending(reason);
  }

  private failPending(error: string): void {
    for (const [id, resolve] of this.pending) resolve({ id, ok: false, error });
    this.pending.clear();
  }
}
