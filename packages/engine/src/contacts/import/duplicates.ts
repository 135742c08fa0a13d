// Duplicates in an import: whether each row creates a contact, updates one or is skipped,
// by matching its numbers, addresses and chat ids against earlier rows of the file and against the
// contacts already stored; and how a row is merged into the contact it updates.
import type { Contact, ContactFields, DuplicateMode, ImportDuplicate, ImportRowAction } from '@gdial/protocol';
import { dataVersion, totalChanges } from '../../store/contact-search';
import { firstContactsWith } from '../../store/contact-queries';
import { anyContacts, contactDisplayName } from '../../store/contacts';
import type { Reader } from '../../store/db';
import { emailKey } from '../model';
import type { ParsedRow } from './rows';

export type Target = { kind: 'existing'; id: number } | { kind: 'row'; row: number };

export interface Decision {
  action: Exclude<ImportRowAction, 'error'>;
  target: Target | null;
  duplicate: ImportDuplicate | null;
}

/** Which of a row's values matched: its phone numbers, e-mail addresses, WhatsApp number, Telegram chat id. */
type By = ImportDuplicate['by'];
const KINDS: readonly By[] = ['phone', 'email', 'whatsapp', 'telegram'];
const NONE: readonly string[] = [];

/** Per kind, the values a row is matched by: E.164 numbers (WhatsApp normalised like phones), lower-cased addresses, chat ids. */
function keysOf(r: ParsedRow): readonly (readonly string[])[] {
  const { phones, emails, whatsapp, telegramChatId } = r.record;
  return [
    phones.length ? phones.map((p) => p.e164) : NONE,
    emails.length ? emails.map((e) => emailKey(e.address)) : NONE,
    whatsapp ? [whatsapp] : NONE,
    telegramChatId ? [telegramChatId] : NONE,
  ];
}

/**
 * Decides per row whether it creates, updates or is skipped, by matching its phone
 * numbers, e-mail addresses, WhatsApp number and Telegram chat id (each only against the
 * same kind) first against earlier rows of the file, then against contacts already stored.
 */
export class DuplicateResolver {
  // Per kind (KINDS order), keyed by the bare value (no prefixed key strings: this runs for
  // every row of a 100,000-row import, twice).
  private readonly seen: Map<string, Seen>[] = KINDS.map(() => new Map<string, Seen>());
  private readonly names = new Map<number, string | null>();
  /** Stored contacts sharing a value with the rows about to be decided, per kind (see prefetch). */
  private stored: Map<string, number>[] = KINDS.map(() => new Map<string, number>());

  constructor(
    private readonly r: Reader,
    private readonly mode: DuplicateMode,
  ) {}

  /**
   * Looks up which stored contacts share a number, address or chat id with these rows (a
   * query per kind the rows have); decide() must only be called for rows passed here.
   * Called per batch inside its transaction, so the answer is current for the rows being
   * written.
   */
  prefetch(rows: readonly ParsedRow[]): void {
    const values: string[][] = KINDS.map(() => []);
    for (const r of rows) {
      const keys = keysOf(r);
      for (let k = 0; k < KINDS.length; k++) for (const v of keys[k]!) values[k]!.push(v);
    }
    this.stored = KINDS.map((by, k) => (values[k]!.length ? firstContactsWith(this.r, by, values[k]!) : new Map<string, number>()));
  }

  decide(r: ParsedRow): Decision {
    const keys = keysOf(r);
    let duplicate: ImportDuplicate | null = null;
    let matchTarget: Target | null = null;
    // An earlier row of the file first: it has already dealt with any stored contact.
    earlier: for (let k = 0; k < KINDS.length; k++) {
      for (const value of keys[k]!) {
        const earlier = this.seen[k]!.get(value);
        if (earlier) {
          duplicate = { row: r.row, by: KINDS[k]!, value, existingContactId: null, existingName: null, fileRow: earlier.row };
          matchTarget = earlier.target;
          break earlier;
        }
      }
    }
    if (!duplicate) {
      stored: for (let k = 0; k < KINDS.length; k++) {
        for (const value of keys[k]!) {
          const id = this.stored[k]!.get(value);
          if (id !== undefined) {
            duplicate = { row: r.row, by: KINDS[k]!, value, existingContactId: id, existingName: this.nameOf(id), fileRow: null };
            matchTarget = { kind: 'existing', id };
            break stored;
          }
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
    for (let k = 0; k < KINDS.length; k++) {
      const map = this.seen[k]!;
      for (const value of keys[k]!) if (fresh || !map.has(value)) map.set(value, seen);
    }
    return decision;
  }

  private nameOf(id: number): string | null {
    if (!this.names.has(id)) this.names.set(id, contactDisplayName(this.r, id));
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
export class OtherWrites {
  private seen = false;
  private last: { changes: number; version: number } | null = null;

  constructor(private readonly r: Reader) {}

  /** At the start of a batch, inside its transaction: may there be contacts not from this file? */
  since(): boolean {
    if (this.seen) return true;
    if (this.last === null) this.seen = anyContacts(this.r);
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
    return { changes: totalChanges(this.r), version: dataVersion(this.r) };
  }
}

interface Seen {
  row: number;
  target: Target | null;
}

/** The fields of an existing contact with a file row merged in: file values win, lists are joined. */
export function mergeFields(current: Contact, row: ParsedRow): ContactFields {
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
