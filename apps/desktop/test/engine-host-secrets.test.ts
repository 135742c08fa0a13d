// The engine host keeps provider credentials and the relay token through main's safeStorage
// vault: a fake parent channel answers the host's vault requests the way the supervisor
// does (vaultService over SecretVault, here over a fake safeStorage), and a window saves and
// reads the configuration over its MessagePort against the real engine.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectivitySetup } from '@gdial/protocol';
import { silentLogger, startEngine } from '@gdial/engine';
import { runEngineHost, type ClientPort } from '../src/engine-host/host';
import { asClientPort } from './support/client-port';
import { parseHostToMain, type HostToMain, type VaultRequest } from '../src/common/host-protocol';
import { VaultClient } from '../src/engine-host/vault-client';
import { vaultSealer } from '../src/engine-host/vault-sealer';
import { SecretVault } from '../src/main/secrets/vault';
import { FakeSafeStorage } from './support/fake-safe-storage';
import { vaultService } from '../src/main/secrets/vault-service';
import { quietLogger } from './support/fakes';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A utility-process host whose parent answers vault requests like main does (or, with `answerVault: false`, never). */
function host(safe: FakeSafeStorage, opts: { answerVault?: boolean; platform?: NodeJS.Platform } = {}) {
  const toMain: HostToMain[] = [];
  const vaultOps: VaultRequest['op'][] = [];
  const waiters: (() => void)[] = [];
  let deliver: (data: unknown, ports: ClientPort[]) => void = () => {};
  const exits: number[] = [];
  const service = vaultService(new SecretVault(safe, opts.platform ?? 'linux'), quietLogger());
  runEngineHost({
    logger: silentLogger(),
    // A signed-in test admin: the console's calls below are an operator's.
    startEngine: (o) => startEngine({ ...o, signedIn: { displayName: 'Test', role: 'admin' } }),
    exit: (code) => exits.push(code),
    vaultTimeoutMs: 300,
    parent: {
      postMessage: (m) => {
        // What crosses the process boundary is checked as main checks it.
        const parsed = parseHostToMain(structuredClone(m));
        expect(parsed).not.toBeNull();
        toMain.push(m);
        for (const w of waiters.splice(0)) w();
        if (m.type === 'vault-request') {
          vaultOps.push(m.request.op);
          if (opts.answerVault === false) return;
          void service(m.request).then((reply) => setImmediate(() => deliver({ type: 'vault-response', id: m.id, reply }, [])));
        }
      },
      onMessage: (l) => (deliver = l),
    },
  });
  const until = async (pred: () => boolean) => {
    while (!pred()) await new Promise<void>((r) => waiters.push(r));
  };
  const send = (data: unknown, ports: ClientPort[] = []) => deliver(data, ports);
  return {
    toMain,
    vaultOps,
    exits,
    send,
    async start(dataDir: string) {
      send({ type: 'start', options: { dataDir, resourcesDir: null } });
      await until(() => toMain.some((m) => m.type === 'ready' || m.type === 'start-failed'));
      const { port1, port2 } = new MessageChannel();
      send({ type: 'connect', clientId: 1 }, [asClientPort(port1)]);
      return { window: rpc(port2), port: port2 };
    },
    async stop(port: MessagePort) {
      send({ type: 'shutdown', reason: 'test' });
      await until(() => exits.length > 0);
      port.close();
    },
  };
}

function rpc(port: MessagePort) {
  let next = 1;
  const pending = new Map<number, (v: unknown) => void>();
  port.on('message', (m: { type: string; id?: number; result?: unknown }) => {
    if (m.type === 'res' && m.id !== undefined) pending.get(m.id)?.(m.result);
  });
  return (method: string, params: unknown = {}) =>
    new Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }>((resolve) => {
      const id = next++;
      pending.set(id, resolve as (v: unknown) => void);
      port.postMessage({ type: 'req', id, method, params });
    });
}

const dataDir = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'gdial-host-secrets-'));
  dirs.push(d);
  return d;
};

const DEVICE_TOKEN = `gdd_${randomUUID()}_${randomBytes(32).toString('base64url')}`;
const AUTH_TOKEN = randomBytes(16).toString('hex');
const input = {
  // Nothing listens here: the relay state only says "reconnecting", which is not what this test is about.
  relay: { url: 'http://127.0.0.1:9', tenant: 'kommun-x', deviceToken: DEVICE_TOKEN },
  twilio: { enabled: true, accountSid: `AC${'ab'.repeat(16)}`, from: '+46701740000', authToken: AUTH_TOKEN },
  sendgrid: { enabled: false },
  telegram: { enabled: false },
};

describe('engine host secrets', { timeout: 60_000 }, () => {
  it('seals through main on save, opens through main at the next start, and keeps only sealed text on disk', async () => {
    const dir = dataDir();
    const safe = new FakeSafeStorage();
    const first = host(safe);
    const a = await first.start(dir);
    expect(first.toMain.find((m) => m.type === 'ready')).toBeDefined();
    // Nothing saved yet: starting asked main only to seal a new key for the database.
    expect(first.vaultOps).toEqual(['status', 'seal']);

    const view = await a.window('connectivity.setup');
    expect(view).toMatchObject({ ok: true, value: { editable: true, secureStorage: { available: true } } });
    const saved = await a.window('connectivity.saveSetup', input);
    expect(saved).toMatchObject({
      ok: true,
      value: { setup: { source: 'saved', saved: { twilio: { authToken: { set: true } }, relay: { deviceToken: { set: true } } } } },
    });
    expect(first.vaultOps.filter((o) => o === 'seal')).toHaveLength(3);
    await first.stop(a.port);

    const bytes = Buffer.concat(
      ['gdial.db', 'gdial.db-wal']
        .map((f) => path.join(dir, f))
        .filter(existsSync)
        .map((f) => readFileSync(f)),
    );
    expect(bytes.includes(AUTH_TOKEN)).toBe(false);
    expect(bytes.includes(DEVICE_TOKEN)).toBe(false);

    const second = host(safe);
    const b = await second.start(dir);
    expect(second.vaultOps.filter((o) => o === 'open')).toHaveLength(3);
    const again = (await b.window('connectivity.setup')).value as ConnectivitySetup;
    expect(again).toMatchObject({ source: 'saved', problem: null });
    const status = (await b.window('connectivity.status')).value as {
      channels: { channel: string; configured: boolean }[];
      relay: { url: string };
    };
    expect(status.relay.url).toBe('http://127.0.0.1:9');
    expect(status.channels.filter((c) => c.configured).map((c) => c.channel)).toEqual(['voice', 'sms']);
    await second.stop(b.port);

    // The OS key changed (another account, reinstalled system): the database's key cannot be
    // opened, so the engine does not start (and replaces nothing) instead of starting empty.
    const third = host(new FakeSafeStorage());
    await third.start(dir);
    expect(third.toMain.find((m) => m.type === 'start-failed')).toMatchObject({
      reason: 'key-unavailable',
      message: expect.stringMatching(/kunde inte öppnas med operativsystemets nyckelring.*cannot be decrypted or was altered/s) as string,
    });
    expect(third.toMain.some((m) => m.type === 'ready')).toBe(false);
    // The right key store still opens everything.
    const fourth = host(safe);
    const d = await fourth.start(dir);
    expect(((await d.window('connectivity.setup')).value as ConnectivitySetup).source).toBe('saved');
    await fourth.stop(d.port);
  });

  it('does not start on a machine whose OS offers no real key store (Linux basic_text): no database under a default key', async () => {
    const safe = new FakeSafeStorage();
    safe.backend = 'basic_text';
    const h = host(safe);
    const dir = dataDir();
    await h.start(dir);
    expect(h.toMain.find((m) => m.type === 'start-failed')).toMatchObject({
      reason: 'key-unavailable',
      message: expect.stringMatching(/vägrar att lagra databasen okrypterad.*GNOME Keyring, KWallet/s) as string,
    });
    expect(existsSync(path.join(dir, 'gdial.db'))).toBe(false);
    expect(existsSync(path.join(dir, 'gdial.db.key'))).toBe(false);
  });

  it('a main process that does not answer makes the start fail in time, with nothing written', async () => {
    const h = host(new FakeSafeStorage(), { answerVault: false });
    const dir = dataDir();
    await h.start(dir);
    expect(h.toMain.find((m) => m.type === 'start-failed')).toMatchObject({
      reason: 'key-unavailable',
      message: expect.stringMatching(/did not answer within 0.3 s/) as string,
    });
    expect(existsSync(path.join(dir, 'gdial.db'))).toBe(false);
  });
});

describe('vault sealer', () => {
  it('turns the vault’s replies into sealer results and rejects answers of the wrong shape', async () => {
    const replies: unknown[] = [];
    const client = new VaultClient((m) => {
      if (m.type !== 'vault-request') return;
      const reply = replies.shift();
      queueMicrotask(() => client.receive(m.id, reply as never));
    }, 200);
    const sealer = vaultSealer(client);
    replies.push({ ok: true, value: { available: false, reason: 'no-os-keystore', message: 'No key store.' } });
    expect(await sealer.available()).toEqual({ ok: false, reason: 'No key store.' });
    replies.push({ ok: true, value: 'c2VhbGVk' });
    expect(await sealer.seal('relay.deviceToken', 'x')).toEqual({ ok: true, value: 'c2VhbGVk' });
    replies.push({ ok: false, error: { code: 'ENCRYPTION_UNAVAILABLE', message: 'Refused.' } });
    expect(await sealer.seal('relay.deviceToken', 'x')).toEqual({ ok: false, message: 'Refused.' });
    replies.push({ ok: true, value: { value: 'secret', resealed: null } });
    expect(await sealer.open('relay.deviceToken', 'c2VhbGVk')).toEqual({ ok: true, value: { value: 'secret', resealed: null } });
    replies.push({ ok: true, value: 'secret' });
    expect(await sealer.open('relay.deviceToken', 'c2VhbGVk')).toMatchObject({ ok: false });
    replies.push({ ok: true, value: 42 });
    expect(await sealer.seal('relay.deviceToken', 'x')).toMatchObject({ ok: false });
  });
});
