// Holds the store layer to its contract that every transaction's change set names exactly
// the rows it changed: snapshots every tracked table, runs the work, diffs the tables and
// compares the diff with the changes the committed transactions recorded. Any write that
// bypasses the store layer, or a store function that forgets to record a row (or records
// one it did not change), shows up here.
import type { Store } from '../../src/store/db';
import { ChangeSet, keyColumns, trackedTables, type RowChange, type TrackedTable } from '../../src/store/changes';

type Snapshot = Map<TrackedTable, Map<string, Record<string, unknown>>>;

const keyOf = (table: TrackedTable, row: Record<string, unknown>): string => keyColumns[table].map((c) => String(row[c])).join('|');

function snapshot(store: Store): Snapshot {
  const snap: Snapshot = new Map();
  for (const table of trackedTables) {
    const rows = store.sqlite.prepare(`SELECT * FROM ${table}`).all() as Record<string, unknown>[];
    snap.set(table, new Map(rows.map((r) => [keyOf(table, r), r])));
  }
  return snap;
}

const same = (a: unknown, b: unknown): boolean => (Buffer.isBuffer(a) && Buffer.isBuffer(b) ? a.equals(b) : a === b);

export interface ObservedChange {
  table: TrackedTable;
  key: string;
  op: 'insert' | 'update' | 'delete';
  columns: string[];
}

function diff(before: Snapshot, after: Snapshot): ObservedChange[] {
  const out: ObservedChange[] = [];
  for (const table of trackedTables) {
    const b = before.get(table)!;
    const a = after.get(table)!;
    for (const [k, row] of a) {
      const old = b.get(k);
      if (!old) out.push({ table, key: k, op: 'insert', columns: [] });
      else {
        const columns = Object.keys(row).filter((c) => !same(row[c], old[c]));
        if (columns.length) out.push({ table, key: k, op: 'update', columns });
      }
    }
    for (const k of b.keys()) if (!a.has(k)) out.push({ table, key: k, op: 'delete', columns: [] });
  }
  return out;
}

/**
 * Runs `work` (which commits one or more transactions through the store) and asserts that
 * the rows the transactions recorded are exactly the rows that changed, with the right kind
 * of change, and that an update's recorded columns include every column that changed.
 * Returns the recorded changes for further assertions.
 */
export async function expectExactChanges<T>(store: Store, work: () => T | Promise<T>): Promise<{ result: T; changes: RowChange[] }> {
  const before = snapshot(store);
  const merged = new ChangeSet();
  const stop = store.afterCommit((cs) => {
    for (const c of cs.all()) merged.record(c.table, c.key, c.op, c.columns);
  });
  let result: T;
  try {
    result = await work();
  } finally {
    stop();
  }
  const observed = diff(before, snapshot(store));
  const recorded = merged.net();
  const recordedByKey = new Map(recorded.map((c) => [`${c.table}:${c.key.map(String).join('|')}`, c]));
  const problems: string[] = [];
  for (const o of observed) {
    const r = recordedByKey.get(`${o.table}:${o.key}`);
    recordedByKey.delete(`${o.table}:${o.key}`);
    if (!r) problems.push(`${o.op} of ${o.table} ${o.key} was not recorded`);
    else if (r.op !== o.op) problems.push(`${o.table} ${o.key} was recorded as ${r.op} but was an ${o.op}`);
    else if (o.op === 'update' && r.columns && o.columns.some((c) => !r.columns!.includes(c))) {
      problems.push(`update of ${o.table} ${o.key} changed ${o.columns.join(', ')} but recorded only ${r.columns.join(', ')}`);
    }
  }
  for (const r of recordedByKey.values()) problems.push(`${r.op} of ${r.table} ${r.key.join('|')} was recorded but nothing changed`);
  if (problems.length > 0) throw new Error(`The change set must name exactly the rows that changed:\n${problems.join('\n')}`);
  return { result, changes: recorded };
}
