// What applying provider events (status callbacks, key presses, replies) reads and writes
// of the outbox: the keys of events already applied (applied_provider_events, so each is
// applied once), finding the delivery an event is about, and a status applied as a
// maximum by rank. Writes take the transaction and record the delivery rows they changed.
// Prepared statements only.
import type { DeliveryState } from '@gdial/protocol';
import type { Reader, Tx } from './db';
import type { DeliveryRow } from './deliveries';

/** What event application needs of the delivery an event is about. */
export type MatchedDelivery = Pick<
  DeliveryRow,
  'id' | 'campaign_id' | 'recipient_id' | 'channel' | 'address' | 'state' | 'provider_rank' | 'answered_by' | 'sent_at' | 'finished_at'
>;

const COLS = 'id, campaign_id, recipient_id, channel, address, state, provider_rank, answered_by, sent_at, finished_at';
const D_COLS = COLS.split(', ')
  .map((c) => `d.${c}`)
  .join(', ');

/** Remembers an event's key; false when it was applied before (a duplicate). */
export function rememberEvent(tx: Tx, key: string, now: number): boolean {
  return (
    tx.statements.get<[string, number]>('INSERT OR IGNORE INTO applied_provider_events (event_key, applied_at) VALUES (?, ?)').run(key, now)
      .changes > 0
  );
}

export function deliveryByToken(r: Reader, token: string): MatchedDelivery | undefined {
  return r.statements.get<[string], MatchedDelivery>(`SELECT ${COLS} FROM deliveries WHERE token = ?`).get(token);
}

export function deliveryByProviderId(r: Reader, providerId: string): MatchedDelivery | undefined {
  return r.statements
    .get<[string], MatchedDelivery>(`SELECT ${COLS} FROM deliveries WHERE provider_id = ? ORDER BY id DESC LIMIT 1`)
    .get(providerId);
}

/** The latest delivery handed over to this address on one of these channels, a running campaign's first (a reply without a token). */
export function latestDeliveryTo(r: Reader, address: string, channels: readonly string[]): MatchedDelivery | undefined {
  return r.statements
    .get<[string, string], MatchedDelivery>(
      `SELECT ${D_COLS} FROM deliveries d JOIN campaigns c ON c.id = d.campaign_id
        WHERE d.address = ? COLLATE NOCASE AND d.channel IN (SELECT value FROM json_each(?)) AND (d.sent_at IS NOT NULL OR d.provider_rank > 0)
          AND c.status IN ('running', 'paused', 'completed', 'cancelled')
        ORDER BY (c.status = 'running') DESC, d.sent_at DESC, d.id DESC LIMIT 1`,
    )
    .get(address, JSON.stringify(channels));
}

export interface StatusUpdate {
  rank: number;
  status: string;
  errorCode: string | null;
  error: string | null;
  at: number;
  answeredBy: string | null;
}

const STATUS_COLUMNS = ['provider_status', 'provider_rank', 'error_code', 'error', 'sent_at', 'answered_by'] as const;

/**
 * Applies a provider status to a delivery: the status and rank only move forward, the
 * first hand-over time and answer stay. Returns the rank and answer after it.
 */
export function applyDeliveryStatus(tx: Tx, id: number, u: StatusUpdate): { provider_rank: number; answered_by: string | null } {
  const values = `CASE WHEN provider_rank < @rank THEN @status ELSE provider_status END, MAX(provider_rank, @rank),
      COALESCE(@code, error_code), COALESCE(@error, error), COALESCE(sent_at, @at), COALESCE(answered_by, @answered)`;
  const list = STATUS_COLUMNS.join(', ');
  const params = { id, rank: u.rank, status: u.status, code: u.errorCode, error: u.error, at: u.at, answered: u.answeredBy };
  const after = tx.statements
    .get<[typeof params], { provider_rank: number; answered_by: string | null }>(
      `UPDATE deliveries SET (${list}) = (${values}) WHERE id = @id AND (${list}) IS NOT (${values}) RETURNING provider_rank, answered_by`,
    )
    .get(params);
  if (after) {
    tx.changes.record('deliveries', [id], 'update', STATUS_COLUMNS);
    return after;
  }
  return (
    tx.statements
      .get<[number], { provider_rank: number; answered_by: string | null }>(
        'SELECT provider_rank, answered_by FROM deliveries WHERE id = ?',
      )
      .get(id) ?? { provider_rank: 0, answered_by: null }
  );
}

/** Moves a delivery to a state (settled: with its finish time, kept when already set). */
export function setDeliveryState(tx: Tx, id: number, state: DeliveryState, finishedAt: number | null): void {
  const changed = tx.statements
    .get<[{ id: number; state: DeliveryState; at: number | null }]>(
      `UPDATE deliveries SET state = @state, finished_at = COALESCE(finished_at, @at), sending_since = NULL
        WHERE id = @id AND (state, finished_at, sending_since) IS NOT (@state, COALESCE(finished_at, @at), NULL)`,
    )
    .run({ id, state, at: finishedAt }).changes;
  if (changed > 0) tx.changes.record('deliveries', [id], 'update', ['state', 'finished_at', 'sending_since']);
}
