// Sends the outbox's due webhooks: claims them per tenant (at most `perTenant` in flight for
// one organisation, so one slow endpoint cannot hold up another organisation's), posts each
// signed to its subscription's URL at the address the SSRF check pinned, and records the
// attempt: delivered on 2xx; on 410 the subscription is turned off; otherwise (network error,
// timeout, another status) tried again after the next wait of the schedule with jitter, and
// failed after the last. A request is bounded in time and in the size of the answer read.
// The clock and the randomness are injected, so tests drive retries without waiting.
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Logger } from 'pino';
import { decryptSecret } from '../store/secrets';
import type { RelayDb } from '../store/db';
import { listTenants } from '../store/tenants';
import { MAX_ATTEMPTS, nextAttemptDelay, signatureHeader, verdictOf } from './model';
import { BlockedAddress, checkWebhookUrl, pinAddress, systemResolver, type Resolver } from './ssrf';
import { claimDue, recordAttempt, type ClaimedDelivery } from '../store/webhooks-out';

export interface DispatcherOptions {
  db: RelayDb;
  encryptionKey: Buffer;
  logger: Logger;
  /** Let webhooks reach private and loopback addresses (tests, the demo). Off in production. */
  allowPrivate: boolean;
  now?: () => number;
  random?: () => number;
  resolve?: Resolver;
  /** A request's bound, connect to last byte (default 10 s). */
  timeoutMs?: number;
  /** The most of an answer read (default 64 KiB); the rest is not waited for. */
  maxResponseBytes?: number;
  /** Deliveries in flight per organisation (default 4). */
  perTenant?: number;
  /** How often due retries are looked for (default 1 s); new events wake the dispatcher at once. */
  pollMs?: number;
  /** Audits a subscription turned off by a 410. */
  onDisabled?: (tenantId: string, subscriptionId: string, url: string) => void;
}

export interface AttemptResult {
  status: number | null;
  error: string | null;
  durationMs: number;
}

export class WebhookDispatcher {
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly resolve: Resolver;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly perTenant: number;
  private readonly inFlight = new Map<string, number>();
  private readonly running = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | undefined;
  private again = false;
  private closed = false;
  private started = false;

  constructor(private readonly opts: DispatcherOptions) {
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.resolve = opts.resolve ?? systemResolver;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.maxResponseBytes = opts.maxResponseBytes ?? 64 * 1024;
    this.perTenant = opts.perTenant ?? 4;
  }

  start(): void {
    this.started = true;
    this.timer = setInterval(() => this.wake(), this.opts.pollMs ?? 1000);
    this.timer.unref();
    this.wake();
  }

  /** Looks for due deliveries now (new events were written); nothing before `start` (a test drives `runOnce`). */
  wake(): void {
    if (this.closed || !this.started) return;
    if (this.pass) {
      this.again = true;
      return;
    }
    this.pass = this.sendDue()
      .catch((err: unknown) => this.opts.logger.warn({ err }, 'webhook pass failed'))
      .finally(() => {
        this.pass = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** One pass over every organisation; resolves when the attempts it started have finished (tests call this). */
  async runOnce(): Promise<number> {
    const started = await this.claimAll();
    await Promise.all(started);
    return started.length;
  }

  private async sendDue(): Promise<void> {
    void (await this.claimAll()); // the attempts go on by themselves; `close` waits for them
  }

  private async claimAll(): Promise<Promise<void>[]> {
    const started: Promise<void>[] = [];
    for (const tenant of await listTenants(this.opts.db)) {
      if (this.closed) break;
      const busy = this.inFlight.get(tenant.id) ?? 0;
      const now = new Date(this.now());
      // Held long enough for the request to end and be recorded; a crashed sender's claim runs out then.
      const until = new Date(now.getTime() + 2 * this.timeoutMs + 5_000);
      const claimed = await claimDue(this.opts.db, tenant.id, now, until, this.perTenant - busy);
      for (const d of claimed) {
        this.inFlight.set(tenant.id, (this.inFlight.get(tenant.id) ?? 0) + 1);
        const p = this.deliver(tenant.id, d)
          .catch((err: unknown) => this.opts.logger.error({ err, delivery: d.id }, 'webhook attempt not recorded'))
          .finally(() => {
            this.inFlight.set(tenant.id, (this.inFlight.get(tenant.id) ?? 1) - 1);
            this.running.delete(p);
          });
        this.running.add(p);
        started.push(p);
      }
    }
    return started;
  }

  private async deliver(tenantId: string, d: ClaimedDelivery): Promise<void> {
    const at = new Date(this.now());
    const secrets = [decryptSecret(this.opts.encryptionKey, d.secretEnc)];
    if (d.previousSecretEnc && d.previousUntil && d.previousUntil.getTime() > at.getTime())
      secrets.push(decryptSecret(this.opts.encryptionKey, d.previousSecretEnc));
    const result = await this.post(d.url, d.id, secrets, JSON.stringify(d.payload), at);
    const attempt = d.attempts + 1;
    const verdict = verdictOf(result.status);
    const delay = verdict === 'retry' && attempt < MAX_ATTEMPTS ? nextAttemptDelay(attempt, this.random()) : null;
    const log = this.opts.logger.child({ tenantId, delivery: d.id, attempt, status: result.status });
    if (verdict === 'delivered') log.debug('webhook delivered');
    else log.info({ error: result.error }, 'webhook attempt failed');
    await recordAttempt(this.opts.db, tenantId, d.id, {
      attempt,
      at,
      status: result.status,
      error: result.error,
      durationMs: result.durationMs,
      state: verdict === 'delivered' ? 'delivered' : delay === null ? 'failed' : 'pending',
      nextAttemptAt: delay === null ? null : new Date(this.now() + delay),
      ...(verdict === 'gone' ? { disableSubscription: 'Mottagaren svarade 410 Gone: adressen finns inte längre.' } : {}),
    });
    if (verdict === 'gone') this.opts.onDisabled?.(tenantId, d.subscriptionId, d.url);
  }

  /** Posts one signed webhook; never throws (a refusal or network error is the result's `error`). */
  async post(rawUrl: string, id: string, secrets: readonly string[], body: string, at: Date): Promise<AttemptResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const checked = checkWebhookUrl(rawUrl, this.opts.allowPrivate);
    if (!checked.ok) return { status: null, error: checked.problem, durationMs: 0 };
    const url = checked.url;
    let pinned: { address: string; family: number };
    try {
      pinned = await pinAddress(url, this.opts.allowPrivate, this.resolve);
    } catch (err) {
      const message = err instanceof BlockedAddress ? err.message : `name lookup failed: ${(err as Error).message}`;
      return { status: null, error: message, durationMs: elapsed() };
    }
    const timestamp = Math.floor(at.getTime() / 1000);
    const lookup: LookupFunction = (_host, options, cb) => {
      if ((options as { all?: boolean }).all) (cb as (e: null, a: { address: string; family: number }[]) => void)(null, [pinned]);
      else cb(null, pinned.address, pinned.family);
    };
    return new Promise<AttemptResult>((resolve) => {
      let settled = false;
      const finish = (r: Omit<AttemptResult, 'durationMs'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        resolve({ ...r, durationMs: elapsed() });
      };
      const req = (url.protocol === 'https:' ? https : http).request(
        url,
        {
          method: 'POST',
          lookup,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'user-agent': 'GDial-Webhooks/1',
            'webhook-id': id,
            'webhook-timestamp': String(timestamp),
            'webhook-signature': signatureHeader(secrets, id, timestamp, body),
          },
        },
        (res) => {
          let read = 0;
          res.on('data', (chunk: Buffer) => {
            read += chunk.length;
            // Enough of an answer: the status is what counts; a receiver that streams on is cut off.
            if (read > this.maxResponseBytes) {
              finish({ status: res.statusCode ?? null, error: null });
              res.destroy();
            }
          });
          res.on('end', () => finish({ status: res.statusCode ?? null, error: null }));
          res.on('error', () => finish({ status: res.statusCode ?? null, error: null }));
        },
      );
      const deadline = setTimeout(() => {
        finish({ status: null, error: `no answer within ${this.timeoutMs} ms` });
        req.destroy();
      }, this.timeoutMs);
      req.on('error', (err: NodeJS.ErrnoException) =>
        finish({ status: null, error: err.code ? `${err.code}: ${err.message}` : err.message }),
      );
      req.end(body);
    });
  }

  /** Stops looking for work and waits for the attempts in flight to be recorded. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.pass;
    await Promise.all([...this.running]);
  }
}
