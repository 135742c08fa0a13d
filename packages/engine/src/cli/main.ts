// `gdial`: the admin command line for IT staff who script contact work. It opens the
// engine's database directly and calls the same services the RPC handlers use, so an
// import from the command line follows exactly the rules of one from the console.
//
//   gdial contacts import <file> --db <path> [--dry-run] [--on-duplicate update|skip|create] [--mapping col=field,…]
//   gdial contacts export <file> --db <path> [--format csv|vcard] [--group NAME]
//   gdial contacts list --db <path> [--json]
//   gdial groups list --db <path> [--json]
//
// Exit codes: 0 done; 1 rows failed (the per-row report is printed) or the import stopped;
// 2 bad usage; 3 the database could not be opened or another error.
import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ColumnMapping, DuplicateMode, ImportPreview, ImportReport, ImportRowError } from '@gdial/protocol';
import { duplicateModeSchema, importFieldSchema } from '@gdial/protocol';
import type { EngineContext } from '../context';
import { createContactsModule } from '../contacts';
import { exportContacts } from '../contacts/export';
import { readImportHeaders } from '../contacts/import/importer';
import { DomainError } from '../errors';
import { createLogger } from '../log';
import { openStore, StoreOpenError, type Store } from '../store/db';
import { needDb, parse, UsageError, type Io } from './common';
import { backupCommand, cliDatabaseKey, encryptCommand, STORE_HELP } from './store-commands';

export { UsageError } from './common';

const HELP: Record<string, string> = {
  main: `Usage: gdial <command> [options]

Commands:
  contacts import <file>   Import contacts from CSV or vCard (always validated first)
  contacts export <file>   Export contacts to CSV (Excel) or vCard 4.0
  contacts list            List contacts
  groups list              List groups

  database encrypt         Encrypt a plaintext database in place (key from GDIAL_DB_KEY)
  backup list|create|restore   The database's backups (see gdial backup --help)

Every command needs --db <path> (the GDial database file). An encrypted database is opened
with the key in GDIAL_DB_KEY (64 hexadecimal digits). Add --help to a command for its options.
`,
  'contacts import': `Usage: gdial contacts import <file> --db <path> [options]

Reads a CSV (comma, semicolon or tab; UTF-8, UTF-16 or Windows-1252) or vCard file,
validates every row and finds duplicates by phone number and e-mail, then writes it.

Options:
  --db <path>                 GDial database file (created if missing)
  --dry-run                   Validate and report only; write nothing
  --on-duplicate <mode>       update (default): merge into the existing contact;
                              skip: leave the row out; create: add it anyway
  --mapping <col=field,…>     Override header mapping; col is a header or a 1-based column
                              number, field one of: ${importFieldsHelp()}, custom.<name> or ignore
  --format <csv|vcard>        Default: from the file name and content
  --encoding <utf-8|utf-16le|windows-1252>   Default: detected
  --delimiter <;|,|tab>       Default: detected
  --operator <name>           Name recorded in the audit log (default: your user name)
  --json                      Print the report as JSON on stdout
  --quiet                     No progress on stderr

Exit code 1 when any row has an error (each is listed with row number, field and reason)
or the import stopped; nothing from a failed batch is written.
`,
  'contacts export': `Usage: gdial contacts export <file> --db <path> [options]

Options:
  --db <path>                 GDial database file
  --format <csv|vcard>        Default: csv (UTF-8 with BOM, semicolons, for Excel)
  --delimiter <;|,>           CSV delimiter (default ;)
  --group <name>              Only this group (with its subgroups)
  --no-subgroups              With --group: only direct members
`,
  'contacts list': `Usage: gdial contacts list --db <path> [options]

Options:
  --db <path>                 GDial database file
  --query <text>              Search like the console does (names, e-mail, phone digits…)
  --group <name>              Only members of this group (with subgroups)
  --tag <tag>                 Only contacts with this tag
  --json                      One JSON array of full contacts on stdout
`,
  'groups list': `Usage: gdial groups list --db <path> [--json]
`,
};

function importFieldsHelp(): string {
  return 'firstName, lastName, displayName, organisation, role, notes, language, phone.mobile, phone.work, phone.home, phone.other, email, whatsapp, telegramChatId, groups, tags';
}

/** Runs one command line; returns the exit code. */
export async function runCli(argv: string[], io: Io): Promise<number> {
  const [area, action, ...rest] = argv;
  const key = `${area ?? ''} ${action ?? ''}`;
  if (!area || area === '--help' || area === '-h' || area === 'help') {
    io.out(HELP.main!);
    return area ? 0 : 2;
  }
  try {
    switch (key) {
      case 'contacts import':
        return await importCommand(rest, io);
      case 'contacts export':
        return await exportCommand(rest, io);
      case 'contacts list':
        return listContacts(rest, io);
      case 'groups list':
        return listGroups(rest, io);
      case 'database encrypt':
        return await encryptCommand(rest, io);
      default:
        if (area === 'backup') return await backupCommand(action, rest, io);
        throw new UsageError(`Unknown command "${argv.slice(0, 2).join(' ')}"`, true);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(
        e.showHelp
          ? `gdial: ${e.message}\n\n${HELP[key] ?? STORE_HELP[key] ?? (area === 'backup' ? STORE_HELP.backup : HELP.main)}`
          : `gdial: ${e.message}\n`,
      );
      return 2;
    }
    if (e instanceof StoreOpenError) {
      io.err(`gdial: ${e.message}\n`);
      return 3;
    }
    if (e instanceof DomainError) {
      io.err(`gdial: ${e.message}\n`);
      return e.code === 'VALIDATION' || e.code === 'NOT_FOUND' ? 2 : 3;
    }
    io.err(`gdial: ${(e as Error).stack ?? String(e)}\n`);
    return 3;
  }
}

function withStore<T>(
  io: Io,
  file: string,
  operator: string | undefined,
  onProgress: EngineContext['events']['emit'],
  fn: (ctx: EngineContext) => T,
  watch?: Io['watch'],
): T {
  const logger = createLogger({ level: process.env.GDIAL_LOG_LEVEL ?? 'warn', destination: process.stderr, name: 'gdial-cli' });
  const store: Store = openStore(file, { logger, key: cliDatabaseKey(io.env) });
  const ctx: EngineContext = {
    store,
    logger,
    events: { emit: onProgress },
    dataDir: file === ':memory:' ? os.tmpdir() : path.dirname(file),
    resourcesDir: null,
    demo: false,
    startedAt: new Date(),
    operator: () => operator ?? safeUser(),
  };
  let closeNow = true;
  try {
    const result = (watch ? watch(store, () => fn(ctx)) : fn(ctx)) as T;
    if (result instanceof Promise) {
      closeNow = false;
      // The database file is complete on its own once the command returns (IT staff copy it).
      return result.finally(async () => {
        await store.settled();
        store.close();
      }) as T;
    }
    return result;
  } finally {
    if (closeNow) store.close();
  }
}

function safeUser(): string {
  try {
    return `${os.userInfo().username} (cli)`;
  } catch {
    return 'cli';
  }
}

/** "Namn=displayName,2=phone.mobile,Extra=ignore" → column mappings, using the file's headers. */
export function parseMapping(spec: string, headers: readonly string[]): ColumnMapping[] {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.lastIndexOf('=');
      if (eq <= 0) throw new UsageError(`--mapping: "${pair}" is not column=field`);
      const col = pair.slice(0, eq).trim();
      const fieldText = pair.slice(eq + 1).trim();
      let column = /^\d+$/.test(col) ? Number(col) - 1 : headers.findIndex((h) => h.trim().toLowerCase() === col.toLowerCase());
      if (column < 0 || column >= headers.length) {
        throw new UsageError(`--mapping: the file has no column "${col}" (columns: ${headers.map((h, i) => `${i + 1}=${h}`).join(', ')})`);
      }
      if (fieldText === 'ignore') return { column, field: null };
      const field = importFieldSchema.safeParse(fieldText);
      if (!field.success)
        throw new UsageError(`--mapping: "${fieldText}" is not a contact field (${importFieldsHelp()}, custom.<name>, ignore)`);
      column = Math.trunc(column);
      return { column, field: field.data };
    });
}

function progressPrinter(io: Io, quiet: boolean): EngineContext['events']['emit'] {
  let lastLine = 0;
  return (name, payload) => {
    if (quiet || name !== 'contacts.import.progress') return;
    const p = payload as { phase: string; processed: number; total: number };
    const now = Date.now();
    const done = p.processed === p.total;
    // A terminal gets a live line; a log file gets a line a second.
    if (!io.isTTY && !done && now - lastLine < 1000) return;
    lastLine = now;
    const pct = p.total ? Math.floor((p.processed / p.total) * 100) : 100;
    const text = `${p.phase === 'validating' ? 'Validating' : 'Writing'} ${p.processed}/${p.total} rows (${pct}%)`;
    io.err(io.isTTY ? `\r${text}${done ? '\n' : ''}` : `${text}\n`);
  };
}

function formatErrors(errors: readonly ImportRowError[]): string {
  return errors
    .map((e) => `  row ${e.row}${e.column ? `, column "${e.column}"` : ''}${e.field ? ` (${e.field})` : ''}: ${e.message}`)
    .join('\n');
}

function printPreview(p: ImportPreview, io: Io, mode: DuplicateMode): void {
  const lines = [
    `File: ${p.fileName} (${p.format}, ${p.encoding}${p.delimiter ? `, delimiter ${p.delimiter === '\t' ? 'tab' : p.delimiter}` : ''})`,
  ];
  if (p.columns.length) {
    lines.push('Columns:');
    for (const c of p.columns)
      lines.push(`  ${c.index + 1}. ${c.header || '(no header)'} → ${c.field ?? '(ignored)'}${c.automatic ? '' : ' (set by --mapping)'}`);
  }
  lines.push(
    `Rows: ${p.totalRows}, valid ${p.validRows}, with errors ${p.errorRows}, imported without a wrong value ${p.warningRows}`,
    `With --on-duplicate ${mode}: ${p.actions.create} to create, ${p.actions.update} to update, ${p.actions.skip} to skip`,
  );
  if (p.groupsToCreate.length) lines.push(`Groups to create: ${p.groupsToCreate.join(', ')}`);
  if (p.duplicateCount) {
    lines.push(`Duplicates: ${p.duplicateCount}`);
    for (const d of p.duplicates)
      lines.push(
        `  row ${d.row}: same ${d.by} ${d.value} as ${d.existingContactId !== null ? `contact #${d.existingContactId} ${d.existingName ?? ''}`.trim() : `row ${d.fileRow}`}`,
      );
  }
  io.err(`${lines.join('\n')}\n`);
}

async function importCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    'dry-run': { type: 'boolean' },
    'on-duplicate': { type: 'string' },
    mapping: { type: 'string' },
    format: { type: 'string' },
    encoding: { type: 'string' },
    delimiter: { type: 'string' },
    quiet: { type: 'boolean' },
  });
  if (values.help) {
    io.out(HELP['contacts import']!);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('Give exactly one file to import');
  const file = path.resolve(io.cwd, positionals[0]!);
  if (!existsSync(file)) throw new UsageError(`There is no file ${file}`);
  const db = needDb(values, io, false);
  const mode = duplicateModeSchema.safeParse(values['on-duplicate'] ?? 'update');
  if (!mode.success) throw new UsageError(`--on-duplicate must be update, skip or create, not "${values['on-duplicate']}"`);
  const format = values.format ?? 'auto';
  if (!['auto', 'csv', 'vcard'].includes(format)) throw new UsageError(`--format must be csv or vcard`);
  const encoding = values.encoding ?? 'auto';
  if (!['auto', 'utf-8', 'utf-16le', 'windows-1252'].includes(encoding))
    throw new UsageError('--encoding must be utf-8, utf-16le or windows-1252');
  const delimiter = values.delimiter === undefined ? 'auto' : values.delimiter === 'tab' ? '\t' : values.delimiter;
  if (!['auto', ';', ',', '\t'].includes(delimiter)) throw new UsageError('--delimiter must be ;, , or tab');

  // A dry run against a database that does not exist yet checks against an empty one
  // instead of creating the file.
  const dbFile = values['dry-run'] && !existsSync(db) ? ':memory:' : db;
  return withStore(
    io,
    dbFile,
    values.operator,
    progressPrinter(io, !!values.quiet),
    async (ctx) => {
      const { imports } = createContactsModule(ctx);
      const source = { kind: 'path' as const, path: file };
      let mapping: ColumnMapping[] | undefined;
      if (values.mapping) {
        const headers = readImportHeaders(
          file,
          encoding === 'auto' ? undefined : (encoding as 'utf-8'),
          delimiter === 'auto' ? undefined : (delimiter as ';'),
        );
        mapping = parseMapping(values.mapping, headers);
      }
      const preview = await imports.preview(
        { source, format: format as 'auto', encoding: encoding as 'auto', delimiter: delimiter as 'auto', mapping, onDuplicate: mode.data },
        { maxListed: Number.MAX_SAFE_INTEGER },
      );
      printPreview(preview, io, mode.data);
      if (values['dry-run']) {
        if (values.json) io.out(`${JSON.stringify(preview, null, 2)}\n`);
        if (preview.errorRows > 0) io.err(`Rows with errors (nothing was written):\n${formatErrors(preview.errors)}\n`);
        if (preview.warningRows > 0)
          io.err(`Values that would be left out (their rows are imported):\n${formatErrors(preview.warnings)}\n`);
        io.err(`Dry run: nothing was written.\n`);
        return preview.errorRows > 0 ? 1 : 0;
      }
      const report: ImportReport = await imports.run(preview.importId, mode.data, { maxListed: Number.MAX_SAFE_INTEGER });
      if (values.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
      const summary = [
        `Import ${report.status}: ${report.created} created, ${report.updated} updated, ${report.skipped} skipped, ${report.errorRows} row(s) with errors${report.notAttempted ? `, ${report.notAttempted} not attempted` : ''} (${report.durationMs} ms)`,
      ];
      if (report.groupsCreated.length) summary.push(`Groups created: ${report.groupsCreated.join(', ')}`);
      if (report.failedBatch)
        summary.push(
          `Rows ${report.failedBatch.fromRow}–${report.failedBatch.toRow} failed and were rolled back (nothing from them was written): ${report.failedBatch.message}`,
        );
      if (report.errors.length) summary.push(`Rows not imported:\n${formatErrors(report.errors)}`);
      if (report.warnings.length) summary.push(`Values left out (their rows were imported):\n${formatErrors(report.warnings)}`);
      io.err(`${summary.join('\n')}\n`);
      return report.status === 'completed' && report.errorRows === 0 ? 0 : 1;
    },
    io.watch,
  );
}

function groupIdByName(ctx: EngineContext, name: string): number {
  const g = createContactsModule(ctx)
    .groups.list()
    .find((x) => x.name.toLocaleLowerCase('sv') === name.trim().toLocaleLowerCase('sv'));
  if (!g) throw new UsageError(`There is no group named "${name}"`);
  return g.id;
}

async function exportCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    format: { type: 'string' },
    delimiter: { type: 'string' },
    group: { type: 'string' },
    'no-subgroups': { type: 'boolean' },
  });
  if (values.help) {
    io.out(HELP['contacts export']!);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('Give exactly one file to write');
  const db = needDb(values, io, true);
  const format = values.format ?? 'csv';
  if (format !== 'csv' && format !== 'vcard') throw new UsageError('--format must be csv or vcard');
  const delimiter = values.delimiter ?? ';';
  if (delimiter !== ';' && delimiter !== ',') throw new UsageError('--delimiter must be ; or ,');
  const target = path.resolve(io.cwd, positionals[0]!);
  return withStore(
    io,
    db,
    values.operator,
    () => {},
    async (ctx) => {
      const scope = values.group
        ? { kind: 'group' as const, groupId: groupIdByName(ctx, values.group), includeSubgroups: !values['no-subgroups'] }
        : { kind: 'all' as const };
      const out = await exportContacts(ctx.store.read, { format, delimiter, scope });
      writeFileSync(target, out.content);
      io.err(`Exported ${out.count} contact(s) to ${target}\n`);
      return 0;
    },
  );
}

function listContacts(args: string[], io: Io): number {
  const { values } = parse(args, { query: { type: 'string' }, group: { type: 'string' }, tag: { type: 'string' } });
  if (values.help) {
    io.out(HELP['contacts list']!);
    return 0;
  }
  const db = needDb(values, io, true);
  return withStore(
    io,
    db,
    values.operator,
    () => {},
    (ctx) => {
      const { contacts } = createContactsModule(ctx);
      const groupId = values.group ? groupIdByName(ctx, values.group) : undefined;
      const ids: number[] = [];
      let cursor: string | null = null;
      do {
        const page = contacts.search({
          query: values.query ?? '',
          groupId,
          includeSubgroups: true,
          tag: values.tag,
          sort: 'name',
          cursor,
          limit: 500,
        });
        ids.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
      } while (cursor);
      if (values.json) {
        io.out('[');
        // Written in chunks so 100,000 contacts do not need one giant string.
        for (let i = 0; i < ids.length; i += 500) {
          const chunk = ids.slice(i, i + 500).map((id) => contacts.get(id));
          io.out(`${i ? ',' : ''}\n${chunk.map((c) => JSON.stringify(c)).join(',\n')}`);
        }
        io.out('\n]\n');
      } else {
        for (let i = 0; i < ids.length; i += 500) {
          for (const c of ids.slice(i, i + 500).map((id) => contacts.get(id))) {
            io.out(
              `${c.id}\t${c.displayName}\t${c.organisation ?? ''}\t${c.phones.map((p) => p.national).join(', ')}\t${c.emails.map((e) => e.address).join(', ')}\n`,
            );
          }
        }
        io.err(`${ids.length} contact(s)\n`);
      }
      return 0;
    },
  );
}

function listGroups(args: string[], io: Io): number {
  const { values } = parse(args, {});
  if (values.help) {
    io.out(HELP['groups list']!);
    return 0;
  }
  const db = needDb(values, io, true);
  return withStore(
    io,
    db,
    values.operator,
    () => {},
    (ctx) => {
      const groups = createContactsModule(ctx).groups.list();
      if (values.json) io.out(`${JSON.stringify(groups, null, 2)}\n`);
      else {
        const byParent = new Map<number | null, typeof groups>();
        for (const g of groups) byParent.set(g.parentId, [...(byParent.get(g.parentId) ?? []), g]);
        const print = (parent: number | null, depth: number) => {
          for (const g of byParent.get(parent) ?? []) {
            io.out(`${'  '.repeat(depth)}${g.name} (${g.memberCount} direct, ${g.totalMemberCount} in all)\n`);
            print(g.id, depth + 1);
          }
        };
        print(null, 0);
      }
      return 0;
    },
  );
}

const isMain =
  process.argv[1] !== undefined &&
  path.resolve(process.argv[1]).replace(/\.ts$/, '') === path.resolve(import.meta.filename).replace(/\.ts$/, '');
if (isMain || process.env.GDIAL_CLI_MAIN === '1') {
  const code = await runCli(process.argv.slice(2), {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    cwd: process.env.INIT_CWD ?? process.cwd(),
    isTTY: process.stderr.isTTY === true,
  });
  process.exitCode = code;
}
