// What the two call-flow routers (/twiml for Twilio, /elks-actions for 46elks) do alike
// before and after their own provider's checks: the tenant and the client's allowance of
// failed checks resolved before the body is read, the body read raw within the form limit,
// and the caller's digit committed to the tenant's log before the flow answers.
import express, { type Request, type RequestHandler, type Response } from 'express';
import { MAX_FORM_BYTES } from '../ingest/limits';
import { TenantCache, type ResolvedTenant } from '../ingest/tenant-cache';
import type { FailureThrottle } from '../ops/rate-limit';
import type { AppendItem } from '../store/events';
import { apiError, refuseRateLimited } from './middleware';
import type { HttpServices } from './services';
import { parseForm, verifyTwilio, type FormParams } from '../ingest/twilio';
import { publicUrlOf, rejectWebhook } from './webhooks';

export interface FlowLocals {
  resolved: ResolvedTenant;
  failureKey: string;
}

export const rawBodyOf = (req: Request): Buffer => (Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));

/** The request's body, raw, within the form limit. */
export const flowBody = (services: HttpServices): RequestHandler =>
  express.raw({ type: () => true, limit: Math.min(MAX_FORM_BYTES, services.config.webhookBodyLimitBytes) });

/**
 * Resolves the tenant and refuses a client that failed too many checks (signature or secret)
 * of it lately, before the body is read; `kindOf` names the request for the metrics.
 */
export function flowTenantFirst(
  services: HttpServices,
  failures: FailureThrottle,
  provider: 'twilio' | 'elks',
  throttleName: string,
  kindOf: (path: string) => string,
): RequestHandler {
  return (req, res, next) => {
    const tenant = String(req.params.tenant);
    const kind = kindOf(req.path);
    if (services.isShuttingDown()) {
      apiError(res, 503, 'shutting-down', 'Relay is restarting; retry');
      return;
    }
    const lookup = TenantCache.wellFormed(tenant) ? services.tenants.resolve(tenant) : Promise.resolve(null);
    lookup.then((resolved) => {
      if (!resolved) {
        rejectWebhook(services, req.log, res, tenant, provider, kind, 'rejected_unknown_tenant', 404, 'unknown tenant');
        return;
      }
      const failureKey = `${req.ip ?? 'unknown'}\u0000${resolved.tenant.id}`;
      const wait = failures.blocked(failureKey);
      if (wait > 0) {
        refuseRateLimited(res, req.log, services.metrics, throttleName, wait);
        return;
      }
      (res.locals as FlowLocals).resolved = resolved;
      (res.locals as FlowLocals).failureKey = failureKey;
      next();
    }, next);
  };
}

/**
 * Commits the caller's answer to the tenant's log; false (and a 503 the provider hears)
 * when it could not be, so nothing is answered as if it had been.
 */
export async function commitFlowEvent(
  services: HttpServices,
  req: Request,
  res: Response,
  tenantId: string,
  provider: 'twilio' | 'elks',
  kind: string,
  item: AppendItem,
): Promise<boolean> {
  try {
    const outcome = await services.appender.append(tenantId, item);
    services.metrics.webhooks.inc({ provider, kind, result: outcome.duplicate ? 'duplicate' : 'accepted' });
    return true;
  } catch (err) {
    services.metrics.webhooks.inc({ provider, kind, result: 'error' });
    req.log.error({ err }, `committing ${kind} failed; the provider will hear an error`);
    apiError(res, 503, 'unavailable', 'Could not commit the event');
    return false;
  }
}

/**
 * The form of a Twilio call-flow request once its body parses and its signature holds for the
 * tenant, or null when it was refused (answered already, the failed signature counted).
 */
export function verifiedTwilioForm(
  services: HttpServices,
  failures: FailureThrottle,
  req: Request,
  res: Response,
  kind: string,
): FormParams | null {
  const { resolved, failureKey } = res.locals as FlowLocals;
  const raw = rawBodyOf(req);
  const form = parseForm(raw);
  if (!form.ok) {
    rejectWebhook(services, req.log, res, String(req.params.tenant), 'twilio', kind, 'rejected_bad_request', form.status, form.reason);
    return null;
  }
  const verdict = verifyTwilio(
    resolved.credentials.twilioAuthToken,
    req.get('x-twilio-signature'),
    publicUrlOf(services, req.originalUrl),
    raw,
    req.get('content-type'),
    form.params,
  );
  if (!verdict.ok) {
    failures.failed(failureKey);
    rejectWebhook(services, req.log, res, String(req.params.tenant), 'twilio', kind, 'rejected_signature', 403, verdict.reason);
    return null;
  }
  return form.params;
}
