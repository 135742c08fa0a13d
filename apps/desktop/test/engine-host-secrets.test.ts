// The engine host keeps provider credentials and the relay token through main's safeStorage
// vault: a fake parent channel answers the host's vault requests the way the supervisor
// does (vaultService over SecretVault, here over a fake safeStorage), and a window saves and
// reads the configuration over its MessagePort against the real engine.
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
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
import { SecretVault, type SafeStorageLike } from '../src/main/secrets/vault';
import { vaultService } from '../src/main/secrets/vault-service';
import { quietLogger } from './support/fakes';

/** Chromium's OSCrypt in miniature: a key the OS holds for this user; another key = another user or machine. */
class FakeSafeStorage implements SafeStorageLike {
  available = true;
  backend = 'gnome_libsecret';
  constructor(readonly key: Buffer = randomBytes(32)) {}
  async isAsyncEncryptionAvailable() {
    return this.available;
  }
  getSelectedStorageBackend() {
    return this.backend;
  }
  async encryptStringAsync(plainText: string) {
    const iv = randomBytes(16);
    const c = createCipheriv('aes-256-cbc', this.key, iv);
    return Buffer.concat([Buffer.from('v10'), iv, c.update(plainText, 'utf8'), c.final()]);
  }
  async decryptStringAsync(encrypted: Buffer) {
    const d = createDecipheriv('aes-256-cbc', this.key, encrypted.subarray(3, 19));
    return { shouldReEncrypt: false, result: Buffer.concat([d.update(encrypted.subarray(19)), d.final()]).toString('utf8') };
  }
}

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
    startEngine,
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
    // Nothing saved yet: starting asked main for nothing.
    expect(first.vaultOps).toEqual([]);

    const view = await a.window('connectivity.setup');
    expect(view).toMatchObject({ ok: true, value: { editable: true, secureStorage: { available: true } } });
    const saved = await a.window('connectivity.saveSetup', input);
    expect(saved).toMatchObject({
      ok: true,
      value: { setup: { source: 'saved', saved: { twilio: { authToken: { set: true } }, relay: { deviceToken: { set: true } } } } },
    });
    expect(first.vaultOps.filter((o) => o === 'seal')).toHaveLength(2);
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
    expect(second.vaultOps.filter((o) => o === 'open')).toHaveLength(2);
    const again = (await b.window('connectivity.setup')).value as ConnectivitySetup;
    expect(again).toMatchObject({ source: 'saved', problem: null });
    const status = (await b.window('connectivity.status')).value as {
      channels: { channel: string; configured: boolean }[];
      relay: { url: string };
    };
    expect(status.relay.url).toBe('http://127.0.0.1:9');
    expect(status.channels.filter((c) => c.configured).map((c) => c.channel)).toEqual(['voice', 'sms']);
    await second.stop(b.port);

    // The OS key changed (another account, reinstalled system): the engine still starts, not configured, and says why.
    const third = host(new FakeSafeStorage());
    const c = await third.start(dir);
    expect(third.toMain.some((m) => m.type === 'ready')).toBe(true);
    const changed = (await c.window('connectivity.setup')).value as ConnectivitySetup;
    expect(changed.source).toBe('none');
    expect(changed.problem).toMatchObject({ kind: 'cannot-open', fields: ['relay.deviceToken', 'twilio.authToken'] });
    expect(changed.problem?.message).toMatch(/could not be opened.*cannot be decrypted or was altered.*Enter them again/s);
    await third.stop(c.port);
  });

  it('says why nothing can be saved when the OS offers no real key store (Linux basic_text)', async () => {
    const safe = new FakeSafeStorage();
    safe.backend = 'basic_text';
    const h = host(safe);
    const w = await h.start(dataDir());
    const view = (await w.window('connectivity.setup')).value as ConnectivitySetup;
    expect(view).toMatchObject({ editable: false, readOnlyReason: 'key-store-unavailable', secureStorage: { available: false } });
    expect(view.secureStorage.message).toMatch(/GNOME Keyring, KWallet/);
    const refused = await w.window('connectivity.saveSetup', input);
    expect(refused).toMatchObject({ ok: false, error: { code: 'PRECONDITION' } });
    expect(refused.error?.message).toMatch(/GNOME Keyring, KWallet.*Nothing was saved/s);
    await h.stop(w.port);
  });

  it('a main process that does not answer makes saving fail in time, with nothing written', async () => {
    const h = host(new FakeSafeStorage(), { answerVault: false });
    const w = await h.start(dataDir());
    const view = (await w.window('connectivity.setup')).value as ConnectivitySetup;
    expect(view.secureStorage).toEqual({ available: false, message: expect.stringMatching(/did not answer within 0.3 s/) as string });
    const refused = await w.window('connectivity.saveSetup', input);
    expect(refused).toMatchObject({ ok: false, error: { code: 'PRECONDITION' } });
    expect(((await w.window('connectivity.setup')).value as ConnectivitySetup).updatedAt).toBeNull();
    await h.stop(w.port);
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
