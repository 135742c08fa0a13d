// Token buckets per client address: the rate limits of the public HTTP routes.
// A bucket unused for a minute is forgotten.

interface Bucket {
  tokens: number;
  at: number;
}

/** Token bucket per client address: `perSecond` sustained, twice that as burst. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly burst: number;

  constructor(private readonly perSecond: number) {
    this.burst = perSecond * 2;
    const sweep = setInterval(() => {
      const now = Date.now();
      for (const [k, b] of this.buckets) if (now - b.at > 60_000) this.buckets.delete(k);
    }, 60_000);
    sweep.unref();
  }

  /**
   * Takes a token for `client`: 0 when admitted, else the seconds to wait (Retry-After). A
   * client with a rate of its own (an API key's per-minute limit) names it.
   */
  take(client: string, own?: { perSecond: number; burst: number }): number {
    const perSecond = own?.perSecond ?? this.perSecond;
    const burst = own?.burst ?? this.burst;
    const now = Date.now();
    let b = this.buckets.get(client);
    if (!b) this.buckets.set(client, (b = { tokens: burst, at: now }));
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * perSecond);
    b.at = now;
    if (b.tokens < 1) return Math.max(1, Math.ceil((1 - b.tokens) / perSecond));
    b.tokens -= 1;
    return 0;
  }
}

/**
 * Failed authentications (forged signatures, wrong device tokens) per key, e.g. client
 * address and tenant: `burst` failures are allowed at once, then `perSecond` on average.
 * While a key has none left, its requests are refused before any body is read or any
 * signature computed, so guessing costs the guesser time and the relay nothing.
 */
export class FailureThrottle {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
  ) {
    const sweep = setInterval(() => {
      const now = Date.now();
      for (const [k, b] of this.buckets) if (now - b.at > 600_000) this.buckets.delete(k);
    }, 60_000);
    sweep.unref();
  }

  private refill(key: string): Bucket | undefined {
    const b = this.buckets.get(key);
    if (!b) return undefined;
    const now = Date.now();
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.perSecond);
    b.at = now;
    return b;
  }

  /** 0 when `key` may try again, else the seconds until it may (Retry-After). */
  blocked(key: string): number {
    const b = this.refill(key);
    return !b || b.tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - b.tokens) / this.perSecond));
  }

  /** Counts one failure of `key`. */
  failed(key: string): void {
    let b = this.refill(key);
    if (!b) {
      // A flood of distinct keys (spoofed addresses) cannot grow this without bound.
      if (this.buckets.size >= 100_000) this.buckets.clear();
      this.buckets.set(key, (b = { tokens: this.burst, at: Date.now() }));
    }
    b.tokens = Math.max(0, b.tokens - 1);
  }
}
