// `npm run relay`: starts the relay from the environment (see docs/operations/relay.md), or
// `npm run relay -- admin …` for tenant administration. Stops gracefully on SIGTERM/SIGINT.
import { loadConfig } from './config';
import { runAdmin } from './cli/admin';
import { createLogger } from './log';
import { startRelayWithConfig, type RelayHandle } from './relay';

const loaded = loadConfig(process.env);
if (!loaded.ok) {
  process.stderr.write(`The relay cannot start; fix its environment:\n${loaded.problems.map((p) => `  - ${p}`).join('\n')}\n`);
  process.exit(2);
}
const config = loaded.config;

const argv = process.argv.slice(2);
if (argv[0] === 'admin') {
  const code = await runAdmin(argv.slice(1), config).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : JSON.stringify(err)}\n`);
    return 1;
  });
  process.exit(code);
}

const logger = createLogger({ level: config.logLevel });
let relay: RelayHandle;
try {
  relay = await startRelayWithConfig(config, logger);
} catch (err) {
  logger.fatal({ err }, 'relay failed to start');
  process.stderr.write(`The relay failed to start: ${err instanceof Error ? err.message : JSON.stringify(err)}\n`);
  process.exit(1);
}
let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping relay');
  relay.close().then(
    () => process.exit(0),
    (err: unknown) => {
      logger.error({ err }, 'relay did not stop cleanly');
      process.exit(1);
    },
  );
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
