// The store of AI assistance: its organisation-wide settings (shared through sync), the
// sealed API key's setting (this desktop's), the usage rows the month's budget is counted
// from, and the suggested classes of inbox replies. Prepared statements only.
import {
  aiSettingsSchema,
  defaultAiSettings,
  type AiSettings,
  type AiTask,
  type AiUsageRow,
  type ReplyClass,
  type ReplySuggestion,
} from '@gdial/protocol';
import { z } from 'zod';
import type { Reader, Tx } from './db';
import type { SettingDef } from './settings';

export const aiSettingsDef: SettingDef<AiSettings> = { key: 'ai.settings', schema: aiSettingsSchema, fallback: defaultAiSettings };
/** The API key as the host's secure storage sealed it; never the key itself. */
export const aiSealedKeyDef: SettingDef<string | null> = { key: 'ai.apiKeySealed', schema: z.string().nullable(), fallback: null };

interface UsageRow {
  id: number;
  at: string;
  user: string;
  task: AiTask;
  model: string;
  prompt_tokens: number;
  completion_tokens: number;
  cost_millikronor: number;
}

const toUsage = (r: UsageRow): AiUsageRow => ({
  id: r.id,
  at: r.at,
  user: r.user,
  task: r.task,
  model: r.model,
  promptTokens: r.prompt_tokens,
  completionTokens: r.completion_tokens,
  cost: r.cost_millikronor / 1000,
});

export function insertAiUsage(
  tx: Tx,
  u: { user: string; task: AiTask; model: string; promptTokens: number; completionTokens: number; cost: number },
): number {
  return tx.statements
    .pluck<[string, string, string, number, number, number], number>(
      'INSERT INTO ai_usage (user, task, model, prompt_tokens, completion_tokens, cost_millikronor) VALUES (?, ?, ?, ?, ?, ?) RETURNING id',
    )
    .get(u.user, u.task, u.model, u.promptTokens, u.completionTokens, Math.round(u.cost * 1000))!;
}

/** Tokens used since `since` (ISO; the month's first instant). */
export function aiTokensSince(r: Reader, since: string): number {
  return (
    r.statements
      .pluck<[string], number>('SELECT COALESCE(SUM(prompt_tokens + completion_tokens), 0) FROM ai_usage WHERE at >= ?')
      .get(since) ?? 0
  );
}

export function latestAiUsage(r: Reader, limit: number): AiUsageRow[] {
  return r.statements.get<[number], UsageRow>('SELECT * FROM ai_usage ORDER BY id DESC LIMIT ?').all(limit).map(toUsage);
}

/** Replies without a suggestion yet, oldest first: one alert's, or the latest of any. */
export function unclassifiedReplies(r: Reader, campaignId: number | null, limit: number): { id: number; text: string }[] {
  return r.statements
    .get<[number | null, number | null, number], { id: number; text: string }>(
      `SELECT i.id, i.text FROM inbox_messages i LEFT JOIN ai_reply_suggestions s ON s.inbox_id = i.id
        WHERE s.inbox_id IS NULL AND (? IS NULL OR i.campaign_id = ?) ORDER BY i.id DESC LIMIT ?`,
    )
    .all(campaignId, campaignId, limit)
    .reverse();
}

/** Every reply of one alert, oldest first, with its suggested class if any. */
export function repliesOf(r: Reader, campaignId: number, limit: number): { id: number; text: string; category: ReplyClass | null }[] {
  return r.statements
    .get<[number, number], { id: number; text: string; category: ReplyClass | null }>(
      `SELECT i.id, i.text, s.category FROM inbox_messages i LEFT JOIN ai_reply_suggestions s ON s.inbox_id = i.id
        WHERE i.campaign_id = ? ORDER BY i.id LIMIT ?`,
    )
    .all(campaignId, limit);
}

export function writeReplySuggestion(tx: Tx, s: ReplySuggestion): void {
  tx.statements
    .get<[number, string, string, string]>(
      `INSERT INTO ai_reply_suggestions (inbox_id, category, summary, model) VALUES (?, ?, ?, ?)
       ON CONFLICT(inbox_id) DO UPDATE SET category = excluded.category, summary = excluded.summary, model = excluded.model`,
    )
    .run(s.inboxId, s.category, s.summary, s.model);
}

export function replySuggestionsFor(r: Reader, inboxIds: number[]): ReplySuggestion[] {
  if (inboxIds.length === 0) return [];
  return r.statements
    .get<[string], { inbox_id: number; category: ReplyClass; summary: string; model: string }>(
      'SELECT inbox_id, category, summary, model FROM ai_reply_suggestions WHERE inbox_id IN (SELECT value FROM json_each(?))',
    )
    .all(JSON.stringify(inboxIds))
    .map((x) => ({ inboxId: x.inbox_id, category: x.category, summary: x.summary, model: x.model }));
}

/** The contacts' names behind some inbox replies (to hide when names may not be sent). */
export function inboxSenderNames(r: Reader, inboxIds: number[]): string[] {
  if (inboxIds.length === 0) return [];
  const rows = r.statements
    .get<[string], { display_name: string; first_name: string | null; last_name: string | null }>(
      `SELECT DISTINCT p.display_name, p.first_name, p.last_name FROM inbox_messages i JOIN contacts p ON p.id = i.contact_id
        WHERE i.id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(inboxIds));
  return rows.flatMap((x) => [x.display_name, x.first_name, x.last_name].filter((n): n is string => !!n));
}

export function campaignExists(r: Reader, id: number): boolean {
  return r.statements.pluck<[number], number>('SELECT 1 FROM campaigns WHERE id = ?').get(id) !== undefined;
}
