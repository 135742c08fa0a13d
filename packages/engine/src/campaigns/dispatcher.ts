// The outbox dispatcher: claims due delivery rows (alerts first), hands them to the
// channel senders within per-sender rate limits, a global concurrency cap and a circuit
// breaker per provider, and writes every result back. A row is written as `sending` in
// the claim transaction before its provider call and as `sent`/`queued`/`failed` after
// it, so a crash at any instant leaves rows whose fate is known or marked in flight; on
// start those are reconciled with the provider by our delivery token (`reconcile`).
// The hot path batches: one transaction claims many rows, one transaction writes many
// results, which is what lets a laptop hand over thousands of messages per second.
import type Database from 'better-sqlite3';
import type { Channel, ProviderEvent } from '@gdial/protocol';
import { channels as allChannels, confirmationSchema, deliveryStateForRank, FINAL_RANK, rankOf } from '@gdial/protocol';
import type { Logger } from '../log';
import type { Db, Store } from '../store/db';
import {
  backoffDelay,
  CircuitBreaker,
  defaultBackoff,
  defaultBreaker,
  TokenBucket,
  type BackoffPolicy,
  type BreakerPolicy,
} from './flow-control';
import { progressRecipient, statements } from './outbox';
import { sendError } from '../providers/types';
import type { CallFlowHost, ChannelSender, ChannelSenders, SendError, SendResult } from './ports';

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

export interface DispatcherOptions {
  store: Store;
  senders: ChannelSenders;
  flows: CallFlowHost | null;
  logger: Logger;
  /** Provider calls in flight at once, across all channels. */
  concurrency?: number;
  rateLimits?: Partial<Record<Channel, RateLimit>>;
  backoff?: BackoffPolicy;
  breaker?: BreakerPolicy;
  /** Rows claimed per transaction at most. */
  claimBatch?: number;
  /** Results written per transaction at most. */
  flushBatch?: number;
  clock?: () => number;
  /** Told which campaigns changed and how many rows were handed over (for progress). */
  onActivity?: (campaignIds: Set<number>, handedOver: number) => void;
  /** A circuit opened or closed. */
  onCircuit?: (provider: string, state: string) => void;
  /** Statuses polled from providers for deliveries whose callbacks never came (applied like callbacks). */
  onPolledEvents?: (events: ProviderEvent[]) => void;
  /** How long a handed-over delivery may wait for its final status before the provider is asked. */
  staleAfterMs?: number;
}

interface ClaimRow {
  id: number;
  campaign_id: number;
  recipient_id: number;
  step_index: number;
  channel: Channel;
  address: string;
  token: string;
  condition: string;
  attempts: number;
  body: string | null;
  subject: string | null;
  html: string | null;
  audio_id: string | null;
  voice_id: string | null;
  outcome: string;
  language: 'sv' | 'en';
  opted_out: number;
  delivered_before: number;
}

interface WriteEffects {
  handedOver: number;
  cancelledCalls: { sender: ChannelSender; providerId: string }[];
  /** A send may have reached the provider without an answer: look it up. */
  lookUp: boolean;
}

interface InFlight {
  row: ClaimRow;
  provider: string;
  outcome: SendResult;
  startedAt: number;
}

const PRIORITY_BANDS = [0, 1];
/** Rows of a paused campaign are moved to priority + PAUSED_BAND so claims never reach them. */
export const PAUSED_BAND = 10;

export class Dispatcher {
  private readonly log: Logger;
  private readonly sqlite: Database.Database;
  private readonly concurrency: number;
  private readonly claimBatch: number;
  private readonly flushBatch: number;
  private readonly clock: () => number;
  private readonly backoff: BackoffPolicy;
  private readonly buckets = new Map<Channel, TokenBucket>();
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly results: InFlight[] = [];
  private readonly inflightPromises = new Set<Promise<void>>();
  private inflight = 0;
  /** Rows this process has claimed and not yet written back. */
  private readonly inflightRowIds = new Set<number>();
  /** Rows being looked up at the provider right now. */
  private readonly reconciling = new Set<number>();
  private running = false;
  private pumping = false;
  private pumpAgain = false;
  private timer: NodeJS.Timeout | null = null;
  private flushScheduled = false;
  private lastOpenSweep = 0;
  private readonly flowUrls = new Map<string, Promise<(token: string) => string>>();
  private readonly campaigns = new Map<number, { confirmation: ReturnType<typeof confirmationSchema.parse>; steps: number }>();
  private readonly hangUps: { sender: ChannelSender; providerId: string }[] = [];
  private readonly stmts;
  private sweepTimer: NodeJS.Timeout | null = null;
  private polling = false;
  private readonly polledAt = new Map<number, number>();
  private readonly staleAfterMs: number;

  constructor(private readonly opts: DispatcherOptions) {
    this.log = opts.logger.child({ module: 'dispatcher' });
    this.sqlite = opts.store.sqlite;
    this.concurrency = opts.concurrency ?? 64;
    this.claimBatch = opts.claimBatch ?? 256;
    this.flushBatch = opts.flushBatch ?? 512;
    this.clock = opts.clock ?? Date.now;
    this.backoff = opts.backoff ?? defaultBackoff;
    this.staleAfterMs = opts.staleAfterMs ?? 15 * 60_000;
    for (const ch of allChannels) {
      const rl = opts.rateLimits?.[ch] ?? defaultRateLimits[ch];
      this.buckets.set(ch, new TokenBucket(rl.perSecond, rl.burst, this.clock));
    }
    const s = this.sqlite;
    this.stmts = {
      claim: s.prepare<[Channel, number, number, number], ClaimRow>(
        `SELECT d.id, d.campaign_id, d.recipient_id, d.step_index, d.channel, d.address, d.token, d.condition, d.attempts,
                d.body, d.subject, d.html, d.audio_id, d.voice_id, r.outcome, r.language,
                EXISTS (SELECT 1 FROM opt_outs o WHERE o.channel = d.channel AND o.address = CASE WHEN d.channel = 'email' THEN lower(d.address) ELSE d.address END) AS opted_out,
                CASE WHEN d.condition = 'not-delivered'
                     THEN EXISTS (SELECT 1 FROM deliveries e WHERE e.recipient_id = d.recipient_id AND e.step_index < d.step_index AND e.state = 'delivered')
                     ELSE 0 END AS delivered_before
           FROM deliveries d JOIN campaign_recipients r ON r.id = d.recipient_id
          WHERE d.state = 'queued' AND d.channel = ? AND d.priority = ? AND d.due_at <= ?
          ORDER BY d.due_at LIMIT ?`,
      ),
      markSending: s.prepare<[number, string]>(
        "UPDATE deliveries SET state = 'sending', attempts = attempts + 1, sending_since = ? WHERE id IN (SELECT value FROM json_each(?)) AND +state = 'queued'",
      ),
      sent: s.prepare<
        [string, string, number, string, number, number, number],
        { provider_rank: number; answered_by: string | null; state: string }
      >(
        `UPDATE deliveries SET provider = ?, provider_id = ?,
                provider_status = CASE WHEN provider_rank < ? THEN ? ELSE provider_status END,
                provider_rank = MAX(provider_rank, ?),
                state = CASE WHEN state = 'sending' THEN 'sent' ELSE state END,
                sent_at = COALESCE(sent_at, ?), sending_since = NULL, error = NULL
          WHERE id = ? RETURNING provider_rank, answered_by, state`,
      ),
      retry: s.prepare<[number, string, string | null, number]>(
        "UPDATE deliveries SET state = 'queued', due_at = ?, sending_since = NULL, error = ?, error_code = ? WHERE id = ? AND state = 'sending'",
      ),
      failed: s.prepare<[string, string | null, number, number]>(
        "UPDATE deliveries SET state = 'failed', error = ?, error_code = ?, finished_at = ?, sending_since = NULL WHERE id = ? AND state IN ('sending', 'queued')",
      ),
      skip: s.prepare<[string, number, number]>("UPDATE deliveries SET state = 'skipped', error = ?, finished_at = ? WHERE id = ?"),
      optOut: s.prepare<[string, string, string]>(
        "INSERT OR IGNORE INTO opt_outs (channel, address, source, note) VALUES (?, ?, 'provider', ?)",
      ),
      event: s.prepare<[number, number, string, string | null]>(
        'INSERT INTO delivery_events (delivery_id, at, kind, detail) VALUES (?, ?, ?, ?)',
      ),
      nextDue: s.prepare<[Channel], { due: number | null }>(
        "SELECT MIN(due_at) AS due FROM deliveries WHERE state = 'queued' AND channel = ? AND priority IN (0, 1)",
      ),
      campaignStatus: s.prepare<[number], { status: string; settings: string }>('SELECT status, settings FROM campaigns WHERE id = ?'),
      openCircuitRows: s.prepare<[Channel, number], { id: number; recipient_id: number; campaign_id: number }>(
        `SELECT d.id, d.recipient_id, d.campaign_id FROM deliveries d
          WHERE d.state = 'queued' AND d.channel = ? AND d.priority IN (0, 1) AND d.due_at <= ? AND d.fall_through = 1
            AND EXISTS (SELECT 1 FROM deliveries e WHERE e.recipient_id = d.recipient_id AND e.step_index > d.step_index)
          LIMIT 500`,
      ),
      inFlightRows: s.prepare<
        [],
        {
          id: number;
          campaign_id: number;
          recipient_id: number;
          channel: Channel;
          address: string;
          token: string;
          body: string | null;
          sending_since: number | null;
        }
      >("SELECT id, campaign_id, recipient_id, channel, address, token, body, sending_since FROM deliveries WHERE state = 'sending'"),
      adopt: s.prepare<[string, string, number, string, number, number, number]>(
        `UPDATE deliveries SET provider = ?, provider_id = ?, provider_status = CASE WHEN provider_rank < ? THEN ? ELSE provider_status END,
                provider_rank = MAX(provider_rank, ?), sent_at = COALESCE(sent_at, ?), sending_since = NULL
          WHERE id = ?`,
      ),
      setState: s.prepare<[string, number]>('UPDATE deliveries SET state = ? WHERE id = ?'),
      stale: s.prepare<[number, number], { id: number; channel: Channel; token: string; provider_id: string }>(
        `SELECT id, channel, token, provider_id FROM deliveries
          WHERE state IN ('sent', 'delivered') AND sent_at < ? AND provider_rank < ? AND provider_id IS NOT NULL LIMIT 500`,
      ),
      markInProgress: s.prepare<[string]>(
        "UPDATE campaign_recipients SET outcome = 'in-progress' WHERE id IN (SELECT value FROM json_each(?)) AND outcome = 'pending'",
      ),
      rankOfRow: s.prepare<[number], { provider_rank: number; answered_by: string | null; state: string }>(
        'SELECT provider_rank, answered_by, state FROM deliveries WHERE id = ?',
      ),
      resend: s.prepare<[number, number]>(
        "UPDATE deliveries SET state = 'queued', due_at = ?, sending_since = NULL, possible_duplicate = 1 WHERE id = ? AND state = 'sending'",
      ),
    };
  }

  // ── lifecycle ─────────────────────────────────────────────────────────────────────────

  /** Reconciles rows a previous run left in flight, then starts dispatching. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.reconcile();
    this.wake();
    this.sweepTimer = setInterval(() => void this.pollStale(), Math.min(60_000, this.staleAfterMs));
    this.sweepTimer.unref?.();
  }

  /**
   * Deliveries the provider has had for a long time without a final status: their
   * callbacks were probably lost (relay down, webhook misconfigured). The provider is asked
   * directly and the answer is applied through the normal event entry point.
   */
  async pollStale(): Promise<number> {
    if (!this.opts.onPolledEvents || this.polling) return 0;
    this.polling = true;
    try {
      const now = this.clock();
      const rows = this.stmts.stale.all(now - this.staleAfterMs, FINAL_RANK);
      const events: ProviderEvent[] = [];
      for (const r of rows) {
        if ((this.polledAt.get(r.id) ?? 0) > now - this.staleAfterMs) continue;
        this.polledAt.set(r.id, now);
        const sender = this.opts.senders.get(r.channel);
        if (!sender?.fetchStatus) continue;
        let st: Awaited<ReturnType<NonNullable<ChannelSender['fetchStatus']>>> = null;
        try {
          st = await sender.fetchStatus(r.provider_id);
        } catch (err) {
          this.log.warn({ err, deliveryId: r.id }, 'could not poll a delivery status');
        }
        if (!st) continue;
        events.push({
          type: 'status',
          eventKey: `poll:${r.id}:${st.status}`,
          provider: sender.provider as ProviderEvent['provider'],
          channel: r.channel,
          deliveryToken: r.token,
          providerId: r.provider_id,
          occurredAt: new Date(this.clock()).toISOString(),
          status: st.status,
          failure: st.failure,
          answeredBy: st.answeredBy,
          durationSec: null,
        });
      }
      if (events.length) this.opts.onPolledEvents(events);
      return events.length;
    } finally {
      this.polling = false;
    }
  }

  /** Stops claiming, lets the calls in flight finish (bounded) and writes their results. */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.running = false;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const all = Promise.allSettled([...this.inflightPromises]);
    await Promise.race([all, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
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
    this.buckets.get(channel)?.setRate(perSecond);
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
    const threshold = Math.max(1, Math.floor(this.concurrency / 16));
    const claimNow = this.concurrency - this.inflight >= threshold || this.inflight < threshold;
    const openCircuits: { channel: Channel; provider: string }[] = [];
    const launches: { sender: ChannelSender; rows: ClaimRow[] }[] = [];
    const batch = this.results.splice(0, this.results.length);
    const touched = new Set<number>();
    let effects: WriteEffects | null = null;
    try {
      effects = this.opts.store.transaction(({ db }) => {
        const eff = batch.length ? this.writeResults(db, batch, now, touched) : null;
        if (!claimNow) return eff;
        let free = this.concurrency - this.inflight;
        for (const channel of allChannels) {
          if (free <= 0) break;
          const sender = this.opts.senders.get(channel);
          if (!sender) continue;
          const breaker = this.breakerFor(sender.provider);
          if (breaker.isOpen) {
            openCircuits.push({ channel, provider: sender.provider });
            waitMs = Math.min(waitMs, breaker.msUntilProbe() + 1);
            continue;
          }
          const bucket = this.buckets.get(channel)!;
          const tokens = bucket.take(Math.min(free, this.claimBatch));
          if (tokens === 0) {
            waitMs = Math.min(waitMs, Math.max(1, bucket.msUntilToken()));
            continue;
          }
          const allowed = breaker.allowance(tokens);
          if (allowed < tokens) bucket.giveBack(tokens - allowed);
          if (allowed === 0) continue;
          const rows = this.claimRows(db, channel, allowed, now, touched);
          if (rows.length < allowed) {
            bucket.giveBack(allowed - rows.length);
            if (rows.length === 0) breaker.unusedAllowance();
          }
          if (rows.length === allowed) waitMs = Math.min(waitMs, bucket.msUntilToken() || 1);
          if (rows.length) launches.push({ sender, rows });
          free -= rows.length;
        }
        return eff;
      });
    } catch (err) {
      // Nothing was written: results stay `sending` rows and are reconciled like after a crash; claims never happened.
      this.log.error({ err, rows: batch.length }, 'could not write send results; reconciling them');
      launches.length = 0;
      void this.reconcile();
    }
    if (effects) {
      for (const c of effects.cancelledCalls) void this.hangUp(c.sender, c.providerId);
      if (effects.lookUp) void this.reconcile();
    }
    if (touched.size || effects?.handedOver) this.opts.onActivity?.(touched, effects?.handedOver ?? 0);
    for (const l of launches) for (const row of l.rows) this.launch(row, l.sender);
    for (const o of openCircuits) this.fallThroughOpenCircuit(o.channel, o.provider, now);
    if (claimNow) {
      for (const channel of allChannels) {
        if (!this.opts.senders.get(channel)) continue;
        const next = this.stmts.nextDue.get(channel)?.due ?? null;
        if (next !== null) waitMs = Math.min(waitMs, Math.max(1, next - now));
      }
      this.arm(waitMs);
    }
  }

  private arm(ms: number): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pump();
    }, ms);
  }

  /** Picks due rows (alerts first), skips those the plan no longer needs, marks the rest `sending`. Inside the cycle's transaction. */
  private claimRows(db: Db, channel: Channel, limit: number, now: number, touched: Set<number>): ClaimRow[] {
    const out: ClaimRow[] = [];
    for (const band of PRIORITY_BANDS) {
      if (out.length >= limit) break;
      const rows = this.stmts.claim.all(channel, band, now, limit - out.length);
      for (const r of rows) {
        const reason =
          (r.outcome === 'confirmed' && r.condition !== 'always' && 'already confirmed') ||
          (r.outcome === 'opted-out' && 'recipient opted out') ||
          (r.outcome === 'cancelled' && 'campaign cancelled') ||
          (r.opted_out && 'address opted out') ||
          (r.delivered_before && 'delivered by an earlier step') ||
          null;
        if (reason) {
          this.stmts.skip.run(reason, now, r.id);
          this.stmts.event.run(r.id, now, 'skipped', reason);
          progressRecipient(db, r.recipient_id, now);
          touched.add(r.campaign_id);
          continue;
        }
        out.push(r);
      }
    }
    if (out.length) this.stmts.markSending.run(now, JSON.stringify(out.map((r) => r.id)));
    return out;
  }

  private launch(row: ClaimRow, sender: ChannelSender): void {
    this.inflight++;
    this.inflightRowIds.add(row.id);
    const startedAt = this.clock();
    const p = this.send(row, sender)
      .catch((err: unknown): SendResult => ({ ok: false, error: sendError('transient', `sender threw: ${(err as Error).message}`) }))
      .then((outcome) => {
        this.inflight--;
        this.results.push({ row, provider: sender.provider, outcome, startedAt });
        this.scheduleFlush();
      });
    this.inflightPromises.add(p);
    void p.finally(() => this.inflightPromises.delete(p));
  }

  private async send(row: ClaimRow, sender: ChannelSender): Promise<SendResult> {
    let callFlowUrl: string | null = null;
    if (row.channel === 'voice') {
      const urlFor = await this.flowFor(row);
      if (!urlFor) return { ok: false, error: sendError('permanent', 'No call-flow host is configured, so a call cannot be placed') };
      callFlowUrl = urlFor(row.token);
    }
    return sender.send({
      token: row.token,
      channel: row.channel,
      to: row.address,
      body: row.body,
      subject: row.subject,
      html: row.html,
      audioId: row.audio_id,
      callFlowUrl,
    });
  }

  private async flowFor(row: ClaimRow): Promise<((token: string) => string) | null> {
    const host = this.opts.flows;
    if (!host) return null;
    const key = `${row.campaign_id}|${row.language}|${row.audio_id ?? ''}|${row.voice_id ?? ''}|${row.body ?? ''}`;
    let p = this.flowUrls.get(key);
    if (!p) {
      const confirmation = this.confirmationOf(row.campaign_id);
      const flowId = `c${row.campaign_id}-${row.language}-${hash(key)}`;
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
  private campaignInfo(campaignId: number): { confirmation: ReturnType<typeof confirmationSchema.parse>; steps: number } {
    let c = this.campaigns.get(campaignId);
    if (!c) {
      const row = this.stmts.campaignStatus.get(campaignId);
      const settings = row ? (JSON.parse(row.settings) as { confirmation?: unknown; steps?: unknown[] }) : {};
      c = { confirmation: confirmationSchema.parse(settings.confirmation ?? {}), steps: settings.steps?.length ?? 0 };
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
    const effects = this.opts.store.transaction(({ db }) => this.writeResults(db, batch, this.clock(), touched));
    for (const c of effects.cancelledCalls) void this.hangUp(c.sender, c.providerId);
    this.opts.onActivity?.(touched, effects.handedOver);
  }

  /** Writes send results: the state after each provider call, retries, failures, escalation. */
  private writeResults(db: Db, batch: InFlight[], now: number, touched: Set<number>): WriteEffects {
    const effects: WriteEffects = { handedOver: 0, cancelledCalls: [], lookUp: false };
    const inProgress: number[] = [];
    for (const { row, provider, outcome } of batch) {
      this.inflightRowIds.delete(row.id);
      touched.add(row.campaign_id);
      const breaker = this.breakerFor(provider);
      if (outcome.ok) {
        breaker.success();
        effects.handedOver++;
        const rank = rankOf(outcome.status) || rankOf('queued');
        const cur = this.stmts.sent.get(provider, outcome.providerId, rank, outcome.status, rank, now, row.id);
        // When a callback got here before the provider's reply, the state it set stands.
        if (cur && cur.state === 'sent') {
          const st = deliveryStateForRank(cur.provider_rank, cur.answered_by !== null);
          if (st !== 'sent') this.stmts.setState.run(st, row.id);
        }
        // The row itself (sent_at, provider, provider_id) is the timeline's "sent" entry.
        if (row.channel === 'voice' && (cur?.provider_rank ?? 0) < FINAL_RANK) {
          const status = this.stmts.campaignStatus.get(row.campaign_id)?.status;
          const sender = this.opts.senders.get('voice');
          if (status === 'cancelled' && sender?.hangUp) effects.cancelledCalls.push({ sender, providerId: outcome.providerId });
        }
      } else if (outcome.error.class === 'transient' && outcome.error.maybeSent) {
        // The provider may have it: the row stays `sending` and is looked up, not blindly re-sent.
        breaker.failure();
        this.stmts.event.run(row.id, now, 'unknown', `${provider}: ${outcome.error.message}; looking it up before sending again`);
        effects.lookUp = true;
      } else {
        this.applyFailure(row, provider, outcome.error, now, breaker);
      }
      if (outcome.ok && this.stepsOf(row.campaign_id) === 1) {
        // One step and it went out: the only possible change is pending → in-progress, done in bulk below.
        inProgress.push(row.recipient_id);
      } else {
        progressRecipient(db, row.recipient_id, now);
      }
    }
    if (inProgress.length) this.stmts.markInProgress.run(JSON.stringify(inProgress));
    return effects;
  }

  private applyFailure(row: ClaimRow, provider: string, f: SendError, now: number, breaker: CircuitBreaker): void {
    const attempts = row.attempts + 1;
    switch (f.class) {
      case 'transient':
      case 'auth':
      case 'rate-limited': {
        if (f.class === 'rate-limited') {
          this.buckets.get(row.channel)?.pauseFor(f.retryAfterMs ?? 1000);
        } else {
          breaker.failure();
        }
        if (attempts >= this.backoff.maxAttempts) {
          this.stmts.failed.run(`Gave up after ${attempts} attempts: ${f.message}`, f.code || null, now, row.id);
          this.stmts.event.run(row.id, now, 'failed', `${provider}: ${f.class}: ${f.message}`);
          this.log.warn({ deliveryId: row.id, provider, kind: f.class }, 'delivery failed after retries');
        } else {
          const delay = backoffDelay(attempts, this.backoff, f.class === 'rate-limited' ? f.retryAfterMs : null);
          this.stmts.retry.run(now + delay, f.message, f.code || null, row.id);
          this.stmts.event.run(
            row.id,
            now,
            'retry',
            `${provider}: ${f.class}: ${f.message}; next attempt in ${Math.round(delay / 100) / 10} s`,
          );
        }
        if (f.class === 'auth') this.log.error({ provider }, 'provider rejected our credentials');
        return;
      }
      case 'permanent':
      case 'invalid-recipient':
      case 'opted-out': {
        // The provider answered: it is up, the message is what it refused.
        breaker.success();
        this.stmts.failed.run(f.message, f.code || null, now, row.id);
        this.stmts.event.run(row.id, now, 'failed', `${provider}: ${f.class}: ${f.message}`);
        if (f.class === 'opted-out')
          this.stmts.optOut.run(
            row.channel,
            row.channel === 'email' ? row.address.toLowerCase() : row.address,
            `${provider} reported an opt-out`,
          );
        return;
      }
      default: {
        const never: never = f.class;
        throw new Error(`unknown failure class ${String(never)}`);
      }
    }
  }

  /** An open circuit: rows whose plan has a later step move on to it rather than wait. */
  private fallThroughOpenCircuit(channel: Channel, provider: string, now: number): void {
    if (now - this.lastOpenSweep < 250) return;
    this.lastOpenSweep = now;
    const touched = new Set<number>();
    this.opts.store.transaction(({ db }) => {
      for (const r of this.stmts.openCircuitRows.all(channel, now)) {
        this.stmts.failed.run(`${provider} unavailable (circuit open); moved on to the next step`, 'circuit-open', now, r.id);
        this.stmts.event.run(r.id, now, 'failed', `${provider} unavailable; falling through to the next step`);
        progressRecipient(db, r.recipient_id, now);
        touched.add(r.campaign_id);
      }
    });
    if (touched.size) this.opts.onActivity?.(touched, 0);
  }

  private async hangUp(sender: ChannelSender, providerId: string): Promise<void> {
    try {
      await sender.hangUp?.(providerId);
    } catch (err) {
      this.log.warn({ err, providerId }, 'could not hang up a call of a cancelled campaign');
    }
  }

  /** Hangs up calls in progress (cancel). */
  async hangUpCalls(providerIds: string[]): Promise<void> {
    const sender = this.opts.senders.get('voice');
    if (!sender?.hangUp) return;
    await Promise.all(providerIds.map((id) => this.hangUp(sender, id)));
  }

  // ── crash recovery ────────────────────────────────────────────────────────────────────

  /**
   * Rows found `sending` were in flight when the engine stopped. Each is looked up at the
   * provider by our token: adopted when the provider has it, otherwise sent again and
   * flagged as a possible duplicate (the provider may simply not list it yet).
   */
  async reconcile(): Promise<{ adopted: number; resent: number }> {
    // Rows of a channel with no provider configured yet wait until one is (setChannels reconciles again).
    const rows = this.stmts.inFlightRows
      .all()
      .filter((r) => !this.inflightRowIds.has(r.id) && !this.reconciling.has(r.id) && this.opts.senders.get(r.channel) !== null);
    for (const r of rows) this.reconciling.add(r.id);
    let adopted = 0;
    let resent = 0;
    const queue = [...rows];
    const worker = async () => {
      for (let r = queue.shift(); r; r = queue.shift()) {
        const sender = this.opts.senders.get(r.channel);
        let lookup: Awaited<ReturnType<ChannelSender['findByToken']>> = { found: 'unknown', message: 'no provider configured' };
        if (sender) {
          for (let attempt = 0; attempt < 4; attempt++) {
            try {
              lookup = await sender.findByToken({
                token: r.token,
                channel: r.channel,
                to: r.address,
                since: new Date((r.sending_since ?? Date.now()) - 60_000),
                body: r.body,
              });
            } catch (err) {
              lookup = { found: 'unknown', message: (err as Error).message };
            }
            if (lookup.found !== 'unknown') break;
            await new Promise((res) => setTimeout(res, 250 * 2 ** attempt));
          }
        }
        const now = this.clock();
        const row = r;
        this.opts.store.transaction(({ db }) => {
          if (lookup.found === true && sender) {
            const rank = rankOf(lookup.status) || rankOf('queued');
            this.stmts.adopt.run(sender.provider, lookup.providerId, rank, lookup.status, rank, row.sending_since ?? now, row.id);
            const cur = this.stmts.rankOfRow.get(row.id);
            this.stmts.setState.run(deliveryStateForRank(cur?.provider_rank ?? rank, (cur?.answered_by ?? null) !== null), row.id);
            this.stmts.event.run(
              row.id,
              now,
              'reconciled',
              `found at ${sender.provider} as ${lookup.providerId} (${lookup.status}); adopted`,
            );
            adopted++;
          } else {
            const why = lookup.found === 'unknown' ? `provider could not be asked (${lookup.message})` : 'provider has no record of it';
            this.stmts.resend.run(now, row.id);
            this.stmts.event.run(row.id, now, 'reconciled', `${why}; sending again (possible duplicate)`);
            resent++;
          }
          progressRecipient(db, row.recipient_id, now);
        });
        this.reconciling.delete(row.id);
        this.opts.onActivity?.(new Set([row.campaign_id]), 0);
      }
    };
    await Promise.all(Array.from({ length: Math.min(16, rows.length) }, worker));
    if (rows.length) this.log.info({ adopted, resent }, 'reconciled deliveries left in flight');
    return { adopted, resent };
  }

  /** The statements are shared with outbox helpers (exposed for tests). */
  get outboxStatements() {
    return statements(this.opts.store.db);
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
