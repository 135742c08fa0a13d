// `npm run relay`: starts the relay from the environment (see docs/operations/relay.md), or
// `npm run relay -- admin …` for tenant administration. Stops gracefully on SIGTERM/SIGINT.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type RelayConfig } from './config';
import { runAdmin } from './cli/admin';
import { createLogger } from './log';
import { startRelayWithConfig } from './relay';

/** Embedded PGlite is one process per data directory; a second one would corrupt it. */
function lockDataDir(config: RelayConfig): (() => void) | string {
  if (config.databaseUrl) return () => undefined;
  mkdirSync(config.dataDir, { recursive: true });
  const file = path.join(config.dataDir, 'relay.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch {
      const pid = Number(readFileSync(file, 'utf8'));
      let alive = false;
      try {
        process.kill(pid, 0);
        alive = pid !== process.pid;
      } catch {
        alive = false;
      }
      if (alive) return `Another relay process (pid ${pid}) uses the data directory ${config.dataDir}; stop it first, or use DATABASE_URL.`;
      rmSync(file, { force: true });
    }
  }
  return `Cannot lock the data directory ${config.dataDir}`;
}

const loaded = loadConfig(process.env);
if (!loaded.ok) {
  process.stderr.write(`The relay cannot start; fix its environment:\n${loaded.problems.map((p) => `  - ${p}`).join('\n')}\n`);
  process.exit(2);
}
const config = loaded.config;
const unlock = lockDataDir(config);
if (typeof unlock === 'string') {
  process.stderr.write(`${unlock}\n`);
  process.exit(1);
}

const argv = process.argv.slice(2);
if (argv[0] === 'admin') {
  const code = await runAdmin(argv.slice(1), config).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : JSON.stringify(err)}\n`);
    return 1;
  });
  unlock();
  process.exit(code);
}

const logger = createLogger({ level: config.logLevel });
let relay;
try {
  relay = await startRelayWithConfig(config, logger);
} catch (err) {
  logger.fatal({ err }, 'relay failed to start');
  unlock();
  process.exit(1);
}
let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping relay');
  void relay.close().then(
    () => {
      unlock();
      process.exit(0);
    },
    (err: unknown) => {
      logger.error({ err }, 'relay did not stop cleanly');
      unlock();
      process.exit(1);
    },
  );
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
