// Outgoing webhooks as an organisation's administrator manages them (Inställningar → Webhooks
// in the console, through the relay's /api/v1/webhooks routes): subscriptions with a secret
// shown once, rotation, the delivery log, "skicka igen" and "skicka testhändelse". Every
// change is audited in the relay's audit, which reaches every desktop's händelselogg.
import { randomUUID } from 'node:crypto';
import {
  WEBHOOK_TEST_EVENT,
  type WebhookDelivery,
  type WebhookPayload,
  type WebhookSecretResponse,
  type WebhookSubscription,
  type WebhookSubscriptionInput,
  type WebhookSubscriptionUpdate,
  webhookSubscriptionInputSchema,
} from '@gdial/protocol';
import { fail, type AuthResult, type AuthService, type Caller } from '../auth/service';
import type { RelayDb } from '../store/db';
import { encryptSecret } from '../store/secrets';
import { messageId, newWebhookSecret } from './model';
import { checkWebhookUrl } from './ssrf';
import {
  createSubscription,
  deleteSubscription,
  enqueueOne,
  findSubscription,
  listDeliveries,
  listSubscriptions,
  resend,
  rotateSecret,
  subscriptionView,
  updateSubscription,
} from '../store/webhooks-out';

/** After a rotation the previous secret still signs (a second signature) for this long, so receivers can switch over. */
export const PREVIOUS_SECRET_VALID_MS = 24 * 3600_000;

const actor = (c: Caller) => ({ actorUserId: c.user.userId, actorUsername: c.user.username, deviceId: c.deviceId });
const ok = <T>(value: T): AuthResult<T> => ({ ok: true, value });
const noSuchSubscription = () => fail(404, 'not-found', 'Ingen sådan webhook i organisationen.');

export class WebhookService {
  constructor(
    private readonly db: RelayDb,
    private readonly encryptionKey: Buffer,
    private readonly auth: Pick<AuthService, 'audit'>,
    private readonly allowPrivate: boolean,
    private readonly wake: () => void,
    private readonly now: () => number = Date.now,
  ) {}

  async list(tenantId: string): Promise<WebhookSubscription[]> {
    return (await listSubscriptions(this.db, tenantId)).map(subscriptionView);
  }

  async create(caller: Caller, raw: WebhookSubscriptionInput): Promise<AuthResult<WebhookSecretResponse>> {
    const input = webhookSubscriptionInputSchema.parse(raw);
    const checked = checkWebhookUrl(input.url, this.allowPrivate);
    if (!checked.ok) return fail(400, 'validation', checked.problem);
    const secret = newWebhookSecret();
    const created = await createSubscription(this.db, caller.tenantId, {
      url: checked.url.toString(),
      description: input.description,
      events: input.events,
      progressStep: input.progressStep,
      secretEnc: encryptSecret(this.encryptionKey, secret),
      createdBy: caller.user.username,
    });
    await this.auth.audit(caller.tenantId, {
      ...actor(caller),
      action: 'webhook-created',
      subject: created.id,
      detail: { url: created.url, events: created.events.join(' ') },
    });
    return ok({ subscription: subscriptionView(created), secret });
  }

  async update(caller: Caller, id: string, change: WebhookSubscriptionUpdate): Promise<AuthResult<WebhookSubscription>> {
    const updated = await updateSubscription(this.db, caller.tenantId, id, change);
    if (!updated) return noSuchSubscription();
    const what = [
      change.events ? `events ${updated.events.join(' ')}` : null,
      change.progressStep !== undefined ? `progress every ${updated.progressStep} %` : null,
      change.enabled === true ? 'enabled' : change.enabled === false ? 'disabled' : null,
      change.description !== undefined ? 'description' : null,
    ].filter((w): w is string => w !== null);
    await this.auth.audit(caller.tenantId, {
      ...actor(caller),
      action: 'webhook-changed',
      subject: id,
      detail: { url: updated.url, change: what.join(', ') },
    });
    if (change.enabled) this.wake();
    return ok(subscriptionView(updated));
  }

  async remove(caller: Caller, id: string): Promise<AuthResult<null>> {
    const sub = await findSubscription(this.db, caller.tenantId, id);
    if (!sub || !(await deleteSubscription(this.db, caller.tenantId, id))) return noSuchSubscription();
    await this.auth.audit(caller.tenantId, { ...actor(caller), action: 'webhook-deleted', subject: id, detail: { url: sub.url } });
    return ok(null);
  }

  async rotate(caller: Caller, id: string): Promise<AuthResult<WebhookSecretResponse>> {
    const secret = newWebhookSecret();
    const rotated = await rotateSecret(
      this.db,
      caller.tenantId,
      id,
      encryptSecret(this.encryptionKey, secret),
      new Date(this.now() + PREVIOUS_SECRET_VALID_MS),
    );
    if (!rotated) return noSuchSubscription();
    await this.auth.audit(caller.tenantId, {
      ...actor(caller),
      action: 'webhook-secret-rotated',
      subject: id,
      detail: { url: rotated.url },
    });
    return ok({ subscription: subscriptionView(rotated), secret });
  }

  async deliveries(tenantId: string, subscription: string | undefined, limit: number): Promise<WebhookDelivery[]> {
    return listDeliveries(this.db, tenantId, subscription, limit);
  }

  /** "Skicka igen": the delivery goes out again now under the same webhook-id (the receiver can de-duplicate). */
  async resend(caller: Caller, deliveryId: string): Promise<AuthResult<WebhookDelivery>> {
    const found = (await listDeliveries(this.db, caller.tenantId, undefined, 200)).find((d) => d.id === deliveryId);
    if (!found) return fail(404, 'not-found', 'Ingen sådan leverans i loggen.');
    if (found.state === 'pending') return fail(400, 'validation', 'Leveransen väntar redan på att skickas.');
    await resend(this.db, caller.tenantId, deliveryId, new Date(this.now()));
    const sub = await findSubscription(this.db, caller.tenantId, found.subscriptionId);
    await this.auth.audit(caller.tenantId, {
      ...actor(caller),
      action: 'webhook-resent',
      subject: deliveryId,
      detail: { url: sub?.url ?? '', type: found.type },
    });
    this.wake();
    return ok({ ...found, state: 'pending' as const });
  }

  /** "Skicka testhändelse": a webhook.test event, signed and logged like any other. */
  async test(caller: Caller, id: string): Promise<AuthResult<{ id: string }>> {
    const sub = await findSubscription(this.db, caller.tenantId, id);
    if (!sub) return noSuchSubscription();
    if (!sub.enabled) return fail(400, 'validation', 'Webhooken är avstängd; slå på den först.');
    const now = new Date(this.now());
    const key = `test:${randomUUID()}`;
    const payload: WebhookPayload = {
      type: WEBHOOK_TEST_EVENT,
      timestamp: now.toISOString(),
      data: { alert: null, message: `Testhändelse från GDial, skickad av ${caller.user.username}` },
    };
    const msg = messageId(sub.id, key);
    await enqueueOne(
      this.db,
      caller.tenantId,
      { id: msg, subscriptionId: sub.id, eventKey: key, eventType: WEBHOOK_TEST_EVENT, alertId: null, payload },
      now,
    );
    await this.auth.audit(caller.tenantId, { ...actor(caller), action: 'webhook-tested', subject: id, detail: { url: sub.url } });
    this.wake();
    return ok({ id: msg });
  }

  /** The dispatcher turned a subscription off (410 Gone): audited as the relay's own act. */
  async disabled(tenantId: string, subscriptionId: string, url: string): Promise<void> {
    await this.auth.audit(tenantId, { actorUsername: 'relä', action: 'webhook-disabled', subject: subscriptionId, detail: { url } });
  }
}
