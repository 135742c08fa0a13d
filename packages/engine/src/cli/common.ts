// What the command line's commands share: the usage error, the I/O they write to, the
// options every command takes, and finding the database file.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Store } from '../store/db';

/** Bad command line: exit code 2; with help when the syntax itself was wrong. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly showHelp = false,
  ) {
    super(message);
  }
}

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Where relative paths are resolved from (npm run changes the working directory). */
  cwd: string;
  isTTY: boolean;
  /** The environment (GDIAL_DB_KEY); process.env when absent. */
  env?: NodeJS.ProcessEnv | undefined;
  /** Runs a command's work on its open store, for tests that hold a command to what it writes. */
  watch?: ((store: Store, work: () => unknown) => unknown) | undefined;
}

const common = {
  db: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  operator: { type: 'string' },
} satisfies ParseArgsConfig['options'];

export function parse<const O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options: { ...common, ...options }, allowPositionals: true, strict: true } as const);
  } catch (e) {
    throw new UsageError((e as Error).message, true);
  }
}

export function needDb(values: { db?: string | undefined }, io: Io, mustExist: boolean): string {
  if (!values.db) throw new UsageError('--db <path> is required');
  const file = path.resolve(io.cwd, values.db);
  if (mustExist && !existsSync(file)) throw new UsageError(`There is no database at ${file}`);
  return file;
}
