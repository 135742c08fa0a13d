// The bundled engine host — what ships — started the way the main process starts it:
// GDIAL_SOURCE_ROOT set, a start message, a window port, a shutdown. A worker thread with a
// small shim stands in for Electron's utility process (which cannot run here). This checks
// the esbuild output: workspace sources inlined, third-party packages (better-sqlite3 …)
// loaded from node_modules, and the engine's migrations found through the source root.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import type { HostToMain } from '../src/common/host-protocol';
import { SecretVault } from '../src/main/secrets/vault';
import { vaultService } from '../src/main/secrets/vault-service';
import { FakeSafeStorage } from './support/fake-safe-storage';
import { quietLogger } from './support/fakes';
import { bundleOptions, desktopDir, repoRoot } from '../scripts/bundle';

const outDir = path.join(desktopDir, 'node_modules', '.cache', `gdial-bundle-test-${process.pid}`);
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gdial-bundle-'));
afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('bundled main process', { timeout: 60_000 }, () => {
  it('loads only Electron, the updater, the logger and the protocol schemas at run time — never the engine', async () => {
    const out = await build({ ...bundleOptions().main, write: false, metafile: true, outfile: path.join(outDir, 'main.js') });
    const imports = new Set(Object.values(out.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path)));
    const thirdParty = [...imports].filter((i) => !i.startsWith('node:')).sort();
    expect(thirdParty).toEqual(['electron', 'electron-updater', 'pino', 'zod']);
    const inputs = Object.keys(out.metafile.inputs);
    expect(inputs.some((i) => i.includes('packages/engine/'))).toBe(false);
    expect(inputs.some((i) => i.includes('src/preload/') || i.includes('src/web/'))).toBe(false);
  });
});

describe('bundled engine host', { timeout: 60_000 }, () => {
  it('starts the engine from the bundle, serves a window, and drains on shutdown', async () => {
    mkdirSync(outDir, { recursive: true });
    const bundle = path.join(outDir, 'engine-host.js');
    await build({ ...bundleOptions().engineHost, outfile: bundle, sourcemap: false });

    const worker = new Worker(new URL('./support/utility-process-shim.mjs', import.meta.url), {
      workerData: { bundle: pathToFileURL(bundle).href },
      env: { ...process.env, GDIAL_SOURCE_ROOT: repoRoot, GDIAL_LOG_LEVEL: 'silent' },
    });
    const fromHost: HostToMain[] = [];
    const waiters: (() => void)[] = [];
    // Main's vault answers the host's requests: the database key is sealed by it.
    const vault = vaultService(new SecretVault(new FakeSafeStorage(), 'linux'), quietLogger());
    worker.on('message', (m: HostToMain) => {
      if (m.type === 'vault-request') {
        void vault(m.request).then((reply) => worker.postMessage({ data: { type: 'vault-response', id: m.id, reply } }));
        return;
      }
      fromHost.push(m);
      for (const w of waiters.splice(0)) w();
    });
    const errors: Error[] = [];
    worker.on('error', (e) => errors.push(e));
    const exited = new Promise<number>((r) => worker.on('exit', r));
    const until = async (type: string) => {
      while (!fromHost.some((m) => m.type === type)) {
        if (errors.length) throw errors[0]!;
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 200);
        });
      }
    };

    worker.postMessage({ data: { type: 'start', options: { dataDir, resourcesDir: null } } });
    await until('ready');
    expect(fromHost.find((m) => m.type === 'ready')).toMatchObject({ databasePath: path.join(dataDir, 'gdial.db') });

    const { port1, port2 } = new MessageChannel();
    worker.postMessage({ data: { type: 'connect', clientId: 1 }, ports: [port1] }, [port1]);
    const reply = new Promise<unknown>((resolve) => port2.once('message', resolve));
    port2.postMessage({ type: 'req', id: 1, method: 'system.info', params: {} });
    expect(await reply).toMatchObject({
      type: 'res',
      id: 1,
      result: { ok: true, value: { dataDir, schemaVersion: expect.any(Number) as unknown } },
    });

    worker.postMessage({ data: { type: 'shutdown', reason: 'test' } });
    await until('drained');
    expect(await exited).toBe(0);
    port2.close();
  }, 60_000);
});
