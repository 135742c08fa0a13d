// The simulated Twilio Messages API (SMS and WhatsApp): create, fetch, list with To/From/
// DateSent filters, the message lifecycle with signed status callbacks, per-sender
// throughput, opt-outs (STOP), the WhatsApp 24-hour session window, and inbound messages
// posted to the application's webhook.
import type { SimCore } from '../core';
import { encodeForm, rfc2822, single, type FormParams } from '../http';
import { ruleFor, sampleLatency } from '../profile';
import { twilioSignature } from './signature';
import { API_VERSION, Pacer, TwilioApiError, countSegments, E164, isValidSender, splitAddress } from './common';
import type { TwilioContent } from './content';

export type MessageStatus = 'accepted' | 'queued' | 'sending' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'read' | 'received';

export interface SimMessage {
  sid: string;
  accountSid: string;
  channel: 'sms' | 'whatsapp';
  direction: 'outbound-api' | 'inbound';
  to: string;
  from: string;
  messagingServiceSid: string | null;
  body: string;
  contentSid: string | null;
  contentVariables: string | null;
  numSegments: number;
  status: MessageStatus;
  errorCode: number | null;
  errorMessage: string | null;
  dateCreated: Date;
  dateUpdated: Date;
  dateSent: Date | null;
  statusCallback: string | null;
}

const ERROR_MESSAGES: Record<number, string> = {
  30001: 'Queue overflow',
  30003: 'Unreachable destination handset',
  30004: 'Message blocked',
  30005: 'Unknown destination handset',
  30006: 'Landline or unreachable carrier',
  30007: 'Message filtered',
  30008: 'Unknown error',
  63016: 'Failed to send freeform message because you are outside the allowed window. Please use a Template.',
};

const OPT_OUT_KEYWORDS = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT']);
const OPT_IN_KEYWORDS = new Set(['START', 'YES', 'UNSTOP']);
const WHATSAPP_WINDOW_MS = 24 * 3600 * 1000;

export class TwilioMessages {
  readonly messages = new Map<string, SimMessage>();
  /** Newest last; listing walks it backwards (Twilio lists newest first). */
  private readonly ordered: SimMessage[] = [];
  private readonly pacer = new Pacer();
  /** Recipients who texted STOP, by bare number. */
  readonly optedOut = new Set<string>();
  /** When each person last wrote to us on WhatsApp (opens the 24-hour window). */
  private readonly lastInbound = new Map<string, number>();

  constructor(
    private readonly core: SimCore,
    private readonly content: TwilioContent | null = null,
  ) {}

  reset(): void {
    this.messages.clear();
    this.ordered.length = 0;
    this.pacer.clear();
    this.optedOut.clear();
    this.lastInbound.clear();
  }

  create(params: FormParams): SimMessage {
    const { core } = this;
    const profile = core.profile;
    const to = single(params, 'To');
    const from = single(params, 'From');
    const messagingServiceSid = single(params, 'MessagingServiceSid') ?? null;
    const body = single(params, 'Body') ?? '';
    const contentSid = single(params, 'ContentSid') ?? null;
    const contentVariables = single(params, 'ContentVariables') ?? null;
    const statusCallback = single(params, 'StatusCallback') ?? null;

    if (!to) throw new TwilioApiError(400, 21604, "A 'To' phone number is required.");
    if (!from && !messagingServiceSid) throw new TwilioApiError(400, 21603, "A 'From' phone number is required.");
    if (messagingServiceSid && !/^MG[0-9a-f]{32}$/.test(messagingServiceSid))
      throw new TwilioApiError(400, 21701, `The Messaging Service Sid ${messagingServiceSid} is invalid.`);
    if (!body && !contentSid && !single(params, 'MediaUrl')) throw new TwilioApiError(400, 21602, 'Message body is required.');
    if (body.length > 1600) throw new TwilioApiError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
    if (contentVariables !== null) {
      try {
        JSON.parse(contentVariables);
      } catch {
        throw new TwilioApiError(400, 21656, 'The ContentVariables Parameter is invalid.');
      }
    }
    if (statusCallback !== null && !/^https?:\/\//.test(statusCallback))
      throw new TwilioApiError(400, 21609, `The StatusCallback URL ${statusCallback} is not a valid URL.`);

    const target = splitAddress(to);
    const sender = from ? splitAddress(from) : { channel: target.channel, number: messagingServiceSid! };
    if (from && sender.channel !== target.channel)
      throw new TwilioApiError(400, 21910, 'Invalid From and To pair. From and To should be of the same channel');
    if (!E164.test(target.number)) throw new TwilioApiError(400, 21211, `Invalid 'To' Phone Number: ${to}`);
    if (from && !isValidSender(sender.number, sender.channel))
      throw new TwilioApiError(400, 21212, `Invalid From Number (caller ID): ${from}`);
    if (!profile.allowedPrefixes.some((p) => target.number.startsWith(p)))
      throw new TwilioApiError(
        400,
        21408,
        `Permission to send an SMS has not been enabled for the region indicated by the 'To' number: ${to}.`,
      );
    if (this.optedOut.has(target.number)) throw new TwilioApiError(400, 21610, 'Attempt to send to unsubscribed recipient');

    if (ruleFor(core.rules, target.channel, target.number, 'serverError'))
      throw new TwilioApiError(500, 20500, 'An internal server error has occurred');
    const rejectCode = ruleFor(core.rules, target.channel, target.number, 'rejectCode');
    if (rejectCode !== undefined) throw ruleRejection(rejectCode, to);

    // A content template: its body rendered from the variables; only a WhatsApp-approved one opens a conversation.
    const template = contentSid && this.content ? this.content.render(contentSid, contentVariables) : null;
    const now = Date.now();
    const rate = target.channel === 'whatsapp' ? profile.limits.whatsappPerSecondPerSender : profile.limits.messagesPerSecondPerSender;
    const senderKey = from ?? messagingServiceSid!;
    const backlog = this.pacer.peek(senderKey, rate, now);
    if (backlog > 0 && profile.limits.overflow === 'reject')
      throw new TwilioApiError(429, 20429, 'Too Many Requests', { 'Twilio-Concurrent-Requests': '1' });
    if (backlog > profile.limits.senderQueueSeconds * 1000)
      throw new TwilioApiError(400, 21611, "This 'From' number has exceeded the maximum number of queued messages");
    const startDelay = this.pacer.reserve(senderKey, rate, now);

    const created = new Date(now);
    const message: SimMessage = {
      sid: core.nextSid('SM'),
      accountSid: core.credentials.accountSid,
      channel: target.channel,
      direction: 'outbound-api',
      to,
      from: from ?? '',
      messagingServiceSid,
      body: template?.body ?? (body || (contentSid ? `[template ${contentSid}]` : '')),
      contentSid,
      contentVariables,
      numSegments: template ? countSegments(template.body) : body ? countSegments(body) : 1,
      status: messagingServiceSid && !from ? 'accepted' : 'queued',
      errorCode: null,
      errorMessage: null,
      dateCreated: created,
      dateUpdated: created,
      dateSent: null,
      statusCallback,
    };
    this.messages.set(message.sid, message);
    this.ordered.push(message);
    this.runLifecycle(message, startDelay, template ? template.content.whatsappStatus === 'approved' : null);
    return message;
  }

  fetch(sid: string): SimMessage | undefined {
    return this.messages.get(sid);
  }

  /** Newest first, filtered as Twilio's list endpoint does ("DateSent>" is on-or-after). */
  list(filters: { to?: string; from?: string; dateSent?: string; dateSentAfter?: string; dateSentBefore?: string }): SimMessage[] {
    const day = filters.dateSent ? parseFilterDate(filters.dateSent) : null;
    const after = filters.dateSentAfter ? parseFilterDate(filters.dateSentAfter) : null;
    const before = filters.dateSentBefore ? parseFilterDate(filters.dateSentBefore) : null;
    const result: SimMessage[] = [];
    for (let i = this.ordered.length - 1; i >= 0; i--) {
      const m = this.ordered[i]!;
      if (filters.to && m.to !== filters.to) continue;
      if (filters.from && m.from !== filters.from) continue;
      if (day || after || before) {
        if (!m.dateSent) continue;
        const t = m.dateSent.getTime();
        if (day && (t < day.start || t >= day.start + 86_400_000)) continue;
        if (after && t < after.start) continue;
        if (before && t > (before.dateOnly ? before.start + 86_400_000 - 1 : before.start)) continue;
      }
      result.push(m);
    }
    return result;
  }

  /** Update: Twilio lets you cancel a scheduled message or redact a body; we support canceling queued ones. */
  update(sid: string, params: FormParams): SimMessage {
    const message = this.messages.get(sid);
    if (!message) throw notFound(this.core.credentials.accountSid, 'Messages', sid);
    const status = single(params, 'Status');
    const body = single(params, 'Body');
    if (status === 'canceled') {
      if (message.status !== 'queued' && message.status !== 'accepted')
        throw new TwilioApiError(400, 30409, 'Message can no longer be canceled.');
      this.setStatus(message, 'failed', null);
    }
    if (body === '') message.body = '';
    return message;
  }

  /** An inbound SMS/WhatsApp from a person, posted signed to the inbound webhook. */
  async inject(input: { from: string; to: string; body: string; profileName?: string }): Promise<SimMessage> {
    const { core } = this;
    const origin = splitAddress(input.from);
    const now = new Date();
    const message: SimMessage = {
      sid: core.nextSid('SM'),
      accountSid: core.credentials.accountSid,
      channel: origin.channel,
      direction: 'inbound',
      to: input.to,
      from: input.from,
      messagingServiceSid: null,
      body: input.body,
      contentSid: null,
      contentVariables: null,
      numSegments: countSegments(input.body),
      status: 'received',
      errorCode: null,
      errorMessage: null,
      dateCreated: now,
      dateUpdated: now,
      dateSent: now,
      statusCallback: null,
    };
    this.messages.set(message.sid, message);
    this.ordered.push(message);
    if (origin.channel === 'whatsapp') this.lastInbound.set(origin.number, now.getTime());
    const keyword = input.body.trim().toUpperCase();
    if (OPT_OUT_KEYWORDS.has(keyword)) this.optedOut.add(origin.number);
    if (OPT_IN_KEYWORDS.has(keyword)) this.optedOut.delete(origin.number);
    core.notify({ type: 'message', sid: message.sid, status: 'received' });

    const url = core.config.inboundMessageUrl;
    if (!url) return message;
    const params: Record<string, string> = {
      ToCountry: 'SE',
      SmsMessageSid: message.sid,
      NumMedia: '0',
      SmsSid: message.sid,
      SmsStatus: 'received',
      Body: input.body,
      To: input.to,
      NumSegments: String(message.numSegments),
      MessageSid: message.sid,
      AccountSid: message.accountSid,
      From: input.from,
      ApiVersion: API_VERSION,
    };
    if (origin.channel === 'whatsapp') {
      params.ProfileName = input.profileName ?? 'Simulerad Person';
      params.WaId = origin.number.slice(1);
    }
    if (OPT_OUT_KEYWORDS.has(keyword)) params.OptOutType = 'STOP';
    if (OPT_IN_KEYWORDS.has(keyword)) params.OptOutType = 'START';
    await this.post(url, params, 'twilio.inbound-message', message.sid);
    return message;
  }

  /** `approvedTemplate`: null without a ContentSid; false when the template is not WhatsApp-approved. */
  private runLifecycle(message: SimMessage, startDelay: number, approvedTemplate: boolean | null = null): void {
    const { core } = this;
    const random = core.randomFor(message.sid);
    const { number } = splitAddress(message.to);
    const rule = ruleFor(core.rules, message.channel, number, 'message');
    const reply = ruleFor(core.rules, message.channel, number, 'reply');
    const sentAt = startDelay + sampleLatency(core.profile.latency.messageSent, random);
    const finalAt = sentAt + sampleLatency(core.profile.latency.messageFinal, random);
    const steps: { at: number; run: () => void }[] = [];
    const at = (time: number, run: () => void): void => {
      steps.push({ at: time, run });
    };

    const outsideWindow =
      message.channel === 'whatsapp' &&
      core.profile.whatsapp.enforceSessionWindow &&
      (!message.contentSid || approvedTemplate === false) &&
      Date.now() - (this.lastInbound.get(number) ?? -Infinity) > WHATSAPP_WINDOW_MS;

    if (message.status === 'accepted') at(startDelay, () => this.setStatus(message, 'queued', null));
    const final = rule ?? { status: 'delivered' as const };
    if (outsideWindow) at(sentAt, () => this.setStatus(message, 'failed', 63016));
    else if (final.status === 'failed') at(sentAt, () => this.setStatus(message, 'failed', final.errorCode ?? 30008));
    else {
      at(sentAt, () => this.setStatus(message, 'sent', null));
      if (final.status === 'undelivered') at(finalAt, () => this.setStatus(message, 'undelivered', final.errorCode ?? 30003));
      else if (final.status !== 'sent') {
        at(finalAt, () => this.setStatus(message, 'delivered', null));
        if (final.status === 'read' || (message.channel === 'whatsapp' && reply !== undefined)) {
          at(finalAt + 1, () => this.setStatus(message, 'read', null));
        }
        if (reply !== undefined) {
          const replyAt = finalAt + 1 + sampleLatency(core.profile.latency.reply, random);
          at(replyAt, () => {
            void this.inject({ from: message.to, to: message.from || message.messagingServiceSid || '', body: reply });
          });
        }
      }
    }
    core.sequence(steps);
  }

  private setStatus(message: SimMessage, status: MessageStatus, errorCode: number | null): void {
    const now = new Date();
    message.status = status;
    message.dateUpdated = now;
    if (status === 'sent' || (status === 'failed' && !message.dateSent)) message.dateSent = now;
    if (errorCode !== null) {
      message.errorCode = errorCode;
      message.errorMessage = ERROR_MESSAGES[errorCode] ?? 'Unknown error';
    }
    this.core.notify({ type: 'message', sid: message.sid, status });
    if (!message.statusCallback || !this.core.profile.callbacks.enabled) return;
    const params: Record<string, string> = {
      SmsSid: message.sid,
      SmsStatus: status,
      MessageStatus: status,
      To: message.to,
      MessageSid: message.sid,
      AccountSid: message.accountSid,
      From: message.from,
      ApiVersion: API_VERSION,
    };
    if (message.messagingServiceSid) params.MessagingServiceSid = message.messagingServiceSid;
    if (message.channel === 'whatsapp') params.ChannelPrefix = 'whatsapp';
    if (errorCode !== null) {
      params.ErrorCode = String(errorCode);
      params.ErrorMessage = message.errorMessage ?? '';
    }
    void this.post(message.statusCallback, params, 'twilio.message-status', message.sid);
  }

  private post(url: string, params: Record<string, string>, kind: 'twilio.message-status' | 'twilio.inbound-message', subject: string) {
    return this.core.outbound.deliver({
      kind,
      url,
      body: encodeForm(params),
      subject,
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        'x-twilio-signature': twilioSignature(this.core.credentials.authToken, url, params),
        'i-twilio-idempotency-token': `${subject}-${params.MessageStatus ?? 'inbound'}`,
      },
    });
  }
}

export function messageJson(m: SimMessage): Record<string, unknown> {
  const base = `/${API_VERSION}/Accounts/${m.accountSid}/Messages/${m.sid}`;
  return {
    account_sid: m.accountSid,
    api_version: API_VERSION,
    body: m.body,
    date_created: rfc2822(m.dateCreated),
    date_sent: m.dateSent ? rfc2822(m.dateSent) : null,
    date_updated: rfc2822(m.dateUpdated),
    direction: m.direction,
    error_code: m.errorCode,
    error_message: m.errorMessage,
    from: m.from || null,
    messaging_service_sid: m.messagingServiceSid,
    num_media: '0',
    num_segments: String(m.numSegments),
    price: m.dateSent && m.direction === 'outbound-api' ? (-0.0832 * m.numSegments).toFixed(5) : null,
    price_unit: 'USD',
    sid: m.sid,
    status: m.status,
    subresource_uris: { media: `${base}/Media.json`, feedback: `${base}/Feedback.json` },
    to: m.to,
    uri: `${base}.json`,
  };
}

export function notFound(accountSid: string, resource: string, sid: string): TwilioApiError {
  return new TwilioApiError(
    404,
    20404,
    `The requested resource /${API_VERSION}/Accounts/${accountSid}/${resource}/${sid}.json was not found`,
  );
}

function ruleRejection(code: number, to: string): TwilioApiError {
  switch (code) {
    case 21211:
      return new TwilioApiError(400, 21211, `Invalid 'To' Phone Number: ${to}`);
    case 21408:
      return new TwilioApiError(
        400,
        21408,
        `Permission to send an SMS has not been enabled for the region indicated by the 'To' number: ${to}.`,
      );
    case 21610:
      return new TwilioApiError(400, 21610, 'Attempt to send to unsubscribed recipient');
    case 21614:
      return new TwilioApiError(400, 21614, `'To' number ${to} is not a valid mobile number`);
    case 21611:
      return new TwilioApiError(400, 21611, "This 'From' number has exceeded the maximum number of queued messages");
    default:
      return new TwilioApiError(400, code, `Message cannot be sent to ${to}`);
  }
}

function parseFilterDate(value: string): { start: number; dateOnly: boolean } {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const start = Date.parse(dateOnly ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(start)) throw new TwilioApiError(400, 20001, `Invalid date filter: ${value}`);
  return { start, dateOnly };
}
