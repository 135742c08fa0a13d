// The delivery state machine. A row's dispatch lifecycle is ours (waiting → queued →
// sending → sent); what happens after the provider has it comes from provider statuses,
// which are ranked so that applying them is a max(): any order and any duplication of the
// same events ends in the same state, and a late "sent" never overwrites "delivered".
import type { DeliveryState, DeliveryStatus } from '@gdial/protocol';

/** Transitions the dispatcher itself makes; anything else is a bug and throws. */
const allowed: Record<DeliveryState, readonly DeliveryState[]> = {
  waiting: ['queued', 'skipped', 'cancelled'],
  queued: ['sending', 'skipped', 'cancelled', 'failed', 'queued'],
  // Back to queued = retry; delivered/failed straight from sending when a callback beat the reply.
  sending: ['sent', 'queued', 'failed', 'delivered', 'skipped'],
  sent: ['delivered', 'failed'],
  delivered: [],
  failed: [],
  skipped: [],
  cancelled: [],
};

export const finalStates: readonly DeliveryState[] = ['delivered', 'failed', 'skipped', 'cancelled'];
export const isFinal = (s: DeliveryState): boolean => finalStates.includes(s);
/** States where the row still has work ahead of it in our hands. */
export const openStates: readonly DeliveryState[] = ['waiting', 'queued', 'sending'];

export function assertTransition(from: DeliveryState, to: DeliveryState): void {
  if (!allowed[from].includes(to)) throw new Error(`Illegal delivery transition ${from} → ${to}`);
}
export const canTransition = (from: DeliveryState, to: DeliveryState): boolean => allowed[from].includes(to);

/**
 * Provider statuses (protocol's DeliveryStatus) ranked as a total order: final statuses
 * outrank every intermediate one; among finals, success outranks failure so that a contradictory
 * pair ("undelivered" then "delivered") still ends the same whatever the order. (The
 * protocol's own rank lets the first outcome win, which depends on arrival order.)
 */
export const statusRank: Record<DeliveryStatus, number> = {
  // handed over
  queued: 10,
  deferred: 15, // e-mail: the receiving server said "later"; the provider retries
  sending: 20,
  sent: 30,
  ringing: 40,
  answered: 50,
  // final failures
  canceled: 80,
  failed: 81,
  undelivered: 82,
  'no-answer': 83,
  busy: 84,
  bounced: 85,
  dropped: 86,
  // final successes
  completed: 90,
  delivered: 91,
  read: 92,
};

export const FINAL_RANK = 80;
export const SUCCESS_RANK = 90;
export const rankOf = (status: string): number => statusRank[status as DeliveryStatus] ?? 0;

/**
 * The delivery state a provider status rank means for a row the provider has. A call that
 * was answered (in-progress) counts as delivered before it completes, so escalation does not
 * wait for the hang-up to know the person was reached.
 */
export function stateForRank(rank: number, answered: boolean): DeliveryState {
  if (rank >= SUCCESS_RANK) return 'delivered';
  if (rank >= FINAL_RANK) return answered ? 'delivered' : 'failed';
  if (rank >= statusRank.answered) return 'delivered';
  return 'sent';
}

/** Final for the provider: no further status will change the outcome. */
export const isFinalRank = (rank: number): boolean => rank >= FINAL_RANK;
