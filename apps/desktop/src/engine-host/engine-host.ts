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
  startEngine,
  exit: (code) => process.exit(code),
  parent: {
    postMessage: (m) => parentPort.postMessage(m),
    onMessage: (listener) =>
      parentPort.on('message', (e) =>
        listener(
          e.data,
          e.ports.map((p: MessagePortMain): ClientPort => p),
        ),
      ),
  },
});
