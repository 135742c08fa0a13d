// Personal data and secrets kept out of log lines, at any depth: the engine's, the desktop
// app's and the relay's loggers all pass what they are given through `redactForLog` before a
// line is written. Phone numbers, e-mail addresses and Swedish personal identity numbers are
// masked wherever they appear in a string (nested objects, arrays, error messages and
// stacks); values under a key that names a secret (Authorization in any case, tokens, keys,
// passwords, cookies) are replaced whole.

export const LOG_REDACTED = '[redacted]';

/** A key whose value is a secret, in any case and anywhere in the name ("x-auth-token", "apiKey", "Authorization"). */
const SECRET_KEY = /authori[sz]ation|cookie|passw(or)?d|passphrase|secret|token|api[-_]?key|private[-_]?key|credential|signature|sealed/i;

/** Personal identity number (personnummer / samordningsnummer): [CC]YYMMDD[-+]NNNN. */
const PERSONAL_NUMBER = /(?<![\w-])(?:19|20)?\d{2}[01]\d[0-9]\d[-+]?\d{4}(?!\w)/g;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;
// Not inside a longer token: a UUID or a hex id holds digit runs that are no phone number.
const PHONE = /(?<![\w-])\+?\d[\d\s-]{6,}\d(?!\w)/g;

/** "+46701234567" → "+4670*****67": enough to tell numbers apart, not enough to dial. */
export function maskPhoneNumbers(value: string): string {
  return value.replace(PHONE, (m) => {
    const digits = m.replace(/[^\d+]/g, '');
    return digits.length < 8 ? m : digits.slice(0, 5) + '*'.repeat(digits.length - 7) + digits.slice(-2);
  });
}

/** Every phone number, e-mail address and personal identity number in `text`, masked. */
export function maskPersonalData(text: string): string {
  if (!/\d|@/.test(text)) return text;
  const masked = text.replace(PERSONAL_NUMBER, '[personnummer]').replace(EMAIL, (m) => `${m[0]}***@${m.slice(m.lastIndexOf('@') + 1)}`);
  return maskPhoneNumbers(masked);
}

const MAX_DEPTH = 12;

export interface RedactOptions {
  /** More keys whose values are never logged (matched whole, any case): e.g. message bodies. */
  extraKeys?: readonly string[];
}

/**
 * A copy of `value` fit for a log line: strings masked, secret-named keys censored, errors
 * as plain objects (type, message, stack, code, their own fields) redacted the same way,
 * cycles and nesting past 12 levels cut. Plain values come back unchanged.
 */
export function redactForLog(value: unknown, opts: RedactOptions = {}): unknown {
  const extra = new Set((opts.extraKeys ?? []).map((k) => k.toLowerCase()));
  const secretKey = (k: string) => SECRET_KEY.test(k) || extra.has(k.toLowerCase());
  const seen = new WeakSet<object>();
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return maskPersonalData(v);
    if (typeof v !== 'object' || v === null) return v;
    if (seen.has(v)) return '[circular]';
    if (depth >= MAX_DEPTH) return '[too deep]';
    seen.add(v);
    try {
      if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
      if (v instanceof Date) return v;
      if (v instanceof Uint8Array) return `[${v.length} bytes]`;
      // An error stays an error (same prototype), so a logger's error serialiser names its
      // type; its message and stack are own fields, masked.
      const out: Record<string, unknown> =
        v instanceof Error ? (Object.create(Object.getPrototypeOf(v) as object) as Record<string, unknown>) : {};
      if (v instanceof Error) {
        out.type = v.name;
        out.message = maskPersonalData(v.message);
        if (v.stack) out.stack = maskPersonalData(v.stack);
        if (v.cause !== undefined) out.cause = walk(v.cause, depth + 1);
      }
      for (const [k, x] of Object.entries(v)) out[k] = secretKey(k) ? LOG_REDACTED : walk(x, depth + 1);
      return out;
    } finally {
      seen.delete(v);
    }
  };
  return walk(value, 0);
}

/**
 * pino options that redact every line (merge into a logger's options): the logged object
 * through `redactForLog`, the message and its arguments masked. An error passed first stays
 * an error under `err`, redacted. A child's bindings are not seen by these hooks (pino
 * serialises them once, when the child is made): pass the logger to `redactChildBindings`.
 */
export function pinoRedaction(opts: RedactOptions = {}) {
  const redact = (v: unknown) => redactForLog(v, opts);
  return {
    hooks: {
      logMethod(this: unknown, args: unknown[], method: (...a: unknown[]) => void) {
        const redacted = args.map((a, i) => (i === 0 && a instanceof Error ? { err: redact(a) } : redact(a)));
        method.apply(this, redacted);
      },
    },
  };
}

/**
 * Makes every child of `logger` (and their children, which inherit from it) redact its
 * bindings as they are given: `logger.child({ tenant, caller: '+4670…' })` stores them masked.
 */
export function redactChildBindings<L extends object>(logger: L, opts: RedactOptions = {}): L {
  const original = (logger as unknown as { child: (bindings: unknown, options?: unknown) => unknown }).child;
  Object.defineProperty(logger, 'child', {
    configurable: true,
    writable: true,
    value: function child(this: unknown, bindings: unknown, options?: unknown) {
      return original.call(this, redactForLog(bindings, opts), options);
    },
  });
  return logger;
}
