// The data migration that fills contacts.search_text (0013): once, when a database is
// upgraded past it, it writes for every contact without one exactly the search text the
// store writes for a new contact. On an in-memory database, and on a database written by
// the previous schema and opened by this version.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { searchIndexTuning } from '../../src/contacts/search/tuning';
import { defaultMigrationsDir, loadMigrations, openStore } from '../../src/store/db';
import { dataMigrations } from '../../src/store/migrations';
import { fillContactsSearchText } from '../../src/store/migrations/0013_contacts_search_text_fill';
import { silentLogger } from '../../src/log';
import { testContext } from './helpers';

const TAG = '0013_contacts_search_text_fill';

const people = (t: ReturnType<typeof testContext>) => [
  t.contacts.create({ firstName: 'Åsa', lastName: 'Öberg', phones: [{ number: '070-123 45 67' }], tags: ['jour', 'ledning'] }).id,
  t.contacts.create({
    displayName: 'Anna-Karin',
    organisation: 'Region Skåne',
    role: 'Stabschef',
    emails: [{ address: 'ak@region.se' }, { address: 'Anna.Karin@Privat.se' }],
    phones: [{ number: '08-123 456 78' }, { number: '+44 7911 123456' }],
    whatsapp: '0702223344',
  }).id,
  t.contacts.create({ organisation: 'SOS Alarm 112' }).id,
];

const searchTexts = (sqlite: Database.Database) =>
  sqlite.prepare('SELECT id, search_text FROM contacts ORDER BY id').all() as { id: number; search_text: string | null }[];

const shipped = { ...searchIndexTuning };
beforeEach(() => void Object.assign(searchIndexTuning, { background: false }));
afterEach(() => void Object.assign(searchIndexTuning, shipped));

describe('the search text data migration', () => {
  it('belongs to a migration of the journal', () => {
    const tags = loadMigrations().map((m) => m.tag);
    for (const tag of Object.keys(dataMigrations)) expect(tags).toContain(tag);
    expect(loadMigrations().find((m) => m.tag === TAG)?.data).toBeDefined();
  });

  it('fills in, on an in-memory database, what the store writes for a new contact, once', () => {
    const t = testContext();
    people(t);
    const written = searchTexts(t.store.sqlite);
    expect(written.every((r) => r.search_text !== null)).toBe(true);
    t.store.sqlite.prepare('UPDATE contacts SET search_text = NULL WHERE id <> ?').run(written[0]!.id);
    expect(fillContactsSearchText(t.store.sqlite)).toBe(2);
    expect(searchTexts(t.store.sqlite)).toEqual(written);
    expect(fillContactsSearchText(t.store.sqlite)).toBe(0);
  });

  it('runs when a database written by the previous schema is opened, and not again after', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gdial-migration-'));
    try {
      // The migrations as a version before 0012 shipped them, when search_text had its old form.
      const before = loadMigrations().findIndex((m) => m.tag === TAG);
      const previous = path.join(dir, 'drizzle');
      cpSync(defaultMigrationsDir(), previous, { recursive: true });
      const journalFile = path.join(previous, 'meta', '_journal.json');
      const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { idx: number }[] };
      journal.entries = journal.entries.filter((e) => e.idx < before - 1);
      writeFileSync(journalFile, JSON.stringify(journal));

      const file = path.join(dir, 'gdial.db');
      const old = openStore(file, { logger: silentLogger(), migrationsDir: previous });
      expect(old.schemaVersion).toBe(before - 1);
      const t = testContext(file, old);
      // This version's store writes the people: the contact columns and tables later migrations
      // add are there while it does, and gone again after, as the previous version had no such thing.
      const later = loadMigrations()
        .slice(before - 1)
        .flatMap((m) => m.statements)
        .filter((st) => /^\s*(ALTER TABLE `contacts` ADD|CREATE TABLE `contact_)/.test(st));
      for (const st of later) old.sqlite.exec(st);
      const ids = people(t);
      for (const st of later.reverse()) {
        const added = /ALTER TABLE `(\w+)` ADD `(\w+)`/.exec(st);
        if (added) old.sqlite.exec(`ALTER TABLE ${added[1]} DROP COLUMN ${added[2]}`);
        const table = /CREATE TABLE `(\w+)`/.exec(st);
        if (table) old.sqlite.exec(`DROP TABLE ${table[1]}`);
      }
      const current = searchTexts(old.sqlite);
      // The old form: one line, columns run together.
      old.sqlite.prepare("UPDATE contacts SET search_text = replace(search_text, char(10), ' ')").run();
      old.close();

      // This version opens it: 0012 empties the old form, 0013 fills in the new one.
      const upgraded = testContext(file);
      expect(upgraded.store.sqlite.pragma('user_version', { simple: true })).toBe(upgraded.store.schemaVersion);
      expect(searchTexts(upgraded.store.sqlite)).toEqual(current);
      const found = (query: string) =>
        upgraded.contacts.search({ query, includeSubgroups: true, sort: 'name', limit: 10 }).items.map((i) => i.id);
      expect(found('öbe')).toEqual([ids[0]]);
      expect(found('anna-k')).toEqual([ids[1]]);
      expect(found('0702223')).toEqual([ids[1]]);
      // Once: a contact without search text now is not filled in at the next start.
      upgraded.store.sqlite.prepare('UPDATE contacts SET search_text = NULL WHERE id = ?').run(ids[2]);
      upgraded.store.close();
      const again = openStore(file, { logger: silentLogger() });
      expect(again.sqlite.prepare('SELECT search_text FROM contacts WHERE id = ?').pluck().get(ids[2])).toBeNull();
      again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
