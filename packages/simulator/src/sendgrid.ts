// The simulated SendGrid v3 API: POST /v3/mail/send (202 + X-Message-Id), the Email
// Activity API (GET /v3/messages) used for reconciliation, and the Event Webhook: batches
// of processed / delivered / deferred / bounce / dropped / open / click / unsubscribe /
// spamreport events, each with sg_event_id and the sender's custom_args, signed with ECDSA
// P-256 over timestamp + raw body. The key pair is derived from the seed, so a run is
// reproducible and the public key is known before the first webhook.
import { createECDH, createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimCore } from './core';
import { sendEmpty, sendJson } from './http';
import { Pacer } from './twilio/common';
import { ruleFor, sampleLatency } from './profile';

export type EmailEventType =
  'processed' | 'delivered' | 'deferred' | 'bounce' | 'dropped' | 'open' | 'click' | 'unsubscribe' | 'spamreport';

export interface SimEmail {
  /** sg_message_id of this recipient's copy. */
  messageId: string;
  /** The X-Message-Id the send returned (shared by all recipients of one request). */
  xMessageId: string;
  to: string;
  from: string;
  subject: string;
  text: string | null;
  html: string | null;
  customArgs: Record<string, string>;
  categories: string[];
  status: 'processed' | 'delivered' | 'not_delivered' | 'deferred';
  createdAt: Date;
  events: Record<string, unknown>[];
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const HELP = 'http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html';

interface SendGridError {
  message: string;
  field: string | null;
  help: string | null;
}

export class SendGrid {
  readonly emails = new Map<string, SimEmail>();
  private readonly ordered: SimEmail[] = [];
  private readonly privateKey: KeyObject;
  readonly publicKeyBase64: string;
  private pendingEvents: Record<string, unknown>[] = [];
  private flushScheduled = false;
  private readonly pacer = new Pacer();

  constructor(private readonly core: SimCore) {
    // A valid P-256 private scalar from the seed (the ECDH object rejects out-of-range ones).
    const ecdh = createECDH('prime256v1');
    let d = createHash('sha256').update(`sendgrid-key:${core.seed}`).digest();
    for (let i = 0; ; i++) {
      try {
        ecdh.setPrivateKey(d);
        break;
      } catch {
        d = createHash('sha256').update(d).update(String(i)).digest();
      }
    }
    const point = ecdh.getPublicKey();
    const jwk = {
      kty: 'EC',
      crv: 'P-256',
      d: d.toString('base64url'),
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33, 65).toString('base64url'),
    };
    this.privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
    this.publicKeyBase64 = (createPublicKey(this.privateKey).export({ type: 'spki', format: 'der' }) as Buffer).toString('base64');
  }

  reset(): void {
    this.emails.clear();
    this.ordered.length = 0;
    this.pendingEvents = [];
    this.pacer.clear();
  }

  handleSend(req: IncomingMessage, res: ServerResponse, raw: Buffer): void {
    if (!this.authorized(req)) return this.unauthorized(res);
    const now = Date.now();
    const delay = this.pacer.peek('account', this.core.profile.limits.sendgridPerSecond, now);
    if (delay > 0) {
      sendJson(
        res,
        429,
        { errors: [{ field: null, message: 'too many requests' }] },
        {
          'X-RateLimit-Limit': String(Math.round(this.core.profile.limits.sendgridPerSecond)),
          'X-RateLimit-Remaining': '0',
          'X-RateLimit-Reset': String(Math.ceil((now + delay) / 1000)),
        },
      );
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return sendJson(res, 400, { errors: [{ message: 'Bad Request', field: null, help: null }] });
    }
    const errors: SendGridError[] = [];
    const mail = (body ?? {}) as Record<string, unknown>;
    const personalizations = Array.isArray(mail.personalizations) ? (mail.personalizations as Record<string, unknown>[]) : null;
    const from = mail.from as { email?: unknown } | undefined;
    const content = Array.isArray(mail.content) ? (mail.content as { type?: unknown; value?: unknown }[]) : null;
    if (!personalizations || personalizations.length === 0 || personalizations.length > 1000)
      errors.push({
        message: 'The personalizations field is required and must have at least one personalization.',
        field: 'personalizations',
        help: `${HELP}#-Personalizations-Errors`,
      });
    if (!from || typeof from.email !== 'string' || !EMAIL.test(from.email))
      errors.push({
        message:
          'The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter.',
        field: 'from',
        help: `${HELP}#message.from`,
      });
    const templateId = typeof mail.template_id === 'string' ? mail.template_id : null;
    if (!templateId && (!content || content.length === 0 || content.some((c) => typeof c.value !== 'string' || c.value === '')))
      errors.push({
        message:
          'Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block. We typically suggest both text/plain and text/html blocks are included, but only one block is required.',
        field: 'content',
        help: `${HELP}#message.content`,
      });
    const recipients: { to: string; subject: string; customArgs: Record<string, string> }[] = [];
    (personalizations ?? []).forEach((p, i) => {
      const tos = Array.isArray(p.to) ? (p.to as { email?: unknown }[]) : [];
      if (tos.length === 0)
        errors.push({
          message:
            'The to array is required for all personalization objects, and must have at least one email object with a valid email address.',
          field: `personalizations.${i}.to`,
          help: `${HELP}#personalizations.to`,
        });
      const subject = typeof p.subject === 'string' ? p.subject : typeof mail.subject === 'string' ? mail.subject : null;
      if (!subject && !templateId)
        errors.push({
          message:
            'The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.',
          field: 'subject',
          help: `${HELP}#message.subject`,
        });
      const customArgs = { ...stringRecord(mail.custom_args), ...stringRecord(p.custom_args) };
      tos.forEach((t, j) => {
        if (typeof t.email !== 'string' || !EMAIL.test(t.email)) {
          errors.push({
            message: 'Does not contain a valid address.',
            field: `personalizations.${i}.to.${j}.email`,
            help: `${HELP}#personalizations.to`,
          });
          return;
        }
        recipients.push({ to: t.email, subject: subject ?? '', customArgs });
      });
    });
    if (errors.length) return sendJson(res, 400, { errors });
    this.pacer.reserve('account', this.core.profile.limits.sendgridPerSecond, now);

    const xMessageId = Buffer.from(this.core.nextSid(''), 'hex').toString('base64url').slice(0, 22);
    const text = content?.find((c) => c.type === 'text/plain')?.value;
    const html = content?.find((c) => c.type === 'text/html')?.value;
    // Subscription tracking with a substitution tag: SendGrid puts each recipient's
    // unsubscribe URL where the tag stands, in both the text and the HTML part.
    const tracking = (mail.tracking_settings as { subscription_tracking?: { enable?: unknown; substitution_tag?: unknown } } | undefined)
      ?.subscription_tracking;
    const tag =
      tracking?.enable === true && typeof tracking.substitution_tag === 'string' && tracking.substitution_tag
        ? tracking.substitution_tag
        : null;
    const withLink = (part: unknown, messageId: string): string | null =>
      typeof part !== 'string'
        ? null
        : tag
          ? part.split(tag).join(`${this.core.baseUrl}/_sim/sendgrid/unsubscribe/${encodeURIComponent(messageId)}`)
          : part;
    recipients.forEach((r, index) => {
      const messageId = `${xMessageId}.filterdrecv-sim-${index}`;
      const email: SimEmail = {
        messageId,
        xMessageId,
        to: r.to,
        from: (from as { email: string }).email,
        subject: r.subject,
        text: withLink(text, messageId),
        html: withLink(html, messageId),
        customArgs: r.customArgs,
        categories: Array.isArray(mail.categories) ? (mail.categories as unknown[]).filter((c): c is string => typeof c === 'string') : [],
        status: 'processed',
        createdAt: new Date(),
        events: [],
      };
      this.emails.set(email.messageId, email);
      this.ordered.push(email);
      this.runLifecycle(email);
    });
    sendEmpty(res, 202, { 'X-Message-Id': xMessageId });
  }

  /** Email Activity API: GET /v3/messages?query=…&limit=… */
  handleActivityList(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void {
    if (!this.authorized(req)) return this.unauthorized(res);
    const limit = Math.min(1000, Math.max(1, Number(query.get('limit') ?? 10)));
    const clauses = parseActivityQuery(query.get('query') ?? '');
    if (!clauses.ok) return sendJson(res, 400, { errors: [{ message: clauses.error, field: 'query', help: null }] });
    const found: Record<string, unknown>[] = [];
    for (let i = this.ordered.length - 1; i >= 0 && found.length < limit; i--) {
      const email = this.ordered[i]!;
      const matches = clauses.value.every((c) => {
        const actual = activityField(email, c.field);
        return c.like ? actual?.startsWith(c.value) === true : actual === c.value;
      });
      if (matches) found.push(activitySummary(email));
    }
    sendJson(res, 200, { messages: found });
  }

  handleActivityGet(req: IncomingMessage, res: ServerResponse, msgId: string): void {
    if (!this.authorized(req)) return this.unauthorized(res);
    const email = this.emails.get(msgId);
    if (!email) return sendJson(res, 404, { errors: [{ message: 'Not Found', field: null, help: null }] });
    sendJson(res, 200, {
      ...activitySummary(email),
      events: email.events.map((e) => ({
        event_name: e.event,
        processed: new Date(Number(e.timestamp) * 1000).toISOString(),
        reason: e.reason ?? null,
      })),
    });
  }

  private authorized(req: IncomingMessage): boolean {
    return req.headers.authorization === `Bearer ${this.core.credentials.sendgridApiKey}`;
  }

  private unauthorized(res: ServerResponse): void {
    sendJson(res, 401, {
      errors: [{ message: 'The provided authorization grant is invalid, expired, or revoked', field: null, help: null }],
    });
  }

  private runLifecycle(email: SimEmail): void {
    const { core } = this;
    const random = core.randomFor(email.messageId);
    const rule = ruleFor(core.rules, 'email', email.to, 'email') ?? { outcome: 'delivered' as const };
    let at = 0;
    const steps: { at: number; run: () => void }[] = [];
    const emit = (event: EmailEventType, fields: Record<string, unknown> = {}): void => {
      at += sampleLatency(core.profile.latency.email, random);
      steps.push({ at, run: () => this.event(email, event, fields) });
    };
    switch (rule.outcome) {
      case 'dropped':
        emit('dropped', { reason: 'Bounced Address' });
        break;
      case 'bounce':
      case 'blocked':
        emit('processed');
        emit('bounce', bounceFields(rule.outcome === 'blocked'));
        break;
      case 'deferred-then-bounce':
        emit('processed');
        emit('deferred', deferredFields(1));
        emit('bounce', bounceFields(false));
        break;
      case 'deferred-then-delivered':
      case 'delivered':
        emit('processed');
        if (rule.outcome === 'deferred-then-delivered') emit('deferred', deferredFields(1));
        emit('delivered', { response: '250 2.0.0 OK' });
        if (rule.open || rule.click || rule.unsubscribe)
          emit('open', { useragent: 'Mozilla/5.0', ip: '192.0.2.10', sg_machine_open: false });
        if (rule.click)
          emit('click', { url: rule.click, url_offset: { index: 0, type: 'html' }, useragent: 'Mozilla/5.0', ip: '192.0.2.10' });
        if (rule.unsubscribe) emit('unsubscribe');
        if (rule.spamreport) emit('spamreport');
        break;
      default: {
        const never: never = rule.outcome;
        throw new Error(`unknown email outcome ${String(never)}`);
      }
    }
    core.sequence(steps);
  }

  private event(email: SimEmail, event: EmailEventType, fields: Record<string, unknown>): void {
    const timestamp = Math.floor(Date.now() / 1000);
    const record: Record<string, unknown> = {
      ...email.customArgs,
      email: email.to,
      timestamp,
      'smtp-id': `<${email.xMessageId}@sim.sendgrid.net>`,
      event,
      category: email.categories,
      sg_event_id: Buffer.from(this.core.nextSid('EV')).toString('base64url').slice(0, 22),
      sg_message_id: email.messageId,
      ...fields,
    };
    email.events.push(record);
    if (event === 'delivered') email.status = 'delivered';
    else if (event === 'bounce' || event === 'dropped') email.status = 'not_delivered';
    else if (event === 'deferred') email.status = 'deferred';
    this.core.notify({ type: 'email', messageId: email.messageId, event });
    if (!this.core.profile.callbacks.enabled || !this.core.config.sendgridEventWebhookUrl) return;
    this.pendingEvents.push(record);
    if (this.pendingEvents.length >= this.core.profile.sendgrid.batchSize) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      this.core.later(this.core.profile.sendgrid.batchIntervalMs, () => this.flush());
    }
  }

  /** Posts the waiting events as one signed batch. */
  flush(): void {
    this.flushScheduled = false;
    const url = this.core.config.sendgridEventWebhookUrl;
    if (!url || this.pendingEvents.length === 0) return;
    const batch = this.pendingEvents.splice(0, this.pendingEvents.length);
    const body = JSON.stringify(batch);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = sign('sha256', Buffer.from(timestamp + body), this.privateKey).toString('base64');
    void this.core.outbound.deliver({
      kind: 'sendgrid.events',
      url,
      body,
      subject: batch.length === 1 ? String(batch[0]!.sg_message_id) : `${batch.length} events`,
      headers: {
        'content-type': 'application/json',
        'x-twilio-email-event-webhook-signature': signature,
        'x-twilio-email-event-webhook-timestamp': timestamp,
      },
    });
  }
}

function stringRecord(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object') return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

function bounceFields(blocked: boolean): Record<string, unknown> {
  return blocked
    ? { type: 'blocked', reason: '550 5.7.1 Message rejected due to local policy', status: '5.7.1', bounce_classification: 'Reputation' }
    : {
        type: 'bounce',
        reason: '550 5.1.1 The email account that you tried to reach does not exist.',
        status: '5.1.1',
        bounce_classification: 'Invalid Address',
      };
}

function deferredFields(attempt: number): Record<string, unknown> {
  return { response: '451 4.7.1 Temporarily deferred, try again later', attempt: String(attempt) };
}

function activitySummary(email: SimEmail): Record<string, unknown> {
  const last = email.events[email.events.length - 1];
  return {
    from_email: email.from,
    msg_id: email.messageId,
    subject: email.subject,
    to_email: email.to,
    status: email.status === 'deferred' ? 'processed' : email.status,
    opens_count: email.events.filter((e) => e.event === 'open').length,
    clicks_count: email.events.filter((e) => e.event === 'click').length,
    last_event_time: last ? new Date(Number(last.timestamp) * 1000).toISOString() : email.createdAt.toISOString(),
    unique_args: email.customArgs,
  };
}

function activityField(email: SimEmail, field: string): string | undefined {
  const custom = /^unique_args\['([^']+)'\]$/.exec(field);
  if (custom) return email.customArgs[custom[1]!];
  switch (field) {
    case 'to_email':
      return email.to;
    case 'from_email':
      return email.from;
    case 'msg_id':
      return email.messageId;
    case 'subject':
      return email.subject;
    case 'status':
      return email.status;
    default:
      return undefined;
  }
}

/**
 * The subset of the Email Activity query language reconciliation needs:
 * `a="x" AND b LIKE "y%"` (LIKE with a trailing % is a prefix match).
 */
function parseActivityQuery(
  query: string,
): { ok: true; value: { field: string; value: string; like: boolean }[] } | { ok: false; error: string } {
  const trimmed = query.trim().replace(/^\((.*)\)$/, '$1');
  if (!trimmed) return { ok: true, value: [] };
  const clauses: { field: string; value: string; like: boolean }[] = [];
  for (const part of trimmed.split(/\s+AND\s+/)) {
    const m = /^\(?\s*([a-z_]+(?:\['[^']+'\])?)\s*(=|LIKE)\s*"((?:[^"\\]|\\.)*)"\s*\)?$/.exec(part.trim());
    if (!m) return { ok: false, error: `Unsupported query clause: ${part}` };
    const like = m[2] === 'LIKE';
    const value = m[3]!.replace(/\\(.)/g, '$1');
    if (like && (!value.endsWith('%') || value.slice(0, -1).includes('%')))
      return { ok: false, error: `Only prefix LIKE "x%" is supported: ${part}` };
    clauses.push({ field: m[1]!, value: like ? value.slice(0, -1) : value, like });
  }
  return { ok: true, value: clauses };
}
