// The route table of /api/v1 (auth/rules.ts): every route the express router has carries a
// rule (a route added without one fails here), every rule is a real route and is in
// /openapi.json, and each rule is enforced: walked over HTTP with every role, a device token
// and no credentials. Also the pieces underneath: TOTP against RFC 6238's vectors, the JWT
// checks and the password hash's cost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roles, type Role } from '@gdial/protocol';
import { costOf, hashPassword, owaspScrypt, verifyPassword } from '../src/auth/passwords';
import { routeRules, ruleFor } from '../src/auth/rules';
import { signAccessToken, successorOf, tokenKeys, verifyAccessToken } from '../src/auth/tokens';
import { base32Encode, hotp, totpCode, verifyTotp } from '../src/auth/totp';
import { apiRouter } from '../src/http/api';
import type { HttpServices } from '../src/http/services';
import { RelayMetrics } from '../src/ops/metrics';
import { configFromOptions } from '../src/relay';
import { addUser, call, signIn, testPasswordCost } from './auth-helpers';
import { encryptionKey } from './helpers';
import { addTenant, startTestRelay, type RelayFixture, type TenantFixture } from './setup';

interface StackLayer {
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: StackLayer[] };
  rawPath?: string;
}

/** Every "METHOD /path" the router serves, nested routers included. */
function routesOf(stack: StackLayer[], prefix = ''): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      return Object.keys(layer.route.methods)
        .filter((m) => m !== '_all')
        .map((m) => `${m.toUpperCase()} ${prefix}${layer.route!.path}`);
    }
    if (layer.handle.stack) {
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      return routesOf(layer.handle.stack, prefix + mount);
    }
    return [];
  });
}

describe('the /api/v1 route table', () => {
  const services = {
    config: configFromOptions({ encryptionKey: encryptionKey() }),
    metrics: new RelayMetrics(),
  } as unknown as HttpServices;
  const served = routesOf((apiRouter(services) as unknown as { stack: StackLayer[] }).stack);

  it('has a rule for every route the router serves, and no rule without a route', () => {
    expect(served.length).toBeGreaterThan(20);
    expect(served.filter((r) => !(r in routeRules))).toEqual([]);
    expect(Object.keys(routeRules).filter((r) => !served.includes(r))).toEqual([]);
  });

  it('would catch a route without a rule', () => {
    expect(ruleFor('POST', '/users/123/impersonate')).toBeNull();
    expect(ruleFor('GET', '/invitations/accept')).toBeNull();
    expect(ruleFor('POST', '/invitations/accept')?.rule).toEqual({ kind: 'public' });
    expect(ruleFor('DELETE', '/invitations/0f0e')?.key).toBe('DELETE /invitations/:id');
  });
});

describe('identity building blocks', () => {
  it('computes TOTP as RFC 6238 appendix B (SHA-1, six digits) and accepts one step either side, once', () => {
    const secret = base32Encode(Buffer.from('12345678901234567890'));
    expect(totpCode(secret, 59_000)).toBe('287082');
    expect(totpCode(secret, 1_111_111_109_000)).toBe('081804');
    expect(totpCode(secret, 2_000_000_000_000)).toBe('279037');
    expect(hotp(Buffer.from('12345678901234567890'), 0)).toBe('755224'); // RFC 4226 appendix D
    const at = 1_111_111_109_000;
    expect(verifyTotp(secret, totpCode(secret, at - 30_000), at, null)).toBe(Math.floor(at / 30_000) - 1);
    expect(verifyTotp(secret, totpCode(secret, at - 60_000), at, null)).toBeNull();
    expect(verifyTotp(secret, totpCode(secret, at), at, Math.floor(at / 30_000))).toBeNull();
  });

  it('hashes passwords with OWASP scrypt parameters by default and verifies by the stored cost', async () => {
    expect(owaspScrypt).toEqual({ logN: 17, r: 8, p: 1 });
    const strong = await hashPassword('lösenord', owaspScrypt);
    expect(costOf(strong)).toEqual({ logN: 17, r: 8, p: 1 });
    const quick = await hashPassword('lösenord', testPasswordCost);
    expect(await verifyPassword('lösenord', quick)).toBe(true);
    expect(await verifyPassword('Lösenord', quick)).toBe(false);
    expect(await verifyPassword('lösenord', quick.replace('scrypt$14$', 'scrypt$15$'))).toBe(false);
  }, 30_000);

  it('verifies HS256 only, with exp, and derives refresh successors that only the key can make', () => {
    const keys = tokenKeys(encryptionKey());
    const claims = { sub: 'u', tenant: 't', role: 'reader' as Role, sid: 's', did: 'd', iat: 1000, exp: 1600 };
    const token = signAccessToken(keys.access, claims);
    expect(verifyAccessToken(keys.access, token, 1_500_000)).toEqual({ ok: true, claims });
    expect(verifyAccessToken(keys.access, token, 1_600_000)).toEqual({ ok: false, expired: true });
    expect(verifyAccessToken(tokenKeys(encryptionKey()).access, token, 1_500_000)).toEqual({ ok: false, expired: false });
    const hs512 = `${Buffer.from('{"alg":"HS512","typ":"JWT"}').toString('base64url')}.${token.split('.').slice(1).join('.')}`;
    expect(verifyAccessToken(keys.access, hs512, 1_500_000).ok).toBe(false);
    const refresh = `gdr_${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}_${'A'.repeat(43)}`;
    expect(successorOf(keys.refresh, refresh)).toBe(successorOf(keys.refresh, refresh));
    expect(successorOf(keys.refresh, refresh)).not.toBe(successorOf(tokenKeys(encryptionKey()).refresh, refresh));
  });
});

describe('the route table is enforced', () => {
  let fx: RelayFixture;
  let t: TenantFixture;
  const tokens = new Map<Role, string>();
  beforeAll(async () => {
    fx = await startTestRelay('pglite', { passwordCost: testPasswordCost, failedAuthBurst: 10_000 });
    t = await addTenant(fx.relay, 'rules-org');
    for (const role of roles) {
      await addUser(fx.relay, 'rules-org', `u-${role}`, role);
      tokens.set(role, (await signIn(fx.relay, t.deviceToken, `u-${role}`)).accessToken);
    }
  }, 120_000);
  afterAll(async () => fx?.stop(), 60_000);

  const pathOf = (key: string) => key.split(' ')[1]!.replace(/:[a-zA-Z]+/g, '00000000-0000-4000-8000-000000000000');

  it.each(Object.entries(routeRules))('%s', async (key, rule) => {
    const method = key.split(' ')[0]!;
    const url = `${fx.relay.url}/api/v1${pathOf(key)}`;
    // The body is empty: what is checked is who gets past the gate, not what the route does.
    const send = async (token: string | null) =>
      (await call(url, method, token, method === 'GET' || method === 'DELETE' ? undefined : {})).status;
    if (rule.kind === 'public') {
      expect(await send(null)).not.toBe(401);
      return;
    }
    expect(await send(null)).toBe(401);
    if (rule.kind === 'device') {
      expect(await send(t.deviceToken)).not.toBe(401);
      expect(await send(tokens.get('admin')!)).toBe(401); // a user's token is not a desktop's
      return;
    }
    expect(await send(t.deviceToken)).toBe(401); // a desktop's token is not a user's (nor a key)
    if (rule.kind === 'key') {
      expect(await send(tokens.get('admin')!)).toBe(401); // a user's token is not an API key (api-keys.test.ts has the scopes)
      return;
    }
    for (const role of roles) {
      // Signing out ends the session the token belongs to: use a fresh one.
      const token = key === 'POST /auth/sign-out' ? (await signIn(fx.relay, t.deviceToken, `u-${role}`)).accessToken : tokens.get(role)!;
      const status = await send(token);
      if (rule.roles.includes(role)) expect({ role, status }).not.toEqual({ role, status: 403 });
      else expect({ role, status }).toEqual({ role, status: 403 });
      expect(status).not.toBe(401);
    }
  });

  it('describes every rule in /openapi.json, with the security it asks for', async () => {
    const doc = (await (await fetch(`${fx.relay.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { security?: Array<Record<string, unknown>> }>>;
    };
    for (const [key, rule] of Object.entries(routeRules)) {
      const [method, path] = key.split(' ') as [string, string];
      const op = doc.paths[`/api/v1${path.replace(/:([a-zA-Z][a-zA-Z0-9]*)/g, '{$1}')}`]?.[method.toLowerCase()];
      expect({ key, described: op !== undefined }).toEqual({ key, described: true });
      if (rule.kind !== 'public') expect(Object.keys(op!.security?.[0] ?? {})).toEqual([rule.kind]);
    }
  });
});
