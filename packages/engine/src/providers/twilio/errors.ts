// Twilio's error codes sorted into GDial's failure classes, for synchronous API errors
// (RestException) and for the asynchronous ErrorCode of status callbacks and fetches.
import type { FailureClass, ProviderFailure } from '@gdial/protocol';
import { mayHaveBeenCarriedOut, type SendError } from '../types';
import { classifyNetworkError } from '../network';

/** Waiting time suggested after Twilio's 429, which carries no Retry-After. */
const RATE_LIMIT_BACKOFF_MS = 1_000;
/** A sender whose queue is full (21611) drains at its throughput; give it a minute. */
const QUEUE_FULL_BACKOFF_MS = 60_000;

const SYNC_CLASSES: Record<number, FailureClass> = {
  20003: 'auth',
  20005: 'auth',
  20006: 'auth',
  20008: 'auth',
  20429: 'rate-limited',
  21211: 'invalid-recipient',
  21214: 'invalid-recipient',
  21217: 'invalid-recipient',
  21401: 'invalid-recipient',
  21407: 'invalid-recipient',
  21421: 'invalid-recipient',
  21612: 'invalid-recipient',
  21614: 'invalid-recipient',
  13223: 'invalid-recipient',
  13224: 'invalid-recipient',
  21408: 'permanent',
  21215: 'permanent',
  21610: 'opted-out',
  21611: 'rate-limited',
  30001: 'rate-limited',
};

const ASYNC_CLASSES: Record<number, FailureClass> = {
  30001: 'transient',
  30002: 'auth',
  30003: 'transient',
  30004: 'opted-out',
  30005: 'invalid-recipient',
  30006: 'invalid-recipient',
  30007: 'permanent',
  30008: 'transient',
  30034: 'permanent',
  63003: 'invalid-recipient',
  63016: 'permanent',
  63024: 'invalid-recipient',
};

export const ASYNC_MESSAGES: Record<number, string> = {
  30001: 'Queue overflow',
  30002: 'Account suspended',
  30003: 'Unreachable destination handset',
  30004: 'Message blocked by the recipient',
  30005: 'Unknown destination handset',
  30006: 'Landline or unreachable carrier',
  30007: 'Message filtered by the carrier',
  30008: 'Unknown error',
  63016: 'WhatsApp: outside the 24-hour window; a template is required',
};

/** The failure an asynchronous ErrorCode stands for. */
export function asyncFailure(code: number, message?: string | null): ProviderFailure {
  return {
    class: ASYNC_CLASSES[code] ?? 'permanent',
    code: String(code),
    message: message || ASYNC_MESSAGES[code] || `Twilio error ${code}`,
  };
}

interface RestExceptionLike {
  status: number;
  code?: number;
  message: string;
}

const isRestException = (error: unknown): error is RestExceptionLike =>
  typeof error === 'object' && error !== null && typeof (error as { status?: unknown }).status === 'number' && 'moreInfo' in error;

/** Classifies whatever the twilio SDK threw. */
export function classifyTwilioError(error: unknown): SendError {
  if (isRestException(error)) {
    const code = error.code ?? error.status;
    const byCode = SYNC_CLASSES[code];
    const cls: FailureClass =
      byCode ??
      (error.status === 401 || error.status === 403
        ? 'auth'
        : error.status === 429
          ? 'rate-limited'
          : error.status >= 500
            ? 'transient'
            : 'permanent');
    const retryAfterMs = cls === 'rate-limited' ? (code === 21611 || code === 30001 ? QUEUE_FULL_BACKOFF_MS : RATE_LIMIT_BACKOFF_MS) : null;
    return { class: cls, code: String(code), message: error.message, retryAfterMs, maybeSent: mayHaveBeenCarriedOut(error.status) };
  }
  return classifyNetworkError(error);
}
