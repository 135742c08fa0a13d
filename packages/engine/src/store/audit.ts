// The audit trail: every mutation records who did it, what and when. Services call
// `record` inside the same transaction as the change, so the trail never disagrees with
// the data.
import { and, desc, eq, lt } from 'drizzle-orm';
import type { AuditAction, AuditEntry } from '@gdial/protocol';
import type { Db, Reader, Tx } from './db';
import { auditLog } from './schema';

export interface AuditRecord {
  action: AuditAction;
  subjectType: string;
  subjectId?: string | number | null;
  summary: string;
  /** The values in the summary, by name, for the console to phrase the entry in its language. */
  params?: Record<string, string | number>;
}

/**
 * Appends an entry. Pass the transaction (the change is recorded for sync); a bare drizzle
 * handle is accepted only while callers are moved to the store layer.
 */
export function recordAudit(target: Tx | Db, actor: string, rec: AuditRecord): number {
  const subjectId = rec.subjectId == null ? null : String(rec.subjectId);
  if (!('changes' in target)) {
    const row = target
      .insert(auditLog)
      .values({ actor, action: rec.action, subjectType: rec.subjectType, subjectId, summary: rec.summary, params: rec.params ?? null })
      .returning({ id: auditLog.id })
      .get();
    return row.id;
  }
  // Every change writes one: a cached statement, not a query built and prepared each time.
  const id = target.statements
    .pluck<[string, string, string, string | null, string, string | null], number>(INSERT_AUDIT)
    .get(actor, rec.action, rec.subjectType, subjectId, rec.summary, rec.params ? JSON.stringify(rec.params) : null)!;
  target.changes.record('audit_log', [id], 'insert');
  return id;
}

const INSERT_AUDIT =
  'INSERT INTO audit_log (actor, action, subject_type, subject_id, summary, params) VALUES (?, ?, ?, ?, ?, ?) RETURNING id';

/** Every entry about one subject (a contact, say), oldest first. */
export function auditEntriesAbout(r: Reader, subjectType: string, subjectId: string | number): AuditEntry[] {
  return r.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.subjectType, subjectType), eq(auditLog.subjectId, String(subjectId))))
    .orderBy(auditLog.id)
    .all();
}

/** Deletes every entry about one subject (a GDPR erasure); returns how many there were. */
export function deleteAuditEntriesAbout(tx: Tx, subjectType: string, subjectId: string | number): number {
  const gone = tx.db
    .delete(auditLog)
    .where(and(eq(auditLog.subjectType, subjectType), eq(auditLog.subjectId, String(subjectId))))
    .returning({ id: auditLog.id })
    .all();
  for (const g of gone) tx.changes.record('audit_log', [g.id], 'delete');
  return gone.length;
}

export function listAudit(
  db: Db,
  q: { beforeId?: number | undefined; limit: number; subjectType?: string | undefined },
): { entries: AuditEntry[]; nextBeforeId: number | null } {
  const conds = [];
  if (q.beforeId !== undefined) conds.push(lt(auditLog.id, q.beforeId));
  if (q.subjectType !== undefined) conds.push(eq(auditLog.subjectType, q.subjectType));
  const rows = db
    .select()
    .from(auditLog)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(q.limit + 1)
    .all();
  const page = rows.slice(0, q.limit);
  return { entries: page, nextBeforeId: rows.length > q.limit ? (page.at(-1)?.id ?? null) : null };
}

/** One entry by its id. */
export function readAuditEntry(r: Reader, id: number): AuditEntry | undefined {
  const row = r.statements
    .get<[number], Omit<AuditEntry, 'params'> & { params: string | null }>(
      'SELECT id, at, actor, action, subject_type AS subjectType, subject_id AS subjectId, summary, params FROM audit_log WHERE id = ?',
    )
    .get(id);
  return row && { ...row, params: row.params === null ? null : (JSON.parse(row.params) as AuditEntry['params']) };
}

/** Stores an entry made on another desktop, as it was made there (its time and actor kept). */
export function insertAuditEntry(tx: Tx, e: Omit<AuditEntry, 'id'>): number {
  const id = tx.statements
    .pluck<[string, string, string, string, string | null, string, string | null], number>(
      'INSERT INTO audit_log (at, actor, action, subject_type, subject_id, summary, params) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id',
    )
    .get(e.at, e.actor, e.action, e.subjectType, e.subjectId, e.summary, e.params === null ? null : JSON.stringify(e.params))!;
  tx.changes.record('audit_log', [id], 'insert');
  return id;
}

/** Deletes one entry (an erasure on another desktop removed it). */
export function deleteAuditEntry(tx: Tx, id: number): void {
  const gone = tx.db.delete(auditLog).where(eq(auditLog.id, id)).returning({ id: auditLog.id }).all();
  for (const g of gone) tx.changes.record('audit_log', [g.id], 'delete');
}
