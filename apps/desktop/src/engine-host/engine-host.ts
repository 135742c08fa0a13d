// Entry of the engine's utility process (bundled to dist/engine-host/engine-host.js and
// started by the main process with utilityProcess.fork). Logs go to stdout as JSON lines;
// the main process writes them to the rotating engine log.
import type { MessagePortMain } from 'electron';
import { createLogger, startEngine } from '@gdial/engine';
import { runEngineHost, type ClientPort } from './host';

const logger = createLogger({ name: 'gdial-engine' });
const parentPort = process.parentPort;

process.on('uncaughtException', (err) => {
  logger.fatal({ err }, 'uncaught exception in the engine process');
  process.exit(70);
});
process.on('unhandledRejection', (err) => {
  logger.fatal({ err }, 'unhandled rejection in the engine process');
  process.exit(70);
});

runEngineHost({
  logger,
  // EngineOptions has no slot for the secret vault yet; once the engine takes one (for
  // provider credentials and the relay token), pass `services.vault` here.
  startEngine: (opts, _services) => startEngine(opts),
  exit: (code) => process.exit(code),
  parent: {
    postMessage: (m) => parentPort.postMessage(m),
    onMessage: (listener) =>
      parentPort.on('message', (e) => listener(e.data, e.ports.map((p: MessagePortMain): ClientPort => p))),
  },
});
