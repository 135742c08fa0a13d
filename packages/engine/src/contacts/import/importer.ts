// Contact import, always in two steps. preview() reads the file (encoding, delimiter,
// header mapping or vCard: source.ts), validates every row with the same rules as the UI,
// finds duplicates against existing contacts and within the file (duplicates.ts), and
// writes nothing; it keeps the parsed rows for run(). run() writes them in batches, each
// batch one transaction with its audit entry: a batch that fails is rolled back whole and
// the import stops there, and the report says exactly which rows were written. Both yield
// to the event loop between chunks so progress events reach the UI and other calls are
// served.
import { randomUUID } from 'node:crypto';
import type {
  ColumnMapping,
  DuplicateMode,
  ImportDuplicate,
  ImportField,
  ImportInspection,
  ImportPreview,
  ImportReport,
  ImportRowAction,
  ImportRowError,
  ImportSampleRow,
} from '@gdial/protocol';
import type { EngineContext } from '../../context';
import { DomainError } from '../../errors';
import { recordAudit } from '../../store/audit';
import { anyContacts, insertContact, replaceContact } from '../../store/contacts';
import { addContactToGroups, groupIdByName, groupNameKey, insertGroup } from '../../store/groups';
import { loadContacts } from '../audience';
import { prepareContact, recordOf } from '../model';
import type { CsvDelimiter } from './csv';
import type { TextEncoding } from './decode';
import { DuplicateResolver, mergeFields, OtherWrites, type Target } from './duplicates';
import { buildRow, type ParsedRow, type SourcedValue } from './rows';
import { openImportFile, type ImportColumn, type InspectOptions } from './source';

export type { InspectOptions } from './source';
export { readImportHeaders } from './source';

export interface PreviewOptions extends InspectOptions {
  mapping?: ColumnMapping[] | undefined;
  onDuplicate: DuplicateMode;
  /** A dry run this one replaces: let go of it once this one is ready (each holds its whole parsed file). */
  replaces?: string | undefined;
}

export interface ListLimits {
  /** How many errors / duplicates to list (the counts are always complete). */
  maxListed?: number;
}

interface StagedImport {
  id: string;
  fileName: string;
  format: 'csv' | 'vcard';
  encoding: TextEncoding;
  delimiter: CsvDelimiter | null;
  columns: ImportColumn[];
  totalRows: number;
  rows: ParsedRow[];
  errors: ImportRowError[];
  errorRowCount: number;
  createdAt: number;
}

const STAGED_TTL_MS = 30 * 60_000;
const MAX_STAGED = 4;
const BATCH_ROWS = 5000;
const PARSE_CHUNK = 5000;
const PROGRESS_INTERVAL_MS = 100;

const yieldToEventLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Emits progress at most every 100 ms (plus the final count), whatever the row rate. */
class ProgressThrottle {
  private last = 0;
  constructor(
    private readonly ctx: EngineContext,
    private readonly importId: string,
    private readonly phase: 'validating' | 'writing',
    private readonly total: number,
  ) {}

  report(processed: number, final = false): void {
    const now = performance.now();
    if (!final && now - this.last < PROGRESS_INTERVAL_MS) return;
    this.last = now;
    this.ctx.events.emit('contacts.import.progress', { importId: this.importId, phase: this.phase, processed, total: this.total });
  }
}

export class ImportService {
  private readonly staged = new Map<string, StagedImport>();
  private running: { id: string; cancelled: boolean } | null = null;

  constructor(private readonly ctx: EngineContext) {}

  /** What the file holds (format, encoding, columns, rows), without checking a row: for choosing the mapping. */
  inspect(opts: InspectOptions): ImportInspection {
    const file = openImportFile(opts);
    return {
      fileName: file.fileName,
      format: file.format,
      encoding: file.encoding,
      delimiter: file.delimiter,
      columns: file.columns,
      totalRows: file.nonBlank(),
    };
  }

  async preview(opts: PreviewOptions, limits: ListLimits = {}): Promise<ImportPreview> {
    const max = limits.maxListed ?? 1000;
    const id = randomUUID();
    const { fileName, format, encoding, delimiter, columns, total, inputs } = openImportFile(opts);

    const progress = new ProgressThrottle(this.ctx, id, 'validating', total);
    const rows: ParsedRow[] = [];
    const errors: ImportRowError[] = [];
    let errorRowCount = 0;
    let totalRows = 0;
    const sampleErrors = new Map<number, ImportSampleRow>();
    let i = -1;
    for (const input of inputs) {
      i++;
      const outcome = buildRow(input.row, input.values);
      if (outcome) {
        totalRows++;
        if (outcome.ok) rows.push(outcome.value);
        else {
          errorRowCount++;
          errors.push(...outcome.errors);
          if (sampleErrors.size < 20 && totalRows <= 20) sampleErrors.set(input.row, errorSample(input.row, input.values));
        }
      }
      if ((i + 1) % PARSE_CHUNK === 0) {
        progress.report(i + 1);
        await yieldToEventLoop();
      }
    }
    progress.report(total, true);

    // Duplicates as they stand now; run() decides again against the data then.
    const reader = this.ctx.store.read;
    const resolver = new DuplicateResolver(reader, opts.onDuplicate);
    const actions = { create: 0, update: 0, skip: 0 };
    const duplicates: ImportDuplicate[] = [];
    let duplicateCount = 0;
    const sample: ImportSampleRow[] = [];
    const newGroups = new Map<string, string>();
    const checkedGroups = new Set<string>();
    // Into an empty address book only the file's own rows can be duplicates.
    const anyStored = anyContacts(reader);
    for (const [i, r] of rows.entries()) {
      if (anyStored && i % PARSE_CHUNK === 0) resolver.prefetch(rows.slice(i, i + PARSE_CHUNK));
      const d = resolver.decide(r);
      actions[d.action]++;
      if (d.duplicate) {
        duplicateCount++;
        if (duplicates.length < max) duplicates.push(d.duplicate);
      }
      for (const g of r.groups) {
        if (checkedGroups.has(g)) continue;
        checkedGroups.add(g);
        const key = groupNameKey(g);
        if (!newGroups.has(key) && groupIdByName(reader, g) === null) newGroups.set(key, g);
      }
      if (sample.length < 20) sample.push(rowSample(r, d.action));
      if ((i + 1) % PARSE_CHUNK === 0) await yieldToEventLoop();
    }
    const fullSample = [...sample, ...sampleErrors.values()].sort((a, b) => a.row - b.row).slice(0, 20);

    // Only now: should this dry run fail, the one it replaces can still be imported.
    if (opts.replaces) this.staged.delete(opts.replaces);
    this.stage({ id, fileName, format, encoding, delimiter, columns, totalRows, rows, errors, errorRowCount, createdAt: Date.now() });
    return {
      importId: id,
      fileName,
      format,
      encoding,
      delimiter,
      columns,
      totalRows,
      validRows: rows.length,
      errorRows: errorRowCount,
      actions,
      errors: errors.slice(0, max),
      errorsTruncated: errors.length > max,
      ...listedWarnings(rows, max),
      duplicateCount,
      duplicates,
      duplicatesTruncated: duplicateCount > duplicates.length,
      groupsToCreate: [...newGroups.values()],
      sample: fullSample,
    };
  }

  private stage(s: StagedImport): void {
    const now = Date.now();
    for (const [k, v] of this.staged) if (now - v.createdAt > STAGED_TTL_MS) this.staged.delete(k);
    while (this.staged.size >= MAX_STAGED) {
      const oldest = this.staged.keys().next().value;
      if (oldest === undefined) break;
      this.staged.delete(oldest);
    }
    this.staged.set(s.id, s);
  }

  async run(importId: string, onDuplicate: DuplicateMode, limits: ListLimits = {}): Promise<ImportReport> {
    const max = limits.maxListed ?? 1000;
    const staged = this.staged.get(importId);
    if (!staged || Date.now() - staged.createdAt > STAGED_TTL_MS) {
      throw new DomainError(
        'NOT_FOUND',
        `Import ${importId} is not waiting to run (it ran already, expired after 30 minutes, or was never previewed); preview the file again`,
      );
    }
    if (this.running) throw new DomainError('CONFLICT', 'Another import is running; wait for it to finish');
    this.staged.delete(importId);
    const running = { id: importId, cancelled: false };
    this.running = running;
    const started = performance.now();
    // Batches commit one after another; the log is copied back once, after the last.
    const resumeCheckpoints = this.ctx.store.deferCheckpoints();
    try {
      return await this.write(staged, onDuplicate, running, max, started);
    } finally {
      void resumeCheckpoints();
      this.running = null;
    }
  }

  cancel(importId: string): boolean {
    if (this.running?.id !== importId) return false;
    this.running.cancelled = true;
    return true;
  }

  private async write(
    staged: StagedImport,
    mode: DuplicateMode,
    running: { cancelled: boolean },
    max: number,
    started: number,
  ): Promise<ImportReport> {
    const resolver = new DuplicateResolver(this.ctx.store.read, mode);
    const others = new OtherWrites(this.ctx.store.read);
    const progress = new ProgressThrottle(this.ctx, staged.id, 'writing', staged.rows.length);
    const rowIds = new Map<number, number>();
    const groupIds = new Map<string, number>();
    // Group names as written in the file → id, so rows do not case-fold names one by one.
    const byName = new Map<string, number>();
    const totals = { created: 0, updated: 0, skipped: 0 };
    const errors = [...staged.errors];
    // Rows created or updated, for the warnings about values they were written without.
    const writtenRows: ParsedRow[] = [];
    let errorRows = staged.errorRowCount;
    const groupsCreated: string[] = [];
    let failedBatch: ImportReport['failedBatch'] = null;
    let status: ImportReport['status'] = 'completed';
    let written = 0;

    for (let start = 0; start < staged.rows.length; start += BATCH_ROWS) {
      if (running.cancelled) {
        status = 'cancelled';
        break;
      }
      const batch = staged.rows.slice(start, start + BATCH_ROWS);
      const local = {
        created: 0,
        updated: 0,
        skipped: 0,
        errors: [] as ImportRowError[],
        written: [] as ParsedRow[],
        groupsCreated: [] as string[],
        rowIds: new Map<number, number>(),
        groupIds: new Map<string, number>(),
      };
      try {
        this.ctx.store.transaction((tx) => {
          const now = new Date().toISOString();
          const groupIdOf = (name: string): number => {
            const known = byName.get(name);
            if (known !== undefined) return known;
            const key = groupNameKey(name);
            let gid = groupIds.get(key) ?? local.groupIds.get(key) ?? groupIdByName(tx, name);
            if (gid === null || gid === undefined) {
              gid = insertGroup(tx, { name, description: null, colour: null, parentId: null }, now);
              local.groupsCreated.push(name);
            }
            local.groupIds.set(key, gid);
            byName.set(name, gid);
            return gid;
          };
          const idOf = (t: Target): number | undefined => (t.kind === 'existing' ? t.id : (rowIds.get(t.row) ?? local.rowIds.get(t.row)));
          if (others.since()) resolver.prefetch(batch);
          for (const r of batch) {
            const d = resolver.decide(r);
            // Groups are created only for rows that are written.
            const gids = d.action === 'skip' ? [] : r.groups.map(groupIdOf);
            switch (d.action) {
              case 'create': {
                const id = insertContact(tx, r.record, now);
                addContactToGroups(tx, id, gids, now);
                local.rowIds.set(r.row, id);
                local.written.push(r);
                local.created++;
                break;
              }
              case 'update': {
                const id = d.target ? idOf(d.target) : undefined;
                const current = id === undefined ? undefined : loadContacts(tx, [id])[0];
                if (!current) {
                  local.skipped++;
                  break;
                }
                const merged = prepareContact(mergeFields(current, r), recordOf(current));
                if (!merged.ok) {
                  local.errors.push(
                    ...merged.issues.map((i) => ({
                      row: r.row,
                      field: i.path,
                      column: null,
                      value: null,
                      message: `Merging into contact #${current.id}: ${i.message}`,
                    })),
                  );
                  break;
                }
                replaceContact(tx, current.id, merged.record, now);
                addContactToGroups(tx, current.id, gids, now);
                // Per contact, so its GDPR export shows where the change came from.
                recordAudit(tx, this.ctx.operator(), {
                  action: 'contact.updated',
                  subjectType: 'contact',
                  subjectId: current.id,
                  summary: `Updated contact #${current.id} from import of ${staged.fileName}, row ${r.row}`,
                  params: { id: current.id, file: staged.fileName, row: r.row },
                });
                local.rowIds.set(r.row, current.id);
                local.written.push(r);
                local.updated++;
                break;
              }
              case 'skip':
                local.skipped++;
                break;
              default: {
                const unexpected: never = d.action;
                throw new Error(`unknown action ${String(unexpected)}`);
              }
            }
          }
          const first = batch[0]?.row ?? 0;
          const last = batch.at(-1)?.row ?? 0;
          recordAudit(tx, this.ctx.operator(), {
            action: 'contacts.imported',
            subjectType: 'import',
            subjectId: staged.id,
            summary: `Import of ${staged.fileName}, rows ${first}–${last}: ${local.created} created, ${local.updated} updated, ${local.skipped} skipped${local.groupsCreated.length ? `, ${local.groupsCreated.length} group(s) created` : ''}`,
            params: {
              file: staged.fileName,
              first,
              last,
              created: local.created,
              updated: local.updated,
              skipped: local.skipped,
              groups: local.groupsCreated.length,
            },
          });
        });
        others.mark();
      } catch (err) {
        const first = batch[0]?.row ?? 0;
        const last = batch.at(-1)?.row ?? 0;
        failedBatch = { fromRow: first, toRow: last, message: (err as Error).message };
        status = 'failed';
        this.ctx.logger
          .child({ module: 'contacts.import' })
          .error({ err, importId: staged.id, fromRow: first, toRow: last }, 'import batch failed and was rolled back');
        break;
      }
      totals.created += local.created;
      totals.updated += local.updated;
      totals.skipped += local.skipped;
      errors.push(...local.errors);
      writtenRows.push(...local.written);
      errorRows += new Set(local.errors.map((e) => e.row)).size;
      groupsCreated.push(...local.groupsCreated);
      for (const [k, v] of local.rowIds) rowIds.set(k, v);
      for (const [k, v] of local.groupIds) groupIds.set(k, v);
      written += batch.length;
      progress.report(written, written === staged.rows.length);
      await yieldToEventLoop();
    }

    if (totals.created + totals.updated > 0) this.ctx.events.emit('contacts.changed', { reason: 'imported', ids: [] });
    if (groupsCreated.length > 0) this.ctx.events.emit('groups.changed', { ids: [...groupIds.values()] });
    errors.sort((a, b) => a.row - b.row);
    return {
      importId: staged.id,
      status,
      totalRows: staged.totalRows,
      created: totals.created,
      updated: totals.updated,
      skipped: totals.skipped,
      errorRows,
      notAttempted: staged.rows.length - written,
      errors: errors.slice(0, max),
      errorsTruncated: errors.length > max,
      ...listedWarnings(writtenRows, max),
      groupsCreated,
      failedBatch,
      durationMs: Math.round(performance.now() - started),
    };
  }
}

/** The warnings of the rows given (those previewed, or those written), as many as may be listed. */
function listedWarnings(rows: readonly ParsedRow[], max: number): Pick<ImportPreview, 'warningRows' | 'warnings' | 'warningsTruncated'> {
  const warnings: ImportRowError[] = [];
  let warningRows = 0;
  for (const r of rows) {
    if (!r.warnings) continue;
    warningRows++;
    if (warnings.length <= max) warnings.push(...r.warnings);
  }
  return { warningRows, warnings: warnings.slice(0, max), warningsTruncated: warnings.length > max };
}

function rowSample(r: ParsedRow, action: ImportRowAction): ImportSampleRow {
  return {
    row: r.row,
    action,
    displayName: r.record.displayName,
    organisation: r.record.organisation,
    phones: r.record.phones.map((p) => p.e164),
    emails: r.record.emails.map((e) => e.address),
    groups: r.groups,
    tags: r.record.tags,
  };
}

function errorSample(row: number, values: SourcedValue[]): ImportSampleRow {
  const get = (...f: ImportField[]) => values.filter((v) => f.includes(v.field) && v.value.trim()).map((v) => v.value.trim());
  return {
    row,
    action: 'error',
    displayName: get('displayName')[0] ?? get('firstName', 'lastName').join(' '),
    organisation: get('organisation')[0] ?? null,
    phones: get('phone.mobile', 'phone.work', 'phone.home', 'phone.other'),
    emails: get('email'),
    groups: get('groups'),
    tags: get('tags'),
  };
}
