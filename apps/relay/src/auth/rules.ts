// Who may call each route of /api/v1: one table, applied by one middleware (http/auth-guard.ts)
// before any route runs. A route the table does not name is refused (404), and a test walks
// the express router so a route added without a rule fails it.
//   public  no credentials (enrolment, accepting an invitation: their one-time codes are the credential)
//   device  an enrolled desktop's device token (Authorization: Bearer gdd_…): the engine's own
//           traffic, which runs whoever is signed in, and signing in itself
//   roles   a signed-in user's access token (Authorization: Bearer <JWT>) with one of these roles
//   key     another system's API key (Authorization: Bearer gdk_…) with this scope (docs/api.md)
import { roles, type ApiKeyScope, type Role } from '@gdial/protocol';

export type RouteRule =
  { kind: 'public' } | { kind: 'device' } | { kind: 'user'; roles: readonly Role[] } | { kind: 'key'; scope: ApiKeyScope };

const publicRoute: RouteRule = { kind: 'public' };
const device: RouteRule = { kind: 'device' };
const anyUser: RouteRule = { kind: 'user', roles };
const admin: RouteRule = { kind: 'user', roles: ['admin'] };

/** "METHOD /path" (as mounted under /api/v1, express path syntax) → who may call it. */
export const routeRules: Readonly<Record<string, RouteRule>> = {
  'POST /devices/enrol': publicRoute,
  'POST /media': device,
  'GET /media/sha256/:sha256': device,
  'PUT /call-flows/:flowId': device,
  // Burn messages (http/burn.ts): the engine stores the ciphertext; the page at /b/:id is outside /api/v1.
  'POST /burn-messages': device,
  // People who call back (http/callbacks-api.ts): the engine publishes who was sent what; the calls themselves are under /callback.
  'PUT /callbacks': device,
  'GET /health': device,
  'POST /sync/push': device,
  'POST /sync/states': device,
  'GET /sync/snapshot': device,
  'GET /sync/organisation': device,
  // Alert leases are the desktop's (the engine renews and takes them; the operator's right to take over is checked there).
  'GET /sync/leases': device,
  'POST /sync/leases/renew': device,
  'POST /sync/leases/take': device,

  'POST /auth/sign-in': device,
  'POST /auth/refresh': device,
  'POST /auth/sign-out': anyUser,
  'GET /auth/me': anyUser,
  'POST /auth/password': anyUser,
  'POST /auth/totp/setup': anyUser,
  'POST /auth/totp/confirm': anyUser,
  'POST /auth/totp/disable': anyUser,

  'GET /users': admin,
  'POST /users': admin,
  'PATCH /users/:id': admin,
  'GET /invitations': admin,
  'POST /invitations': admin,
  'DELETE /invitations/:id': admin,
  'POST /invitations/accept': publicRoute,
  'GET /sessions': admin,
  'DELETE /sessions/:id': admin,
  'GET /devices': admin,
  'DELETE /devices/:id': admin,
  'GET /audit': admin,

  // Outgoing webhooks (webhooks-out/): subscribing, secrets, the delivery log and re-sends are the administrator's.
  'GET /webhooks': admin,
  'POST /webhooks': admin,
  'PATCH /webhooks/:id': admin,
  'DELETE /webhooks/:id': admin,
  'POST /webhooks/:id/rotate-secret': admin,
  'POST /webhooks/:id/test': admin,
  'GET /webhook-deliveries': admin,
  'POST /webhook-deliveries/:id/resend': admin,
  'GET /api-keys': admin,
  'POST /api-keys': admin,
  'DELETE /api-keys/:id': admin,

  // The address book for other systems (http/api-contacts.ts): an HR system's sync on an API key.
  'GET /contacts': { kind: 'key', scope: 'contacts:read' },
  'GET /contacts/:id': { kind: 'key', scope: 'contacts:read' },
  'PUT /contacts/:id': { kind: 'key', scope: 'contacts:write' },
  'PATCH /contacts/:id': { kind: 'key', scope: 'contacts:write' },
  'DELETE /contacts/:id': { kind: 'key', scope: 'contacts:write' },
  'POST /contacts/batch': { kind: 'key', scope: 'contacts:write' },
  'GET /groups': { kind: 'key', scope: 'contacts:read' },
  'PUT /groups/:id/members/:contactId': { kind: 'key', scope: 'contacts:write' },
  'DELETE /groups/:id/members/:contactId': { kind: 'key', scope: 'contacts:write' },
  // Alerts other systems raise and follow with an API key (alerts-api/), and the desktops' pick-up of them.
  'POST /alerts': { kind: 'key', scope: 'alerts:trigger' },
  'GET /alerts/:id': { kind: 'key', scope: 'alerts:read' },
  'GET /alerts/:id/rollcall': { kind: 'key', scope: 'alerts:read' },
  'GET /alerts/:id/report': { kind: 'key', scope: 'alerts:read' },
  'POST /alerts/:id/cancel': { kind: 'key', scope: 'alerts:trigger' },
  'POST /cap': { kind: 'key', scope: 'alerts:trigger' },
  'GET /sync/alert-requests': device,
  'POST /sync/alert-requests/:id/claim': device,
  'POST /sync/alert-requests/:id/state': device,
};

interface CompiledRule {
  method: string;
  pattern: RegExp;
  rule: RouteRule;
  key: string;
}

const compile = (key: string, rule: RouteRule): CompiledRule => {
  const [method, path] = key.split(' ') as [string, string];
  const source = path
    .split('/')
    .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return { method, pattern: new RegExp(`^${source}/?$`), rule, key };
};

// Literal paths before parameterised ones, so /invitations/accept is not read as /invitations/:id.
const compiled = Object.entries(routeRules)
  .map(([k, r]) => compile(k, r))
  .sort((a, b) => Number(a.key.includes(':')) - Number(b.key.includes(':')));

/** The rule for a request (path relative to /api/v1), or null when no route has one. */
export function ruleFor(method: string, path: string): { key: string; rule: RouteRule } | null {
  const m = method === 'HEAD' ? 'GET' : method;
  const hit = compiled.find((c) => c.method === m && c.pattern.test(path));
  return hit ? { key: hit.key, rule: hit.rule } : null;
}
