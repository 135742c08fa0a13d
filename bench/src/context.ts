/** What every benchmark receives from the runner. */
export interface BenchContext {
  /** `--key value` pairs from the command line, e.g. `--rows 10000`. */
  options: Record<string, string>;
  /** Prints one JSON line on stdout; the runner adds `"bench": NAME`. */
  emit: (row: Record<string, unknown>) => void;
  /** A progress line on stderr. */
  progress: (message: string) => void;
}

/**
 * The key the engine's benches encrypt their databases with: set by `--encrypt` (any bench)
 * and by store-encryption, which runs the store benches without and with it in one run.
 */
export const benchStore: { key: string | undefined } = { key: undefined };
/** openStore options for a bench's store (its key when encrypting). */
export const storeKey = (): { key?: string } => (benchStore.key ? { key: benchStore.key } : {});
/** startEngine options for a bench's engine (its key when encrypting). */
export const engineEncryption = (): { encryption?: { key: string } } => (benchStore.key ? { encryption: { key: benchStore.key } } : {});

/** The p-th percentile (0–100) of a list of numbers, by nearest rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const round = (n: number, digits = 2): number => Number(n.toFixed(digits));
