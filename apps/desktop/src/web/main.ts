// `npm start`: the browser host on http://127.0.0.1:PORT (default 4780).
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '@gdial/engine';
import { ConfigError, connectivityFromEnv } from './config';
import { startConsole } from './host';

const logger = createLogger({ name: 'gdial' });
const rawPort = process.env.PORT ?? '4780';
const port = Number(rawPort);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`PORT must be a whole number from 0 to 65535, got "${rawPort}".\n`);
  process.exit(2);
}
const dataDir = process.env.GDIAL_DATA_DIR ?? path.join(os.homedir(), '.gdial');

try {
  const connectivity = connectivityFromEnv(process.env);
  const joinDemo = process.env.GDIAL_DEMO_JOIN?.trim() || undefined;
  // The database encrypted at rest with the key in GDIAL_DB_KEY (the desktop app seals its own
  // key in the OS key store; this host has none, so it takes the key from its environment).
  const dbKey = process.env.GDIAL_DB_KEY?.trim() || undefined;
  if (!dbKey) logger.warn('GDIAL_DB_KEY is not set: the database is stored unencrypted');
  const host = await startConsole({
    port,
    dataDir,
    logger,
    connectivity,
    ...(joinDemo ? { joinDemo } : {}),
    ...(dbKey ? { encryption: { key: dbKey } } : {}),
  });
  process.stdout.write(`GDial console: ${host.url}  (data: ${dataDir})\n`);
  if (host.demo) {
    process.stdout.write(`DEMO mode — simulated providers at ${host.demo.simulator.url}, embedded relay at ${host.demo.relay.url}\n`);
    process.stdout.write(
      `A second workstation of the same organisation: GDIAL_DEMO_JOIN=${dataDir} GDIAL_DATA_DIR=${dataDir}-2 PORT=${port === 0 ? 0 : port + 1} npm start\n`,
    );
  } else if (joinDemo) process.stdout.write(`DEMO mode — a second workstation of the demo organisation of ${joinDemo}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    host.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'stopping failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (err) {
  process.stderr.write(`GDial could not start: ${(err as Error).message}\n`);
  if (err instanceof ConfigError) process.exit(2);
  process.exit(1);
}
