// Who is at the console: the signed-in user, the lock, and the desktop's own accounts, as
// the console and the engine speak of them. The relay's side (users of an organisation,
// tokens, invitations) is in auth.ts; a desktop joined to an organisation signs in there,
// a desktop on its own keeps local accounts in its store. Either way the engine ends up
// with one `SignedInUser` whose role the RPC layer checks (permissions.ts).
import { z } from 'zod';
import {
  deviceListResponseSchema,
  displayNameSchema,
  invitationAcceptRequestSchema,
  invitationAcceptResponseSchema,
  invitationCreateRequestSchema,
  invitationCreateResponseSchema,
  newPasswordSchema,
  roleSchema,
  sessionListResponseSchema,
  totpCodeSchema,
  userListResponseSchema,
  userSummarySchema,
  userUpdateRequestSchema,
  usernameSchema,
} from './auth';
import { method } from './rpc-core';

/** Where the desktop's users live: its own store, or the organisation (the relay). */
export const accountSources = ['local', 'organisation'] as const;
export type AccountSource = (typeof accountSources)[number];

export const signedInUserSchema = z.object({
  /** Stable id: the relay's user id, or the local account's. Approvals compare this, never names. */
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: roleSchema,
  source: z.enum(accountSources),
});
export type SignedInUser = z.infer<typeof signedInUserSchema>;

export const demoAccountSchema = z.object({ username: z.string(), password: z.string(), role: roleSchema });
export type DemoAccount = z.infer<typeof demoAccountSchema>;

export const sessionStateSchema = z.object({
  /** The user at the console; stays set while the console is locked (their work is theirs). */
  user: signedInUserSchema.nullable(),
  locked: z.boolean(),
  /** How this sign-in was checked: at the relay, against the offline verifier, or locally. */
  via: z.enum(['relay', 'offline', 'local', 'host']).nullable(),
  /** Where accounts are checked on this desktop. */
  accounts: z.enum(accountSources),
  /** A desktop on its own with no account yet: the console offers to create the first admin. */
  needsFirstAdmin: z.boolean(),
  /** Minutes without activity before the console locks itself; 0 never. */
  lockAfterMinutes: z.number().int().min(0),
  /** Days an online sign-in lets the same password unlock offline. */
  offlineDays: z.number().int().min(1),
  /** Demo mode: the accounts the sign-in page shows (never in a real installation). */
  demoAccounts: z.array(demoAccountSchema),
});
export type SessionState = z.infer<typeof sessionStateSchema>;

export const localAccountSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: roleSchema,
  source: z.enum(accountSources),
  /** The last time this password was confirmed (the relay, or set here); offline unlock runs from it. */
  confirmedAt: z.string(),
  failedAttempts: z.number().int(),
  lockedUntil: z.string().nullable(),
});
export type LocalAccount = z.infer<typeof localAccountSchema>;

const givenPassword = z.string().min(1, 'Ange lösenord').max(1024);

export const identitySettingsSchema = z.object({
  lockAfterMinutes: z
    .number()
    .int()
    .min(0)
    .max(24 * 60),
  offlineDays: z.number().int().min(1).max(90),
});
export type IdentitySettings = z.infer<typeof identitySettingsSchema>;

export const identitySettingsDefaults: IdentitySettings = { lockAfterMinutes: 15, offlineDays: 7 };
/** Failed offline unlocks (or local sign-ins) in a row before an account is locked. */
export const offlineUnlockAttempts = 5;
/** How long a local account stays locked after too many failures (an organisation's waits for an online sign-in). */
export const localLockoutMinutes = 15;

export const identityMethods = {
  'session.current': method(z.object({}), sessionStateSchema),
  /** `totp` when the organisation asked for the one-time code (refusal auth.totp-required). */
  'session.signIn': method(
    z.object({ username: usernameSchema, password: givenPassword, totp: totpCodeSchema.optional() }),
    sessionStateSchema,
  ),
  /** Locks the console now; the same user (or another, switching operator) signs in to go on. */
  'session.lock': method(z.object({}), sessionStateSchema),
  'session.signOut': method(z.object({}), sessionStateSchema),
  /** A desktop on its own, first run: creates the first administrator and signs them in. */
  'session.createFirstAdmin': method(
    z.object({ username: usernameSchema, displayName: displayNameSchema, password: newPasswordSchema }),
    sessionStateSchema,
  ),
  'session.settings.set': method(identitySettingsSchema, sessionStateSchema),
  'users.list': method(z.object({}), z.object({ users: z.array(localAccountSchema) })),
  'users.create': method(
    z.object({ username: usernameSchema, displayName: displayNameSchema, role: roleSchema, password: newPasswordSchema }),
    localAccountSchema,
  ),
  'users.setRole': method(z.object({ id: z.string(), role: roleSchema }), localAccountSchema),
  'users.remove': method(z.object({ id: z.string() }), z.object({ removed: z.boolean() })),
  // The organisation's users, invitations, sessions and desktops, at the relay, as the signed-in
  // administrator (online: with their relay session; the relay checks the role too).
  /** Accepts an invitation at the organisation (before signing in); then sign in with the new account. */
  'session.acceptInvitation': method(invitationAcceptRequestSchema, invitationAcceptResponseSchema),
  'organisation.users.list': method(z.object({}), userListResponseSchema),
  'organisation.users.update': method(z.object({ id: z.string(), change: userUpdateRequestSchema }), userSummarySchema),
  /** The code and link are shown once; the relay keeps only a hash. */
  'organisation.invitations.create': method(invitationCreateRequestSchema, invitationCreateResponseSchema),
  'organisation.sessions.list': method(z.object({}), sessionListResponseSchema),
  'organisation.sessions.revoke': method(z.object({ id: z.string() }), z.object({ revoked: z.literal(true) })),
  'organisation.devices.list': method(z.object({}), deviceListResponseSchema),
  'organisation.devices.revoke': method(z.object({ id: z.string() }), z.object({ revoked: z.literal(true) })),
};

export const identityEvents = {
  /** Someone signed in or out, the console locked, or the settings changed. */
  'session.changed': sessionStateSchema,
};
