// The migration journal reader the engine and the relay share: the journal's order, not
// the file system's, decides; statements are split on drizzle-kit's breakpoints; a journal
// with a gap or of another shape is refused with the problem named. Both packages' own
// tests open real databases through it (the engine's store tests, the relay's on both
// databases).
import { describe, expect, it } from 'vitest';
import { migrationStatements, readMigrationJournal } from '../src/migrations';

const journal = (entries: { idx: number; tag: string }[]) => JSON.stringify({ version: '7', dialect: 'sqlite', entries });

describe('readMigrationJournal', () => {
  it('reads the files in journal order and splits them into statements', () => {
    const files: Record<string, string> = {
      '0000_init': 'CREATE TABLE a (x int);\n--> statement-breakpoint\nCREATE INDEX a_x ON a (x);\n',
      '0001_more': '\n--> statement-breakpoint\nALTER TABLE a ADD y int;',
    };
    const read: string[] = [];
    const migrations = readMigrationJournal(
      journal([
        { idx: 1, tag: '0001_more' },
        { idx: 0, tag: '0000_init' },
      ]),
      (tag) => (read.push(tag), files[tag]!),
    );
    expect(read).toEqual(['0000_init', '0001_more']);
    expect(migrations.map((m) => [m.index, m.tag, m.statements])).toEqual([
      [0, '0000_init', ['CREATE TABLE a (x int);', 'CREATE INDEX a_x ON a (x);']],
      [1, '0001_more', ['ALTER TABLE a ADD y int;']],
    ]);
    expect(migrations[0]!.sql).toBe(files['0000_init']);
  });

  it('refuses a journal with a gap, one that is not JSON, and one of another shape', () => {
    expect(() => readMigrationJournal(journal([{ idx: 1, tag: '0001_more' }]), () => '')).toThrow('gap before 0001_more');
    expect(() => readMigrationJournal('{', () => '')).toThrow('not JSON');
    expect(() => readMigrationJournal(JSON.stringify({ entries: [{ idx: 0 }] }), () => '')).toThrow('not a drizzle-kit journal');
    expect(() => readMigrationJournal(journal([{ idx: 0, tag: '../../etc/passwd' }]), () => '')).toThrow('not a drizzle-kit journal');
  });

  it('splits a file without breakpoints into one statement', () => {
    expect(migrationStatements('  SELECT 1;  ')).toEqual(['SELECT 1;']);
    expect(migrationStatements('')).toEqual([]);
  });
});
