// The relay's logger (pino). Webhook bodies, tokens and provider secrets never reach a log
// line, at any depth, and phone numbers, e-mail addresses and personal identity numbers are
// masked wherever they appear (@gdial/protocol log-redaction).
import { maskPhoneNumbers, pinoRedaction, redactChildBindings } from '@gdial/protocol';
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** "+46701234567" → "+4670*****67". */
export const maskPhone = maskPhoneNumbers;

/** Keys whose values never reach a log, besides every secret-named key (tokens, Authorization, keys…). */
const NEVER_LOGGED = ['body'];

export function createLogger(opts: { level?: string; destination?: DestinationStream } = {}): Logger {
  const logger = pino(
    { name: 'gdial-relay', level: opts.level ?? 'info', ...pinoRedaction({ extraKeys: NEVER_LOGGED }) },
    opts.destination,
  );
  return redactChildBindings(logger, { extraKeys: NEVER_LOGGED });
}
