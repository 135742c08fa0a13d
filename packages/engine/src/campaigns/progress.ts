// Live progress of campaigns for the roll-call view: counts per delivery state and per
// recipient outcome, confirmations, throughput and ETA. Changes arrive thousands of times
// a second; the publisher coalesces them to at most 10 updates per second per campaign and
// notices when a running campaign has nothing left to do (completed).
import {
  FINAL_RANK,
  deliveryStates,
  recipientOutcomes,
  type CampaignProgress,
  type Channel,
  type DeliveryState,
  type RecipientOutcome,
} from '@gdial/protocol';
import { campaignRunBy } from '../store/alert-sync';
import { getCampaign, waveDecisions } from '../store/campaigns';
import type { Reader } from '../store/db';
import {
  deliveryStateCounts,
  hasOpenDeliveries,
  carrierCounts,
  possibleDuplicateCount,
  remainingByStep,
  lastSentOfStep,
  type StepRemaining,
} from '../store/deliveries';
import { waitingOnChannel } from '../store/dispatch';
import { outcomeCounts } from '../store/recipients';
import { holdsOfReplica, type ChannelHold } from './holds';
import { wavesProgress } from './waves';

const WINDOW_MS = 10_000;
export const MIN_INTERVAL_MS = 100;

/**
 * Seconds until the plan's remaining work is handed over: step by step, each step's open
 * rows at the measured rate (msgs/s), starting no earlier than its rows are due — a step
 * still waiting starts its wait after the step before it is handed over (`lastSent` of a
 * step with nothing open) — and never before a pending escalation wave is decided. Null
 * when it cannot be known: the path is down (held), or there is work and no rate yet.
 */
export function estimateEta(
  steps: readonly StepRemaining[],
  now: number,
  rate: number,
  held: boolean,
  lastSent: (step: number) => number | null,
  pendingWaveAt: number | null = null,
): number | null {
  if (held) return null;
  let t = now;
  let prev = -1;
  let prevEnd = now;
  for (const s of steps) {
    if (rate <= 0) return null;
    // Steps between the previous open one and this one are handed over: this one waits from their last handover.
    if (s.step > prev + 1) prevEnd = lastSent(s.step - 1) ?? prevEnd;
    let start = Math.max(t, s.due ?? t);
    if (s.waiting > 0) start = Math.max(start, prevEnd + s.waitSeconds * 1000);
    t = start + (s.open / rate) * 1000;
    prevEnd = t;
    prev = s.step;
  }
  if (pendingWaveAt !== null) t = Math.max(t, pendingWaveAt);
  return Math.round((Math.max(0, t - now) / 1000) * 10) / 10;
}

export function readProgress(
  r: Reader,
  campaignId: number,
  rates: { throughput: number; forEta: number },
  unavailable: string[],
  holds: readonly [Channel, ChannelHold][] = [],
  now = Date.now(),
): CampaignProgress | null {
  const c = getCampaign(r, campaignId);
  if (!c) return null;
  const deliveries = Object.fromEntries(deliveryStates.map((k) => [k, 0])) as Record<DeliveryState, number>;
  for (const x of deliveryStateCounts(r, campaignId)) deliveries[x.state] = x.n;
  const outcomes = Object.fromEntries(recipientOutcomes.map((k) => [k, 0])) as Record<RecipientOutcome, number>;
  let recipients = 0;
  for (const x of outcomeCounts(r, campaignId)) {
    outcomes[x.outcome] = x.n;
    recipients += x.n;
  }
  // Väntar på nät: the channels whose path is down that this alert's people wait on. For an
  // alert another desktop runs, that desktop's paths (shared with the alert), not this one's.
  const held = (campaignRunBy(r, campaignId) ? holdsOfReplica(r, campaignId) : holds)
    .map(([channel, h]) => ({
      channel,
      since: new Date(h.since).toISOString(),
      provider: h.provider,
      message: h.message,
      waiting: waitingOnChannel(r, campaignId, channel),
    }))
    .filter((h) => h.waiting > 0);
  const waves = wavesProgress(r, c);
  const pendingWave = waves.find((w) => w.state === 'pending' && w.dueAt !== null);
  return {
    campaignId,
    status: c.status,
    recipients,
    confirmed: outcomes.confirmed,
    outcomes,
    deliveries,
    throughputPerSecond: Math.round(rates.throughput * 10) / 10,
    // While held, nobody can say when the path returns.
    etaSeconds: estimateEta(
      remainingByStep(r, campaignId),
      now,
      rates.forEta,
      held.length > 0,
      (step) => lastSentOfStep(r, campaignId, step),
      pendingWave ? Date.parse(pendingWave.dueAt!) : null,
    ),
    possibleDuplicates: possibleDuplicateCount(r, campaignId),
    carriers: carrierCounts(r, campaignId),
    unavailableProviders: unavailable,
    held,
    waves,
    at: new Date().toISOString(),
  };
}

/** True when a running campaign has nothing in our hands, no recipient is still open and no escalation wave is pending. */
export function isCampaignDone(r: Reader, campaignId: number): boolean {
  const waves = waveDecisions(r, campaignId);
  return (waves === null || waves.decided >= waves.total) && !hasOpenDeliveries(r, campaignId, FINAL_RANK);
}

export interface ProgressPublisherOptions {
  reader: Reader;
  publish: (p: CampaignProgress) => void;
  /** Called (outside any transaction) when a running campaign has finished. */
  onDone: (campaignId: number) => void;
  unavailable: () => string[];
  holds?: () => [Channel, ChannelHold][];
  onError?: (err: unknown) => void;
  clock?: () => number;
}

export class ProgressPublisher {
  private readonly dirty = new Set<number>();
  private readonly lastSent = new Map<number, number>();
  private readonly samples = new Map<number, { at: number; n: number }[]>();
  /** The last rate measured per campaign: between steps nothing is handed over, yet the next step goes at about that rate. */
  private readonly lastRate = new Map<number, number>();
  private timer: NodeJS.Timeout | null = null;
  private readonly clock: () => number;
  /** Adapts to big campaigns: never spend more than a fifth of the time counting. */
  private interval = MIN_INTERVAL_MS;
  private closed = false;

  constructor(private readonly opts: ProgressPublisherOptions) {
    this.clock = opts.clock ?? Date.now;
  }

  markDirty(campaignIds: Iterable<number>, handedOver = 0): void {
    if (this.closed) return;
    const now = this.clock();
    for (const id of campaignIds) {
      this.dirty.add(id);
      if (handedOver > 0) {
        const list = this.samples.get(id) ?? [];
        list.push({ at: now, n: handedOver });
        this.samples.set(id, list);
      }
    }
    if (!this.timer && this.dirty.size) {
      const last = Math.max(0, ...[...this.dirty].map((id) => this.lastSent.get(id) ?? 0));
      const wait = Math.max(0, last + this.interval - now);
      this.timer = setTimeout(() => this.tick(), wait);
    }
  }

  throughput(campaignId: number): number {
    const now = this.clock();
    const list = (this.samples.get(campaignId) ?? []).filter((s) => now - s.at <= WINDOW_MS);
    this.samples.set(campaignId, list);
    if (list.length === 0) return 0;
    const span = Math.max(1000, now - list[0]!.at);
    const rate = (list.reduce((a, s) => a + s.n, 0) / span) * 1000;
    this.lastRate.set(campaignId, rate);
    return rate;
  }

  /** A campaign's progress now, with its measured rate. */
  read(campaignId: number): CampaignProgress | null {
    const throughput = this.throughput(campaignId);
    const forEta = throughput > 0 ? throughput : (this.lastRate.get(campaignId) ?? 0);
    return readProgress(
      this.opts.reader,
      campaignId,
      { throughput, forEta },
      this.opts.unavailable(),
      this.opts.holds?.() ?? [],
      this.clock(),
    );
  }

  private tick(): void {
    this.timer = null;
    if (this.closed) return;
    const ids = [...this.dirty];
    this.dirty.clear();
    const started = this.clock();
    for (const id of ids) {
      try {
        const db = this.opts.reader;
        const p = this.read(id);
        this.lastSent.set(id, this.clock());
        if (!p) continue;
        this.opts.publish(p);
        if ((p.status === 'running' || p.status === 'paused') && isCampaignDone(db, id)) this.opts.onDone(id);
      } catch (err) {
        // Progress is advisory; the next change publishes again.
        this.opts.onError?.(err);
      }
    }
    const spent = this.clock() - started;
    // Counting a huge campaign takes a while: never spend more than a twenty-fifth of the time on it.
    this.interval = Math.max(MIN_INTERVAL_MS, spent * 25);
    if (this.dirty.size) this.timer = setTimeout(() => this.tick(), this.interval);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
