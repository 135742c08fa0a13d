// Configuring providers and the relay through the engine's RPC (outputs validated against
// the contract): validation, sealing, the all-or-nothing save, the audit trail, starting
// again with what was saved, a changed OS key store, the browser host's precedence, and the
// relay stream restarting with new settings while an alert keeps going.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ConnectivityConfigInput, ConnectivitySetup, ConnectivityStatus, FieldIssue } from '@gdial/protocol';
import { startSimulator, type Simulator } from '@gdial/simulator';
import { checkRelay } from '../../src/services/connectivity/relay-check';
import { fakeSealer } from '../support/sealer';
import { startEngine, type Engine, type EngineOptions } from '../../src/engine';
import { silentLogger } from '../../src/log';

// ── fakes ────────────────────────────────────────────────────────────────────────────────

/** A relay's health check and stream, enough for the engine's relay client to connect. */
async function stubRelay(tenant = 'kommun-x') {
  const hellos: { deviceToken: string; lastSeq: number }[] = [];
  const open = new Set<WebSocket>();
  const server: Server = createServer((req, res) => {
    if (req.url === '/healthz')
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', version: '9.9.9' }));
    else res.writeHead(404).end();
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (req.url !== '/stream') return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => {
      open.add(ws);
      ws.on('close', () => open.delete(ws));
      ws.on('message', (data: Buffer) => {
        const m = JSON.parse(data.toString('utf8')) as { type: string; deviceToken?: string; lastSeq?: number; at?: number };
        if (m.type === 'hello') {
          hellos.push({ deviceToken: m.deviceToken!, lastSeq: m.lastSeq! });
          ws.send(JSON.stringify({ type: 'welcome', tenant, deviceId: 'dev-1', headSeq: 1, heartbeatMs: 15_000 }));
          // One event, so the engine stores a cursor for this relay and token.
          const webhook = { kind: 'telegram.update', eventKey: 'u1', receivedAt: new Date().toISOString(), query: {}, body: {} };
          ws.send(JSON.stringify({ type: 'events', entries: [{ seq: 1, event: { type: 'webhook', webhook } }] }));
        }
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    hellos,
    open,
    async close() {
      for (const ws of open) ws.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

// ── secrets that look like the real ones ─────────────────────────────────────────────────

const b64url = (n: number) => randomBytes(n).toString('base64url').slice(0, n);
const secrets = () => ({
  deviceToken: `gdd_${randomUUID()}_${b64url(43)}`,
  authToken: randomBytes(16).toString('hex'),
  apiKey: `SG.${b64url(22)}.${b64url(43)}`,
  botToken: `7${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}:${b64url(35)}`,
});
const SID = `AC${'0123456789abcdef'.repeat(2)}`;

const fullInput = (relayUrl: string, s: ReturnType<typeof secrets>): ConnectivityConfigInput => ({
  relay: { url: `${relayUrl}/`, publicUrl: 'https://relay.kommun-x.se', tenant: 'Kommun-X', deviceToken: s.deviceToken },
  twilio: { enabled: true, accountSid: SID, from: '070-174 00 00', whatsappFrom: 'whatsapp:+46701740001', authToken: s.authToken },
  sendgrid: { enabled: true, from: 'larm@kommun-x.se', fromName: 'Kommun X larm', apiKey: s.apiKey },
  telegram: { enabled: true, botToken: s.botToken },
});

// ── engine ───────────────────────────────────────────────────────────────────────────────

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function tempDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'gdial-connectivity-'));
  cleanup.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

async function engineAt(dataDir: string, opts: Partial<EngineOptions> = {}) {
  const engine = await startEngine({
    approvalRule: { threshold: 1_000_000, testGroupId: null, authorMayApproveTemplates: true },
    dataDir,
    logger: silentLogger(),
    signedIn: { displayName: 'IT-admin Ida', role: 'admin' },
    validateOutputs: true,
    ...opts,
  });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await engine.close();
  };
  cleanup.push(close);
  const call = async <T>(method: string, params: unknown = {}): Promise<T> => {
    const res = await engine.rpc.call(method, params);
    if (!res.ok) throw new Error(`${method}: ${res.error.code} ${res.error.message}`);
    return res.value as T;
  };
  const attempt = (method: string, params: unknown = {}) => engine.rpc.call(method, params);
  return { engine, call, attempt, close };
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const issuesOf = (res: { ok: boolean; error?: { code: string; details?: unknown } }): Record<string, string> => {
  expect(res).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  return Object.fromEntries(((res.error?.details ?? []) as FieldIssue[]).map((i) => [i.path, i.message]));
};

const cursorOf = (engine: Engine) =>
  engine.context.store.sqlite.prepare("SELECT value FROM settings WHERE key = 'relay.cursor'").get() as { value: string } | undefined;

/** Every byte SQLite has on disk for this data dir. */
function databaseBytes(dataDir: string): Buffer {
  const files = ['gdial.db', 'gdial.db-wal', 'gdial.db-shm'].map((f) => path.join(dataDir, f)).filter(existsSync);
  return Buffer.concat(files.map((f) => readFileSync(f)));
}

describe('providers and relay configured from the console', { timeout: 60_000 }, () => {
  it('saves, seals the secrets, restarts connectivity with them, and shows only "set" and when', async () => {
    const relay = await stubRelay();
    cleanup.push(() => relay.close());
    const dir = tempDir();
    const { sealer } = fakeSealer();
    const { call, engine } = await engineAt(dir, { secrets: sealer });

    const before = await call<ConnectivitySetup>('connectivity.setup');
    expect(before).toMatchObject({
      source: 'none',
      editable: true,
      readOnlyReason: null,
      secureStorage: { available: true },
      problem: null,
      environment: null,
    });
    expect(before.saved.twilio.authToken).toEqual({ set: false, setAt: null });
    expect((await call<ConnectivityStatus>('connectivity.status')).relay.status).toBe('not-configured');

    const s = secrets();
    const saved = await call<{ setup: ConnectivitySetup; status: ConnectivityStatus }>('connectivity.saveSetup', fullInput(relay.url, s));
    // Stored as normalised: no trailing slash, lower-case tenant, compact numbers.
    expect(saved.setup.saved).toMatchObject({
      relay: { url: relay.url, publicUrl: 'https://relay.kommun-x.se', tenant: 'kommun-x', deviceToken: { set: true } },
      twilio: { enabled: true, accountSid: SID, from: '+46701740000', whatsappFrom: '+46701740001', authToken: { set: true } },
      sendgrid: { enabled: true, from: 'larm@kommun-x.se', fromName: 'Kommun X larm', apiKey: { set: true } },
      telegram: { enabled: true, botToken: { set: true } },
    });
    expect(saved.setup).toMatchObject({ source: 'saved', updatedBy: 'IT-admin Ida', problem: null });
    expect(saved.setup.saved.twilio.authToken.setAt).toEqual(expect.any(String));
    expect(saved.status.channels.map((c) => [c.channel, c.provider])).toEqual([
      ['voice', 'twilio'],
      ['sms', 'twilio'],
      ['email', 'sendgrid'],
      ['whatsapp', 'twilio'],
      ['telegram', 'telegram'],
    ]);
    // The relay stream came up with the new device token, without restarting anything.
    await until('the relay stream', async () => (await call<ConnectivityStatus>('connectivity.status')).relay.status === 'connected');
    expect(relay.hellos.map((h) => h.deviceToken)).toEqual([s.deviceToken]);

    // The relay stream's cursor is stored too; it is keyed by a digest of the token, not by the token.
    await until('the cursor', () => cursorOf(engine) !== undefined);

    // Nothing secret goes back to the console or into the audit log.
    const view = JSON.stringify(await call('connectivity.setup'));
    const audit = await call<{ entries: { action: string; summary: string; actor: string }[] }>('audit.list', { limit: 10 });
    const entry = audit.entries.find((e) => e.action === 'connectivity.configure');
    expect(entry?.actor).toBe('IT-admin Ida');
    expect(entry?.summary).toContain('twilio.authToken set');
    expect(entry?.summary).toContain(`relay.url (empty) → ${relay.url}`);
    for (const secret of Object.values(s)) {
      expect(view).not.toContain(secret);
      expect(JSON.stringify(audit)).not.toContain(secret);
    }

    // Nor into the database file, in whole or in part; the non-secret SID is there, so the search works.
    await engine.close();
    const bytes = databaseBytes(dir);
    expect(bytes.includes(SID)).toBe(true);
    for (const secret of Object.values(s)) {
      expect(bytes.includes(secret)).toBe(false);
      expect(bytes.includes(secret.slice(-20))).toBe(false);
      expect(bytes.includes(secret.slice(0, 12))).toBe(false);
    }
  });

  it('starts again with the saved configuration, and starts "not configured" saying why when the key store changed', async () => {
    const relay = await stubRelay();
    cleanup.push(() => relay.close());
    const dir = tempDir();
    const key = randomBytes(32);
    const first = await engineAt(dir, { secrets: fakeSealer(key).sealer });
    const s = secrets();
    await first.call('connectivity.saveSetup', fullInput(relay.url, s));
    await until('the cursor', () => cursorOf(first.engine) !== undefined);
    await first.close();

    // Same key: everything runs as saved.
    const again = await engineAt(dir, { secrets: fakeSealer(key).sealer });
    expect(await again.call<ConnectivitySetup>('connectivity.setup')).toMatchObject({ source: 'saved', problem: null });
    await until('the relay stream', async () => (await again.call<ConnectivityStatus>('connectivity.status')).relay.status === 'connected');
    expect(relay.hellos.at(-1)).toEqual({ deviceToken: s.deviceToken, lastSeq: 1 });
    await again.close();

    // A cursor stored by an earlier GDial (keyed by the token's first characters) still resumes.
    const db = new Database(path.join(dir, 'gdial.db'));
    db.prepare("UPDATE settings SET value = ? WHERE key = 'relay.cursor'").run(
      JSON.stringify({ relay: `${relay.url}#${s.deviceToken.slice(0, 12)}`, seq: 5 }),
    );
    db.close();
    const legacy = await engineAt(dir, { secrets: fakeSealer(key).sealer });
    await until(
      'the relay stream',
      async () => (await legacy.call<ConnectivityStatus>('connectivity.status')).relay.status === 'connected',
    );
    expect(relay.hellos.at(-1)).toEqual({ deviceToken: s.deviceToken, lastSeq: 5 });
    await legacy.close();

    // Another key (another OS account, a reinstalled system): nothing is used, and the console is told exactly that.
    const other = fakeSealer();
    const changed = await engineAt(dir, { secrets: other.sealer });
    const setup = await changed.call<ConnectivitySetup>('connectivity.setup');
    expect(setup.source).toBe('none');
    expect(setup.problem).toMatchObject({
      kind: 'cannot-open',
      fields: ['relay.deviceToken', 'twilio.authToken', 'sendgrid.apiKey', 'telegram.botToken'],
    });
    expect(setup.problem?.message).toMatch(/could not be opened.*key store changed.*Enter them again/s);
    expect(setup.saved.twilio).toMatchObject({ enabled: true, authToken: { set: true } });
    const status = await changed.call<ConnectivityStatus>('connectivity.status');
    expect(status.relay.status).toBe('not-configured');
    expect(status.channels.every((c) => !c.configured)).toBe(true);

    // Saving again without retyping a kept secret names each one that cannot be opened.
    const keep = await changed.attempt('connectivity.saveSetup', {
      ...fullInput(relay.url, s),
      relay: { url: relay.url, tenant: 'kommun-x' },
      twilio: { ...fullInput(relay.url, s).twilio, authToken: '' },
    });
    expect(Object.keys(issuesOf(keep))).toEqual(['relay.deviceToken', 'twilio.authToken']);
    // Retyped: works again, and the problem is gone.
    const fixed = await changed.call<{ setup: ConnectivitySetup }>('connectivity.saveSetup', fullInput(relay.url, s));
    expect(fixed.setup).toMatchObject({ source: 'saved', problem: null });
    await until(
      'the relay stream',
      async () => (await changed.call<ConnectivityStatus>('connectivity.status')).relay.status === 'connected',
    );
  });

  it('names every field at fault at once and writes nothing', async () => {
    const dir = tempDir();
    const { sealer, state } = fakeSealer();
    const { call, attempt } = await engineAt(dir, { secrets: sealer });
    const res = await attempt('connectivity.saveSetup', {
      relay: { url: 'ftp://relay', publicUrl: 'relay.example.se', tenant: 'Kommun X!', deviceToken: 'gde_enrolment-code-not-a-token' },
      twilio: { enabled: true, accountSid: 'SK123', from: '070-17', whatsappFrom: '+0', authToken: 'not-hex' },
      sendgrid: { enabled: true, from: 'larm-at-kommun', apiKey: 'abc' },
      telegram: { enabled: true, botToken: 'bot' },
    });
    const issues = issuesOf(res);
    expect(Object.keys(issues).sort()).toEqual(
      [
        'relay.url',
        'relay.publicUrl',
        'relay.tenant',
        'relay.deviceToken',
        'twilio.accountSid',
        'twilio.authToken',
        'twilio.from',
        'twilio.whatsappFrom',
        'sendgrid.apiKey',
        'sendgrid.from',
        'telegram.botToken',
      ].sort(),
    );
    expect(issues['relay.url']).toMatch(/https:\/\//);
    expect(issues['relay.deviceToken']).toMatch(/enrolment code/);
    expect(issues['twilio.accountSid']).toMatch(/"AC" followed by 32 hexadecimal/);
    expect(issues['twilio.from']).toMatch(/too short.*070-123 45 67 or \+46701234567/);
    expect(state.seals).toBe(0);

    // Required when on; nothing required when off.
    const required = issuesOf(
      await attempt('connectivity.saveSetup', {
        relay: {},
        twilio: { enabled: true },
        sendgrid: { enabled: false },
        telegram: { enabled: false },
      }),
    );
    expect(Object.keys(required).sort()).toEqual([
      'relay.deviceToken',
      'relay.tenant',
      'relay.url',
      'twilio.accountSid',
      'twilio.authToken',
      'twilio.from',
    ]);
    expect(required['relay.url']).toMatch(/Required when a provider is on/);

    const setup = await call<ConnectivitySetup>('connectivity.setup');
    expect(setup.updatedAt).toBeNull();
    expect(
      (await call<{ entries: { action: string }[] }>('audit.list', { limit: 10 })).entries.filter(
        (e) => e.action === 'connectivity.configure',
      ),
    ).toEqual([]);
  });

  it('keeps a saved secret when the field is left blank, removes it on null, and logs which without values', async () => {
    const relay = await stubRelay();
    cleanup.push(() => relay.close());
    const dir = tempDir();
    const { call, attempt } = await engineAt(dir, { secrets: fakeSealer().sealer });
    const s = secrets();
    await call('connectivity.saveSetup', fullInput(relay.url, s));
    const first = await call<ConnectivitySetup>('connectivity.setup');

    // Change only the sender number; all secrets blank = kept (and opened to run with).
    const input = fullInput(relay.url, s);
    const next = await call<{ setup: ConnectivitySetup }>('connectivity.saveSetup', {
      relay: { ...input.relay, deviceToken: '' },
      twilio: { ...input.twilio, from: '+46701740009', authToken: undefined },
      sendgrid: { ...input.sendgrid, apiKey: '' },
      telegram: { enabled: true },
    });
    expect(next.setup.saved.twilio).toMatchObject({ from: '+46701740009', authToken: first.saved.twilio.authToken });
    expect(next.setup.saved.relay.deviceToken).toEqual(first.saved.relay.deviceToken);

    // Telegram off and its token removed.
    const off = await call<{ setup: ConnectivitySetup; status: ConnectivityStatus }>('connectivity.saveSetup', {
      relay: { ...input.relay, deviceToken: '' },
      twilio: { ...input.twilio, from: '+46701740009', authToken: '' },
      sendgrid: { ...input.sendgrid, apiKey: '' },
      telegram: { enabled: false, botToken: null },
    });
    expect(off.setup.saved.telegram).toEqual({ enabled: false, botToken: { set: false, setAt: null } });
    expect(off.status.channels.find((c) => c.channel === 'telegram')?.configured).toBe(false);

    // Removing a secret a provider that is on needs is refused.
    const refused = issuesOf(
      await attempt('connectivity.saveSetup', {
        relay: { ...input.relay, deviceToken: '' },
        twilio: { ...input.twilio, authToken: null },
        sendgrid: { enabled: false },
        telegram: { enabled: false },
      }),
    );
    expect(Object.keys(refused)).toEqual(['twilio.authToken']);

    const audit = await call<{ entries: { action: string; summary: string }[] }>('audit.list', { limit: 10 });
    const summaries = audit.entries.filter((e) => e.action === 'connectivity.configure').map((e) => e.summary);
    expect(summaries).toEqual([
      'Providers and relay changed: telegram.enabled on → off; telegram.botToken removed',
      'Providers and relay changed: twilio.from +46701740000 → +46701740009',
      expect.stringContaining('Providers and relay changed: relay.url'),
    ]);
  });

  it('writes nothing when sealing fails, and refuses when secure storage is unavailable', async () => {
    const dir = tempDir();
    const fake = fakeSealer();
    const { call, attempt } = await engineAt(dir, { secrets: fake.sealer });
    const s = secrets();
    fake.state.refuseSeal = 'provider.sendgrid.apiKey';
    const res = await attempt('connectivity.saveSetup', fullInput('https://relay.example.se', s));
    expect(res).toMatchObject({
      ok: false,
      error: { code: 'UNAVAILABLE', message: expect.stringMatching(/sendgrid\.apiKey.*Nothing was saved/) as string },
    });
    const setup = await call<ConnectivitySetup>('connectivity.setup');
    expect(setup.updatedAt).toBeNull();
    expect(
      Object.values(setup.saved).every((p) =>
        Object.values(p).every((v) => typeof v !== 'object' || v === null || !(v as { set: boolean }).set),
      ),
    ).toBe(true);
    expect((await call<ConnectivityStatus>('connectivity.status')).relay.status).toBe('not-configured');

    fake.state.refuseSeal = null;
    fake.state.unavailable = 'No secret service (GNOME Keyring, KWallet) is running.';
    const view = await call<ConnectivitySetup>('connectivity.setup');
    expect(view).toMatchObject({
      editable: false,
      readOnlyReason: 'key-store-unavailable',
      secureStorage: { available: false, message: fake.state.unavailable },
    });
    const refused = await attempt('connectivity.saveSetup', fullInput('https://relay.example.se', s));
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'PRECONDITION', message: expect.stringContaining('GNOME Keyring') as string },
    });
    expect((await call<ConnectivitySetup>('connectivity.setup')).updatedAt).toBeNull();
  });

  it('without a sealer (browser host) refuses to store secrets and says why; the host’s environment takes precedence', async () => {
    const plain = await engineAt(tempDir());
    const view = await plain.call<ConnectivitySetup>('connectivity.setup');
    expect(view).toMatchObject({ editable: false, readOnlyReason: 'no-secure-storage', secureStorage: { available: false } });
    expect(view.secureStorage.message).toMatch(/environment variables/);
    const res = await plain.attempt('connectivity.saveSetup', fullInput('https://relay.example.se', secrets()));
    expect(res).toMatchObject({
      ok: false,
      error: { code: 'PRECONDITION', message: expect.stringMatching(/no secure storage.*never stores them/) as string },
    });

    const env = [
      { name: 'GDIAL_RELAY_URL', set: true },
      { name: 'GDIAL_TELEGRAM_BOT_TOKEN', set: false },
    ];
    const hosted = await engineAt(tempDir(), {
      connectivity: { relay: { url: 'https://relay.example.se', deviceToken: secrets().deviceToken } },
      connectivityEnvironment: env,
      secrets: fakeSealer().sealer,
    });
    const hv = await hosted.call<ConnectivitySetup>('connectivity.setup');
    expect(hv).toMatchObject({ source: 'host', editable: false, readOnlyReason: 'host', environment: env });
    const refused = await hosted.attempt('connectivity.saveSetup', fullInput('https://relay.example.se', secrets()));
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'PRECONDITION', message: expect.stringContaining('environment variables') as string },
    });
  });

  it('switches to another relay and token: the old stream closes, the new one connects, and a wrong organisation is pointed out', async () => {
    const a = await stubRelay('kommun-x');
    const b = await stubRelay('kommun-y');
    cleanup.push(
      () => a.close(),
      () => b.close(),
    );
    const { call } = await engineAt(tempDir(), { secrets: fakeSealer().sealer });
    const s1 = secrets();
    await call('connectivity.saveSetup', fullInput(a.url, s1));
    await until('relay A', async () => (await call<ConnectivityStatus>('connectivity.status')).relay.status === 'connected');
    expect(a.open.size).toBe(1);

    const s2 = secrets();
    const input = fullInput(b.url, s2);
    const res = await call<{ status: ConnectivityStatus }>('connectivity.saveSetup', {
      ...input,
      relay: { ...input.relay, tenant: 'kommun-y' },
    });
    expect(res.status.relay.url).toBe(b.url);
    await until('relay B', async () => (await call<ConnectivityStatus>('connectivity.status')).relay.status === 'connected');
    await until('relay A closed', () => a.open.size === 0);
    expect(b.hellos.map((h) => h.deviceToken)).toEqual([s2.deviceToken]);
    expect(a.hellos).toHaveLength(1);

    // The token belongs to kommun-y but callbacks would go to kommun-x's hooks.
    await call('connectivity.saveSetup', { ...input, relay: { ...input.relay, tenant: 'kommun-x', deviceToken: '' } });
    await until('relay B again', async () => (await call<ConnectivityStatus>('connectivity.status')).relay.status === 'connected');
    expect((await call<ConnectivityStatus>('connectivity.status')).relay.detail).toMatch(
      /belongs to the relay organisation "kommun-y".*"kommun-x"/,
    );
  });

  it('checks whether a relay answers at an address', async () => {
    const relay = await stubRelay();
    cleanup.push(() => relay.close());
    const { call } = await engineAt(tempDir());
    expect(await call('connectivity.checkRelay', { url: `${relay.url}/` })).toMatchObject({
      reachable: true,
      version: '9.9.9',
      message: null,
    });
    expect(await call('connectivity.checkRelay', { url: 'relay.example.se' })).toMatchObject({
      reachable: false,
      message: expect.stringMatching(/https:\/\//) as string,
    });
    // Something that is not a relay.
    const other = createServer((_req, res) => res.writeHead(404).end('no'));
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise<void>((r) => other.close(() => r())));
    const notRelay = await checkRelay(`http://127.0.0.1:${(other.address() as AddressInfo).port}`);
    expect(notRelay).toMatchObject({ reachable: false, message: expect.stringContaining('HTTP 404') as string });
    const closed = await checkRelay('http://127.0.0.1:9');
    expect(closed).toMatchObject({ reachable: false, message: expect.stringContaining('could not be reached') as string });
  });
});

describe('reconfiguring while an alert runs', { timeout: 90_000 }, () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('loses no delivery and sends none twice: rows in flight finish on the old adapter, the rest go through the new one', async () => {
    // Each send takes a while at the "provider", so some are in flight at the switch.
    sim = await startSimulator({
      seed: 3,
      profile: {
        name: 'slow-api',
        rules: [],
        latency: { api: 150, messageSent: 1, messageFinal: 5 },
        limits: { messagesPerSecondPerSender: 1e6 },
      },
    });
    const s = sim;
    const { engine, call } = await engineAt(tempDir(), { secrets: fakeSealer().sealer });
    const twilio = (from: string) => ({
      accountSid: s.credentials.accountSid,
      authToken: s.credentials.authToken,
      baseUrl: s.url,
      sms: { from },
      callbacks: { messageStatusUrl: 'http://127.0.0.1:9/hooks/message-status', callStatusUrl: 'http://127.0.0.1:9/hooks/call-status' },
    });
    const connectivity = engine.services.connectivity;
    await connectivity.reconfigure({ providers: { twilio: twilio('+46700000001') } });

    const group = await call<{ id: number }>('groups.create', { name: 'Stab' });
    const count = 40;
    for (let i = 0; i < count; i++) {
      await call('contacts.create', {
        firstName: `P${i}`,
        phones: [{ number: `070-200 ${String(i).padStart(2, '0')} 00` }],
        groupIds: [group.id],
      });
    }
    const t = await call<{ id: number }>('templates.create', { name: 'Larm', variants: { sv: { sms: 'Larm. Svara 1.' } } });
    await call('templates.approve', { id: t.id });
    const c = await call<{ id: number }>('campaigns.create', {
      name: 'Byte mitt i',
      templateId: t.id,
      audience: { groupIds: [group.id] },
      steps: [{ channel: 'sms' }],
    });
    await call('campaigns.start', { id: c.id });

    const dispatcher = engine.services.campaigns.dispatcher;
    await until('some messages sent and one in flight', () => s.messages().length >= 8 && dispatcher.inFlight > 0);
    await connectivity.reconfigure({ providers: { twilio: twilio('+46700000002') } });
    await until('every message sent', () => s.messages().length >= count, 30_000);

    const messages = s.messages();
    expect(messages).toHaveLength(count);
    expect(new Set(messages.map((m) => m.to)).size).toBe(count);
    const from = new Set(messages.map((m) => m.from));
    expect(from).toEqual(new Set(['+46700000001', '+46700000002']));
    type Report = { recipients: { deliveries: { state: string; sentAt: string | null; possibleDuplicate: boolean }[] }[] };
    const deliveries = async () =>
      (await call<Report>('campaigns.report', { id: c.id, limit: 100 })).recipients.flatMap((r) => r.deliveries);
    await until('every delivery recorded as handed over', async () => (await deliveries()).every((d) => d.sentAt !== null));
    const all = await deliveries();
    expect(all).toHaveLength(count);
    expect(all.filter((d) => d.state === 'failed' || d.possibleDuplicate)).toEqual([]);
  });
});
