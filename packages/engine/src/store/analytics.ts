// The reads of the analytics across alerts: the started alerts, then aggregates over the
// deliveries and recipients of a chosen set of them. The set travels as a JSON array (one
// bound parameter, json_each), and every aggregate is one query over the deliveries' and
// recipients' campaign indexes; percentiles are ranked in SQL (window functions) and picked
// in one pass over the ranking, so no per-person row leaves the database. The outcome figures
// and the costs read delivery_tallies (a handful of counted rows per alert, kept by triggers
// on deliveries) and each person's first hand-over the index deliveries_recipient_sent, never
// the delivery rows themselves.
import type { Channel } from '@gdial/protocol';
import type { Reader, Tx } from './db';

export interface StartedAlertRow {
  id: number;
  name: string;
  started_at: string;
  test_group_id: number | null;
  settings: string;
}

/** Every campaign that has started (the period is chosen in Swedish days by the caller). */
export const startedAlerts = (r: Reader): StartedAlertRow[] =>
  r.statements
    .get<[], StartedAlertRow>(
      'SELECT id, name, started_at, test_group_id, settings FROM campaigns WHERE started_at IS NOT NULL ORDER BY started_at, id',
    )
    .all();

export interface ConfirmationRow {
  /** The alert's id, or the group's for the per-group figures. */
  key: number;
  recipients: number;
  confirmed: number;
  median_ms: number | null;
  p90_ms: number | null;
}

/**
 * Each confirmed person's wait in ms: from their first hand-over (the alert's start when none
 * is recorded) to their confirmation, never below 0 — the after-action report's definition.
 */
const WAITS = `
  waits AS (
    SELECT r.campaign_id AS campaign_id,
           MAX(0, CAST(ROUND((julianday(r.confirmed_at) - 2440587.5) * 86400000) AS INTEGER)
                  - COALESCE((SELECT MIN(d.sent_at) FROM deliveries d WHERE d.recipient_id = r.id),
                             CAST(ROUND((julianday(c.started_at) - 2440587.5) * 86400000) AS INTEGER))) AS wait
      FROM campaign_recipients r JOIN campaigns c ON c.id = r.campaign_id
     WHERE r.campaign_id IN (SELECT DISTINCT c FROM keyed) AND r.confirmed_at IS NOT NULL AND c.started_at IS NOT NULL
  )`;

interface SetConfirmationRow extends ConfirmationRow {
  /** Which of the sets asked for the row belongs to. */
  s: number;
}

/**
 * Confirmation figures per key over the recipients of the alerts mapped to it, for several
 * sets of keys at once (the waits are worked out once for all of them): each set is a list of
 * [campaignId, key] (an alert may count under several keys, e.g. groups); the answer has one
 * list per set, by key. Percentiles are nearest rank: the value at rank ⌈p·n⌉ (⌈n/2⌉ and
 * ⌈9n/10⌉ in integers).
 */
export function confirmationFigures(r: Reader, sets: readonly (readonly (readonly [number, number])[])[]): ConfirmationRow[][] {
  const rows = r.statements
    .get<[string], SetConfirmationRow>(
      `WITH keyed AS (SELECT json_extract(value, '$[0]') AS c, json_extract(value, '$[1]') AS k, json_extract(value, '$[2]') AS s
                        FROM json_each(?)),
       ${WAITS},
       ranked AS (
         SELECT k.s, k.k AS key, w.wait,
                ROW_NUMBER() OVER (PARTITION BY k.s, k.k ORDER BY w.wait) AS rn,
                COUNT(*) OVER (PARTITION BY k.s, k.k) AS n
           FROM keyed k JOIN waits w ON w.campaign_id = k.c
       ),
       percentiles AS (
         SELECT s, key, MAX(CASE WHEN rn = (n + 1) / 2 THEN wait END) AS median_ms,
                MAX(CASE WHEN rn = (9 * n + 9) / 10 THEN wait END) AS p90_ms
           FROM ranked WHERE rn = (n + 1) / 2 OR rn = (9 * n + 9) / 10 GROUP BY s, key
       ),
       per_alert AS (
         SELECT campaign_id, COUNT(*) AS recipients, COUNT(confirmed_at) AS confirmed
           FROM campaign_recipients INDEXED BY campaign_recipients_confirmed
          WHERE campaign_id IN (SELECT DISTINCT c FROM keyed) GROUP BY campaign_id
       ),
       counted AS (
         SELECT k.s, k.k AS key, SUM(a.recipients) AS recipients, SUM(a.confirmed) AS confirmed
           FROM keyed k JOIN per_alert a ON a.campaign_id = k.c GROUP BY k.s, k.k
       )
       SELECT counted.s, counted.key, counted.recipients, counted.confirmed, percentiles.median_ms, percentiles.p90_ms
         FROM counted LEFT JOIN percentiles ON percentiles.s = counted.s AND percentiles.key = counted.key
        ORDER BY counted.s, counted.key`,
    )
    .all(JSON.stringify(sets.flatMap((pairs, set) => pairs.map(([c, k]) => [c, k, set]))));
  return sets.map((_, set) => rows.filter((x) => x.s === set).map(({ s: _s, ...x }) => x));
}

/** The deliveries of these alerts, optionally of one channel only (null: every channel). */
const SELECTED = `campaign_id IN (SELECT value FROM json_each(@ids)) AND (@channel IS NULL OR channel = @channel)`;

interface Selection {
  ids: string;
  channel: Channel | null;
}

export interface OutcomeTallyRow {
  channel: Channel;
  provider: string | null;
  state: string;
  error_code: string | null;
  /** Deliveries with these values, and how many of them were handed over (sent_at set). */
  n: number;
  handed_over: number;
}

/**
 * The deliveries of these alerts counted by channel, provider, state and error code: the
 * outcome figures per channel, per provider and per error code all fold from these few rows.
 * Read from delivery_tallies (kept by triggers on deliveries), not from a row per delivery.
 */
export const outcomeTallies = (r: Reader, alertIds: readonly number[], channel: Channel | null): OutcomeTallyRow[] =>
  r.statements
    .get<[Selection], OutcomeTallyRow>(
      `SELECT channel, NULLIF(provider, '') AS provider, state, NULLIF(error_code, '') AS error_code,
              SUM(n) AS n, SUM(CASE WHEN handed_over THEN n ELSE 0 END) AS handed_over
         FROM delivery_tallies WHERE ${SELECTED}
        GROUP BY channel, provider, state, error_code`,
    )
    .all({ ids: JSON.stringify(alertIds), channel });

/** The tallies as the deliveries give them now: what the triggers keep, counted afresh. */
const TALLIES_FROM_DELIVERIES = `
  SELECT campaign_id, channel, coalesce(provider, ''), state, coalesce(error_code, ''), sent_at IS NOT NULL,
         substr(address, 1, 7), coalesce(body, ''), MIN(address), COUNT(*)
    FROM deliveries GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`;

/** Counts delivery_tallies afresh from the deliveries (a repair; the triggers keep it otherwise). */
export function rebuildDeliveryTallies(tx: Tx): void {
  tx.statements.get<[]>('DELETE FROM delivery_tallies').run();
  tx.statements
    .get<[]>(
      `INSERT INTO delivery_tallies (campaign_id, channel, provider, state, error_code, handed_over, prefix, body, address, n)
       ${TALLIES_FROM_DELIVERIES}`,
    )
    .run();
}

export interface DeliveryTallyRow {
  campaign_id: number;
  channel: Channel;
  provider: string;
  state: string;
  error_code: string;
  handed_over: number;
  prefix: string;
  body: string;
  n: number;
}

/** Every tally, in key order (the address, one of the group's, left out: it is any of them). */
export const deliveryTallies = (r: Reader): DeliveryTallyRow[] =>
  r.statements
    .get<[], DeliveryTallyRow>(
      `SELECT campaign_id, channel, provider, state, error_code, handed_over, prefix, body, n FROM delivery_tallies
        ORDER BY campaign_id, channel, provider, state, error_code, handed_over, prefix, body`,
    )
    .all();

export interface BilledSendRow {
  campaign_id: number;
  channel: Channel;
  /** One address of the group: sends are grouped by the number's first digits, which decide its country. */
  address: string;
  body: string | null;
  n: number;
}

/**
 * What was handed over and is billed (a call only when answered), grouped by alert, channel,
 * number prefix and text, so the price table is applied once per group.
 */
export const billedSends = (r: Reader, alertIds: readonly number[], channel: Channel | null): BilledSendRow[] =>
  r.statements
    .get<[Selection], BilledSendRow>(
      `SELECT campaign_id, channel, MIN(address) AS address, body, SUM(n) AS n FROM delivery_tallies
        WHERE ${SELECTED} AND handed_over AND (channel <> 'voice' OR state = 'delivered')
        GROUP BY campaign_id, channel, prefix, body`,
    )
    .all({ ids: JSON.stringify(alertIds), channel });
