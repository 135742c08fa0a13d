// The engine's relay client against a real relay process (embedded PGlite in a temp dir),
// with the cursor kept in a real SQLite file the way the engine keeps it: the event and the
// new cursor in one transaction. Failures on purpose: an apply that throws, an engine that
// stops mid-stream and comes back, a relay that is SIGKILLed.
import { webhookOf } from '@gdial/protocol';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RelayEvent } from '@gdial/protocol';
import {
  enrolDevice,
  reconnectDelay,
  RelayApi,
  RelayClient,
  type RelayConnectionState,
  type RelayCursorStore,
} from '../../src/relay-client';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const relayMain = path.join(root, 'apps/relay/src/main.ts');

async function waitFor<T>(what: string, check: () => T, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** The engine's side of exactly-once: applied events and the cursor in one SQLite file. */
class SqliteCursor implements RelayCursorStore {
  readonly db: Database.Database;
  failOnce = new Set<number>();
  constructor(file: string) {
    this.db = new Database(file);
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS cursor (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL); INSERT OR IGNORE INTO cursor VALUES (1, 0);',
    );
    this.db.exec('CREATE TABLE IF NOT EXISTS applied (seq INTEGER PRIMARY KEY, event_key TEXT NOT NULL)');
  }
  load(): number {
    return (this.db.prepare('SELECT seq FROM cursor').get() as { seq: number }).seq;
  }
  applyAndAdvance(seq: number, apply: () => void | Promise<void>): void {
    this.db.transaction(() => {
      void apply();
      this.db.prepare('UPDATE cursor SET seq = ? WHERE id = 1').run(seq);
    })();
  }
  applied(): Array<{ seq: number; event_key: string }> {
    return this.db.prepare('SELECT seq, event_key FROM applied ORDER BY seq').all() as Array<{ seq: number; event_key: string }>;
  }
}

describe('engine relay client', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gdial-relay-client-'));
  let port = 0;
  let env: Record<string, string> = {};
  let relay: ChildProcess | null = null;
  let deviceToken = '';
  const telegramSecret = `s_${randomBytes(8).toString('hex')}`;
  let updateId = 0;
  const logger = pino({ level: 'silent' });

  const startRelay = async () => {
    const proc = spawn(process.execPath, ['--import', 'tsx', relayMain], { cwd: root, env, stdio: 'ignore' });
    relay = proc;
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`relay exited with ${proc.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      if (Date.now() > deadline) throw new Error('relay did not become ready');
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const killRelay = async () => {
    const proc = relay;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL');
    await exited;
  };
  const sendUpdates = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const id = ++updateId;
      const res = await fetch(`http://127.0.0.1:${port}/hooks/client-org/telegram/update`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': telegramSecret },
        body: JSON.stringify({ update_id: id, message: { text: '1' } }),
      });
      expect(res.status).toBe(200);
    }
  };
  const client = (cursor: SqliteCursor, states: RelayConnectionState[] = [], backoff = { initialMs: 50, maxMs: 400 }) => {
    const c = new RelayClient({
      relayUrl: `http://127.0.0.1:${port}`,
      deviceToken,
      cursor,
      logger,
      backoff,
      apply: (event: RelayEvent, seq: number) => {
        cursor.db.prepare('INSERT INTO applied (seq, event_key) VALUES (?, ?)').run(seq, webhookOf(event).eventKey);
        // Fails inside the batch's transaction whatever else arrived with it (batches depend on timing).
        if (cursor.failOnce.delete(seq)) throw new Error(`simulated crash while applying ${seq}`);
      },
    });
    c.onState((s) => states.push(s));
    return c;
  };

  beforeAll(async () => {
    port = await freePort();
    env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      PORT: String(port),
      HOST: '127.0.0.1',
      RELAY_PUBLIC_URL: `http://127.0.0.1:${port}`,
      RELAY_DATA_DIR: path.join(dir, 'relay'),
      RELAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      RELAY_LOG_LEVEL: 'warn',
      RELAY_HEARTBEAT_MS: '500',
    };
    const admin = (...args: string[]) => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', relayMain, 'admin', ...args], { cwd: root, env, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`admin ${args[0]} failed: ${r.stderr}`);
      return r.stdout;
    };
    admin('create-tenant', 'client-org', '--name', 'Client Org');
    admin('set-credentials', 'client-org', '--telegram-secret-token', telegramSecret);
    const enrolmentToken = admin('create-enrolment', 'client-org').trim().split('\n').at(-1)!;
    await startRelay();
    const enrolled = await enrolDevice(`http://127.0.0.1:${port}`, enrolmentToken, 'Operatörsplats 1');
    if (!enrolled.ok) throw new Error(enrolled.error.message);
    expect(enrolled.value.streamUrl).toBe(`ws://127.0.0.1:${port}/stream`);
    deviceToken = enrolled.value.deviceToken;
    const again = await enrolDevice(`http://127.0.0.1:${port}`, enrolmentToken, 'again');
    expect(again).toMatchObject({ ok: false, error: { kind: 'refused', status: 403 } });
  }, 120_000);
  afterAll(async () => {
    await killRelay();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies each event exactly once, across a failed apply, an engine restart and a relay kill', async () => {
    const cursor = new SqliteCursor(path.join(dir, 'engine.db'));
    cursor.failOnce.add(3);
    const states: RelayConnectionState[] = [];
    const first = client(cursor, states);
    first.start();
    await sendUpdates(5);
    await waitFor('five applied', () => cursor.load() >= 5);
    // The failed apply of 3 rolled back and came again after a reconnect.
    expect(states.some((s) => s.status === 'reconnecting' && s.lastError.includes('simulated crash'))).toBe(true);
    await first.stop();

    await sendUpdates(5); // the engine is stopped: these wait in the relay's log
    const second = client(cursor, states);
    second.start();
    await waitFor('ten applied', () => cursor.load() >= 10);

    await killRelay();
    await waitFor('reconnecting after the kill', () => second.state.status === 'reconnecting');
    const offline = second.state;
    expect(offline.status === 'reconnecting' && offline.offlineSince).toBeTruthy();
    await startRelay();
    await waitFor('connected again', () => second.state.status === 'connected', 60_000);
    await sendUpdates(5);
    await waitFor('fifteen applied', () => cursor.load() >= 15);
    await second.stop();

    expect(cursor.applied().map((r) => r.seq)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(cursor.applied().map((r) => r.event_key)).toEqual(Array.from({ length: 15 }, (_, i) => `tg:${i + 1}`));
    cursor.db.close();
  }, 180_000);

  it('reconnects as soon as a relay it saw down answers again, not when the backoff says', async () => {
    const cursor = new SqliteCursor(path.join(dir, 'probe.db'));
    const states: RelayConnectionState[] = [];
    // A backoff that would wait at least 5 minutes: only the probe can bring the stream back sooner.
    const c = client(cursor, states, { initialMs: 600_000, maxMs: 600_000 });
    c.start();
    await waitFor('connected', () => c.state.status === 'connected');
    await killRelay();
    await waitFor('reconnecting after the kill', () => c.state.status === 'reconnecting');
    const waiting = c.state;
    if (waiting.status !== 'reconnecting') throw new Error('not reconnecting');
    await startRelay();
    await waitFor('connected again', () => c.state.status === 'connected', 60_000);
    const back = c.state;
    if (back.status !== 'connected') throw new Error('not connected');
    expect(Date.parse(back.since)).toBeLessThan(Date.parse(waiting.retryAt));
    await sendUpdates(1);
    await waitFor('the new event applied', () => cursor.load() >= 1);
    await c.stop();
    cursor.db.close();
  }, 180_000);

  it('uploads media and registers a call flow over HTTPS', async () => {
    const api = new RelayApi(`http://127.0.0.1:${port}`, deviceToken);
    const up = await api.uploadMedia(new Uint8Array([1, 2, 3, 4]), 'audio/wav');
    if (!up.ok) throw new Error(up.error.message);
    const served = await fetch(up.value.url);
    expect(served.headers.get('content-type')).toBe('audio/wav');
    expect([...new Uint8Array(await served.arrayBuffer())]).toEqual([1, 2, 3, 4]);
    const doc = '<Response><Say language="sv-SE">Hej</Say></Response>';
    const reg = await api.registerCallFlow({
      flowId: 'c1',
      documents: { start: doc, confirmed: doc, retry: doc, goodbye: doc },
      confirmDigits: ['1'],
      maxAttempts: 3,
    });
    expect(reg).toMatchObject({ ok: true, value: { flowId: 'c1', url: `http://127.0.0.1:${port}/twiml/client-org/c1` } });
    const invalid = await api.registerCallFlow({
      flowId: 'c 1',
      documents: { start: doc, confirmed: doc, retry: doc, goodbye: doc },
      confirmDigits: ['1'],
      maxAttempts: 3,
    });
    expect(invalid).toMatchObject({ ok: false, error: { kind: 'refused' } });
    const wrongToken = await new RelayApi(`http://127.0.0.1:${port}`, 'gdd_wrong').uploadMedia(new Uint8Array([1]), 'audio/wav');
    expect(wrongToken).toMatchObject({ ok: false, error: { kind: 'refused', status: 401 } });
    const unreachable = await new RelayApi('http://127.0.0.1:1', deviceToken).uploadMedia(new Uint8Array([1]), 'audio/wav');
    expect(unreachable).toMatchObject({ ok: false, error: { kind: 'network' } });
  });

  it('stops and says so when the device token is refused', async () => {
    const cursor = new SqliteCursor(':memory:');
    const c = new RelayClient({ relayUrl: `http://127.0.0.1:${port}`, deviceToken: 'gdd_revoked', cursor, logger, apply: () => undefined });
    c.start();
    await waitFor('unauthorized', () => c.state.status === 'unauthorized');
    await c.stop();
  });

  it('backs off exponentially with jitter, within bounds', () => {
    const opts = { initialMs: 100, maxMs: 1000 };
    expect(reconnectDelay(1, opts, () => 0)).toBe(50);
    expect(reconnectDelay(1, opts, () => 1)).toBe(100);
    expect(reconnectDelay(4, opts, () => 1)).toBe(800);
    expect(reconnectDelay(20, opts, () => 1)).toBe(1000);
    for (let a = 1; a < 30; a++) {
      const d = reconnectDelay(a, opts);
      expect(d).toBeGreaterThanOrEqual(50);
      expect(d).toBeLessThanOrEqual(1000);
    }
  });
});
