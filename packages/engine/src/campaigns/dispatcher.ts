// The outbox dispatcher: claims due delivery rows (alerts first), hands them to the
// channel senders within per-sender rate limits, a global concurrency cap and a circuit
// breaker per provider, and writes every result back. A row is written as `sending` in
// the claim transaction before its provider call and as `sent`/`queued`/`failed` after
// it, so a crash at any instant leaves rows whose fate is known or marked in flight; on
// start those are reconciled with the provider by our delivery token (`reconcile`).
// The hot path batches: one transaction claims many rows, one transaction writes many
// results, which is what lets a laptop hand over thousands of messages per second.
// This file is the pump and the provider calls; claiming (claiming.ts), result writing
// (results.ts) and reconciliation (reconcile.ts) are its three parts.
import type { BurnOption, Channel, ProviderEvent } from '@gdial/protocol';
import { channels as allChannels, burnOptionSchema, confirmationSchema } from '@gdial/protocol';
import type { CallbackPublisher } from '../callbacks/publisher';
import { burnChannels, burnMessage, BurnUnavailableError, BURN_UNAVAILABLE, type BurnPublisher } from '../burn/outgoing';
import type { Logger } from '../log';
import { campaignStatusAndSettings } from '../store/campaigns';
import type { Store } from '../store/db';
import { nextDueAt, retriesDueNow, type ClaimRow, type InFlightRow } from '../store/dispatch';
import {
  CircuitBreaker,
  defaultBackoff,
  defaultBreaker,
  HELD_PROBE_MS,
  TokenBucket,
  type BackoffPolicy,
  type BreakerPolicy,
} from './flow-control';
import { sendError } from '../providers/types';
import { AUDIO_UNAVAILABLE, AudioUnavailableError } from './call-flows';
import { claimRows, fallThrough } from './claiming';
import { chainOf, senderOf, type CallFlowHost, type ChannelSender, type ChannelSenders, type SendResult } from './ports';
import { hurryRetries } from './failover';
import { ChannelHolds, type ChannelHold } from './holds';
import { giveUpWaiting } from './giving-up';
import { Reconciler } from './reconcile';
import { writeResults, type InFlight, type ResultContext, type WriteEffects } from './results';
import { whatsAppTemplateOf } from './whatsapp-window';

export interface RateLimit {
  perSecond: number;
  burst: number;
}

/** Twilio's defaults: 10 messages/s per sender outside North America, 1 call/s per account. */
export const defaultRateLimits: Record<Channel, RateLimit> = {
  sms: { perSecond: 10, burst: 10 },
  whatsapp: { perSecond: 80, burst: 80 },
  voice: { perSecond: 1, burst: 1 },
  email: { perSecond: 100, burst: 100 },
  telegram: { perSecond: 30, burst: 30 },
};

/** What the dispatcher keeps of a running campaign's settings. */
interface CampaignInfo {
  confirmation: ReturnType<typeof confirmationSchema.parse>;
  steps: number;
  burn: BurnOption | null;
}

export interface DispatcherOptions {
  store: Store;
  senders: ChannelSenders;
  flows: CallFlowHost | null;
  /** Where burn messages' ciphertexts are stored (the relay); absent: an alert with one cannot send it. */
  burn?: BurnPublisher | null;
  /** Told the latest alert each phone number was sent, for people who call back (callbacks/publisher.ts). */
  callbacks?: CallbackPublisher | null;
  logger: Logger;
  /** Provider calls in flight at once, across all channels. */
  concurrency?: number;
  rateLimits?: Partial<Record<Channel, RateLimit>>;
  /** Per provider and channel (a sender's messages/s, calls/s), over `rateLimits`: "elks" → { sms: … }. */
  providerRateLimits?: Record<string, Partial<Record<Channel, RateLimit>> | undefined>;
  backoff?: BackoffPolicy;
  breaker?: BreakerPolicy;
  /** Rows claimed per transaction at most. */
  claimBatch?: number;
  /** Results written per transaction at most. */
  flushBatch?: number;
  clock?: () => number;
  /** A channel's path went down (held) or came back (released). */
  onHold?: (channel: Channel, hold: ChannelHold | null) => void;
  /** Told which campaigns changed and how many rows were handed over (for progress). */
  onActivity?: (campaignIds: Set<number>, handedOver: number) => void;
  /** Every provider call's answer, as it comes back (health alerts count each provider's failures). */
  onSendResult?: (provider: string, outcome: SendResult) => void;
  /** A circuit opened or closed. */
  onCircuit?: (provider: string, state: string) => void;
  /** A channel's first provider failed and the next one carries on (`to`), or the first is back (`to` = it). */
  onFailover?: (channel: Channel, from: string, to: string) => void;
  /** Statuses polled from providers for deliveries whose callbacks never came (applied like callbacks). */
  onPolledEvents?: (events: ProviderEvent[]) => void;
  /** How long a handed-over delivery may wait for its final status before the provider is asked. */
  staleAfterMs?: number;
}

/**
 * A cycle (write the results back, claim more) runs when this fraction of the concurrency is
 * free: each commit costs far more than a row (the WAL append, the pages of every index the
 * rows touch), so rows per transaction decide the store's cost per message, while the calls
 * still in flight (three quarters) keep the provider busy meanwhile.
 */
const CYCLE_FRACTION = 4;

/** The longest results wait for a cycle while the calls still in flight do not come back. */
const RESULT_WAIT_MS = 20;

/** Rows of a paused campaign are moved to priority + PAUSED_BAND so claims never reach them. */
export const PAUSED_BAND = 10;

export class Dispatcher {
  private readonly log: Logger;
  private readonly concurrency: number;
  private readonly claimBatch: number;
  private readonly flushBatch: number;
  private readonly clock: () => number;
  private readonly backoff: BackoffPolicy;
  /** Per channel and provider ("sms|twilio"): each sender has its own throughput. */
  private readonly buckets = new Map<string, TokenBucket>();
  /** Providers whose circuit opened since the last cycle: their waiting retries go to the next provider now. */
  private readonly justOpened = new Set<string>();
  /** The provider each channel went out through last, to tell when it changes. */
  private readonly carrier = new Map<Channel, string>();
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly results: InFlight[] = [];
  private readonly inflightPromises = new Set<Promise<void>>();
  private inflight = 0;
  /** Rows this process has claimed and not yet written back. */
  private readonly inflightRowIds = new Set<number>();
  private running = false;
  private pumping = false;
  private pumpAgain = false;
  private timer: NodeJS.Timeout | null = null;
  private flushScheduled = false;
  /** Results wait for a cycle (see pumpOnce): the timer that writes them anyway, and that it fired. */
  private resultTimer: NodeJS.Timeout | null = null;
  private resultsDue = false;
  private lastOpenSweep = 0;
  private readonly flowUrls = new Map<string, Promise<(token: string) => string>>();
  private readonly campaigns = new Map<number, CampaignInfo>();
  private readonly hangUps: { sender: ChannelSender; providerId: string }[] = [];
  private sweepTimer: NodeJS.Timeout | null = null;
  private readonly staleAfterMs: number;
  private readonly reconciler: Reconciler;
  /** Väntar på nät: channels whose path is down. */
  readonly holds = new ChannelHolds();
  private lastGiveUpSweep = 0;
  private readonly resultContext: ResultContext;

  constructor(private readonly opts: DispatcherOptions) {
    this.log = opts.logger.child({ module: 'dispatcher' });
    this.concurrency = opts.concurrency ?? 64;
    this.claimBatch = opts.claimBatch ?? 256;
    this.flushBatch = opts.flushBatch ?? 512;
    this.clock = opts.clock ?? Date.now;
    this.backoff = opts.backoff ?? defaultBackoff;
    this.staleAfterMs = opts.staleAfterMs ?? 15 * 60_000;
    this.reconciler = new Reconciler({
      store: opts.store,
      senders: opts.senders,
      logger: this.log,
      clock: this.clock,
      inFlightHere: this.inflightRowIds,
      carrier: (channel) => this.activeProvider(channel),
      onActivity: opts.onActivity,
      onPolledEvents: opts.onPolledEvents,
      staleAfterMs: this.staleAfterMs,
      hold: (tx, channel, provider, message, now) => this.resultContext.hold(tx, channel, provider, message, now),
      release: (tx, channel, now) => {
        const carrier = this.activeProvider(channel);
        if (carrier !== null && this.breakerFor(carrier).state === 'closed') this.resultContext.release(tx, channel, now);
      },
      isHeld: (channel) => this.holds.get(channel) !== undefined,
    });
    this.resultContext = {
      log: this.log,
      backoff: this.backoff,
      breakerFor: (provider) => this.breakerFor(provider),
      bucket: (channel, provider) => this.bucketFor(channel, provider),
      stepsOf: (campaignId) => this.stepsOf(campaignId),
      voiceSender: (provider) => senderOf(this.opts.senders, 'voice', provider),
      hold: (tx, channel, provider, message, now) => {
        if (!this.holds.hold(tx, channel, { since: now, provider, message })) return;
        this.log.warn({ channel, provider, message }, 'the path of a channel is down: its deliveries wait for it (Väntar på nät)');
        this.opts.onHold?.(channel, this.holds.get(channel) ?? null);
      },
      release: (tx, channel, now) => {
        if (!this.holds.release(tx, channel)) return;
        const due = retriesDueNow(tx, channel, now);
        this.log.info({ channel, due }, 'the path of a channel is back: its deliveries go out again');
        this.opts.onHold?.(channel, null);
      },
    };
  }

  // ── lifecycle ─────────────────────────────────────────────────────────────────────────

  /** Reconciles rows a previous run left in flight, then starts dispatching. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.reconciler.resume();
    // Channels held when the engine stopped stay held: the first send through each of their providers is a probe.
    for (const [channel] of Object.entries(this.holds.load(this.opts.store.read)) as [Channel, ChannelHold][]) {
      for (const sender of chainOf(this.opts.senders, channel)) this.breakerFor(sender.provider).trip();
    }
    await this.reconcile();
    this.wake();
    this.sweepTimer = setInterval(() => void this.pollStale(), Math.min(60_000, this.staleAfterMs));
    this.sweepTimer.unref?.();
  }

  /** Asks providers about deliveries whose final status never came (see Reconciler.pollStale). */
  pollStale(): Promise<number> {
    return this.reconciler.pollStale();
  }

  /** Stops claiming, lets the calls in flight finish (bounded) and writes their results. */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.running = false;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.resultTimer) clearTimeout(this.resultTimer);
    this.resultTimer = null;
    const all = Promise.allSettled([...this.inflightPromises]);
    await Promise.race([all, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    this.reconciler.stop();
    this.flush();
  }

  /** Something became due (a campaign started, an event scheduled a step): look now. */
  wake(): void {
    if (!this.running) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.pump();
  }

  get inFlight(): number {
    return this.inflight;
  }

  breakerFor(provider: string): CircuitBreaker {
    let b = this.breakers.get(provider);
    if (!b) {
      b = new CircuitBreaker(provider, this.opts.breaker ?? defaultBreaker, this.clock, (state) => {
        this.log.warn({ provider, state }, 'circuit breaker changed');
        if (state === 'open') this.justOpened.add(provider);
        this.opts.onCircuit?.(provider, state);
      });
      this.breakers.set(provider, b);
    }
    return b;
  }

  /**
   * Providers or relay were reconfigured: call-flow URLs registered with the old relay are
   * forgotten (calls must fetch their flow, and post key presses, where statuses now come
   * from), and every provider gets a closed circuit, as failures of old credentials say
   * nothing about new ones.
   */
  providersChanged(): void {
    this.flowUrls.clear();
    for (const b of this.breakers.values()) b.success();
  }

  /** Providers whose circuit is open now. */
  unavailableProviders(): string[] {
    return [...this.breakers.values()].filter((b) => b.state !== 'closed').map((b) => b.provider);
  }

  setRate(channel: Channel, perSecond: number): void {
    for (const [key, bucket] of this.buckets) if (key.startsWith(`${channel}|`)) bucket.setRate(perSecond);
  }

  /** Each provider's sender throughput from the settings (messages/s, calls/s), from now on. */
  setProviderRates(rates: Record<string, Partial<Record<Channel, RateLimit>> | undefined>): void {
    this.opts.providerRateLimits = rates;
    this.buckets.clear();
  }

  /** The token bucket of one provider on one channel (its sender's throughput). */
  private bucketFor(channel: Channel, provider: string): TokenBucket {
    const key = `${channel}|${provider}`;
    let b = this.buckets.get(key);
    if (!b) {
      const rl = this.opts.providerRateLimits?.[provider]?.[channel] ?? this.opts.rateLimits?.[channel] ?? defaultRateLimits[channel];
      b = new TokenBucket(rl.perSecond, rl.burst, this.clock);
      this.buckets.set(key, b);
    }
    return b;
  }

  /** The provider that would carry a channel now: the first in failover order whose circuit lets anything through. */
  activeProvider(channel: Channel): string | null {
    return chainOf(this.opts.senders, channel).find((s) => !this.breakerFor(s.provider).isOpen)?.provider ?? null;
  }

  // ── the pump ──────────────────────────────────────────────────────────────────────────

  private pump(): void {
    if (!this.running) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        this.pumpOnce();
      } while (this.pumpAgain && this.running);
    } catch (err) {
      this.log.error({ err }, 'dispatcher pump failed; retrying shortly');
      this.arm(500);
    } finally {
      this.pumping = false;
    }
  }

  /**
   * One cycle of the outbox, in one transaction: write the results that came back since
   * the last cycle and claim the next rows for every channel with free capacity. Each
   * commit costs far more than a row, so the cycle waits until it has a worthwhile batch
   * (or the dispatcher would otherwise sit idle).
   */
  private pumpOnce(): void {
    const now = this.clock();
    let waitMs = 1000;
    const threshold = Math.max(1, Math.floor(this.concurrency / CYCLE_FRACTION));
    const due = this.resultsDue;
    this.resultsDue = false;
    const claimNow = due || this.concurrency - this.inflight >= threshold || this.inflight < threshold;
    // Too few slots free to claim: the results that came back wait for the cycle that claims.
    // Their rows stay `sending` in the store until then (a crash meanwhile reconciles them by
    // token, as for any row in flight) and nothing is reported before they are written. More
    // calls are in flight (at least `threshold`), so a later result usually runs that cycle;
    // calls that hang do not hold the others' results longer than RESULT_WAIT_MS.
    if (!claimNow) {
      if (this.results.length > 0 && !this.resultTimer)
        this.resultTimer = setTimeout(() => {
          this.resultTimer = null;
          this.resultsDue = true;
          this.pump();
        }, RESULT_WAIT_MS);
      return;
    }
    if (this.resultTimer) clearTimeout(this.resultTimer);
    this.resultTimer = null;
    const openCircuits: { channel: Channel; provider: string }[] = [];
    const launches: { sender: ChannelSender; rows: ClaimRow[] }[] = [];
    const batch = this.results.splice(0, this.results.length);
    const touched = new Set<number>();
    let effects: WriteEffects | null = null;
    const lookUps = { count: 0 };
    try {
      effects = this.opts.store.transaction((tx) => {
        for (const r of batch) this.inflightRowIds.delete(r.row.id);
        const eff = batch.length ? writeResults(tx, this.resultContext, batch, now, touched) : null;
        let free = this.concurrency - this.inflight;
        for (const channel of allChannels) {
          if (free <= 0) break;
          const chain = chainOf(this.opts.senders, channel);
          if (chain.length === 0) continue;
          // Held: no provider of the channel can be reached, so each is probed at least every few seconds.
          if (this.holds.get(channel)) for (const sender of chain) this.breakerFor(sender.provider).capRest(HELD_PROBE_MS);
          // In failover order: a provider whose circuit is open is passed over; a half-open
          // one gets its probe and the next provider carries the rest meanwhile.
          let usable = false;
          for (const sender of chain) {
            if (free <= 0) break;
            const breaker = this.breakerFor(sender.provider);
            if (breaker.isOpen) {
              waitMs = Math.min(waitMs, breaker.msUntilProbe() + 1);
              continue;
            }
            usable = true;
            const bucket = this.bucketFor(channel, sender.provider);
            const tokens = bucket.take(Math.min(free, this.claimBatch));
            if (tokens === 0) {
              waitMs = Math.min(waitMs, Math.max(1, bucket.msUntilToken()));
              // At its own throughput limit but not failing: the channel waits for it. The next
              // provider is for a failing path, not extra throughput (other sender number, other price).
              if (breaker.state === 'closed') break;
              continue;
            }
            const allowed = breaker.allowance(tokens);
            if (allowed < tokens) bucket.giveBack(tokens - allowed);
            if (allowed === 0) continue;
            const rows = claimRows(tx, channel, allowed, now, touched, lookUps);
            if (rows.length < allowed) {
              bucket.giveBack(allowed - rows.length);
              if (rows.length === 0) breaker.unusedAllowance();
            }
            if (rows.length === allowed) waitMs = Math.min(waitMs, bucket.msUntilToken() || 1);
            if (rows.length) launches.push({ sender, rows });
            free -= rows.length;
            // A closed circuit takes all it can; only a probing one leaves the rest to the next provider.
            if (breaker.state === 'closed') break;
          }
          // Unusable means every provider is resting, not that all capacity was taken before one was looked at.
          if (!usable && chain.every((x) => this.breakerFor(x.provider).isOpen)) {
            const providers = chain.map((s) => s.provider).join(', ');
            openCircuits.push({ channel, provider: providers });
            // No provider of the channel can be reached: its due deliveries wait for the path (Väntar på nät).
            const due = nextDueAt(tx, channel);
            if (due !== null && due <= now) this.resultContext.hold(tx, channel, providers, 'provider unavailable (circuit open)', now);
          }
        }
        return eff;
      });
    } catch (err) {
      // Nothing was written: results stay `sending` rows and are reconciled like after a crash; claims never happened.
      this.log.error({ err, rows: batch.length }, 'could not write send results; reconciling them');
      launches.length = 0;
      void this.reconcile();
    }
    if (effects) for (const c of effects.cancelledCalls) void this.hangUp(c.sender, c.providerId);
    // Rows in flight whose provider could not be asked go out through the next one now (flagged).
    const failedOver = this.justOpened.size > 0 && this.failOver(now, touched) && this.reconciler.rowsWaiting > 0;
    if (touched.size || effects?.handedOver) this.opts.onActivity?.(touched, effects?.handedOver ?? 0);
    for (const l of launches) {
      if (this.carrier.get(l.rows[0]!.channel) !== l.sender.provider) this.carried(l.rows[0]!.channel, l.sender.provider);
      for (const row of l.rows) this.launch(row, l.sender);
    }
    // After the launches (their rows are in flight here, not to be looked up): rows to look
    // up (a result that asked for it, or rows a take-over marked) go to the reconciler.
    if (effects?.lookUp || lookUps.count > 0 || failedOver) void this.reconcile();
    for (const o of openCircuits) this.fallThroughOpenCircuit(o.channel, o.provider, now);
    if (this.holds.all().length > 0 && now - this.lastGiveUpSweep >= 1000) {
      this.lastGiveUpSweep = now;
      const touched = giveUpWaiting(this.opts.store, this.holds, now, this.reconciler.waitingRows());
      if (touched.size) this.opts.onActivity?.(touched, 0);
    }
    for (const channel of allChannels) {
      if (!this.opts.senders.get(channel)) continue;
      const next = nextDueAt(this.opts.store.read, channel);
      if (next !== null) waitMs = Math.min(waitMs, Math.max(1, next - now));
    }
    this.arm(waitMs);
  }

  /**
   * A provider's circuit opened: on every channel where a later provider can carry on, the
   * deliveries waiting to retry after its failures are due now, for the next provider,
   * instead of after their backoff; each gets a timeline entry saying so.
   */
  private failOver(now: number, touched: Set<number>): boolean {
    const opened = [...this.justOpened];
    this.justOpened.clear();
    let any = false;
    for (const channel of allChannels) {
      const chain = chainOf(this.opts.senders, channel);
      if (!chain.some((s) => opened.includes(s.provider))) continue;
      const next = this.activeProvider(channel);
      if (!next) continue;
      const from = opened.filter((p) => chain.some((s) => s.provider === p)).join(', ');
      const hurried = this.opts.store.transaction((tx) => hurryRetries(tx, channel, now, from, next));
      for (const id of hurried) touched.add(id);
      this.log.warn({ channel, from, to: next, campaigns: hurried.size }, 'provider failed over');
      any = true;
    }
    return any;
  }

  /** Which provider carries a channel changed (failover, or the first one is back). */
  private carried(channel: Channel, provider: string): void {
    const before = this.carrier.get(channel);
    this.carrier.set(channel, provider);
    if (before === undefined) return;
    this.log.warn({ channel, from: before, to: provider }, 'channel now carried by another provider');
    this.opts.onFailover?.(channel, before, provider);
  }

  private arm(ms: number): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pump();
    }, ms);
  }

  private launch(row: ClaimRow, sender: ChannelSender): void {
    this.inflight++;
    this.inflightRowIds.add(row.id);
    const startedAt = this.clock();
    const p = this.send(row, sender)
      .catch((err: unknown): SendResult => ({ ok: false, error: sendError('transient', `sender threw: ${(err as Error).message}`) }))
      .then((outcome) => {
        this.inflight--;
        this.opts.onSendResult?.(sender.provider, outcome);
        this.results.push({ row, provider: sender.provider, outcome, startedAt });
        this.scheduleFlush();
      });
    this.inflightPromises.add(p);
    void p.finally(() => this.inflightPromises.delete(p));
  }

  private async send(row: ClaimRow, sender: ChannelSender): Promise<SendResult> {
    let callFlowUrl: string | null = null;
    if (row.channel === 'voice') {
      let urlFor: ((token: string) => string) | null;
      try {
        urlFor = await this.flowFor(row);
      } catch (err) {
        // The audio is not here and cannot be fetched now: no call is placed, the step waits for it.
        if (err instanceof AudioUnavailableError)
          return { ok: false, error: sendError('transient', err.message, { code: AUDIO_UNAVAILABLE }) };
        throw err;
      }
      if (!urlFor) return { ok: false, error: sendError('permanent', 'No call-flow host is configured, so a call cannot be placed') };
      callFlowUrl = urlFor(row.token);
    }
    const whatsAppTemplate = row.channel === 'whatsapp' ? whatsAppTemplateOf(row, this.clock()) : null;
    let message = { body: row.body, html: row.html };
    const burn = this.campaignInfo(row.campaign_id).burn;
    if (burn && row.body && burnChannels.includes(row.channel)) {
      // Engångsmeddelande: the person gets a link to the text, never the text (burn/outgoing.ts).
      if (whatsAppTemplate)
        return {
          ok: false,
          error: sendError('permanent', 'Ett engångsmeddelande kan inte skickas som WhatsApp-mall (utanför 24-timmarsfönstret)'),
        };
      if (!this.opts.burn) return { ok: false, error: sendError('permanent', 'Engångsmeddelanden kräver en relä') };
      try {
        message = await burnMessage(
          this.opts.burn,
          burn,
          { text: row.body, token: row.token, language: row.language, channel: row.channel },
          this.clock(),
        );
      } catch (err) {
        if (err instanceof BurnUnavailableError)
          return { ok: false, error: sendError('transient', err.message, { code: BURN_UNAVAILABLE }) };
        return { ok: false, error: sendError('permanent', (err as Error).message) };
      }
    }
    const result = await sender.send({
      token: row.token,
      channel: row.channel,
      to: row.address,
      body: message.body,
      subject: row.subject,
      html: message.html,
      audioId: row.audio_id,
      callFlowUrl,
      whatsAppTemplate,
    });
    // Someone who was called or texted may call the number back: the relay then plays this alert.
    if (result.ok && (row.channel === 'voice' || row.channel === 'sms'))
      this.opts.callbacks?.note({
        phone: row.address,
        deliveryToken: row.token,
        flowId: row.channel === 'voice' ? this.flowIdOf(row) : null,
        sentAt: new Date(this.clock()).toISOString(),
      });
    return result;
  }

  private flowKeyOf(row: ClaimRow): string {
    return `${row.campaign_id}|${row.language}|${row.audio_id ?? ''}|${row.voice_id ?? ''}|${row.body ?? ''}`;
  }

  private flowIdOf(row: ClaimRow): string {
    return `c${row.campaign_id}-${row.language}-${hash(this.flowKeyOf(row))}`;
  }

  private async flowFor(row: ClaimRow): Promise<((token: string) => string) | null> {
    const host = this.opts.flows;
    if (!host) return null;
    const key = this.flowKeyOf(row);
    let p = this.flowUrls.get(key);
    if (!p) {
      const confirmation = this.confirmationOf(row.campaign_id);
      const flowId = this.flowIdOf(row);
      p = host
        .register({ flowId, script: row.body, audioId: row.audio_id, voiceId: row.voice_id, language: row.language, confirmation })
        .then((r) => r.urlFor);
      // A failed registration is retried by the next call rather than cached.
      p.catch(() => this.flowUrls.delete(key));
      this.flowUrls.set(key, p);
    }
    return p;
  }

  confirmationOf(campaignId: number): ReturnType<typeof confirmationSchema.parse> {
    return this.campaignInfo(campaignId).confirmation;
  }

  private stepsOf(campaignId: number): number {
    return this.campaignInfo(campaignId).steps;
  }

  /** What the dispatcher needs of a running campaign's settings (fixed once it runs). */
  private campaignInfo(campaignId: number): CampaignInfo {
    let c = this.campaigns.get(campaignId);
    if (!c) {
      const row = campaignStatusAndSettings(this.opts.store.read, campaignId);
      const settings = row ? (JSON.parse(row.settings) as { confirmation?: unknown; steps?: unknown[]; burn?: unknown }) : {};
      c = {
        confirmation: confirmationSchema.parse(settings.confirmation ?? {}),
        steps: settings.steps?.length ?? 0,
        burn: settings.burn ? burnOptionSchema.parse(settings.burn) : null,
      };
      this.campaigns.set(campaignId, c);
    }
    return c;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // Results that arrive in the same turn of the event loop are written together; waiting
    // longer would leave provider slots idle, which costs more than the extra commits.
    setImmediate(() => {
      this.flushScheduled = false;
      this.pump();
    });
  }

  /** Writes results still waiting (used on stop). */
  flush(): void {
    if (this.results.length === 0) return;
    const batch = this.results.splice(0, this.results.length);
    const touched = new Set<number>();
    const effects = this.opts.store.transaction((tx) => {
      for (const r of batch) this.inflightRowIds.delete(r.row.id);
      return writeResults(tx, this.resultContext, batch, this.clock(), touched);
    });
    for (const c of effects.cancelledCalls) void this.hangUp(c.sender, c.providerId);
    this.opts.onActivity?.(touched, effects.handedOver);
  }

  /** An open circuit: rows whose plan has a later step move on to it rather than wait. */
  private fallThroughOpenCircuit(channel: Channel, provider: string, now: number): void {
    if (now - this.lastOpenSweep < 250) return;
    this.lastOpenSweep = now;
    const touched = this.opts.store.transaction((tx) => fallThrough(tx, channel, provider, now));
    if (touched.size) this.opts.onActivity?.(touched, 0);
  }

  private async hangUp(sender: ChannelSender, providerId: string): Promise<void> {
    try {
      await sender.hangUp?.(providerId);
    } catch (err) {
      this.log.warn({ err, providerId }, 'could not hang up a call of a cancelled campaign');
    }
  }

  /** Hangs up calls in progress (cancel), each through the provider that placed it. */
  async hangUpCalls(calls: { providerId: string; provider: string | null }[]): Promise<void> {
    await Promise.all(
      calls.map((c) => {
        const sender = senderOf(this.opts.senders, 'voice', c.provider);
        return sender?.hangUp ? this.hangUp(sender, c.providerId) : Promise.resolve();
      }),
    );
  }

  // ── crash recovery ────────────────────────────────────────────────────────────────────

  /** Looks up rows left in flight at the provider: adopted, or sent again (see Reconciler). */
  reconcile(): Promise<{ adopted: number; resent: number; waiting: number }> {
    return this.reconciler.reconcile();
  }

  /** Rows in flight waiting for a provider to answer a lookup: they wait on the path as queued ones do (skip, give up). */
  waitingForLookUp(): InFlightRow[] {
    return this.reconciler.waitingRows();
  }
}

function hash(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0).toString(36);
}
