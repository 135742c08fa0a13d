// Provider webhook endpoints, one set per tenant:
//   POST /hooks/:tenant/twilio/{message-status,call-status,inbound}
//   POST /hooks/:tenant/sendgrid/events
//   POST /hooks/:tenant/telegram/update
// Each request is verified on its raw bytes, then committed to the tenant's log, and only
// then answered 2xx. A resent event (same provider identity) is recognised, stored once
// and acknowledged again.
import express, { type Request, type Response, type Router } from 'express';
import type { RawWebhook, WebhookKind } from '@gdial/protocol';
import type { ResolvedTenant } from '../ingest/tenant-cache';
import { parseForm, verifySendgrid, verifyTelegram, verifyTwilio, type FormParams, type Verdict } from '../ingest/verify';
import type { WebhookResult } from '../ops/metrics';
import type { AppendItem } from '../store/events';
import { apiError, rateLimit } from './middleware';
import type { RelayServices } from './services';

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

export const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** Query parameters of the request as strings (first value of a repeated key). */
export function queryOf(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  const q = req.url.indexOf('?');
  if (q >= 0) for (const [k, v] of new URLSearchParams(req.url.slice(q + 1))) if (!(k in out)) out[k] = v;
  return out;
}

export const rawBodyOf = (req: Request): Buffer => (Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));

/** The URL as the provider called it: configured public base + path and query as received. */
export const publicUrlOf = (services: RelayServices, req: Request): string => services.publicBaseUrl() + req.originalUrl;

type Provider = 'twilio' | 'sendgrid' | 'telegram';

export function rejectWebhook(services: RelayServices, req: Request, res: Response, provider: Provider, kind: string, result: WebhookResult, status: number, reason: string): void {
  services.metrics.webhooks.inc({ provider, kind, result });
  req.log.warn({ provider, kind, result, reason, tenant: req.params.tenant }, 'webhook rejected');
  apiError(res, status, result, status === 403 ? 'Signature verification failed' : reason);
}

const twilioKinds = {
  'message-status': 'twilio.message-status',
  'call-status': 'twilio.call-status',
  inbound: 'twilio.inbound-message',
} as const satisfies Record<string, WebhookKind>;

/** Provider identity of a Twilio callback: resends carry the same values. */
function twilioEventKey(kind: (typeof twilioKinds)[keyof typeof twilioKinds], p: FormParams): string | null {
  switch (kind) {
    case 'twilio.message-status': {
      const sid = first(p.MessageSid) ?? first(p.SmsSid);
      const status = first(p.MessageStatus) ?? first(p.SmsStatus);
      return sid && status ? `msg:${sid}:${status}` : null;
    }
    case 'twilio.call-status': {
      const sid = first(p.CallSid);
      const status = first(p.CallStatus);
      return sid && status ? `call:${sid}:${status}:${first(p.SequenceNumber) ?? ''}` : null;
    }
    case 'twilio.inbound-message': {
      const sid = first(p.MessageSid) ?? first(p.SmsSid);
      return sid ? `in:${sid}` : null;
    }
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
}

export function webhookItem(kind: WebhookKind, eventKey: string, query: Record<string, string>, body: unknown): AppendItem {
  const webhook: RawWebhook = { kind, eventKey, receivedAt: new Date().toISOString(), query, body };
  return { eventKey, kind, event: { type: 'webhook', webhook } };
}

export function webhookRouter(services: RelayServices): Router {
  const router = express.Router();
  router.use(rateLimit('hooks', services.config.rateLimitPerSecond, services.metrics));
  router.use(express.raw({ type: () => true, limit: services.config.webhookBodyLimitBytes }));

  const commit = async (req: Request, res: Response, provider: Provider, tenantId: string, items: AppendItem[], reply: () => void) => {
    try {
      const outcomes = await Promise.all(items.map((item) => services.appender.append(tenantId, item)));
      for (const [i, o] of outcomes.entries()) {
        services.metrics.webhooks.inc({ provider, kind: items[i]!.kind, result: o.duplicate ? 'duplicate' : 'accepted' });
      }
      req.log.debug({ provider, seqs: outcomes.map((o) => o.seq), duplicates: outcomes.filter((o) => o.duplicate).length }, 'webhook committed');
      reply();
    } catch (err) {
      for (const item of items) services.metrics.webhooks.inc({ provider, kind: item.kind, result: 'error' });
      req.log.error({ err, provider }, 'committing webhook failed; provider will retry');
      apiError(res, 503, 'unavailable', 'Could not commit the event; retry later');
    }
  };

  /** Resolves the tenant and checks the signature; answers and returns null when either fails. */
  const admit = async (req: Request, res: Response, provider: Provider, kind: string, check: (resolved: ResolvedTenant) => Verdict) => {
    if (services.isShuttingDown()) {
      apiError(res, 503, 'shutting-down', 'Relay is restarting; retry');
      return null;
    }
    const resolved = await services.tenants.resolve(String(req.params.tenant));
    if (!resolved) {
      rejectWebhook(services, req, res, provider, kind, 'rejected_unknown_tenant', 404, 'unknown tenant');
      return null;
    }
    const verdict = check(resolved);
    if (!verdict.ok) {
      rejectWebhook(services, req, res, provider, kind, 'rejected_signature', 403, verdict.reason);
      return null;
    }
    return resolved;
  };

  router.post('/:tenant/twilio/:kind', async (req, res) => {
    const kindName = String(req.params.kind);
    if (!Object.hasOwn(twilioKinds, kindName)) {
      apiError(res, 404, 'not-found', `No Twilio webhook "${kindName}"`);
      return;
    }
    const kind = twilioKinds[kindName as keyof typeof twilioKinds];
    const raw = rawBodyOf(req);
    const resolved = await admit(req, res, 'twilio', kind, ({ credentials }) =>
      verifyTwilio(credentials.twilioAuthToken, req.get('x-twilio-signature'), publicUrlOf(services, req), raw, req.get('content-type')),
    );
    if (!resolved) return;
    const params = parseForm(raw);
    const eventKey = twilioEventKey(kind, params);
    if (!eventKey) {
      rejectWebhook(services, req, res, 'twilio', kind, 'rejected_bad_request', 400, 'callback lacks the Sid or status that identifies it');
      return;
    }
    await commit(req, res, 'twilio', resolved.tenant.id, [webhookItem(kind, eventKey, queryOf(req), params)], () => {
      if (kind === 'twilio.inbound-message') res.type('text/xml').send(EMPTY_TWIML);
      else res.status(204).end();
    });
  });

  router.post('/:tenant/sendgrid/events', async (req, res) => {
    const kind = 'sendgrid.events';
    const raw = rawBodyOf(req);
    const resolved = await admit(req, res, 'sendgrid', kind, ({ credentials }) =>
      verifySendgrid(
        credentials.sendgridPublicKey,
        req.get('x-twilio-email-event-webhook-signature'),
        req.get('x-twilio-email-event-webhook-timestamp'),
        raw,
      ),
    );
    if (!resolved) return;
    let events: unknown;
    try {
      events = JSON.parse(raw.toString('utf8'));
    } catch {
      events = null;
    }
    const isEvent = (e: unknown): e is { sg_event_id: string } =>
      typeof e === 'object' && e !== null && typeof (e as { sg_event_id?: unknown }).sg_event_id === 'string' && (e as { sg_event_id: string }).sg_event_id.length > 0;
    if (!Array.isArray(events) || events.length === 0 || !events.every(isEvent)) {
      rejectWebhook(services, req, res, 'sendgrid', kind, 'rejected_bad_request', 400, 'body is not an array of events with sg_event_id');
      return;
    }
    const query = queryOf(req);
    // One log entry per SendGrid event (each keeps the array shape of the post), so a
    // batch that is resent with a different grouping still dedups event by event.
    const items = (events as Array<{ sg_event_id: string }>).map((e) => webhookItem(kind, `sg:${e.sg_event_id}`, query, [e]));
    await commit(req, res, 'sendgrid', resolved.tenant.id, items, () => res.status(200).json({ ok: true }));
  });

  router.post('/:tenant/telegram/update', async (req, res) => {
    const kind = 'telegram.update';
    const raw = rawBodyOf(req);
    const resolved = await admit(req, res, 'telegram', kind, ({ credentials }) => verifyTelegram(credentials.telegramSecretToken, req.get('x-telegram-bot-api-secret-token')));
    if (!resolved) return;
    let update: unknown;
    try {
      update = JSON.parse(raw.toString('utf8'));
    } catch {
      update = null;
    }
    const updateId = typeof update === 'object' && update !== null ? (update as { update_id?: unknown }).update_id : undefined;
    if (typeof updateId !== 'number') {
      rejectWebhook(services, req, res, 'telegram', kind, 'rejected_bad_request', 400, 'body is not a Telegram update with update_id');
      return;
    }
    await commit(req, res, 'telegram', resolved.tenant.id, [webhookItem(kind, `tg:${updateId}`, queryOf(req), update)], () => res.status(200).json({ ok: true }));
  });

  return router;
}
