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
import type { ResolvedTenant } from '../ingest/tenant-cache';
import { sendgridItems, verifySendgrid } from '../ingest/sendgrid';
import { telegramItem, verifyTelegram } from '../ingest/telegram';
import { EMPTY_TWIML, parseForm, twilioItem, twilioKindOf, verifyTwilio } from '../ingest/twilio';
import { queryOf, type Verdict } from '../ingest/webhook';
import type { WebhookResult } from '../ops/metrics';
import type { AppendItem } from '../store/events';
import { readBody } from './body';
import { RateLimiter } from '../ops/rate-limit';
import { apiError, beginRequest, refuseRateLimited, sendJson, type RequestScope } from './middleware';
import type { HttpServices } from './services';

/** The URL as the provider called it: configured public base + path and query as received. */
export const publicUrlOf = (services: HttpServices, originalUrl: string): string => services.publicBaseUrl() + originalUrl;

type Provider = 'twilio' | 'sendgrid' | 'telegram';

export function rejectWebhook(
  services: HttpServices,
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
  services: HttpServices,
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

  const badRequest = (hook: Hook, provider: Provider, kind: string, reason: string) =>
    rejectWebhook(services, hook.scope.log, hook.res, hook.tenant, provider, kind, 'rejected_bad_request', 400, reason);

  const twilioHook = async (hook: Hook, kindName: string) => {
    const kind = twilioKindOf(kindName);
    if (!kind) {
      apiError(hook.res, 404, 'not-found', `No Twilio webhook "${kindName}"`);
      return;
    }
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
    const item = twilioItem(kind, params, queryOf(url));
    if (typeof item === 'string') return badRequest(hook, 'twilio', kind, item);
    await commit(hook, 'twilio', resolved.tenant.id, [item], () => {
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
    const items = sendgridItems(raw, queryOf(req.url!));
    if (typeof items === 'string') return badRequest(hook, 'sendgrid', kind, items);
    await commit(hook, 'sendgrid', resolved.tenant.id, items, () => sendJson(hook.res, 200, { ok: true }));
  };

  const telegramHook = async (hook: Hook) => {
    const kind = 'telegram.update';
    const { req, raw } = hook;
    const resolved = await admit(hook, 'telegram', kind, ({ credentials }) =>
      verifyTelegram(credentials.telegramSecretToken, header(req, 'x-telegram-bot-api-secret-token')),
    );
    if (!resolved) return;
    const item = telegramItem(raw, queryOf(req.url!));
    if (typeof item === 'string') return badRequest(hook, 'telegram', kind, item);
    await commit(hook, 'telegram', resolved.tenant.id, [item], () => sendJson(hook.res, 200, { ok: true }));
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
