// Resolves the tenant of a public URL and its provider credentials, cached briefly so a
// webhook burst costs no extra queries. Credentials changed with the admin CLI take effect
// within `ttlMs` on every instance. Only tenants that exist are cached, and only names of a
// tenant's form are looked up, so strangers probing URLs cannot grow the cache.
import type { RelayDb } from '../store/db';
import { findTenantBySlug, loadCredentials, tenantSlugPattern, type ProviderCredentials, type Tenant } from '../store/tenants';

interface Entry {
  tenant: Tenant;
  credentials: ProviderCredentials;
  at: number;
}

export interface ResolvedTenant {
  tenant: Tenant;
  credentials: ProviderCredentials;
}

export class TenantCache {
  private readonly entries = new Map<string, Entry>();
  constructor(
    private readonly db: RelayDb,
    private readonly encryptionKey: Buffer,
    private readonly ttlMs = 30_000,
  ) {}

  /** Whether `slug` has a tenant slug's form at all (checked before anything else). */
  static wellFormed(slug: string): boolean {
    return tenantSlugPattern.test(slug);
  }

  async resolve(slug: string): Promise<ResolvedTenant | null> {
    if (!tenantSlugPattern.test(slug)) return null;
    const hit = this.entries.get(slug);
    if (hit && Date.now() - hit.at < this.ttlMs) return { tenant: hit.tenant, credentials: hit.credentials };
    const tenant = await findTenantBySlug(this.db, slug);
    if (!tenant) {
      this.entries.delete(slug);
      return null;
    }
    const credentials = await loadCredentials(this.db, this.encryptionKey, tenant.id);
    this.entries.set(slug, { tenant, credentials, at: Date.now() });
    return { tenant, credentials };
  }

  /** How many tenants are cached (known tenants only). */
  get size(): number {
    return this.entries.size;
  }

  invalidate(slug?: string): void {
    if (slug) this.entries.delete(slug);
    else this.entries.clear();
  }
}
