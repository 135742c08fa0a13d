// The page cache warm-up of an encrypted database: it reads every b-tree (all the file's
// pages but the free ones), stops at its byte budget, and stops when the connection closes.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log';
import { warmPageCache } from '../../src/store/cache-warmer';
import { openStore } from '../../src/store/db';

describe('page cache warm-up', () => {
  it('reads every page in use once, up to its budget, and stops on close', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'gdial-warm-')), 'gdial.db');
    const store = openStore(file, { logger: silentLogger(), key: randomBytes(32).toString('hex') });
    store.transaction((tx) => {
      const add = tx.sqlite.prepare("INSERT INTO settings (key, value, updated_at) VALUES (?, json_quote(?), '')");
      for (let i = 0; i < 2000; i++) add.run(`warm.${i}`, randomBytes(600).toString('hex'));
    });
    const pageSize = store.sqlite.pragma('page_size', { simple: true }) as number;
    const inUse =
      (store.sqlite.pragma('page_count', { simple: true }) as number) - (store.sqlite.pragma('freelist_count', { simple: true }) as number);
    // Page 1 (the schema) is a b-tree too; only the lock-byte and pointer-map pages are not (none here).
    expect(await warmPageCache(store.sqlite, silentLogger(), Number.MAX_SAFE_INTEGER)).toBe(inUse * pageSize);
    const budget = 64 * pageSize;
    const partial = await warmPageCache(store.sqlite, silentLogger(), budget);
    expect(partial).toBeGreaterThanOrEqual(budget);
    expect(partial).toBeLessThan(inUse * pageSize);
    const stopped = warmPageCache(store.sqlite, silentLogger(), Number.MAX_SAFE_INTEGER);
    store.close();
    expect(await stopped).toBe(0);
  });
});
