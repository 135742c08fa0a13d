// The engine's one logger. Modules take a child (`logger.child({ module: 'dispatcher' })`).
// Production logs must not carry whole phone numbers, message bodies or secrets: the
// redaction below is applied to every line, whatever module wrote it.
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

const PHONE = /\+?\d[\d\s-]{6,}\d/g;

/** "+46701234567" → "+4670*****67": enough to tell numbers apart, not enough to dial. */
export function maskPhone(value: string): string {
  return value.replace(PHONE, (m) => {
    const digits = m.replace(/[^\d+]/g, '');
    if (digits.length < 8) return m;
    return digits.slice(0, 5) + '*'.repeat(digits.length - 7) + digits.slice(-2);
  });
}

const SECRET_KEYS = ['authToken', 'apiKey', 'token', 'password', 'secret', 'body', 'text', 'Body'];

export function createLogger(opts: { level?: string; destination?: DestinationStream; name?: string } = {}): Logger {
  return pino(
    {
      name: opts.name ?? 'gdial-engine',
      level: opts.level ?? process.env.GDIAL_LOG_LEVEL ?? 'info',
      redact: {
        paths: SECRET_KEYS.flatMap((k) => [k, `*.${k}`]),
        censor: '[redacted]',
      },
      formatters: {
        log(obj) {
          for (const [k, v] of Object.entries(obj)) {
            if (typeof v === 'string') obj[k] = maskPhone(v);
          }
          return obj;
        },
      },
      hooks: {
        logMethod(args, methodFn) {
          const masked = args.map((a) => (typeof a === 'string' ? maskPhone(a) : a)) as Parameters<typeof methodFn>;
          methodFn.apply(this, masked);
        },
      },
    },
    opts.destination,
  );
}

/** A logger that drops everything, for tests and benchmarks. */
export const silentLogger = (): Logger => pino({ level: 'silent' });
