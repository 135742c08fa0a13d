// Health alerts (health_alerts): the one row type, its converter to the contract's
// HealthAlert, and every query on the table. A row is one episode of a rule's condition for
// one subject (local to this desktop, not shared by sync): firing while resolved_at is null (at most one such row per rule and subject,
// a unique partial index), listed until it is resolved and acknowledged. Prepared statements only.
import type { HealthAlert, HealthRule } from '@gdial/protocol';
import type { Reader, Tx } from './db';

/** A row of health_alerts as SQLite returns it. */
interface HealthAlertRow {
  id: number;
  rule: HealthRule;
  subject: string;
  value: number;
  threshold: number;
  first_seen: string;
  last_seen: string;
  resolved_at: string | null;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
}

const toHealthAlert = (r: HealthAlertRow): HealthAlert => ({
  id: r.id,
  rule: r.rule,
  subject: r.subject,
  state: r.resolved_at === null ? 'firing' : 'resolved',
  value: r.value,
  threshold: r.threshold,
  firstSeen: r.first_seen,
  lastSeen: r.last_seen,
  resolvedAt: r.resolved_at,
  acknowledgedAt: r.acknowledged_at,
  acknowledgedBy: r.acknowledged_by,
});

// ── reads ──

export function getHealthAlert(r: Reader, id: number): HealthAlert | null {
  const row = r.statements.get<[number], HealthAlertRow>('SELECT * FROM health_alerts WHERE id = ?').get(id);
  return row ? toHealthAlert(row) : null;
}

/** Firing alerts and resolved ones nobody acknowledged, newest first. */
export function listedHealthAlerts(r: Reader, limit = 200): HealthAlert[] {
  return r.statements
    .get<[number], HealthAlertRow>(
      'SELECT * FROM health_alerts WHERE resolved_at IS NULL OR acknowledged_at IS NULL ORDER BY first_seen DESC, id DESC LIMIT ?',
    )
    .all(limit)
    .map(toHealthAlert);
}

/** The firing alerts, by "rule|subject". */
export function firingHealthAlerts(r: Reader): Map<string, HealthAlert> {
  const rows = r.statements.get<[], HealthAlertRow>('SELECT * FROM health_alerts WHERE resolved_at IS NULL').all();
  return new Map(rows.map((row) => [`${row.rule}|${row.subject}`, toHealthAlert(row)]));
}

// ── writes ──

/** A condition holds: a new firing alert, or the firing one's latest value and time. */
export function fireHealthAlert(tx: Tx, a: { rule: HealthRule; subject: string; value: number; threshold: number; at: string }): void {
  const updated = tx.statements
    .get<[number, number, string, string, string], { id: number }>(
      'UPDATE health_alerts SET value = ?, threshold = ?, last_seen = ? WHERE rule = ? AND subject = ? AND resolved_at IS NULL RETURNING id',
    )
    .get(a.value, a.threshold, a.at, a.rule, a.subject);
  if (updated) return;
  tx.statements
    .get<[string, string, number, number, string, string]>(
      'INSERT INTO health_alerts (rule, subject, value, threshold, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)',
    )
    .run(a.rule, a.subject, a.value, a.threshold, a.at, a.at);
}

/** The condition ended. */
export function resolveHealthAlert(tx: Tx, id: number, at: string): void {
  tx.statements.get<[string, number]>('UPDATE health_alerts SET resolved_at = ? WHERE id = ? AND resolved_at IS NULL').run(at, id);
}

/** An operator saw it; false when it was acknowledged already. */
export function acknowledgeHealthAlert(tx: Tx, id: number, by: string, at: string): boolean {
  const r = tx.statements
    .get<[string, string, number]>(
      'UPDATE health_alerts SET acknowledged_at = ?, acknowledged_by = ? WHERE id = ? AND acknowledged_at IS NULL',
    )
    .run(at, by, id);
  return r.changes > 0;
}
