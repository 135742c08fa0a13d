// The utility-process side against the real engine, with Node's MessageChannel standing in
// for Electron's MessagePortMain.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger, startEngine } from '@gdial/engine';
import { runEngineHost, type ClientPort } from '../src/engine-host/host';
import { asClientPort } from './support/client-port';
import type { HostToMain } from '../src/common/host-protocol';
import { SecretVault } from '../src/main/secrets/vault';
import { vaultService } from '../src/main/secrets/vault-service';
import { FakeSafeStorage } from './support/fake-safe-storage';
import { quietLogger } from './support/fakes';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function host(storage = new FakeSafeStorage()) {
  const toMain: HostToMain[] = [];
  const waiters: (() => void)[] = [];
  let deliver: (data: unknown, ports: ClientPort[]) => void = () => {};
  const exits: number[] = [];
  // Main's vault answers the host's requests (the database key is sealed by it).
  const vault = vaultService(new SecretVault(storage, 'linux'), quietLogger());
  runEngineHost({
    logger: silentLogger(),
    // A signed-in test admin: the console's calls below are an operator's.
    startEngine: (o) => startEngine({ ...o, signedIn: { displayName: 'Test', role: 'admin' } }),
    exit: (code) => exits.push(code),
    parent: {
      postMessage: (m) => {
        if (m.type === 'vault-request') {
          void vault(m.request).then((reply) => setImmediate(() => deliver({ type: 'vault-response', id: m.id, reply }, [])));
          return;
        }
        toMain.push(m);
        for (const w of waiters.splice(0)) w();
      },
      onMessage: (l) => (deliver = l),
    },
  });
  const until = async (pred: () => boolean) => {
    while (!pred()) await new Promise<void>((r) => waiters.push(r));
  };
  return { toMain, exits, send: (data: unknown, ports: ClientPort[] = []) => deliver(data, ports), until };
}

function rpc(port: MessagePort) {
  let next = 1;
  const pending = new Map<number, (v: unknown) => void>();
  const events: unknown[] = [];
  port.on('message', (m: { type: string; id?: number; result?: unknown }) => {
    if (m.type === 'res' && m.id !== undefined) pending.get(m.id)?.(m.result);
    else events.push(m);
  });
  return {
    events,
    call: (method: string, params: unknown) =>
      new Promise<unknown>((resolve) => {
        const id = next++;
        pending.set(id, resolve);
        port.postMessage({ type: 'req', id, method, params });
      }),
  };
}

describe('engine host', { timeout: 60_000 }, () => {
  it('starts the engine, serves a window over its port, and drains on shutdown', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gdial-host-'));
    dirs.push(dataDir);
    const h = host();
    h.send({ type: 'start', options: { dataDir, resourcesDir: null } });
    await h.until(() => h.toMain.some((m) => m.type === 'ready'));
    expect(h.toMain.find((m) => m.type === 'ready')).toMatchObject({ type: 'ready', databasePath: path.join(dataDir, 'gdial.db') });

    h.send({ type: 'ping', seq: 3 });
    expect(h.toMain.at(-1)).toEqual({ type: 'pong', seq: 3 });
    h.toMain.pop();

    const { port1, port2 } = new MessageChannel();
    h.send({ type: 'connect', clientId: 7 }, [asClientPort(port1)]);
    const client = rpc(port2);
    const info = await client.call('system.info', {});
    expect(info).toMatchObject({ ok: true, value: { dataDir } });
    const bad = await client.call('system.setOperator', { name: '' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });

    // The engine's shutdown event reaches both the window and main (for the tray).
    h.send({ type: 'shutdown', reason: 'app quit' });
    await h.until(() => h.exits.length > 0);
    expect(h.toMain.map((m) => m.type)).toEqual(['ready', 'engine-event', 'drained']);
    expect(h.toMain[1]).toEqual({ type: 'engine-event', name: 'system.shutdown', payload: { reason: 'engine stopping' } });
    expect(h.exits).toEqual([0]);
    port2.close();
  });

  it('reports a database it cannot open as a start failure with the reason', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gdial-host-'));
    dirs.push(dataDir);
    // A directory where the database file should be cannot be opened as SQLite.
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path.join(dataDir, 'gdial.db'));
    const h = host();
    h.send({ type: 'start', options: { dataDir, resourcesDir: null } });
    await h.until(() => h.exits.length > 0);
    expect(h.toMain[0]).toMatchObject({ type: 'start-failed', reason: 'unreadable' });
    expect(h.exits).toEqual([1]);
  });

  it('a damaged database offers its backups, checked; a start with one of them restores it', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gdial-host-'));
    dirs.push(dataDir);
    const storage = new FakeSafeStorage(); // the OS key store, which keeps the database key across starts
    const connect = (h: ReturnType<typeof host>) => {
      const { port1, port2 } = new MessageChannel();
      h.send({ type: 'connect', clientId: 1 }, [asClientPort(port1)]);
      return { client: rpc(port2), close: () => port2.close() };
    };
    const first = host(storage);
    first.send({ type: 'start', options: { dataDir, resourcesDir: null } });
    await first.until(() => first.toMain.some((m) => m.type === 'ready'));
    const c1 = connect(first);
    await c1.client.call('contacts.create', { firstName: 'Räddad', lastName: 'Person' });
    const made = (await c1.client.call('backups.create', {})) as { ok: true; value: { name: string } };
    first.send({ type: 'shutdown', reason: 'test' });
    await first.until(() => first.exits.length > 0);
    c1.close();

    // The first pages overwritten, as a failing disk leaves them.
    const { openSync, writeSync, closeSync } = await import('node:fs');
    const { randomBytes } = await import('node:crypto');
    const fd = openSync(path.join(dataDir, 'gdial.db'), 'r+');
    writeSync(fd, randomBytes(8192), 0, 8192, 0);
    closeSync(fd);

    const failed = host(storage);
    failed.send({ type: 'start', options: { dataDir, resourcesDir: null } });
    await failed.until(() => failed.exits.length > 0);
    const report = failed.toMain.find((m) => m.type === 'start-failed');
    expect(report).toMatchObject({
      type: 'start-failed',
      reason: 'wrong-key',
      backups: [{ name: made.value.name, reason: 'manual', intact: true }],
    });

    const restored = host(storage);
    restored.send({ type: 'start', options: { dataDir, resourcesDir: null, restoreBackup: made.value.name } });
    await restored.until(() => restored.toMain.some((m) => m.type === 'ready'));
    const c3 = connect(restored);
    const found = (await c3.client.call('contacts.search', { query: '', limit: 10 })) as {
      ok: true;
      value: { items: { displayName: string }[] };
    };
    expect(found.value.items.map((c) => c.displayName)).toEqual(['Räddad Person']);
    restored.send({ type: 'shutdown', reason: 'test' });
    await restored.until(() => restored.exits.length > 0);
    c3.close();
  });

  it('refuses malformed control messages and a connect without a port', async () => {
    const h = host();
    h.send({ type: 'start', options: { dataDir: '' } });
    h.send({ type: 'connect', clientId: 1 });
    h.send({ nonsense: true });
    h.send({ type: 'shutdown' });
    await h.until(() => h.exits.length > 0);
    expect(h.toMain).toEqual([{ type: 'drained' }]);
  });
});
