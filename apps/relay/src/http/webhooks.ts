// Provider webhook endpoints, one set per tenant:
//   POST /hooks/:tenant/twilio/{message-status,call-status,inbound}
//   POST /hooks/:tenant/sendgrid/events
//   POST /hooks/:tenant/telegram/update
//   POST /hooks/:tenant/elks/{sms-status,inbound,call-hangup}?s=<the tenant's callback secret>
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
import { forLog, MAX_FORM_BYTES } from '../ingest/limits';
import { TenantCache, type ResolvedTenant } from '../ingest/tenant-cache';
import { sendgridItems, verifySendgrid } from '../ingest/sendgrid';
import { elksItem, elksKindOf, verifyElks } from '../ingest/elks';
import { telegramItem, verifyTelegram } from '../ingest/telegram';
import { EMPTY_TWIML, parseForm, twilioItem, twilioKindOf, verifyTwilio } from '../ingest/twilio';
import { queryOf, type Verdict } from '../ingest/webhook';
import type { WebhookResult } from '../ops/metrics';
import { blamesData } from '../ingest/appender';
import type { AppendItem } from '../store/events';
import { readBody } from './body';
import { FailureThrottle, RateLimiter } from '../ops/rate-limit';
import { apiError, beginRequest, refuseRateLimited, sendJson, type RequestScope } from './middleware';
import type { HttpServices } from './services';

/** The URL as the provider called it: configured public base + path and query as received. */
export const publicUrlOf = (services: HttpServices, originalUrl: string): string => services.publicBaseUrl() + originalUrl;

type Provider = 'twilio' | 'sendgrid' | 'telegram' | 'elks';

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
  if (result === 'rejected_signature') services.metrics.signatureFailures.add(tenant);
  log.warn({ provider, kind, result, reason, tenant: forLog(tenant) }, 'webhook rejected');
  apiError(res, status, result, status === 403 ? 'Signature verification failed' : reason);
}

/**
 * Failed signature checks per client address and tenant, shared by the webhook and call-flow
 * routes: after `burst` failures a client is refused (429) for that tenant before its body is
 * read or any signature computed, until its allowance refills.
 */
export function signatureFailureThrottle(services: HttpServices): FailureThrottle {
  return new FailureThrottle(services.config.failedAuthBurst, services.config.failedAuthPerSecond);
}

/** Whether a request path belongs to the webhook endpoints (`/hooks` and below, any case). */
export function isWebhookPath(url: string): boolean {
  return url.length >= 6 && url.slice(0, 6).toLowerCase() === '/hooks' && (url.length === 6 || url[6] === '/' || url[6] === '?');
}

type Route = { provider: 'twilio' | 'elks'; kindName: string; tenant: string } | { provider: 'sendgrid' | 'telegram'; tenant: string };

/** The route patterns, as the request log names them. */
const routeNames = {
  twilio: '/:tenant/twilio/:kind',
  sendgrid: '/:tenant/sendgrid/events',
  telegram: '/:tenant/telegram/update',
  elks: '/:tenant/elks/:kind',
} as const;

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
  if (provider === 'twilio' || provider === 'elks') return { provider, kindName: last, tenant };
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
  /** The tenant as named in the URL (for logs: always through forLog). */
  tenant: string;
  resolved: ResolvedTenant;
  /** Client address and tenant: the key of the failed-signature throttle. */
  failureKey: string;
  raw: Buffer;
}

/** What committing a post's events came to: all settled, some refused for what they hold, or the database failed. */
type CommitResult = { ok: true } | { ok: false; refused: string[] } | { ok: false; unavailable: true };

/**
 * Serves every request under /hooks. `clientAddress` is the client as the rate limit sees
 * it (express's `req.ip`, so a configured `trust proxy` applies here too).
 *
 * Order of work, cheapest refusal first: rate limit, route, the tenant name's form, the
 * tenant (cached), the client's failed-signature allowance, then the body (bounded), its
 * parse (bounded), the signature, and only then the commit.
 */
export function webhookEndpoint(
  services: HttpServices,
  clientAddress: (req: IncomingMessage) => string,
  failures: FailureThrottle = signatureFailureThrottle(services),
): (req: IncomingMessage, res: ServerResponse) => void {
  const { metrics, logger } = services;
  const limiter = new RateLimiter(services.config.rateLimitPerSecond);

  /**
   * Commits a post's events. An event the database refuses for what it holds (a data error,
   * after the appender retried it alone) is refused on its own; the others are committed.
   */
  const commit = async (hook: Hook, provider: Provider, items: AppendItem[]): Promise<CommitResult> => {
    const settled = await Promise.allSettled(items.map((item) => services.appender.append(hook.resolved.tenant.id, item)));
    const refused: string[] = [];
    let unavailable = false;
    settled.forEach((s, i) => {
      const kind = items[i]!.kind;
      if (s.status === 'fulfilled') {
        metrics.webhooks.inc({ provider, kind, result: s.value.duplicate ? 'duplicate' : 'accepted' });
      } else if (blamesData(s.reason)) {
        metrics.webhooks.inc({ provider, kind, result: 'rejected_bad_request' });
        refused.push(`event ${i} cannot be stored (${(s.reason as { code?: string }).code})`);
      } else {
        metrics.webhooks.inc({ provider, kind, result: 'error' });
        unavailable = true;
        hook.scope.log.error({ err: s.reason, provider }, 'committing webhook failed; provider will retry');
      }
    });
    if (logger.isLevelEnabled('debug'))
      hook.scope.log.debug(
        { provider, committed: settled.filter((s) => s.status === 'fulfilled').length, refused: refused.length },
        'webhook committed',
      );
    if (unavailable) return { ok: false, unavailable: true };
    return refused.length > 0 ? { ok: false, refused } : { ok: true };
  };

  /** Answers a commit that did not fully succeed; true when it did (the caller answers 2xx). */
  const settledOk = (hook: Hook, provider: Provider, kind: string, result: CommitResult, alsoRefused: string[] = []): boolean => {
    if (!result.ok && 'unavailable' in result) {
      apiError(hook.res, 503, 'unavailable', 'Could not commit the event; retry later');
      return false;
    }
    const refused = [...alsoRefused, ...(result.ok ? [] : result.refused)];
    if (refused.length === 0) return true;
    hook.scope.log.warn({ provider, kind, refused: refused.slice(0, 10) }, 'webhook events refused; the others were committed');
    apiError(hook.res, 400, 'rejected_bad_request', refused.slice(0, 10).join('; '));
    return false;
  };

  /** Checks the signature; answers, counts the failure and returns false when it fails. */
  const verified = (hook: Hook, provider: Provider, kind: string, verdict: Verdict): boolean => {
    if (verdict.ok) return true;
    failures.failed(hook.failureKey);
    rejectWebhook(services, hook.scope.log, hook.res, hook.tenant, provider, kind, 'rejected_signature', 403, verdict.reason);
    return false;
  };

  const badRequest = (hook: Hook, provider: Provider, kind: string, reason: string) =>
    rejectWebhook(services, hook.scope.log, hook.res, hook.tenant, provider, kind, 'rejected_bad_request', 400, reason);

  const twilioHook = async (hook: Hook, kind: NonNullable<ReturnType<typeof twilioKindOf>>) => {
    const { req, raw } = hook;
    const url = req.url!;
    const form = parseForm(raw);
    if (!form.ok) {
      rejectWebhook(services, hook.scope.log, hook.res, hook.tenant, 'twilio', kind, 'rejected_bad_request', form.status, form.reason);
      return;
    }
    const { credentials } = hook.resolved;
    const verdict = verifyTwilio(
      credentials.twilioAuthToken,
      header(req, 'x-twilio-signature'),
      publicUrlOf(services, url),
      raw,
      header(req, 'content-type'),
      form.params,
    );
    if (!verified(hook, 'twilio', kind, verdict)) return;
    const item = twilioItem(kind, form.params, queryOf(url));
    if (typeof item === 'string') return badRequest(hook, 'twilio', kind, item);
    if (!settledOk(hook, 'twilio', kind, await commit(hook, 'twilio', [item]))) return;
    if (kind === 'twilio.inbound-message') {
      hook.res.setHeader('Content-Type', 'text/xml; charset=utf-8');
      hook.res.setHeader('Content-Length', Buffer.byteLength(EMPTY_TWIML));
      hook.res.end(EMPTY_TWIML);
    } else {
      hook.res.statusCode = 204;
      hook.res.end();
    }
  };

  const sendgridHook = async (hook: Hook) => {
    const kind = 'sendgrid.events';
    const { req, raw } = hook;
    const verdict = verifySendgrid(
      hook.resolved.credentials.sendgridPublicKey,
      header(req, 'x-twilio-email-event-webhook-signature'),
      header(req, 'x-twilio-email-event-webhook-timestamp'),
      raw,
    );
    if (!verified(hook, 'sendgrid', kind, verdict)) return;
    const batch = sendgridItems(raw, queryOf(req.url!));
    if (typeof batch === 'string') return badRequest(hook, 'sendgrid', kind, batch);
    for (const _ of batch.refused) metrics.webhooks.inc({ provider: 'sendgrid', kind, result: 'rejected_bad_request' });
    const result = batch.items.length > 0 ? await commit(hook, 'sendgrid', batch.items) : ({ ok: true } as const);
    if (settledOk(hook, 'sendgrid', kind, result, batch.refused)) sendJson(hook.res, 200, { ok: true });
  };

  const telegramHook = async (hook: Hook) => {
    const kind = 'telegram.update';
    const { req, raw } = hook;
    const verdict = verifyTelegram(hook.resolved.credentials.telegramSecretToken, header(req, 'x-telegram-bot-api-secret-token'));
    if (!verified(hook, 'telegram', kind, verdict)) return;
    const item = telegramItem(raw, queryOf(req.url!));
    if (typeof item === 'string') return badRequest(hook, 'telegram', kind, item);
    if (settledOk(hook, 'telegram', kind, await commit(hook, 'telegram', [item]))) sendJson(hook.res, 200, { ok: true });
  };

  const kindOf = (route: Route): string | null => {
    if (route.provider === 'twilio') return twilioKindOf(route.kindName);
    if (route.provider === 'elks') return elksKindOf(route.kindName);
    return route.provider === 'sendgrid' ? 'sendgrid.events' : 'telegram.update';
  };

  const elksHook = async (hook: Hook, kind: NonNullable<ReturnType<typeof elksKindOf>>) => {
    const query = queryOf(hook.req.url!);
    if (!verified(hook, 'elks', kind, verifyElks(hook.resolved.credentials.elksCallbackSecret, query.s))) return;
    const form = parseForm(hook.raw);
    if (!form.ok) {
      rejectWebhook(services, hook.scope.log, hook.res, hook.tenant, 'elks', kind, 'rejected_bad_request', form.status, form.reason);
      return;
    }
    const item = elksItem(kind, form.params, query);
    if (typeof item === 'string') return badRequest(hook, 'elks', kind, item);
    if (!settledOk(hook, 'elks', kind, await commit(hook, 'elks', [item]))) return;
    hook.res.statusCode = 204;
    hook.res.end();
  };

  const serve = async (req: IncomingMessage, res: ServerResponse, scope: RequestScope, setRoute: (name: string) => void) => {
    const client = clientAddress(req);
    const wait = limiter.take(client);
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
    const kind = kindOf(route);
    if (!kind) {
      const name = forLog(route.provider === 'twilio' || route.provider === 'elks' ? route.kindName : '');
      apiError(res, 404, 'not-found', `No ${route.provider === 'elks' ? '46elks' : 'Twilio'} webhook "${name}"`);
      return;
    }
    if (services.isShuttingDown()) {
      apiError(res, 503, 'shutting-down', 'Relay is restarting; retry');
      return;
    }
    // The tenant before the body: a name that cannot be a tenant's, or names none, is refused
    // without reading, parsing or verifying anything.
    const resolved = TenantCache.wellFormed(route.tenant) ? await services.tenants.resolve(route.tenant) : null;
    if (!resolved) {
      rejectWebhook(services, scope.log, res, route.tenant, route.provider, kind, 'rejected_unknown_tenant', 404, 'unknown tenant');
      return;
    }
    const failureKey = `${client}\u0000${resolved.tenant.id}`;
    const retryAfter = failures.blocked(failureKey);
    if (retryAfter > 0) {
      refuseRateLimited(res, scope.log, metrics, 'hooks-failed-signatures', retryAfter);
      return;
    }
    const limit =
      route.provider === 'twilio' || route.provider === 'elks'
        ? Math.min(MAX_FORM_BYTES, services.config.webhookBodyLimitBytes)
        : services.config.webhookBodyLimitBytes;
    const body = await readBody(req, limit);
    if (!body.ok) {
      refuse(res, scope, body.status, body.type);
      return;
    }
    const hook: Hook = { req, res, scope, tenant: route.tenant, resolved, failureKey, raw: body.body };
    switch (route.provider) {
      case 'twilio':
        return twilioHook(hook, kind as NonNullable<ReturnType<typeof twilioKindOf>>);
      case 'sendgrid':
        return sendgridHook(hook);
      case 'telegram':
        return telegramHook(hook);
      case 'elks':
        return elksHook(hook, kind as NonNullable<ReturnType<typeof elksKindOf>>);
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
