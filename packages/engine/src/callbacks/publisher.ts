// People who call back (issue #21): the relay answers calls to the alert number by itself,
// so this desktop tells it, as it sends, the latest alert each phone number was sent (the
// delivery a press on 1 confirms and the call flow whose message the caller hears). Records
// are kept here, the newest per number, until the relay has taken them: a relay that is away
// gets them on the next flush. The relay keeps the newest by sent time whatever the order.
import { callbackPhoneSchema, type CallbackTarget } from '@gdial/protocol';
import type { Logger } from '../log';
import type { RelayApi } from '../relay-client';

/** How often waiting records are sent, in milliseconds. */
export const CALLBACK_FLUSH_MS = 2_000;
/** Records per request (the relay accepts at most 1,000). */
const BATCH = 500;

export interface CallbackPublisher {
  /** Notes that `target.phone` was just sent `target.deliveryToken`. */
  note(target: CallbackTarget): void;
}

export class RelayCallbackPublisher implements CallbackPublisher {
  private api: RelayApi | null = null;
  private readonly pending = new Map<string, CallbackTarget>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  constructor(private readonly log?: Logger) {}

  setRelay(api: RelayApi | null): void {
    this.api = api;
    if (api && this.pending.size > 0) this.schedule();
  }

  note(target: CallbackTarget): void {
    // Only numbers a provider can show as a caller; e-mail and chat addresses never call.
    if (!callbackPhoneSchema.safeParse(target.phone).success) return;
    this.pending.set(target.phone, target);
    this.schedule();
  }

  /** Records not yet taken by the relay (for tests and the health view). */
  waiting(): number {
    return this.pending.size;
  }

  /** Sends what waits now; resolves when the relay answered (records stay on failure). */
  async flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = this.send().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.timer || !this.api) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush().then(() => {
        if (this.pending.size > 0) this.schedule();
      });
    }, CALLBACK_FLUSH_MS);
    this.timer.unref?.();
  }

  private async send(): Promise<void> {
    const api = this.api;
    if (!api) return;
    while (this.pending.size > 0) {
      const batch = [...this.pending.values()].slice(0, BATCH);
      const r = await api.putCallbacks({ targets: batch });
      if (!r.ok) {
        this.log?.warn({ err: r.error.message, waiting: this.pending.size }, 'call-back records not taken by the relay; retried later');
        return;
      }
      // A newer record noted while this one was on its way stays for the next round.
      for (const t of batch) if (this.pending.get(t.phone) === t) this.pending.delete(t.phone);
    }
  }
}
