// The alert's progress curve as the engine derives it from the delivery events
// (campaigns.history): the same on every desktop and after a restart. The hook reads it when
// the view opens and again while progress keeps arriving — at most every two seconds, and
// never more often than ten times its last reading's duration (at 10,000 recipients a
// reading takes tens of milliseconds, more on a busy machine: the engine must keep sending),
// and at once when the alert ends so the curve's last point matches the final counts.
import { useEffect, useRef, useState } from 'react';
import type { CampaignHistory, CampaignProgress } from '@gdial/protocol';
import { useEvent, useRpc } from '../rpc/react';

const REFRESH_MS = 2000;
const MAX_SHARE = 10;

/** Recipients the message got to: everyone confirmed plus everyone reached but not (yet) confirmed. */
export function reachedCount(p: Pick<CampaignProgress, 'outcomes'>): number {
  return (p.outcomes.confirmed ?? 0) + (p.outcomes.reached ?? 0);
}

/** One row of the chart: the point's clock time and its counts under the series' keys. */
export interface ChartRow {
  time: string;
  reached: number;
  confirmed: number;
  unreached: number;
  held: number;
}

export function chartRows(h: CampaignHistory, locale: string): ChartRow[] {
  if (h.startedAt === null) return [];
  const start = Date.parse(h.startedAt);
  const clock = new Intl.DateTimeFormat(locale, {
    hour: '2-digit',
    minute: '2-digit',
    ...(h.stepSeconds < 60 ? { second: '2-digit' as const } : {}),
    ...(h.points.length > 0 && h.points.at(-1)!.second > 86_400 ? { day: 'numeric' as const, month: 'short' as const } : {}),
  });
  return h.points.map((p) => ({
    time: clock.format(start + p.second * 1000),
    reached: p.reached,
    confirmed: p.confirmed,
    unreached: p.unreached,
    held: p.held,
  }));
}

export function useCampaignHistory(id: number): { history: CampaignHistory | undefined; reload: () => void } {
  const rpc = useRpc();
  const [history, setHistory] = useState<CampaignHistory>();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [tick, setTick] = useState(0);
  const lastMs = useRef(0);
  useEffect(() => {
    let live = true;
    const started = performance.now();
    rpc.call('campaigns.history', { id }).then(
      (h) => {
        lastMs.current = performance.now() - started;
        if (live) setHistory(h);
      },
      // The curve is an addition to the live view; its counts above stay right without it.
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [rpc, id, tick]);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  const reload = () => setTick((t) => t + 1);
  useEvent('campaigns.progress', (p) => {
    if (p.campaignId !== id) return;
    if (p.status === 'completed' || p.status === 'cancelled') {
      reload();
      return;
    }
    timer.current ??= setTimeout(
      () => {
        timer.current = null;
        reload();
      },
      Math.max(REFRESH_MS, MAX_SHARE * lastMs.current),
    );
  });
  return { history, reload };
}
