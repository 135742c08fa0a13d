// Signing in at the organisation's relay (issue 16): real engines enrolled with a real relay on
// PGlite, signing users in over HTTP. An online sign-in applies the role the relay confirms;
// refreshing the access token is single-flight (several calls that need a fresh token at once
// make one refresh at the relay); an administrator on one desktop invites a user, revokes
// another desktop's session (that desktop signs its user out at its next refresh) and changes
// a role (it holds from the next refresh); with the relay gone, offline unlock works for a user
// who signed in online on that desktop and is refused for one who never did.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodInput, MethodName, MethodOutput } from '@gdial/protocol';
import { enrolDevice, silentLogger, startEngine, type Engine, type EngineOptions } from '@gdial/engine';
import { startRelay, type RelayHandle } from '@gdial/relay';
import { VaultClient } from '../src/engine-host/vault-client';
import { vaultSealer } from '../src/engine-host/vault-sealer';
import { SecretVault } from '../src/main/secrets/vault';
import { vaultService } from '../src/main/secrets/vault-service';
import { FakeSafeStorage } from './support/fake-safe-storage';
import { quietLogger } from './support/fakes';

const TENANT = 'kommun';
const FAST = { N: 2 ** 10, r: 8, p: 1 };
const PASSWORDS = { anna: 'annas långa lösenord', olle: 'olles långa lösenord' };

let relay: RelayHandle;
let tenantId: string;
const engines: Engine[] = [];
/** The desktop app's sealer: the engine host's vault client to main's safeStorage vault (a fake OS key store). */
function desktopSealer(): EngineOptions['secrets'] {
  const service = vaultService(new SecretVault(new FakeSafeStorage(), 'linux'), quietLogger());
  const client: VaultClient = new VaultClient((m) => {
    if (m.type === 'vault-request') void service(m.request).then((reply) => client.receive(m.id, reply));
  }, 5_000);
  return vaultSealer(client);
}

/** Sign-in answers the relay gave (the tokens), to look for them where they must not be. */
const answers: { accessToken: string; refreshToken: string; sessionId: string }[] = [];

/** Requests each desktop sent to the relay, by path. */
const seen = new Map<Engine, string[]>();
/** How far each desktop's clock is ahead (to make its access token look about to expire). */
let skewMs = 0;

async function call<M extends MethodName>(engine: Engine, m: M, params: MethodInput<M>): Promise<MethodOutput<M>> {
  const res = await engine.rpc.call(m, params);
  if (!res.ok) throw new Error(`${m}: ${res.error.message}`);
  return res.value as MethodOutput<M>;
}

async function refusalOf<M extends MethodName>(engine: Engine, m: M, params: MethodInput<M>) {
  const res = await engine.rpc.call(m, params);
  if (res.ok) throw new Error(`${m} was not refused`);
  return res.error.refusal;
}

async function enrol(name: string): Promise<string> {
  const e = await relay.admin.createEnrolment(TENANT, 1);
  if (!e.ok) throw new Error(e.problem);
  const enrolled = await enrolDevice(relay.url, e.value.token, name);
  if (!enrolled.ok) throw new Error(enrolled.error.message);
  return enrolled.value.deviceToken;
}

async function desktop(
  name: string,
  opts: { deviceToken?: string; dataDir?: string; secrets?: EngineOptions['secrets'] } = {},
): Promise<{ engine: Engine; paths: string[] }> {
  const deviceToken = opts.deviceToken ?? (await enrol(name));
  const paths: string[] = [];
  const engine = await startEngine({
    dataDir: opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), `gdial-signin-${name}-`)),
    ...(opts.dataDir ? {} : { databasePath: ':memory:' }),
    ...(opts.secrets ? { secrets: opts.secrets } : {}),
    logger: silentLogger(),
    connectivity: { relay: { url: relay.url, deviceToken, tenant: TENANT } },
    identity: {
      kdf: FAST,
      now: () => new Date(Date.now() + skewMs),
      relayFetch: async (input, init) => {
        const at = new URL(input instanceof Request ? input.url : String(input)).pathname;
        paths.push(at);
        const res = await fetch(input, init);
        if (at === '/api/v1/auth/sign-in' && res.ok) answers.push((await res.clone().json()) as (typeof answers)[number]);
        return res;
      },
    },
  });
  engines.push(engine);
  seen.set(engine, paths);
  return { engine, paths };
}

let a: Engine;
let b: Engine;

beforeAll(async () => {
  relay = await startRelay({ encryptionKey: randomBytes(32), port: 0, logger: silentLogger() });
  const created = await relay.admin.createTenant(TENANT, 'Kommunen');
  if (!created.ok) throw new Error(created.problem);
  tenantId = created.tenant.id;
  for (const [username, role] of [
    ['anna', 'admin'],
    ['olle', 'operator'],
  ] as const) {
    const u = await relay.authAdmin.createUser(
      tenantId,
      { username, displayName: username === 'anna' ? 'Anna Admin' : 'Olle Operatör', role, password: PASSWORDS[username] },
      null,
    );
    if (!u.ok) throw new Error(u.failure.message);
  }
  a = (await desktop('Desktop A')).engine;
  b = (await desktop('Desktop B')).engine;
}, 120_000);

afterAll(async () => {
  for (const e of engines) await e.close();
  await relay?.close().catch(() => {});
});

// Every online sign-in runs the relay's OWASP scrypt (by design slow), twice per test on a loaded machine.
describe('signing in at the relay', { timeout: 60_000 }, () => {
  it('signs a user in online with the role the relay confirms; a wrong password is the relay’s Swedish refusal', async () => {
    const state = await call(a, 'session.signIn', { username: 'olle', password: PASSWORDS.olle });
    expect(state.accounts).toBe('organisation');
    expect(state.via).toBe('relay');
    expect(state.user).toMatchObject({ username: 'olle', displayName: 'Olle Operatör', role: 'operator', source: 'organisation' });
    expect(seen.get(a)).toContain('/api/v1/auth/sign-in');

    const refused = await refusalOf(b, 'session.signIn', { username: 'anna', password: 'fel lösenord' });
    expect(refused?.code).toBe('auth.relay');
    expect(String(refused?.params.message)).toMatch(/lösenord/);
  });

  it('refreshes once for several calls that need a fresh token at once', async () => {
    await call(b, 'session.signIn', { username: 'anna', password: PASSWORDS.anna });
    const paths = seen.get(b)!;
    paths.length = 0;
    skewMs = 9.5 * 60_000; // the 10-minute access token now looks about to expire
    try {
      const lists = await Promise.all(Array.from({ length: 6 }, () => call(b, 'organisation.users.list', {})));
      for (const l of lists) expect(l.users.map((u) => u.username).sort()).toEqual(['anna', 'olle']);
      expect(paths.filter((p) => p === '/api/v1/auth/refresh')).toHaveLength(1);
      expect(paths.filter((p) => p === '/api/v1/users')).toHaveLength(6);
    } finally {
      skewMs = 0;
    }
    // Still signed in with the rotated pair.
    expect((await call(b, 'session.current', {})).user?.username).toBe('anna');
  });

  it('applies a role changed at the organisation at the next refresh', async () => {
    const olle = (await call(b, 'organisation.users.list', {})).users.find((u) => u.username === 'olle')!;
    const changed = await call(b, 'organisation.users.update', { id: olle.id, change: { role: 'editor' } });
    expect(changed.role).toBe('editor');
    const r = await a.services.relayAuth.refresh();
    expect(r.ok).toBe(true);
    expect((await call(a, 'session.current', {})).user?.role).toBe('editor');
    await call(b, 'organisation.users.update', { id: olle.id, change: { role: 'operator' } });
    await a.services.relayAuth.refresh();
    expect((await call(a, 'session.current', {})).user?.role).toBe('operator');
  });

  it('invites a user whose invitation is accepted on another desktop, who then signs in there', async () => {
    const invitation = await call(b, 'organisation.invitations.create', { role: 'reader', expiresInHours: 24 });
    expect(invitation.link).toContain(encodeURIComponent(invitation.code));
    await call(a, 'session.signOut', {});
    const accepted = await call(a, 'session.acceptInvitation', {
      code: invitation.code,
      username: 'lisa',
      displayName: 'Lisa Läsare',
      password: 'lisas långa lösenord',
    });
    expect(accepted).toMatchObject({ username: 'lisa', role: 'reader', tenant: TENANT });
    // The code is used up.
    const again = await refusalOf(a, 'session.acceptInvitation', {
      code: invitation.code,
      username: 'lisa2',
      displayName: 'Lisa Två',
      password: 'lisas långa lösenord',
    });
    expect(again?.code).toBe('auth.relay');
    const state = await call(a, 'session.signIn', { username: 'lisa', password: 'lisas långa lösenord' });
    expect(state.user).toMatchObject({ username: 'lisa', role: 'reader' });
    // A Läsare may not manage the organisation: refused here, and by the relay besides.
    expect((await refusalOf(a, 'organisation.users.list', {}))?.code).toBe('auth.forbidden');
    await call(a, 'session.signOut', {});
  });

  it('signs the user out at the next refresh after an admin revoked the session on another desktop', async () => {
    await call(a, 'session.signIn', { username: 'olle', password: PASSWORDS.olle });
    const sessions = (await call(b, 'organisation.sessions.list', {})).sessions;
    const olles = sessions.filter((s) => s.username === 'olle');
    expect(olles).toHaveLength(1);
    expect(olles[0]!.deviceName).toBe('Desktop A');
    const devices = (await call(b, 'organisation.devices.list', {})).devices.map((d) => d.name);
    expect(devices).toEqual(expect.arrayContaining(['Desktop A', 'Desktop B']));
    await call(b, 'organisation.sessions.revoke', { id: olles[0]!.id });

    const r = await a.services.relayAuth.refresh();
    expect(r.ok).toBe(false);
    const state = await call(a, 'session.current', {});
    expect(state.user).toBeNull();
    // Signed out: the engine answers nothing but the sign-in page now.
    expect((await refusalOf(a, 'contacts.search', {}))?.code).toBe('auth.signed-out');
  });

  it('keeps the tokens sealed by the host, never in plain text, and ends a session a crash left behind on the next start', async () => {
    const sealer = desktopSealer();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gdial-signin-sealed-'));
    const deviceToken = await enrol('Desktop C');
    const c = (await desktop('Desktop C', { deviceToken, dataDir, secrets: sealer })).engine;
    await call(c, 'session.signIn', { username: 'olle', password: PASSWORDS.olle });
    const tokens = answers.at(-1)!;
    const live = async () => (await relay.authAdmin.listSessions(tenantId)).some((s) => s.id === tokens.sessionId);
    expect(await live()).toBe(true);
    // What the database holds (file and write-ahead log): the sealed session, no token in the clear.
    const bytes = () =>
      ['gdial.db', 'gdial.db-wal']
        .map((f) => path.join(dataDir, f))
        .filter((f) => existsSync(f))
        .map((f) => readFileSync(f).toString('latin1'))
        .join('');
    expect(bytes()).toContain('identity.relaySession');
    expect(bytes()).not.toContain(tokens.refreshToken);
    expect(bytes()).not.toContain(tokens.accessToken.split('.')[1]!);

    // Stopped while signed in (as a crash would leave it): the next start ends that session at the relay.
    await c.close();
    engines.splice(engines.indexOf(c), 1);
    const again = (await desktop('Desktop C', { deviceToken, dataDir, secrets: sealer })).engine;
    const end = Date.now() + 20_000;
    while ((await live()) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    expect(await live()).toBe(false);
    expect((await call(again, 'session.current', {})).user).toBeNull();
  });

  it('with the relay gone, unlocks offline for a user who signed in online here, and refuses one who never did', async () => {
    await call(a, 'session.signIn', { username: 'olle', password: PASSWORDS.olle });
    await call(a, 'session.signOut', {});
    await relay.close();
    const offline = await call(a, 'session.signIn', { username: 'olle', password: PASSWORDS.olle });
    expect(offline.via).toBe('offline');
    expect(offline.user).toMatchObject({ username: 'olle', role: 'operator' });
    // Managing the organisation needs an online sign-in.
    await call(a, 'session.signOut', {});
    expect((await refusalOf(a, 'session.signIn', { username: 'anna', password: PASSWORDS.anna }))?.code).toBe('auth.offline-never');
  });
});
