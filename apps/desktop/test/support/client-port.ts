// Node's worker_threads MessagePort standing in for Electron's MessagePortMain on the
// engine host's side (the ClientPort interface).
import type { MessagePort } from 'node:worker_threads';
import type { ClientPort } from '../../src/engine-host/host';

export const asClientPort = (p: MessagePort): ClientPort => ({
  on(event: 'message' | 'close', listener: (e: { data: unknown }) => void) {
    if (event === 'message') p.on('message', (data: unknown) => listener({ data }));
    else p.on('close', () => (listener as () => void)());
    return p;
  },
  postMessage: (m) => p.postMessage(m),
  start: () => p.start(),
  close: () => p.close(),
});
