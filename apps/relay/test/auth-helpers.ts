// Identity fixtures: users made through the relay's own administration, and small clients
// for the /api/v1 identity routes as a desktop calls them (device token to sign in and
// refresh, the access token for everything else).
import { signInResponseSchema, type Role, type SignInResponse } from '@gdial/protocol';
import type { PasswordCost } from '../src/auth/passwords';
import type { RelayHandle } from '../src/index';

/** A lower scrypt cost for speed in tests; a test checks that the default is OWASP's. */
export const testPasswordCost: PasswordCost = { logN: 14, r: 8, p: 1 };

export const PASSWORD = 'korrekt häst batteri häftklammer';

export async function tenantIdOf(relay: RelayHandle, slug: string): Promise<string> {
  const t = (await relay.admin.listTenants()).find((x) => x.slug === slug);
  if (!t) throw new Error(`no tenant ${slug}`);
  return t.id;
}

export async function addUser(relay: RelayHandle, slug: string, username: string, role: Role, password = PASSWORD): Promise<string> {
  const r = await relay.authAdmin.createUser(
    await tenantIdOf(relay, slug),
    { username, displayName: `Namn ${username}`, role, password },
    null,
  );
  if (!r.ok) throw new Error(r.failure.message);
  return r.value.id;
}

export interface Call {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; message: string; requiredRoles?: string[] } };
}

export async function call(url: string, method: string, token: string | null, body?: unknown): Promise<Call> {
  const res = await fetch(url, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Call['body']) : {} };
}

export async function signIn(
  relay: RelayHandle,
  deviceToken: string,
  username: string,
  password = PASSWORD,
  totp?: string,
): Promise<SignInResponse> {
  const r = await call(`${relay.url}/api/v1/auth/sign-in`, 'POST', deviceToken, { username, password, ...(totp ? { totp } : {}) });
  if (r.status !== 200) throw new Error(`sign-in failed: ${r.status} ${JSON.stringify(r.body)}`);
  return signInResponseSchema.parse(r.body);
}
