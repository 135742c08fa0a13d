// Pieces shared by the simulated 46elks SMS and Calls APIs: 46elks answers errors as a
// plain-text body with a 4xx/5xx status (no JSON, no error codes), ids are a letter and 32
// hex characters, and every callback is an unsigned form post.
import type { ServerResponse } from 'node:http';
import type { SimCore } from '../core';
import { encodeForm } from '../http';
import type { OutboundKind } from '../outbound';

export class ElksApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function sendElksError(res: ServerResponse, error: ElksApiError): void {
  const text = error.message;
  res.writeHead(error.status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** "2026-12-07T03:12:45.123000" as 46elks writes times (UTC, no zone). */
export const elksTime = (date: Date): string => date.toISOString().replace('Z', '000');

/** Posts a callback as 46elks does: form-encoded, unsigned, retried by the outbound queue. */
export function postCallback(core: SimCore, kind: OutboundKind, url: string, params: Record<string, string>, subject: string) {
  return core.outbound.deliver({
    kind,
    url,
    body: encodeForm(params),
    subject,
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
  });
}

/**
 * The failure the control API switched on for a provider's whole API, if any:
 * "server-error" answers 503 before doing anything (the service says it did not handle the
 * request); "auth-rejected" answers 401; "lost-answer" takes a send (the message goes out)
 * and then answers 504 Gateway Timeout, and answers every read 504 (a gateway losing the
 * provider's answers: the sender cannot tell whether it went out, nor look it up).
 */
export type ApiFailure = 'server-error' | 'auth-rejected' | 'lost-answer' | null;

export function apiFailureOf(value: string | null): ApiFailure {
  return value === 'server-error' || value === 'auth-rejected' || value === 'lost-answer' ? value : null;
}
