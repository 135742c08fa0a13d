// Email through SendGrid with the real @sendgrid/mail. Each delivery is its own send with
// our delivery token in custom_args (`d`), which SendGrid echoes in every event-webhook
// event and which the Email Activity API can search for reconciliation.
import http from 'node:http';
import https from 'node:https';
import sgMail from '@sendgrid/mail';
import type { MailService as MailServiceInstance } from '@sendgrid/mail/src/mail';
import { Client } from '@sendgrid/client';
import type { ClientRequest } from '@sendgrid/client/src/request';
import type { Logger } from '../log';
import type { EmailMessage, EmailProvider, ReconcileQuery, ReconcileResult, SendError, SendResult, StatusResult } from './types';
import { mayHaveBeenCarriedOut } from './types';
import { classifyNetworkError } from './network';

// The package exports its MailService class at runtime; its typings declare only the singleton.
const { MailService } = sgMail as unknown as { MailService: new () => MailServiceInstance };

export interface SendGridSettings {
  apiKey: string;
  /** e.g. the simulator's URL; https://api.sendgrid.com when absent. */
  baseUrl?: string;
  from: { email: string; name?: string };
  replyTo?: string;
  /** Category shown in SendGrid's statistics. */
  category?: string;
  timeoutMs?: number;
  maxSockets?: number;
  logger?: Logger;
}

/**
 * Where a mail body wants the recipient's unsubscribe link. SendGrid's subscription
 * tracking replaces it per recipient; without that the literal tag would be sent.
 */
export const UNSUBSCRIBE_URL_TAG = '{{unsubscribe_url}}';

/** The custom_args key carrying our delivery token. */
export const SENDGRID_TOKEN_ARG = 'd';

const DEFAULT_RATE_LIMIT_WAIT_MS = 1_000;

interface ResponseErrorLike {
  code: number;
  message: string;
  response?: { headers?: Record<string, unknown>; body?: unknown };
}

export class SendGridEmailProvider implements EmailProvider {
  readonly provider = 'sendgrid' as const;
  readonly channel = 'email' as const;
  private readonly mail: MailServiceInstance;
  private readonly client: Client;

  constructor(private readonly settings: SendGridSettings) {
    if (!settings.apiKey) throw new Error('SendGrid API key is missing');
    if (!settings.from.email) throw new Error('SendGrid sender address is missing');
    this.client = new Client();
    this.client.setApiKey(settings.apiKey); // resets the base URL, so it goes first
    if (settings.baseUrl) this.client.setDefaultRequest('baseUrl', settings.baseUrl);
    const sockets = settings.maxSockets ?? 64;
    // Passed through to axios; the typings only know httpsAgent.
    const transport: Partial<ClientRequest> & { httpAgent: http.Agent; timeout: number } = {
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: sockets }),
      httpsAgent: new https.Agent({ keepAlive: true, maxSockets: sockets }),
      timeout: settings.timeoutMs ?? 15_000,
    };
    this.client.setDefaultRequest(transport as ClientRequest);
    this.mail = new MailService();
    this.mail.setClient(this.client);
  }

  async send(message: EmailMessage): Promise<SendResult> {
    try {
      const [response] = await this.mail.send({
        to: message.toName ? { email: message.to, name: message.toName } : message.to,
        from: this.settings.from,
        ...(this.settings.replyTo ? { replyTo: this.settings.replyTo } : {}),
        subject: message.subject,
        text: message.text,
        ...(message.html ? { html: message.html } : {}),
        customArgs: { [SENDGRID_TOKEN_ARG]: message.deliveryToken },
        ...(message.text.includes(UNSUBSCRIBE_URL_TAG) || message.html?.includes(UNSUBSCRIBE_URL_TAG)
          ? { trackingSettings: { subscriptionTracking: { enable: true, substitutionTag: UNSUBSCRIBE_URL_TAG } } }
          : {}),
        ...(this.settings.category ? { categories: [this.settings.category] } : {}),
      });
      const id = header(response.headers as Record<string, unknown>, 'x-message-id');
      if (!id)
        return {
          ok: false,
          error: {
            class: 'transient',
            code: 'no-message-id',
            message: 'SendGrid accepted the mail but returned no X-Message-Id',
            retryAfterMs: null,
            maybeSent: true,
          },
        };
      return { ok: true, providerId: id, status: 'queued', segments: null };
    } catch (error) {
      const classified = classifySendGridError(error);
      this.settings.logger?.warn({ code: classified.code, class: classified.class }, 'SendGrid refused a mail');
      return { ok: false, error: classified };
    }
  }

  /**
   * Status from the Email Activity API. Our providerId is the X-Message-Id; SendGrid's
   * per-recipient msg_id starts with it, so we search by that prefix's message.
   */
  async fetchStatus(providerId: string): Promise<StatusResult> {
    const found = await this.search(`msg_id LIKE "${escapeQuery(providerId)}%"`).catch((e: unknown) => classifySendGridError(e));
    if ('class' in found) return found.code === '404' || found.code === '403' ? { kind: 'unsupported' } : { kind: 'error', error: found };
    const first = found[0];
    if (!first) return { kind: 'not-found' };
    return { kind: 'status', providerId, status: activityStatus(first.status), failure: null, answeredBy: null, durationSec: null };
  }

  async findByDeliveryToken(query: ReconcileQuery): Promise<ReconcileResult> {
    const found = await this.search(`unique_args['${SENDGRID_TOKEN_ARG}']="${escapeQuery(query.deliveryToken)}"`).catch((e: unknown) =>
      classifySendGridError(e),
    );
    // Email Activity is a paid add-on: without it, reconciliation is not possible.
    if ('class' in found) return found.code === '403' || found.code === '404' ? { kind: 'unsupported' } : { kind: 'error', error: found };
    if (found.length === 0) return { kind: 'not-found' };
    const ids = [...new Set(found.map((m) => m.msg_id.split('.')[0]!))];
    if (ids.length > 1) return { kind: 'ambiguous', providerIds: ids };
    return { kind: 'found', providerId: ids[0]!, status: activityStatus(found[0]!.status) };
  }

  private async search(query: string): Promise<{ msg_id: string; status: string; to_email: string }[]> {
    const [, body] = (await this.client.request({ method: 'GET', url: '/v3/messages', qs: { query, limit: 10 } })) as [unknown, unknown];
    const messages = (body as { messages?: unknown } | null)?.messages;
    return Array.isArray(messages) ? (messages as { msg_id: string; status: string; to_email: string }[]) : [];
  }
}

function activityStatus(status: string): 'queued' | 'delivered' | 'bounced' {
  if (status === 'delivered') return 'delivered';
  if (status === 'not_delivered') return 'bounced';
  return 'queued';
}

function escapeQuery(value: string): string {
  return value.replace(/["\\]/g, (c) => `\\${c}`);
}

function header(headers: Record<string, unknown> | undefined, name: string): string | null {
  if (!headers) return null;
  const value = headers[name] ?? headers[name.toLowerCase()] ?? Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
  return typeof value === 'string' && value ? value : null;
}

export function classifySendGridError(error: unknown): SendError {
  const e = error as ResponseErrorLike;
  if (typeof e.code !== 'number' || !e.response) return classifyNetworkError(error);
  const errors = ((e.response.body as { errors?: { message?: string; field?: string | null }[] } | undefined)?.errors ?? []).filter(
    Boolean,
  );
  const message = errors.map((x) => (x.field ? `${x.field}: ${x.message}` : x.message)).join('; ') || e.message;
  const code = String(e.code);
  if (e.code === 401 || e.code === 403) return { class: 'auth', code, message, retryAfterMs: null, maybeSent: false };
  if (e.code === 429) {
    const reset = Number(header(e.response.headers, 'x-ratelimit-reset'));
    const wait = Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - Date.now()) : DEFAULT_RATE_LIMIT_WAIT_MS;
    return { class: 'rate-limited', code, message, retryAfterMs: Math.max(wait, 100), maybeSent: false };
  }
  if (e.code >= 500) return { class: 'transient', code, message, retryAfterMs: null, maybeSent: mayHaveBeenCarriedOut(e.code) };
  if (errors.some((x) => x.field && /^personalizations\.\d+\.to/.test(x.field)))
    return { class: 'invalid-recipient', code, message, retryAfterMs: null, maybeSent: false };
  return { class: 'permanent', code, message, retryAfterMs: null, maybeSent: false };
}
