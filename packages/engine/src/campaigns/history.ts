// An alert's progress history: how many of its people were reached, confirmed, unreached
// and held (Väntar på nät) at each instant since it started. It is computed on read from
// the delivery events, the hand-over times and the recipients' outcomes — facts that are
// written once, synced to every desktop and survive a restart — so there is nothing to keep
// in step: a replica, a restarted engine and the live view all derive the same curve. The
// price is a read of the alert's events each time: `npm run bench -- report-pdf` prints it
// (about half a second at 10,000 recipients on a heavily loaded two-core machine, a third of
// it here in JavaScript), and the live view reads it at most every two seconds and never
// more often than ten times its duration.
import {
  deliveryStateForRank,
  parseEventDetail,
  parseStatusDetail,
  rankOf,
  type CampaignHistory,
  type HistoryPoint,
} from '@gdial/protocol';
import type { Reader } from '../store/db';
import { historyFacts, type HistoryFacts } from '../store/history';

/** When one person got where: epoch ms, null when never. */
export interface RecipientTimes {
  recipientId: number;
  /** The first hand-over to a provider. */
  firstSentAt: number | null;
  reachedAt: number | null;
  confirmedAt: number | null;
  unreachedAt: number | null;
  /** Spans [from, to) with a delivery waiting for a path that is down; `to` null while still waiting. */
  held: [number, number | null][];
}

const MAX_POINTS = 120;
const NICE_STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21_600, 43_200, 86_400];

/** What an event says about its person: the message got to them, they confirmed, or (retry) their path is down. */
function meaningOf(kind: string, detail: string | null): 'reached' | 'confirmed' | 'held' | 'other' {
  switch (kind) {
    case 'status': {
      const s = detail === null ? null : parseStatusDetail(detail);
      if (!s) return 'other';
      return deliveryStateForRank(rankOf(s.status), s.answeredBy !== null) === 'delivered' ? 'reached' : 'other';
    }
    case 'dtmf':
    case 'reply': {
      const d = detail === null ? null : parseEventDetail(detail);
      return d && (d.kind === 'pressed' || d.kind === 'replied') && d.confirmed ? 'confirmed' : 'other';
    }
    // A send that failed on the path (not the person) waits to go again: held until the next word on that delivery.
    case 'retry':
      return 'held';
    default:
      return 'other';
  }
}

interface Mark {
  delivery: number;
  at: number;
  meaning: ReturnType<typeof meaningOf> | 'sent';
  /** Orders marks at the same instant the same way however the rows were stored. */
  tie: string;
}

const byTime = (a: Mark, b: Mark) => a.delivery - b.delivery || a.at - b.at || (a.tie < b.tie ? -1 : a.tie > b.tie ? 1 : 0);

/** Each person's times, from the facts in any order. */
export function recipientTimes(facts: HistoryFacts): Map<number, RecipientTimes> {
  const marks = new Map<number, Mark[]>();
  const add = (recipient: number, m: Mark) => {
    const list = marks.get(recipient);
    if (list) list.push(m);
    else marks.set(recipient, [m]);
  };
  for (const e of facts.events)
    add(e.recipient_id, {
      delivery: e.delivery_id,
      at: e.at,
      meaning: meaningOf(e.kind, e.detail),
      tie: `${e.kind}\u0000${e.detail ?? ''}`,
    });
  for (const s of facts.sends) add(s.recipient_id, { delivery: s.delivery_id, at: s.sent_at, meaning: 'sent', tie: 'sent' });

  const out = new Map<number, RecipientTimes>();
  for (const rec of facts.recipients) {
    const list = (marks.get(rec.id) ?? []).sort(byTime);
    const t: RecipientTimes = { recipientId: rec.id, firstSentAt: null, reachedAt: null, confirmedAt: null, unreachedAt: null, held: [] };
    const min = (a: number | null, b: number) => (a === null ? b : Math.min(a, b));
    let last: number | null = null;
    let open: { delivery: number; from: number } | null = null;
    const spans: [number, number | null][] = [];
    for (const m of list) {
      last = last === null ? m.at : Math.max(last, m.at);
      if (open && open.delivery !== m.delivery) {
        spans.push([open.from, null]);
        open = null;
      }
      if (m.meaning === 'held') {
        open ??= { delivery: m.delivery, from: m.at };
        continue;
      }
      if (open) {
        spans.push([open.from, m.at]);
        open = null;
      }
      if (m.meaning === 'sent') t.firstSentAt = min(t.firstSentAt, m.at);
      else if (m.meaning === 'reached') t.reachedAt = min(t.reachedAt, m.at);
      else if (m.meaning === 'confirmed') {
        t.confirmedAt = min(t.confirmedAt, m.at);
        t.reachedAt = min(t.reachedAt, m.at);
      }
    }
    if (open) spans.push([open.from, null]);
    t.held = mergeSpans(spans);
    // Whether nobody got to them is the recipient's settled outcome; when is their last word.
    if ((rec.outcome === 'unreached' || rec.outcome === 'no-network') && t.reachedAt === null) t.unreachedAt = last ?? 0;
    out.set(rec.id, t);
  }
  return out;
}

/** Overlapping spans of one person's deliveries count once. */
function mergeSpans(spans: [number, number | null][]): [number, number | null][] {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  const out: [number, number | null][] = [];
  for (const s of sorted) {
    const prev = out.at(-1);
    if (prev && (prev[1] === null || prev[1] >= s[0])) {
      prev[1] = prev[1] === null || s[1] === null ? null : Math.max(prev[1], s[1]);
    } else out.push([s[0], s[1]]);
  }
  return out;
}

/** The bucket width that keeps the curve within MAX_POINTS points over this span. */
export function stepFor(spanMs: number): number {
  const want = spanMs / 1000 / MAX_POINTS;
  return NICE_STEPS_S.find((s) => s >= want) ?? Math.ceil(want / 86_400) * 86_400;
}

/**
 * The curve: at 0, step, 2·step … seconds after the start, how many stood where. `until` is
 * the end of the span (the alert's end, or now while it runs); the last event extends it.
 */
export function buildHistory(campaignId: number, facts: HistoryFacts, startedAt: number | null, until: number): CampaignHistory {
  const times = recipientTimes(facts);
  const recipients = facts.recipients.length;
  if (startedAt === null) return { campaignId, startedAt: null, recipients, stepSeconds: 1, points: [] };
  let end = Math.max(until, startedAt);
  for (const t of times.values()) for (const v of [t.reachedAt, t.confirmedAt, t.unreachedAt]) if (v !== null) end = Math.max(end, v);
  const stepS = stepFor(end - startedAt);
  const stepMs = stepS * 1000;
  const n = Math.ceil((end - startedAt) / stepMs) + 1;
  // The first point at or after an instant: what happened by that point counts there.
  const index = (at: number) => Math.max(0, Math.ceil((at - startedAt) / stepMs));
  const diff = {
    reached: new Array<number>(n + 1).fill(0),
    confirmed: new Array<number>(n + 1).fill(0),
    unreached: new Array<number>(n + 1).fill(0),
    held: new Array<number>(n + 1).fill(0),
  };
  const mark = (k: keyof typeof diff, at: number | null) => {
    if (at !== null) diff[k][Math.min(n, index(at))]! += 1;
  };
  for (const t of times.values()) {
    mark('reached', t.reachedAt);
    mark('confirmed', t.confirmedAt);
    mark('unreached', t.unreachedAt);
    for (const [from, to] of t.held) {
      const a = index(from);
      // Held at a point when the span covers it: from ≤ point < to.
      const b = to === null ? n : index(to);
      if (b > a) {
        diff.held[Math.min(n, a)]! += 1;
        diff.held[Math.min(n, b)]! -= 1;
      }
    }
  }
  const points: HistoryPoint[] = [];
  const run = { reached: 0, confirmed: 0, unreached: 0, held: 0 };
  for (let i = 0; i < n; i++) {
    for (const k of Object.keys(run) as (keyof typeof run)[]) run[k] += diff[k][i]!;
    points.push({ second: i * stepS, ...run });
  }
  return { campaignId, startedAt: new Date(startedAt).toISOString(), recipients, stepSeconds: stepS, points };
}

/** The history of an alert as this desktop's store holds it; `now` ends the span while it has not finished. */
export function readHistory(
  r: Reader,
  c: { id: number; startedAt: string | null; finishedAt: string | null },
  now: number,
): CampaignHistory {
  const started = c.startedAt === null ? null : Date.parse(c.startedAt);
  const until = c.finishedAt === null ? now : Date.parse(c.finishedAt);
  return buildHistory(c.id, historyFacts(r, c.id), started, until);
}
