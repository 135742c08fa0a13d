// Tenant isolation in the database: every table with a tenant_id has row-level security
// enabled and forced, the request path's role is neither owner nor BYPASSRLS, and a pooled
// connection that served tenant A serves tenant B without leaking A's rows.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type RelayDb } from '../src/store/db';
import { appendEvents } from '../src/store/events';
import { tenantTables } from '../src/store/schema';
import { backends } from './helpers';
import { addTenant, startTestRelay, type RelayFixture } from './setup';

const webhook = (key: string) => ({
  eventKey: key,
  kind: 'telegram.update',
  event: {
    type: 'webhook' as const,
    webhook: { kind: 'telegram.update' as const, eventKey: key, receivedAt: new Date().toISOString(), query: {}, body: { update_id: 1 } },
  },
});

describe.each(backends)('tenant isolation on %s', (backend) => {
  let fx: RelayFixture;
  let ids: { a: string; b: string };
  beforeAll(async () => {
    fx = await startTestRelay(backend);
    await addTenant(fx.relay, 'iso-a');
    await addTenant(fx.relay, 'iso-b');
    const tenants = await fx.relay.admin.listTenants();
    ids = { a: tenants.find((t) => t.slug === 'iso-a')!.id, b: tenants.find((t) => t.slug === 'iso-b')!.id };
    await appendEvents(fx.relay.db, ids.a, [webhook('a1'), webhook('a2')]);
    await appendEvents(fx.relay.db, ids.b, [webhook('b1')]);
  }, 120_000);
  afterAll(async () => fx?.stop(), 60_000);

  it('has RLS enabled and forced on every table with a tenant_id column', async () => {
    const rows = await fx.relay.db.asOwner((q) =>
      q.query<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean; has_tenant: boolean }>(
        `SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped) AS has_tenant
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = $1 AND c.relkind = 'r'`,
        [fx.relay.db.schema],
      ),
    );
    const tenantScoped = rows
      .filter((r) => r.has_tenant)
      .map((r) => r.relname)
      .sort();
    expect(tenantScoped).toEqual([...tenantTables].sort());
    for (const r of rows.filter((x) => x.has_tenant)) {
      expect({ table: r.relname, enabled: r.relrowsecurity, forced: r.relforcerowsecurity }).toEqual({
        table: r.relname,
        enabled: true,
        forced: true,
      });
    }
  });

  it('runs the request path as a role that is neither owner nor BYPASSRLS', async () => {
    const [me] = await fx.relay.db.appQuery<{ user: string; rolsuper: boolean; rolbypassrls: boolean }>(
      'SELECT current_user AS user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user',
    );
    expect(me).toEqual({ user: fx.relay.db.appRole, rolsuper: false, rolbypassrls: false });
    const owners = await fx.relay.db.appQuery<{ owner: string }>(
      `SELECT DISTINCT pg_get_userbyid(c.relowner) AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r'`,
      [fx.relay.db.schema],
    );
    expect(owners.map((o) => o.owner)).not.toContain(fx.relay.db.appRole);
  });

  it('a query without a tenant sees nothing, and a write for another tenant is refused', async () => {
    expect(await fx.relay.db.appQuery('SELECT * FROM events')).toEqual([]);
    await expect(
      fx.relay.db.withTenant(ids.a, (q) =>
        q.query("INSERT INTO events (tenant_id, seq, event_key, kind, payload) VALUES ($1, 99, 'x', 'k', '{}')", [ids.b]),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it.runIf(backend === 'postgres')('serves tenant A then tenant B on the same pooled connection without leaking', async () => {
    const sandbox = fx.sandbox!;
    const db: RelayDb = openPostgres({
      url: sandbox.databaseUrl,
      schema: sandbox.schema,
      appRole: sandbox.appRole,
      poolSize: 1,
      logger: pino({ level: 'silent' }),
    });
    try {
      // No WHERE on purpose: only RLS stands between the tenants.
      const seen = async (tenantId: string) =>
        db.withTenant(tenantId, (q) =>
          q.query<{ pid: number; key: string }>('SELECT pg_backend_pid() AS pid, event_key AS key FROM events ORDER BY seq'),
        );
      const first = await seen(ids.a);
      const second = await seen(ids.b);
      const after = await db.appQuery<{ pid: number; key: string }>('SELECT pg_backend_pid() AS pid, event_key AS key FROM events');
      const [pid] = await db.appQuery<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      expect(first.map((r) => r.key)).toEqual(['a1', 'a2']);
      expect(second.map((r) => r.key)).toEqual(['b1']);
      expect(after).toEqual([]);
      expect(new Set([...first, ...second].map((r) => r.pid))).toEqual(new Set([pid!.pid]));
    } finally {
      await db.close();
    }
  });
});
