// The dispatcher's statements over the outbox (deliveries): claiming due rows, marking
// them in flight, writing each provider call's result, and finding rows left in flight
// or waiting too long. The hot path of an alert: prepared once through the statement
// cache, batched by the caller's transaction. Writes record the rows they changed.
import type { Channel, DeliveryState, RecipientOutcome } from '@gdial/protocol';
import type { Reader, Tx } from './db';
import type { DeliveryRow } from './deliveries';

/** A due delivery as the dispatcher claims it, with what decides whether it is still needed. */
export interface ClaimRow extends Pick<
  DeliveryRow,
  | 'id'
  | 'campaign_id'
  | 'recipient_id'
  | 'step_index'
  | 'channel'
  | 'address'
  | 'token'
  | 'condition'
  | 'attempts'
  | 'body'
  | 'subject'
  | 'html'
  | 'audio_id'
  | 'voice_id'
  | 'content_sid'
  | 'content_variables'
  | 'look_up'
> {
  outcome: RecipientOutcome;
  language: 'sv' | 'en';
  opted_out: number;
  delivered_before: number;
  /** WhatsApp: when the person last wrote to us (epoch ms), which opens a 24-hour window for free-form text. */
  last_inbound_at: number | null;
}

/** A row found in flight (`sending`) when the engine starts, or claimed to be looked up first, to look up at the provider. */
export type InFlightRow = Pick<
  DeliveryRow,
  'id' | 'campaign_id' | 'recipient_id' | 'channel' | 'address' | 'token' | 'body' | 'sending_since' | 'look_up' | 'provider'
> & {
  /**
   * A row to look up before sending (look_up): since when the former owner may have sent it
   * (epoch ms) — the hand-over of the person's previous step, else the alert's start.
   */
  may_have_sent_since: number | null;
};

const CLAIM = `SELECT d.id, d.campaign_id, d.recipient_id, d.step_index, d.channel, d.address, d.token, d.condition, d.attempts,
                d.body, d.subject, d.html, d.audio_id, d.voice_id, d.content_sid, d.content_variables, d.look_up, r.outcome, r.language,
                CASE WHEN d.channel = 'whatsapp' THEN (SELECT s.last_inbound_at FROM whatsapp_sessions s WHERE s.address = d.address) END AS last_inbound_at,
                EXISTS (SELECT 1 FROM opt_outs o WHERE o.channel = d.channel AND o.address = CASE WHEN d.channel = 'email' THEN lower(d.address) ELSE d.address END) AS opted_out,
                CASE WHEN d.condition = 'not-delivered'
                     THEN EXISTS (SELECT 1 FROM deliveries e WHERE e.recipient_id = d.recipient_id AND e.step_index < d.step_index AND e.state = 'delivered')
                     ELSE 0 END AS delivered_before
           FROM deliveries d JOIN campaign_recipients r ON r.id = d.recipient_id
          WHERE d.state = 'queued' AND d.channel = ? AND d.priority = ? AND d.due_at <= ?
          ORDER BY d.due_at LIMIT ?`;

const SENT = `UPDATE deliveries SET provider = ?, provider_id = ?,
                provider_status = CASE WHEN provider_rank < ? THEN ? ELSE provider_status END,
                provider_rank = MAX(provider_rank, ?),
                state = CASE WHEN state = 'sending' THEN 'sent' ELSE state END,
                sent_at = COALESCE(sent_at, ?), sending_since = NULL, error = NULL
          WHERE id = ? RETURNING provider_rank, answered_by, state`;
const SENT_COLUMNS = ['provider', 'provider_id', 'provider_status', 'provider_rank', 'state', 'sent_at', 'sending_since', 'error'] as const;

// ── reads ──

/** Due rows of one channel and priority band, oldest due first. */
export function dueDeliveries(r: Reader, channel: Channel, band: number, now: number, limit: number): ClaimRow[] {
  return r.statements.get<[Channel, number, number, number], ClaimRow>(CLAIM).all(channel, band, now, limit);
}

/** When the next queued row of a channel falls due (epoch ms), or null. */
export function nextDueAt(r: Reader, channel: Channel): number | null {
  return (
    r.statements
      .pluck<[Channel], number | null>("SELECT MIN(due_at) FROM deliveries WHERE state = 'queued' AND channel = ? AND priority IN (0, 1)")
      .get(channel) ?? null
  );
}

/** Due rows of a channel whose provider is unavailable and whose plan has a later step to fall through to. */
export function fallThroughCandidates(
  r: Reader,
  channel: Channel,
  now: number,
): Pick<DeliveryRow, 'id' | 'recipient_id' | 'campaign_id'>[] {
  return r.statements
    .get<[Channel, number], Pick<DeliveryRow, 'id' | 'recipient_id' | 'campaign_id'>>(
      `SELECT d.id, d.recipient_id, d.campaign_id FROM deliveries d
        WHERE d.state = 'queued' AND d.channel = ? AND d.priority IN (0, 1) AND d.due_at <= ? AND d.fall_through = 1
          AND EXISTS (SELECT 1 FROM deliveries e WHERE e.recipient_id = d.recipient_id AND e.step_index > d.step_index)
        LIMIT 500`,
    )
    .all(channel, now);
}

/**
 * After a take-over: every row of the alert not yet handed over here (queued, or waiting for
 * an earlier step) may have been sent by the former owner without the hand-over reaching
 * this desktop, so each is looked up at the provider when its claim comes (`look_up`) before
 * it is sent. Returns how many rows were marked.
 */
export function markLookUpFirst(tx: Tx, campaignId: number): number {
  const ids = tx.statements
    .pluck<[number], number>(
      "UPDATE deliveries SET look_up = 1 WHERE campaign_id = ? AND state IN ('queued', 'waiting') AND look_up = 0 RETURNING id",
    )
    .all(campaignId);
  if (ids.length) tx.changes.record('deliveries', ids, 'update', ['look_up']);
  return ids.length;
}

export function inFlightDeliveries(r: Reader): InFlightRow[] {
  return r.statements
    .get<[], InFlightRow>(
      // Not another desktop's alert's rows (REMOTE_BAND, store/alert-sync.ts): that desktop reconciles its own.
      `SELECT d.id, d.campaign_id, d.recipient_id, d.channel, d.address, d.token, d.body, d.sending_since, d.look_up, d.provider,
              CASE WHEN d.look_up = 1 THEN COALESCE(
                (SELECT MAX(e.sent_at) FROM deliveries e WHERE e.recipient_id = d.recipient_id AND e.step_index < d.step_index),
                (SELECT CAST((julianday(c.started_at) - 2440587.5) * 86400000 AS INTEGER) FROM campaigns c WHERE c.id = d.campaign_id)) END AS may_have_sent_since
         FROM deliveries d WHERE d.state = 'sending' AND d.priority < 100`,
    )
    .all();
}

/** Handed-over deliveries without a final status since before `sentBefore`. */
export function staleDeliveries(
  r: Reader,
  sentBefore: number,
  finalRank: number,
): (Pick<DeliveryRow, 'id' | 'channel' | 'token' | 'provider'> & { provider_id: string })[] {
  return r.statements
    .get<[number, number], Pick<DeliveryRow, 'id' | 'channel' | 'token' | 'provider'> & { provider_id: string }>(
      `SELECT id, channel, token, provider, provider_id FROM deliveries
        WHERE state IN ('sent', 'delivered') AND sent_at < ? AND provider_rank < ? AND provider_id IS NOT NULL AND priority < 100 LIMIT 500`,
    )
    .all(sentBefore, finalRank);
}

export function deliveryRank(
  r: Reader,
  id: number,
): { provider_rank: number; answered_by: string | null; state: DeliveryState } | undefined {
  return r.statements
    .get<[number], { provider_rank: number; answered_by: string | null; state: DeliveryState }>(
      'SELECT provider_rank, answered_by, state FROM deliveries WHERE id = ?',
    )
    .get(id);
}

// ── writes ──

/** Claimed rows to look up before sending (look_up) go in flight for the reconciler, without an attempt. */
export function markLookingUp(tx: Tx, ids: readonly number[], now: number): void {
  const changed = tx.statements
    .pluck<[number, string], number>(
      "UPDATE deliveries SET state = 'sending', sending_since = ? WHERE id IN (SELECT value FROM json_each(?)) AND +state = 'queued' RETURNING id",
    )
    .all(now, JSON.stringify(ids));
  if (changed.length) tx.changes.record('deliveries', changed, 'update', ['state', 'sending_since']);
}

/** Claimed rows go in flight: `sending`, one more attempt. */
export function markSending(tx: Tx, ids: readonly number[], now: number): void {
  const changed = tx.statements
    .pluck<[number, string], number>(
      "UPDATE deliveries SET state = 'sending', attempts = attempts + 1, sending_since = ? WHERE id IN (SELECT value FROM json_each(?)) AND +state = 'queued' RETURNING id",
    )
    .all(now, JSON.stringify(ids));
  for (const id of changed) tx.changes.record('deliveries', [id], 'update', ['state', 'attempts', 'sending_since']);
}

/** The provider accepted a delivery. A callback that got here first keeps the state it set. */
export function writeSent(
  tx: Tx,
  id: number,
  s: { provider: string; providerId: string; rank: number; status: string; at: number },
): { provider_rank: number; answered_by: string | null; state: DeliveryState } | undefined {
  const cur = tx.statements
    .get<
      [string, string, number, string, number, number, number],
      { provider_rank: number; answered_by: string | null; state: DeliveryState }
    >(SENT)
    .get(s.provider, s.providerId, s.rank, s.status, s.rank, s.at, id);
  if (cur) tx.changes.record('deliveries', [id], 'update', SENT_COLUMNS);
  return cur;
}

/** Sets a delivery's state (the one a provider status implies). */
export function setState(tx: Tx, id: number, state: DeliveryState): void {
  if (
    tx.statements
      .get<[DeliveryState, number, DeliveryState]>('UPDATE deliveries SET state = ? WHERE id = ? AND state <> ?')
      .run(state, id, state).changes > 0
  )
    tx.changes.record('deliveries', [id], 'update', ['state']);
}

/** A call in flight failed for now: queued again for a later time. */
export function requeue(tx: Tx, id: number, dueAt: number, error: string, code: string | null): void {
  if (
    tx.statements
      .get<[number, string, string | null, number]>(
        "UPDATE deliveries SET state = 'queued', due_at = ?, sending_since = NULL, error = ?, error_code = ? WHERE id = ? AND state = 'sending'",
      )
      .run(dueAt, error, code, id).changes > 0
  )
    tx.changes.record('deliveries', [id], 'update', ['state', 'due_at', 'sending_since', 'error', 'error_code']);
}

/**
 * A provider's path failed and another carries the channel on: the channel's deliveries
 * waiting to retry (queued after a failed attempt, due later) are due now. Returns their
 * ids and campaigns.
 */
export function hurryRetries(tx: Tx, channel: Channel, now: number): { id: number; campaign_id: number }[] {
  const rows = tx.statements
    .get<[number, Channel, number], { id: number; campaign_id: number }>(
      "UPDATE deliveries SET due_at = ? WHERE state = 'queued' AND channel = ? AND attempts > 0 AND due_at > ? AND priority IN (0, 1) RETURNING id, campaign_id",
    )
    .all(now, channel, now);
  if (rows.length)
    tx.changes.record(
      'deliveries',
      rows.map((r) => r.id),
      'update',
      ['due_at'],
    );
  return rows;
}

/** A delivery that will not be sent: failed, with why. False when it was no longer queued or in flight. */
export function fail(tx: Tx, id: number, error: string, code: string | null, now: number): boolean {
  if (
    tx.statements
      .get<[string, string | null, number, number]>(
        "UPDATE deliveries SET state = 'failed', error = ?, error_code = ?, finished_at = ?, sending_since = NULL WHERE id = ? AND state IN ('sending', 'queued')",
      )
      .run(error, code, now, id).changes > 0
  ) {
    tx.changes.record('deliveries', [id], 'update', ['state', 'error', 'error_code', 'finished_at', 'sending_since']);
    return true;
  }
  return false;
}

/**
 * A send whose answer was lost: the row stays in flight and records the provider it went
 * to, so only that provider is asked about it (reconcile.ts). A row found in flight after a
 * crash has none recorded and is asked about at every provider of its channel.
 */
export function answerLost(tx: Tx, id: number, provider: string): void {
  if (
    tx.statements
      .get<[string, number]>("UPDATE deliveries SET provider = ?, provider_id = NULL WHERE id = ? AND state = 'sending'")
      .run(provider, id).changes > 0
  )
    tx.changes.record('deliveries', [id], 'update', ['provider', 'provider_id']);
}

/** A row left in flight that the provider has: it takes the provider's id and status. */
export function adopt(tx: Tx, id: number, a: { provider: string; providerId: string; rank: number; status: string; sentAt: number }): void {
  tx.statements
    .get(
      `UPDATE deliveries SET provider = ?, provider_id = ?, provider_status = CASE WHEN provider_rank < ? THEN ? ELSE provider_status END,
              provider_rank = MAX(provider_rank, ?), sent_at = COALESCE(sent_at, ?), sending_since = NULL, look_up = 0
        WHERE id = ?`,
    )
    .run(a.provider, a.providerId, a.rank, a.status, a.rank, a.sentAt, id);
  tx.changes.record('deliveries', [id], 'update', [
    'provider',
    'provider_id',
    'provider_status',
    'provider_rank',
    'sent_at',
    'sending_since',
    'look_up',
  ]);
}

/**
 * A row left in flight (or looked up first) that the provider does not have: queued to be
 * sent (again), flagged as a possible duplicate when `flag` (it may have gone out unseen;
 * reconcile.ts decides). False when the row was no longer in flight.
 */
export function resend(tx: Tx, id: number, now: number, flag: boolean): boolean {
  if (
    tx.statements
      .get<[number, number, number]>(
        "UPDATE deliveries SET state = 'queued', due_at = ?, sending_since = NULL, look_up = 0, possible_duplicate = MAX(possible_duplicate, ?) WHERE id = ? AND state = 'sending'",
      )
      .run(now, flag ? 1 : 0, id).changes > 0
  ) {
    tx.changes.record('deliveries', [id], 'update', ['state', 'due_at', 'sending_since', 'look_up', 'possible_duplicate']);
    return true;
  }
  return false;
}

// ── Väntar på nät (a channel whose path is down) ──

/** The rows of a channel still to send (optionally of one campaign): who waits on it. */
export function queuedOnChannel(
  r: Reader,
  channel: Channel,
  campaignId: number,
): Pick<DeliveryRow, 'id' | 'recipient_id' | 'campaign_id'>[] {
  return r.statements
    .get<[Channel, number], Pick<DeliveryRow, 'id' | 'recipient_id' | 'campaign_id'>>(
      "SELECT id, recipient_id, campaign_id FROM deliveries WHERE state = 'queued' AND channel = ? AND campaign_id = ? ORDER BY due_at, id",
    )
    .all(channel, campaignId);
}

/** The running campaigns with rows of this channel still to send. */
export function campaignsQueuedOn(r: Reader, channel: Channel): number[] {
  return r.statements
    .pluck<[Channel], number>("SELECT DISTINCT campaign_id FROM deliveries WHERE state = 'queued' AND channel = ? AND priority IN (0, 1)")
    .all(channel);
}

/** How many of a campaign's people have a row of this channel still to send. */
export function waitingOnChannel(r: Reader, campaignId: number, channel: Channel): number {
  return (
    r.statements
      .pluck<[number, Channel], number>(
        "SELECT count(DISTINCT recipient_id) FROM deliveries WHERE campaign_id = ? AND channel = ? AND state IN ('queued', 'sending')",
      )
      .get(campaignId, channel) ?? 0
  );
}

/**
 * The path is back: rows of the channel that were retrying after a path failure are due
 * now (their backoff was for a path that is there again). A step's first send (no attempt
 * yet) keeps its time.
 */
export function retriesDueNow(tx: Tx, channel: Channel, now: number): number {
  const ids = tx.statements
    .pluck<[number, Channel, number], number>(
      "UPDATE deliveries SET due_at = ? WHERE channel = ? AND state = 'queued' AND attempts > 0 AND due_at > ? RETURNING id",
    )
    .all(now, channel, now);
  for (const id of ids) tx.changes.record('deliveries', [id], 'update', ['due_at']);
  return ids.length;
}
