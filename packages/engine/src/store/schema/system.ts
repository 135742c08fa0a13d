// Tables about the installation itself: the audit trail and operator settings.
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** Who did what, when. Never updated; erasing a contact leaves its entry without personal data. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: text('at')
      .notNull()
      .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id'),
    summary: text('summary').notNull(),
    /**
     * The values the summary was made from ({ name: "Stab", count: 12 }), so the console can
     * say it in the operator's language; the summary (English) is for logs and old entries.
     */
    params: text('params', { mode: 'json' }).$type<Record<string, string | number>>(),
  },
  (t) => [index('audit_log_subject').on(t.subjectType, t.subjectId)],
);

/** Small typed settings (operator name, language, default voice…), JSON-encoded values. */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value', { mode: 'json' }).notNull(),
  updatedAt: text('updated_at').notNull(),
});

/**
 * Health alerts (services/health): one row per episode of a rule's condition for a subject
 * (a provider's name, or ''). Firing while resolved_at is null; at most one such row per rule
 * and subject. Listed until resolved and acknowledged.
 */
export const healthAlerts = sqliteTable(
  'health_alerts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    rule: text('rule').notNull(),
    subject: text('subject').notNull(),
    value: real('value').notNull(),
    threshold: real('threshold').notNull(),
    firstSeen: text('first_seen').notNull(),
    lastSeen: text('last_seen').notNull(),
    resolvedAt: text('resolved_at'),
    acknowledgedAt: text('acknowledged_at'),
    acknowledgedBy: text('acknowledged_by'),
  },
  (t) => [
    uniqueIndex('health_alerts_firing')
      .on(t.rule, t.subject)
      .where(sql`${t.resolvedAt} IS NULL`),
    index('health_alerts_listed').on(t.acknowledgedAt, t.resolvedAt),
  ],
);

/**
 * The bell (services/notifications): which of its items a user has read, by the item's key.
 * Local to this desktop: each workstation remembers what its users have seen there.
 */
export const notificationReads = sqliteTable(
  'notification_reads',
  {
    userId: text('user_id').notNull(),
    key: text('key').notNull(),
    readAt: text('read_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] })],
);
