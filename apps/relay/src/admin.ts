// Tenant administration by slug: what `npm run relay -- admin …` does, also usable from code
// (tests, the end-to-end suite). Tokens are returned once and stored only hashed.
import { elksWebhookUrls, relayWebhookUrls } from '@gdial/protocol';
import type { RelayDb } from './store/db';
import { newSyncEpoch, type SyncEpoch } from './store/sync';
import {
  createEnrolment,
  createTenant,
  findTenantBySlug,
  listDevices,
  listTenants,
  loadCredentials,
  revokeDevice,
  rotateDeviceToken,
  setCredentials,
  type CreateTenantResult,
  type CredentialsUpdate,
  type DeviceRow,
  type Tenant,
} from './store/tenants';

/** Unguessable: at least 32 URL-safe characters (randomId gives 43). */
const ELKS_SECRET = /^[A-Za-z0-9_-]{32,256}$/;

export type AdminResult<T> = { ok: true; value: T } | { ok: false; problem: string };

export class RelayAdmin {
  constructor(
    private readonly db: RelayDb,
    private readonly encryptionKey: Buffer,
    private readonly publicBaseUrl: () => string,
    /** Told when a tenant's directory entry or credentials change (the in-process cache). */
    private readonly onTenantChanged: (slug: string) => void = () => undefined,
    /**
     * Told when a device is revoked or its token rotated, after the change committed: the
     * relay closes that device's streams here at once (other instances hear it by NOTIFY).
     */
    private readonly onDeviceRevoked: (tenantId: string, deviceId: string) => void = () => undefined,
  ) {}

  private async tenant(slug: string): Promise<AdminResult<Tenant>> {
    const tenant = await findTenantBySlug(this.db, slug);
    return tenant ? { ok: true, value: tenant } : { ok: false, problem: `No tenant "${slug}"` };
  }

  async createTenant(slug: string, name: string): Promise<CreateTenantResult> {
    const r = await createTenant(this.db, { slug, name });
    this.onTenantChanged(slug);
    return r;
  }

  listTenants(): Promise<Tenant[]> {
    return listTenants(this.db);
  }

  async createEnrolment(slug: string, ttlHours = 24): Promise<AdminResult<{ token: string; expiresAt: Date }>> {
    if (!(ttlHours > 0 && ttlHours <= 24 * 30)) return { ok: false, problem: 'ttl-hours must be between 0 and 720' };
    const t = await this.tenant(slug);
    return t.ok ? { ok: true, value: await createEnrolment(this.db, t.value, ttlHours) } : t;
  }

  async listDevices(slug: string): Promise<AdminResult<DeviceRow[]>> {
    const t = await this.tenant(slug);
    return t.ok ? { ok: true, value: await listDevices(this.db, t.value) } : t;
  }

  async rotateDeviceToken(slug: string, deviceId: string): Promise<AdminResult<string>> {
    const t = await this.tenant(slug);
    if (!t.ok) return t;
    const token = await rotateDeviceToken(this.db, t.value, deviceId);
    if (token) this.onDeviceRevoked(t.value.id, deviceId);
    return token ? { ok: true, value: token } : { ok: false, problem: `No active device ${deviceId} in tenant "${slug}"` };
  }

  /**
   * After restoring the database from a backup, before the relay takes traffic again: a new
   * sync epoch, so every desktop re-pushes what the restored log lost and re-reads the
   * snapshot (docs/operations/relay.md).
   */
  async newEpoch(slug: string): Promise<AdminResult<SyncEpoch>> {
    const t = await this.tenant(slug);
    if (!t.ok) return t;
    return { ok: true, value: await newSyncEpoch(this.db, t.value.id) };
  }

  async revokeDevice(slug: string, deviceId: string): Promise<AdminResult<true>> {
    const t = await this.tenant(slug);
    if (!t.ok) return t;
    if (!(await revokeDevice(this.db, t.value, deviceId)))
      return { ok: false, problem: `No active device ${deviceId} in tenant "${slug}"` };
    this.onDeviceRevoked(t.value.id, deviceId);
    return { ok: true, value: true };
  }

  async setCredentials(slug: string, update: CredentialsUpdate): Promise<AdminResult<true>> {
    const t = await this.tenant(slug);
    if (!t.ok) return t;
    if (Object.values(update).every((v) => v === undefined)) {
      return {
        ok: false,
        problem:
          'Nothing to set: give at least one of the Twilio auth token, SendGrid public key, Telegram secret token or 46elks callback secret',
      };
    }
    if (update.elksCallbackSecret !== undefined && !ELKS_SECRET.test(update.elksCallbackSecret)) {
      return {
        ok: false,
        problem: '46elks callback secret must be 32–256 characters of A-Z, a-z, 0-9, _ and - (use "new" to generate one)',
      };
    }
    if (update.telegramSecretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(update.telegramSecretToken)) {
      return { ok: false, problem: 'Telegram secret token must be 1–256 characters of A-Z, a-z, 0-9, _ and -' };
    }
    await setCredentials(this.db, this.encryptionKey, t.value, update);
    this.onTenantChanged(slug);
    return { ok: true, value: true };
  }

  /** The URLs to configure at the providers; the 46elks ones carry the tenant's callback secret, when one is set. */
  async webhookUrls(slug: string): Promise<AdminResult<Record<string, string>>> {
    const t = await this.tenant(slug);
    if (!t.ok) return t;
    const { elksCallbackSecret } = await loadCredentials(this.db, this.encryptionKey, t.value.id);
    return {
      ok: true,
      value: {
        ...relayWebhookUrls(this.publicBaseUrl(), t.value.slug),
        ...(elksCallbackSecret ? elksWebhookUrls(this.publicBaseUrl(), t.value.slug, elksCallbackSecret) : {}),
      },
    };
  }
}
