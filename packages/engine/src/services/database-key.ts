// The database's key in the desktop app: 32 random bytes made on first start, sealed by
// the OS key store through the host's SecretSealer (Electron's safeStorage in the main
// process) and kept, sealed, beside the database as `<database>.key`. There is no
// fallback: when the key store is missing or refuses, the engine does not start — a
// database "encrypted" under a key anyone can read would only look protected.
//
// Losing the sealed key file, or the OS account's key store, makes the database and its
// backups unreadable; that is the point of the encryption, and the guide says so.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import type { Logger } from '../log';
import { StoreOpenError } from '../store/db';
import {
  checkDatabaseKey,
  encryptDatabaseInPlace,
  hasDatabase,
  isPlaintextDatabase,
  type DatabaseKey,
  type EncryptProgress,
} from '../store/encryption';
import { databaseKeySlot, type SecretSealer } from './connectivity/secrets';

export const databaseKeyFile = (dbPath: string): string => `${dbPath}.key`;

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

const unavailable = (message: string) => new StoreOpenError('key-unavailable', message);

/**
 * The key of the database at `dbPath`: opened from its sealed file, or made and sealed
 * when there is no database yet (or only a plaintext one, which is then encrypted with it).
 * Throws StoreOpenError('key-unavailable') with a sentence in Swedish when it cannot.
 */
export async function sealedDatabaseKey(dbPath: string, sealer: SecretSealer | undefined, logger: Logger): Promise<DatabaseKey> {
  const log = logger.child({ module: 'database-key' });
  if (!sealer)
    throw unavailable('GDial krypterar databasen med en nyckel som operativsystemets nyckelring skyddar, men ingen nyckelring finns här.');
  const file = databaseKeyFile(dbPath);
  if (existsSync(file)) {
    const opened = await sealer.open(databaseKeySlot, readFileSync(file, 'utf8').trim());
    if (!opened.ok)
      throw unavailable(
        `Databasens nyckel (${file}) kunde inte öppnas med operativsystemets nyckelring: ${opened.message} Databasen har inte ändrats.`,
      );
    if (opened.value.resealed) {
      writeAtomically(file, opened.value.resealed);
      log.info('database key sealed again under the key store’s new key');
    }
    try {
      return checkDatabaseKey(opened.value.value);
    } catch {
      throw unavailable(`Databasens nyckelfil (${file}) innehåller ingen giltig nyckel. Databasen har inte ändrats.`);
    }
  }
  if (hasDatabase(dbPath) && !isPlaintextDatabase(dbPath))
    throw unavailable(
      `Databasen ${dbPath} är krypterad men dess nyckelfil (${file}) saknas. Lägg tillbaka nyckelfilen från samma dator och användare; databasen har inte ändrats.`,
    );
  const available = await sealer.available();
  if (!available.ok) throw unavailable(`GDial vägrar att lagra databasen okrypterad eller under en standardnyckel: ${available.reason}`);
  const key = randomBytes(32).toString('hex');
  const sealed = await sealer.seal(databaseKeySlot, key);
  if (!sealed.ok) throw unavailable(`Databasens nyckel kunde inte förseglas: ${sealed.message}`);
  writeAtomically(file, sealed.value);
  log.info({ file }, 'made and sealed a new database key');
  return key;
}

/** How the engine's database is encrypted (EngineOptions.encryption). */
export type StoreEncryption =
  /** A key made once and kept sealed by the host's SecretSealer (the desktop app). */
  | 'sealed'
  /** A key the host holds (the CLI and browser host: GDIAL_DB_KEY). */
  | { key: string };

/**
 * The key to open the engine's database with (undefined: plaintext), after encrypting a
 * plaintext database in place with it when there is one (see store/encryption.ts).
 */
export async function prepareDatabaseKey(
  dbPath: string,
  encryption: StoreEncryption | undefined,
  opts: { secrets?: SecretSealer | undefined; logger: Logger; onProgress?: ((p: EncryptProgress) => void) | undefined },
): Promise<DatabaseKey | undefined> {
  if (!encryption || dbPath === ':memory:') return undefined;
  let key: DatabaseKey;
  if (encryption === 'sealed') key = await sealedDatabaseKey(dbPath, opts.secrets, opts.logger);
  else {
    try {
      key = checkDatabaseKey(encryption.key.trim().toLowerCase());
    } catch (err) {
      throw new StoreOpenError('key-unavailable', (err as Error).message);
    }
  }
  if (isPlaintextDatabase(dbPath)) {
    const log = opts.logger.child({ module: 'database-key' });
    log.info({ dbPath }, 'encrypting the plaintext database in place');
    await encryptDatabaseInPlace(dbPath, key, {
      logger: opts.logger,
      onProgress: (p) => {
        log.info(p, 'encrypting the database');
        opts.onProgress?.(p);
      },
    });
  }
  return key;
}
