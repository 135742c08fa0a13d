// Turns the engine's progress events into the points of the live chart: share of
// recipients reached and share confirmed, over time. Events arrive up to ten a second per
// campaign; the history keeps at most one point per second and a bounded number of points
// so a long alert does not grow the page's memory without end.
import type { CampaignProgress } from '@gdial/protocol';

export interface ProgressPoint {
  /** Milliseconds since the epoch. */
  at: number;
  /** 0–100. */
  reachedPct: number;
  confirmedPct: number;
}

export const MAX_POINTS = 1800;

/** Recipients the message got to: everyone confirmed plus everyone reached but not (yet) confirmed. */
export function reachedCount(p: Pick<CampaignProgress, 'outcomes'>): number {
  return (p.outcomes.confirmed ?? 0) + (p.outcomes.reached ?? 0);
}

export function toPoint(p: CampaignProgress): ProgressPoint {
  const total = p.recipients;
  const pct = (n: number) => (total === 0 ? 0 : Math.min(100, (n / total) * 100));
  return { at: Date.parse(p.at), reachedPct: pct(reachedCount(p)), confirmedPct: pct(p.confirmed) };
}

/** Adds a progress event; within the same wall-clock second it replaces that second's point. */
export function appendPoint(history: readonly ProgressPoint[], p: CampaignProgress): ProgressPoint[] {
  const point = toPoint(p);
  if (!Number.isFinite(point.at)) return [...history];
  const last = history[history.length - 1];
  if (last && point.at < last.at) return [...history]; // a late, coalesced event: the chart only moves forward
  const next = last && Math.floor(point.at / 1000) === Math.floor(last.at / 1000) ? [...history.slice(0, -1), point] : [...history, point];
  return next.length > MAX_POINTS ? next.slice(next.length - MAX_POINTS) : next;
}
