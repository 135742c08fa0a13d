// Backups of the encrypted database through the engine's RPC (outputs validated): made on
// request and on a schedule, encrypted, checked, N kept, audited; restored from the console
// with the engine running (sessions kept, calls refused during the swap, the current
// database backed up first); a database damaged at start offered its newest backup instead
// of an empty start; a failed backup removes no earlier one; the CLI lists, makes and restores.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, openSync, readFileSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackupInfo, BackupOverview } from '@gdial/protocol';
import { runCli } from '../../src/cli/main';
import { startEngine, type Engine, type EngineOptions } from '../../src/engine';
import { silentLogger } from '../../src/log';
import { BackupService } from '../../src/services/backups';
import { backupsDirOf } from '../../src/store/backup';
import { openStore, StoreOpenError, storeNeedsUpgrade } from '../../src/store/db';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'gdial-backup-'));
const newKey = () => randomBytes(32).toString('hex');

async function call<T = unknown>(method: string, params: unknown = {}): Promise<T> {
  const res = await engine!.rpc.call(method, params);
  if (!res.ok) throw new Error(`${method}: ${res.error.code} ${res.error.message}`);
  return res.value as T;
}

async function names(): Promise<string[]> {
  const found = await call<{ items: { displayName: string }[] }>('contacts.search', { query: '', limit: 100 });
  return found.items.map((c) => c.displayName).sort();
}

const start = async (dir: string, key: string, extra: Partial<EngineOptions> = {}) =>
  (engine = await startEngine({
    dataDir: dir,
    logger: silentLogger(),
    encryption: { key },
    validateOutputs: true,
    signedIn: { displayName: 'Karin', role: 'admin' },
    ...extra,
  }));

const until = async (pred: () => boolean | Promise<boolean>, ms = 10_000) => {
  const t0 = Date.now();
  while (!(await pred())) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('backups', () => {
  it('makes an encrypted, checked backup on request, audited, and keeps N generations', async () => {
    const dir = tmp();
    const key = newKey();
    await start(dir, key, { backups: { keep: 3 } });
    await call('contacts.create', { firstName: 'Ingegerd', lastName: 'Backupsson', phones: [{ number: '0701234598' }] });
    const made: BackupInfo[] = [];
    for (let i = 0; i < 5; i++) made.push(await call<BackupInfo>('backups.create'));
    const overview = await call<BackupOverview>('backups.list');
    expect(overview.keep).toBe(3);
    expect(overview.directory).toBe(path.join(dir, 'backups'));
    expect(overview.backups.map((b) => b.name)).toEqual(
      made
        .slice(2)
        .reverse()
        .map((b) => b.name),
    );
    expect(overview.backups.every((b) => b.encrypted && b.reason === 'manual' && b.bytes > 0)).toBe(true);
    expect(overview.lastFailure).toBeNull();

    const file = path.join(dir, 'backups', made[4]!.name);
    expect(readFileSync(file).includes('Backupsson')).toBe(false);
    // It is a whole database under the same key, and only under it.
    const copy = openStore(file, { logger: silentLogger(), key });
    expect(copy.sqlite.prepare("SELECT count(*) FROM contacts WHERE last_name = 'Backupsson'").pluck().get()).toBe(1);
    copy.close();
    expect(() => openStore(file, { logger: silentLogger(), key: newKey() })).toThrow(StoreOpenError);

    const audit = await call<{ entries: { action: string; actor: string; params: Record<string, string> | null }[] }>('audit.list', {});
    const entries = audit.entries.filter((e) => e.action === 'backup.created');
    expect(entries).toHaveLength(5);
    expect(entries[0]).toMatchObject({ actor: 'Karin', params: { name: made[4]!.name } });
  });

  it('makes backups on a schedule while it runs', async () => {
    const dir = tmp();
    await start(dir, newKey(), { backups: { intervalHours: 0.5 / 3600, keep: 10 } });
    await until(async () => (await call<BackupOverview>('backups.list')).backups.filter((b) => b.reason === 'scheduled').length >= 2);
  });

  it('restores a backup from the console while the engine runs: sessions kept, current database backed up first', async () => {
    const dir = tmp();
    const key = newKey();
    await start(dir, key);
    await call('contacts.create', { firstName: 'Före' });
    const backup = await call<BackupInfo>('backups.create');
    await call('contacts.create', { firstName: 'Efter' });
    expect(await names()).toEqual(['Efter', 'Före']);

    const events: string[] = [];
    const session = engine!.connect({
      send: (m) => {
        if (m.type === 'event') events.push(m.name);
      },
      onMessage: () => {},
      onClose: () => {},
    });
    expect(session).toBeGreaterThan(0);
    expect(await call('backups.restore', { name: backup.name })).toEqual({ restoring: true });
    // During the swap calls are refused with a sentence, never lost half done.
    const during = await engine!.rpc.call('contacts.search', { query: '' });
    if (!during.ok)
      expect(during.error).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/återställer databasen/) as string });
    await until(() => events.includes('system.restored'));
    expect(await names()).toEqual(['Före']);
    const overview = await call<BackupOverview>('backups.list');
    expect(overview.backups.map((b) => b.reason)).toEqual(['pre-restore', 'manual']);
    const audit = await call<{ entries: { action: string; params: Record<string, string> | null }[] }>('audit.list', {});
    expect(audit.entries.find((e) => e.action === 'backup.restored')).toMatchObject({ params: { name: backup.name } });

    // What was there before the restore is in the pre-restore backup.
    const before = openStore(path.join(dir, 'backups', overview.backups[0]!.name), { logger: silentLogger(), key });
    expect(before.sqlite.prepare("SELECT count(*) FROM contacts WHERE first_name = 'Efter'").pluck().get()).toBe(1);
    before.close();

    const bad = await engine!.rpc.call('backups.restore', { name: 'gdial-20250101T000000000Z-manual.db' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringMatching(/finns inte/) as string } });
    const notAName = await engine!.rpc.call('backups.restore', { name: '../gdial.db' });
    expect(notAName).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('a database damaged at start names its newest backup instead of starting empty, and starts on it when asked', async () => {
    const dir = tmp();
    const key = newKey();
    await start(dir, key);
    await call('contacts.create', { firstName: 'Räddad' });
    const backup = await call<BackupInfo>('backups.create');
    await engine!.close();
    engine = undefined;

    // The first pages overwritten, as a failing disk or a crashed copy leaves them.
    const file = path.join(dir, 'gdial.db');
    const fd = openSync(file, 'r+');
    writeSync(fd, randomBytes(8192), 0, 8192, 0);
    closeSync(fd);
    const damaged = readFileSync(file);

    const err = await startEngine({ dataDir: dir, logger: silentLogger(), encryption: { key } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreOpenError);
    expect((err as StoreOpenError).backup?.name).toBe(backup.name);
    expect((err as StoreOpenError).message).toMatch(
      new RegExp(`senaste säkerhetskopian är från .*${backup.name}.*i stället för att börja om`),
    );
    // Nothing was started empty over it.
    expect(readFileSync(file).equals(damaged)).toBe(true);

    await start(dir, key, { restoreBackup: backup.name });
    expect(await names()).toEqual(['Räddad']);
    // The damaged file could not be backed up first (it cannot be read); nothing else was lost.
    expect((await call<BackupOverview>('backups.list')).backups.map((b) => b.name)).toContain(backup.name);
  });

  it('a failed backup is reported and removes no earlier one', async () => {
    const dir = tmp();
    const key = newKey();
    await start(dir, key, { backups: { keep: 1 } });
    const good = await call<BackupInfo>('backups.create');
    await engine!.close();
    engine = undefined;
    // The database went bad: a backup of it cannot be made, and must not push out the good one.
    const file = path.join(dir, 'gdial.db');
    writeFileSync(file, randomBytes(64 * 1024));
    const changed: string[] = [];
    const service = new BackupService(
      {
        dbPath: file,
        dir: backupsDirOf(file),
        key,
        logger: silentLogger(),
        events: { emit: (n) => changed.push(n) },
        context: () => null,
        restart: async () => {},
      },
      { keep: 1 },
    );
    await expect(service.create()).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/kunde inte göras/) as string,
    });
    expect(service.overview().lastFailure?.message).toMatch(/kunde inte göras/);
    expect(service.list().map((b) => b.name)).toEqual([good.name]);
    expect(existsSync(path.join(dir, 'backups', good.name))).toBe(true);
    expect(changed).toEqual(['backups.changed']);
  });

  it('backs up before a schema upgrade', async () => {
    const dir = tmp();
    const key = newKey();
    await start(dir, key);
    await engine!.close();
    engine = undefined;
    const file = path.join(dir, 'gdial.db');
    expect(storeNeedsUpgrade(file, { key })).toBe(false);
    // As if the last migration were still to come.
    const s = openStore(file, { logger: silentLogger(), key });
    const version = s.schemaVersion;
    s.sqlite.pragma(`user_version = ${version - 1}`);
    s.close();
    expect(storeNeedsUpgrade(file, { key })).toBe(true);
    const events = { emit: () => {} };
    const service = new BackupService({
      dbPath: file,
      dir: backupsDirOf(file),
      key,
      logger: silentLogger(),
      events,
      context: () => null,
      restart: async () => {},
    });
    await service.beforeOpen();
    expect(service.list().map((b) => b.reason)).toEqual(['pre-migration']);
  });

  it('the CLI lists, makes and restores backups with the key from GDIAL_DB_KEY', async () => {
    const dir = tmp();
    const key = newKey();
    await start(dir, key);
    await call('contacts.create', { firstName: 'Cli' });
    await engine!.close();
    engine = undefined;
    let out = '';
    let err = '';
    const run = (...argv: string[]) => {
      out = '';
      err = '';
      return runCli(argv, { out: (s) => (out += s), err: (s) => (err += s), cwd: dir, isTTY: false, env: { GDIAL_DB_KEY: key } });
    };
    expect(await run('backup', 'create', '--db', 'gdial.db')).toBe(0);
    expect(out).toMatch(/made and checked/);
    expect(await run('backup', 'list', '--db', 'gdial.db', '--json')).toBe(0);
    const [made] = JSON.parse(out) as BackupInfo[];
    expect(made?.reason).toBe('manual');
    expect(await run('backup', 'restore', made!.name, '--db', 'gdial.db')).toBe(2);
    expect(err).toMatch(/--yes/);
    expect(await run('backup', 'restore', 'nope.db', '--db', 'gdial.db', '--yes')).toBe(3);
    expect(await run('backup', 'restore', made!.name, '--db', 'gdial.db', '--yes')).toBe(0);
    expect(err).toMatch(/backed up first as gdial-.*-pre-restore\.db/);
    await start(dir, key);
    expect(await names()).toEqual(['Cli']);
  });
});
