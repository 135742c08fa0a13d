// The engine's one logger. Modules take a child (`logger.child({ module: 'dispatcher' })`).
// Production logs must not carry phone numbers, e-mail addresses, personal identity numbers,
// message bodies or secrets at any depth: the redaction (@gdial/protocol log-redaction) is
// applied to every line, whatever module wrote it.
import { maskPhoneNumbers, pinoRedaction, redactChildBindings } from '@gdial/protocol';
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/** "+46701234567" → "+4670*****67": enough to tell numbers apart, not enough to dial. */
export const maskPhone = maskPhoneNumbers;

/** Keys whose values never reach a log, besides every secret-named key (see @gdial/protocol log-redaction). */
const NEVER_LOGGED = ['body', 'text'];

export function createLogger(opts: { level?: string; destination?: DestinationStream; name?: string } = {}): Logger {
  return redactChildBindings(
    pino(
      {
        name: opts.name ?? 'gdial-engine',
        level: opts.level ?? process.env.GDIAL_LOG_LEVEL ?? 'info',
        ...pinoRedaction({ extraKeys: NEVER_LOGGED }),
      },
      opts.destination,
    ),
    { extraKeys: NEVER_LOGGED },
  );
}

/** A logger that drops everything, for tests and benchmarks. */
export const silentLogger = (): Logger => pino({ level: 'silent' });
