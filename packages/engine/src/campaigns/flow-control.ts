// How fast and how persistently the dispatcher talks to providers: a token bucket per
// sender (Twilio counts messages per second per number, calls per second per account),
// exponential backoff with full jitter for transient failures, and a circuit breaker per
// provider so a provider that keeps failing is given a rest and then probed.

/** A token bucket; `take` never blocks, it says how many tokens it could give. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  /** A provider said "slow down" (Retry-After): nothing until then. */
  private pausedUntil = 0;

  constructor(
    private ratePerSecond: number,
    private readonly burst: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = clock();
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.tokens = Math.min(this.burst, this.tokens + elapsed * this.ratePerSecond);
    this.last = now;
  }

  /** Takes up to `wanted` whole tokens and returns how many it took. */
  take(wanted: number): number {
    const now = this.clock();
    if (now < this.pausedUntil) return 0;
    this.refill(now);
    const n = Math.max(0, Math.min(wanted, Math.floor(this.tokens)));
    this.tokens -= n;
    return n;
  }

  /** Gives back tokens that were taken but not used. */
  giveBack(n: number): void {
    this.tokens = Math.min(this.burst, this.tokens + n);
  }

  /** Milliseconds until at least one token is available. */
  msUntilToken(): number {
    const now = this.clock();
    if (now < this.pausedUntil) return this.pausedUntil - now;
    this.refill(now);
    if (this.tokens >= 1) return 0;
    return Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000);
  }

  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock() + ms);
    this.tokens = Math.min(this.tokens, 0);
  }

  setRate(ratePerSecond: number): void {
    this.ratePerSecond = ratePerSecond;
  }
}

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  /**
   * No longer a limit: a failure of the path is retried until the path returns (or the
   * alert gives up on it), and a failure about the person is final at once (failure.ts).
   */
  maxAttempts?: number;
}

export const defaultBackoff: BackoffPolicy = { baseMs: 500, capMs: 60_000, maxAttempts: 8 };

/**
 * Full jitter: a uniformly random wait up to base·2^attempt (capped), which spreads out
 * retries of many rows that failed together instead of sending them back in a wave.
 * A provider's Retry-After is a floor.
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  retryAfterMs: number | null,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.floor(random() * ceiling);
  return retryAfterMs === null ? jittered : Math.max(retryAfterMs, jittered);
}

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerPolicy {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** First open period; doubles on each failed probe up to maxOpenMs. */
  openMs: number;
  maxOpenMs: number;
}

export const defaultBreaker: BreakerPolicy = { failureThreshold: 8, openMs: 2_000, maxOpenMs: 60_000 };

/** While a channel waits for its path (Väntar på nät) a probe goes at least this often, so sending resumes within 5 s of its return. */
export const HELD_PROBE_MS = 4_000;

/**
 * A circuit breaker for one provider. Closed: everything goes. Open: nothing goes until the
 * rest period ends. Half-open: one probe goes; its success closes the circuit, its failure
 * opens it again for twice as long.
 */
export class CircuitBreaker {
  state: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private currentOpenMs: number;
  private probeInFlight = false;

  constructor(
    readonly provider: string,
    private readonly policy: BreakerPolicy = defaultBreaker,
    private readonly clock: () => number = Date.now,
    private readonly onChange: (state: BreakerState) => void = () => {},
  ) {
    this.currentOpenMs = policy.openMs;
  }

  /** How many sends may start now (0 while open; 1 probe while half-open). */
  allowance(wanted: number): number {
    if (this.state === 'closed') return wanted;
    if (this.state === 'open') {
      if (this.clock() - this.openedAt < this.currentOpenMs) return 0;
      this.set('half-open');
    }
    if (this.probeInFlight || wanted === 0) return 0;
    this.probeInFlight = true;
    return 1;
  }

  /** Milliseconds until the circuit lets a probe through. */
  msUntilProbe(): number {
    if (this.state !== 'open') return 0;
    return Math.max(0, this.currentOpenMs - (this.clock() - this.openedAt));
  }

  get isOpen(): boolean {
    return this.state === 'open' && this.msUntilProbe() > 0;
  }

  /** The allowance given was not used (nothing to send): a half-open probe is still owed. */
  unusedAllowance(): void {
    if (this.state === 'half-open') this.probeInFlight = false;
  }

  success(): void {
    this.failures = 0;
    this.probeInFlight = false;
    if (this.state !== 'closed') {
      this.currentOpenMs = this.policy.openMs;
      this.set('closed');
    }
  }

  failure(): void {
    this.failures++;
    if (this.state === 'half-open') {
      this.probeInFlight = false;
      this.currentOpenMs = Math.min(this.policy.maxOpenMs, this.currentOpenMs * 2);
      this.open();
    } else if (this.state === 'closed' && this.failures >= this.policy.failureThreshold) {
      this.open();
    }
  }

  /**
   * Opens the circuit at once: the provider refused our credentials (more attempts would
   * only be refused too), or a hold a previous run left (the first send is a probe).
   */
  trip(): void {
    this.failures = Math.max(this.failures, this.policy.failureThreshold);
    this.probeInFlight = false;
    if (this.state === 'open') return;
    if (this.state === 'half-open') this.currentOpenMs = Math.min(this.policy.maxOpenMs, this.currentOpenMs * 2);
    this.open();
  }

  /** Rests at most `ms` before the next probe (while nothing else can carry the channel). */
  capRest(ms: number): void {
    if (this.currentOpenMs <= ms) return;
    this.currentOpenMs = ms;
  }

  private open(): void {
    this.openedAt = this.clock();
    this.set('open');
  }

  private set(s: BreakerState): void {
    if (s === this.state) return;
    this.state = s;
    this.onChange(s);
  }
}
