// The reads of the analytics across alerts: the started alerts, then aggregates over the
// deliveries and recipients of a chosen set of them. The set travels as a JSON array (one
// bound parameter, json_each), and every aggregate is one query over the deliveries' and
// recipients' campaign indexes; the time-to-confirm percentiles rank each confirmed person's
// wait, read as a bare number per alert (see confirmationFigures). The outcome figures
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
      "SELECT id, name, started_at, test_group_id, settings FROM campaigns WHERE started_at IS NOT NULL AND kind = 'alert' ORDER BY started_at, id",
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
 * Each confirmed person's wait in ms, by alert: from their first hand-over (the alert's start
 * when none is recorded) to their confirmation, never below 0 — the after-action report's
 * definition. The first hand-over is one probe of deliveries_recipient_sent per person.
 */
const WAITS = `
  SELECT r.campaign_id AS campaign_id,
         MAX(0, CAST(ROUND((julianday(r.confirmed_at) - 2440587.5) * 86400000) AS INTEGER)
                - COALESCE((SELECT MIN(d.sent_at) FROM deliveries d WHERE d.recipient_id = r.id),
                           CAST(ROUND((julianday(c.started_at) - 2440587.5) * 86400000) AS INTEGER))) AS wait
    FROM campaign_recipients r JOIN campaigns c ON c.id = r.campaign_id
   WHERE r.campaign_id IN (SELECT value FROM json_each(?)) AND r.confirmed_at IS NOT NULL AND c.started_at IS NOT NULL`;

/**
 * The value at rank ⌈p·n⌉ of sorted values (nearest rank): always one that occurred. p·n is
 * rounded first, as 0.9 × 30 is 27.000000000000004 in floating point and its ceiling 28.
 * Also the after-action report's (campaigns/after-action.ts).
 */
export function nearestRank(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(Math.round(p * sorted.length * 1e6) / 1e6) - 1)]!;
}

const nearestRanks = (sorted: Float64Array) => ({ median_ms: nearestRank(sorted, 0.5), p90_ms: nearestRank(sorted, 0.9) });

/**
 * Confirmation figures per key over the recipients of the alerts mapped to it, for several
 * sets of keys at once (the waits are read once for all of them): each set is a list of
 * [campaignId, key] (an alert may count under several keys, e.g. groups); the answer has one
 * list per set, by key. Percentiles are nearest rank: the value at rank ⌈p·n⌉.
 *
 * Two reads: the recipients and confirmations counted per alert (the campaign_recipients
 * index), and each confirmed person's wait as a bare number per alert. The waits are ranked
 * here, each alert's once and a key's over the alerts it holds, rather than by a window
 * function in SQL, which sorted every set's rows again through a temporary B-tree (most of
 * the Analys page's time over 100 alerts × 10,000 people).
 */
export function confirmationFigures(r: Reader, sets: readonly (readonly (readonly [number, number])[])[]): ConfirmationRow[][] {
  const alertIds = JSON.stringify([...new Set(sets.flatMap((pairs) => pairs.map(([c]) => c)))]);
  const counts = new Map(
    r.statements
      .get<[string], { campaign_id: number; recipients: number; confirmed: number }>(
        `SELECT campaign_id, COUNT(*) AS recipients, COUNT(confirmed_at) AS confirmed
           FROM campaign_recipients INDEXED BY campaign_recipients_confirmed
          WHERE campaign_id IN (SELECT value FROM json_each(?)) GROUP BY campaign_id`,
      )
      .all(alertIds)
      .map((x) => [x.campaign_id, x]),
  );
  const waitLists = new Map<number, number[]>();
  for (const w of r.statements.get<[string], { campaign_id: number; wait: number }>(WAITS).iterate(alertIds)) {
    let list = waitLists.get(w.campaign_id);
    if (!list) waitLists.set(w.campaign_id, (list = []));
    list.push(w.wait);
  }
  const sortedWaits = new Map([...waitLists].map(([c, list]) => [c, Float64Array.from(list).sort()]));
  return sets.map((pairs) => {
    const byKey = new Map<number, number[]>();
    for (const [c, k] of pairs) {
      if (!counts.has(c)) continue;
      const alerts = byKey.get(k);
      if (alerts) alerts.push(c);
      else byKey.set(k, [c]);
    }
    return [...byKey]
      .sort(([a], [b]) => a - b)
      .map(([key, alerts]) => {
        const unique = [...new Set(alerts)];
        let recipients = 0;
        let confirmed = 0;
        for (const c of unique) {
          recipients += counts.get(c)!.recipients;
          confirmed += counts.get(c)!.confirmed;
        }
        const lists = unique.map((c) => sortedWaits.get(c) ?? new Float64Array(0));
        let waits: Float64Array;
        if (lists.length === 1) waits = lists[0]!;
        else {
          waits = new Float64Array(lists.reduce((n, l) => n + l.length, 0));
          let at = 0;
          for (const l of lists) {
            waits.set(l, at);
            at += l.length;
          }
          waits.sort();
        }
        return { key, recipients, confirmed, ...nearestRanks(waits) };
      });
  });
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
         substr(address, 1, 7), segments, MIN(address), COUNT(*)
    FROM deliveries GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`;

/** Counts delivery_tallies afresh from the deliveries (a repair; the triggers keep it otherwise). */
export function rebuildDeliveryTallies(tx: Tx): void {
  tx.statements.get<[]>('DELETE FROM delivery_tallies').run();
  tx.statements
    .get<[]>(
      `INSERT INTO delivery_tallies (campaign_id, channel, provider, state, error_code, handed_over, prefix, segments, address, n)
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
  segments: number;
  n: number;
}

/** Every tally, in key order (the address, one of the group's, left out: it is any of them). */
export const deliveryTallies = (r: Reader): DeliveryTallyRow[] =>
  r.statements
    .get<[], DeliveryTallyRow>(
      `SELECT campaign_id, channel, provider, state, error_code, handed_over, prefix, segments, n FROM delivery_tallies
        ORDER BY campaign_id, channel, provider, state, error_code, handed_over, prefix, segments`,
    )
    .all();

export interface BilledSendRow {
  campaign_id: number;
  channel: Channel;
  /** One address of the group: sends are grouped by the number's first digits, which decide its country. */
  address: string;
  /** The SMS segments each send of the group is billed as (0 for other channels). */
  segments: number;
  n: number;
}

/**
 * What was handed over and is billed (a call only when answered), grouped by alert, channel,
 * number prefix and SMS segments, so the price table is applied once per group.
 */
export const billedSends = (r: Reader, alertIds: readonly number[], channel: Channel | null): BilledSendRow[] =>
  r.statements
    .get<[Selection], BilledSendRow>(
      `SELECT campaign_id, channel, MIN(address) AS address, segments, SUM(n) AS n FROM delivery_tallies
        WHERE ${SELECTED} AND handed_over AND (channel <> 'voice' OR state = 'delivered')
        GROUP BY campaign_id, channel, prefix, segments`,
    )
    .all({ ids: JSON.stringify(alertIds), channel });
