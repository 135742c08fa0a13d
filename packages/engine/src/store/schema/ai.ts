// Tables of AI assistance (issue #18): what each use cost, per user, and the suggested
// classes of inbox replies. Both stay on their desktop (not synced): usage counts this
// desktop's calls against the month's budget, a suggestion is a hint, not a decision.
import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { inboxMessages } from './campaigns';

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

/** One answer from the AI (a retried answer counts both tries), with its tokens and cost. */
export const aiUsage = sqliteTable(
  'ai_usage',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: text('at').notNull().default(now),
    /** The signed-in user's name, as the audit log names them. */
    user: text('user').notNull(),
    task: text('task', { enum: ['draft', 'simplify', 'translate', 'classify', 'summarise'] }).notNull(),
    model: text('model').notNull(),
    promptTokens: integer('prompt_tokens').notNull(),
    completionTokens: integer('completion_tokens').notNull(),
    /** Kronor at the organisation's price when it was used. */
    cost: integer('cost_millikronor').notNull(),
  },
  (t) => [index('ai_usage_at').on(t.at)],
);

/** The AI's suggested class of an inbox reply, with a one-line Swedish summary. */
export const aiReplySuggestions = sqliteTable('ai_reply_suggestions', {
  inboxId: integer('inbox_id')
    .primaryKey()
    .references(() => inboxMessages.id, { onDelete: 'cascade' }),
  category: text('category', { enum: ['behöver-hjälp', 'fråga', 'bekräftelse', 'övrigt'] }).notNull(),
  summary: text('summary').notNull(),
  model: text('model').notNull(),
  at: text('at').notNull().default(now),
});
