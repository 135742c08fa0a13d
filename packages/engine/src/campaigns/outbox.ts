// The outbox rules shared by the dispatcher, provider-event application and cancellation:
// how a recipient moves on to the next escalation step, when later steps are skipped
// (confirmed, opted out), and what a recipient's outcome is. These run inside the caller's
// transaction on prepared statements; the dispatcher calls them for thousands of rows per
// second, so they avoid the query builder.
import type Database from 'better-sqlite3';
import { FINAL_RANK, formatEventDetail, type DeliveryState, type RecipientOutcome } from '@gdial/protocol';
import type { Db } from '../store/db';

/**
 * How long a step waits for the previous one's outcome when no final status arrives (a lost
 * callback) before escalating anyway: nobody is left stranded by a silent provider.
 */
export const STALL_MS = 10 * 60_000;

export interface DeliveryRow {
  id: number;
  campaign_id: number;
  recipient_id: number;
  step_index: number;
  channel: string;
  address: string;
  token: string;
  state: DeliveryState;
  condition: 'not-confirmed' | 'not-delivered' | 'always';
  wait_seconds: number;
  attempts: number;
  due_at: number | null;
  sent_at: number | null;
  finished_at: number | null;
  provider_rank: number;
  provider_id: string | null;
  answered_by: string | null;
  possible_duplicate: number;
}

const cache = new WeakMap<Database.Database, Statements>();

function prepare(sqlite: Database.Database) {
  return {
    /** The recipient's rows with the recipient's outcome on each: one query per recipient on the hot path. */
    rowsOfRecipient: sqlite.prepare<[number], DeliveryRow & { outcome: RecipientOutcome }>(
      `SELECT d.id, d.campaign_id, d.recipient_id, d.step_index, d.channel, d.address, d.token, d.state, d.condition, d.wait_seconds, d.attempts, d.due_at,
              d.sent_at, d.finished_at, d.provider_rank, d.provider_id, d.answered_by, d.possible_duplicate, r.outcome
         FROM campaign_recipients r JOIN deliveries d ON d.recipient_id = r.id WHERE r.id = ? ORDER BY d.step_index, d.id`,
    ),
    recipient: sqlite.prepare<[number], { id: number; campaign_id: number; outcome: RecipientOutcome; confirmed_at: string | null }>(
      'SELECT id, campaign_id, outcome, confirmed_at FROM campaign_recipients WHERE id = ?',
    ),
    setOutcome: sqlite.prepare<[RecipientOutcome, number]>('UPDATE campaign_recipients SET outcome = ? WHERE id = ?'),
    confirm: sqlite.prepare<[string, string, number]>(
      "UPDATE campaign_recipients SET outcome = 'confirmed', confirmed_at = ?, confirmed_via = ? WHERE id = ?",
    ),
    schedule: sqlite.prepare<[number, number]>("UPDATE deliveries SET state = 'queued', due_at = ? WHERE id = ?"),
    skip: sqlite.prepare<[string, number, number]>("UPDATE deliveries SET state = 'skipped', error = ?, finished_at = ? WHERE id = ?"),
    event: sqlite.prepare<[number, number, string, string | null]>(
      'INSERT INTO delivery_events (delivery_id, at, kind, detail) VALUES (?, ?, ?, ?)',
    ),
  };
}
type Statements = ReturnType<typeof prepare>;

export function statements(db: Db | Database.Database): Statements {
  const sqlite = 'prepare' in db ? db : sqliteOf(db);
  let s = cache.get(sqlite);
  if (!s) {
    s = prepare(sqlite);
    cache.set(sqlite, s);
  }
  return s;
}

/** The better-sqlite3 handle under a drizzle handle (drizzle keeps it as `$client`). */
export const sqliteOf = (db: Db): Database.Database => (db as Db & { $client: Database.Database }).$client;

const finalStates: readonly DeliveryState[] = ['delivered', 'failed', 'skipped', 'cancelled'];
const isFinal = (s: DeliveryState): boolean => finalStates.includes(s);

const handedOver = (r: DeliveryRow) => r.sent_at !== null || r.provider_rank > 0;

/**
 * Nothing more will happen to the row. An answered call counts as delivered at once, but
 * it is not settled until it ends: the person may still press 1.
 */
export const isSettled = (r: Pick<DeliveryRow, 'state' | 'channel' | 'provider_rank'>): boolean =>
  isFinal(r.state) && !(r.channel === 'voice' && r.state === 'delivered' && r.provider_rank < FINAL_RANK);

/**
 * Re-evaluates one recipient after any of its deliveries changed: skips what a
 * confirmation or opt-out made unnecessary, schedules the next escalation step when the
 * previous one is settled (or stalled), and updates the recipient's outcome.
 * Returns true when something became due (the dispatcher should look).
 */
export function progressRecipient(db: Db, recipientId: number, now: number): boolean {
  const st = statements(db);
  const rows = st.rowsOfRecipient.all(recipientId);
  const rec = rows[0] ? { outcome: rows[0].outcome } : st.recipient.get(recipientId);
  if (!rec) return false;
  let becameDue = false;

  if (rec.outcome === 'confirmed' || rec.outcome === 'opted-out' || rec.outcome === 'cancelled') {
    const reason = formatEventDetail({
      kind: 'skipped',
      reason: rec.outcome === 'confirmed' ? 'already-confirmed' : rec.outcome === 'opted-out' ? 'opted-out' : 'cancelled',
    });
    for (const r of rows) {
      if ((r.state === 'waiting' || r.state === 'queued') && (rec.outcome !== 'confirmed' || r.condition !== 'always')) {
        st.skip.run(reason, now, r.id);
        st.event.run(r.id, now, 'skipped', reason);
        r.state = 'skipped';
      }
    }
    // 'always' steps still run for the confirmed; the outcome itself never changes back.
    if (rec.outcome === 'confirmed') becameDue = scheduleNext(st, rows, now);
    return becameDue;
  }

  becameDue = scheduleNext(st, rows, now);

  let outcome: RecipientOutcome;
  if (rows.every(isSettled)) outcome = rows.some((r) => r.state === 'delivered') ? 'reached' : 'unreached';
  else if (rows.some((r) => r.state === 'sending' || handedOver(r))) outcome = 'in-progress';
  else outcome = 'pending';
  if (outcome !== rec.outcome) st.setOutcome.run(outcome, recipientId);
  return becameDue;
}

/** Finds the first step that has not started and, if the step before it is settled, sets its due time. */
function scheduleNext(st: Statements, rows: DeliveryRow[], now: number): boolean {
  const steps = new Map<number, DeliveryRow[]>();
  for (const r of rows) {
    const list = steps.get(r.step_index);
    if (list) list.push(r);
    else steps.set(r.step_index, [r]);
  }
  const order = [...steps.keys()].sort((a, b) => a - b);
  let prev: DeliveryRow[] | null = null;
  for (const idx of order) {
    const cur = steps.get(idx)!;
    const open = cur.some((r) => r.state === 'waiting' || r.state === 'queued' || r.state === 'sending');
    if (!open) {
      prev = cur;
      continue;
    }
    // The first open step: either under way (nothing to do) or not yet started.
    if (prev === null) return false;
    const started = cur.some((r) => r.state === 'sending' || (r.state === 'queued' && r.attempts > 0) || handedOver(r));
    if (started) return false;
    // `cur` is the next step to start; `prev` is the step before it.
    const wait = (cur[0]?.wait_seconds ?? 0) * 1000;
    const sentTimes = prev.filter((r) => r.sent_at !== null).map((r) => r.sent_at!);
    const lastSent = sentTimes.length ? Math.max(...sentTimes) : null;
    const allFinal = prev.every(isSettled);
    const anyDelivered = prev.some((r) => r.state === 'delivered');
    let due: number;
    if (allFinal && !anyDelivered) {
      // Nothing reached the person: there is nothing to wait for.
      due = Math.max(...prev.map((r) => r.finished_at ?? now));
    } else if (allFinal) {
      due = Math.max(Math.max(...prev.map((r) => r.finished_at ?? now)), (lastSent ?? now) + wait);
    } else {
      due = (lastSent ?? now) + Math.max(wait, STALL_MS);
    }
    let changed = false;
    for (const r of cur) {
      if (r.state === 'waiting' || (r.state === 'queued' && r.attempts === 0 && r.due_at !== due)) {
        st.schedule.run(due, r.id);
        if (r.state === 'waiting') st.event.run(r.id, now, 'scheduled', new Date(due).toISOString());
        r.state = 'queued';
        r.due_at = due;
        changed = true;
      }
    }
    return changed && due <= now;
  }
  return false;
}

/**
 * Marks a recipient confirmed. The earliest confirmation wins whatever order events arrive
 * in, so applying the same events in any order gives the same record.
 */
export function confirmRecipient(db: Db, recipientId: number, at: Date, via: string, now: number): boolean {
  const st = statements(db);
  const rec = st.recipient.get(recipientId);
  if (!rec) return false;
  const iso = at.toISOString();
  if (rec.outcome === 'confirmed' && rec.confirmed_at !== null && rec.confirmed_at <= iso) return false;
  st.confirm.run(iso, via, recipientId);
  progressRecipient(db, recipientId, now);
  return true;
}

/** A STOP reply: the recipient's escalation ends (a confirmation, if any, stays the outcome). */
export function optOutRecipient(db: Db, recipientId: number, now: number): void {
  const st = statements(db);
  const rec = st.recipient.get(recipientId);
  if (!rec) return;
  if (rec.outcome !== 'confirmed') st.setOutcome.run('opted-out', recipientId);
  const rows = st.rowsOfRecipient.all(recipientId);
  for (const r of rows) {
    if (r.state === 'waiting' || r.state === 'queued') {
      const reason = formatEventDetail({ kind: 'skipped', reason: 'opted-out' });
      st.skip.run(reason, now, r.id);
      st.event.run(r.id, now, 'skipped', reason);
    }
  }
}
