// SMS and WhatsApp through Twilio's Messages API with the real SDK. Our delivery token
// travels in the StatusCallback URL (`?d=`), so every callback can be tied to its delivery
// even when the send's answer was lost in a crash; reconciliation lists recent messages to
// the same number because Twilio does not return the callback URL on a message.
import type { WhatsAppContentTemplate } from '@gdial/protocol';
import type { Logger } from '../../log';
import type { MessageInstance } from 'twilio/lib/rest/api/v2010/account/message';
import {
  withDeliveryToken,
  type SendError,
  type ReconcileQuery,
  type ReconcileResult,
  type SendResult,
  type SmsProvider,
  type StatusResult,
  type TextMessage,
  type WhatsAppMessage,
  type WhatsAppProvider,
} from '../types';
import { classifyTwilioError } from './errors';
import { reconcileFromListing } from './reconcile';
import { messageFailure, messageStatus } from './status';
import type { TwilioClient } from './client';

export interface TwilioMessagingOptions {
  client: TwilioClient;
  channel: 'sms' | 'whatsapp';
  /** Sender number (E.164) or alphanumeric ID; for WhatsApp the bare number. */
  from?: string;
  /** Twilio Messaging Service used instead of a single sender (SMS). */
  messagingServiceSid?: string;
  /** Relay URL for message status callbacks; `d=<token>` is added per delivery. */
  statusCallbackUrl: string;
  logger?: Logger;
}

abstract class TwilioMessagingBase {
  readonly provider = 'twilio' as const;
  protected readonly prefix: string;

  constructor(protected readonly options: TwilioMessagingOptions) {
    if (!options.from && !options.messagingServiceSid)
      throw new Error(`Twilio ${options.channel}: set a sender number or a messaging service SID`);
    if (options.channel === 'whatsapp' && !options.from) throw new Error('Twilio WhatsApp needs a sender number');
    this.prefix = options.channel === 'whatsapp' ? 'whatsapp:' : '';
  }

  protected async create(message: TextMessage, extra: { contentSid?: string; contentVariables?: string } = {}): Promise<SendResult> {
    const { client, from, messagingServiceSid, statusCallbackUrl } = this.options;
    try {
      const created = await client.messages.create({
        to: this.prefix + message.to,
        ...(from ? { from: this.prefix + from } : { messagingServiceSid: messagingServiceSid! }),
        ...(extra.contentSid ? extra : { body: message.body }),
        statusCallback: withDeliveryToken(statusCallbackUrl, message.deliveryToken),
      });
      return {
        ok: true,
        providerId: created.sid,
        status: messageStatus(created.status) ?? 'queued',
        segments: Number(created.numSegments) || null,
      };
    } catch (error) {
      const classified = classifyTwilioError(error);
      this.options.logger?.warn(
        { channel: this.options.channel, to: message.to, code: classified.code, class: classified.class },
        'Twilio refused a message',
      );
      return { ok: false, error: classified };
    }
  }

  async fetchStatus(providerId: string): Promise<StatusResult> {
    try {
      const m = await this.options.client.messages(providerId).fetch();
      const status = messageStatus(m.status);
      if (!status) return { kind: 'not-found' };
      return {
        kind: 'status',
        providerId: m.sid,
        status,
        failure: messageFailure(status, m.errorCode ?? null, m.errorMessage),
        answeredBy: null,
        durationSec: null,
      };
    } catch (error) {
      const classified = classifyTwilioError(error);
      if (classified.code === '20404') return { kind: 'not-found' };
      return { kind: 'error', error: classified };
    }
  }

  findByDeliveryToken(query: ReconcileQuery): Promise<ReconcileResult> {
    const { client, from } = this.options;
    return reconcileFromListing<MessageInstance>(
      () => client.messages.page({ to: this.prefix + query.to, pageSize: 100 }),
      query.attemptedAt,
      (m) =>
        m.direction === 'outbound-api' &&
        (!from || m.from === this.prefix + from) &&
        (query.body === undefined || m.body.trim() === query.body.trim()),
      messageStatus,
    );
  }
}

export class TwilioSmsProvider extends TwilioMessagingBase implements SmsProvider {
  readonly channel = 'sms' as const;

  constructor(options: Omit<TwilioMessagingOptions, 'channel'>) {
    super({ ...options, channel: 'sms' });
  }

  send(message: TextMessage): Promise<SendResult> {
    return this.create(message);
  }
}

/** A Content API template as GDial shows it: its body, language and whether WhatsApp approved it. */
export type ContentTemplate = WhatsAppContentTemplate;

const approvalOf = (w: Record<string, unknown> | undefined): ContentTemplate['whatsapp'] => {
  const status = typeof w?.status === 'string' ? w.status.toLowerCase() : '';
  return status === 'approved' || status === 'pending' || status === 'rejected' || status === 'paused' || status === 'disabled'
    ? status
    : status === 'received'
      ? 'pending'
      : 'unsubmitted';
};

export class TwilioWhatsAppProvider extends TwilioMessagingBase implements WhatsAppProvider {
  readonly channel = 'whatsapp' as const;

  /**
   * The account's content templates with their WhatsApp approval (Content API: the list,
   * then each one's ApprovalRequests). Only an approved one may start a conversation.
   */
  async listTemplates(): Promise<{ ok: true; templates: ContentTemplate[] } | { ok: false; error: SendError }> {
    try {
      const contents = await this.options.client.content.v1.contents.list({ pageSize: 100 });
      const templates = await Promise.all(
        contents.map(async (c): Promise<ContentTemplate> => {
          const approval = await this.options.client.content.v1.contents(c.sid).approvalFetch().fetch();
          const text = (c.types as Record<string, { body?: unknown } | undefined>)['twilio/text'];
          const body = typeof text?.body === 'string' ? text.body : null;
          return {
            contentSid: c.sid,
            name: c.friendlyName,
            language: c.language,
            body,
            variables: Object.keys(c.variables ?? {}),
            whatsapp: approvalOf(approval.whatsapp),
          };
        }),
      );
      return { ok: true, templates };
    } catch (error) {
      return { ok: false, error: classifyTwilioError(error) };
    }
  }

  constructor(options: Omit<TwilioMessagingOptions, 'channel' | 'messagingServiceSid'> & { from: string }) {
    super({ ...options, channel: 'whatsapp' });
  }

  send(message: WhatsAppMessage): Promise<SendResult> {
    if (message.template) {
      return this.create(message, {
        contentSid: message.template.contentSid,
        contentVariables: JSON.stringify(message.template.variables),
      });
    }
    return this.create(message);
  }
}
