// The OpenAPI paths of the desktops' identity and sync routes (/api/v1/auth/…, users,
// invitations, sessions, devices, audit, sync), from the protocol's zod schemas and the
// route table (auth/rules.ts): each operation states who may call it, so the document and
// the gate cannot disagree.
import { z } from 'zod';
import {
  apiKeyCreateRequestSchema,
  apiKeyCreateResponseSchema,
  apiKeyListResponseSchema,
  authAuditResponseSchema,
  authErrorSchema,
  authUserSchema,
  deviceListResponseSchema,
  invitationAcceptRequestSchema,
  invitationAcceptResponseSchema,
  invitationCreateRequestSchema,
  invitationCreateResponseSchema,
  invitationListResponseSchema,
  organisationViewSchema,
  passwordChangeRequestSchema,
  refreshRequestSchema,
  refreshResponseSchema,
  roleInfo,
  sessionListResponseSchema,
  signInRequestSchema,
  signInResponseSchema,
  signOutRequestSchema,
  syncPushRequestSchema,
  syncPushResponseSchema,
  syncSnapshotPageSchema,
  totpConfirmRequestSchema,
  totpDisableRequestSchema,
  totpSetupResponseSchema,
  userCreateRequestSchema,
  userListResponseSchema,
  userSummarySchema,
  userUpdateRequestSchema,
} from '@gdial/protocol';
import { routeRules } from '../auth/rules';

const json = (schema: z.ZodType, io: 'input' | 'output' = 'output') => ({
  'application/json': { schema: z.toJSONSchema(schema, { io, unrepresentable: 'any' }) },
});
const error = (description: string) => ({ description, content: json(authErrorSchema) });
const id = (what: string) => [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' }, description: what }];

interface Op {
  summary: string;
  request?: z.ZodType;
  ok: [status: string, description: string, schema?: z.ZodType];
  errors?: Record<string, string>;
  parameters?: unknown[];
}

/** An operation of `METHOD /path` (as in the route table), with its security and the refusals every gated route may give. */
export function op(key: string, o: Op): Record<string, unknown> {
  const rule = routeRules[key];
  if (!rule) throw new Error(`no route rule for ${key}`);
  const who =
    rule.kind === 'public'
      ? 'Public.'
      : rule.kind === 'device'
        ? 'Device token.'
        : rule.kind === 'key'
          ? `API key with the scope ${rule.scope}.`
          : `Signed-in user with role ${rule.roles.map((r) => `${r} (${roleInfo[r].sv})`).join(', ')}.`;
  const [status, description, schema] = o.ok;
  return {
    summary: o.summary,
    description: who,
    ...(rule.kind === 'public' ? {} : { security: [{ [rule.kind]: [] }] }),
    ...(o.parameters ? { parameters: o.parameters } : {}),
    ...(o.request ? { requestBody: { required: true, content: json(o.request, 'input') } } : {}),
    responses: {
      [status]: { description, ...(schema ? { content: json(schema) } : {}) },
      '400': error('Invalid body (Swedish message naming each problem)'),
      ...(rule.kind === 'public'
        ? {}
        : rule.kind === 'key'
          ? { '401': error('No valid API key, or it is revoked (key-revoked) or expired (key-expired)') }
          : { '401': error('No valid device token or access token (token-expired: refresh)') }),
      ...(rule.kind === 'user' ? { '403': error('The role may not (forbidden, with requiredRoles)') } : {}),
      ...(rule.kind === 'key'
        ? {
            '403': error(
              'The key lacks the scope (scope-missing, with requiredScope) or is used from an address it does not allow (source-refused)',
            ),
            '429': error("Over the key's rate limit (Retry-After)"),
          }
        : {}),
      ...Object.fromEntries(Object.entries(o.errors ?? {}).map(([s, d]) => [s, error(d)])),
    },
  };
}

export function authPaths(): Record<string, Record<string, unknown>> {
  return {
    '/api/v1/auth/sign-in': {
      post: op('POST /auth/sign-in', {
        summary: 'Sign in on an enrolled desktop: password and, when enabled, a TOTP code',
        request: signInRequestSchema,
        ok: ['200', 'Signed in: access and refresh token', signInResponseSchema],
        errors: {
          '403': 'Locked out after repeated failures (locked, Retry-After) or disabled',
          '429': 'Too many failures from this address',
        },
      }),
    },
    '/api/v1/auth/refresh': {
      post: op('POST /auth/refresh', {
        summary: 'Rotate the refresh token (a reused old one ends the whole session; a retry within 30 s gets the same successor)',
        request: refreshRequestSchema,
        ok: ['200', 'A new pair', refreshResponseSchema],
      }),
    },
    '/api/v1/auth/sign-out': {
      post: op('POST /auth/sign-out', { summary: 'End this session', request: signOutRequestSchema, ok: ['204', 'Signed out'] }),
    },
    '/api/v1/auth/me': {
      get: op('GET /auth/me', { summary: 'The signed-in user as the relay knows them now', ok: ['200', 'The user', authUserSchema] }),
    },
    '/api/v1/auth/password': {
      post: op('POST /auth/password', {
        summary: "Change one's password (other sessions end)",
        request: passwordChangeRequestSchema,
        ok: ['204', 'Changed'],
      }),
    },
    '/api/v1/auth/totp/setup': {
      post: op('POST /auth/totp/setup', {
        summary: 'Start a TOTP second factor (not active until confirmed)',
        ok: ['200', 'Secret and otpauth URI', totpSetupResponseSchema],
      }),
    },
    '/api/v1/auth/totp/confirm': {
      post: op('POST /auth/totp/confirm', {
        summary: 'Confirm the second factor with a code',
        request: totpConfirmRequestSchema,
        ok: ['200', 'Enabled', authUserSchema],
      }),
    },
    '/api/v1/auth/totp/disable': {
      post: op('POST /auth/totp/disable', {
        summary: 'Turn the second factor off (password required)',
        request: totpDisableRequestSchema,
        ok: ['200', 'Disabled', authUserSchema],
      }),
    },
    '/api/v1/users': {
      get: op('GET /users', { summary: "The organisation's users", ok: ['200', 'Users', userListResponseSchema] }),
      post: op('POST /users', {
        summary: 'Add a user with a role',
        request: userCreateRequestSchema,
        ok: ['201', 'Created', userSummarySchema],
        errors: { '409': 'Username taken' },
      }),
    },
    '/api/v1/users/{id}': {
      patch: op('PATCH /users/:id', {
        summary: 'Rename, change role, disable (ends their sessions) or unlock a user',
        parameters: id('User id'),
        request: userUpdateRequestSchema,
        ok: ['200', 'Changed', userSummarySchema],
        errors: { '404': 'No such user', '409': 'Would leave the organisation without an active administrator' },
      }),
    },
    '/api/v1/invitations': {
      get: op('GET /invitations', { summary: 'Invitations made', ok: ['200', 'Invitations', invitationListResponseSchema] }),
      post: op('POST /invitations', {
        summary: 'Make a one-time invitation (the code is shown once)',
        request: invitationCreateRequestSchema,
        ok: ['201', 'Created', invitationCreateResponseSchema],
      }),
    },
    '/api/v1/invitations/{id}': {
      delete: op('DELETE /invitations/:id', {
        summary: 'Revoke an unused invitation',
        parameters: id('Invitation id'),
        ok: ['204', 'Revoked'],
        errors: { '404': 'No unused invitation with this id' },
      }),
    },
    '/api/v1/invitations/accept': {
      post: op('POST /invitations/accept', {
        summary: 'Accept an invitation: creates the user with its role (then sign in)',
        request: invitationAcceptRequestSchema,
        ok: ['201', 'The new user', invitationAcceptResponseSchema],
        errors: { '403': 'Invalid, expired, revoked or used', '409': 'Username taken', '429': 'Too many failures from this address' },
      }),
    },
    '/api/v1/api-keys': {
      get: op('GET /api-keys', {
        summary: "The organisation's API keys (never their secrets)",
        ok: ['200', 'Keys', apiKeyListResponseSchema],
      }),
      post: op('POST /api-keys', {
        summary: 'A new API key for another system (the secret is in this answer only; the relay keeps its SHA-256)',
        request: apiKeyCreateRequestSchema,
        ok: ['201', 'Created, with the secret', apiKeyCreateResponseSchema],
      }),
    },
    '/api/v1/api-keys/{id}': {
      delete: op('DELETE /api-keys/:id', {
        summary: 'Revoke an API key: it stops working at once',
        parameters: id('API key id'),
        ok: ['204', 'Revoked'],
        errors: { '404': 'No unrevoked key with this id' },
      }),
    },
    '/api/v1/sessions': { get: op('GET /sessions', { summary: 'Live sessions', ok: ['200', 'Sessions', sessionListResponseSchema] }) },
    '/api/v1/sessions/{id}': {
      delete: op('DELETE /sessions/:id', {
        summary: 'Revoke a session (its access and refresh tokens stop working at once)',
        parameters: id('Session id'),
        ok: ['204', 'Revoked'],
        errors: { '404': 'No live session with this id' },
      }),
    },
    '/api/v1/devices': { get: op('GET /devices', { summary: 'Enrolled desktops', ok: ['200', 'Desktops', deviceListResponseSchema] }) },
    '/api/v1/devices/{id}': {
      delete: op('DELETE /devices/:id', {
        summary: 'Revoke a desktop: its token stops working, its streams close, its sessions end',
        parameters: id('Device id'),
        ok: ['204', 'Revoked'],
        errors: { '404': 'No active desktop with this id' },
      }),
    },
    '/api/v1/audit': {
      get: op('GET /audit', {
        summary: 'Sign-ins, failed sign-ins, lockouts, role changes, invitations, revocations (newest first)',
        parameters: [
          { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000 } },
          { name: 'before', in: 'query', required: false, schema: { type: 'integer' }, description: 'Entries older than this id' },
        ],
        ok: ['200', 'Entries', authAuditResponseSchema],
      }),
    },
    '/api/v1/sync/push': {
      post: op('POST /sync/push', {
        summary: "Push the desktop's organisation-sync operations",
        request: syncPushRequestSchema,
        ok: ['200', 'What was acknowledged or refused', syncPushResponseSchema],
      }),
    },
    '/api/v1/sync/snapshot': {
      get: op('GET /sync/snapshot', {
        summary: "One page of the organisation's current state",
        parameters: [
          { name: 'after', in: 'query', required: false, schema: { type: 'string' } },
          { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 5000 } },
        ],
        ok: ['200', 'A page', syncSnapshotPageSchema],
      }),
    },
    '/api/v1/sync/organisation': {
      get: op('GET /sync/organisation', {
        summary: "The organisation's desktops: name, last seen, online",
        ok: ['200', 'Desktops', organisationViewSchema],
      }),
    },
  };
}
