// Resolves the tenant of a public URL and its provider credentials, cached briefly so a
// webhook burst costs no extra queries. Credentials changed with the admin CLI take effect
// within `ttlMs` on every instance.
import type { RelayDb } from '../store/db';
import { findTenantBySlug, loadCredentials, type ProviderCredentials, type Tenant } from '../store/tenants';

interface Entry {
  tenant: Tenant | null;
  credentials: ProviderCredentials | null;
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

  async resolve(slug: string): Promise<ResolvedTenant | null> {
    const hit = this.entries.get(slug);
    if (hit && Date.now() - hit.at < this.ttlMs)
      return hit.tenant && hit.credentials ? { tenant: hit.tenant, credentials: hit.credentials } : null;
    const tenant = await findTenantBySlug(this.db, slug);
    const credentials = tenant ? await loadCredentials(this.db, this.encryptionKey, tenant.id) : null;
    // Unknown slugs are cached too, so probing random URLs costs one query per slug per TTL.
    if (this.entries.size > 10_000) this.entries.clear();
    this.entries.set(slug, { tenant, credentials, at: Date.now() });
    return tenant && credentials ? { tenant, credentials } : null;
  }

  invalidate(slug?: string): void {
    if (slug) this.entries.delete(slug);
    else this.entries.clear();
  }
}
