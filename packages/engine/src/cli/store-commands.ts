// The command line's commands about the database file itself: encrypting a plaintext one
// in place, and (see backup commands) its backups. The key always comes from the
// environment (GDIAL_DB_KEY), never from an argument that ends up in a shell history.
import { createLogger } from '../log';
import { checkDatabaseKey, DatabaseKeyError, encryptDatabaseInPlace, isPlaintextDatabase, type DatabaseKey } from '../store/encryption';
import { needDb, parse, UsageError, type Io } from './common';

export const STORE_HELP: Record<string, string> = {
  'database encrypt': `Usage: GDIAL_DB_KEY=<64 hex digits> gdial database encrypt --db <path>

Encrypts a plaintext GDial database in place with the key in GDIAL_DB_KEY (make one with
\`openssl rand -hex 32\` and keep it where the database's owner keeps secrets). The database
is copied, the copy encrypted and checked row for row, and only then put in its place; an
interrupted run leaves the plaintext database as it was. GDial must not be running.
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
