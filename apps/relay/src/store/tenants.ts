// Tenants, their devices and enrolment tokens, and their provider credentials. The tenant
// directory (slug → id) is the one global lookup; everything else runs under the tenant's
// row-level security. Admin operations run as the owner but still set the tenant, because
// FORCE ROW LEVEL SECURITY holds the owner to the same policies.
import { randomUUID } from 'node:crypto';
import type { RelayDb, SqlExecutor } from './db';
import { decryptSecret, encryptSecret, hashToken, newToken, tokenTenant } from './secrets';

export interface Tenant {
  id: string;
  slug: string;
  name: string;
}

export const tenantSlugPattern = /^[a-z0-9][a-z0-9-]{1,62}$/;

const setTenant = (q: SqlExecutor, tenantId: string) => q.query("SELECT set_config('app.tenant_id', $1, true)", [tenantId]);

export async function findTenantBySlug(db: RelayDb, slug: string): Promise<Tenant | null> {
  if (!tenantSlugPattern.test(slug)) return null;
  const [row] = await db.appQuery<Tenant>('SELECT id, slug, name FROM tenants WHERE slug = $1', [slug]);
  return row ?? null;
}

export async function findTenantById(db: RelayDb, id: string): Promise<Tenant | null> {
  const [row] = await db.appQuery<Tenant>('SELECT id, slug, name FROM tenants WHERE id = $1', [id]);
  return row ?? null;
}

export async function listTenants(db: RelayDb): Promise<Tenant[]> {
  return db.appQuery<Tenant>('SELECT id, slug, name FROM tenants ORDER BY slug');
}

export type CreateTenantResult = { ok: true; tenant: Tenant } | { ok: false; problem: string };

export async function createTenant(db: RelayDb, input: { slug: string; name: string }): Promise<CreateTenantResult> {
  if (!tenantSlugPattern.test(input.slug)) {
    return {
      ok: false,
      problem: `Tenant slug "${input.slug}" must be 2–63 characters of a-z, 0-9 and "-", starting with a letter or digit`,
    };
  }
  if (!input.name.trim()) return { ok: false, problem: 'Tenant name is required' };
  if (await findTenantBySlug(db, input.slug)) return { ok: false, problem: `Tenant "${input.slug}" already exists` };
  const tenant: Tenant = { id: randomUUID(), slug: input.slug, name: input.name.trim() };
  await db.asOwner(async (q) => {
    await setTenant(q, tenant.id);
    await q.query('INSERT INTO tenants (id, slug, name) VALUES ($1, $2, $3)', [tenant.id, tenant.slug, tenant.name]);
    await q.query('INSERT INTO event_counters (tenant_id) VALUES ($1)', [tenant.id]);
  });
  return { ok: true, tenant };
}

/** A one-time token a desktop exchanges for its device token; valid for `ttlHours`. */
export async function createEnrolment(db: RelayDb, tenant: Tenant, ttlHours: number): Promise<{ token: string; expiresAt: Date }> {
  const token = newToken('gde', tenant.id);
  const expiresAt = new Date(Date.now() + ttlHours * 3_600_000);
  await db.asOwner(async (q) => {
    await setTenant(q, tenant.id);
    await q.query('INSERT INTO enrolments (id, tenant_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)', [
      randomUUID(),
      tenant.id,
      hashToken(token),
      expiresAt,
    ]);
  });
  return { token, expiresAt };
}

export type EnrolResult = { ok: true; tenant: Tenant; deviceId: string; deviceToken: string } | { ok: false; problem: string };

export async function enrolDevice(db: RelayDb, enrolmentToken: string, deviceName: string): Promise<EnrolResult> {
  const tenantId = tokenTenant(enrolmentToken, 'gde');
  const invalid = { ok: false as const, problem: 'The enrolment token is invalid, expired or already used' };
  if (!tenantId) return invalid;
  const tenant = await findTenantById(db, tenantId);
  if (!tenant) return invalid;
  const deviceId = randomUUID();
  const deviceToken = newToken('gdd', tenant.id);
  const enrolled = await db.withTenant(tenant.id, async (q) => {
    const used = await q.query(
      'UPDATE enrolments SET used_at = now(), device_id = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING id',
      [hashToken(enrolmentToken), deviceId],
    );
    if (used.length === 0) return false;
    await q.query('INSERT INTO devices (id, tenant_id, name, token_hash) VALUES ($1, $2, $3, $4)', [
      deviceId,
      tenant.id,
      deviceName,
      hashToken(deviceToken),
    ]);
    return true;
  });
  return enrolled ? { ok: true, tenant, deviceId, deviceToken } : invalid;
}

export interface AuthenticatedDevice {
  deviceId: string;
  tenant: Tenant;
  /** The hash of the token it said hello with: a rotation changes the stored one. */
  tokenHash: string;
}

export async function authenticateDevice(db: RelayDb, deviceToken: string): Promise<AuthenticatedDevice | null> {
  const tenantId = tokenTenant(deviceToken, 'gdd');
  if (!tenantId) return null;
  const tenant = await findTenantById(db, tenantId);
  if (!tenant) return null;
  const tokenHash = hashToken(deviceToken);
  const [row] = await db.withTenant(tenant.id, (q) =>
    q.query<{ id: string }>('UPDATE devices SET last_seen_at = now() WHERE token_hash = $1 AND revoked_at IS NULL RETURNING id', [
      tokenHash,
    ]),
  );
  return row ? { deviceId: row.id, tenant, tokenHash } : null;
}

/**
 * The current token hash of each of `ids` that is not revoked (absent = revoked or gone): what
 * the stream compares its sessions with, behind the revocation notifications.
 */
export async function currentDeviceTokens(db: RelayDb, tenantId: string, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.withTenant(tenantId, (q) =>
    q.query<{ id: string; token_hash: string }>('SELECT id, token_hash FROM devices WHERE id = ANY($1::uuid[]) AND revoked_at IS NULL', [
      [...ids],
    ]),
  );
  return new Map(rows.map((r) => [r.id, r.token_hash]));
}

export interface DeviceRow {
  id: string;
  name: string;
  ackedSeq: number;
  lastSeenAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

export async function listDevices(db: RelayDb, tenant: Tenant): Promise<DeviceRow[]> {
  const rows = await db.withTenant(tenant.id, (q) =>
    q.query<{ id: string; name: string; acked_seq: string | number; last_seen_at: Date | null; revoked_at: Date | null; created_at: Date }>(
      'SELECT id, name, acked_seq, last_seen_at, revoked_at, created_at FROM devices ORDER BY created_at',
    ),
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    ackedSeq: Number(r.acked_seq),
    lastSeenAt: r.last_seen_at,
    revokedAt: r.revoked_at,
    createdAt: r.created_at,
  }));
}

/**
 * Tells every relay instance, when the transaction commits, that a device's token no longer
 * holds: each closes that device's open streams ("device:<tenant>:<device>" on the channel the
 * event notifications use, so it arrives in commit order with them).
 */
const notifyDeviceRevoked = (db: RelayDb, q: SqlExecutor, tenantId: string, deviceId: string) =>
  q.query('SELECT pg_notify($1, $2)', [db.channel, `device:${tenantId}:${deviceId}`]);

/**
 * Issues a new device token; the old one stops working at once, and its open streams close.
 * Runs as the owner (the admin CLI), which row-level security does not hold: the tenant is
 * named in the WHERE, so a device id of another organisation is left alone.
 */
export async function rotateDeviceToken(db: RelayDb, tenant: Tenant, deviceId: string): Promise<string | null> {
  const token = newToken('gdd', tenant.id);
  const rows = await db.asOwner(async (q) => {
    await setTenant(q, tenant.id);
    const updated = await q.query(
      'UPDATE devices SET token_hash = $2 WHERE id = $1 AND tenant_id = $3 AND revoked_at IS NULL RETURNING id',
      [deviceId, hashToken(token), tenant.id],
    );
    if (updated.length > 0) await notifyDeviceRevoked(db, q, tenant.id, deviceId);
    return updated;
  });
  return rows.length > 0 ? token : null;
}

/**
 * Runs as the application role with the tenant set (the console's admins call this too), and
 * names the tenant besides: a superuser owner would not be held by row-level security.
 */
export async function revokeDevice(db: RelayDb, tenant: Tenant, deviceId: string): Promise<boolean> {
  const rows = await db.withTenant(tenant.id, async (q) => {
    const updated = await q.query(
      'UPDATE devices SET revoked_at = now() WHERE id = $1 AND tenant_id = $2 AND revoked_at IS NULL RETURNING id',
      [deviceId, tenant.id],
    );
    if (updated.length > 0) await notifyDeviceRevoked(db, q, tenant.id, deviceId);
    return updated;
  });
  return rows.length > 0;
}

export async function recordAck(db: RelayDb, tenantId: string, deviceId: string, seq: number): Promise<void> {
  await db.withTenant(tenantId, (q) =>
    q.query('UPDATE devices SET acked_seq = GREATEST(acked_seq, $2), last_seen_at = now() WHERE id = $1', [deviceId, seq]),
  );
}

export interface ProviderCredentials {
  twilioAuthToken: string | null;
  sendgridPublicKey: string | null;
  telegramSecretToken: string | null;
  elksCallbackSecret: string | null;
}

export interface CredentialsUpdate {
  twilioAuthToken?: string;
  sendgridPublicKey?: string;
  telegramSecretToken?: string;
  elksCallbackSecret?: string;
}

export async function setCredentials(db: RelayDb, key: Buffer, tenant: Tenant, update: CredentialsUpdate): Promise<void> {
  const enc = (v: string | undefined) => (v === undefined ? null : encryptSecret(key, v));
  await db.asOwner(async (q) => {
    await setTenant(q, tenant.id);
    await q.query(
      `INSERT INTO tenant_credentials (tenant_id, twilio_auth_token_enc, sendgrid_public_key, telegram_secret_token_enc, elks_callback_secret_enc, updated_at)
       VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (tenant_id) DO UPDATE SET
         twilio_auth_token_enc = COALESCE(EXCLUDED.twilio_auth_token_enc, tenant_credentials.twilio_auth_token_enc),
         sendgrid_public_key = COALESCE(EXCLUDED.sendgrid_public_key, tenant_credentials.sendgrid_public_key),
         telegram_secret_token_enc = COALESCE(EXCLUDED.telegram_secret_token_enc, tenant_credentials.telegram_secret_token_enc),
         elks_callback_secret_enc = COALESCE(EXCLUDED.elks_callback_secret_enc, tenant_credentials.elks_callback_secret_enc),
         updated_at = now()`,
      [
        tenant.id,
        enc(update.twilioAuthToken),
        update.sendgridPublicKey ?? null,
        enc(update.telegramSecretToken),
        enc(update.elksCallbackSecret),
      ],
    );
  });
}

export async function loadCredentials(db: RelayDb, key: Buffer, tenantId: string): Promise<ProviderCredentials> {
  const [row] = await db.withTenant(tenantId, (q) =>
    q.query<{
      twilio_auth_token_enc: string | null;
      sendgrid_public_key: string | null;
      telegram_secret_token_enc: string | null;
      elks_callback_secret_enc: string | null;
    }>('SELECT twilio_auth_token_enc, sendgrid_public_key, telegram_secret_token_enc, elks_callback_secret_enc FROM tenant_credentials'),
  );
  return {
    twilioAuthToken: row?.twilio_auth_token_enc ? decryptSecret(key, row.twilio_auth_token_enc) : null,
    sendgridPublicKey: row?.sendgrid_public_key ?? null,
    telegramSecretToken: row?.telegram_secret_token_enc ? decryptSecret(key, row.telegram_secret_token_enc) : null,
    elksCallbackSecret: row?.elks_callback_secret_enc ? decryptSecret(key, row.elks_callback_secret_enc) : null,
  };
}
