// The database encrypted at rest: what the engine writes holds no personal data in the
// clear (the file and its write-ahead log, searched byte by byte for a planted name,
// number and e-mail address), a wrong key or none is refused with a Swedish sentence and
// leaves the file untouched, a plaintext database is encrypted in place keeping every row,
// and the desktop's sealed key is made once, reused, and never replaced by a default.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEngine, type Engine } from '../../src/engine';
import { silentLogger } from '../../src/log';
import { Checkpointer } from '../../src/store/checkpointer';
import { databaseKeyFile } from '../../src/services/database-key';
import { openStore, StoreOpenError } from '../../src/store/db';
import { encryptDatabaseInPlace, isPlaintextDatabase, type EncryptProgress } from '../../src/store/encryption';
import { fakeSealer } from '../support/sealer';

/** The engine's calls below are an administrator's. */
const TEST_ADMIN = { displayName: 'Test', role: 'admin' } as const;

const NAME = 'Ingegerd Öberg-Planterad';
const PHONE = '0701234599';
const EMAIL = 'ingegerd.planterad@example.se';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'gdial-enc-'));
const newKey = () => randomBytes(32).toString('hex');

async function call<T = unknown>(method: string, params: unknown): Promise<T> {
  const res = await engine!.rpc.call(method, params);
  if (!res.ok) throw new Error(`${method}: ${res.error.code} ${res.error.message}`);
  return res.value as T;
}

async function plant(): Promise<void> {
  await call('contacts.create', {
    firstName: 'Ingegerd',
    lastName: 'Öberg-Planterad',
    phones: [{ number: PHONE }],
    emails: [{ address: EMAIL }],
  });
  for (let i = 0; i < 50; i++)
    await call('contacts.create', { firstName: `Person ${i}`, phones: [{ number: `07011100${String(i).padStart(2, '0')}` }] });
}

/** Every file the database consists of (main file, log, shared memory), concatenated. */
function databaseBytes(dir: string): Buffer {
  return Buffer.concat(
    readdirSync(dir)
      .filter((f) => f.startsWith('gdial.db') && !f.endsWith('.key'))
      .map((f) => readFileSync(path.join(dir, f))),
  );
}

const contains = (bytes: Buffer, text: string) => bytes.includes(Buffer.from(text, 'utf8')) || bytes.includes(Buffer.from(text, 'utf16le'));

describe('encrypted store', () => {
  it('writes no personal data in the clear, in the file or its log', async () => {
    const dir = tmp();
    engine = await startEngine({ dataDir: dir, logger: silentLogger(), signedIn: TEST_ADMIN, encryption: { key: newKey() } });
    await plant();
    // While the engine runs, the planted rows are in the write-ahead log; after closing, in the file.
    const running = databaseBytes(dir);
    expect(running.length).toBeGreaterThan(4096);
    for (const s of [NAME, 'Ingegerd', PHONE, '+46701234599', EMAIL]) expect(contains(running, s), s).toBe(false);
    await engine.close();
    engine = undefined;
    const closed = databaseBytes(dir);
    for (const s of [NAME, 'Ingegerd', PHONE, '+46701234599', EMAIL]) expect(contains(closed, s), s).toBe(false);
    expect(isPlaintextDatabase(path.join(dir, 'gdial.db'))).toBe(false);
  });

  it('the same plant is readable in an unencrypted database (the search above can find it)', async () => {
    const dir = tmp();
    engine = await startEngine({ dataDir: dir, logger: silentLogger(), signedIn: TEST_ADMIN });
    await plant();
    await engine.close();
    engine = undefined;
    const bytes = databaseBytes(dir);
    expect(contains(bytes, 'Ingegerd')).toBe(true);
    expect(contains(bytes, EMAIL)).toBe(true);
  });

  it('opens again with its key, and refuses a wrong key or none in Swedish without touching the file', async () => {
    const dir = tmp();
    const key = newKey();
    engine = await startEngine({ dataDir: dir, logger: silentLogger(), signedIn: TEST_ADMIN, encryption: { key } });
    await plant();
    await engine.close();
    engine = undefined;
    const file = path.join(dir, 'gdial.db');
    const before = readFileSync(file);

    const wrong = (() => {
      try {
        openStore(file, { logger: silentLogger(), key: newKey() });
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(wrong).toBeInstanceOf(StoreOpenError);
    expect((wrong as StoreOpenError).reason).toBe('wrong-key');
    expect((wrong as StoreOpenError).message).toMatch(/kan inte låsas upp med den här nyckeln/);
    expect(() => openStore(file, { logger: silentLogger() })).toThrow(/krypterad och ingen nyckel angavs \(GDIAL_DB_KEY\)/);
    await expect(
      startEngine({ dataDir: dir, logger: silentLogger(), signedIn: TEST_ADMIN, encryption: { key: 'nyckel' } }),
    ).rejects.toThrow(/64 hexadecimala tecken/);
    expect(readFileSync(file).equals(before)).toBe(true);

    engine = await startEngine({ dataDir: dir, logger: silentLogger(), signedIn: TEST_ADMIN, encryption: { key } });
    const found = await call<{ items: { displayName: string }[] }>('contacts.search', { query: 'Ingegerd' });
    expect(found.items.map((c) => c.displayName)).toContain(NAME);
  });

  it('encrypts a plaintext database in place with progress and keeps every row', async () => {
    const dir = tmp();
    engine = await startEngine({ dataDir: dir, logger: silentLogger(), signedIn: TEST_ADMIN });
    await plant();
    await engine.close();
    engine = undefined;
    const file = path.join(dir, 'gdial.db');
    const plain = openStore(file, { logger: silentLogger() });
    const tables = plain.sqlite
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .all() as string[];
    const dump = (s: typeof plain) =>
      Object.fromEntries(
        tables.map((t) => [
          t,
          s.sqlite
            .prepare(`SELECT * FROM "${t}"`)
            .all()
            .map((r) => JSON.stringify(r))
            .sort(),
        ]),
      );
    const before = dump(plain);
    plain.close();
    expect(isPlaintextDatabase(file)).toBe(true);

    const key = newKey();
    const progress: EncryptProgress[] = [];
    engine = await startEngine({
      dataDir: dir,
      logger: silentLogger(),
      signedIn: TEST_ADMIN,
      encryption: { key },
      onEncryptProgress: (p) => progress.push(p),
    });
    expect(isPlaintextDatabase(file)).toBe(false);
    expect(progress.map((p) => p.phase)).toEqual(expect.arrayContaining(['copying', 'encrypting', 'checking', 'replacing']));
    expect(progress.at(-1)?.percent).toBe(100);
    expect(progress.map((p) => p.percent)).toEqual([...progress.map((p) => p.percent)].sort((a, b) => a - b));
    await engine.close();
    engine = undefined;
    expect(contains(databaseBytes(dir), 'Ingegerd')).toBe(false);
    expect(existsSync(`${file}.encrypting`)).toBe(false);

    const enc = openStore(file, { logger: silentLogger(), key });
    expect(dump(enc)).toEqual(before);
    enc.close();
  });

  it('a migration that cannot finish leaves the plaintext database as it was (another program has it open)', async () => {
    const dir = tmp();
    const file = path.join(dir, 'gdial.db');
    const other = openStore(file, { logger: silentLogger() });
    other.sqlite.pragma('wal_autocheckpoint = 0');
    other.sqlite.exec("CREATE TABLE extra(x); INSERT INTO extra VALUES ('kvar')");
    // A stale copy from an earlier attempt that crashed is no obstacle.
    writeFileSync(`${file}.encrypting`, 'half a copy');
    await expect(encryptDatabaseInPlace(file, newKey(), { logger: silentLogger() })).rejects.toThrow(/open in another program/);
    expect(isPlaintextDatabase(file)).toBe(true);
    expect(existsSync(`${file}.encrypting`)).toBe(false);
    expect(other.sqlite.prepare('SELECT x FROM extra').pluck().get()).toBe('kvar');
    other.close();
    const again = openStore(file, { logger: silentLogger() });
    expect(again.sqlite.prepare('SELECT x FROM extra').pluck().get()).toBe('kvar');
    again.close();
  });

  it('the desktop: a key made once, sealed beside the database, reused; no key store, no start', async () => {
    const dir = tmp();
    const { sealer, state } = fakeSealer();
    engine = await startEngine({ dataDir: dir, logger: silentLogger(), signedIn: TEST_ADMIN, secrets: sealer, encryption: 'sealed' });
    await plant();
    await engine.close();
    engine = undefined;
    const keyFile = databaseKeyFile(path.join(dir, 'gdial.db'));
    const sealed = readFileSync(keyFile, 'utf8');
    expect(sealed).not.toMatch(/^[0-9a-f]{64}$/);
    expect(contains(databaseBytes(dir), 'Ingegerd')).toBe(false);

    engine = await startEngine({ dataDir: dir, logger: silentLogger(), signedIn: TEST_ADMIN, secrets: sealer, encryption: 'sealed' });
    expect((await call<{ items: unknown[] }>('contacts.search', { query: 'Ingegerd' })).items).toHaveLength(1);
    await engine.close();
    engine = undefined;
    expect(readFileSync(keyFile, 'utf8')).toBe(sealed);

    // Another OS key (another user or machine): the sealed key does not open; nothing is replaced.
    const other = fakeSealer();
    await expect(
      startEngine({ dataDir: dir, logger: silentLogger(), signedIn: TEST_ADMIN, secrets: other.sealer, encryption: 'sealed' }),
    ).rejects.toMatchObject({
      reason: 'key-unavailable',
    });
    expect(readFileSync(keyFile, 'utf8')).toBe(sealed);

    // A new database where the key store is missing: refused, not started under a default key.
    const fresh = tmp();
    state.unavailable = 'No secret service is running.';
    await expect(startEngine({ dataDir: fresh, logger: silentLogger(), secrets: sealer, encryption: 'sealed' })).rejects.toThrow(
      /vägrar att lagra databasen okrypterad.*No secret service/,
    );
    await expect(startEngine({ dataDir: fresh, logger: silentLogger(), encryption: 'sealed' })).rejects.toMatchObject({
      reason: 'key-unavailable',
    });
    expect(existsSync(path.join(fresh, 'gdial.db'))).toBe(false);
  });

  it('checkpoints on the worker thread with the key', async () => {
    const dir = tmp();
    const key = newKey();
    const file = path.join(dir, 'gdial.db');
    const store = openStore(file, { logger: silentLogger(), key });
    store.sqlite.pragma('wal_autocheckpoint = 0');
    store.sqlite.exec('CREATE TABLE t(x)');
    const insert = store.sqlite.prepare('INSERT INTO t VALUES (?)');
    for (let i = 0; i < 2000; i++) insert.run(randomBytes(200).toString('hex'));
    const checkpointer = new Checkpointer(store.sqlite, file, silentLogger(), key);
    try {
      const result = await checkpointer.checkpoint();
      expect(result.background).toBe(true);
      expect(result.checkpointedFrames).toBe(result.logFrames);
      expect(result.logFrames).toBeGreaterThan(0);
    } finally {
      await checkpointer.close();
      store.close();
    }
  });
});
