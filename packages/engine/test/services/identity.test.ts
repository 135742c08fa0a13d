// Signing in on a desktop, through the engine's RPC as the console does: a desktop on its
// own creates its first admin and its users locally; a desktop joined to an organisation
// signs in at the relay and, after one online sign-in, unlocks offline with the same
// password for the configured period, locks after five failed tries, and applies the role
// the relay last confirmed. The clock is the test's. Audit entries name the signed-in user.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuthUser, MethodInput, MethodName, MethodOutput, Refusal, SessionState } from '@gdial/protocol';
import { silentLogger, startEngine, type Engine, type EngineOptions, type OrganisationAuth, type OrganisationSignIn } from '../../src';
import { checkVerifier, makeVerifier, owaspScrypt } from '../../src/services/identity/verifier';

/** Cheap scrypt for the tests that sign in many times; the cost is stored with each verifier. */
const FAST = { N: 2 ** 10, r: 8, p: 1 };
const DAY = 86_400_000;

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

class Clock {
  t = Date.parse('2026-12-07T08:00:00Z');
  now = (): Date => new Date(this.t);
  advance(ms: number): void {
    this.t += ms;
  }
}

/** The relay's sign-in as the desktop sees it: reachable or not, and which passwords it takes. */
class FakeOrganisation implements OrganisationAuth {
  reachable = true;
  readonly users = new Map<string, { password: string; user: AuthUser }>();
  signIns = 0;
  joined(): boolean {
    return true;
  }
  signIn(username: string, password: string): Promise<OrganisationSignIn> {
    this.signIns++;
    if (!this.reachable) return Promise.resolve({ ok: false, unreachable: true, message: 'connect ECONNREFUSED' });
    const u = this.users.get(username);
    if (!u || u.password !== password)
      return Promise.resolve({ ok: false, unreachable: false, code: 'invalid-credentials', message: 'Fel användarnamn eller lösenord.' });
    return Promise.resolve({ ok: true, user: u.user });
  }
  signOut(): Promise<void> {
    return Promise.resolve();
  }
}

async function start(opts: Partial<EngineOptions> = {}): Promise<Engine> {
  engine = await startEngine({
    dataDir: mkdtempSync(path.join(os.tmpdir(), 'gdial-identity-')),
    databasePath: ':memory:',
    logger: silentLogger(),
    validateOutputs: true,
    ...opts,
  });
  return engine;
}

async function call<M extends MethodName>(m: M, params: MethodInput<M>): Promise<MethodOutput<M>> {
  const res = await engine!.rpc.call(m, params);
  if (!res.ok) throw new Error(`${m}: ${res.error.code} ${res.error.message}`);
  return res.value as MethodOutput<M>;
}

async function refusalOf<M extends MethodName>(m: M, params: MethodInput<M>): Promise<Refusal | undefined> {
  const res = await engine!.rpc.call(m, params);
  expect(res.ok, `${m} should be refused`).toBe(false);
  return res.ok ? undefined : res.error.refusal;
}

describe('the verifier', () => {
  it("uses OWASP's scrypt cost by default and verifies only the same password", async () => {
    expect(owaspScrypt).toEqual({ N: 131072, r: 8, p: 1 });
    const v = await makeVerifier('rätt häst batteri', owaspScrypt);
    expect(v.hash).toHaveLength(32);
    expect(await checkVerifier('rätt häst batteri', v)).toBe(true);
    expect(await checkVerifier('rätt häst batteri ', v)).toBe(false);
    // The same password gets a new salt, so two verifiers never match each other.
    const again = await makeVerifier('rätt häst batteri', FAST);
    expect(again.salt.equals(v.salt)).toBe(false);
    expect(await checkVerifier('rätt häst batteri', again)).toBe(true);
  });
});

describe('a desktop on its own', () => {
  it('creates its first admin, who then signs in, creates users, and is named in the audit', async () => {
    const clock = new Clock();
    await start({ identity: { kdf: FAST, now: clock.now } });
    const first = await call('session.current', {});
    expect(first).toMatchObject({ user: null, needsFirstAdmin: true, accounts: 'local', lockAfterMinutes: 15, offlineDays: 7 });

    const signedIn = await call('session.createFirstAdmin', { username: 'Ida', displayName: 'Ida Holm', password: 'korrekt häst batteri' });
    expect(signedIn.user).toMatchObject({ username: 'ida', displayName: 'Ida Holm', role: 'admin', source: 'local' });
    expect(await refusalOf('session.createFirstAdmin', { username: 'eva', displayName: 'Eva', password: 'korrekt häst batteri' })).toEqual({
      code: 'auth.accounts-exist',
      params: {},
    });

    await call('users.create', { username: 'lasse', displayName: 'Lasse Läsare', role: 'reader', password: 'läsare läser bara' });
    await call('contacts.create', { firstName: 'Karin', phones: [{ number: '070-111 22 33' }] });
    const { entries } = await call('audit.list', { limit: 10 });
    expect(entries.find((e) => e.action === 'contact.created')?.actor).toBe('Ida Holm');
    expect(entries.find((e) => e.action === 'user.created' && e.params?.username === 'lasse')?.actor).toBe('Ida Holm');

    // Switching operator: lock, and another user signs in on the same console.
    await call('session.lock', {});
    const reader = await call('session.signIn', { username: 'lasse', password: 'läsare läser bara' });
    expect(reader).toMatchObject({ locked: false, via: 'local', user: { displayName: 'Lasse Läsare', role: 'reader' } });
    expect(await refusalOf('contacts.create', { firstName: 'Nej' })).toEqual({
      code: 'auth.forbidden',
      params: { role: 'reader', need: 'editor', method: 'contacts.create' },
    });
    const after = await call('audit.list', { limit: 3 });
    expect(after.entries[0]).toMatchObject({ action: 'session.signIn', actor: 'Lasse Läsare', params: { previous: 'Ida Holm' } });
  });

  it('locks an account for 15 minutes after 5 wrong passwords, even against the right one', async () => {
    const clock = new Clock();
    await start({ identity: { kdf: FAST, now: clock.now } });
    await call('session.createFirstAdmin', { username: 'ida', displayName: 'Ida', password: 'korrekt häst batteri' });
    await call('session.signOut', {});
    for (let i = 1; i <= 4; i++) {
      expect(await refusalOf('session.signIn', { username: 'ida', password: `fel ${i}` })).toEqual({
        code: 'auth.bad-credentials',
        params: { remaining: String(5 - i) },
      });
    }
    const locked = await refusalOf('session.signIn', { username: 'ida', password: 'fel 5' });
    expect(locked?.code).toBe('auth.locked-out');
    expect(locked?.params.until).toBe(new Date(clock.t + 15 * 60_000).toISOString());
    expect((await refusalOf('session.signIn', { username: 'ida', password: 'korrekt häst batteri' }))?.code).toBe('auth.locked-out');
    const audit = engine!.services.system.audit({ limit: 20 });
    expect(audit.entries.filter((e) => e.action === 'session.lockout')).toHaveLength(1);

    clock.advance(15 * 60_000 + 1);
    expect((await call('session.signIn', { username: 'ida', password: 'korrekt häst batteri' })).user?.username).toBe('ida');
    // An unknown name says no more than a wrong password does.
    await call('session.signOut', {});
    expect(await refusalOf('session.signIn', { username: 'vem', password: 'vad som helst' })).toEqual({
      code: 'auth.bad-credentials',
      params: { remaining: '' },
    });
  });

  it('keeps the last admin an admin', async () => {
    await start({ identity: { kdf: FAST } });
    const s = await call('session.createFirstAdmin', { username: 'ida', displayName: 'Ida', password: 'korrekt häst batteri' });
    expect(await refusalOf('users.setRole', { id: s.user!.id, role: 'operator' })).toEqual({ code: 'auth.last-admin', params: {} });
    expect(await refusalOf('users.remove', { id: s.user!.id })).toEqual({ code: 'auth.last-admin', params: {} });
    const other = await call('users.create', { username: 'olle', displayName: 'Olle', role: 'admin', password: 'ännu ett lösenord' });
    const demoted = await call('users.setRole', { id: s.user!.id, role: 'operator' });
    expect(demoted.role).toBe('operator');
    // The signed-in user's session follows the change at once.
    expect((await call('session.current', {})).user?.role).toBe('operator');
    expect((await refusalOf('users.list', {}))?.code).toBe('auth.forbidden');
    expect(other.role).toBe('admin');
  });
});

describe('a desktop joined to an organisation: offline unlock', () => {
  const anna: AuthUser = { id: 'u-anna', username: 'anna', displayName: 'Anna Berg', role: 'operator', totpEnabled: false };
  const setup = async (): Promise<{ clock: Clock; org: FakeOrganisation }> => {
    const clock = new Clock();
    const org = new FakeOrganisation();
    org.users.set('anna', { password: 'rätt lösenord här', user: anna });
    await start({ identity: { kdf: FAST, now: clock.now, organisation: org } });
    return { clock, org };
  };

  it('fails before any online sign-in on this desktop', async () => {
    const { org } = await setup();
    org.reachable = false;
    expect(await refusalOf('session.signIn', { username: 'anna', password: 'rätt lösenord här' })).toEqual({
      code: 'auth.offline-never',
      params: {},
    });
    expect((await call('session.current', {})).accounts).toBe('organisation');
  });

  it('works after an online sign-in, with the role the relay confirmed, until the period ends', async () => {
    const { clock, org } = await setup();
    const online = await call('session.signIn', { username: 'anna', password: 'rätt lösenord här' });
    expect(online).toMatchObject({ via: 'relay', user: { id: 'u-anna', role: 'operator', source: 'organisation' } });
    await call('session.signOut', {});

    org.reachable = false;
    clock.advance(7 * DAY - 60_000);
    const offline = await call('session.signIn', { username: 'anna', password: 'rätt lösenord här' });
    expect(offline).toMatchObject({ via: 'offline', user: { id: 'u-anna', displayName: 'Anna Berg', role: 'operator' } });
    // What she does offline is hers in the audit.
    await call('contacts.create', { firstName: 'Offline' });
    const { entries } = await call('audit.list', { limit: 5 });
    expect(entries.find((e) => e.action === 'contact.created')?.actor).toBe('Anna Berg');
    await call('session.signOut', {});

    clock.advance(2 * 60_000);
    const expired = await refusalOf('session.signIn', { username: 'anna', password: 'rätt lösenord här' });
    expect(expired?.code).toBe('auth.offline-expired');

    // Online again: the relay confirms her anew, now as a Läsare, and the period starts over.
    anna.role = 'reader';
    org.reachable = true;
    expect((await call('session.signIn', { username: 'anna', password: 'rätt lösenord här' })).user?.role).toBe('reader');
    anna.role = 'operator';
    org.reachable = false;
    await call('session.signOut', {});
    expect((await call('session.signIn', { username: 'anna', password: 'rätt lösenord här' })).user?.role).toBe('reader');
  });

  it('follows the configured period', async () => {
    const { clock, org } = await setup();
    await call('session.signIn', { username: 'anna', password: 'rätt lösenord här' });
    expect((await refusalOf('session.settings.set', { lockAfterMinutes: 5, offlineDays: 2 }))?.code).toBe('auth.forbidden');
    engine!.services.identity.setSettings({ lockAfterMinutes: 5, offlineDays: 2 });
    await call('session.signOut', {});
    org.reachable = false;
    clock.advance(2 * DAY + 1);
    expect((await refusalOf('session.signIn', { username: 'anna', password: 'rätt lösenord här' }))?.code).toBe('auth.offline-expired');
  });

  it('locks out after 5 failed tries until an online sign-in', async () => {
    const { org } = await setup();
    await call('session.signIn', { username: 'anna', password: 'rätt lösenord här' });
    await call('session.signOut', {});
    org.reachable = false;
    for (let i = 1; i <= 4; i++) {
      expect((await refusalOf('session.signIn', { username: 'anna', password: 'fel' }))?.params.remaining).toBe(String(5 - i));
    }
    expect(await refusalOf('session.signIn', { username: 'anna', password: 'fel' })).toEqual({
      code: 'auth.locked-out',
      params: { until: '' },
    });
    expect(await refusalOf('session.signIn', { username: 'anna', password: 'rätt lösenord här' })).toEqual({
      code: 'auth.locked-out',
      params: { until: '' },
    });
    org.reachable = true;
    const back: SessionState = await call('session.signIn', { username: 'anna', password: 'rätt lösenord här' });
    expect(back.via).toBe('relay');
    await call('session.signOut', {});
    org.reachable = false;
    expect((await call('session.signIn', { username: 'anna', password: 'rätt lösenord här' })).via).toBe('offline');
  });

  it("shows the relay's refusal and keeps no verifier for a wrong password", async () => {
    const { org } = await setup();
    expect(await refusalOf('session.signIn', { username: 'anna', password: 'fel lösenord' })).toEqual({
      code: 'auth.relay',
      params: { message: 'Fel användarnamn eller lösenord.' },
    });
    org.reachable = false;
    expect((await refusalOf('session.signIn', { username: 'anna', password: 'fel lösenord' }))?.code).toBe('auth.offline-never');
    expect(org.signIns).toBe(2);
  });
});
