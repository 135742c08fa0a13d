// The command line's commands about the database file itself: encrypting a plaintext one
// in place, and (see backup commands) its backups. The key always comes from the
// environment (GDIAL_DB_KEY), never from an argument that ends up in a shell history.
import { createLogger } from '../log';
import { BackupError, backupPath, backupsDirOf, createBackup, listBackups, restoreBackupFile } from '../store/backup';
import { checkDatabaseKey, DatabaseKeyError, encryptDatabaseInPlace, isPlaintextDatabase, type DatabaseKey } from '../store/encryption';
import path from 'node:path';
import { needDb, parse, UsageError, type Io } from './common';

export const STORE_HELP: Record<string, string> = {
  'database encrypt': `Usage: GDIAL_DB_KEY=<64 hex digits> gdial database encrypt --db <path>

Encrypts a plaintext GDial database in place with the key in GDIAL_DB_KEY (make one with
\`openssl rand -hex 32\` and keep it where the database's owner keeps secrets). The database
is copied, the copy encrypted and checked row for row, and only then put in its place; an
interrupted run leaves the plaintext database as it was. GDial must not be running.
`,
  backup: `Usage: gdial backup list|create|restore --db <path> [options]

  backup list                 The backups beside the database (<dir of db>/backups), newest first
  backup create               Make a backup now (checked with integrity_check before it counts)
  backup restore <name> --yes Put a backup in place of the database (GDial must not be running);
                              the current database is backed up first when it can be read

Options:
  --db <path>                 GDial database file
  --keep <n>                  Backups kept after create (default 14)
  --json                      list as JSON
An encrypted database's backups are encrypted with its key: set GDIAL_DB_KEY.
`,
};

/** The key in GDIAL_DB_KEY, checked; undefined when it is not set. */
export function cliDatabaseKey(env: NodeJS.ProcessEnv = process.env): DatabaseKey | undefined {
  const raw = env.GDIAL_DB_KEY?.trim();
  if (!raw) return undefined;
  try {
    return checkDatabaseKey(raw.toLowerCase());
  } catch (e) {
    if (e instanceof DatabaseKeyError) throw new UsageError(`GDIAL_DB_KEY: ${e.message}`);
    throw e;
  }
}

const cliLogger = () => createLogger({ level: process.env.GDIAL_LOG_LEVEL ?? 'warn', destination: process.stderr, name: 'gdial-cli' });

export async function encryptCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { quiet: { type: 'boolean' } });
  if (values.help) {
    io.out(STORE_HELP['database encrypt']!);
    return 0;
  }
  const file = needDb(values, io, true);
  const key = cliDatabaseKey(io.env);
  if (!key) throw new UsageError('Set GDIAL_DB_KEY to the key to encrypt with (64 hexadecimal digits).');
  if (!isPlaintextDatabase(file)) throw new UsageError(`${file} is not a plaintext GDial database (already encrypted?)`);
  const result = await encryptDatabaseInPlace(file, key, {
    logger: cliLogger(),
    onProgress: (p) => {
      if (!values.quiet) io.err(`${p.phase} ${p.percent} %\n`);
    },
  });
  io.out(`Encrypted ${file}: ${result.tables} tables, ${result.rows} rows checked.\n`);
  return 0;
}

export async function backupCommand(action: string | undefined, args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { keep: { type: 'string' }, yes: { type: 'boolean' } });
  if (values.help || !action) {
    io.out(STORE_HELP.backup!);
    return action ? 0 : 2;
  }
  const file = needDb(values, io, true);
  const key = cliDatabaseKey(io.env);
  const dir = backupsDirOf(file);
  const keep = Number(values.keep ?? 14);
  if (!Number.isInteger(keep) || keep < 1) throw new UsageError(`--keep must be a whole number of at least 1, not "${values.keep}"`);
  try {
    switch (action) {
      case 'list': {
        const backups = listBackups(dir, key !== undefined);
        if (values.json) io.out(`${JSON.stringify(backups, null, 2)}\n`);
        else if (backups.length === 0) io.out(`No backups in ${dir}\n`);
        else for (const b of backups) io.out(`${b.name}  ${b.reason}  ${Math.round(b.bytes / 1024)} kB\n`);
        return 0;
      }
      case 'create': {
        const b = await createBackup(file, { key, dir, reason: 'manual', keep });
        io.out(`Backup ${path.join(dir, b.name)} made and checked (${Math.round(b.bytes / 1024)} kB).\n`);
        return 0;
      }
      case 'restore': {
        if (positionals.length !== 1) throw new UsageError('Give the name of the backup to restore (see gdial backup list)', true);
        const from = backupPath(dir, positionals[0]!);
        if (!values.yes) throw new UsageError(`Restoring replaces ${file} with ${positionals[0]}; stop GDial and add --yes to go ahead.`);
        await createBackup(file, { key, dir, reason: 'pre-restore', keep }).then(
          (b) => io.err(`The current database was backed up first as ${b.name}.\n`),
          (e: unknown) => io.err(`The current database could not be backed up first (${(e as Error).message}); restoring anyway.\n`),
        );
        await restoreBackupFile(file, from, key);
        io.out(`Restored ${file} from ${positionals[0]}.\n`);
        return 0;
      }
      default:
        throw new UsageError(`Unknown command "backup ${action}"`, true);
    }
  } catch (e) {
    if (e instanceof BackupError) {
      io.err(`gdial: ${e.message}\n`);
      return 3;
    }
    throw e;
  }
}
