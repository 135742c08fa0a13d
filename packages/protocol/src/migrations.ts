// The committed schema migrations as drizzle-kit writes them (a journal, meta/_journal.json,
// naming the SQL files in order, each split into statements by "--> statement-breakpoint"),
// read the same way by the engine (SQLite) and the relay (PostgreSQL). Applying them differs
// and stays with each: the engine counts them in SQLite's user_version inside one
// transaction, the relay records each by name and hash under an advisory lock. Pure text
// in, text out: the caller reads the files.
import { z } from 'zod';

const journalSchema = z.object({
  entries: z.array(z.object({ idx: z.number().int().min(0), tag: z.string().regex(/^[A-Za-z0-9_-]+$/) })),
});

export interface JournalMigration {
  /** Position in the journal: 0, 1, 2 … without gaps. */
  index: number;
  /** The file's name without .sql, e.g. "0003_audit". */
  tag: string;
  /** The whole file, as committed (never edited once applied). */
  sql: string;
  statements: string[];
}

/** A migration file's statements, in order, without the blank ones. */
export function migrationStatements(sql: string): string[] {
  return sql
    .split('--> statement-breakpoint')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * The migrations a journal names, in order, with their SQL (`sqlOf(tag)` reads a file).
 * Throws with the problem named when the journal is not drizzle-kit's or has a gap.
 */
export function readMigrationJournal(journalText: string, sqlOf: (tag: string) => string): JournalMigration[] {
  let json: unknown;
  try {
    json = JSON.parse(journalText);
  } catch {
    throw new Error('The migration journal (meta/_journal.json) is not JSON');
  }
  const parsed = journalSchema.safeParse(json);
  if (!parsed.success)
    throw new Error('The migration journal (meta/_journal.json) is not a drizzle-kit journal of entries with idx and tag');
  return [...parsed.data.entries]
    .sort((a, b) => a.idx - b.idx)
    .map((e, i) => {
      if (e.idx !== i) throw new Error(`Migration journal has a gap before ${e.tag}`);
      const sql = sqlOf(e.tag);
      return { index: e.idx, tag: e.tag, sql, statements: migrationStatements(sql) };
    });
}
