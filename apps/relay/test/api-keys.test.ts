// API keys (docs/api.md): made, listed and revoked by an administrator over /api/v1/api-keys
// (other roles refused), the secret returned once and stored only as its SHA-256, and the
// check every REST request passes through: unknown, revoked and expired keys, a source
// address outside the key's list, a missing scope, and the per-key rate limit (429 with
// Retry-After). Every use and every refusal of a known key is audited under its name.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyCreateResponseSchema, apiKeyListResponseSchema, type AuthAuditEntry } from '@gdial/protocol';
import { ApiKeys, sourceAllowed } from '../src/auth/api-keys';
import { addUser, call, signIn, tenantIdOf, testPasswordCost } from './auth-helpers';
import { addTenant, startTestRelay, type RelayFixture, type TenantFixture } from './setup';

describe('API keys', () => {
  let fx: RelayFixture;
  let t: TenantFixture;
  let admin: string;
  let operator: string;
  let tenantId: string;
  const url = () => `${fx.relay.url}/api/v1/api-keys`;

  beforeAll(async () => {
    fx = await startTestRelay('pglite', { passwordCost: testPasswordCost });
    t = await addTenant(fx.relay, 'keys-org');
    tenantId = await tenantIdOf(fx.relay, 'keys-org');
    await addUser(fx.relay, 'keys-org', 'chef', 'admin');
    await addUser(fx.relay, 'keys-org', 'op', 'operator');
    admin = (await signIn(fx.relay, t.deviceToken, 'chef')).accessToken;
    operator = (await signIn(fx.relay, t.deviceToken, 'op')).accessToken;
  }, 120_000);
  afterAll(async () => fx?.stop(), 60_000);

  const audit = async (): Promise<AuthAuditEntry[]> =>
    (await call(`${fx.relay.url}/api/v1/audit?limit=200`, 'GET', admin)).body.entries as AuthAuditEntry[];

  it('an administrator creates a key (the secret once, stored hashed), lists and revokes it; other roles may not', async () => {
    const body = { name: 'Brandlarm stadshuset', scopes: ['alerts:trigger', 'alerts:read'], allowedSources: ['192.0.2.0/24'] };
    expect((await call(url(), 'POST', operator, body)).status).toBe(403);
    expect((await call(url(), 'GET', operator)).status).toBe(403);
    const created = await call(url(), 'POST', admin, body);
    expect(created.status).toBe(201);
    const key = apiKeyCreateResponseSchema.parse(created.body);
    expect(key.secret).toMatch(new RegExp(`^gdk_${tenantId}_[A-Za-z0-9_-]{43}$`));
    expect(key).toMatchObject({ name: 'Brandlarm stadshuset', createdBy: 'chef', rateLimitPerMinute: 60, expiresAt: null });
    expect(key.hint).toBe(`gdk_…${key.secret.slice(-4)}`);
    // Listed without the secret; in the database only its SHA-256.
    const listed = apiKeyListResponseSchema.parse((await call(url(), 'GET', admin)).body);
    expect(JSON.stringify(listed)).not.toContain(key.secret);
    const [row] = await fx.relay.db.withTenant(tenantId, (q) =>
      q.query<{ key_hash: string }>('SELECT key_hash FROM api_keys WHERE id = $1', [key.id]),
    );
    expect(row!.key_hash).toBe(createHash('sha256').update(key.secret).digest('hex'));
    expect((await call(`${url()}/${key.id}`, 'DELETE', operator)).status).toBe(403);
    expect((await call(`${url()}/${key.id}`, 'DELETE', admin)).status).toBe(204);
    expect((await call(`${url()}/${key.id}`, 'DELETE', admin)).status).toBe(404);
    const after = apiKeyListResponseSchema.parse((await call(url(), 'GET', admin)).body).keys.find((k) => k.id === key.id);
    expect(after).toMatchObject({ revokedBy: 'chef' });
    const actions = (await audit()).filter((e) => e.subject === key.id).map((e) => [e.action, e.actorUsername]);
    expect(actions).toEqual(
      expect.arrayContaining([
        ['api-key-created', 'chef'],
        ['api-key-revoked', 'chef'],
      ]),
    );
  });

  it('refuses bad input with a Swedish message naming the problem', async () => {
    const r = await call(url(), 'POST', admin, {
      name: '',
      scopes: [],
      allowedSources: ['inte-en-adress'],
      expiresAt: '2001-01-01T00:00:00Z',
    });
    expect(r.status).toBe(400);
    const message = r.body.error!.message;
    expect(message).toContain('Nyckeln behöver ett namn');
    expect(message).toContain('Välj minst en behörighet');
    expect(message).toContain('Inte en IP-adress');
    expect(message).toContain('Utgångstiden har redan passerat');
  });

  it('admits a key only when known, valid, from an allowed address, with the scope and within its rate', async () => {
    let now = Date.now();
    const keys = new ApiKeys(fx.relay.auth, () => now);
    const mk = async (extra: object) =>
      apiKeyCreateResponseSchema.parse(
        (await call(url(), 'POST', admin, { name: `k${Math.random()}`, scopes: ['alerts:read'], ...extra })).body,
      );
    const plain = await mk({ rateLimitPerMinute: 3 });
    const ok = await keys.authenticate(plain.secret, 'alerts:read', '198.51.100.7', 'GET /alerts/:id');
    expect(ok.ok && ok.value.key.id).toBe(plain.id);
    // Unknown, malformed, or another key's secret with one character changed.
    const forged = plain.secret.slice(0, -1) + (plain.secret.endsWith('A') ? 'B' : 'A');
    for (const bad of [null, 'gdk_nope', forged])
      expect(await keys.authenticate(bad, 'alerts:read', '198.51.100.7', 'GET /alerts/:id')).toMatchObject({
        ok: false,
        failure: { status: 401, code: 'unauthorized' },
      });
    // Scope.
    expect(await keys.authenticate(plain.secret, 'contacts:write', '198.51.100.7', 'POST /contacts')).toMatchObject({
      ok: false,
      failure: { status: 403, code: 'scope-missing', requiredScope: 'contacts:write' },
    });
    // Rate: 3 a minute as burst, then 429 with the wait; a minute later it is admitted again.
    expect((await keys.authenticate(plain.secret, 'alerts:read', '198.51.100.7', 'x')).ok).toBe(true);
    expect((await keys.authenticate(plain.secret, 'alerts:read', '198.51.100.7', 'x')).ok).toBe(true);
    const limited = await keys.authenticate(plain.secret, 'alerts:read', '198.51.100.7', 'x');
    expect(limited).toMatchObject({ ok: false, failure: { status: 429, code: 'rate-limited' } });
    expect(!limited.ok && limited.failure.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    // Source addresses.
    const fenced = await mk({ allowedSources: ['192.0.2.0/24', '2001:db8::1'] });
    expect((await keys.authenticate(fenced.secret, 'alerts:read', '192.0.2.99', 'x')).ok).toBe(true);
    expect((await keys.authenticate(fenced.secret, 'alerts:read', '::ffff:192.0.2.5', 'x')).ok).toBe(true);
    expect((await keys.authenticate(fenced.secret, 'alerts:read', '2001:db8::1', 'x')).ok).toBe(true);
    expect(await keys.authenticate(fenced.secret, 'alerts:read', '192.0.3.1', 'x')).toMatchObject({
      ok: false,
      failure: { status: 403, code: 'source-refused' },
    });
    // Expired: valid until its time, refused after.
    const expiring = await mk({ expiresAt: new Date(now + 60_000).toISOString() });
    expect((await keys.authenticate(expiring.secret, 'alerts:read', '192.0.2.1', 'x')).ok).toBe(true);
    now += 61_000;
    expect(await keys.authenticate(expiring.secret, 'alerts:read', '192.0.2.1', 'x')).toMatchObject({
      ok: false,
      failure: { status: 401, code: 'key-expired' },
    });
    // Revoked.
    expect((await call(`${url()}/${fenced.id}`, 'DELETE', admin)).status).toBe(204);
    expect(await keys.authenticate(fenced.secret, 'alerts:read', '192.0.2.99', 'x')).toMatchObject({
      ok: false,
      failure: { status: 401, code: 'key-revoked' },
    });
    // Each use and each refusal of a known key is in the audit under the key's name.
    const entries = await audit();
    const of = (id: string) => entries.filter((e) => e.subject === id).map((e) => [e.action, e.detail.reason ?? null]);
    expect(of(plain.id).filter(([a]) => a === 'api-key-used')).toHaveLength(3);
    expect(of(plain.id)).toEqual(
      expect.arrayContaining([
        ['api-key-refused', 'scope'],
        ['api-key-refused', 'rate'],
      ]),
    );
    expect(of(fenced.id)).toEqual(
      expect.arrayContaining([
        ['api-key-refused', 'source'],
        ['api-key-refused', 'revoked'],
      ]),
    );
    expect(of(expiring.id)).toEqual(expect.arrayContaining([['api-key-refused', 'expired']]));
    expect(entries.find((e) => e.subject === plain.id && e.action === 'api-key-used')?.actorUsername).toBe(plain.name);
  });

  it('matches source addresses and networks, IPv4 and IPv6', () => {
    expect(sourceAllowed([], '203.0.113.9')).toBe(true);
    expect(sourceAllowed(['203.0.113.0/25'], '203.0.113.127')).toBe(true);
    expect(sourceAllowed(['203.0.113.0/25'], '203.0.113.128')).toBe(false);
    expect(sourceAllowed(['2001:db8::/32'], '2001:db8:ffff::1')).toBe(true);
    expect(sourceAllowed(['2001:db8::/32'], '2001:db9::1')).toBe(false);
    expect(sourceAllowed(['127.0.0.1'], '::ffff:127.0.0.1')).toBe(true);
    expect(sourceAllowed(['127.0.0.1'], 'unknown')).toBe(false);
  });
});
