// What an organisation's administrators do with identity: users (create, rename, change
// role, disable, unlock), one-time invitations, the live sessions and the enrolled desktops,
// and the audit of all of it. Accepting an invitation is here too: it is the other half.
import {
  invitationLink,
  roleInfo,
  type AuthAuditEntry,
  type DeviceSummary,
  type InvitationAcceptRequest,
  type InvitationAcceptResponse,
  type InvitationCreateResponse,
  type Role,
  type SessionSummary,
  type UserCreateRequest,
  type UserSummary,
  type UserUpdateRequest,
} from '@gdial/protocol';
import { hashToken } from '../store/secrets';
import { listSessions, revokeSession, revokeSessionsOf } from '../store/sessions';
import { findTenantById, listDevices, revokeDevice } from '../store/tenants';
import {
  acceptInvitation,
  createInvitation,
  createUser,
  findUserByUsername,
  listAudit,
  listInvitations,
  listUsers,
  revokeInvitation,
  setPasswordHash,
  updateUser,
  type UserRow,
} from '../store/users';
import { fail, userRowToAuthUser, type AuthResult, type AuthService, type Caller } from './service';
import { invitationTenant, newInvitationCode } from './tokens';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const userSummary = (u: UserRow, now = Date.now()): UserSummary => ({
  ...userRowToAuthUser(u),
  disabled: u.disabled,
  createdAt: u.createdAt.toISOString(),
  lastSignInAt: iso(u.lastSignInAt),
  lockedUntil: u.lockedUntil && u.lockedUntil.getTime() > now ? u.lockedUntil.toISOString() : null,
});

const actor = (c: Caller) => ({ actorUserId: c.user.userId, actorUsername: c.user.username, deviceId: c.deviceId });

export class AuthAdmin {
  constructor(
    private readonly auth: AuthService,
    private readonly publicBaseUrl: () => string,
    /** Closes a revoked desktop's streams on this instance at once (others hear the NOTIFY). */
    private readonly onDeviceRevoked: (tenantId: string, deviceId: string) => void,
  ) {}

  private get db() {
    return this.auth.db;
  }

  async listUsers(tenantId: string): Promise<UserSummary[]> {
    return (await listUsers(this.db, tenantId)).map((u) => userSummary(u));
  }

  /** Also what the admin CLI's create-admin does (with no caller). */
  async createUser(tenantId: string, input: UserCreateRequest, by: Caller | null): Promise<AuthResult<UserSummary>> {
    const created = await createUser(this.db, tenantId, {
      username: input.username,
      displayName: input.displayName,
      role: input.role,
      passwordHash: await this.auth.hashPassword(input.password),
    });
    if (!created) return fail(409, 'username-taken', `Användarnamnet ”${input.username}” är redan upptaget i organisationen.`);
    await this.auth.audit(tenantId, {
      ...(by ? actor(by) : { actorUsername: 'admin-cli' }),
      action: 'user-created',
      subject: created.id,
      detail: { username: created.username, role: created.role },
    });
    return { ok: true, value: userSummary(created) };
  }

  /** The admin CLI's reset-password: a new hash, the lockout lifted, every session of the user ended. */
  async resetPassword(tenantId: string, username: string, password: string): Promise<AuthResult<UserSummary>> {
    const user = await findUserByUsername(this.db, tenantId, username);
    if (!user) return fail(404, 'not-found', `Ingen användare ”${username}” i organisationen.`);
    await setPasswordHash(this.db, tenantId, user.id, await this.auth.hashPassword(password));
    const sessions = await revokeSessionsOf(this.db, tenantId, { userId: user.id }, 'password-changed');
    await this.auth.audit(tenantId, {
      actorUsername: 'admin-cli',
      action: 'password-changed',
      subject: user.id,
      detail: { reset: true, sessions },
    });
    return { ok: true, value: userSummary({ ...user, lockedUntil: null, failedSignIns: 0 }) };
  }

  async updateUser(tenantId: string, id: string, change: UserUpdateRequest, by: Caller): Promise<AuthResult<UserSummary>> {
    const r = await updateUser(this.db, tenantId, id, change);
    if (!r.ok) {
      return r.problem === 'not-found'
        ? fail(404, 'not-found', 'Användaren finns inte.')
        : fail(409, 'validation', 'Organisationen måste ha minst en aktiv Administratör; utse en annan först.');
    }
    const { before, after } = r;
    if (after.disabled && !before.disabled) await revokeSessionsOf(this.db, tenantId, { userId: id }, 'user-disabled');
    if (before.role !== after.role) {
      await this.auth.audit(tenantId, {
        ...actor(by),
        action: 'role-changed',
        subject: id,
        detail: { from: before.role, to: after.role, username: after.username },
      });
    }
    const changed = Object.fromEntries(
      Object.entries({ displayName: change.displayName, disabled: change.disabled, unlock: change.unlock }).filter(
        ([, v]) => v !== undefined,
      ),
    ) as Record<string, string | boolean>;
    if (Object.keys(changed).length > 0) {
      await this.auth.audit(tenantId, {
        ...actor(by),
        action: 'user-updated',
        subject: id,
        detail: { username: after.username, ...changed },
      });
    }
    return { ok: true, value: userSummary(after) };
  }

  async createInvitation(tenantId: string, role: Role, expiresInHours: number, by: Caller): Promise<InvitationCreateResponse> {
    const code = newInvitationCode(tenantId);
    const expiresAt = new Date(Date.now() + expiresInHours * 3_600_000);
    const id = await createInvitation(this.db, tenantId, { codeHash: hashToken(code), role, createdBy: by.user.userId, expiresAt });
    await this.auth.audit(tenantId, {
      ...actor(by),
      action: 'invitation-created',
      subject: id,
      detail: { role, expiresAt: expiresAt.toISOString() },
    });
    return { id, code, link: invitationLink(this.publicBaseUrl(), code), role, expiresAt: expiresAt.toISOString() };
  }

  async listInvitations(tenantId: string) {
    return (await listInvitations(this.db, tenantId)).map((i) => ({
      id: i.id,
      role: i.role,
      createdBy: i.createdBy,
      createdAt: i.createdAt.toISOString(),
      expiresAt: i.expiresAt.toISOString(),
      usedAt: iso(i.usedAt),
      usedBy: i.usedBy,
      revoked: i.revokedAt !== null,
    }));
  }

  async revokeInvitation(tenantId: string, id: string, by: Caller): Promise<AuthResult<true>> {
    if (!(await revokeInvitation(this.db, tenantId, id))) return fail(404, 'not-found', 'Ingen oanvänd inbjudan med det id:t.');
    await this.auth.audit(tenantId, { ...actor(by), action: 'invitation-revoked', subject: id });
    return { ok: true, value: true };
  }

  /** Public (the invitee has no account yet): the code names its organisation. */
  async acceptInvitation(input: InvitationAcceptRequest): Promise<AuthResult<InvitationAcceptResponse>> {
    const invalid = fail(
      403,
      'invitation-invalid',
      'Inbjudan är ogiltig, har gått ut eller är redan använd. Be en administratör om en ny.',
    );
    const tenantId = invitationTenant(input.code);
    const tenant = tenantId ? await findTenantById(this.db, tenantId) : null;
    if (!tenant) return invalid;
    const r = await acceptInvitation(this.db, tenant.id, hashToken(input.code), {
      username: input.username,
      displayName: input.displayName,
      passwordHash: await this.auth.hashPassword(input.password),
    });
    if (!r.ok) {
      return r.problem === 'invalid'
        ? invalid
        : fail(409, 'username-taken', `Användarnamnet ”${input.username}” är redan upptaget; välj ett annat.`);
    }
    await this.auth.audit(tenant.id, {
      action: 'invitation-accepted',
      actorUserId: r.user.id,
      actorUsername: r.user.username,
      subject: r.invitationId,
      detail: { role: r.user.role, roleName: roleInfo[r.user.role].sv },
    });
    return { ok: true, value: { ...userRowToAuthUser(r.user), tenant: tenant.slug } };
  }

  async listSessions(tenantId: string): Promise<SessionSummary[]> {
    return (await listSessions(this.db, tenantId)).map((s) => ({
      ...s,
      createdAt: s.createdAt.toISOString(),
      lastUsedAt: s.lastUsedAt.toISOString(),
      expiresAt: s.expiresAt.toISOString(),
    }));
  }

  async revokeSession(tenantId: string, id: string, by: Caller): Promise<AuthResult<true>> {
    if (!(await revokeSession(this.db, tenantId, id, 'admin'))) return fail(404, 'not-found', 'Ingen aktiv session med det id:t.');
    await this.auth.audit(tenantId, { ...actor(by), action: 'session-revoked', subject: id });
    return { ok: true, value: true };
  }

  async listDevices(tenantId: string): Promise<DeviceSummary[]> {
    const tenant = await findTenantById(this.db, tenantId);
    if (!tenant) return [];
    return (await listDevices(this.db, tenant)).map((d) => ({
      id: d.id,
      name: d.name,
      createdAt: d.createdAt.toISOString(),
      lastSeenAt: iso(d.lastSeenAt),
      revokedAt: iso(d.revokedAt),
    }));
  }

  /** Revokes a desktop: its token stops working, its streams close at once, its sessions end. */
  async revokeDevice(tenantId: string, id: string, by: Caller): Promise<AuthResult<true>> {
    const tenant = await findTenantById(this.db, tenantId);
    if (!tenant || !(await revokeDevice(this.db, tenant, id))) return fail(404, 'not-found', 'Ingen aktiv arbetsplats med det id:t.');
    this.onDeviceRevoked(tenantId, id);
    const sessions = await revokeSessionsOf(this.db, tenantId, { deviceId: id }, 'device-revoked');
    await this.auth.audit(tenantId, { ...actor(by), action: 'device-revoked', subject: id, detail: { sessions } });
    return { ok: true, value: true };
  }

  listAudit(tenantId: string, limit: number, before?: number): Promise<AuthAuditEntry[]> {
    return listAudit(this.db, tenantId, limit, before);
  }
}
