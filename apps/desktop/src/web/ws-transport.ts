// Carries RPC wire messages over one WebSocket connection between the UI and the engine.
import type { WebSocket } from 'ws';
import type { Transport } from '@gdial/engine';

export function webSocketTransport(ws: WebSocket): Transport {
  return {
    send(message) {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    },
    onMessage(handler) {
      ws.on('message', (data: Buffer, isBinary) => {
        if (isBinary) return;
        let parsed: unknown;
        try {
          parsed = JSON.parse(data.toString('utf8'));
        } catch {
          return;
        }
        handler(parsed);
      });
    },
    onClose(handler) {
      ws.on('close', handler);
    },
  };
}
