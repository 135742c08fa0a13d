// AI assistance (issue #18): the organisation's settings (off by default; the OpenAI API or
// any OpenAI-compatible server by base URL; a model per task; a monthly token budget), the
// tasks the console may ask for, and what each use cost. AI only proposes: nothing here
// sends, approves or handles anything; the operator reads, edits and decides.
import { z } from 'zod';
import { method } from './rpc-core';

const id = z.number().int().positive();

/** What the console may ask the model to do; each may have its own model. */
export const aiTasks = ['draft', 'simplify', 'translate', 'classify', 'summarise'] as const;
export type AiTask = (typeof aiTasks)[number];

/**
 * Languages an organisation may translate into: English, the national minority languages
 * (Finnish, Meänkieli, Northern Sami, Romani, Yiddish) and the languages Swedish authorities
 * publish crisis information in. ISO 639 codes (fit: Meänkieli, rom: Romani chib, prs: Dari).
 */
export const aiLanguages = ['en', 'fi', 'fit', 'se', 'rom', 'yi', 'ar', 'so', 'fa', 'prs', 'ti', 'pl', 'uk'] as const;
export type AiLanguage = (typeof aiLanguages)[number];

/** Suggested classes of a reply; a suggestion is never an action. */
export const replyClasses = ['behöver-hjälp', 'fråga', 'bekräftelse', 'övrigt'] as const;
export type ReplyClass = (typeof replyClasses)[number];

const modelName = z.string().trim().min(1, 'Ange ett modellnamn').max(120);

export const aiSettingsSchema = z.object({
  enabled: z.boolean(),
  /** null: the OpenAI API itself; else an OpenAI-compatible server (llama.cpp, Ollama, vLLM) ending in /v1. */
  baseUrl: z
    .string()
    .trim()
    .max(300)
    .regex(/^https?:\/\/[^\s]+$/, 'Adressen ska börja med http:// eller https://')
    .nullable(),
  models: z.object({ draft: modelName, simplify: modelName, translate: modelName, classify: modelName, summarise: modelName }),
  /** Tokens (prompt + answer) the organisation allows per calendar month; 0 stops every use. */
  monthlyTokenBudget: z.number().int().min(0).max(1_000_000_000),
  /** Price per million tokens (kronor) for the cost shown beside each use; 0 for a local server. */
  pricePerMillionInput: z.number().min(0).max(100_000),
  pricePerMillionOutput: z.number().min(0).max(100_000),
  /** Whether contacts' names may be sent; if not they are replaced by placeholders like phone numbers are. */
  allowNames: z.boolean(),
  /** The organisation's chosen translation languages. */
  languages: z.array(z.enum(aiLanguages)).max(aiLanguages.length),
  /** How long one answer may take before the console says the AI did not answer. */
  timeoutSeconds: z.number().int().min(5).max(120),
});
export type AiSettings = z.infer<typeof aiSettingsSchema>;

export const defaultAiSettings: AiSettings = {
  enabled: false,
  baseUrl: null,
  models: { draft: 'gpt-4.1-mini', simplify: 'gpt-4.1-mini', translate: 'gpt-4.1', classify: 'gpt-4.1-mini', summarise: 'gpt-4.1-mini' },
  monthlyTokenBudget: 200_000,
  pricePerMillionInput: 0,
  pricePerMillionOutput: 0,
  allowNames: false,
  languages: ['en', 'ar'],
  timeoutSeconds: 30,
};

/** What one use of the AI cost, shown beside its answer. */
export const aiUseSchema = z.object({
  model: z.string(),
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  /** Kronor at the organisation's price per million tokens. */
  cost: z.number().nonnegative(),
});
export type AiUse = z.infer<typeof aiUseSchema>;

export const aiUsageRowSchema = aiUseSchema.extend({
  id,
  at: z.string(),
  user: z.string(),
  task: z.enum(aiTasks),
});
export type AiUsageRow = z.infer<typeof aiUsageRowSchema>;

export const aiStatusSchema = z.object({
  settings: aiSettingsSchema,
  /** Whether an API key is stored (sealed); the key itself never leaves the engine. */
  keySet: z.boolean(),
  /** Whether a key can be stored on this desktop (the host has secure storage). */
  canStoreKey: z.boolean(),
  /** Tokens used this calendar month (UTC) on this desktop. */
  monthTokens: z.number().int().nonnegative(),
  /** The server the host fixes (demo: the simulator), used instead of the settings' server and key; null: none. */
  hostServer: z.string().nullable(),
});
export type AiStatus = z.infer<typeof aiStatusSchema>;

export const smsBudgetSchema = z.number().int().min(1).max(4);

export const alertDraftSchema = z.object({
  sms: z.string(),
  voice: z.string(),
  emailSubject: z.string(),
  emailBody: z.string(),
});
export type AlertDraft = z.infer<typeof alertDraftSchema>;

export const replySuggestionSchema = z.object({
  inboxId: id,
  category: z.enum(replyClasses),
  summary: z.string(),
  model: z.string(),
});
export type ReplySuggestion = z.infer<typeof replySuggestionSchema>;

export const aiMethods = {
  /** The settings, whether a key is stored and this month's tokens (every user: the console shows AI buttons only when on). */
  'ai.status': method(z.object({}), aiStatusSchema),
  /** Administratör: saves the settings; apiKey absent leaves the stored key, null removes it. */
  'ai.settings.save': method(aiSettingsSchema.extend({ apiKey: z.string().trim().min(1).max(500).nullable().optional() }), aiStatusSchema),
  /** The latest uses: who, which task and model, tokens and cost. */
  'ai.usage.list': method(z.object({ limit: z.number().int().min(1).max(500).default(50) }), z.object({ uses: z.array(aiUsageRowSchema) })),
  /** Proposes SMS, voice script and e-mail from a few words, in MSB's structure, the SMS within `smsSegments`. */
  'ai.draftAlert': method(
    z.object({
      notes: z.string().trim().min(3, 'Skriv några ord om vad som har hänt').max(2000),
      smsSegments: smsBudgetSchema.default(1),
      /** Template variables the text may use ({{förnamn}}). */
      variables: z.array(z.string().max(40)).max(30).default([]),
    }),
    z.object({ draft: alertDraftSchema, smsChars: z.number().int(), use: aiUseSchema }),
  ),
  /** Rewrites a Swedish text in easy Swedish (lättläst). */
  'ai.simplify': method(
    z.object({ text: z.string().trim().min(1, 'Texten är tom').max(5000) }),
    z.object({ text: z.string(), use: aiUseSchema }),
  ),
  /** Translates a Swedish text, with a back-translation into Swedish for the reviewer. */
  'ai.translate': method(
    z.object({ text: z.string().trim().min(1, 'Texten är tom').max(5000), language: z.enum(aiLanguages) }),
    z.object({ translation: z.string(), backTranslation: z.string(), use: aiUseSchema }),
  ),
  /** Suggests a class and a one-line Swedish summary for inbox replies not yet classified (an alert's, or the latest). */
  'ai.classifyReplies': method(
    z.object({ campaignId: id.optional(), limit: z.number().int().min(1).max(200).default(50) }),
    z.object({ suggestions: z.array(replySuggestionSchema), use: aiUseSchema.nullable() }),
  ),
  /** The suggestions stored for replies (the inbox's badges and filter). */
  'ai.replySuggestions': method(z.object({ inboxIds: z.array(id).max(1000) }), z.object({ suggestions: z.array(replySuggestionSchema) })),
  /** Summarises an alert's replies for the after-action report. */
  'ai.summariseReplies': method(
    z.object({ campaignId: id }),
    z.object({ summary: z.string(), replies: z.number().int(), use: aiUseSchema }),
  ),
};
