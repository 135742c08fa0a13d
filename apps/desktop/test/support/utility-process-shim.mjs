// Runs inside a worker thread and makes it look like an Electron utility process to the
// bundled engine host: process.parentPort with Electron's event shape ({ data, ports })
// and ports with MessagePortMain's shape. Then loads the bundle under test.
import { parentPort, workerData } from 'node:worker_threads';

const asMainPort = (port) => ({
  on(event, listener) {
    if (event === 'message') port.on('message', (data) => listener({ data, ports: [] }));
    else if (event === 'close') port.on('close', listener);
    return this;
  },
  postMessage: (m) => port.postMessage(m),
  start: () => port.start(),
  close: () => port.close(),
});

process.parentPort = {
  on(event, listener) {
    if (event === 'message') parentPort.on('message', (m) => listener({ data: m.data, ports: (m.ports ?? []).map(asMainPort) }));
    return this;
  },
  postMessage: (m) => parentPort.postMessage(m),
};

await import(workerData.bundle);
