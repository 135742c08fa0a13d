// The connection's one prepared-statement cache. Store modules ask for a statement by its
// SQL text; it is prepared the first time and reused after, so hot paths (an import writes
// 100,000 contacts, the dispatcher thousands of deliveries a second) never prepare twice
// and no module keeps a cache of its own. Statements built from a variable number of
// filters are cached too; the cache is bounded so an unusual query shape cannot grow it
// without end (the least recently used are let go).
import type Database from 'better-sqlite3-multiple-ciphers';

const MAX_STATEMENTS = 512;

export class StatementCache {
  private readonly cache = new Map<string, Database.Statement>();

  constructor(private readonly sqlite: Database.Database) {}

  /** The prepared statement for this SQL text (typed by its parameters and row). */
  get<P extends unknown[] | object = unknown[], R = unknown>(sql: string): Database.Statement<P, R> {
    return this.lookup(sql, sql, 'plain') as unknown as Database.Statement<P, R>;
  }

  /**
   * The statement in pluck mode (rows are their first column). Kept apart from `get`'s,
   * because pluck is a mode of the statement object and a shared one must not change.
   */
  pluck<P extends unknown[] | object = unknown[], R = unknown>(sql: string): Database.Statement<P, R> {
    return this.lookup(`pluck\u0000${sql}`, sql, 'pluck') as unknown as Database.Statement<P, R>;
  }

  /** The statement in raw mode (rows are arrays of their columns), kept apart like pluck's. */
  raw<P extends unknown[] | object = unknown[], R = unknown[]>(sql: string): Database.Statement<P, R> {
    return this.lookup(`raw\u0000${sql}`, sql, 'raw') as unknown as Database.Statement<P, R>;
  }

  private lookup(key: string, sql: string, mode: 'plain' | 'pluck' | 'raw'): Database.Statement {
    let s = this.cache.get(key);
    if (s) {
      // Most recently used last.
      this.cache.delete(key);
      this.cache.set(key, s);
    } else {
      s = this.sqlite.prepare(sql);
      if (mode === 'pluck') s.pluck(true);
      else if (mode === 'raw') s.raw(true);
      this.cache.set(key, s);
      if (this.cache.size > MAX_STATEMENTS) {
        const oldest = this.cache.keys().next().value;
        if (oldest !== undefined) this.cache.delete(oldest);
      }
    }
    return s;
  }

  get size(): number {
    return this.cache.size;
  }
}
