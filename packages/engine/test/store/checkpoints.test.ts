import { mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/db';
import { Checkpointer } from '../../src/store/checkpointer';
import { silentLogger } from '../../src/log';

const tmp = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'gdial-ckpt-')), 'gdial.db');
const walBytes = (file: string) => statSync(`${file}-wal`).size;

/** Commits `batches` transactions of 2,000 audit rows each (about 400 KB of log a batch). */
function writeBatches(store: Store, batches: number): void {
  const insert = store.sqlite.prepare(
    "INSERT INTO audit_log (at, actor, action, subject_type, subject_id, summary) VALUES ('2026-01-01T00:00:00Z', 'test', 'x', 't', ?, ?)",
  );
  for (let b = 0; b < batches; b++) {
    store.sqlite.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run(String(b * 2000 + i), `row ${b}/${i} ${'·'.repeat(100)}`);
    })();
  }
}

/** What a checkpoint now would still have to copy: 0 when the log is all in the file. */
function framesBehind(store: Store): number {
  const [row] = store.sqlite.pragma('wal_checkpoint(NOOP)') as { log: number; checkpointed: number }[];
  return row!.log - row!.checkpointed;
}

const open: Store[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});
const openFile = (file = tmp()) => {
  const store = openStore(file, { logger: silentLogger() });
  open.push(store);
  return { store, file };
};

describe('checkpoints during long runs of writes', () => {
  it('lets the log grow while deferred, then copies all of it back on a worker and resumes automatic checkpoints', async () => {
    const { store, file } = openFile();
    expect(store.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    const resume = store.deferCheckpoints();
    expect(store.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    writeBatches(store, 12);
    // Over 1,000 pages of 4 KB: an automatic checkpoint would have run by now.
    expect(walBytes(file)).toBeGreaterThan(1000 * 4096);
    expect(framesBehind(store)).toBeGreaterThan(1000);
    await resume();
    expect(framesBehind(store)).toBe(0);
    expect(store.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    // The data is all there, read through the engine's connection.
    expect(store.sqlite.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(24_000);
  });

  it('keeps automatic checkpoints off until the last of overlapping runs ends', async () => {
    const { store } = openFile();
    const first = store.deferCheckpoints();
    const second = store.deferCheckpoints();
    writeBatches(store, 2);
    await first();
    expect(store.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    await first(); // a second call changes nothing
    expect(store.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    await second();
    expect(store.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(framesBehind(store)).toBe(0);
  });

  it('puts the interval back when a new run begins while the checkpoint after the last one is still running', async () => {
    const { store } = openFile();
    const first = store.deferCheckpoints();
    writeBatches(store, 3);
    const checkpointing = first(); // the worker is copying now
    const second = store.deferCheckpoints();
    await checkpointing;
    expect(store.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    writeBatches(store, 1);
    await second();
    expect(store.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(framesBehind(store)).toBe(0);
  });

  it('runs the checkpoint on a worker thread, while the engine connection goes on writing', async () => {
    const { store, file } = openFile();
    store.sqlite.pragma('wal_autocheckpoint = 0');
    writeBatches(store, 6);
    const checkpointer = new Checkpointer(store.sqlite, file, silentLogger());
    try {
      const pending = checkpointer.checkpoint();
      // Not blocked by the checkpoint: a write commits while it runs.
      writeBatches(store, 1);
      const result = await pending;
      expect(result.background).toBe(true);
      expect(result.logFrames).toBeGreaterThan(0);
      expect(result.checkpointedFrames).toBeGreaterThan(0);
      expect(result.checkpointedFrames).toBeLessThanOrEqual(result.logFrames);
      // A second one finishes the frames the write added.
      const again = await checkpointer.checkpoint();
      expect(again.background).toBe(true);
      expect(again.checkpointedFrames).toBe(again.logFrames);
    } finally {
      await checkpointer.close();
    }
  });

  it('checkpoints on the engine connection when the worker cannot open the database', async () => {
    const { store } = openFile();
    store.sqlite.pragma('wal_autocheckpoint = 0');
    writeBatches(store, 2);
    const missing = path.join(path.dirname(tmp()), 'no-such.db');
    const checkpointer = new Checkpointer(store.sqlite, missing, silentLogger());
    try {
      const result = await checkpointer.checkpoint();
      expect(result.background).toBe(false);
      expect(result.checkpointedFrames).toBe(result.logFrames);
      expect(framesBehind(store)).toBe(0);
      // And it stays on the engine connection without trying the worker again.
      expect((await checkpointer.checkpoint()).background).toBe(false);
    } finally {
      await checkpointer.close();
    }
  });

  it('settles once the checkpoint after a run of writes is done, for whoever did not wait for it', async () => {
    const { store } = openFile();
    await store.settled(); // nothing running: at once
    const resume = store.deferCheckpoints();
    writeBatches(store, 6);
    void resume(); // as the import does: it returns without waiting
    expect(framesBehind(store)).toBeGreaterThan(0);
    await store.settled();
    expect(framesBehind(store)).toBe(0);
    expect(store.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });

  it('lets the store close while the checkpoint after an import is running, and loses nothing', async () => {
    const file = tmp();
    const store = openStore(file, { logger: silentLogger() });
    const resume = store.deferCheckpoints();
    writeBatches(store, 6);
    const checkpointing = resume();
    store.close();
    await checkpointing; // settles, without an error
    const again = openStore(file, { logger: silentLogger() });
    open.push(again);
    expect(again.sqlite.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(12_000);
    expect(again.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });

  it('has nothing to defer for an in-memory database', async () => {
    const store = openStore(':memory:', { logger: silentLogger() });
    open.push(store);
    const resume = store.deferCheckpoints();
    expect(store.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    await resume();
  });
});
