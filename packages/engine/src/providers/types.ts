// The contract between the campaign engine and the providers: one interface per kind of
// channel, results as unions (a refused number is an expected outcome, not an exception),
// and failures already classified so the dispatcher decides retry / wait / give up /
// stop-the-provider without knowing any provider's codes.
import type { AnsweredBy, DeliveryStatus, FailureClass, ProviderFailure, WhatsAppContentTemplate } from '@gdial/protocol';

/**
 * Why a send did not go through, classified: the one failure type of GDial's sends. The
 * providers produce it and the dispatcher acts on its class (retry later, wait, give up on
 * the address, or rest the provider).
 */
export interface SendError {
  class: FailureClass;
  /** The provider's code as text ("21211", "429", "telegram:403", "ECONNRESET"). */
  code: string;
  message: string;
  /** For rate-limited: wait at least this long before the next attempt. */
  retryAfterMs: number | null;
  /**
   * The request may have reached the provider although we got no answer (timeout, reset
   * after sending). Reconcile with findByDeliveryToken before sending again.
   */
  maybeSent: boolean;
}

/**
 * Whether a provider's HTTP error answer may mean the request was carried out anyway. A 5xx
 * from behind a gateway (500, 502, 504: an error or a lost answer after the provider took the
 * request) may; 503 Service Unavailable may not: the service says it did not handle the
 * request (RFC 9110 §15.6.4), which is what a provider's outage answers, so a 503 is a failure
 * of the path and never a possible duplicate. Everything below 500 was refused outright.
 */
export const mayHaveBeenCarriedOut = (httpStatus: number): boolean => httpStatus >= 500 && httpStatus !== 503;

/** A failure GDial itself classifies (no provider answered), with the fields a provider would not fill. */
export const sendError = (
  cls: FailureClass,
  message: string,
  more: { code?: string; retryAfterMs?: number | null; maybeSent?: boolean } = {},
): SendError => ({
  class: cls,
  code: more.code ?? '',
  message,
  retryAfterMs: more.retryAfterMs ?? null,
  maybeSent: more.maybeSent ?? false,
});

/** What one send came to: the provider has it (with its id and status), or why not. */
export type SendResult =
  | { ok: true; providerId: string; status: DeliveryStatus; /** SMS segments billed, when known. */ segments?: number | null }
  | { ok: false; error: SendError };

export type StatusResult =
  | {
      kind: 'status';
      providerId: string;
      status: DeliveryStatus;
      failure: ProviderFailure | null;
      answeredBy: AnsweredBy | null;
      durationSec: number | null;
    }
  | { kind: 'not-found' }
  /** The provider has no status API for this channel (Telegram). */
  | { kind: 'unsupported' }
  | { kind: 'error'; error: SendError };

/** What the provider knows about a send we may or may not have made before a crash. */
export type ReconcileResult =
  | { kind: 'found'; providerId: string; status: DeliveryStatus }
  | { kind: 'not-found' }
  /** Several candidates match and none can be told apart: do not resend blindly. */
  | { kind: 'ambiguous'; providerIds: string[] }
  | { kind: 'unsupported' }
  | { kind: 'error'; error: SendError };

export interface ReconcileQuery {
  deliveryToken: string;
  /** The address the delivery went to (E.164 number, e-mail address). */
  to: string;
  /** When our first attempt started; nothing older can be ours. */
  attemptedAt: Date;
  /** The text we sent (tells apart two messages to the same number in the same window). */
  body?: string;
}

export interface ProviderAdapter {
  readonly provider: 'twilio' | 'sendgrid' | 'telegram' | 'elks';
}

export interface TextMessage {
  deliveryToken: string;
  /** E.164 number, without any `whatsapp:` prefix. */
  to: string;
  body: string;
}

/** SMS through Twilio or 46elks. */
export interface SmsProvider extends ProviderAdapter {
  readonly channel: 'sms';
  send(message: TextMessage): Promise<SendResult>;
  fetchStatus(providerId: string): Promise<StatusResult>;
  findByDeliveryToken(query: ReconcileQuery): Promise<ReconcileResult>;
}

export interface WhatsAppMessage extends TextMessage {
  /**
   * An approved template for people outside the 24-hour window (Twilio Content SID and its
   * variables). Without it the text is sent free-form and fails (63016) outside the window.
   */
  template?: { contentSid: string; variables: Record<string, string> };
}

export interface WhatsAppProvider extends ProviderAdapter {
  readonly channel: 'whatsapp';
  send(message: WhatsAppMessage): Promise<SendResult>;
  /** The account's content templates with their WhatsApp approval. */
  listTemplates?(): Promise<{ ok: true; templates: WhatsAppContentTemplate[] } | { ok: false; error: SendError }>;
  fetchStatus(providerId: string): Promise<StatusResult>;
  findByDeliveryToken(query: ReconcileQuery): Promise<ReconcileResult>;
}

export interface VoiceCall {
  deliveryToken: string;
  to: string;
  /** The relay's voice URL for this delivery (carries `?d=<token>`). */
  flowUrl: string;
  /** Ask the provider to tell a person from an answering machine. */
  machineDetection?: boolean;
  /** Seconds to let it ring. */
  ringTimeoutSec?: number;
  /** Hard cap on the call's length, which also bounds a callee pressing wrong keys forever. */
  timeLimitSec?: number;
}

export type HangUpResult = { ok: true; status: DeliveryStatus } | { ok: false; error: SendError };

export interface VoiceProvider extends ProviderAdapter {
  readonly channel: 'voice';
  call(call: VoiceCall): Promise<SendResult>;
  fetchStatus(providerId: string): Promise<StatusResult>;
  findByDeliveryToken(query: ReconcileQuery): Promise<ReconcileResult>;
  /** Cancels a ringing call or ends one in progress. */
  hangUp(providerId: string): Promise<HangUpResult>;
}

export interface EmailMessage {
  deliveryToken: string;
  to: string;
  toName?: string;
  subject: string;
  text: string;
  html?: string;
}

export interface EmailProvider extends ProviderAdapter {
  readonly channel: 'email';
  send(message: EmailMessage): Promise<SendResult>;
  fetchStatus(providerId: string): Promise<StatusResult>;
  findByDeliveryToken(query: ReconcileQuery): Promise<ReconcileResult>;
}

export interface TelegramMessage {
  deliveryToken: string;
  /** The person's chat id with our bot. */
  chatId: string;
  text: string;
  /**
   * An inline button that confirms with one tap; pressing it arrives as a reply with
   * `replyText` and this delivery's token.
   */
  confirmButton?: { label: string; replyText: string };
}

export interface TelegramVoiceMessage {
  deliveryToken: string;
  chatId: string;
  /** OGG/Opus audio, shown as a voice note. */
  audio: Uint8Array;
  caption?: string;
  confirmButton?: { label: string; replyText: string };
}

export interface TelegramProvider extends ProviderAdapter {
  readonly channel: 'telegram';
  send(message: TelegramMessage): Promise<SendResult>;
  sendVoice(message: TelegramVoiceMessage): Promise<SendResult>;
  /** The bot's @username, for t.me/<bot>?start=<token> links; null when it cannot be known now. */
  botUsername?(): Promise<string | null>;
  /** Telegram has no status API: a sent message is final. */
  fetchStatus(providerId: string): Promise<StatusResult>;
  /** Telegram cannot look up sent messages: reconciliation is unsupported. */
  findByDeliveryToken(query: ReconcileQuery): Promise<ReconcileResult>;
}

/** Appends our delivery token to a callback URL as `d`, keeping what is already there. */
export function withDeliveryToken(url: string, deliveryToken: string): string {
  const u = new URL(url);
  u.searchParams.set('d', deliveryToken);
  return u.toString();
}
