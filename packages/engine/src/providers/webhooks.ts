// Turns a provider webhook, as the relay verified and committed it, into GDial's provider
// events. This is the only place that reads Twilio, SendGrid and Telegram webhook fields
// (46elks' are read in elks/webhooks.ts).
// Every event gets a key that is the same however often the provider redelivers it, and
// the delivery token when the provider echoed it back (callback URL `?d=`, SendGrid
// custom_args, Telegram button data).
import type { AnsweredBy, Channel, DeliveryStatus, ProviderEvent, ProviderFailure, RawWebhook } from '@gdial/protocol';
import { ElksWebhookError, parseElksWebhook } from './elks/webhooks';
import { voicemailText } from './voicemail';
import { SENDGRID_TOKEN_ARG } from './sendgrid';
import { TELEGRAM_BUTTON_SEPARATOR } from './telegram';
import { asyncFailure } from './twilio/errors';
import { answeredBy, callFailure, callStatus, messageFailure, messageStatus } from './twilio/status';

/** A webhook that cannot be understood; the caller records it instead of losing it. */
export class WebhookParseError extends Error {
  constructor(
    readonly kind: RawWebhook['kind'],
    message: string,
  ) {
    super(`${kind}: ${message}`);
  }
}

export function parseWebhook(raw: RawWebhook): ProviderEvent[] {
  switch (raw.kind) {
    case 'twilio.message-status':
      return twilioMessageStatus(raw);
    case 'twilio.call-status':
      return twilioCallStatus(raw);
    case 'twilio.gather':
      return twilioGather(raw);
    case 'twilio.inbound-message':
      return twilioInbound(raw);
    case 'twilio.voicemail':
      return twilioVoicemail(raw);
    case 'sendgrid.events':
      return sendgridEvents(raw);
    case 'telegram.update':
      return telegramUpdate(raw);
    case 'elks.sms-status':
    case 'elks.inbound-sms':
    case 'elks.call-hangup':
    case 'elks.ivr':
    case 'elks.voicemail':
      try {
        return parseElksWebhook({ ...raw, kind: raw.kind });
      } catch (error) {
        if (error instanceof ElksWebhookError) throw new WebhookParseError(raw.kind, error.message);
        throw error;
      }
    default: {
      const never: never = raw.kind;
      throw new WebhookParseError(never, 'unknown webhook kind');
    }
  }
}

// ── Twilio ────────────────────────────────────────────────────────────────────────────

function param(raw: RawWebhook, key: string): string | undefined {
  const body = raw.body as Record<string, unknown> | null;
  const value = body && typeof body === 'object' ? body[key] : undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const last: unknown = value[value.length - 1];
    return typeof last === 'string' ? last : undefined;
  }
  return undefined;
}

function required(raw: RawWebhook, key: string): string {
  const value = param(raw, key);
  if (!value) throw new WebhookParseError(raw.kind, `missing ${key}`);
  return value;
}

const token = (raw: RawWebhook): string | null => raw.query.d || null;

function twilioChannel(raw: RawWebhook): 'sms' | 'whatsapp' {
  return param(raw, 'ChannelPrefix') === 'whatsapp' ||
    param(raw, 'To')?.startsWith('whatsapp:') ||
    param(raw, 'From')?.startsWith('whatsapp:')
    ? 'whatsapp'
    : 'sms';
}

const bare = (address: string): string => address.replace(/^whatsapp:/, '');

function twilioMessageStatus(raw: RawWebhook): ProviderEvent[] {
  const sid = param(raw, 'MessageSid') ?? required(raw, 'SmsSid');
  const twilioStatus = param(raw, 'MessageStatus') ?? required(raw, 'SmsStatus');
  const status = messageStatus(twilioStatus);
  if (!status) return [];
  const code = param(raw, 'ErrorCode');
  const failure = code ? asyncFailure(Number(code), param(raw, 'ErrorMessage')) : messageFailure(status, null);
  return [
    {
      type: 'status',
      eventKey: `twilio:${sid}:${twilioStatus}`,
      provider: 'twilio',
      channel: twilioChannel(raw),
      deliveryToken: token(raw),
      providerId: sid,
      occurredAt: raw.receivedAt,
      status,
      failure: status === 'undelivered' || status === 'failed' ? failure : null,
      answeredBy: null,
      durationSec: null,
    },
  ];
}

function twilioCallStatus(raw: RawWebhook): ProviderEvent[] {
  const sid = required(raw, 'CallSid');
  const twilioStatus = required(raw, 'CallStatus');
  const status = callStatus(twilioStatus);
  if (!status) return [];
  const duration = param(raw, 'CallDuration');
  const timestamp = param(raw, 'Timestamp');
  const at = timestamp ? new Date(timestamp) : null;
  return [
    {
      type: 'status',
      // One callback per status per call; a redelivery repeats the same status.
      eventKey: `twilio:${sid}:${twilioStatus}`,
      provider: 'twilio',
      channel: 'voice',
      deliveryToken: token(raw),
      providerId: sid,
      occurredAt: at && !Number.isNaN(at.getTime()) ? at.toISOString() : raw.receivedAt,
      status,
      failure: callFailure(status),
      answeredBy: answeredBy(param(raw, 'AnsweredBy')) satisfies AnsweredBy | null,
      durationSec: duration !== undefined && /^\d+$/.test(duration) ? Number(duration) : null,
    },
  ];
}

function twilioGather(raw: RawWebhook): ProviderEvent[] {
  const sid = required(raw, 'CallSid');
  return [
    {
      type: 'dtmf',
      // Several gathers in one call are distinct events; the relay's key tells them apart.
      eventKey: `twilio:${sid}:gather:${raw.eventKey}`,
      provider: 'twilio',
      channel: 'voice',
      deliveryToken: token(raw),
      providerId: sid,
      occurredAt: raw.receivedAt,
      digits: param(raw, 'Digits') ?? '',
    },
  ];
}

function twilioInbound(raw: RawWebhook): ProviderEvent[] {
  const sid = param(raw, 'MessageSid') ?? required(raw, 'SmsSid');
  const from = bare(required(raw, 'From'));
  const to = bare(param(raw, 'To') ?? '');
  const channel = twilioChannel(raw);
  const base = { provider: 'twilio' as const, channel, deliveryToken: null, providerId: sid, occurredAt: raw.receivedAt };
  const events: ProviderEvent[] = [{ ...base, type: 'reply', eventKey: `twilio:${sid}:inbound`, from, to, text: param(raw, 'Body') ?? '' }];
  // Twilio's own opt-out handling has already blocked (or unblocked) the number.
  const optOut = param(raw, 'OptOutType');
  if (optOut === 'STOP')
    events.push({ ...base, type: 'opt-out', eventKey: `twilio:${sid}:opt-out`, address: from, reason: 'stop-keyword' });
  if (optOut === 'START') events.push({ ...base, type: 'opt-in', eventKey: `twilio:${sid}:opt-in`, address: from });
  return events;
}

/** A voicemail left by someone who called the alert number back (the relay's /callback flow). */
function twilioVoicemail(raw: RawWebhook): ProviderEvent[] {
  const sid = required(raw, 'RecordingSid');
  const from = raw.query.f;
  if (!from) throw new WebhookParseError(raw.kind, 'voicemail without the caller f');
  const duration = param(raw, 'RecordingDuration');
  return [
    {
      type: 'reply',
      eventKey: `twilio:${sid}:voicemail`,
      provider: 'twilio',
      channel: 'voice',
      deliveryToken: token(raw),
      providerId: sid,
      occurredAt: raw.receivedAt,
      from,
      to: param(raw, 'To') ?? '',
      text: voicemailText(duration),
      voicemail: { recordingUrl: required(raw, 'RecordingUrl'), durationSec: duration && /^\d+$/.test(duration) ? Number(duration) : null },
    },
  ];
}

// ── SendGrid ──────────────────────────────────────────────────────────────────────────

interface SendGridEvent {
  event?: unknown;
  email?: unknown;
  timestamp?: unknown;
  sg_event_id?: unknown;
  sg_message_id?: unknown;
  reason?: unknown;
  type?: unknown;
  status?: unknown;
  response?: unknown;
  url?: unknown;
  [key: string]: unknown;
}

function sendgridEvents(raw: RawWebhook): ProviderEvent[] {
  const list = Array.isArray(raw.body) ? (raw.body as unknown[]) : [raw.body];
  const events: ProviderEvent[] = [];
  for (const item of list) {
    if (!item || typeof item !== 'object') throw new WebhookParseError(raw.kind, 'event is not an object');
    const e = item as SendGridEvent;
    const id = typeof e.sg_event_id === 'string' ? e.sg_event_id : null;
    if (!id) throw new WebhookParseError(raw.kind, 'event without sg_event_id');
    const seconds = typeof e.timestamp === 'number' ? e.timestamp : Number(e.timestamp);
    const messageId = typeof e.sg_message_id === 'string' ? e.sg_message_id : null;
    const base = {
      eventKey: `sendgrid:${id}`,
      provider: 'sendgrid' as const,
      channel: 'email' as const satisfies Channel,
      deliveryToken: typeof e[SENDGRID_TOKEN_ARG] === 'string' ? e[SENDGRID_TOKEN_ARG] : null,
      // Our providerId is the X-Message-Id, the part before the first dot.
      providerId: messageId ? messageId.split('.')[0]! : null,
      occurredAt: Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000).toISOString() : raw.receivedAt,
    };
    const email = typeof e.email === 'string' ? e.email : '';
    const text = (v: unknown): string => (typeof v === 'string' ? v : '');
    const status = (next: DeliveryStatus, failure: ProviderFailure | null = null): ProviderEvent => ({
      ...base,
      type: 'status',
      status: next,
      failure,
      answeredBy: null,
      durationSec: null,
    });
    switch (e.event) {
      case 'processed':
        events.push(status('queued'));
        break;
      case 'deferred':
        events.push(status('deferred'));
        break;
      case 'delivered':
        events.push(status('delivered'));
        break;
      case 'open':
        events.push(status('read'));
        break;
      case 'bounce': {
        const blocked = e.type === 'blocked';
        events.push(
          status('bounced', {
            class: blocked ? 'permanent' : 'invalid-recipient',
            code: `${blocked ? 'blocked' : 'bounce'}:${text(e.status) || 'unknown'}`,
            message: text(e.reason) || 'The receiving server refused the mail',
          }),
        );
        break;
      }
      case 'dropped': {
        const reason = text(e.reason);
        const cls = /unsubscribe|spam/i.test(reason) ? 'opted-out' : /bounce|invalid/i.test(reason) ? 'invalid-recipient' : 'permanent';
        events.push(status('dropped', { class: cls, code: 'dropped', message: reason || 'SendGrid dropped the mail' }));
        break;
      }
      case 'click':
        events.push({ ...base, type: 'engagement', action: 'click', url: text(e.url) || null });
        break;
      case 'unsubscribe':
      case 'group_unsubscribe':
        events.push({ ...base, type: 'opt-out', address: email, reason: 'unsubscribe' });
        break;
      case 'spamreport':
        events.push({ ...base, type: 'opt-out', address: email, reason: 'spam-report' });
        break;
      case 'group_resubscribe':
        events.push({ ...base, type: 'opt-in', address: email });
        break;
      default:
        // New SendGrid event types are ignored rather than guessed at.
        break;
    }
  }
  return events;
}

// ── Telegram ──────────────────────────────────────────────────────────────────────────

interface TelegramUpdate {
  update_id?: unknown;
  message?: { message_id?: number; date?: number; text?: string; chat?: { id?: number | string } };
  callback_query?: { id?: string; data?: string; from?: { id?: number }; message?: { chat?: { id?: number | string } } };
  my_chat_member?: { date?: number; chat?: { id?: number | string }; new_chat_member?: { status?: string } };
}

function telegramUpdate(raw: RawWebhook): ProviderEvent[] {
  const update = raw.body as TelegramUpdate | null;
  if (!update || typeof update !== 'object' || typeof update.update_id !== 'number')
    throw new WebhookParseError(raw.kind, 'update without update_id');
  const key = `telegram:${update.update_id}`;
  const base = { eventKey: key, provider: 'telegram' as const, channel: 'telegram' as const, occurredAt: raw.receivedAt };
  if (update.message) {
    const chat = update.message.chat?.id;
    if (chat === undefined) throw new WebhookParseError(raw.kind, 'message without chat');
    return [
      {
        ...base,
        type: 'reply',
        deliveryToken: null,
        providerId: update.message.message_id !== undefined ? String(update.message.message_id) : null,
        occurredAt: update.message.date ? new Date(update.message.date * 1000).toISOString() : raw.receivedAt,
        from: String(chat),
        to: 'bot',
        text: update.message.text ?? '',
      },
    ];
  }
  if (update.callback_query) {
    const data = update.callback_query.data ?? '';
    const split = data.lastIndexOf(TELEGRAM_BUTTON_SEPARATOR);
    const chat = update.callback_query.message?.chat?.id ?? update.callback_query.from?.id;
    if (chat === undefined) throw new WebhookParseError(raw.kind, 'callback query without chat');
    return [
      {
        ...base,
        type: 'reply',
        deliveryToken: split >= 0 ? data.slice(split + 1) || null : null,
        providerId: update.callback_query.id ?? null,
        from: String(chat),
        to: 'bot',
        text: split >= 0 ? data.slice(0, split) : data,
      },
    ];
  }
  const member = update.my_chat_member;
  if (member?.new_chat_member?.status === 'kicked' && member.chat?.id !== undefined) {
    return [{ ...base, type: 'opt-out', deliveryToken: null, providerId: null, address: String(member.chat.id), reason: 'blocked-bot' }];
  }
  return [];
}
