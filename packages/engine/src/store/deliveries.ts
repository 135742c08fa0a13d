// The outbox: deliveries (one row per recipient × step × address) and delivery_events
// (each delivery's timeline, never updated). The one row type of each and the converter
// to the report's DeliveryReport; the reads and writes of the outbox rules (escalation,
// skips), of provider events (matching a callback to its row, applying a status) and of
// the campaign service (pause, resume, cancel). The dispatcher's claim and result
// statements are in ./dispatch.ts. Writes take the transaction and record exactly the
// rows they changed. Prepared statements only: these run thousands of times a second.
import type { Channel, DeliveryReport, DeliveryState, RecipientOutcome } from '@gdial/protocol';
import { BURN_OPENED_EVENT } from '@gdial/protocol';
import type { Reader, Tx } from './db';

/** A row of deliveries as SQLite returns it. */
export interface DeliveryRow {
  id: number;
  campaign_id: number;
  recipient_id: number;
  step_index: number;
  channel: Channel;
  address: string;
  token: string;
  state: DeliveryState;
  priority: number;
  due_at: number | null;
  wait_seconds: number;
  condition: 'not-confirmed' | 'not-delivered' | 'always';
  fall_through: number;
  body: string | null;
  subject: string | null;
  html: string | null;
  audio_id: string | null;
  voice_id: string | null;
  content_sid: string | null;
  /** JSON: the content template's numbered variables rendered for this person. */
  content_variables: string | null;
  /** The SMS segments the body is billed as (an SMS; 0 for other channels), counted when planned. */
  segments: number;
  attempts: number;
  sending_since: number | null;
  provider: string | null;
  provider_id: string | null;
  provider_status: string | null;
  provider_rank: number;
  answered_by: string | null;
  error_code: string | null;
  error: string | null;
  possible_duplicate: number;
  /** 1: look up at the provider before sending (set at a take-over). */
  look_up: number;
  shared_with_id: number | null;
  sent_at: number | null;
  finished_at: number | null;
}

/** A row of delivery_events as SQLite returns it. */
export interface DeliveryEventRow {
  id: number;
  delivery_id: number;
  at: number;
  kind: string;
  detail: string | null;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * The converter: a delivery and its events to the report's entry. The hand-over is recorded
 * on the row itself (the hot path writes no separate event), so it joins the timeline here.
 */
export function toDeliveryReport(d: ReportDeliveryRow, events: readonly DeliveryEventRow[]): DeliveryReport {
  const timeline: DeliveryReport['events'] = events.map((e) => ({ at: new Date(e.at).toISOString(), kind: e.kind, detail: e.detail }));
  if (d.sent_at !== null) {
    timeline.push({
      at: new Date(d.sent_at).toISOString(),
      kind: 'sent',
      detail: d.provider_id ? `${d.provider ?? 'provider'} ${d.provider_id}` : null,
    });
    timeline.sort((a, b) => a.at.localeCompare(b.at));
  }
  return {
    id: d.id,
    stepIndex: d.step_index,
    channel: d.channel,
    address: d.address,
    state: d.state,
    provider: d.provider,
    providerStatus: d.provider_status,
    attempts: d.attempts,
    error: d.error,
    errorCode: d.error_code,
    possibleDuplicate: d.possible_duplicate === 1,
    sentAt: iso(d.sent_at),
    finishedAt: iso(d.finished_at),
    openedAt: iso(d.opened_at ?? null),
    events: timeline,
  };
}

export type ReportDeliveryRow = Pick<
  DeliveryRow,
  | 'id'
  | 'recipient_id'
  | 'step_index'
  | 'channel'
  | 'address'
  | 'state'
  | 'provider_status'
  | 'attempts'
  | 'error'
  | 'error_code'
  | 'possible_duplicate'
  | 'provider'
  | 'provider_id'
  | 'sent_at'
  | 'finished_at'
> & {
  /** When the person opened the burn message's link (its first burn-opened event), if it had one. */
  opened_at?: number | null;
};

const IN_IDS = 'IN (SELECT value FROM json_each(?))';

// ── the timeline ──

/**
 * A burn message's link was opened: the timeline entry, and the delivery's line of the
 * roll-call marked changed (its "öppnat" is read from that entry) so consoles holding the
 * roll-call read it again.
 */
export function addBurnOpened(tx: Tx, deliveryId: number, at: number): void {
  addDeliveryEvent(tx, deliveryId, at, BURN_OPENED_EVENT, null);
  tx.changes.record('deliveries', [deliveryId], 'update', ['opened_at']);
}

/** Appends one entry to a delivery's timeline. */
export function addDeliveryEvent(tx: Tx, deliveryId: number, at: number, kind: string, detail: string | null): void {
  const id = Number(
    tx.statements
      .get<[number, number, string, string | null]>('INSERT INTO delivery_events (delivery_id, at, kind, detail) VALUES (?, ?, ?, ?)')
      .run(deliveryId, at, kind, detail).lastInsertRowid,
  );
  tx.changes.record('delivery_events', [id], 'insert');
}

// ── writing a plan ──

export interface NewDelivery {
  campaignId: number;
  recipientId: number;
  stepIndex: number;
  channel: Channel;
  address: string;
  token: string;
  state: 'queued' | 'waiting';
  priority: number;
  dueAt: number | null;
  waitSeconds: number;
  condition: DeliveryRow['condition'];
  fallThrough: boolean;
  body: string | null;
  /** The SMS segments the body is billed as (an SMS; 0 for other channels). */
  segments: number;
  subject: string | null;
  html: string | null;
  audioId: string | null;
  voiceId: string | null;
  /** WhatsApp: the approved content template and its variables for this person. */
  content: { contentSid: string; variables: Record<string, string> } | null;
  /** Looked up at the provider before it is sent (planned after a take-over: the former owner may have sent it). */
  lookUp?: boolean;
}

export function insertDelivery(tx: Tx, d: NewDelivery): number {
  const id = Number(
    tx.statements
      .get(
        `INSERT INTO deliveries (campaign_id, recipient_id, step_index, channel, address, token, state, priority, due_at, wait_seconds, condition, fall_through, body, segments, subject, html, audio_id, voice_id, content_sid, content_variables, look_up)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        d.campaignId,
        d.recipientId,
        d.stepIndex,
        d.channel,
        d.address,
        d.token,
        d.state,
        d.priority,
        d.dueAt,
        d.waitSeconds,
        d.condition,
        d.fallThrough ? 1 : 0,
        d.body,
        d.segments,
        d.subject,
        d.html,
        d.audioId,
        d.voiceId,
        d.content?.contentSid ?? null,
        d.content ? JSON.stringify(d.content.variables) : null,
        d.lookUp ? 1 : 0,
      ).lastInsertRowid,
  );
  tx.changes.record('deliveries', [id], 'insert');
  return id;
}

// ── the outbox rules (escalation) ──

/** What the escalation rules read of a delivery. */
export type StepRow = Pick<
  DeliveryRow,
  | 'id'
  | 'campaign_id'
  | 'recipient_id'
  | 'step_index'
  | 'channel'
  | 'address'
  | 'token'
  | 'state'
  | 'condition'
  | 'wait_seconds'
  | 'attempts'
  | 'due_at'
  | 'sent_at'
  | 'finished_at'
  | 'provider_rank'
  | 'provider_id'
  | 'answered_by'
  | 'possible_duplicate'
  | 'error_code'
>;

/** A recipient's deliveries in plan order, each with the recipient's outcome: one query per recipient on the hot path. */
export function deliveriesOfRecipient(r: Reader, recipientId: number): (StepRow & { outcome: RecipientOutcome })[] {
  return r.statements
    .get<[number], StepRow & { outcome: RecipientOutcome }>(
      `SELECT d.id, d.campaign_id, d.recipient_id, d.step_index, d.channel, d.address, d.token, d.state, d.condition, d.wait_seconds, d.attempts, d.due_at,
              d.sent_at, d.finished_at, d.provider_rank, d.provider_id, d.answered_by, d.possible_duplicate, d.error_code, r.outcome
         FROM campaign_recipients r JOIN deliveries d ON d.recipient_id = r.id WHERE r.id = ? ORDER BY d.step_index, d.id`,
    )
    .all(recipientId);
}

/** Queues a delivery for a time (the next escalation step). */
export function scheduleDelivery(tx: Tx, id: number, dueAt: number): void {
  if (
    tx.statements
      .get<[number, number, number]>(
        "UPDATE deliveries SET state = 'queued', due_at = ? WHERE id = ? AND (state, due_at) IS NOT ('queued', ?)",
      )
      .run(dueAt, id, dueAt).changes > 0
  )
    tx.changes.record('deliveries', [id], 'update', ['state', 'due_at']);
}

/** A delivery the plan no longer needs (confirmed, opted out, cancelled, delivered earlier), with its timeline entry. */
export function skipDelivery(tx: Tx, id: number, reason: string, now: number): void {
  tx.statements
    .get<[string, number, number]>("UPDATE deliveries SET state = 'skipped', error = ?, finished_at = ? WHERE id = ?")
    .run(reason, now, id);
  tx.changes.record('deliveries', [id], 'update', ['state', 'error', 'finished_at']);
  addDeliveryEvent(tx, id, now, 'skipped', reason);
}

// ── the campaign service ──

/**
 * Moves a campaign's rows up into a priority band the dispatcher's claims never reach, or
 * back down out of it: a pause (its unsent rows only) and another desktop's alert (all its
 * rows, store/alert-sync.ts) both hold rows this way.
 */
export function moveBand(tx: Tx, campaignId: number, band: number, direction: 'up' | 'down', unsentOnly = false): void {
  const ids =
    direction === 'up'
      ? tx.statements
          .pluck<[number, number, number], number>(
            `UPDATE deliveries SET priority = priority + ? WHERE campaign_id = ?${unsentOnly ? " AND state IN ('queued', 'waiting')" : ''} AND priority < ? RETURNING id`,
          )
          .all(band, campaignId, band)
      : tx.statements
          .pluck<[number, number, number], number>(
            'UPDATE deliveries SET priority = priority - ? WHERE campaign_id = ? AND priority >= ? RETURNING id',
          )
          .all(band, campaignId, band);
  for (const id of ids) tx.changes.record('deliveries', [id], 'update', ['priority']);
}

/** Pause moves a campaign's unsent rows up by `band` (claims never reach them); resume moves them back. */
export function shiftPriority(tx: Tx, campaignId: number, band: number, direction: 'pause' | 'resume'): void {
  moveBand(tx, campaignId, band, direction === 'pause' ? 'up' : 'down', true);
}

/** Cancels every delivery of a campaign not yet sent, each with a timeline entry; returns how many. */
export function cancelUnsentDeliveries(tx: Tx, campaignId: number, now: number, reason: string): number {
  const ids = tx.statements
    .pluck<[number, number], number>(
      "UPDATE deliveries SET state = 'cancelled', finished_at = ?, error = 'campaign cancelled' WHERE campaign_id = ? AND state IN ('waiting', 'queued') RETURNING id",
    )
    .all(now, campaignId);
  for (const id of ids) {
    tx.changes.record('deliveries', [id], 'update', ['state', 'finished_at', 'error']);
    addDeliveryEvent(tx, id, now, 'cancelled', reason);
  }
  return ids.length;
}

/** A campaign's calls that may still be ringing or talking, with the provider that placed each. */
export function liveCallIds(r: Reader, campaignId: number, finalRank: number): { providerId: string; provider: string | null }[] {
  return r.statements
    .get<[number, number], { providerId: string; provider: string | null }>(
      "SELECT provider_id AS providerId, provider FROM deliveries WHERE campaign_id = ? AND channel = 'voice' AND state IN ('sent', 'delivered') AND provider_rank < ? AND provider_id IS NOT NULL",
    )
    .all(campaignId, finalRank);
}

// ── progress and the report ──

export function deliveryStateCounts(r: Reader, campaignId: number): { state: DeliveryState; n: number }[] {
  return r.statements
    .get<[number], { state: DeliveryState; n: number }>('SELECT state, count(*) AS n FROM deliveries WHERE campaign_id = ? GROUP BY state')
    .all(campaignId);
}

/** Per step of a campaign with rows not yet handed over: how many (of them waiting for their step), the latest due time, the wait. */
export interface StepRemaining {
  step: number;
  open: number;
  waiting: number;
  /** Epoch ms: the latest due time of the step's queued rows, null when none is queued. */
  due: number | null;
  waitSeconds: number;
}

/** Reads only the rows still open (through the campaign-and-state index): the progress view asks often. */
export function remainingByStep(r: Reader, campaignId: number): StepRemaining[] {
  return r.statements
    .get<[number], StepRemaining>(
      `SELECT step_index AS step, count(*) AS open, sum(state = 'waiting') AS waiting,
        max(CASE WHEN state = 'queued' THEN due_at END) AS due, max(wait_seconds) AS waitSeconds
       FROM deliveries WHERE campaign_id = ? AND state IN ('waiting', 'queued', 'sending') GROUP BY step_index ORDER BY step_index`,
    )
    .all(campaignId);
}

/** Epoch ms of the last handover of a step of a campaign, null when none. */
export function lastSentOfStep(r: Reader, campaignId: number, step: number): number | null {
  return (
    r.statements
      .pluck<[number, number], number | null>('SELECT max(sent_at) FROM deliveries WHERE campaign_id = ? AND step_index = ?')
      .get(campaignId, step) ?? null
  );
}

export function possibleDuplicateCount(r: Reader, campaignId: number): number {
  return (
    r.statements
      .pluck<[number], number>('SELECT count(*) FROM deliveries WHERE campaign_id = ? AND possible_duplicate = 1')
      .get(campaignId) ?? 0
  );
}

/** How many of a campaign's deliveries each provider carried, per channel (failover splits a step between providers). */
export function carrierCounts(r: Reader, campaignId: number): { channel: Channel; provider: string; count: number }[] {
  return r.statements
    .get<[number], { channel: Channel; provider: string; count: number }>(
      'SELECT channel, provider, count(*) AS count FROM deliveries WHERE campaign_id = ? AND provider IS NOT NULL GROUP BY channel, provider ORDER BY channel, provider',
    )
    .all(campaignId);
}

/** Whether a campaign still has a delivery in our hands or a call that has not ended. */
export function hasOpenDeliveries(r: Reader, campaignId: number, finalRank: number): boolean {
  return (
    r.statements
      .pluck<[number, number], number>(
        "SELECT 1 FROM deliveries WHERE campaign_id = ? AND (state IN ('waiting', 'queued', 'sending', 'sent') OR (state = 'delivered' AND channel = 'voice' AND provider_rank < ?)) LIMIT 1",
      )
      .get(campaignId, finalRank) !== undefined
  );
}

/** The first and last hand-over of a campaign (epoch ms). */
export function sendTimes(r: Reader, campaignId: number): { first: number | null; last: number | null } {
  return (
    r.statements
      .get<[number], { first: number | null; last: number | null }>(
        'SELECT MIN(sent_at) AS first, MAX(sent_at) AS last FROM deliveries WHERE campaign_id = ?',
      )
      .get(campaignId) ?? { first: null, last: null }
  );
}

/** The deliveries of these recipients, in plan order, with their timelines. */
export function deliveryReportsOf(r: Reader, recipientIds: readonly number[], withEvents = true): Map<number, DeliveryReport[]> {
  const ids = JSON.stringify(recipientIds);
  const dels = r.statements
    .get<[string], ReportDeliveryRow>(
      `SELECT id, recipient_id, step_index, channel, address, state, provider_status, attempts, error, error_code, possible_duplicate, provider, provider_id, sent_at, finished_at,
              (SELECT min(e.at) FROM delivery_events e WHERE e.delivery_id = deliveries.id AND e.kind = '${BURN_OPENED_EVENT}') AS opened_at
         FROM deliveries WHERE recipient_id ${IN_IDS} ORDER BY recipient_id, step_index, id`,
    )
    .all(ids);
  // The roll-call lists people without their deliveries' histories: those are read for one person at a time.
  const events = withEvents
    ? r.statements
        .get<[string], DeliveryEventRow>(
          `SELECT e.* FROM delivery_events e JOIN deliveries d ON d.id = e.delivery_id
        WHERE d.recipient_id ${IN_IDS} ORDER BY e.delivery_id, e.at, e.id`,
        )
        .all(ids)
    : [];
  const evBy = new Map<number, DeliveryEventRow[]>();
  for (const e of events) {
    const list = evBy.get(e.delivery_id);
    if (list) list.push(e);
    else evBy.set(e.delivery_id, [e]);
  }
  const out = new Map<number, DeliveryReport[]>();
  for (const d of dels) {
    const list = out.get(d.recipient_id) ?? [];
    const report = toDeliveryReport(d, evBy.get(d.id) ?? []);
    list.push(withEvents ? report : { ...report, events: [] });
    out.set(d.recipient_id, list);
  }
  return out;
}

/** One line per delivery (recipients without one too, their delivery columns null) for the CSV export. */
export type CsvRow = {
  [K in keyof Omit<ReportDeliveryRow, 'id' | 'recipient_id' | 'provider' | 'provider_id' | 'error_code'>]: ReportDeliveryRow[K] | null;
} & {
  recipient_id: number;
  display_name: string;
  contact_id: number | null;
  outcome: RecipientOutcome;
  confirmed_at: string | null;
  confirmed_via: string | null;
};

export function csvRows(r: Reader, campaignId: number): CsvRow[] {
  return r.statements
    .get<[number], CsvRow>(
      `SELECT r.id AS recipient_id, r.display_name, r.contact_id, r.outcome, r.confirmed_at, r.confirmed_via,
              d.step_index, d.channel, d.address, d.state, d.provider_status, d.attempts, d.error, d.possible_duplicate, d.sent_at, d.finished_at
         FROM campaign_recipients r LEFT JOIN deliveries d ON d.recipient_id = r.id
        WHERE r.campaign_id = ? ORDER BY r.id, d.step_index, d.id`,
    )
    .all(campaignId);
}
