// Tables about the installation itself: the audit trail and operator settings.
import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

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
