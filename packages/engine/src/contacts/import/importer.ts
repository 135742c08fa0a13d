// Contact import, always in two steps. preview() reads the file (encoding, delimiter,
// header mapping or vCard), validates every row with the same rules as the UI, finds
// duplicates against existing contacts and within the file, and writes nothing; it keeps
// the parsed rows for run(). run() writes them in batches, each batch one transaction with
// its audit entry: a batch that fails is rolled back whole and the import stops there,
// and the report says exactly which rows were written. Both yield to the event loop
// between chunks so progress events reach the UI and other calls are served.
import { readFileSync } from 'node:fs';
import type Database from 'better-sqlite3';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type {
  ColumnMapping,
  Contact,
  ContactFields,
  DuplicateMode,
  ImportDuplicate,
  ImportField,
  ImportInspection,
  ImportPreview,
  ImportReport,
  ImportRowAction,
  ImportRowError,
  ImportSampleRow,
  ImportSource,
} from '@gdial/protocol';
import type { EngineContext } from '../../context';
import { DomainError, invalid } from '../../errors';
import { recordAudit } from '../../store/audit';
import { ContactStore } from '../contact-store';
import { GroupStore, groupNameKey } from '../group-store';
import { emailKey, prepareContact, recordOf } from '../model';
import { readCsv, type CsvDelimiter } from './csv';
import { decodeText, UnsupportedEncodingError, type TextEncoding } from './decode';
import { autoMap } from './mapping';
import { buildRow, type ParsedRow, type SourcedValue } from './rows';
import { cardValues, looksLikeVCard, parseVCards } from './vcard';

export interface InspectOptions {
  source: ImportSource;
  format: 'auto' | 'csv' | 'vcard';
  encoding: 'auto' | TextEncoding;
  delimiter: 'auto' | CsvDelimiter;
}

export interface PreviewOptions extends InspectOptions {
  mapping?: ColumnMapping[] | undefined;
  onDuplicate: DuplicateMode;
  /** A dry run this one replaces: let go of it once this one is ready (each holds its whole parsed file). */
  replaces?: string | undefined;
}

/** A file read and split into rows, not yet checked. */
interface OpenedFile {
  fileName: string;
  format: 'csv' | 'vcard';
  encoding: TextEncoding;
  delimiter: CsvDelimiter | null;
  columns: ImportColumn[];
  /** Records or cards, blank ones included. */
  total: number;
  /** Records or cards with anything in them. */
  nonBlank: () => number;
  inputs: Iterable<{ row: number; values: SourcedValue[] }>;
}

export interface ListLimits {
  /** How many errors / duplicates to list (the counts are always complete). */
  maxListed?: number;
}

interface ImportColumn {
  index: number;
  header: string;
  field: ImportField | null;
  automatic: boolean;
  samples: string[];
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

type Target = { kind: 'existing'; id: number } | { kind: 'row'; row: number };

interface Decision {
  action: Exclude<ImportRowAction, 'error'>;
  target: Target | null;
  duplicate: ImportDuplicate | null;
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

/**
 * Decides per row whether it creates, updates or is skipped, by matching its phone
 * numbers and e-mail addresses first against earlier rows of the file, then against
 * contacts already stored.
 */
class DuplicateResolver {
  // Keyed by the bare E.164 number / lower-cased address (no prefixed key strings: this runs
  // for every row of a 100,000-row import, twice).
  private readonly seenPhones = new Map<string, Seen>();
  private readonly seenEmails = new Map<string, Seen>();
  private readonly names = new Map<number, string | null>();
  /** Stored contacts sharing a number or address with the rows about to be decided (see prefetch). */
  private storedPhones = new Map<string, number>();
  private storedEmails = new Map<string, number>();

  constructor(
    private readonly contacts: ContactStore,
    private readonly mode: DuplicateMode,
  ) {}

  /**
   * Looks up, in two queries, which stored contacts share a number or address with these
   * rows; decide() must only be called for rows passed here. Called per batch inside its
   * transaction, so the answer is current for the rows being written.
   */
  prefetch(rows: readonly ParsedRow[]): void {
    const phones: string[] = [];
    const emails: string[] = [];
    for (const r of rows) {
      for (const p of r.record.phones) phones.push(p.e164);
      for (const e of r.record.emails) emails.push(emailKey(e.address));
    }
    this.storedPhones = this.contacts.firstContactsWithPhones(phones);
    this.storedEmails = this.contacts.firstContactsWithEmails(emails);
  }

  decide(r: ParsedRow): Decision {
    const phones = r.record.phones;
    const emails = r.record.emails.map((e) => emailKey(e.address));
    let duplicate: ImportDuplicate | null = null;
    let matchTarget: Target | null = null;
    // An earlier row of the file first: it has already dealt with any stored contact.
    for (const p of phones) {
      const earlier = this.seenPhones.get(p.e164);
      if (earlier) {
        duplicate = { row: r.row, by: 'phone', value: p.e164, existingContactId: null, existingName: null, fileRow: earlier.row };
        matchTarget = earlier.target;
        break;
      }
    }
    if (!duplicate) {
      for (const k of emails) {
        const earlier = this.seenEmails.get(k);
        if (earlier) {
          duplicate = { row: r.row, by: 'email', value: k, existingContactId: null, existingName: null, fileRow: earlier.row };
          matchTarget = earlier.target;
          break;
        }
      }
    }
    if (!duplicate) {
      for (const p of phones) {
        const id = this.storedPhones.get(p.e164);
        if (id !== undefined) {
          duplicate = { row: r.row, by: 'phone', value: p.e164, existingContactId: id, existingName: this.nameOf(id), fileRow: null };
          matchTarget = { kind: 'existing', id };
          break;
        }
      }
    }
    if (!duplicate) {
      for (const k of emails) {
        const id = this.storedEmails.get(k);
        if (id !== undefined) {
          duplicate = { row: r.row, by: 'email', value: k, existingContactId: id, existingName: this.nameOf(id), fileRow: null };
          matchTarget = { kind: 'existing', id };
          break;
        }
      }
    }
    let decision: Decision;
    if (!duplicate) decision = { action: 'create', target: { kind: 'row', row: r.row }, duplicate };
    else {
      switch (this.mode) {
        case 'create':
          decision = { action: 'create', target: { kind: 'row', row: r.row }, duplicate };
          break;
        case 'skip':
          decision = { action: 'skip', target: matchTarget, duplicate };
          break;
        case 'update':
          decision = matchTarget ? { action: 'update', target: matchTarget, duplicate } : { action: 'skip', target: null, duplicate };
          break;
        default: {
          const unexpected: never = this.mode;
          throw new Error(`unknown duplicate mode ${String(unexpected)}`);
        }
      }
    }
    const seen: Seen = { row: r.row, target: decision.target };
    // Unless an earlier row matched, every lookup of these above missed: no earlier row's
    // entry can be overwritten, and there is no need to look again.
    const fresh = duplicate?.fileRow == null;
    for (const p of phones) if (fresh || !this.seenPhones.has(p.e164)) this.seenPhones.set(p.e164, seen);
    for (const k of emails) if (fresh || !this.seenEmails.has(k)) this.seenEmails.set(k, seen);
    return decision;
  }

  private nameOf(id: number): string | null {
    if (!this.names.has(id)) this.names.set(id, this.contacts.displayName(id));
    return this.names.get(id) ?? null;
  }
}

/**
 * Whether the address book may hold contacts this import did not write. Until it does, the
 * stored contacts are exactly the rows of the file written so far, which the resolver
 * remembers anyway, and looking their numbers up in the database would find nothing new.
 * Between batches other calls run (an operator adds a contact mid-import): any write on
 * the engine's connection moves total_changes(), any other connection's commit moves
 * data_version, and from then on every batch is looked up again.
 */
class OtherWrites {
  private seen = false;
  private last: { changes: number; version: number } | null = null;
  private readonly changes: Database.Statement;
  private readonly anyContact: Database.Statement;

  constructor(private readonly sqlite: Database.Database) {
    this.changes = sqlite.prepare('SELECT total_changes()').pluck();
    this.anyContact = sqlite.prepare('SELECT EXISTS (SELECT 1 FROM contacts)').pluck();
  }

  /** At the start of a batch, inside its transaction: may there be contacts not from this file? */
  since(): boolean {
    if (this.seen) return true;
    if (this.last === null) this.seen = this.anyContact.get() === 1;
    else {
      const now = this.now();
      this.seen = now.changes !== this.last.changes || now.version !== this.last.version;
    }
    return this.seen;
  }

  /** After a batch has committed (the commit writes too: FTS5 flushes its terms). */
  mark(): void {
    this.last = this.now();
  }

  private now(): { changes: number; version: number } {
    return { changes: this.changes.get() as number, version: this.sqlite.pragma('data_version', { simple: true }) as number };
  }
}

interface Seen {
  row: number;
  target: Target | null;
}

/** The fields of an existing contact with a file row merged in: file values win, lists are joined. */
function mergeFields(current: Contact, row: ParsedRow): ContactFields {
  const f = row.fields;
  const have = new Set(current.phones.map((p) => p.e164));
  const haveEmail = new Set(current.emails.map((e) => emailKey(e.address)));
  return {
    ...f,
    phones: [
      ...current.phones.map((p) => ({ number: p.e164, label: p.label })),
      ...row.record.phones.filter((p) => !have.has(p.e164)).map((p) => ({ number: p.e164, label: p.label })),
    ],
    emails: [...current.emails, ...row.record.emails.filter((e) => !haveEmail.has(emailKey(e.address)))],
    tags: [...new Set([...current.tags, ...row.record.tags])],
    customFields: { ...current.customFields, ...row.record.customFields },
  };
}

export class ImportService {
  private readonly staged = new Map<string, StagedImport>();
  private running: { id: string; cancelled: boolean } | null = null;

  constructor(private readonly ctx: EngineContext) {}

  /** What the file holds (format, encoding, columns, rows), without checking a row: for choosing the mapping. */
  inspect(opts: InspectOptions): ImportInspection {
    const file = this.open(opts);
    return {
      fileName: file.fileName,
      format: file.format,
      encoding: file.encoding,
      delimiter: file.delimiter,
      columns: file.columns,
      totalRows: file.nonBlank(),
    };
  }

  /** Reads the source: bytes, encoding, format, CSV records or vCards, header mapping. */
  private open(opts: InspectOptions & { mapping?: ColumnMapping[] | undefined }): OpenedFile {
    const { bytes, fileName } = readSource(opts.source);
    let decoded;
    try {
      decoded = decodeText(bytes, opts.encoding === 'auto' ? undefined : opts.encoding);
    } catch (e) {
      if (e instanceof UnsupportedEncodingError) throw invalid([{ path: 'source', message: e.message }]);
      throw e;
    }
    const format =
      opts.format !== 'auto' ? opts.format : /\.(vcf|vcard)$/i.test(fileName) || looksLikeVCard(decoded.text) ? 'vcard' : 'csv';
    const base = { fileName, format, encoding: decoded.encoding };
    if (format === 'vcard') {
      const cards = parseVCards(decoded.text);
      if (cards.length === 0) throw invalid([{ path: 'source', message: 'The file holds no vCards (no BEGIN:VCARD … END:VCARD)' }]);
      return {
        ...base,
        delimiter: null,
        columns: [],
        total: cards.length,
        nonBlank: () => cards.filter((c) => cardValues(c).some((v) => v.value.trim() !== '')).length,
        inputs: (function* () {
          for (const c of cards) yield { row: c.index, values: cardValues(c) };
        })(),
      };
    }
    const doc = readCsv(decoded.text, opts.delimiter === 'auto' ? undefined : opts.delimiter);
    const [header, ...data] = doc.records;
    if (!header) throw invalid([{ path: 'source', message: 'The file is empty' }]);
    const fields = autoMap(header.fields);
    const automatic = header.fields.map(() => true);
    for (const [i, m] of (opts.mapping ?? []).entries()) {
      if (m.column >= header.fields.length) {
        throw invalid([
          { path: `mapping.${i}.column`, message: `The file has ${header.fields.length} columns; column ${m.column} does not exist` },
        ]);
      }
      fields[m.column] = m.field;
      automatic[m.column] = false;
    }
    const columns = header.fields.map((h, index) => ({
      index,
      header: h,
      field: fields[index] ?? null,
      automatic: automatic[index] ?? true,
      samples: data
        .slice(0, 50)
        .map((r) => r.fields[index]?.trim() ?? '')
        .filter(Boolean)
        .slice(0, 3),
    }));
    const mapped = columns.filter((c) => c.field !== null);
    return {
      ...base,
      delimiter: doc.delimiter,
      columns,
      total: data.length,
      nonBlank: () => data.filter((r) => r.fields.some((f) => f.trim() !== '')).length,
      // The spreadsheet row: the header is row 1, so the first record after it is row 2.
      inputs: (function* () {
        for (let i = 0; i < data.length; i++) {
          const fields = data[i]!.fields;
          yield { row: i + 2, values: mapped.map((c) => ({ field: c.field!, value: fields[c.index] ?? '', source: c.header })) };
        }
      })(),
    };
  }

  async preview(opts: PreviewOptions, limits: ListLimits = {}): Promise<ImportPreview> {
    const max = limits.maxListed ?? 1000;
    const id = randomUUID();
    const { fileName, format, encoding, delimiter, columns, total, inputs } = this.open(opts);

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
    const resolver = new DuplicateResolver(new ContactStore(this.ctx.store.sqlite), opts.onDuplicate);
    const actions = { create: 0, update: 0, skip: 0 };
    const duplicates: ImportDuplicate[] = [];
    let duplicateCount = 0;
    const sample: ImportSampleRow[] = [];
    const groupStore = new GroupStore(this.ctx.store.sqlite);
    const newGroups = new Map<string, string>();
    const checkedGroups = new Set<string>();
    // Into an empty address book only the file's own rows can be duplicates.
    const anyStored = this.ctx.store.sqlite.prepare('SELECT EXISTS (SELECT 1 FROM contacts)').pluck().get() === 1;
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
        if (!newGroups.has(key) && groupStore.idByName(g) === null) newGroups.set(key, g);
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
    const sqlite = this.ctx.store.sqlite;
    const contacts = new ContactStore(sqlite);
    const groups = new GroupStore(sqlite);
    const resolver = new DuplicateResolver(contacts, mode);
    const others = new OtherWrites(sqlite);
    const progress = new ProgressThrottle(this.ctx, staged.id, 'writing', staged.rows.length);
    const rowIds = new Map<number, number>();
    const groupIds = new Map<string, number>();
    // Group names as written in the file → id, so rows do not case-fold names one by one.
    const byName = new Map<string, number>();
    const totals = { created: 0, updated: 0, skipped: 0 };
    const errors = [...staged.errors];
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
        groupsCreated: [] as string[],
        rowIds: new Map<number, number>(),
        groupIds: new Map<string, number>(),
      };
      try {
        this.ctx.store.transaction(({ db }) => {
          const now = new Date().toISOString();
          const groupIdOf = (name: string): number => {
            const known = byName.get(name);
            if (known !== undefined) return known;
            const key = groupNameKey(name);
            let gid = groupIds.get(key) ?? local.groupIds.get(key) ?? groups.idByName(name);
            if (gid === null || gid === undefined) {
              gid = groups.insert({ name, description: null, colour: null, parentId: null }, now);
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
                local.rowIds.set(r.row, contacts.insert(r.record, gids, now));
                local.created++;
                break;
              }
              case 'update': {
                const id = d.target ? idOf(d.target) : undefined;
                const current = id === undefined ? undefined : contacts.load([id])[0];
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
                contacts.replace(current.id, merged.record, now);
                contacts.addToGroups(current.id, gids, now);
                // Per contact, so its GDPR export shows where the change came from.
                recordAudit(db, this.ctx.operator(), {
                  action: 'contact.updated',
                  subjectType: 'contact',
                  subjectId: current.id,
                  summary: `Updated contact #${current.id} from import of ${staged.fileName}, row ${r.row}`,
                  params: { id: current.id, file: staged.fileName, row: r.row },
                });
                local.rowIds.set(r.row, current.id);
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
          recordAudit(db, this.ctx.operator(), {
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
      groupsCreated,
      failedBatch,
      durationMs: Math.round(performance.now() - started),
    };
  }
}

/** The header row of a CSV file (for mapping columns by name on the command line). */
export function readImportHeaders(file: string, encoding?: TextEncoding, delimiter?: CsvDelimiter): string[] {
  const { text } = decodeText(readFileSync(file), encoding);
  if (looksLikeVCard(text)) throw invalid([{ path: 'mapping', message: 'Column mapping applies to CSV files; this is a vCard file' }]);
  return readCsv(text.slice(0, 256 * 1024), delimiter).records[0]?.fields ?? [];
}

function readSource(source: ImportSource): { bytes: Uint8Array; fileName: string } {
  switch (source.kind) {
    case 'inline':
      return { bytes: Buffer.from(source.dataBase64, 'base64'), fileName: source.fileName };
    case 'path':
      try {
        return { bytes: readFileSync(source.path), fileName: path.basename(source.path) };
      } catch (e) {
        throw invalid([
          { path: 'source.path', message: `Cannot read ${source.path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` },
        ]);
      }
    default: {
      const unexpected: never = source;
      throw new Error(`unknown source ${JSON.stringify(unexpected)}`);
    }
  }
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
