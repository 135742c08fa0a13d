import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { loadMigrations, openStore, StoreOpenError } from '../../src/store/db';
import { silentLogger } from '../../src/log';

const tmp = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'gdial-store-')), 'gdial.db');

describe('store migrations', () => {
  it('migrates an empty database to the latest schema in one go', () => {
    const file = tmp();
    const store = openStore(file, { logger: silentLogger() });
    const known = loadMigrations().length;
    expect(store.schemaVersion).toBe(known);
    expect(store.sqlite.pragma('user_version', { simple: true })).toBe(known);
    expect(store.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = store.sqlite.prepare("SELECT name FROM sqlite_schema WHERE type='table'").all() as { name: string }[];
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['audit_log', 'settings']));
    store.close();
    // Reopening applies nothing and keeps the version.
    const again = openStore(file, { logger: silentLogger() });
    expect(again.schemaVersion).toBe(known);
    again.close();
  });

  it('refuses a database written by a newer version and leaves it untouched', () => {
    const file = tmp();
    openStore(file, { logger: silentLogger() }).close();
    const raw = new Database(file);
    const future = loadMigrations().length + 3;
    raw.pragma(`user_version = ${future}`);
    raw.close();
    let error: unknown;
    try {
      openStore(file, { logger: silentLogger() });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreOpenError);
    expect((error as StoreOpenError).reason).toBe('newer-version');
    expect((error as Error).message).toMatch(/newer version of GDial/);
    const check = new Database(file);
    expect(check.pragma('user_version', { simple: true })).toBe(future);
    check.close();
  });

  it('says clearly when the file is not a database', () => {
    const file = tmp();
    writeFileSync(file, 'this is not sqlite '.repeat(100));
    expect(() => openStore(file, { logger: silentLogger() })).toThrow(
      /kan inte läsas: den är krypterad och ingen nyckel angavs \(GDIAL_DB_KEY\), eller så är den skadad/,
    );
  });

  it('rolls back every statement of a failed migration', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gdial-mig-'));
    const meta = path.join(dir, 'meta');
    // A second migration that fails half way: the first statement must not survive.
    mkdirSync(meta);
    writeFileSync(
      path.join(meta, '_journal.json'),
      JSON.stringify({
        entries: [
          { idx: 0, tag: '0000_a' },
          { idx: 1, tag: '0001_b' },
        ],
      }),
    );
    writeFileSync(path.join(dir, '0000_a.sql'), 'CREATE TABLE a (x int);');
    writeFileSync(path.join(dir, '0001_b.sql'), 'CREATE TABLE b (x int);\n--> statement-breakpoint\nINSERT INTO nope VALUES (1);');
    const file = tmp();
    expect(() => openStore(file, { logger: silentLogger(), migrationsDir: dir })).toThrow(/rolled back/);
    const check = new Database(file);
    expect(check.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name IN ('a','b')").get()).toEqual({ n: 0 });
    expect(check.pragma('user_version', { simple: true })).toBe(0);
    check.close();
  });
});
