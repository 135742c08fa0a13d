// Shared test fixtures: a fresh PostgreSQL schema + application role per relay (dropped
// afterwards, so reruns and parallel CI runs never collide), signed provider requests made
// with the providers' own helpers and a real ECDSA key, a minimal desktop over WebSocket,
// and condition waits with bounded timeouts instead of sleeps.
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import pg from 'pg';
import twilio from 'twilio';
import WebSocket from 'ws';
import { relayServerMessageSchema, type RelayLogEntry, type RelayServerMessage } from '@gdial/protocol';

export const PG_URL = process.env.RELAY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type Backend = 'pglite' | 'postgres';
export const backends: Backend[] = ['pglite', 'postgres'];

export interface PgSandbox {
  databaseUrl: string;
  schema: string;
  appRole: string;
  drop(): Promise<void>;
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

export function pgSandbox(): PgSandbox {
  const schema = uniqueName('relay_t');
  const appRole = `${schema}_app`;
  return {
    databaseUrl: PG_URL,
    schema,
    appRole,
    async drop() {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        const role = await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [appRole]);
        if (role.rowCount) {
          await c.query(`DROP OWNED BY "${appRole}"`);
          await c.query(`DROP ROLE "${appRole}"`);
        }
      } finally {
        await c.end();
      }
    },
  };
}

/** Waits until `check` returns a truthy value; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const encryptionKey = (): Buffer => randomBytes(32);

// ── signing ───────────────────────────────────────────────────────────────────────────

export function twilioSigned(
  authToken: string,
  url: string,
  params: Record<string, string>,
): { headers: Record<string, string>; body: string } {
  const signature = twilio.getExpectedTwilioSignature(authToken, url, params);
  return {
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
  };
}

export interface SendgridKey {
  publicKeyBase64: string;
  privateKey: KeyObject;
}

export function sendgridKey(): SendgridKey {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { publicKeyBase64: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'), privateKey };
}

export function sendgridSigned(key: SendgridKey, body: string, timestamp = String(Math.floor(Date.now() / 1000))): Record<string, string> {
  const signature = sign('sha256', Buffer.from(timestamp + body), key.privateKey).toString('base64');
  return {
    'content-type': 'application/json',
    'x-twilio-email-event-webhook-signature': signature,
    'x-twilio-email-event-webhook-timestamp': timestamp,
  };
}

export async function post(url: string, headers: Record<string, string>, body: string): Promise<Response> {
  return fetch(url, { method: 'POST', headers, body });
}

// ── a desktop ─────────────────────────────────────────────────────────────────────────

export class TestDesktop {
  readonly entries: RelayLogEntry[] = [];
  readonly messages: RelayServerMessage[] = [];
  closeCode: number | undefined;
  private constructor(readonly ws: WebSocket) {}

  static async connect(relayUrl: string, deviceToken: string, lastSeq: number, opts: { ack?: boolean } = {}): Promise<TestDesktop> {
    const ws = new WebSocket(`${relayUrl.replace(/^http/, 'ws')}/stream`);
    const d = new TestDesktop(ws);
    ws.on('message', (data) => {
      const msg = relayServerMessageSchema.parse(JSON.parse((data as Buffer).toString('utf8')));
      d.messages.push(msg);
      if (msg.type === 'events') {
        d.entries.push(...msg.entries);
        if (opts.ack !== false) ws.send(JSON.stringify({ type: 'ack', seq: msg.entries.at(-1)!.seq }));
      }
      if (msg.type === 'ping') ws.send(JSON.stringify({ type: 'pong', at: msg.at }));
    });
    ws.on('close', (code) => (d.closeCode = code));
    ws.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send(JSON.stringify({ type: 'hello', protocol: 1, deviceToken, lastSeq }));
    return d;
  }

  get lastSeq(): number {
    return this.entries.at(-1)?.seq ?? 0;
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((r) => {
      this.ws.once('close', () => r());
      this.ws.close();
    });
  }
}

/**
 * A desktop that keeps its cursor and reconnects whenever the stream drops, recording every
 * entry it was sent (duplicates included) so tests can prove exactly-once, in order.
 */
export class ReconnectingDesktop {
  readonly received: RelayLogEntry[] = [];
  cursor = 0;
  connects = 0;
  private current: TestDesktop | null = null;
  private stopped = false;

  constructor(
    private readonly relayUrl: () => string,
    private readonly deviceToken: string,
  ) {}

  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    while (!this.stopped) {
      try {
        const d = await TestDesktop.connect(this.relayUrl(), this.deviceToken, this.cursor, { ack: false });
        this.connects++;
        this.current = d;
        d.ws.on('message', () => {
          for (const e of d.entries.splice(0)) {
            this.received.push(e);
            if (e.seq === this.cursor + 1) this.cursor = e.seq;
          }
          d.ws.send(JSON.stringify({ type: 'ack', seq: this.cursor }));
        });
        d.ws.once('close', () => {
          if (!this.stopped) void this.connect();
        });
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 50)); // relay down: try again shortly
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.current?.close();
  }
}

/** Posts until the relay answers 2xx, as providers do; resolves with the number of tries. */
export async function postUntilAcked(
  url: () => string,
  headers: Record<string, string>,
  body: string,
  deadlineMs = 60_000,
): Promise<number> {
  const deadline = Date.now() + deadlineMs;
  for (let tries = 1; ; tries++) {
    try {
      const res = await fetch(url(), { method: 'POST', headers, body, signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      if (res.ok) return tries;
    } catch {
      // connection refused or reset while the relay restarts
    }
    if (Date.now() > deadline) throw new Error(`webhook never acknowledged: ${url()}`);
    await new Promise((r) => setTimeout(r, 20 + Math.random() * 30));
  }
}
