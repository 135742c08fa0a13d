// Provider webhook endpoints, one set per tenant:
//   POST /hooks/:tenant/twilio/{message-status,call-status,inbound}
//   POST /hooks/:tenant/sendgrid/events
//   POST /hooks/:tenant/telegram/update
// Each request is verified on its raw bytes, then committed to the tenant's log, and only
// then answered 2xx. A resent event (same provider identity) is recognised, stored once
// and acknowledged again.
//
// These are the relay's hot path (a campaign's status callbacks arrive by the thousand per
// second), so they are served on Node's request and response directly, not through express:
// the same rate limit, request id, body limit and answers, without express's per-request
// routing and prototype switching, which cost as much CPU as the rest of the webhook.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { RawWebhook, WebhookKind } from '@gdial/protocol';
import type { ResolvedTenant } from '../ingest/tenant-cache';
import { parseForm, verifySendgrid, verifyTelegram, verifyTwilio, type FormParams, type Verdict } from '../ingest/verify';
import type { WebhookResult } from '../ops/metrics';
import type { AppendItem } from '../store/events';
import { readBody } from './body';
import { apiError, beginRequest, RateLimiter, refuseRateLimited, sendJson, type RequestScope } from './middleware';
import type { RelayServices } from './services';

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

export const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** Query parameters of a request URL as strings (first value of a repeated key). */
export function queryOf(url: string): Record<string, string> {
  const out: Record<string, string> = {};
  const q = url.indexOf('?');
  if (q >= 0) for (const [k, v] of new URLSearchParams(url.slice(q + 1))) if (!(k in out)) out[k] = v;
  return out;
}

/** The URL as the provider called it: configured public base + path and query as received. */
export const publicUrlOf = (services: RelayServices, originalUrl: string): string => services.publicBaseUrl() + originalUrl;

type Provider = 'twilio' | 'sendgrid' | 'telegram';

export function rejectWebhook(
  services: RelayServices,
  log: Logger,
  res: ServerResponse,
  tenant: string,
  provider: Provider,
  kind: string,
  result: WebhookResult,
  status: number,
  reason: string,
): void {
  services.metrics.webhooks.inc({ provider, kind, result });
  log.warn({ provider, kind, result, reason, tenant }, 'webhook rejected');
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

/** Whether a request path belongs to the webhook endpoints (`/hooks` and below, any case). */
export function isWebhookPath(url: string): boolean {
  return url.length >= 6 && url.slice(0, 6).toLowerCase() === '/hooks' && (url.length === 6 || url[6] === '/' || url[6] === '?');
}

type Route = { provider: 'twilio'; kindName: string; tenant: string } | { provider: 'sendgrid' | 'telegram'; tenant: string };

/** The route patterns, as the request log names them. */
const routeNames = { twilio: '/:tenant/twilio/:kind', sendgrid: '/:tenant/sendgrid/events', telegram: '/:tenant/telegram/update' } as const;

/**
 * Matches `/hooks/:tenant/twilio/:kind`, `/hooks/:tenant/sendgrid/events` and
 * `/hooks/:tenant/telegram/update` as express did: literal segments in any case, an optional
 * trailing slash, parameters percent-decoded. Null = no such route; 'malformed' = a
 * parameter that does not decode.
 */
function matchRoute(url: string): Route | null | 'malformed' {
  const q = url.indexOf('?');
  let path = q >= 0 ? url.slice(0, q) : url;
  if (path.endsWith('/')) path = path.slice(0, -1);
  const parts = path.split('/'); // ['', 'hooks', tenant, provider, last]
  if (parts.length !== 5 || parts[2] === '' || parts[4] === '') return null;
  let tenant: string;
  let last: string;
  try {
    tenant = decodeURIComponent(parts[2]!);
    last = decodeURIComponent(parts[4]!);
  } catch {
    return 'malformed';
  }
  const provider = parts[3]!.toLowerCase();
  if (provider === 'twilio') return { provider, kindName: last, tenant };
  if (provider === 'sendgrid' && last.toLowerCase() === 'events') return { provider, tenant };
  if (provider === 'telegram' && last.toLowerCase() === 'update') return { provider, tenant };
  return null;
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
};

/** The body as JSON, or null when it is not JSON (the caller answers 400). */
function jsonOrNull(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    return null;
  }
}

interface Hook {
  req: IncomingMessage;
  res: ServerResponse;
  scope: RequestScope;
  tenant: string;
  raw: Buffer;
}

/**
 * Serves every request under /hooks. `clientAddress` is the client as the rate limit sees
 * it (express's `req.ip`, so a configured `trust proxy` applies here too).
 */
export function webhookEndpoint(
  services: RelayServices,
  clientAddress: (req: IncomingMessage) => string,
): (req: IncomingMessage, res: ServerResponse) => void {
  const { metrics, logger } = services;
  const limiter = new RateLimiter(services.config.rateLimitPerSecond);

  const commit = async (hook: Hook, provider: Provider, tenantId: string, items: AppendItem[], reply: () => void) => {
    try {
      const outcomes = await Promise.all(items.map((item) => services.appender.append(tenantId, item)));
      for (let i = 0; i < outcomes.length; i++)
        metrics.webhooks.inc({ provider, kind: items[i]!.kind, result: outcomes[i]!.duplicate ? 'duplicate' : 'accepted' });
      if (logger.isLevelEnabled('debug'))
        hook.scope.log.debug(
          { provider, seqs: outcomes.map((o) => o.seq), duplicates: outcomes.filter((o) => o.duplicate).length },
          'webhook committed',
        );
      reply();
    } catch (err) {
      for (const item of items) metrics.webhooks.inc({ provider, kind: item.kind, result: 'error' });
      hook.scope.log.error({ err, provider }, 'committing webhook failed; provider will retry');
      apiError(hook.res, 503, 'unavailable', 'Could not commit the event; retry later');
    }
  };

  /** Resolves the tenant and checks the signature; answers and returns null when either fails. */
  const admit = async (hook: Hook, provider: Provider, kind: string, check: (resolved: ResolvedTenant) => Verdict) => {
    if (services.isShuttingDown()) {
      apiError(hook.res, 503, 'shutting-down', 'Relay is restarting; retry');
      return null;
    }
    const resolved = await services.tenants.resolve(hook.tenant);
    if (!resolved) {
      rejectWebhook(services, hook.scope.log, hook.res, hook.tenant, provider, kind, 'rejected_unknown_tenant', 404, 'unknown tenant');
      return null;
    }
    const verdict = check(resolved);
    if (!verdict.ok) {
      rejectWebhook(services, hook.scope.log, hook.res, hook.tenant, provider, kind, 'rejected_signature', 403, verdict.reason);
      return null;
    }
    return resolved;
  };

  const twilioHook = async (hook: Hook, kindName: string) => {
    if (!Object.hasOwn(twilioKinds, kindName)) {
      apiError(hook.res, 404, 'not-found', `No Twilio webhook "${kindName}"`);
      return;
    }
    const kind = twilioKinds[kindName as keyof typeof twilioKinds];
    const { req, raw } = hook;
    const url = req.url!;
    const params = parseForm(raw);
    const resolved = await admit(hook, 'twilio', kind, ({ credentials }) =>
      verifyTwilio(
        credentials.twilioAuthToken,
        header(req, 'x-twilio-signature'),
        publicUrlOf(services, url),
        raw,
        header(req, 'content-type'),
        params,
      ),
    );
    if (!resolved) return;
    const eventKey = twilioEventKey(kind, params);
    if (!eventKey) {
      rejectWebhook(
        services,
        hook.scope.log,
        hook.res,
        hook.tenant,
        'twilio',
        kind,
        'rejected_bad_request',
        400,
        'callback lacks the Sid or status that identifies it',
      );
      return;
    }
    await commit(hook, 'twilio', resolved.tenant.id, [webhookItem(kind, eventKey, queryOf(url), params)], () => {
      if (kind === 'twilio.inbound-message') {
        hook.res.setHeader('Content-Type', 'text/xml; charset=utf-8');
        hook.res.setHeader('Content-Length', Buffer.byteLength(EMPTY_TWIML));
        hook.res.end(EMPTY_TWIML);
      } else {
        hook.res.statusCode = 204;
        hook.res.end();
      }
    });
  };

  const sendgridHook = async (hook: Hook) => {
    const kind = 'sendgrid.events';
    const { req, raw } = hook;
    const resolved = await admit(hook, 'sendgrid', kind, ({ credentials }) =>
      verifySendgrid(
        credentials.sendgridPublicKey,
        header(req, 'x-twilio-email-event-webhook-signature'),
        header(req, 'x-twilio-email-event-webhook-timestamp'),
        raw,
      ),
    );
    if (!resolved) return;
    const events = jsonOrNull(raw);
    const isEvent = (e: unknown): e is { sg_event_id: string } =>
      typeof e === 'object' &&
      e !== null &&
      typeof (e as { sg_event_id?: unknown }).sg_event_id === 'string' &&
      (e as { sg_event_id: string }).sg_event_id.length > 0;
    if (!Array.isArray(events) || events.length === 0 || !events.every(isEvent)) {
      rejectWebhook(
        services,
        hook.scope.log,
        hook.res,
        hook.tenant,
        'sendgrid',
        kind,
        'rejected_bad_request',
        400,
        'body is not an array of events with sg_event_id',
      );
      return;
    }
    const query = queryOf(req.url!);
    // One log entry per SendGrid event (each keeps the array shape of the post), so a
    // batch that is resent with a different grouping still dedups event by event.
    const items = (events as Array<{ sg_event_id: string }>).map((e) => webhookItem(kind, `sg:${e.sg_event_id}`, query, [e]));
    await commit(hook, 'sendgrid', resolved.tenant.id, items, () => sendJson(hook.res, 200, { ok: true }));
  };

  const telegramHook = async (hook: Hook) => {
    const kind = 'telegram.update';
    const { req, raw } = hook;
    const resolved = await admit(hook, 'telegram', kind, ({ credentials }) =>
      verifyTelegram(credentials.telegramSecretToken, header(req, 'x-telegram-bot-api-secret-token')),
    );
    if (!resolved) return;
    const update = jsonOrNull(raw);
    const updateId = typeof update === 'object' && update !== null ? (update as { update_id?: unknown }).update_id : undefined;
    if (typeof updateId !== 'number') {
      rejectWebhook(
        services,
        hook.scope.log,
        hook.res,
        hook.tenant,
        'telegram',
        kind,
        'rejected_bad_request',
        400,
        'body is not a Telegram update with update_id',
      );
      return;
    }
    await commit(hook, 'telegram', resolved.tenant.id, [webhookItem(kind, `tg:${updateId}`, queryOf(req.url!), update)], () =>
      sendJson(hook.res, 200, { ok: true }),
    );
  };

  const serve = async (req: IncomingMessage, res: ServerResponse, scope: RequestScope, setRoute: (name: string) => void) => {
    const wait = limiter.take(clientAddress(req));
    if (wait > 0) {
      refuseRateLimited(res, scope.log, metrics, 'hooks', wait);
      return;
    }
    const route = req.method === 'POST' ? matchRoute(req.url!) : null;
    if (route === null) {
      apiError(res, 404, 'not-found', 'No such endpoint');
      return;
    }
    if (route === 'malformed') {
      refuse(res, scope, 400, 'param.malformed');
      return;
    }
    setRoute(routeNames[route.provider]);
    const body = await readBody(req, services.config.webhookBodyLimitBytes);
    if (!body.ok) {
      refuse(res, scope, body.status, body.type);
      return;
    }
    const hook: Hook = { req, res, scope, tenant: route.tenant, raw: body.body };
    switch (route.provider) {
      case 'twilio':
        return twilioHook(hook, route.kindName);
      case 'sendgrid':
        return sendgridHook(hook);
      case 'telegram':
        return telegramHook(hook);
      default: {
        const unreachable: never = route;
        return unreachable;
      }
    }
  };

  return (req, res) => {
    let routeName = 'unmatched';
    const scope = beginRequest(logger, req, res, () => routeName);
    serve(req, res, scope, (name) => (routeName = name)).catch((err: unknown) => {
      scope.log.error({ err }, 'request failed');
      if (!res.headersSent) apiError(res, 500, 'internal', 'Internal error');
      else res.destroy();
    });
  };
}

/** A request refused before it reaches a route's logic, answered as the express error handler does. */
function refuse(res: ServerResponse, scope: RequestScope, status: number, type: string): void {
  scope.log.warn({ status, type }, 'request refused');
  apiError(res, status, status === 413 ? 'too-large' : 'bad-request', status === 413 ? 'Request body too large' : 'Bad request');
}
