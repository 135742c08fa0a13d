// Telegram through the Bot API over fetch (no SDK needed: it is plain HTTPS). The base URL
// is configurable so the simulator can stand in. Telegram has no delivery receipts and no
// way to look a message up, so a send's answer is final and reconciliation is unsupported;
// a confirm button carries our delivery token back in its callback data.
import type { Logger } from '../log';
import type {
  ReconcileResult,
  SendError,
  SendResult,
  StatusResult,
  TelegramMessage,
  TelegramProvider,
  TelegramVoiceMessage,
} from './types';
import { classifyNetworkError } from './network';
import { mayHaveBeenCarriedOut } from './types';

export interface TelegramSettings {
  botToken: string;
  /** https://api.telegram.org when absent. */
  baseUrl?: string;
  timeoutMs?: number;
  logger?: Logger;
}

/** Button data is "<replyText>|<deliveryToken>"; Telegram allows 64 bytes. */
export const TELEGRAM_BUTTON_SEPARATOR = '|';
const MAX_CALLBACK_DATA_BYTES = 64;

interface TelegramAnswer {
  ok: boolean;
  result?: { message_id?: number };
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number };
}

export class TelegramBotProvider implements TelegramProvider {
  readonly provider = 'telegram' as const;
  readonly channel = 'telegram' as const;
  private readonly base: string;
  private username: string | null = null;

  constructor(private readonly settings: TelegramSettings) {
    if (!/^\d+:[\w-]+$/.test(settings.botToken)) throw new Error('Telegram bot token must look like "123456:ABC-…"');
    this.base = (settings.baseUrl ?? 'https://api.telegram.org').replace(/\/+$/, '');
  }

  send(message: TelegramMessage): Promise<SendResult> {
    const button = confirmMarkup(message.confirmButton, message.deliveryToken);
    if (!button.ok) return Promise.resolve(button);
    const markup = button.markup;
    return this.call(
      'sendMessage',
      JSON.stringify({ chat_id: message.chatId, text: message.text, ...(markup ? { reply_markup: markup } : {}) }),
      'application/json',
    );
  }

  sendVoice(message: TelegramVoiceMessage): Promise<SendResult> {
    const button = confirmMarkup(message.confirmButton, message.deliveryToken);
    if (!button.ok) return Promise.resolve(button);
    const markup = button.markup;
    const form = new FormData();
    form.set('chat_id', message.chatId);
    if (message.caption) form.set('caption', message.caption);
    if (markup) form.set('reply_markup', JSON.stringify(markup));
    form.set('voice', new Blob([new Uint8Array(message.audio)], { type: 'audio/ogg' }), 'message.ogg');
    return this.call('sendVoice', form, null);
  }

  /**
   * Answers a button press (callback query) so the person's app stops its spinner and shows
   * `text` briefly. Telegram expects it within seconds; a late answer is refused harmlessly.
   */
  async answerCallback(callbackQueryId: string, text: string): Promise<boolean> {
    try {
      const response = await fetch(`${this.base}/bot${this.settings.botToken}/answerCallbackQuery`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ callback_query_id: callbackQueryId, text }),
        signal: AbortSignal.timeout(this.settings.timeoutMs ?? 15_000),
      });
      const answer = (await response.json()) as TelegramAnswer;
      return answer.ok;
    } catch (error) {
      this.settings.logger?.warn({ err: error }, 'could not answer a Telegram button press');
      return false;
    }
  }

  /** The bot's @username (getMe), for t.me links; asked once, null when Telegram cannot be asked now. */
  async botUsername(): Promise<string | null> {
    if (this.username) return this.username;
    try {
      const response = await fetch(`${this.base}/bot${this.settings.botToken}/getMe`, {
        method: 'POST',
        signal: AbortSignal.timeout(this.settings.timeoutMs ?? 15_000),
      });
      const answer = (await response.json()) as { ok: boolean; result?: { username?: string } };
      this.username = answer.ok && answer.result?.username ? answer.result.username : null;
    } catch (error) {
      this.settings.logger?.warn({ err: error }, 'could not ask Telegram for the bot’s name');
    }
    return this.username;
  }

  fetchStatus(): Promise<StatusResult> {
    return Promise.resolve({ kind: 'unsupported' });
  }

  findByDeliveryToken(): Promise<ReconcileResult> {
    return Promise.resolve({ kind: 'unsupported' });
  }

  private async call(method: string, body: string | FormData, contentType: string | null): Promise<SendResult> {
    let response: Response;
    try {
      response = await fetch(`${this.base}/bot${this.settings.botToken}/${method}`, {
        method: 'POST',
        headers: contentType ? { 'content-type': contentType } : {},
        body,
        signal: AbortSignal.timeout(this.settings.timeoutMs ?? 15_000),
      });
    } catch (error) {
      return { ok: false, error: classifyNetworkError(error) };
    }
    let answer: TelegramAnswer;
    try {
      answer = (await response.json()) as TelegramAnswer;
    } catch {
      return {
        ok: false,
        error: {
          class: 'transient',
          code: `http:${response.status}`,
          message: `Telegram answered ${response.status} without JSON`,
          retryAfterMs: null,
          maybeSent: mayHaveBeenCarriedOut(response.status),
        },
      };
    }
    if (answer.ok && answer.result?.message_id !== undefined) {
      return { ok: true, providerId: String(answer.result.message_id), status: 'sent', segments: null };
    }
    const error = classifyTelegramError(response.status, answer);
    this.settings.logger?.warn({ method, code: error.code, class: error.class }, 'Telegram refused a message');
    return { ok: false, error };
  }
}

function confirmMarkup(
  button: TelegramMessage['confirmButton'],
  token: string,
): { ok: true; markup: Record<string, unknown> | null } | { ok: false; error: SendError } {
  if (!button) return { ok: true, markup: null };
  const data = `${button.replyText}${TELEGRAM_BUTTON_SEPARATOR}${token}`;
  if (Buffer.byteLength(data) > MAX_CALLBACK_DATA_BYTES) {
    return {
      ok: false,
      error: {
        class: 'permanent',
        code: 'button-data-too-long',
        message: `Confirm button data exceeds ${MAX_CALLBACK_DATA_BYTES} bytes`,
        retryAfterMs: null,
        maybeSent: false,
      },
    };
  }
  return { ok: true, markup: { inline_keyboard: [[{ text: button.label, callback_data: data }]] } };
}

export function classifyTelegramError(status: number, answer: TelegramAnswer): SendError {
  const code = `telegram:${answer.error_code ?? status}`;
  const message = answer.description ?? `Telegram error ${status}`;
  const base = { code, message, retryAfterMs: null, maybeSent: false };
  switch (answer.error_code ?? status) {
    case 429:
      return { ...base, class: 'rate-limited', retryAfterMs: Math.max(1, answer.parameters?.retry_after ?? 1) * 1000 };
    case 401:
    case 404: // an unknown token answers 404 on some methods
      return { ...base, class: 'auth' };
    case 403:
      // "bot was blocked by the user" / "user is deactivated": the person cannot be reached here.
      return { ...base, class: 'opted-out' };
    case 400:
      return { ...base, class: /chat not found|user not found|PEER_ID_INVALID/i.test(message) ? 'invalid-recipient' : 'permanent' };
    default:
      return status >= 500 ? { ...base, class: 'transient', maybeSent: mayHaveBeenCarriedOut(status) } : { ...base, class: 'permanent' };
  }
}
