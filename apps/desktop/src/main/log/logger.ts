// The main process's logger: JSON lines into a rotating file (and the terminal during
// development). Modules take a child logger. Secrets never reach it: values under
// secret-looking keys are censored, and URLs are logged without their query strings by
// the callers (see navigation.describeUrl).
import { pino, type DestinationStream, type Logger } from 'pino';

const SECRET_KEYS = ['token', 'authToken', 'apiKey', 'password', 'secret', 'value', 'sealed', 'body', 'text'];

export function createMainLogger(opts: { destination: DestinationStream; level?: string; alsoToStdout?: boolean }): Logger {
  const streams: pino.StreamEntry[] = [{ stream: opts.destination }];
  if (opts.alsoToStdout) streams.push({ stream: process.stdout });
  return pino(
    {
      name: 'gdial-main',
      level: opts.level ?? process.env.GDIAL_LOG_LEVEL ?? 'info',
      redact: { paths: SECRET_KEYS.flatMap((k) => [k, `*.${k}`]), censor: '[redacted]' },
    },
    pino.multistream(streams),
  );
}
