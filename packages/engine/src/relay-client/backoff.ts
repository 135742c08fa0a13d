// Reconnect delays: exponential with full jitter, so a relay restart is not met by every
// desktop of every organisation at the same instant.

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

export const defaultBackoff: BackoffOptions = { initialMs: 500, maxMs: 30_000 };

/** Delay before reconnect attempt `attempt` (1-based): uniform in [initial/2, min(max, initial·2^(attempt-1))]. */
export function reconnectDelay(attempt: number, opts: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(opts.maxMs, opts.initialMs * 2 ** Math.max(0, attempt - 1));
  const floor = Math.min(opts.initialMs / 2, ceiling);
  return Math.round(floor + random() * (ceiling - floor));
}
