// Data migration 0031: the delivery tallies are keyed on each delivery's SMS segments, not its
// text. Counts the segments of every SMS delivery stored before (its body as the planner
// counts it: smsSegments; a text shared by many rows is counted once), then counts the
// tallies afresh from the deliveries, as the triggers of 0031 keep them from now on. Its
// own queries, frozen at the schema of 0031.
import type Database from 'better-sqlite3-multiple-ciphers';
import { smsSegments } from '@gdial/protocol';

/** Deliveries read per statement. */
const CHUNK = 5000;

/** Returns how many deliveries got a segment count. */
export function countDeliverySegments(sqlite: Database.Database): number {
  const texts = sqlite.prepare<[number, number], { id: number; body: string }>(
    `SELECT id, body FROM deliveries WHERE channel = 'sms' AND body IS NOT NULL AND body <> '' AND id > ? ORDER BY id LIMIT ?`,
  );
  const write = sqlite.prepare<[number, number]>('UPDATE deliveries SET segments = ? WHERE id = ?');
  const counted = new Map<string, number>();
  let n = 0;
  for (let after = 0; ;) {
    const rows = texts.all(after, CHUNK);
    if (rows.length === 0) break;
    for (const r of rows) {
      let segments = counted.get(r.body);
      if (segments === undefined) counted.set(r.body, (segments = smsSegments(r.body).segments));
      write.run(segments, r.id);
    }
    n += rows.length;
    after = rows[rows.length - 1]!.id;
  }
  sqlite.exec('DELETE FROM delivery_tallies');
  sqlite.exec(
    `INSERT INTO delivery_tallies (campaign_id, channel, provider, state, error_code, handed_over, prefix, segments, address, n)
     SELECT campaign_id, channel, coalesce(provider, ''), state, coalesce(error_code, ''), sent_at IS NOT NULL,
            substr(address, 1, 7), segments, MIN(address), COUNT(*)
       FROM deliveries GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`,
  );
  return n;
}
