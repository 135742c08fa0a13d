// A line to the relay that dies silently: packets dropped somewhere on the path, nothing
// closed, so no socket error or close ever reaches the desktop. A real engine talks to a real
// relay (embedded PGlite) through a TCP proxy that is black-holed. The relay's heartbeat is
// set to a minute here, so the old detection (two and a half missed heartbeats) would take
// 150 s: the desktop must notice within seconds on its own, say so ("silent line"), give up
// the push that waits on the dead path, and sync again once the path is back.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import type { ConnectivityStatus, MethodInput, MethodName, MethodOutput } from '@gdial/protocol';
import { enrolDevice, silentLogger, startEngine, type Engine } from '@gdial/engine';
import { startRelay, type RelayHandle } from '@gdial/relay';
import { startProxy, type CuttableProxy } from './harness/proxy';

const TENANT = 'tyst';
let relay: RelayHandle | undefined;
let proxy: CuttableProxy | undefined;
const engines: Engine[] = [];
let watching = false;

afterEach(async () => {
  watching = false;
  await proxy?.close(); // first: nothing waits on a black hole while the engines close
  for (const e of engines.splice(0)) await e.close();
  await relay?.close();
  relay = undefined;
  proxy = undefined;
}, 30_000);

async function call<M extends MethodName>(engine: Engine, m: M, params: MethodInput<M>): Promise<MethodOutput<M>> {
  const res = await engine.rpc.call(m, params);
  if (!res.ok) throw new Error(`${m}: ${res.error.message}`);
  return res.value as MethodOutput<M>;
}

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function desktop(name: string, url: string): Promise<Engine> {
  const enrolment = await relay!.admin.createEnrolment(TENANT, 1);
  if (!enrolment.ok) throw new Error(enrolment.problem);
  const enrolled = await enrolDevice(relay!.url, enrolment.value.token, name);
  if (!enrolled.ok) throw new Error(enrolled.error.message);
  const engine = await startEngine({
    dataDir: mkdtempSync(path.join(os.tmpdir(), `gdial-silent-${name}-`)),
    logger: silentLogger(),
    signedIn: { displayName: name, role: 'admin' },
    connectivity: { relay: { url, deviceToken: enrolled.value.deviceToken, tenant: TENANT } },
  });
  engines.push(engine);
  return engine;
}

it('notices a black-holed relay within seconds, names it a silent line, and syncs again once the path is back', async () => {
  const heartbeatMs = 60_000;
  relay = await startRelay({ encryptionKey: randomBytes(32), port: 0, logger: silentLogger(), heartbeatMs });
  const created = await relay.admin.createTenant(TENANT, 'Tysta kommunen');
  if (!created.ok) throw new Error(created.problem);
  const relayPort = Number(new URL(relay.url).port);
  proxy = await startProxy(() => relayPort);
  const a = await desktop('A', proxy.url);
  const b = await desktop('B', relay.url); // B's path stays whole
  // Every state A's console is shown, read as the console reads it (a reconnect waits at least a quarter second, so polling sees it).
  const states: ConnectivityStatus['relay'][] = [];
  watching = true;
  const watcher = (async () => {
    while (watching) {
      const res = await a.rpc.call('connectivity.status', {});
      if (res.ok) states.push((res.value as MethodOutput<'connectivity.status'>).relay);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  await until(async () => (await call(a, 'sync.status', {})).enabled && (await call(b, 'sync.status', {})).enabled, 'both joined', 30_000);
  await until(async () => (await call(a, 'connectivity.status', {})).relay.status === 'connected', 'A connected', 30_000);

  proxy.cut('blackhole');
  const cutAt = Date.now();
  // A change made on the dead path: its push hangs in the black hole.
  await call(a, 'contacts.create', { firstName: 'Under', lastName: 'Tystnaden', phones: [{ number: '070-111 22 33' }] });

  // Well before the relay's first heartbeat could even be missed (60 s), let alone 2.5 of them.
  await until(() => states.some((s) => s.status === 'reconnecting'), 'A to notice the silent line', heartbeatMs / 2);
  const noticedAt = Date.now();
  const lost = states.find((s) => s.status === 'reconnecting')!;
  expect(lost.silent).toBe(true);
  expect(lost.detail).toMatch(/silent/);
  expect(noticedAt - cutAt).toBeLessThan(heartbeatMs);
  expect((await call(a, 'connectivity.status', {})).relay.status).not.toBe('connected');
  expect((await call(a, 'sync.status', {})).pending).toBeGreaterThan(0);

  watching = false;
  await watcher;
  proxy.heal();
  await until(async () => (await call(a, 'connectivity.status', {})).relay.status === 'connected', 'A connected again', 60_000);
  const back = (await call(a, 'connectivity.status', {})).relay;
  expect(back.silent).toBeUndefined();
  await until(async () => (await call(a, 'sync.status', {})).pending === 0, "A's change pushed", 60_000);
  await until(async () => (await call(b, 'contacts.search', { query: 'Tystnaden' })).items.length === 1, "A's change on B", 60_000);
}, 180_000);
