// Bounds on what an unauthenticated stranger can make the relay parse. Every webhook body is
// parsed before its signature can be checked (the signature covers the parsed parameters), so
// parsing must be linear in the body and bounded in what it builds: a form body is refused
// when it has too many parameters or is too large, and a JSON value nested deeper than any
// provider sends is refused before it is stored or serialised again.

/** The most parameters a form body may hold (Twilio's callbacks carry a few dozen). */
export const MAX_FORM_PARAMS = 512;
/** The largest form body accepted (an inbound SMS of 1,600 characters with media is far below). */
export const MAX_FORM_BYTES = 64 * 1024;
/** The deepest nesting a JSON webhook may have (SendGrid and Telegram send under ten levels). */
export const MAX_JSON_DEPTH = 32;

export type FormParams = Record<string, string | string[]>;

export type FormResult = { ok: true; params: FormParams } | { ok: false; status: 400 | 413; reason: string };

/**
 * A form-encoded body as Twilio posts it; a repeated key keeps every value in order. Counts
 * the separators before decoding anything, then builds each value list by appending (never
 * by copying), so the work is linear in the body and bounded by `maxParams`.
 */
export function parseFormBounded(raw: Buffer, maxParams = MAX_FORM_PARAMS, maxBytes = MAX_FORM_BYTES): FormResult {
  if (raw.length > maxBytes) return { ok: false, status: 413, reason: `form body over ${maxBytes} bytes` };
  let count = raw.length > 0 ? 1 : 0;
  for (let i = raw.indexOf(0x26); i >= 0; i = raw.indexOf(0x26, i + 1)) {
    if (++count > maxParams) return { ok: false, status: 413, reason: `form body with more than ${maxParams} parameters` };
  }
  const params: FormParams = Object.create(null) as FormParams;
  for (const [k, v] of new URLSearchParams(raw.toString('utf8'))) {
    const prev = params[k];
    if (prev === undefined) params[k] = v;
    else if (Array.isArray(prev)) prev.push(v);
    else params[k] = [prev, v];
  }
  return { ok: true, params };
}

/**
 * How deeply a parsed JSON value nests (a scalar is 0, `[]` is 1), walked without recursion
 * and stopped as soon as it passes `limit`, so a hostile value costs no more than its size.
 */
export function jsonDepthExceeds(value: unknown, limit = MAX_JSON_DEPTH): boolean {
  const stack: Array<{ v: unknown; d: number }> = [{ v: value, d: 0 }];
  while (stack.length > 0) {
    const { v, d } = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d + 1 > limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v))
      if (typeof child === 'object' && child !== null) stack.push({ v: child, d: d + 1 });
  }
  return false;
}

/**
 * Text from a request (a tenant name in a URL, a header) as a log line may hold it: at most
 * `max` characters, anything outside printable ASCII escaped, and the original length named
 * when it was cut, so a log line never grows with what a stranger sent.
 */
export function forLog(text: string, max = 64): string {
  const head = text.length > max ? text.slice(0, max) : text;
  const escaped = head.replace(/[^\x20-\x7e]|\\/g, (c) => (c === '\\' ? '\\\\' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  return text.length > max ? `${escaped}…(${text.length} chars)` : escaped;
}
