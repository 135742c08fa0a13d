// The browser host's start on a damaged database, over HTTP: the start error page (503)
// names the problem and the backups, a restore asked from anywhere but the page itself is
// refused, a damaged backup is not put in place, and the newest whole one is — the engine
// then starts on it with what it held. The browser test (e2e/recovery.e2e.ts) clicks it.
import { closeSync, mkdtempSync, openSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackupInfo } from '@gdial/protocol';
import { silentLogger } from '@gdial/engine';
import { startConsole, type ConsoleHost } from '../src/web/host';

let host: ConsoleHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

const start = (dataDir: string) =>
  startConsole({
    port: 0,
    dataDir,
    logger: silentLogger(),
    signedIn: { displayName: 'Test', role: 'admin' },
    connectivity: { mode: 'live', settings: {} },
    uiDir: path.resolve(import.meta.dirname, 'fixtures/ui'),
  });

const damage = (file: string) => {
  const fd = openSync(file, 'r+');
  writeSync(fd, randomBytes(8192), 0, 8192, 0);
  closeSync(fd);
};

async function call<T>(method: string, params: unknown): Promise<T> {
  const res = await host!.engine.rpc.call(method, params);
  if (!res.ok) throw new Error(`${method}: ${res.error.message}`);
  return res.value as T;
}

describe('start on a damaged database', () => {
  it('serves the start error page and starts on the newest whole backup only when the page asks', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gdial-recovery-'));
    host = await start(dataDir);
    const older = await call<BackupInfo>('backups.create', {});
    await call('contacts.create', { firstName: 'Räddad', lastName: 'Person', phones: [{ number: '070-123 45 67' }] });
    const newer = await call<BackupInfo>('backups.create', {});
    await host.close();
    damage(path.join(dataDir, 'gdial.db'));
    damage(path.join(dataDir, 'backups', older.name));

    host = await start(dataDir);
    expect(host.recovering).toBe(true);
    expect(() => host!.engine).toThrow(/start error page/);
    const page = await fetch(host.url);
    expect(page.status).toBe(503);
    const html = await page.text();
    expect(html).toContain('GDial kan inte läsa databasen');
    expect(html).toContain('Databasfilen är skadad eller är inte en GDial-databas');
    expect(html).toContain(`value="${newer.name}"`);
    expect(html).not.toContain(`value="${older.name}"`); // damaged: offered to nobody
    expect(html).toContain('Skadad – kan inte användas');
    expect(await (await fetch(`${host.url}/?lang=en`)).text()).toContain('GDial cannot read the database');
    const post = (name: string, origin?: string) =>
      fetch(`${host!.url}/recovery/restore`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(origin ? { origin } : {}) },
        body: new URLSearchParams({ name }).toString(),
      });
    expect((await post(newer.name)).status).toBe(403);
    expect((await post(newer.name, 'http://evil.example')).status).toBe(403);
    expect(host.recovering).toBe(true);
    const origin = new URL(host.url).origin;
    expect((await post(older.name, origin)).status).toBe(303);
    expect(host.recovering).toBe(true);
    expect(await (await fetch(host.url)).text()).toContain('Återställningen misslyckades');

    const done = await post(newer.name, origin);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/?lang=sv');
    expect(host.recovering).toBe(false);
    const found = await call<{ items: { displayName: string }[] }>('contacts.search', { query: '', limit: 10 });
    expect(found.items.map((c) => c.displayName)).toEqual(['Räddad Person']);
    expect((await fetch(host.url)).status).toBe(200);
  }, 120_000);
});
