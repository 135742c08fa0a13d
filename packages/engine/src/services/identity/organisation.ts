// The organisation's users, invitations, sessions and desktops as an administrator manages
// them from the console (Inställningar → Användare): every call goes to the relay with the
// signed-in administrator's access token, so the relay checks the role again and audits it
// in its own log; this desktop's audit names the administrator too. Accepting an invitation
// is made before anyone is signed in (the one-time code is the credential).
import {
  apiKeyCreateResponseSchema,
  apiKeyListResponseSchema,
  deviceListResponseSchema,
  invitationCreateResponseSchema,
  refusal,
  sessionListResponseSchema,
  userListResponseSchema,
  userSummarySchema,
  type ApiKeyCreateRequest,
  webhookDeliveryListSchema,
  webhookDeliverySchema,
  webhookSecretResponseSchema,
  webhookSubscriptionListSchema,
  webhookSubscriptionSchema,
  type AuditAction,
  type InvitationAcceptRequest,
  type InvitationCreateRequest,
  type UserSummary,
  type UserUpdateRequest,
  type WebhookSubscriptionInput,
  type WebhookSubscriptionUpdate,
} from '@gdial/protocol';
import { z } from 'zod';
import type { EngineContext } from '../../context';
import { DomainError } from '../../errors';
import { recordAudit } from '../../store/audit';
import type { RelayAnswer, RelayAuth } from './relay-auth';
import type { IdentityService } from './service';

export class OrganisationService {
  constructor(
    private readonly ctx: Pick<EngineContext, 'store'>,
    private readonly identity: IdentityService,
    private readonly relay: RelayAuth,
  ) {}

  async users(): Promise<{ users: UserSummary[] }> {
    return this.answer(await this.online().request('GET', '/api/v1/users', undefined, userListResponseSchema));
  }

  async updateUser(id: string, change: UserUpdateRequest): Promise<UserSummary> {
    const user = this.answer(await this.online().request('PATCH', `/api/v1/users/${encodeURIComponent(id)}`, change, userSummarySchema));
    const what = [
      change.role ? `role ${change.role}` : null,
      change.disabled === true ? 'disabled' : change.disabled === false ? 'enabled' : null,
      change.displayName ? `name ${change.displayName}` : null,
      change.unlock ? 'unlocked' : null,
    ].filter((w): w is string => w !== null);
    this.audit('organisation.userChanged', id, `${user.username} changed at the organisation: ${what.join(', ')}`, {
      username: user.username,
      role: user.role,
      disabled: change.disabled === undefined ? '' : String(change.disabled),
    });
    return user;
  }

  async invite(input: InvitationCreateRequest) {
    const created = this.answer(await this.online().request('POST', '/api/v1/invitations', input, invitationCreateResponseSchema));
    this.audit('organisation.invited', created.id, `Invitation as ${created.role} until ${created.expiresAt}`, {
      role: created.role,
      expiresAt: created.expiresAt,
    });
    return created;
  }

  async sessions() {
    return this.answer(await this.online().request('GET', '/api/v1/sessions', undefined, sessionListResponseSchema));
  }

  async revokeSession(id: string): Promise<{ revoked: true }> {
    const who = (await this.sessions()).sessions.find((s) => s.id === id);
    this.answer(await this.online().request('DELETE', `/api/v1/sessions/${encodeURIComponent(id)}`, undefined, z.null()));
    this.audit('organisation.sessionRevoked', id, `Session of ${who?.username ?? id} on ${who?.deviceName ?? '?'} revoked`, {
      username: who?.username ?? '',
      device: who?.deviceName ?? '',
    });
    return { revoked: true };
  }

  async devices() {
    return this.answer(await this.online().request('GET', '/api/v1/devices', undefined, deviceListResponseSchema));
  }

  async revokeDevice(id: string): Promise<{ revoked: true }> {
    const device = (await this.devices()).devices.find((d) => d.id === id);
    this.answer(await this.online().request('DELETE', `/api/v1/devices/${encodeURIComponent(id)}`, undefined, z.null()));
    this.audit('organisation.deviceRevoked', id, `Desktop ${device?.name ?? id} revoked`, { device: device?.name ?? id });
    return { revoked: true };
  }

  // API keys for other systems (docs/api.md). The relay audits their creation, revocation and
  // every use in the organisation's shared audit (naming this administrator), so no second
  // entry is written here.
  async apiKeys() {
    return this.answer(await this.online().request('GET', '/api/v1/api-keys', undefined, apiKeyListResponseSchema));
  }

  /** The answer holds the secret, once. */
  async createApiKey(input: ApiKeyCreateRequest) {
    return this.answer(await this.online().request('POST', '/api/v1/api-keys', input, apiKeyCreateResponseSchema));
  }

  async revokeApiKey(id: string): Promise<{ revoked: true }> {
    this.answer(await this.online().request('DELETE', `/api/v1/api-keys/${encodeURIComponent(id)}`, undefined, z.null()));
    return { revoked: true };
  }

  // ── outgoing webhooks (the relay audits each change in the organisation's log) ──

  async webhooks() {
    return this.answer(await this.online().request('GET', '/api/v1/webhooks', undefined, webhookSubscriptionListSchema));
  }

  async createWebhook(input: WebhookSubscriptionInput) {
    return this.answer(await this.online().request('POST', '/api/v1/webhooks', input, webhookSecretResponseSchema));
  }

  async updateWebhook(id: string, change: WebhookSubscriptionUpdate) {
    return this.answer(
      await this.online().request('PATCH', `/api/v1/webhooks/${encodeURIComponent(id)}`, change, webhookSubscriptionSchema),
    );
  }

  async deleteWebhook(id: string): Promise<{ deleted: true }> {
    this.answer(await this.online().request('DELETE', `/api/v1/webhooks/${encodeURIComponent(id)}`, undefined, z.null()));
    return { deleted: true };
  }

  async rotateWebhookSecret(id: string) {
    return this.answer(
      await this.online().request(
        'POST',
        `/api/v1/webhooks/${encodeURIComponent(id)}/rotate-secret`,
        undefined,
        webhookSecretResponseSchema,
      ),
    );
  }

  async testWebhook(id: string) {
    return this.answer(
      await this.online().request('POST', `/api/v1/webhooks/${encodeURIComponent(id)}/test`, undefined, z.object({ id: z.string() })),
    );
  }

  async webhookDeliveries(query: { subscription?: string; limit: number }) {
    const params = new URLSearchParams({ limit: String(query.limit), ...(query.subscription ? { subscription: query.subscription } : {}) });
    return this.answer(await this.online().request('GET', `/api/v1/webhook-deliveries?${params}`, undefined, webhookDeliveryListSchema));
  }

  async resendWebhook(id: string) {
    return this.answer(
      await this.online().request('POST', `/api/v1/webhook-deliveries/${encodeURIComponent(id)}/resend`, undefined, webhookDeliverySchema),
    );
  }

  async acceptInvitation(input: InvitationAcceptRequest) {
    if (!this.relay.joined()) throw notJoined();
    const user = this.answer(await this.relay.acceptInvitation(input));
    this.ctx.store.transaction((tx) =>
      recordAudit(tx, user.displayName, {
        action: 'session.invitationAccepted',
        subjectType: 'user',
        subjectId: user.id,
        summary: `${user.username} accepted an invitation as ${user.role}`,
        params: { username: user.username, role: user.role },
      }),
    );
    return user;
  }

  /** The relay session of the signed-in user; managing the organisation needs one (an online sign-in). */
  private online(): RelayAuth {
    if (!this.relay.joined()) throw notJoined();
    if (!this.relay.signedIn || this.identity.state().via !== 'relay')
      throw new DomainError(
        'PRECONDITION',
        'Managing the organisation needs an online sign-in at the relay.',
        undefined,
        refusal('auth.organisation-offline'),
      );
    return this.relay;
  }

  private answer<T>(r: RelayAnswer<T>): T {
    if (r.ok) return r.value;
    if (r.unreachable)
      throw new DomainError(
        'UNAVAILABLE',
        `The relay cannot be reached: ${r.message}`,
        undefined,
        refusal('auth.relay-unreachable', { message: r.message }),
      );
    if (r.code === 'no-session') throw new DomainError('PRECONDITION', r.message, undefined, refusal('auth.organisation-offline'));
    throw new DomainError(
      r.code === 'forbidden' ? 'FORBIDDEN' : 'PRECONDITION',
      r.message,
      undefined,
      refusal('auth.relay', { message: r.message }),
    );
  }

  private audit(action: AuditAction, subjectId: string, summary: string, params: Record<string, string>): void {
    this.ctx.store.transaction((tx) =>
      recordAudit(tx, this.identity.actor(), { action, subjectType: 'organisation', subjectId, summary, params }),
    );
  }
}

const notJoined = (): DomainError =>
  new DomainError(
    'PRECONDITION',
    'This desktop is not joined to an organisation (no relay).',
    undefined,
    refusal('auth.relay-unreachable', { message: 'ingen relay är inställd' }),
  );
