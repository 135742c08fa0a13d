// What one transaction changed, row by row. Every write function of the store layer records
// the rows it inserted, updated or deleted in the transaction's change set; that is the one
// seam through which all changes to stored data pass. Consumers read it when the
// transaction ends: organisation sync turns the rows of shared tables into operations in
// the same transaction (a `beforeCommit` hook), the search index re-reads the contacts it
// names after the commit. The change set is exact by contract, and a test holds every
// write function to it by comparing the recorded rows with a diff of the tables.

/** The tables whose rows are organisation data or drive what the console shows. */
export const trackedTables = [
  'contacts',
  'contact_phones',
  'contact_emails',
  'contact_tags',
  'contact_consents',
  'contact_groups',
  'group_members',
  'opt_outs',
  'templates',
  'template_contents',
  'audio_assets',
  'campaigns',
  'campaign_recipients',
  'deliveries',
  'delivery_events',
  'inbox_messages',
  'audit_log',
  'settings',
  'campaign_approvals',
] as const;
export type TrackedTable = (typeof trackedTables)[number];

/** Each tracked table's primary-key columns, in the order a RowKey lists them. */
export const keyColumns: Record<TrackedTable, readonly string[]> = {
  contacts: ['id'],
  contact_phones: ['id'],
  contact_emails: ['id'],
  contact_tags: ['contact_id', 'tag'],
  contact_consents: ['contact_id', 'channel'],
  contact_groups: ['id'],
  group_members: ['group_id', 'contact_id'],
  opt_outs: ['channel', 'address'],
  templates: ['id'],
  template_contents: ['template_id', 'language', 'channel'],
  audio_assets: ['id'],
  campaigns: ['id'],
  campaign_recipients: ['id'],
  deliveries: ['id'],
  delivery_events: ['id'],
  inbox_messages: ['id'],
  audit_log: ['id'],
  settings: ['key'],
  campaign_approvals: ['campaign_id'],
};

/**
 * A row's primary key, in the order of the table's key columns: `[id]` for most tables,
 * `[contact_id, tag]` for tags, `[group_id, contact_id]` for memberships,
 * `[template_id, language, channel]` for template contents, `[channel, address]` for
 * opt-outs, `[key]` for settings.
 */
export type RowKey = readonly (string | number)[];

export type ChangeOp = 'insert' | 'update' | 'delete';

export interface RowChange {
  readonly table: TrackedTable;
  readonly key: RowKey;
  readonly op: ChangeOp;
  /**
   * For an update: the columns it may have changed (a superset is allowed, never a subset).
   * Absent: any column may have changed.
   */
  readonly columns?: readonly string[] | undefined;
}

const keyString = (table: TrackedTable, key: RowKey): string => `${table}\u0000${key.join('\u0000')}`;

export class ChangeSet {
  private readonly list: RowChange[] = [];

  /** Records one changed row. */
  record(table: TrackedTable, key: RowKey, op: ChangeOp, columns?: readonly string[]): void {
    this.list.push(columns === undefined ? { table, key, op } : { table, key, op, columns });
  }

  /** Records many rows of one table changed the same way (a bulk UPDATE … RETURNING). */
  recordMany(table: TrackedTable, keys: Iterable<RowKey>, op: ChangeOp, columns?: readonly string[]): void {
    for (const key of keys) this.record(table, key, op, columns);
  }

  get size(): number {
    return this.list.length;
  }

  /** Every change in the order it was recorded. */
  all(): readonly RowChange[] {
    return this.list;
  }

  /** The keys of the rows of one table that changed in any way. */
  keysOf(table: TrackedTable): RowKey[] {
    return this.net()
      .filter((c) => c.table === table)
      .map((c) => c.key);
  }

  touches(table: TrackedTable): boolean {
    return this.list.some((c) => c.table === table);
  }

  /** Where a nested step began, so the step's changes can be dropped if it is rolled back. */
  mark(): number {
    return this.list.length;
  }

  /** Forgets what was recorded after `mark` (its savepoint was rolled back). */
  rollbackTo(mark: number): void {
    this.list.length = mark;
  }

  /**
   * One change per row, as the transaction leaves it: an insert later updated is an
   * insert; an update then a delete is a delete; a row inserted and deleted again is no
   * change; a row deleted and inserted again under the same key is an update of any column.
   */
  net(): RowChange[] {
    const byRow = new Map<string, RowChange | null>();
    for (const c of this.list) {
      const k = keyString(c.table, c.key);
      const prev = byRow.get(k);
      byRow.set(k, prev === undefined ? c : combine(prev, c));
    }
    return [...byRow.values()].filter((c): c is RowChange => c !== null);
  }
}

function combine(prev: RowChange | null, next: RowChange): RowChange | null {
  if (prev === null) {
    // Inserted and deleted earlier in this transaction: whatever comes now is new.
    return next.op === 'delete' ? null : { table: next.table, key: next.key, op: 'insert' };
  }
  switch (prev.op) {
    case 'insert':
      return next.op === 'delete' ? null : prev;
    case 'update':
      if (next.op === 'delete') return next;
      if (next.op === 'insert' || prev.columns === undefined || next.columns === undefined)
        return { table: prev.table, key: prev.key, op: 'update' };
      return { table: prev.table, key: prev.key, op: 'update', columns: [...new Set([...prev.columns, ...next.columns])] };
    case 'delete':
      return next.op === 'delete' ? prev : { table: prev.table, key: prev.key, op: 'update' };
    default: {
      const never: never = prev.op;
      throw new Error(`unknown change ${String(never)}`);
    }
  }
}
