// What the health rules read that nothing else keeps: each provider's recent send results,
// counted as the dispatcher gets them back. Failures that are about the person (an invalid
// number, an opt-out) are answers, not provider errors, and count as successful sends.
import type { FailureClass } from '@gdial/protocol';
import type { SendResult } from '../../campaigns/ports';

/** Results older than this no longer count. */
export const SEND_WINDOW_MS = 10 * 60_000;
/** Per provider at most; a provider sending faster than this per window is judged on its latest sends. */
const MAX_PER_PROVIDER = 20_000;

const aboutThePerson: ReadonlySet<FailureClass> = new Set(['invalid-recipient', 'opted-out']);

export interface ProviderSends {
  provider: string;
  sends: number;
  failures: number;
}

export class SendOutcomes {
  /** Per provider: when each result came and whether it was a provider error, oldest first. */
  private readonly results = new Map<string, { at: number; failed: boolean }[]>();

  constructor(private readonly clock: () => number) {}

  record(provider: string, outcome: SendResult): void {
    let list = this.results.get(provider);
    if (!list) this.results.set(provider, (list = []));
    list.push({ at: this.clock(), failed: !outcome.ok && !aboutThePerson.has(outcome.error.class) });
    if (list.length > MAX_PER_PROVIDER) list.splice(0, list.length - MAX_PER_PROVIDER);
  }

  /** Each provider's sends and errors in the window (providers with none left are forgotten). */
  recent(): ProviderSends[] {
    const since = this.clock() - SEND_WINDOW_MS;
    const out: ProviderSends[] = [];
    for (const [provider, list] of this.results) {
      const first = list.findIndex((r) => r.at >= since);
      if (first === -1) {
        this.results.delete(provider);
        continue;
      }
      if (first > 0) list.splice(0, first);
      out.push({ provider, sends: list.length, failures: list.filter((r) => r.failed).length });
    }
    return out;
  }
}
