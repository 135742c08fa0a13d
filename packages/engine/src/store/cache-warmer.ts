// Warms an encrypted database's page cache in the background. With SQLCipher every page
// read from the file is decrypted and its HMAC checked, so a search that is the first to
// touch a page pays for it: measured on 100,000 contacts, the slowest searches took twice
// the CPU of a plaintext database's until the pages they touch had been read once, and the
// same as plaintext afterwards. After the database is opened, and after a long run of
// writes was checkpointed (an import), this reads every b-tree once, one per turn of the
// event loop, up to what the page cache holds, so the operator's first searches do not pay.
import type Database from 'better-sqlite3-multiple-ciphers';
import type { Logger } from '../log';

/**
 * Reads the database's b-trees, smallest root page first, until `maxBytes` are read; stops if
 * the connection closes. Resolves with the bytes read.
 */
export async function warmPageCache(sqlite: Database.Database, log: Logger, maxBytes: number): Promise<number> {
  const started = performance.now();
  let slowest = 0;
  let read = 0;
  // The schema's own b-tree first (it is not listed in itself), then every table and index.
  const listed = sqlite.prepare('SELECT name FROM sqlite_schema WHERE rootpage > 0 ORDER BY rootpage').pluck().all() as string[];
  const trees = ['sqlite_schema', ...listed];
  const size = sqlite.prepare('SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name = ?').pluck();
  for (const name of trees) {
    await new Promise((resolve) => setImmediate(resolve));
    if (!sqlite.open || read >= maxBytes) break;
    const t0 = performance.now();
    try {
      read += size.get(name) as number;
    } catch (err) {
      // Busy or closed meanwhile: warming is only ever an optimisation.
      log.debug({ err, name }, 'page cache warm-up stopped');
      return read;
    }
    slowest = Math.max(slowest, performance.now() - t0);
  }
  log.debug({ bytes: read, ms: Math.round(performance.now() - started), slowestMs: Math.round(slowest) }, 'page cache warmed');
  return read;
}
