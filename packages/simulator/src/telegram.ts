// The simulated Telegram Bot API: POST/GET /bot<token>/<method> for getMe, sendMessage,
// sendVoice (multipart), setWebhook/deleteWebhook/getWebhookInfo and answerCallbackQuery;
// 429 with parameters.retry_after when a chat or the bot sends too fast; 403 when the
// person blocked the bot; replies delivered to the webhook as updates carrying
// X-Telegram-Bot-Api-Secret-Token.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimCore } from './core';
import { contentType, parseForm, parseMultipart, sendJson, single } from './http';
import { ruleFor, sampleLatency } from './profile';
import { Pacer } from './twilio/common';

export interface SimTelegramMessage {
  messageId: number;
  chatId: string;
  direction: 'outbound' | 'inbound';
  method: 'sendMessage' | 'sendVoice' | 'update';
  text: string | null;
  voice: { bytes: number; mimeType: string; isOggOpus: boolean } | null;
  replyMarkup: unknown;
  date: Date;
}

interface TelegramParams {
  get(name: string): string | undefined;
  file(name: string): Promise<{ bytes: Buffer; type: string; name: string } | string | undefined>;
}

export class Telegram {
  readonly messages: SimTelegramMessage[] = [];
  /** Button presses the bot answered (answerCallbackQuery), in order. */
  readonly answers: { callbackQueryId: string; text: string | null }[] = [];
  private nextMessageId = 1;
  private nextUpdateId = 100_000;
  private readonly pacer = new Pacer();

  constructor(private readonly core: SimCore) {}

  reset(): void {
    this.messages.length = 0;
    this.answers.length = 0;
    this.pacer.clear();
  }

  get botId(): number {
    return Number(this.core.credentials.telegramBotToken.split(':')[0]) || 7_000_000_001;
  }

  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    token: string,
    method: string,
    query: URLSearchParams,
    raw: Buffer,
  ): Promise<void> {
    if (token !== this.core.credentials.telegramBotToken) return fail(res, 401, 'Unauthorized');
    const params = await readParams(req, query, raw);
    switch (method) {
      case 'getMe':
        return ok(res, {
          id: this.botId,
          is_bot: true,
          first_name: 'GDial Simulator',
          username: 'gdial_sim_bot',
          can_join_groups: false,
          can_read_all_group_messages: false,
          supports_inline_queries: false,
        });
      case 'setWebhook': {
        const url = params.get('url') ?? '';
        this.core.config.telegramWebhookUrl = url || null;
        this.core.config.telegramSecretToken = params.get('secret_token') ?? null;
        return ok(res, true, url ? 'Webhook was set' : 'Webhook was deleted');
      }
      case 'deleteWebhook':
        this.core.config.telegramWebhookUrl = null;
        return ok(res, true, 'Webhook was deleted');
      case 'getWebhookInfo':
        return ok(res, {
          url: this.core.config.telegramWebhookUrl ?? '',
          has_custom_certificate: false,
          pending_update_count: this.core.outbound.pending,
        });
      case 'answerCallbackQuery': {
        const id = params.get('callback_query_id');
        if (!id) return fail(res, 400, 'Bad Request: query_id is empty');
        this.answers.push({ callbackQueryId: id, text: params.get('text') ?? null });
        this.core.notify({ type: 'telegram', chatId: '', method: 'answerCallbackQuery' });
        return ok(res, true);
      }
      case 'sendMessage':
      case 'sendVoice':
        return this.send(res, method, params);
      default:
        return fail(res, 404, 'Not Found');
    }
  }

  private async send(res: ServerResponse, method: 'sendMessage' | 'sendVoice', params: TelegramParams): Promise<void> {
    const { core } = this;
    const chatId = params.get('chat_id');
    if (!chatId) return fail(res, 400, 'Bad Request: chat_id is empty');
    let text: string | null = null;
    let voice: SimTelegramMessage['voice'] = null;
    if (method === 'sendMessage') {
      text = params.get('text') ?? '';
      if (!text.trim()) return fail(res, 400, 'Bad Request: message text is empty');
      if (text.length > 4096) return fail(res, 400, 'Bad Request: message is too long');
    } else {
      const file = await params.file('voice');
      if (file === undefined) return fail(res, 400, 'Bad Request: there is no voice in the request');
      if (typeof file === 'string')
        return fail(res, 400, "Bad Request: wrong remote file identifier specified: can't unserialize it. Wrong last symbol");
      if (file.bytes.length === 0) return fail(res, 400, 'Bad Request: file must be non-empty');
      const isOggOpus = file.bytes.subarray(0, 4).toString('latin1') === 'OggS' && file.bytes.includes(Buffer.from('OpusHead'));
      voice = { bytes: file.bytes.length, mimeType: file.type || 'application/octet-stream', isOggOpus };
      text = params.get('caption') ?? null;
    }
    const outcome = ruleFor(core.rules, 'telegram', chatId, 'telegram')?.outcome ?? 'ok';
    if (outcome === 'blocked') return fail(res, 403, 'Forbidden: bot was blocked by the user');
    if (outcome === 'chat-not-found') return fail(res, 400, 'Bad Request: chat not found');

    const limits = core.profile.limits;
    const now = Date.now();
    const wait = Math.max(
      this.pacer.peek(`chat:${chatId}`, limits.telegramPerSecondPerChat, now, limits.telegramBurstPerChat),
      this.pacer.peek('bot', limits.telegramPerSecond, now),
    );
    if (wait > 0) {
      const retryAfter = Math.max(1, Math.ceil(wait / 1000));
      return sendJson(res, 429, {
        ok: false,
        error_code: 429,
        description: `Too Many Requests: retry after ${retryAfter}`,
        parameters: { retry_after: retryAfter },
      });
    }
    this.pacer.reserve(`chat:${chatId}`, limits.telegramPerSecondPerChat, now, limits.telegramBurstPerChat);
    this.pacer.reserve('bot', limits.telegramPerSecond, now);

    let replyMarkup: unknown = null;
    const markup = params.get('reply_markup');
    if (markup) {
      try {
        replyMarkup = JSON.parse(markup);
      } catch {
        return fail(res, 400, "Bad Request: can't parse reply keyboard markup JSON object");
      }
    }
    const message: SimTelegramMessage = {
      messageId: this.nextMessageId++,
      chatId,
      direction: 'outbound',
      method,
      text,
      voice,
      replyMarkup,
      date: new Date(now),
    };
    this.messages.push(message);
    core.notify({ type: 'telegram', chatId, method });
    const result: Record<string, unknown> = {
      message_id: message.messageId,
      from: { id: this.botId, is_bot: true, first_name: 'GDial Simulator', username: 'gdial_sim_bot' },
      chat: { id: Number(chatId), first_name: 'Simulerad', type: 'private' },
      date: Math.floor(now / 1000),
    };
    if (method === 'sendMessage') result.text = text;
    else {
      result.voice = {
        duration: Math.max(1, Math.round(voice!.bytes / 4000)),
        mime_type: voice!.isOggOpus ? 'audio/ogg' : voice!.mimeType,
        file_id: `AwACAgQAAxk${message.messageId}`,
        file_unique_id: `AgAD${message.messageId}`,
        file_size: voice!.bytes,
      };
      if (text) result.caption = text;
    }
    if (replyMarkup) result.reply_markup = replyMarkup;
    ok(res, result);

    const reply = ruleFor(core.rules, 'telegram', chatId, 'reply');
    if (reply !== undefined) {
      core.later(sampleLatency(core.profile.latency.reply, core.randomFor(`tg:${chatId}:${message.messageId}`)), () => {
        void this.inject({ chatId, text: reply, replyToMessageId: message.messageId });
      });
    }
  }

  /** A person writes to the bot (text) or presses an inline button (callbackData). */
  async inject(input: {
    chatId: string;
    text?: string;
    callbackData?: string;
    replyToMessageId?: number;
    firstName?: string;
  }): Promise<Record<string, unknown>> {
    const now = new Date();
    const chatId = Number(input.chatId);
    const user = { id: chatId, is_bot: false, first_name: input.firstName ?? 'Simulerad', language_code: 'sv' };
    const chat = { id: chatId, first_name: input.firstName ?? 'Simulerad', type: 'private' };
    const update: Record<string, unknown> = { update_id: this.nextUpdateId++ };
    const replied = input.replyToMessageId !== undefined ? this.messages.find((m) => m.messageId === input.replyToMessageId) : undefined;
    const repliedJson = replied
      ? {
          message_id: replied.messageId,
          from: { id: this.botId, is_bot: true, first_name: 'GDial Simulator' },
          chat,
          date: Math.floor(replied.date.getTime() / 1000),
          text: replied.text ?? undefined,
        }
      : undefined;
    if (input.callbackData !== undefined) {
      update.callback_query = {
        id: String(this.nextUpdateId * 7919),
        from: user,
        chat_instance: String(chatId),
        data: input.callbackData,
        ...(repliedJson ? { message: repliedJson } : {}),
      };
    } else {
      const message: SimTelegramMessage = {
        messageId: this.nextMessageId++,
        chatId: input.chatId,
        direction: 'inbound',
        method: 'update',
        text: input.text ?? '',
        voice: null,
        replyMarkup: null,
        date: now,
      };
      this.messages.push(message);
      update.message = {
        message_id: message.messageId,
        from: user,
        chat,
        date: Math.floor(now.getTime() / 1000),
        text: input.text ?? '',
        ...(repliedJson ? { reply_to_message: repliedJson } : {}),
      };
    }
    this.core.notify({ type: 'telegram', chatId: input.chatId, method: 'update' });
    const url = this.core.config.telegramWebhookUrl;
    if (url) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (this.core.config.telegramSecretToken) headers['x-telegram-bot-api-secret-token'] = this.core.config.telegramSecretToken;
      void this.core.outbound.deliver({
        kind: 'telegram.update',
        url,
        body: JSON.stringify(update),
        headers,
        subject: String(update.update_id),
      });
    }
    return update;
  }
}

function ok(res: ServerResponse, result: unknown, description?: string): void {
  sendJson(res, 200, description ? { ok: true, result, description } : { ok: true, result });
}

function fail(res: ServerResponse, status: number, description: string): void {
  sendJson(res, status, { ok: false, error_code: status, description });
}

async function readParams(req: IncomingMessage, query: URLSearchParams, raw: Buffer): Promise<TelegramParams> {
  const type = contentType(req);
  if (type === 'multipart/form-data') {
    const form = await parseMultipart(req, raw);
    return {
      get: (name) => {
        const v = form.get(name) ?? query.get(name);
        return typeof v === 'string' ? v : undefined;
      },
      file: async (name) => {
        const v = form.get(name);
        if (v === null) return undefined;
        if (typeof v === 'string') return v;
        return { bytes: Buffer.from(await v.arrayBuffer()), type: v.type, name: v.name };
      },
    };
  }
  let values: Record<string, string> = Object.fromEntries(query);
  if (type === 'application/json' && raw.length) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      parsed = {};
    }
    for (const [k, v] of Object.entries((parsed ?? {}) as Record<string, unknown>))
      values[k] = typeof v === 'string' ? v : JSON.stringify(v);
  } else if (type === 'application/x-www-form-urlencoded') {
    const form = parseForm(raw.toString('utf8'));
    values = { ...values, ...Object.fromEntries(Object.keys(form).map((k) => [k, single(form, k) ?? ''])) };
  }
  return { get: (name) => values[name], file: async (name) => values[name] };
}
