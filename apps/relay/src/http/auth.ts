// Identity's HTTPS routes under /api/v1 (who may call each: auth/rules.ts, enforced by
// http/auth-guard.ts before these run):
//   /auth/…          sign-in, refresh, sign-out, me, password, TOTP
//   /users           list, create, change (admin)
//   /invitations     create, list, revoke (admin); accept (public, rate-limited)
//   /sessions        list, revoke (admin)
//   /devices         list, revoke (admin)
//   /audit           sign-ins, lockouts, role changes, invitations (admin)
//   /api-keys        list, create (the secret once), revoke (admin)
import express, { type Request, type Response, type Router } from 'express';
import type { z } from 'zod';
import {
  apiKeyCreateRequestSchema,
  describeIssues,
  fieldIssues,
  invitationAcceptRequestSchema,
  invitationCreateRequestSchema,
  passwordChangeRequestSchema,
  refreshRequestSchema,
  signInRequestSchema,
  signOutRequestSchema,
  totpConfirmRequestSchema,
  totpDisableRequestSchema,
  userCreateRequestSchema,
  userUpdateRequestSchema,
} from '@gdial/protocol';
import type { AuthAdmin } from '../auth/admin-service';
import { toAuthUser, type AuthResult, type AuthService, type Caller } from '../auth/service';
import { FailureThrottle } from '../ops/rate-limit';
import { authError, callerOf, deviceOf } from './auth-guard';
import { refuseRateLimited } from './middleware';
import type { HttpServices } from './services';

const body = express.json({ limit: '16kb' });

/** The parsed body, or a 400 naming each problem (the schemas' messages are Swedish). */
function parse<T extends z.ZodType>(schema: T, req: Request, res: Response): z.infer<T> | null {
  const parsed = schema.safeParse(req.body ?? {});
  if (parsed.success) return parsed.data;
  authError(res, { status: 400, code: 'validation', message: describeIssues(fieldIssues(parsed.error)) });
  return null;
}

function answer<T>(res: Response, r: AuthResult<T>, status = 200): void {
  if (r.ok) res.status(status).json(r.value);
  else authError(res, r.failure);
}

const param = (req: Request, name: string): string => String(req.params[name] ?? '');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function authRouter(services: HttpServices, auth: AuthService, admin: AuthAdmin): Router {
  const router = express.Router();
  // Wrong passwords and invitation codes per client address, besides the per-user lockout:
  // one address cannot try many users' passwords, or guess codes, quickly.
  const guesses = new FailureThrottle(services.config.failedAuthBurst, services.config.failedAuthPerSecond);
  const throttled = (req: Request, res: Response): boolean => {
    const wait = guesses.blocked(req.ip ?? 'unknown');
    if (wait > 0) refuseRateLimited(res, req.log, services.metrics, 'sign-in', wait);
    return wait > 0;
  };
  const device = (req: Request) => {
    const d = deviceOf(req);
    return { tenantId: d.tenant.id, tenantSlug: d.tenant.slug, deviceId: d.deviceId };
  };
  const missing = (res: Response, what: string) => authError(res, { status: 404, code: 'not-found', message: `${what} finns inte.` });

  /** DELETE <path>/:id: revokes one row of the caller's organisation; 204, or 404 naming what was not found. */
  const revoke = (path: string, what: string, fn: (tenantId: string, id: string, caller: Caller) => Promise<AuthResult<true>>) =>
    router.delete(path, async (req, res) => {
      const id = param(req, 'id');
      if (!UUID.test(id)) return missing(res, what);
      const caller = callerOf(req);
      const r = await fn(caller.tenantId, id, caller);
      if (r.ok) res.status(204).end();
      else answer(res, r);
    });

  router.post('/auth/sign-in', body, async (req, res) => {
    if (throttled(req, res)) return;
    const input = parse(signInRequestSchema, req, res);
    if (!input) return;
    const r = await auth.signIn(device(req), input);
    if (!r.ok && r.failure.code !== 'totp-required') guesses.failed(req.ip ?? 'unknown');
    if (r.ok) req.log.info({ userId: r.value.user.id }, 'signed in');
    else req.log.warn({ code: r.failure.code }, 'sign-in refused');
    answer(res, r);
  });

  router.post('/auth/refresh', body, async (req, res) => {
    const input = parse(refreshRequestSchema, req, res);
    if (!input) return;
    const r = await auth.refresh(device(req), input.refreshToken);
    if (!r.ok) req.log.warn({ code: r.failure.code }, 'refresh refused');
    answer(res, r);
  });

  router.post('/auth/sign-out', body, async (req, res) => {
    if (!parse(signOutRequestSchema, req, res)) return;
    await auth.signOut(callerOf(req));
    res.status(204).end();
  });

  router.get('/auth/me', (req, res) => {
    res.json(toAuthUser(callerOf(req).user));
  });

  router.post('/auth/password', body, async (req, res) => {
    const input = parse(passwordChangeRequestSchema, req, res);
    if (!input) return;
    const r = await auth.changePassword(callerOf(req), input.currentPassword, input.newPassword);
    if (r.ok) res.status(204).end();
    else answer(res, r);
  });

  router.post('/auth/totp/setup', async (req, res) => {
    res.json(await auth.totpSetup(callerOf(req)));
  });

  router.post('/auth/totp/confirm', body, async (req, res) => {
    const input = parse(totpConfirmRequestSchema, req, res);
    if (input) answer(res, await auth.totpConfirm(callerOf(req), input.totp));
  });

  router.post('/auth/totp/disable', body, async (req, res) => {
    const input = parse(totpDisableRequestSchema, req, res);
    if (input) answer(res, await auth.totpDisable(callerOf(req), input.password));
  });

  // ── administration ────────────────────────────────────────────────────────────────────

  router.get('/users', async (req, res) => {
    res.json({ users: await admin.listUsers(callerOf(req).tenantId) });
  });

  router.post('/users', body, async (req, res) => {
    const input = parse(userCreateRequestSchema, req, res);
    if (!input) return;
    const caller = callerOf(req);
    answer(res, await admin.createUser(caller.tenantId, input, caller), 201);
  });

  router.patch('/users/:id', body, async (req, res) => {
    const input = parse(userUpdateRequestSchema, req, res);
    if (!input) return;
    const id = param(req, 'id');
    if (!UUID.test(id)) return missing(res, 'Användaren');
    const caller = callerOf(req);
    answer(res, await admin.updateUser(caller.tenantId, id, input, caller));
  });

  router.post('/invitations/accept', body, async (req, res) => {
    if (throttled(req, res)) return;
    const input = parse(invitationAcceptRequestSchema, req, res);
    if (!input) return;
    const r = await admin.acceptInvitation(input);
    if (!r.ok && r.failure.code === 'invitation-invalid') guesses.failed(req.ip ?? 'unknown');
    answer(res, r, 201);
  });

  router.get('/invitations', async (req, res) => {
    res.json({ invitations: await admin.listInvitations(callerOf(req).tenantId) });
  });

  router.post('/invitations', body, async (req, res) => {
    const input = parse(invitationCreateRequestSchema, req, res);
    if (!input) return;
    const caller = callerOf(req);
    res.status(201).json(await admin.createInvitation(caller.tenantId, input.role, input.expiresInHours, caller));
  });

  revoke('/invitations/:id', 'Inbjudan', (tenantId, id, caller) => admin.revokeInvitation(tenantId, id, caller));

  // API keys for other systems (docs/api.md): the secret is in the creation's answer only.
  router.get('/api-keys', async (req, res) => {
    res.json({ keys: await services.apiKeys.list(callerOf(req).tenantId) });
  });

  router.post('/api-keys', body, async (req, res) => {
    const input = parse(apiKeyCreateRequestSchema, req, res);
    if (!input) return;
    const caller = callerOf(req);
    res.status(201).json(await services.apiKeys.create(caller.tenantId, input, caller));
  });

  revoke('/api-keys/:id', 'API-nyckeln', (tenantId, id, caller) => services.apiKeys.revoke(tenantId, id, caller));

  router.get('/sessions', async (req, res) => {
    res.json({ sessions: await admin.listSessions(callerOf(req).tenantId) });
  });

  revoke('/sessions/:id', 'Sessionen', (tenantId, id, caller) => admin.revokeSession(tenantId, id, caller));

  router.get('/devices', async (req, res) => {
    res.json({ devices: await admin.listDevices(callerOf(req).tenantId) });
  });

  revoke('/devices/:id', 'Arbetsplatsen', (tenantId, id, caller) => admin.revokeDevice(tenantId, id, caller));

  router.get('/audit', async (req, res) => {
    const limit = Math.min(1000, Math.max(1, Number(req.query.limit ?? 200) || 200));
    const before = req.query.before === undefined ? undefined : Number(req.query.before);
    if (before !== undefined && !Number.isSafeInteger(before)) {
      authError(res, { status: 400, code: 'validation', message: 'before: ett heltal (id för sidans sista post)' });
      return;
    }
    res.json({ entries: await admin.listAudit(callerOf(req).tenantId, limit, before) });
  });

  return router;
}
