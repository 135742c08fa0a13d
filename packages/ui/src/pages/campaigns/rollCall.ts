// The roll-call's three piles — confirmed, not confirmed (yet), not reached — and the
// search over them. Someone reached who has not confirmed stays in the middle pile: that
// is who the operator must follow up. Without confirmation, reaching someone is the goal,
// so "reached" counts as done.
import type { Language } from '../../i18n';
import { providerReasonText } from '../../components/providerReasons';
import type { DeliveryReport, RecipientOutcome, RecipientReport } from '@gdial/protocol';

type DeliveryEvent = DeliveryReport['events'][number];

export type RollCallBucket = 'confirmed' | 'waiting' | 'failed';
export type RollCallFilter = RollCallBucket | 'all';

export function bucketOf(outcome: RecipientOutcome, confirmationEnabled: boolean): RollCallBucket {
  switch (outcome) {
    case 'confirmed':
      return 'confirmed';
    case 'reached':
      return confirmationEnabled ? 'waiting' : 'confirmed';
    case 'pending':
    case 'in-progress':
      return 'waiting';
    case 'unreached':
    case 'opted-out':
    case 'cancelled':
    case 'no-network':
      return 'failed';
    default: {
      const never: never = outcome;
      return never;
    }
  }
}

export function bucketCounts(
  outcomes: Partial<Record<RecipientOutcome, number>>,
  confirmationEnabled: boolean,
): Record<RollCallBucket, number> {
  const counts: Record<RollCallBucket, number> = { confirmed: 0, waiting: 0, failed: 0 };
  for (const [outcome, n] of Object.entries(outcomes) as [RecipientOutcome, number][]) counts[bucketOf(outcome, confirmationEnabled)] += n;
  return counts;
}

const fold = (s: string) =>
  s
    .toLocaleLowerCase('sv-SE')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '');
const digits = (s: string) => s.replace(/\D/g, '');

/**
 * What a person is found by, folded once per person (a roll-call of 10,000 is searched per
 * keystroke), not once per version of their line: a send or a reply gives the line a new
 * object, its name and numbers stay, so the keys are kept by the person's id and made again
 * only when the name or an address differs.
 */
interface SearchKey {
  displayName: string;
  rawAddresses: string[];
  name: string;
  nameWords: string[];
  addressDigits: string[];
  addresses: string[];
}
const searchKeys = new Map<number, SearchKey>();
const sameAddresses = (kept: readonly string[], deliveries: RecipientReport['deliveries']) =>
  kept.length === deliveries.length && deliveries.every((d, i) => d.address === kept[i]);
/** Keys kept at most: past this the cache starts again (another alert's people). */
const KEPT_KEYS = 200_000;
function searchKeyOf(r: RecipientReport): SearchKey {
  const key = searchKeys.get(r.id);
  if (key && key.displayName === r.displayName && sameAddresses(key.rawAddresses, r.deliveries)) return key;
  const name = fold(r.displayName);
  const made: SearchKey = {
    displayName: r.displayName,
    rawAddresses: r.deliveries.map((d) => d.address),
    name,
    nameWords: name.split(/\s+/),
    addressDigits: r.deliveries.map((d) => digits(d.address)),
    addresses: r.deliveries.map((d) => fold(d.address)),
  };
  if (searchKeys.size >= KEPT_KEYS) searchKeys.clear();
  searchKeys.set(r.id, made);
  return made;
}

/**
 * Makes the search keys of everyone not yet keyed, a slice at a time while the page is idle,
 * so the first keystroke after the roll-call is read (or after many lines changed) finds
 * them ready instead of folding 10,000 names in its own frame. Returns a cancel function.
 */
export function prepareSearchKeys(recipients: readonly RecipientReport[], slice = 1000): () => void {
  const idle: (cb: () => void) => number =
    typeof requestIdleCallback === 'function' ? (cb) => requestIdleCallback(cb, { timeout: 1000 }) : (cb) => window.setTimeout(cb, 0);
  const cancelIdle = (h: number) => (typeof cancelIdleCallback === 'function' ? cancelIdleCallback(h) : window.clearTimeout(h));
  let at = 0;
  let handle = 0;
  const step = () => {
    const end = Math.min(recipients.length, at + slice);
    for (; at < end; at++) searchKeyOf(recipients[at]!);
    if (at < recipients.length) handle = idle(step);
  };
  handle = idle(step);
  return () => cancelIdle(handle);
}

/** A search as typed, folded once for the whole roll-call (not once per line). */
interface PreparedQuery {
  words: string[];
  /** The digits to look for in a number (national prefix 0 dropped), or null when too few. */
  national: string | null;
  folded: string;
}

function prepareQuery(query: string): PreparedQuery | null {
  const q = query.trim();
  if (!q) return null;
  const folded = fold(q);
  const qd = digits(q);
  return { words: folded.split(/\s+/), national: qd.length >= 3 ? (qd.startsWith('0') ? qd.slice(1) : qd) : null, folded };
}

function matchesPrepared(r: RecipientReport, q: PreparedQuery): boolean {
  const key = searchKeyOf(r);
  if (q.words.every((w) => key.nameWords.some((n) => n.startsWith(w)) || key.name.includes(w))) return true;
  if (q.national !== null) return key.addressDigits.some((d) => d.includes(q.national!));
  return key.addresses.some((a) => a.includes(q.folded));
}

/** Name words are prefix-matched; digits match anywhere in an address ("0701" finds +46701…). */
export function matchesSearch(r: RecipientReport, query: string): boolean {
  const q = prepareQuery(query);
  return q === null || matchesPrepared(r, q);
}

/**
 * The lines shown for a filter and a search, over the lines the view already holds: the query
 * is folded once, each line's keys once per version of the line, so a keystroke over 10,000
 * people is a loop of string comparisons (about a millisecond), answered in the same frame.
 */
export function filterRollCall(
  recipients: readonly RecipientReport[],
  filter: RollCallFilter,
  query: string,
  confirmationEnabled: boolean,
): readonly RecipientReport[] {
  const q = prepareQuery(query);
  if (q === null && filter === 'all') return recipients;
  return recipients.filter(
    (r) => (filter === 'all' || bucketOf(r.outcome, confirmationEnabled) === filter) && (q === null || matchesPrepared(r, q)),
  );
}

/**
 * The roll-call with the changed lines put in place: a new array (the view redraws), the
 * unchanged lines the same objects (their rows are not redrawn), no sort unless someone new
 * comes before the last (ids only grow, so an escalation wave's people go at the end).
 */
export function mergeChanged(
  list: readonly RecipientReport[],
  place: ReadonlyMap<number, number>,
  changed: readonly RecipientReport[],
): { list: RecipientReport[]; place: ReadonlyMap<number, number> } {
  const out = list.slice();
  let at = place;
  let sorted = true;
  for (const r of changed) {
    const i = at.get(r.id);
    if (i !== undefined) out[i] = r;
    else {
      if (out.length > 0 && out[out.length - 1]!.id > r.id) sorted = false;
      if (at === place) at = new Map(place);
      (at as Map<number, number>).set(r.id, out.length);
      out.push(r);
    }
  }
  if (sorted) return { list: out, place: at };
  out.sort((a, b) => a.id - b.id);
  return { list: out, place: new Map(out.map((r, i) => [r.id, i])) };
}

const phoneChannels = new Set(['voice', 'sms', 'whatsapp']);

/** The person's phone numbers in the alert (E.164, plan order, each once): whom the operator can call. */
export function phoneNumbersOf(r: RecipientReport): string[] {
  const out: string[] = [];
  for (const d of [...r.deliveries].sort((a, b) => a.stepIndex - b.stepIndex || a.id - b.id))
    if (phoneChannels.has(d.channel) && /^\+\d+$/.test(d.address) && !out.includes(d.address)) out.push(d.address);
  return out;
}

/** Deliveries that have gone (or are going) out, in plan order; what the roll-call lists per person. */
export function startedDeliveries(r: RecipientReport): DeliveryReport[] {
  return r.deliveries
    .filter((d) => d.state !== 'waiting' && d.state !== 'skipped')
    .sort((a, b) => a.stepIndex - b.stepIndex || a.id - b.id);
}

const providerSide = new Set(['status', 'dtmf', 'reply', 'opt-out', 'open', 'click', 'burn-opened']);

/**
 * A delivery's history in the order it happened. The hand-over ("sent") is stamped when the
 * provider's answer came back, which can be after the provider's first status callback;
 * nothing on the provider's side can precede the hand-over, so it is moved before them.
 */
export function orderTimeline(events: readonly DeliveryEvent[]): DeliveryEvent[] {
  const sorted = events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => Date.parse(a.e.at) - Date.parse(b.e.at) || a.i - b.i)
    .map((x) => x.e);
  const sentAt = sorted.findIndex((e) => e.kind === 'sent');
  if (sentAt < 0) return sorted;
  const firstProvider = sorted.findIndex((e) => providerSide.has(e.kind));
  if (firstProvider < 0 || firstProvider > sentAt) return sorted;
  const [sent] = sorted.splice(sentAt, 1);
  sorted.splice(firstProvider, 0, sent!);
  return sorted;
}

/**
 * Where one person stands, in the terms an operator acts on. "Not confirmed" is never said
 * of someone who was not sent anything: they are not sent yet, or waiting for the network.
 */
export const personStates = [
  'not-sent-yet',
  'waiting-for-network',
  'sent-no-answer',
  'reached-not-confirmed',
  'confirmed',
  'unreached',
  'not-sent-no-network',
  'stopped',
] as const;
export type PersonState = (typeof personStates)[number];

export function personState(r: RecipientReport, heldChannels: ReadonlySet<string>, confirmationEnabled: boolean): PersonState {
  switch (r.outcome) {
    case 'confirmed':
      return 'confirmed';
    case 'reached':
      return confirmationEnabled ? 'reached-not-confirmed' : 'confirmed';
    case 'unreached':
      return 'unreached';
    case 'no-network':
      return 'not-sent-no-network';
    case 'opted-out':
    case 'cancelled':
      return 'stopped';
    case 'pending':
    case 'in-progress': {
      if (r.deliveries.some((d) => d.sentAt !== null)) return 'sent-no-answer';
      const open = r.deliveries.filter((d) => d.state === 'queued' || d.state === 'sending');
      return open.some((d) => heldChannels.has(d.channel)) ? 'waiting-for-network' : 'not-sent-yet';
    }
    default: {
      const never: never = r.outcome;
      return never;
    }
  }
}

/** Why someone was not reached: the last failed delivery's error, if any. */
export function unreachedReason(r: RecipientReport, language: Language): string | null {
  const failed = r.deliveries.filter((d) => d.state === 'failed' && (d.error || d.errorCode)).at(-1);
  return failed ? providerReasonText(failed.errorCode, failed.error, language) : null;
}

/**
 * How many people are in each state, from the alert's progress: those waiting on a held
 * channel are counted apart from those not sent yet for another reason (their turn has
 * not come), and those sent without an answer apart from both.
 */
export function stateCounts(
  outcomes: Partial<Record<RecipientOutcome, number>>,
  heldWaiting: number,
  confirmationEnabled: boolean,
): Record<PersonState, number> {
  const n = (o: RecipientOutcome) => outcomes[o] ?? 0;
  const notSent = n('pending');
  const waiting = Math.min(heldWaiting, notSent);
  return {
    'not-sent-yet': notSent - waiting,
    'waiting-for-network': waiting,
    'sent-no-answer': n('in-progress'),
    'reached-not-confirmed': confirmationEnabled ? n('reached') : 0,
    confirmed: n('confirmed') + (confirmationEnabled ? 0 : n('reached')),
    unreached: n('unreached'),
    'not-sent-no-network': n('no-network'),
    stopped: n('opted-out') + n('cancelled'),
  };
}

/** When the person first opened an engångsmeddelande of this alert (its link), or null. */
export function openedAt(r: RecipientReport): string | null {
  let first: string | null = null;
  for (const d of r.deliveries) if (d.openedAt && (first === null || d.openedAt < first)) first = d.openedAt;
  return first;
}
