// Named documents kept one per row in the settings table under "<prefix><id>" (JSON checked
// by the protocol's schema): saved segments, prepared alerts, and any organisation data of
// the same shape. A row of its own per document keeps each one a separate change for
// organisation sync. A row whose JSON no longer fits the contract (written by a newer or an
// older version) is left out of the list rather than failing it. Writes take the service's
// transaction and record the row they changed.
import type { z } from 'zod';
import type { Reader, Tx } from './db';

/** What every such document has: an id (its key's tail), a name to sort by, when it changed. */
export interface SettingsDocument {
  id: string;
  name: string;
  updatedAt: string;
}

export interface SettingsDocuments<T extends SettingsDocument> {
  /** The settings key of a document is this prefix and its id. */
  readonly prefix: string;
  /** Every document, by name (Swedish order). */
  readonly list: (r: Reader) => T[];
  readonly get: (r: Reader, id: string) => T | null;
  readonly put: (tx: Tx, doc: T) => void;
  /** Whether there was one to delete. */
  readonly delete: (tx: Tx, id: string) => boolean;
  /** The ids named by changed settings keys (for the sync codec's `touched`). */
  readonly idsOf: (keys: Iterable<string>) => Set<string>;
}

interface Row {
  key: string;
  value: string;
}

export function settingsDocuments<T extends SettingsDocument>(prefix: string, schema: z.ZodType<T>): SettingsDocuments<T> {
  const toDoc = (row: Row): T | null => {
    try {
      const parsed = schema.safeParse(JSON.parse(row.value));
      return parsed.success && row.key === prefix + parsed.data.id ? parsed.data : null;
    } catch {
      return null;
    }
  };
  return {
    prefix,
    list: (r) => {
      return r.statements
        .get<[string, string], Row>("SELECT key, value FROM settings WHERE key >= ? AND key < ? || '~'")
        .all(prefix, prefix)
        .map(toDoc)
        .filter((d): d is T => d !== null)
        .sort((a, b) => a.name.localeCompare(b.name, 'sv'));
    },
    get: (r, id) => {
      const row = r.statements.get<[string], Row>('SELECT key, value FROM settings WHERE key = ?').get(prefix + id);
      return row ? toDoc(row) : null;
    },
    put: (tx, doc) => {
      const key = prefix + doc.id;
      const existed = tx.statements.pluck<[string], string>('SELECT key FROM settings WHERE key = ?').get(key) !== undefined;
      tx.statements
        .get<[string, string, string]>(
          'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
        )
        .run(key, JSON.stringify(schema.parse(doc)), doc.updatedAt);
      tx.changes.record('settings', [key], existed ? 'update' : 'insert');
    },
    delete: (tx, id) => {
      const key = prefix + id;
      const gone = tx.statements.get<[string]>('DELETE FROM settings WHERE key = ?').run(key).changes > 0;
      if (gone) tx.changes.record('settings', [key], 'delete');
      return gone;
    },
    idsOf: (keys) => {
      const ids = new Set<string>();
      for (const key of keys) if (key.startsWith(prefix)) ids.add(key.slice(prefix.length));
      return ids;
    },
  };
}
