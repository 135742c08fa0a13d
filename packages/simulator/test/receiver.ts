// A local HTTP server standing in for the relay in simulator tests: records every request
// with its raw body, answers with what the test's handler returns, and lets tests wait for
// a request by condition instead of sleeping.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  path: string;
  /** Full URL as the simulator addressed it (for signature checks). */
  url: string;
  headers: http.IncomingHttpHeaders;
  raw: string;
  form: Record<string, string>;
}

export type Reply = { status?: number; type?: string; body?: string | Buffer };

export interface Receiver {
  url: string;
  requests: Received[];
  waitFor(match: (r: Received) => boolean, timeoutMs?: number): Promise<Received>;
  close(): Promise<void>;
}

export async function startReceiver(handler: (r: Received) => Reply | Promise<Reply> = () => ({})): Promise<Receiver> {
  const requests: Received[] = [];
  const waiters: { match: (r: Received) => boolean; resolve: (r: Received) => void }[] = [];
  let base = '';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const received: Received = {
        method: req.method ?? 'GET',
        path: new URL(req.url ?? '/', base).pathname,
        url: `${base}${req.url ?? '/'}`,
        headers: req.headers,
        raw,
        form: (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
          ? Object.fromEntries(new URLSearchParams(raw))
          : {},
      };
      void Promise.resolve(handler(received)).then((reply) => {
        requests.push(received);
        for (const w of [...waiters]) {
          if (w.match(received)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(received);
          }
        }
        res.writeHead(reply.status ?? 200, { 'content-type': reply.type ?? 'text/plain' });
        res.end(reply.body ?? '');
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    waitFor: (match, timeoutMs = 10_000) => {
      const found = requests.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = { match, resolve: (r: Received) => (clearTimeout(timer), resolve(r)) };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(
            new Error(
              `No matching request within ${timeoutMs} ms; got ${requests.map((r) => `${r.method} ${r.path}`).join(', ') || 'none'}`,
            ),
          );
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
