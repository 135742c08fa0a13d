// The reads and writes of the bell (services/notifications): the alerts that run or finished
// lately, the unhandled replies, and which item keys a user has read.
import type { Channel } from '@gdial/protocol';
import type { Reader, Tx } from './db';

export interface ActiveAlertRow {
  id: number;
  name: string;
  run_by: string | null;
  started_at: string | null;
  /** The channels of its plan (JSON array). */
  channels: string;
}

/** Alerts that are running or paused, with the channels their plan uses. */
export const activeAlerts = (r: Reader): ActiveAlertRow[] =>
  r.statements
    .get<[], ActiveAlertRow>(
      `SELECT c.id, c.name, c.run_by, c.started_at,
              (SELECT json_group_array(DISTINCT json_extract(s.value, '$.channel')) FROM json_each(c.settings, '$.steps') s) AS channels
         FROM campaigns c WHERE c.status IN ('running', 'paused') AND c.kind = 'alert' ORDER BY c.id`,
    )
    .all();

export const planChannels = (row: ActiveAlertRow): Channel[] => JSON.parse(row.channels) as Channel[];

/** Alerts that finished (completed or cancelled) since an instant, newest first. */
export const finishedSince = (r: Reader, since: string): { id: number; name: string; status: string; finished_at: string }[] =>
  r.statements
    .get<[string], { id: number; name: string; status: string; finished_at: string }>(
      `SELECT id, name, status, finished_at FROM campaigns
        WHERE status IN ('completed', 'cancelled') AND kind = 'alert' AND finished_at IS NOT NULL AND finished_at >= ? ORDER BY finished_at DESC LIMIT 50`,
    )
    .all(since);

/** How many replies wait unhandled, the newest one's id and when the oldest came. */
export const unhandledReplies = (r: Reader): { n: number; newest: number | null; oldest: string | null } =>
  r.statements
    .get<[], { n: number; newest: number | null; oldest: string | null }>(
      'SELECT COUNT(*) AS n, MAX(id) AS newest, MIN(received_at) AS oldest FROM inbox_messages WHERE handled = 0',
    )
    .get()!;

export const readKeys = (r: Reader, userId: string): Set<string> =>
  new Set(r.statements.pluck<[string], string>('SELECT key FROM notification_reads WHERE user_id = ?').all(userId));

/** Marks keys read for a user and forgets the marks of items no longer listed (so the table stays small). */
export function markRead(tx: Tx, userId: string, keys: readonly string[], listed: readonly string[], at: string): number {
  const insert = tx.statements.get<[string, string, string], never>(
    'INSERT OR IGNORE INTO notification_reads (user_id, key, read_at) VALUES (?, ?, ?)',
  );
  let marked = 0;
  for (const k of keys) marked += insert.run(userId, k, at).changes;
  tx.statements
    .get<[string, string], never>('DELETE FROM notification_reads WHERE user_id = ? AND key NOT IN (SELECT value FROM json_each(?))')
    .run(userId, JSON.stringify(listed));
  return marked;
}
