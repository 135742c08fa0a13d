// Whether a failed send is about the path or about the person. A failure to reach the
// provider (DNS, connect or TLS failure, timeout, provider 5xx or 429, our credentials
// refused, the relay unreachable for a voice flow) says nothing about the person: it never
// uses up their attempts nor moves them to their next step, and enough of them put the
// channel on hold (Väntar på nät) until a probe gets through. A failure the provider gives
// about this message or number (busy, no answer, invalid or unreachable number, opted out,
// Twilio 21610) is about the person and counts.
import type { FailureClass } from '@gdial/protocol';

export type FailureSide = 'path' | 'person';

export function failureSide(cls: FailureClass): FailureSide {
  switch (cls) {
    case 'transient':
    case 'rate-limited':
    case 'auth':
      return 'path';
    case 'permanent':
    case 'invalid-recipient':
    case 'opted-out':
      return 'person';
    default: {
      const never: never = cls;
      throw new Error(`unknown failure class ${String(never)}`);
    }
  }
}

/** error_code of a row that never went out because its channel's path stayed down until the alert gave up. */
export const NO_NETWORK = 'no-network';
/** error_code of a row the operator skipped while its channel was held. */
export const HELD_SKIPPED = 'held-skipped';

/** Never sent for want of a path: given up, or skipped while held. */
export const notSentForNoPath = (code: string | null): boolean => code === NO_NETWORK || code === HELD_SKIPPED;
