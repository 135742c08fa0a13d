// Prepared alerts, one row each in the settings table under the key "preparedAlert.<id>"
// (JSON: name, description, the plan, who made and changed it). A row of its own per
// prepared alert keeps each one a separate change for organisation sync. The row type, the
// converter (a row that no longer parses is left out rather than failing the list), and
// every write; writes take the service's transaction and record the row they changed.
import { preparedAlertSchema, type PreparedAlert } from '@gdial/protocol';
import type { Reader, Tx } from './db';

/** The settings key of a prepared alert is this prefix and its id. */
export const PREPARED_ALERT_PREFIX = 'preparedAlert.';
const PREFIX = PREPARED_ALERT_PREFIX;

/** A settings row holding a prepared alert, as SQLite returns it. */
export interface PreparedAlertRow {
  key: string;
  value: string;
  updated_at: string;
}

/** The converter: the row to the prepared alert, or null when its JSON no longer fits the contract. */
export function toPreparedAlert(row: PreparedAlertRow): PreparedAlert | null {
  try {
    const parsed = preparedAlertSchema.safeParse(JSON.parse(row.value));
    return parsed.success && row.key === PREFIX + parsed.data.id ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Every prepared alert, by name (Swedish order). */
export function listPreparedAlerts(r: Reader): PreparedAlert[] {
  return r.statements
    .get<[string, string], PreparedAlertRow>("SELECT key, value, updated_at FROM settings WHERE key >= ? AND key < ? || '~'")
    .all(PREFIX, PREFIX)
    .map(toPreparedAlert)
    .filter((p): p is PreparedAlert => p !== null)
    .sort((a, b) => a.name.localeCompare(b.name, 'sv'));
}

export function getPreparedAlert(r: Reader, id: string): PreparedAlert | null {
  const row = r.statements.get<[string], PreparedAlertRow>('SELECT key, value, updated_at FROM settings WHERE key = ?').get(PREFIX + id);
  return row ? toPreparedAlert(row) : null;
}

export function putPreparedAlert(tx: Tx, p: PreparedAlert): void {
  const key = PREFIX + p.id;
  const existed = tx.statements.pluck<[string], string>('SELECT key FROM settings WHERE key = ?').get(key) !== undefined;
  tx.statements
    .get<[string, string, string]>(
      'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    )
    .run(key, JSON.stringify(preparedAlertSchema.parse(p)), p.updatedAt);
  tx.changes.record('settings', [key], existed ? 'update' : 'insert');
}

export function deletePreparedAlert(tx: Tx, id: string): boolean {
  const key = PREFIX + id;
  const gone = tx.statements.get<[string]>('DELETE FROM settings WHERE key = ?').run(key).changes > 0;
  if (gone) tx.changes.record('settings', [key], 'delete');
  return gone;
}
