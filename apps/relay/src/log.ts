// The relay's logger (pino). Webhook bodies, tokens and provider secrets never reach a log
// line, and phone numbers are masked to their first and last digits wherever they appear.
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

const PHONE = /\+?\d[\d\s-]{6,}\d/g;

/** "+46701234567" → "+4670*****67". */
export const maskPhone = (value: string): string =>
  value.replace(PHONE, (m) => {
    const digits = m.replace(/[^\d+]/g, '');
    return digits.length < 8 ? m : digits.slice(0, 5) + '*'.repeat(digits.length - 7) + digits.slice(-2);
  });

const SECRET_KEYS = ['token', 'deviceToken', 'enrolmentToken', 'authToken', 'authorization', 'secret', 'body', 'Body', 'password'];

export function createLogger(opts: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      name: 'gdial-relay',
      level: opts.level ?? 'info',
      redact: { paths: SECRET_KEYS.flatMap((k) => [k, `*.${k}`]), censor: '[redacted]' },
      formatters: {
        log(obj) {
          for (const [k, v] of Object.entries(obj)) if (typeof v === 'string') obj[k] = maskPhone(v);
          return obj;
        },
      },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? maskPhone(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    opts.destination,
  );
}
