// How long the database's write transactions take, kept for the health rule on write
// latency: the last few thousand top-level transactions with when each ended. A slow disk,
// a full one, or a checkpoint fighting the writers shows here before operators feel it.

/** Enough for minutes of a busy dispatcher; older samples are overwritten. */
const CAPACITY = 4_096;

export interface WriteLatency {
  /** Transactions in the window. */
  count: number;
  /** Their 99th percentile in milliseconds (0 when there are none). */
  p99Ms: number;
}

export class WriteTimes {
  private readonly ms = new Float64Array(CAPACITY);
  private readonly at = new Float64Array(CAPACITY);
  private next = 0;
  private filled = 0;

  constructor(private readonly clock: () => number = Date.now) {}

  record(durationMs: number): void {
    this.ms[this.next] = durationMs;
    this.at[this.next] = this.clock();
    this.next = (this.next + 1) % CAPACITY;
    if (this.filled < CAPACITY) this.filled++;
  }

  /** The transactions that ended in the last `windowMs`. */
  latency(windowMs: number): WriteLatency {
    const since = this.clock() - windowMs;
    const recent: number[] = [];
    for (let i = 0; i < this.filled; i++) if (this.at[i]! >= since) recent.push(this.ms[i]!);
    if (recent.length === 0) return { count: 0, p99Ms: 0 };
    recent.sort((a, b) => a - b);
    return { count: recent.length, p99Ms: recent[Math.min(recent.length - 1, Math.ceil(recent.length * 0.99) - 1)]! };
  }
}
