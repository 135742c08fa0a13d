// Transport failures (no HTTP answer) in GDial's failure classes. Whether the request may
// have reached the provider matters: a refused connection certainly did not, a timeout or
// a reset after sending may have, and then the dispatcher reconciles before resending.
import type { SendError } from './types';

const NEVER_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_INVALID_URL',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export function classifyNetworkError(error: unknown): SendError {
  const err = error as { code?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown }; name?: unknown };
  const code =
    typeof err.code === 'string'
      ? err.code
      : typeof err.cause?.code === 'string'
        ? err.cause.code
        : err.name === 'TimeoutError'
          ? 'ETIMEDOUT'
          : 'NETWORK';
  const message = typeof err.message === 'string' ? err.message : String(error);
  return { class: 'transient', code, message, retryAfterMs: null, maybeSent: !NEVER_SENT.has(code) };
}
