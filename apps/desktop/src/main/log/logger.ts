// The main process's logger: JSON lines into a rotating file (and the terminal during
// development). Modules take a child logger. Secrets and personal data never reach it:
// values under secret-looking keys are censored and phone numbers, e-mail addresses and
// personal identity numbers masked at any depth (@gdial/protocol log-redaction), and URLs
// are logged without their query strings by the callers (see navigation.describeUrl).
import { pinoRedaction, redactChildBindings } from '@gdial/protocol';
import { pino, type DestinationStream, type Logger } from 'pino';

/** Keys whose values never reach a log, besides every secret-named key. */
const NEVER_LOGGED = ['value', 'body', 'text'];

export function createMainLogger(opts: { destination: DestinationStream; level?: string; alsoToStdout?: boolean }): Logger {
  const streams: pino.StreamEntry[] = [{ stream: opts.destination }];
  if (opts.alsoToStdout) streams.push({ stream: process.stdout });
  return redactChildBindings(
    pino(
      {
        name: 'gdial-main',
        level: opts.level ?? process.env.GDIAL_LOG_LEVEL ?? 'info',
        ...pinoRedaction({ extraKeys: NEVER_LOGGED }),
      },
      pino.multistream(streams),
    ),
    { extraKeys: NEVER_LOGGED },
  );
}
