// What applying provider events (status callbacks, key presses, replies) reads and writes
// of the outbox: the keys of events already applied (applied_provider_events, so each is
// applied once), finding the delivery an event is about, and a status applied as a
// maximum by rank. Writes take the transaction and record the delivery rows they changed.
// Prepared statements only.
import type { DeliveryState, ProviderEvent } from '@gdial/protocol';
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

/** A week: events kept unmatched longer are of another installation, or too old to matter. */
const KEEP_UNMATCHED_MS = 7 * 24 * 3600_000;

/**
 * Keeps a status or key-press event that matched no delivery, to apply when its delivery
 * appears (its key is forgotten as applied, so it can be applied then).
 */
export function keepUnmatched(tx: Tx, key: string, ev: ProviderEvent, now: number): void {
  tx.statements.get<[string]>('DELETE FROM applied_provider_events WHERE event_key = ?').run(key);
  tx.statements
    .get<[string, string | null, string | null, string, number]>(
      'INSERT OR IGNORE INTO unmatched_provider_events (event_key, token, provider_id, event, received_at) VALUES (?, ?, ?, ?, ?)',
    )
    .run(key, ev.deliveryToken, ev.providerId, JSON.stringify(ev), now);
  tx.statements.get<[number]>('DELETE FROM unmatched_provider_events WHERE received_at < ?').run(now - KEEP_UNMATCHED_MS);
}

/** Takes (removes and returns) the kept events of a delivery token or provider id, oldest first. */
export function takeKept(tx: Tx, token: string | null, providerId: string | null): ProviderEvent[] {
  if (token === null && providerId === null) return [];
  return tx.statements
    .pluck<[string | null, string | null], string>(
      'DELETE FROM unmatched_provider_events WHERE token = ? OR provider_id = ? RETURNING event',
    )
    .all(token, providerId)
    .map((e) => JSON.parse(e) as ProviderEvent)
    .sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
}

/** Takes the kept events of a campaign's deliveries (by token or provider id). */
export function takeKeptOfCampaign(tx: Tx, campaignId: number): ProviderEvent[] {
  return tx.statements
    .pluck<[number, number], string>(
      `DELETE FROM unmatched_provider_events
        WHERE token IN (SELECT token FROM deliveries WHERE campaign_id = ?)
           OR provider_id IN (SELECT provider_id FROM deliveries WHERE campaign_id = ? AND provider_id IS NOT NULL) RETURNING event`,
    )
    .all(campaignId, campaignId)
    .map((e) => JSON.parse(e) as ProviderEvent)
    .sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
}

export function deliveryByToken(r: Reader, token: string): MatchedDelivery | undefined {
  return r.statements.get<[string], MatchedDelivery>(`SELECT ${COLS} FROM deliveries WHERE token = ?`).get(token);
}

export function deliveryByProviderId(r: Reader, providerId: string): MatchedDelivery | undefined {
  return r.statements
    .get<[string], MatchedDelivery>(`SELECT ${COLS} FROM deliveries WHERE provider_id = ? ORDER BY id DESC LIMIT 1`)
    .get(providerId);
}

/**
 * The latest alert delivery handed over to this address on one of these channels, a running campaign's first (a reply
 * without a token). Answers written in a conversation are not alerts: what the person writes back belongs to the alert.
 */
export function latestDeliveryTo(r: Reader, address: string, channels: readonly string[]): MatchedDelivery | undefined {
  return r.statements
    .get<[string, string], MatchedDelivery>(
      `SELECT ${D_COLS} FROM deliveries d JOIN campaigns c ON c.id = d.campaign_id
        WHERE d.address = ? COLLATE NOCASE AND d.channel IN (SELECT value FROM json_each(?)) AND (d.sent_at IS NOT NULL OR d.provider_rank > 0)
          AND c.status IN ('running', 'paused', 'completed', 'cancelled') AND c.kind = 'alert'
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

/**
 * A status from a provider about a delivery that has no provider yet (its send's answer was
 * lost, or it was in flight at a crash): that provider has it, so the row takes its id.
 */
export function adoptFromStatus(tx: Tx, id: number, provider: string, providerId: string): void {
  if (
    tx.statements
      .get<[string, string, number]>('UPDATE deliveries SET provider = ?, provider_id = ? WHERE id = ? AND provider_id IS NULL')
      .run(provider, providerId, id).changes > 0
  )
    tx.changes.record('deliveries', [id], 'update', ['provider', 'provider_id']);
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
