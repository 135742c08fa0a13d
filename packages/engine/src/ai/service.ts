// AI assistance (issue #18): the organisation's settings and the tasks the console asks for
// — draft an alert, rewrite in easy Swedish, translate with a back-translation, suggest
// classes for inbox replies, summarise an alert's replies. Every use is refused plainly when
// AI is off, has no key or its month's token budget is spent; what is sent is redacted
// first; what it cost is recorded per user and audited by hashes (prompt, answer), never by
// text. AI only proposes: nothing here sends, approves or handles anything.
import { createHash } from 'node:crypto';
import {
  refusal,
  type AiLanguage,
  type AiSettings,
  type AiStatus,
  type AiTask,
  type AiUse,
  type AiUsageRow,
  type AlertDraft,
  type ReplySuggestion,
} from '@gdial/protocol';
import type { z } from 'zod';
import type { EngineContext } from '../context';
import { DomainError, notFound } from '../errors';
import {
  aiSettingsDef,
  aiTokensSince,
  campaignExists,
  inboxSenderNames,
  insertAiUsage,
  latestAiUsage,
  replySuggestionsFor,
  repliesOf,
  unclassifiedReplies,
  writeReplySuggestion,
} from '../store/ai';
import { recordAudit } from '../store/audit';
import { readSetting, writeSetting } from '../store/settings';
import { AiFailure, ask, type AiEndpoint } from './client';
import { Redactor } from './redaction';
import {
  classifyAnswer,
  classifyInstructions,
  draftAnswer,
  draftInstructions,
  languageNames,
  simplifyAnswer,
  simplifyInstructions,
  smsMaxChars,
  smsProblem,
  summariseAnswer,
  summariseInstructions,
  translateAnswer,
  translateInstructions,
} from './tasks';

/** Where the API key is kept: sealed by the host's secure storage, never in plain text. */
export interface AiKeyVault {
  /** Whether a key can be stored on this desktop now. */
  canStore(): Promise<boolean>;
  isSet(): boolean;
  read(): Promise<string | null>;
  /** null removes it. */
  write(key: string | null): Promise<void>;
}

export interface AiServiceOptions {
  /** null: the host has no secure storage, so no key can be kept (a keyless local server still works). */
  vault: AiKeyVault | null;
  now?: () => Date;
  /** A server the host fixes (demo: the simulator): used instead of the settings' server and key. */
  hostServer?: { baseUrl: string; apiKey: string } | undefined;
  /** Overrides the settings' timeout (tests: a server that never answers, without waiting seconds). */
  timeoutMs?: number;
}

interface Question<T> {
  task: AiTask;
  name: string;
  schema: z.ZodType<T>;
  system: string;
  data: Record<string, unknown>;
  /** Contacts' names to hide when the organisation does not allow names to be sent. */
  names?: string[];
  check?: (value: T) => string | null;
}

export class AiService {
  private readonly now: () => Date;

  constructor(
    private readonly ctx: EngineContext,
    private readonly opts: AiServiceOptions,
  ) {
    this.now = opts.now ?? (() => new Date());
  }

  settings(): AiSettings {
    return readSetting(this.ctx.store.read, aiSettingsDef);
  }

  async status(): Promise<AiStatus> {
    return {
      settings: this.settings(),
      keySet: this.opts.vault?.isSet() ?? false,
      canStoreKey: (await this.opts.vault?.canStore()) ?? false,
      monthTokens: aiTokensSince(this.ctx.store.read, this.monthStart()),
      hostServer: this.opts.hostServer?.baseUrl ?? null,
    };
  }

  async saveSettings(input: AiSettings & { apiKey?: string | null | undefined }): Promise<AiStatus> {
    const { apiKey, ...settings } = input;
    if (apiKey !== undefined) {
      if (apiKey !== null && !(this.opts.vault && (await this.opts.vault.canStore())))
        throw new DomainError('PRECONDITION', 'no secure storage for the API key on this desktop', [
          { path: 'apiKey', message: 'Nyckeln kan inte sparas säkert på den här datorn (ingen säker lagring).' },
        ]);
      await this.opts.vault?.write(apiKey);
    }
    this.ctx.store.transaction((tx) => {
      writeSetting(tx, aiSettingsDef, settings);
      recordAudit(tx, this.ctx.operator(), {
        action: 'ai.settingsChanged',
        subjectType: 'settings',
        subjectId: 'ai',
        summary: `AI assistance ${settings.enabled ? 'on' : 'off'}${apiKey === undefined ? '' : apiKey === null ? ', key removed' : ', key changed'}`,
        params: { enabled: settings.enabled ? 1 : 0, server: settings.baseUrl ?? 'OpenAI', budget: settings.monthlyTokenBudget },
      });
    });
    return this.status();
  }

  usage(limit: number): AiUsageRow[] {
    return latestAiUsage(this.ctx.store.read, limit);
  }

  async draftAlert(input: {
    notes: string;
    smsSegments: number;
    variables: string[];
  }): Promise<{ draft: AlertDraft; smsChars: number; use: AiUse }> {
    const { value, use } = await this.run({
      task: 'draft',
      name: 'alert_draft',
      schema: draftAnswer,
      system: draftInstructions,
      data: { notes: input.notes, smsMaxChars: smsMaxChars(input.smsSegments), variables: input.variables },
      check: (v) => smsProblem(v.sms, input.smsSegments),
    });
    return { draft: value, smsChars: value.sms.length, use };
  }

  async simplify(input: { text: string }): Promise<{ text: string; use: AiUse }> {
    const { value, use } = await this.run({
      task: 'simplify',
      name: 'easy_swedish',
      schema: simplifyAnswer,
      system: simplifyInstructions,
      data: { text: input.text },
    });
    return { text: value.text, use };
  }

  async translate(input: { text: string; language: AiLanguage }): Promise<{ translation: string; backTranslation: string; use: AiUse }> {
    const { value, use } = await this.run({
      task: 'translate',
      name: 'translation',
      schema: translateAnswer,
      system: translateInstructions(input.language),
      data: { text: input.text, language: input.language, languageName: languageNames[input.language].en },
    });
    return { ...value, use };
  }

  async classifyReplies(input: {
    campaignId?: number | undefined;
    limit: number;
  }): Promise<{ suggestions: ReplySuggestion[]; use: AiUse | null }> {
    if (input.campaignId !== undefined && !campaignExists(this.ctx.store.read, input.campaignId))
      throw notFound('Campaign', input.campaignId);
    const replies = unclassifiedReplies(this.ctx.store.read, input.campaignId ?? null, input.limit);
    if (replies.length === 0) return { suggestions: [], use: null };
    // Batch-local ids: the model never sees the inbox's own.
    const { value, use } = await this.run({
      task: 'classify',
      name: 'reply_classes',
      schema: classifyAnswer,
      system: classifyInstructions,
      data: { replies: replies.map((r, i) => ({ id: i + 1, text: r.text })) },
      names: inboxSenderNames(
        this.ctx.store.read,
        replies.map((r) => r.id),
      ),
    });
    const suggestions: ReplySuggestion[] = [];
    for (const answer of value.replies) {
      const reply = replies[answer.id - 1];
      if (!reply || suggestions.some((s) => s.inboxId === reply.id)) continue;
      suggestions.push({ inboxId: reply.id, category: answer.category, summary: answer.summary.slice(0, 200), model: use.model });
    }
    this.ctx.store.transaction((tx) => {
      for (const s of suggestions) writeReplySuggestion(tx, s);
    });
    return { suggestions, use };
  }

  replySuggestions(inboxIds: number[]): ReplySuggestion[] {
    return replySuggestionsFor(this.ctx.store.read, inboxIds);
  }

  async summariseReplies(input: { campaignId: number }): Promise<{ summary: string; replies: number; use: AiUse }> {
    if (!campaignExists(this.ctx.store.read, input.campaignId)) throw notFound('Campaign', input.campaignId);
    const replies = repliesOf(this.ctx.store.read, input.campaignId, 500);
    const { value, use } = await this.run({
      task: 'summarise',
      name: 'reply_summary',
      schema: summariseAnswer,
      system: summariseInstructions,
      data: { replies: replies.map((r) => ({ text: r.text, category: r.category })) },
      names: inboxSenderNames(
        this.ctx.store.read,
        replies.map((r) => r.id),
      ),
    });
    return { summary: value.summary, replies: replies.length, use };
  }

  /** Asks one question: refused before anything is sent when AI is off, keyless or over budget. */
  private async run<T>(q: Question<T>): Promise<{ value: T; use: AiUse }> {
    const settings = this.settings();
    if (!settings.enabled) throw new DomainError('PRECONDITION', 'AI assistance is turned off', undefined, refusal('ai.off'));
    const host = this.opts.hostServer;
    const baseUrl = host ? host.baseUrl : settings.baseUrl;
    const apiKey = host ? host.apiKey : ((await this.opts.vault?.read()) ?? null);
    if (baseUrl === null && apiKey === null)
      throw new DomainError('PRECONDITION', 'no API key stored for the OpenAI API', undefined, refusal('ai.no-key'));
    const used = aiTokensSince(this.ctx.store.read, this.monthStart());
    if (used >= settings.monthlyTokenBudget)
      throw new DomainError(
        'PRECONDITION',
        `the month's AI budget is used (${used} of ${settings.monthlyTokenBudget} tokens)`,
        undefined,
        refusal('ai.budget', { used, budget: settings.monthlyTokenBudget }),
      );
    const redactor = new Redactor(settings.allowNames ? [] : (q.names ?? []));
    const endpoint: AiEndpoint = { baseUrl, apiKey, timeoutMs: this.opts.timeoutMs ?? settings.timeoutSeconds * 1000 };
    const model = settings.models[q.task];
    try {
      const answer = await ask(endpoint, {
        model,
        name: q.name,
        schema: q.schema,
        system: q.system,
        user: redactor.redact(JSON.stringify(q.data)),
        check: q.check ? (v) => q.check!(redactor.restoreDeep(v)) : undefined,
      });
      const use = this.record(q.task, answer.model, answer.promptTokens, answer.completionTokens, settings, {
        prompt: answer.sent,
        answer: answer.received,
        replaced: redactor.replaced(),
      });
      return { value: redactor.restoreDeep(answer.value), use };
    } catch (err) {
      if (!(err instanceof AiFailure)) throw err;
      this.record(q.task, err.model, err.promptTokens, err.completionTokens, settings, null);
      throw err.toDomainError();
    }
  }

  private record(
    task: AiTask,
    model: string,
    promptTokens: number,
    completionTokens: number,
    settings: AiSettings,
    exchange: { prompt: string; answer: string; replaced: Record<string, number> } | null,
  ): AiUse {
    const cost = (promptTokens * settings.pricePerMillionInput + completionTokens * settings.pricePerMillionOutput) / 1_000_000;
    const use: AiUse = { model, promptTokens, completionTokens, cost: Math.round(cost * 1000) / 1000 };
    const user = this.ctx.operator();
    this.ctx.store.transaction((tx) => {
      const id = insertAiUsage(tx, { user, task, model, promptTokens, completionTokens, cost });
      const hidden = exchange ? Object.values(exchange.replaced).reduce((a, b) => a + b, 0) : 0;
      recordAudit(tx, user, {
        action: 'ai.used',
        subjectType: 'ai',
        subjectId: id,
        summary: `AI ${task} by ${model}: ${promptTokens + completionTokens} tokens${exchange ? '' : ', no usable answer'}`,
        params: {
          task,
          model,
          tokens: promptTokens + completionTokens,
          promptHash: exchange ? sha256(exchange.prompt) : '',
          answerHash: exchange ? sha256(exchange.answer) : '',
          hidden,
        },
      });
    });
    return use;
  }

  /** The first instant of this calendar month (UTC), as the usage rows' times are written. */
  private monthStart(): string {
    const now = this.now();
    return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString();
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
