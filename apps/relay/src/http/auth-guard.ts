// The one gate in front of /api/v1: finds the route's rule (auth/rules.ts), checks the
// credential it asks for — a device token, or a signed-in user's access token and role —
// and remembers who called for the route to use. Refusals are JSON with a Swedish message;
// a role refusal names the roles that may.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { roleRefusalMessage } from '@gdial/protocol';
import { ruleFor } from '../auth/rules';
import type { KeyCaller } from '../auth/api-keys';
import type { AuthFailure, AuthService, Caller } from '../auth/service';
import { FailureThrottle } from '../ops/rate-limit';
import { authenticateDevice, findTenantBySlug, type AuthenticatedDevice } from '../store/tenants';
import { refuseRateLimited, sendJson } from './middleware';
import type { HttpServices } from './services';

const devices = new WeakMap<Request, AuthenticatedDevice>();
const callers = new WeakMap<Request, Caller>();
const keyCallers = new WeakMap<Request, KeyCaller>();

/** The API key of a request the guard admitted on a key rule. */
export const keyCallerOf = (req: Request): KeyCaller => {
  const k = keyCallers.get(req);
  if (!k) throw new Error('keyCallerOf on a request without a key rule');
  return k;
};

/** The desktop of a request the guard admitted on a device rule. */
export const deviceOf = (req: Request): AuthenticatedDevice => {
  const d = devices.get(req);
  if (!d) throw new Error('deviceOf on a request without a device rule');
  return d;
};

/** The signed-in user of a request the guard admitted on a role rule. */
export const callerOf = (req: Request): Caller => {
  const c = callers.get(req);
  if (!c) throw new Error('callerOf on a request without a role rule');
  return c;
};

export function authError(res: Response, f: AuthFailure): void {
  if (f.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(f.retryAfterSeconds));
  if (f.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
  sendJson(res, f.status, {
    error: {
      code: f.code,
      message: f.message,
      ...(f.requiredRoles ? { requiredRoles: f.requiredRoles } : {}),
      ...(f.requiredScope ? { requiredScope: f.requiredScope } : {}),
      ...(f.retryAfterSeconds !== undefined ? { retryAfterSeconds: f.retryAfterSeconds } : {}),
    },
  });
}

const bearer = (req: Request): string | null => /^Bearer (\S+)$/.exec(req.get('authorization') ?? '')?.[1] ?? null;

export function authGuard(services: HttpServices, auth: AuthService): RequestHandler {
  // Wrong credentials per client address: a guesser is slowed down, a desktop with a typo is not locked out.
  const failures = new FailureThrottle(services.config.failedAuthBurst, services.config.failedAuthPerSecond);
  return async (req: Request, res: Response, next: NextFunction) => {
    const found = ruleFor(req.method, req.path);
    if (!found) {
      authError(res, { status: 404, code: 'not-found', message: 'Ingen sådan väg i reläets API.' });
      return;
    }
    const { rule } = found;
    if (rule.kind === 'public') {
      next();
      return;
    }
    const client = req.ip ?? 'unknown';
    const wait = failures.blocked(client);
    if (wait > 0) {
      refuseRateLimited(res, req.log, services.metrics, 'api-auth', wait);
      return;
    }
    const token = bearer(req);
    if (rule.kind === 'key') {
      const key = await services.apiKeys.authenticate(token, rule.scope, client, found.key);
      if (!key.ok) {
        if (key.failure.code === 'unauthorized') failures.failed(client);
        authError(res, key.failure);
        return;
      }
      keyCallers.set(req, key.value);
      req.log = req.log.child({ tenant: key.value.tenant.slug, apiKey: key.value.key.id });
      next();
      return;
    }
    if (rule.kind === 'device') {
      const device = token ? await authenticateDevice(services.db, token) : null;
      if (!device) {
        failures.failed(client);
        authError(res, {
          status: 401,
          code: 'unauthorized',
          message: 'Arbetsplatsen är inte registrerad hos reläet: en giltig enhetsnyckel krävs (Authorization: Bearer …).',
        });
        return;
      }
      devices.set(req, device);
      req.log = req.log.child({ tenant: device.tenant.slug, deviceId: device.deviceId });
      next();
      return;
    }
    const verified = token ? auth.verifyAccess(token) : null;
    if (!verified?.ok) {
      if (!verified || verified.failure.code !== 'token-expired') failures.failed(client);
      authError(res, verified?.failure ?? { status: 401, code: 'unauthorized', message: 'Du är inte inloggad.' });
      return;
    }
    const tenant = await findTenantBySlug(services.db, verified.value.tenant);
    const caller = tenant ? await auth.callerOf(verified.value, tenant.id) : null;
    if (!caller?.ok) {
      authError(res, caller?.failure ?? { status: 401, code: 'unauthorized', message: 'Organisationen finns inte längre.' });
      return;
    }
    req.log = req.log.child({ tenant: caller.value.tenantSlug, deviceId: caller.value.deviceId, userId: caller.value.user.userId });
    if (!rule.roles.includes(caller.value.user.role)) {
      authError(res, { status: 403, code: 'forbidden', message: roleRefusalMessage(rule.roles), requiredRoles: [...rule.roles] });
      return;
    }
    callers.set(req, caller.value);
    next();
  };
}
