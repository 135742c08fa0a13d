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

  /** Takes a token for `client`: 0 when admitted, else the seconds to wait (Retry-After). */
  take(client: string): number {
    const now = Date.now();
    let b = this.buckets.get(client);
    if (!b) this.buckets.set(client, (b = { tokens: this.burst, at: now }));
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.perSecond);
    b.at = now;
    if (b.tokens < 1) return Math.max(1, Math.ceil((1 - b.tokens) / this.perSecond));
    b.tokens -= 1;
    return 0;
  }
}
