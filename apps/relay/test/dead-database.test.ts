// A database connection that dies silently (issue 23, item 4): packets stop flowing but no
// connection is closed, as when a firewall drops state or a network path fails. The relay's
// requests must fail within their timeout (a 503 the provider retries), /readyz must say so
// while it lasts, and everything must work again once the path is back.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelay, type RelayHandle } from '../src/index';
import { openPostgres } from '../src/store/db';
import { createLogger } from '../src/log';
import { encryptionKey, PG_URL, pgSandbox, twilioSigned, type PgSandbox } from './helpers';

/** A TCP proxy to PostgreSQL that can stop forwarding without closing anything. */
class BlackholeProxy {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private holed = false;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {
    this.server = net.createServer((client) => {
      const upstream = net.connect(target.port, target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.on('data', (d) => void (this.holed || upstream.write(d)));
      upstream.on('data', (d) => void (this.holed || client.write(d)));
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  /** Every packet, on existing and new connections, is dropped until `heal`. */
  hole(): void {
    this.holed = true;
  }

  /** New connections work again; the ones that were black-holed stay dead (as after a real cut). */
  heal(): void {
    for (const s of this.sockets) s.destroy();
    this.holed = false;
  }

  /** Every connection is cut at once (as a restarted database or a reset path does). */
  cut(): void {
    for (const s of this.sockets) s.destroy();
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

describe('a silently dead database connection', () => {
  let proxy: BlackholeProxy;
  let sandbox: PgSandbox;
  let relay: RelayHandle;
  let token: string;
  beforeAll(async () => {
    const pgUrl = new URL(PG_URL);
    proxy = new BlackholeProxy({ host: pgUrl.hostname, port: Number(pgUrl.port || 5432) });
    await proxy.start();
    sandbox = pgSandbox();
    const viaProxy = new URL(PG_URL);
    viaProxy.port = String(proxy.port);
    relay = await startRelay({
      encryptionKey: encryptionKey(),
      databaseUrl: viaProxy.toString(),
      dbSchema: sandbox.schema,
      dbAppRole: sandbox.appRole,
      dbQueryTimeoutMs: 1500,
      pollIntervalMs: 200,
    });
    await relay.admin.createTenant('dead-org', 'Dead');
    token = 'tok-dead';
    await relay.admin.setCredentials('dead-org', { twilioAuthToken: token });
  }, 120_000);
  afterAll(async () => {
    proxy?.heal();
    await relay?.close();
    await proxy?.stop();
    await sandbox?.drop();
  }, 60_000);

  const send = (sid: string) => {
    const url = `${relay.publicBaseUrl}/hooks/dead-org/twilio/message-status`;
    const s = twilioSigned(token, url, { MessageSid: sid, MessageStatus: 'sent' });
    return fetch(url, { method: 'POST', headers: s.headers, body: s.body, signal: AbortSignal.timeout(10_000) });
  };
  const ready = async () => (await fetch(`${relay.url}/readyz`, { signal: AbortSignal.timeout(8000) })).status;

  it('answers 503 within the timeout instead of hanging, says so on /readyz, and recovers', async () => {
    expect((await send('SM-1')).status).toBe(204);
    expect(await ready()).toBe(200);
    proxy.hole();
    const during = await send('SM-2').then(
      (r) => r.status,
      () => 'hung',
    );
    expect(during).toBe(503);
    expect(await ready()).toBe(503);
    proxy.heal();
    let status = 0;
    for (let i = 0; i < 50 && status !== 204; i++) {
      status = (await send('SM-3')).status;
      if (status !== 204) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(204);
    expect(await ready()).toBe(200);
  }, 60_000);

  it('survives a connection cut while a transaction holds it: the transaction fails, the process does not', async () => {
    const viaProxy = new URL(PG_URL);
    viaProxy.port = String(proxy.port);
    const db = openPostgres({
      url: viaProxy.toString(),
      schema: sandbox.schema,
      appRole: sandbox.appRole,
      queryTimeoutMs: 1500,
      logger: createLogger({ level: 'silent' }),
    });
    try {
      const outcome = await db
        .asOwner(async (q) => {
          await q.query('SELECT 1');
          proxy.cut();
          // Between two statements the connection ends: pg emits 'error' on the checked-out client.
          await new Promise((r) => setTimeout(r, 200));
          return 'committed';
        })
        .catch((err: Error) => err.message);
      expect(outcome).toMatch(/Connection terminated/);
      // The pool hands out a fresh connection afterwards.
      expect(await db.asOwner(async (q) => (await q.query<{ one: number }>('SELECT 1 AS one'))[0]?.one)).toBe(1);
    } finally {
      await db.close();
    }
  }, 30_000);
});
