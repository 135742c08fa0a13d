// A stand-in for the relay in adapter tests: receives the simulator's webhooks, turns each
// into the RawWebhook envelope the relay would commit, and lets tests wait for one by
// condition (never by sleeping).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RawWebhook, WebhookKind } from '@gdial/protocol';

export interface Hit {
  path: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  raw: string;
  query: Record<string, string>;
  form: Record<string, string | string[]>;
  webhook: RawWebhook | null;
}

export type Answer = { status?: number; type?: string; body?: string | Buffer };

const KINDS: Record<string, WebhookKind> = {
  '/hooks/twilio/message-status': 'twilio.message-status',
  '/hooks/twilio/call-status': 'twilio.call-status',
  '/hooks/twilio/inbound': 'twilio.inbound-message',
  '/hooks/twilio/gather': 'twilio.gather',
  '/hooks/sendgrid/events': 'sendgrid.events',
  '/hooks/telegram/update': 'telegram.update',
  '/hooks/elks/sms-status': 'elks.sms-status',
  '/hooks/elks/inbound': 'elks.inbound-sms',
  '/hooks/elks/call-hangup': 'elks.call-hangup',
  '/hooks/elks/ivr': 'elks.ivr',
};

export interface HookServer {
  url: string;
  hits: Hit[];
  webhooks(): RawWebhook[];
  waitFor(match: (hit: Hit) => boolean, timeoutMs?: number): Promise<Hit>;
  close(): Promise<void>;
}

export async function startHookServer(answer: (hit: Hit) => Answer | Promise<Answer> = () => ({})): Promise<HookServer> {
  const hits: Hit[] = [];
  const waiters = new Set<{ match: (h: Hit) => boolean; resolve: (h: Hit) => void }>();
  let base = '';
  let seq = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const u = new URL(req.url ?? '/', base);
      const form: Record<string, string | string[]> = {};
      if ((req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
        for (const [k, v] of new URLSearchParams(raw)) {
          const prev = form[k];
          form[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
        }
      }
      const kind = KINDS[u.pathname];
      const hit: Hit = {
        path: u.pathname,
        url: `${base}${req.url ?? '/'}`,
        headers: req.headers,
        raw,
        query: Object.fromEntries(u.searchParams),
        form,
        webhook: kind
          ? {
              kind,
              eventKey: `test-${++seq}`,
              receivedAt: new Date().toISOString(),
              query: Object.fromEntries(u.searchParams),
              body: kind.startsWith('twilio.') || kind.startsWith('elks.') ? form : (JSON.parse(raw) as unknown),
            }
          : null,
      };
      void Promise.resolve(answer(hit)).then((a) => {
        hits.push(hit);
        for (const w of [...waiters]) {
          if (w.match(hit)) {
            waiters.delete(w);
            w.resolve(hit);
          }
        }
        res.writeHead(a.status ?? 200, { 'content-type': a.type ?? 'text/plain' });
        res.end(a.body ?? '');
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    hits,
    webhooks: () => hits.flatMap((h) => (h.webhook ? [h.webhook] : [])),
    waitFor: (match, timeoutMs = 10_000) => {
      const found = hits.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = {
          match,
          resolve: (h: Hit) => {
            clearTimeout(timer);
            resolve(h);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`No matching webhook within ${timeoutMs} ms (got ${hits.map((h) => h.path).join(', ') || 'none'})`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on, for connection-refused tests. */
export async function deadUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
