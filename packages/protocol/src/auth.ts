// Identity: the contract between a desktop and the relay for users, roles and sessions.
//
// Sign-in and refresh are made by an enrolled desktop with its device token (Authorization:
// Bearer <device token>); accepting an invitation is public (the one-time code names the
// organisation); every other call carries the user's short-lived access token (Authorization:
// Bearer <access token>), which names the device too (`did`). The relay checks the session,
// the user's current role and the desktop on every call, so a revocation or role change
// holds from the next request. Routes (all under /api/v1; who may call each is the relay's
// table apps/relay/src/auth/rules.ts):
//
//   POST   /auth/sign-in            device token   signInRequest → signInResponse
//   POST   /auth/refresh            device token   refreshRequest → signInResponse (rotated pair)
//   POST   /auth/sign-out           access token   signOutRequest → 204 (ends the session family)
//   GET    /auth/me                 access token   → authUser
//   POST   /auth/password           access token   passwordChangeRequest → 204
//   POST   /auth/totp/setup         access token   → totpSetupResponse (not active until confirmed)
//   POST   /auth/totp/confirm       access token   totpConfirmRequest → authUser
//   POST   /auth/totp/disable       access token   totpDisableRequest → authUser
//   GET    /users                   admin          → userListResponse
//   POST   /users                   admin          userCreateRequest → userSummary
//   PATCH  /users/:id               admin          userUpdateRequest → userSummary
//   POST   /invitations             admin          invitationCreateRequest → invitationCreateResponse
//   GET    /invitations             admin          → invitationListResponse
//   DELETE /invitations/:id         admin          → 204
//   POST   /invitations/accept      public         invitationAcceptRequest → invitationAcceptResponse (then sign in)
//   GET    /sessions                admin          → sessionListResponse
//   DELETE /sessions/:id            admin          → 204 (revokes the family, closes its streams)
//   GET    /devices                 admin          → deviceListResponse
//   DELETE /devices/:id             admin          → 204 (revokes the desktop and its sessions)
//   GET    /audit                   admin          → authAuditResponse
//
// Errors are `{ error: { code, message, requiredRoles?, retryAfterSeconds? } }` with the
// message in Swedish (the console shows it as is); `code` is one of `authErrorCodes`.
import { z } from 'zod';
import { roleInfo, roles, type Role } from './roles';
import { invitationCodeLength, passwordMinLength } from './sign-in-rules';

export { isRole, roleInfo, roleLabel, roles, type Role } from './roles';
export { invitationCodeLength, invitationCodeOf, invitationLink, passwordMinLength } from './sign-in-rules';

// ── roles ───────────────────────────────────────────────────────────────────────────────

export const roleSchema = z.enum(roles);

// ── shared pieces ───────────────────────────────────────────────────────────────────────

const isoTime = z.iso.datetime({ offset: true });

/** Sign-in names: lower case letters, digits and . _ @ -, compared case-insensitively. */
export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, 'Användarnamnet måste ha minst 2 tecken')
  .max(64, 'Användarnamnet får ha högst 64 tecken')
  .regex(/^[a-z0-9._@-]+$/, 'Användarnamnet får bara innehålla a–z, siffror och . _ @ -');

export const displayNameSchema = z.string().trim().min(1, 'Namnet får inte vara tomt').max(100, 'Namnet får ha högst 100 tecken');

/** Minimum length for a new password (NIST SP 800-63B: length over composition rules). */
export const newPasswordSchema = z
  .string()
  .min(passwordMinLength, `Lösenordet måste ha minst ${passwordMinLength} tecken`)
  .max(256, 'Lösenordet får ha högst 256 tecken');

/** A password given to sign in: any length the policy ever allowed (no policy hints on failure). */
const givenPasswordSchema = z.string().min(1, 'Ange lösenord').max(1024);

/** A six-digit RFC 6238 code (30 s steps, HMAC-SHA1). */
export const totpCodeSchema = z
  .string()
  .trim()
  .regex(/^\d{6}$/, 'Engångskoden är sex siffror');

export const authUserSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: roleSchema,
  totpEnabled: z.boolean(),
});
export type AuthUser = z.infer<typeof authUserSchema>;

// ── sign-in, refresh, sign-out ──────────────────────────────────────────────────────────

export const signInRequestSchema = z.object({
  username: usernameSchema,
  password: givenPasswordSchema,
  totp: totpCodeSchema.optional(),
  /** Shown in the session list; defaults to the device's enrolled name. */
  deviceName: z.string().trim().min(1).max(100).optional(),
});
export type SignInRequest = z.infer<typeof signInRequestSchema>;

export const signInResponseSchema = z.object({
  tenant: z.string(),
  /** HS256 JWT, short-lived (see `accessTokenLifetimeSeconds`); its claims are `accessTokenClaimsSchema`. */
  accessToken: z.string(),
  accessExpiresAt: isoTime,
  /** Opaque, single use: every refresh returns a new one. Keep it with the desktop's sealed secrets. */
  refreshToken: z.string(),
  refreshExpiresAt: isoTime,
  /** The session family; stays the same across refreshes. */
  sessionId: z.string(),
  user: authUserSchema,
});
export type SignInResponse = z.infer<typeof signInResponseSchema>;

export const refreshRequestSchema = z.object({ refreshToken: z.string().min(1).max(512) });
export type RefreshRequest = z.infer<typeof refreshRequestSchema>;
/** A refresh answers like a sign-in: a new pair, and the user as the relay knows them now (role changes). */
export const refreshResponseSchema = signInResponseSchema;
export type RefreshResponse = SignInResponse;

/** Ends the session family of the access token used (optionally also names its refresh token). */
export const signOutRequestSchema = z.object({ refreshToken: z.string().min(1).max(512).optional() }).default({});
export type SignOutRequest = z.infer<typeof signOutRequestSchema>;

/** Claims of an access token. */
export const accessTokenClaimsSchema = z.object({
  /** User id. */
  sub: z.string(),
  /** Tenant slug. */
  tenant: z.string(),
  role: roleSchema,
  /** Session family id. */
  sid: z.string(),
  /** Device id. */
  did: z.string(),
  iat: z.number().int(),
  exp: z.number().int(),
});
export type AccessTokenClaims = z.infer<typeof accessTokenClaimsSchema>;

export const accessTokenLifetimeSeconds = 600;
/** A refresh token reused within this many seconds of its rotation returns the same successor (a lost response). */
export const refreshGraceSeconds = 30;
/** Failed sign-ins in a row before a user is locked out, and for how long. */
export const signInLockout = { attempts: 5, minutes: 15 } as const;

export const passwordChangeRequestSchema = z.object({ currentPassword: givenPasswordSchema, newPassword: newPasswordSchema });
export type PasswordChangeRequest = z.infer<typeof passwordChangeRequestSchema>;

export const totpSetupResponseSchema = z.object({
  /** Base32, for typing in by hand. */
  secret: z.string(),
  /** otpauth://totp/… for a QR code. */
  otpauthUri: z.string(),
});
export type TotpSetupResponse = z.infer<typeof totpSetupResponseSchema>;
export const totpConfirmRequestSchema = z.object({ totp: totpCodeSchema });
export const totpDisableRequestSchema = z.object({ password: givenPasswordSchema });

// ── users (admin) ───────────────────────────────────────────────────────────────────────

export const userSummarySchema = authUserSchema.extend({
  disabled: z.boolean(),
  createdAt: isoTime,
  lastSignInAt: isoTime.nullable(),
  /** Set while the user is locked out after failed sign-ins. */
  lockedUntil: isoTime.nullable(),
});
export type UserSummary = z.infer<typeof userSummarySchema>;
export const userListResponseSchema = z.object({ users: z.array(userSummarySchema) });

export const userCreateRequestSchema = z.object({
  username: usernameSchema,
  displayName: displayNameSchema,
  role: roleSchema,
  password: newPasswordSchema,
});
export type UserCreateRequest = z.infer<typeof userCreateRequestSchema>;

/** Disabling a user ends all their sessions at once; a role change holds from their next request (and refresh). */
export const userUpdateRequestSchema = z
  .object({
    displayName: displayNameSchema.optional(),
    role: roleSchema.optional(),
    disabled: z.boolean().optional(),
    /** Lifts a lockout after failed sign-ins. */
    unlock: z.literal(true).optional(),
  })
  .refine((u) => Object.values(u).some((v) => v !== undefined), 'Ange minst en ändring');
export type UserUpdateRequest = z.infer<typeof userUpdateRequestSchema>;

// ── invitations ─────────────────────────────────────────────────────────────────────────

export const invitationCreateRequestSchema = z.object({
  role: roleSchema,
  expiresInHours: z
    .number()
    .int()
    .min(1, 'Inbjudan måste gälla minst 1 timme')
    .max(24 * 14, 'Inbjudan får gälla högst 14 dygn')
    .default(72),
});
export type InvitationCreateRequest = z.input<typeof invitationCreateRequestSchema>;

export const invitationCreateResponseSchema = z.object({
  id: z.string(),
  /** Shown once; the relay keeps only its hash. */
  code: z.string(),
  /** gdial://invitation?… carrying the relay and the code (see `invitationLink`). */
  link: z.string(),
  role: roleSchema,
  expiresAt: isoTime,
});
export type InvitationCreateResponse = z.infer<typeof invitationCreateResponseSchema>;

export const invitationSummarySchema = z.object({
  id: z.string(),
  role: roleSchema,
  createdBy: z.string().nullable(),
  createdAt: isoTime,
  expiresAt: isoTime,
  usedAt: isoTime.nullable(),
  usedBy: z.string().nullable(),
  revoked: z.boolean(),
});
export const invitationListResponseSchema = z.object({ invitations: z.array(invitationSummarySchema) });

export const invitationCodeSchema = z
  .string()
  .trim()
  .min(invitationCodeLength.min, 'Inbjudningskoden är för kort')
  .max(invitationCodeLength.max, 'Inbjudningskoden är för lång');

export const invitationAcceptRequestSchema = z.object({
  code: invitationCodeSchema,
  username: usernameSchema,
  displayName: displayNameSchema,
  password: newPasswordSchema,
});
export type InvitationAcceptRequest = z.infer<typeof invitationAcceptRequestSchema>;
/** The new user, and the organisation (tenant slug) the invitation was for. */
export const invitationAcceptResponseSchema = authUserSchema.extend({ tenant: z.string() });
export type InvitationAcceptResponse = z.infer<typeof invitationAcceptResponseSchema>;

// ── sessions and devices (admin) ────────────────────────────────────────────────────────

export const sessionSummarySchema = z.object({
  id: z.string(),
  userId: z.string(),
  username: z.string(),
  displayName: z.string(),
  deviceId: z.string(),
  deviceName: z.string(),
  createdAt: isoTime,
  lastUsedAt: isoTime,
  expiresAt: isoTime,
});
export type SessionSummary = z.infer<typeof sessionSummarySchema>;
export const sessionListResponseSchema = z.object({ sessions: z.array(sessionSummarySchema) });

export const deviceSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: isoTime,
  lastSeenAt: isoTime.nullable(),
  revokedAt: isoTime.nullable(),
});
export type DeviceSummary = z.infer<typeof deviceSummarySchema>;
export const deviceListResponseSchema = z.object({ devices: z.array(deviceSummarySchema) });

// ── audit ───────────────────────────────────────────────────────────────────────────────

export const authAuditActions = [
  'sign-in',
  'sign-in-failed',
  'lockout',
  'sign-out',
  'refresh-reuse',
  'password-changed',
  'totp-enabled',
  'totp-disabled',
  'user-created',
  'user-updated',
  'role-changed',
  'invitation-created',
  'invitation-accepted',
  'invitation-revoked',
  'session-revoked',
  'device-revoked',
  // Outgoing webhooks (outgoing-webhooks.ts): subscriptions, secrets, re-sends, and a 410's switch-off.
  'webhook-created',
  'webhook-changed',
  'webhook-deleted',
  'webhook-secret-rotated',
  'webhook-resent',
  'webhook-tested',
  'webhook-disabled',
  'api-key-created',
  'api-key-revoked',
  'api-key-used',
  'api-key-refused',
  // A contact or a group membership written through the REST API (api-contacts.ts): the key is the actor.
  'api-contact-written',
  // Alerts other systems asked for (api-alerts.ts), under the key's name: asked, each step a desktop reports, a cancel.
  'api-alert-requested',
  'api-alert-progressed',
  'api-alert-cancel-requested',
] as const;
export type AuthAuditAction = (typeof authAuditActions)[number];

export const authAuditEntrySchema = z.object({
  id: z.number().int(),
  at: isoTime,
  action: z.enum(authAuditActions),
  /** Who did it (null for a failed sign-in of an unknown name). */
  actorUserId: z.string().nullable(),
  actorUsername: z.string().nullable(),
  deviceId: z.string().nullable(),
  /** What it was done to (a user, session, invitation or device id). */
  subject: z.string().nullable(),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});
export type AuthAuditEntry = z.infer<typeof authAuditEntrySchema>;
export const authAuditResponseSchema = z.object({ entries: z.array(authAuditEntrySchema) });

// ── errors ──────────────────────────────────────────────────────────────────────────────

export const authErrorCodes = [
  /** No valid device token or access token. */
  'unauthorized',
  /** The access token has expired: refresh and retry. */
  'token-expired',
  /** Wrong username or password (never says which). */
  'invalid-credentials',
  /** The password was right; the user has a second factor: send `totp`. */
  'totp-required',
  'totp-invalid',
  /** Too many failed sign-ins: `retryAfterSeconds`. */
  'locked',
  'user-disabled',
  /** The refresh token is unknown, expired, or its family was revoked: sign in again. */
  'session-ended',
  /** The role may not do this: `requiredRoles`. */
  'forbidden',
  'invitation-invalid',
  'username-taken',
  'validation',
  'not-found',
  'rate-limited',
  /** An API key that was revoked or has expired. */
  'key-revoked',
  'key-expired',
  /** An API key used from an address it does not allow. */
  'source-refused',
  /** An API key without the scope the route needs: `requiredScope`. */
  'scope-missing',
] as const;
export type AuthErrorCode = (typeof authErrorCodes)[number];

export const authErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    /** Swedish, for the console to show as is. */
    message: z.string(),
    requiredRoles: z.array(roleSchema).optional(),
    /** An API key's refusal: the scope the route needs. */
    requiredScope: z.string().optional(),
    retryAfterSeconds: z.number().int().optional(),
  }),
});
export type AuthError = z.infer<typeof authErrorSchema>;

/** The Swedish refusal for a role that may not call something. */
export function roleRefusalMessage(required: readonly Role[]): string {
  const names = required.map((r) => roleInfo[r].sv);
  const list = names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} eller ${names.at(-1)}`;
  return `Din roll får inte göra detta; det kräver ${list}.`;
}
