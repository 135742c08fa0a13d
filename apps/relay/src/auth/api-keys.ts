// API keys for other systems (docs/api.md): an administrator creates one (the secret is
// returned once; only its SHA-256 is stored), lists and revokes them; a request to the REST
// API v1 presents one and is admitted only if the key is known, not revoked, not expired,
// used from an allowed address, has the route's scope and is within its rate limit. Every
// use and every refusal of a known key is audited under the key's name (and so reaches
// every desktop's audit, see ingest/auth-audit.ts).
import { BlockList } from 'node:net';
import {
  apiKeyScopeInfo,
  parseCidr,
  type ApiKeyCreateRequest,
  type ApiKeyCreateResponse,
  type ApiKeyScope,
  type ApiKeySummary,
} from '@gdial/protocol';
import { apiKeyCreateRequestSchema } from '@gdial/protocol';
import { RateLimiter } from '../ops/rate-limit';
import { findApiKeyByHash, insertApiKey, listApiKeys, revokeApiKey, touchApiKey, type ApiKeyRow } from '../store/api-keys';
import { constantTimeEqual, hashToken, newToken, tokenTenant } from '../store/secrets';
import { findTenantById, type Tenant } from '../store/tenants';
import { fail, type AuthResult, type AuthService, type Caller } from './service';

/** A request admitted on an API key. */
export interface KeyCaller {
  tenant: Tenant;
  key: ApiKeyRow;
}

export const apiKeySummary = (k: ApiKeyRow): ApiKeySummary => ({
  id: k.id,
  name: k.name,
  hint: k.hint,
  scopes: k.scopes,
  expiresAt: k.expiresAt?.toISOString() ?? null,
  allowedSources: k.allowedSources,
  rateLimitPerMinute: k.rateLimitPerMinute,
  createdAt: k.createdAt.toISOString(),
  createdBy: k.createdBy,
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  revokedAt: k.revokedAt?.toISOString() ?? null,
  revokedBy: k.revokedBy,
});

/** Whether `address` (as the relay sees the client) is one of `sources` (addresses or CIDR networks). */
export function sourceAllowed(sources: readonly string[], address: string): boolean {
  if (sources.length === 0) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const ip = mapped ? mapped[1]! : address;
  const family = ip.includes(':') ? 'ipv6' : 'ipv4';
  const list = new BlockList();
  for (const s of sources) {
    const c = parseCidr(s);
    if (c) list.addSubnet(c.address, c.bits, c.family === 4 ? 'ipv4' : 'ipv6');
  }
  try {
    return list.check(ip, family);
  } catch {
    return false;
  }
}

export class ApiKeys {
  /** Per key: its own per-minute rate, a minute's worth as burst. */
  private readonly rates = new RateLimiter(1);

  constructor(
    private readonly auth: AuthService,
    private readonly now: () => number = Date.now,
  ) {}

  private get db() {
    return this.auth.db;
  }

  async create(tenantId: string, input: ApiKeyCreateRequest, by: Caller): Promise<ApiKeyCreateResponse> {
    const k = apiKeyCreateRequestSchema.parse(input);
    const secret = newToken('gdk', tenantId);
    const row = await insertApiKey(this.db, tenantId, {
      name: k.name,
      keyHash: hashToken(secret),
      hint: `gdk_…${secret.slice(-4)}`,
      scopes: k.scopes,
      expiresAt: k.expiresAt ? new Date(k.expiresAt) : null,
      allowedSources: k.allowedSources,
      rateLimitPerMinute: k.rateLimitPerMinute,
      createdBy: by.user.username,
    });
    await this.auth.audit(tenantId, {
      actorUserId: by.user.userId,
      actorUsername: by.user.username,
      deviceId: by.deviceId,
      action: 'api-key-created',
      subject: row.id,
      detail: { name: row.name, scopes: row.scopes.join(' '), expiresAt: k.expiresAt ?? null },
    });
    return { ...apiKeySummary(row), secret };
  }

  async list(tenantId: string): Promise<ApiKeySummary[]> {
    return (await listApiKeys(this.db, tenantId)).map(apiKeySummary);
  }

  async revoke(tenantId: string, id: string, by: Caller): Promise<AuthResult<true>> {
    const row = await revokeApiKey(this.db, tenantId, id, by.user.username);
    if (!row) return fail(404, 'not-found', 'Ingen giltig API-nyckel med det id:t.');
    await this.auth.audit(tenantId, {
      actorUserId: by.user.userId,
      actorUsername: by.user.username,
      deviceId: by.deviceId,
      action: 'api-key-revoked',
      subject: row.id,
      detail: { name: row.name },
    });
    return { ok: true, value: true };
  }

  /**
   * The key a request presents, checked for the route's scope from the client's address. A
   * refusal of a known key is audited with its reason; an unknown token is not (anyone can
   * send one; the guard's failure throttle slows guessing).
   */
  async authenticate(token: string | null, scope: ApiKeyScope, client: string, route: string): Promise<AuthResult<KeyCaller>> {
    const unknown = fail(401, 'unauthorized', 'Ingen giltig API-nyckel (Authorization: Bearer gdk_…).');
    const tenantId = token ? tokenTenant(token, 'gdk') : null;
    if (!token || !tenantId) return unknown;
    const tenant = await findTenantById(this.db, tenantId);
    if (!tenant) return unknown;
    const hash = hashToken(token);
    const key = await findApiKeyByHash(this.db, tenant.id, hash);
    if (!key || !constantTimeEqual(key.keyHash, hash)) return unknown;
    const refused = async (r: AuthResult<never>, reason: string): Promise<AuthResult<never>> => {
      await this.audit(tenant.id, key, 'api-key-refused', route, client, { reason });
      return r;
    };
    if (key.revokedAt) return refused(fail(401, 'key-revoked', `API-nyckeln ”${key.name}” är återkallad.`), 'revoked');
    if (key.expiresAt && key.expiresAt.getTime() <= this.now())
      return refused(fail(401, 'key-expired', `API-nyckeln ”${key.name}” gick ut ${key.expiresAt.toISOString()}.`), 'expired');
    if (!sourceAllowed(key.allowedSources, client))
      return refused(fail(403, 'source-refused', `API-nyckeln ”${key.name}” får inte användas från adressen ${client}.`), 'source');
    if (!key.scopes.includes(scope))
      return refused(
        fail(403, 'scope-missing', `API-nyckeln ”${key.name}” saknar behörigheten ${scope} (${apiKeyScopeInfo[scope].sv.toLowerCase()}).`, {
          requiredScope: scope,
        }),
        'scope',
      );
    const perSecond = key.rateLimitPerMinute / 60;
    const wait = this.rates.take(key.id, { perSecond, burst: key.rateLimitPerMinute });
    if (wait > 0)
      return refused(
        fail(429, 'rate-limited', `API-nyckeln ”${key.name}” har gjort för många anrop; försök igen om ${wait} s.`, {
          retryAfterSeconds: wait,
        }),
        'rate',
      );
    await touchApiKey(this.db, tenant.id, key.id);
    await this.audit(tenant.id, key, 'api-key-used', route, client, {});
    return { ok: true, value: { tenant, key } };
  }

  private audit(
    tenantId: string,
    key: ApiKeyRow,
    action: 'api-key-used' | 'api-key-refused',
    route: string,
    client: string,
    extra: Record<string, string>,
  ): Promise<void> {
    return this.auth.audit(tenantId, {
      actorUsername: key.name,
      action,
      subject: key.id,
      detail: { name: key.name, route, client, ...extra },
    });
  }
}
