// Duplicates in an import: whether each row creates a contact, updates one or is skipped,
// by matching its numbers and addresses against earlier rows of the file and against the
// contacts already stored; and how a row is merged into the contact it updates.
import type { Contact, ContactFields, DuplicateMode, ImportDuplicate, ImportRowAction } from '@gdial/protocol';
import { dataVersion, totalChanges } from '../../store/contact-search';
import { firstContactsWithEmails, firstContactsWithPhones } from '../../store/contact-queries';
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

/**
 * Decides per row whether it creates, updates or is skipped, by matching its phone
 * numbers and e-mail addresses first against earlier rows of the file, then against
 * contacts already stored.
 */
export class DuplicateResolver {
  // Keyed by the bare E.164 number / lower-cased address (no prefixed key strings: this runs
  // for every row of a 100,000-row import, twice).
  private readonly seenPhones = new Map<string, Seen>();
  private readonly seenEmails = new Map<string, Seen>();
  private readonly names = new Map<number, string | null>();
  /** Stored contacts sharing a number or address with the rows about to be decided (see prefetch). */
  private storedPhones = new Map<string, number>();
  private storedEmails = new Map<string, number>();

  constructor(
    private readonly r: Reader,
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
    this.storedPhones = firstContactsWithPhones(this.r, phones);
    this.storedEmails = firstContactsWithEmails(this.r, emails);
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
