// The outbox rules shared by the dispatcher, provider-event application and cancellation:
// how a recipient moves on to the next escalation step, when later steps are skipped
// (confirmed, opted out), and what a recipient's outcome is. These run inside the caller's
// transaction; the dispatcher calls them for thousands of rows per second.
import { FINAL_RANK, formatEventDetail, type DeliveryState, type RecipientOutcome } from '@gdial/protocol';
import type { Tx } from '../store/db';
import { notSentForNoPath } from './failure';
import { addDeliveryEvent, deliveriesOfRecipient, scheduleDelivery, skipDelivery, type StepRow } from '../store/deliveries';
import { getRecipient, setRecipientConfirmed, setRecipientOutcome } from '../store/recipients';

/**
 * How long a step waits for the previous one's outcome when no final status arrives (a lost
 * callback) before escalating anyway: nobody is left stranded by a silent provider.
 */
export const STALL_MS = 10 * 60_000;

type DeliveryRow = StepRow;

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
export function progressRecipient(tx: Tx, recipientId: number, now: number): boolean {
  const rows = deliveriesOfRecipient(tx, recipientId);
  const rec = rows[0] ? { outcome: rows[0].outcome } : getRecipient(tx, recipientId);
  if (!rec) return false;
  let becameDue = false;

  if (rec.outcome === 'confirmed' || rec.outcome === 'opted-out' || rec.outcome === 'cancelled') {
    const reason = formatEventDetail({
      kind: 'skipped',
      reason: rec.outcome === 'confirmed' ? 'already-confirmed' : rec.outcome === 'opted-out' ? 'opted-out' : 'cancelled',
    });
    for (const r of rows) {
      if ((r.state === 'waiting' || r.state === 'queued') && (rec.outcome !== 'confirmed' || r.condition !== 'always')) {
        skipDelivery(tx, r.id, reason, now);
        r.state = 'skipped';
      }
    }
    // 'always' steps still run for the confirmed; the outcome itself never changes back.
    if (rec.outcome === 'confirmed') becameDue = scheduleNext(tx, rows, now);
    return becameDue;
  }

  becameDue = scheduleNext(tx, rows, now);

  let outcome: RecipientOutcome;
  if (rows.every(isSettled)) {
    if (rows.some((r) => r.state === 'delivered')) outcome = 'reached';
    // Nothing was handed over and the path is why: not sent, which is not "not reached".
    else if (!rows.some(handedOver) && rows.some((r) => notSentForNoPath(r.error_code))) outcome = 'no-network';
    else outcome = 'unreached';
  } else if (rows.some((r) => r.state === 'sending' || handedOver(r))) outcome = 'in-progress';
  else outcome = 'pending';
  if (outcome !== rec.outcome) setRecipientOutcome(tx, recipientId, outcome);
  return becameDue;
}

/** Finds the first step that has not started and, if the step before it is settled, sets its due time. */
function scheduleNext(tx: Tx, rows: DeliveryRow[], now: number): boolean {
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
        scheduleDelivery(tx, r.id, due);
        if (r.state === 'waiting') addDeliveryEvent(tx, r.id, now, 'scheduled', new Date(due).toISOString());
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
export function confirmRecipient(tx: Tx, recipientId: number, at: Date, via: string, now: number): boolean {
  const rec = getRecipient(tx, recipientId);
  if (!rec) return false;
  const iso = at.toISOString();
  if (rec.outcome === 'confirmed' && rec.confirmed_at !== null && rec.confirmed_at <= iso) return false;
  setRecipientConfirmed(tx, recipientId, iso, via);
  progressRecipient(tx, recipientId, now);
  return true;
}

/** A STOP reply: the recipient's escalation ends (a confirmation, if any, stays the outcome). */
export function optOutRecipient(tx: Tx, recipientId: number, now: number): void {
  const rec = getRecipient(tx, recipientId);
  if (!rec) return;
  if (rec.outcome !== 'confirmed') setRecipientOutcome(tx, recipientId, 'opted-out');
  for (const r of deliveriesOfRecipient(tx, recipientId)) {
    if (r.state === 'waiting' || r.state === 'queued')
      skipDelivery(tx, r.id, formatEventDetail({ kind: 'skipped', reason: 'opted-out' }), now);
  }
}
