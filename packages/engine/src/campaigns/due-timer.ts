// One timer for "the earliest of some moments": the scheduler's next scheduled start and the
// next escalation wave both run what is due, then arm again for the next moment, and look
// again at least every `pollMs` so a changed clock (sleep, DST, a test's clock) is noticed.

export interface DueTimerOptions {
  /** The earliest moment something is due (ms, the clock's time), or null when nothing is. */
  next: () => number | null;
  /** Runs what is due; it calls `arm` again when it is done. */
  run: () => void;
  clock: () => number;
  pollMs: number;
}

export class DueTimer {
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(private readonly opts: DueTimerOptions) {}

  /** Starts: runs what is due now (missed while closed, too). */
  open(): void {
    this.running = true;
    this.opts.run();
  }

  close(): void {
    this.running = false;
    this.clear();
  }

  /** Sets the timer for the earliest moment (nothing while closed). */
  arm(): void {
    if (!this.running) return;
    this.clear();
    const next = this.opts.next();
    if (next === null) return;
    this.timer = setTimeout(() => this.opts.run(), Math.min(this.opts.pollMs, Math.max(0, next - this.opts.clock())));
    this.timer.unref?.();
  }

  private clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
