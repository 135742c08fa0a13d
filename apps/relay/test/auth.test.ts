// Identity at the relay, over HTTP as a desktop uses it, on PGlite and PostgreSQL: sign-in with
// password and TOTP, lockout, refresh rotation with reuse detection and the grace window,
// sign-out, invitations, role refusals, revocation, and tenants kept apart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInLockout, signInResponseSchema, userSummarySchema, type AccessTokenClaims } from '@gdial/protocol';
import { signAccessToken, tokenKeys } from '../src/auth/tokens';
import { totpCode, TOTP_STEP_SECONDS } from '../src/auth/totp';
import { backends, TestDesktop, waitFor } from './helpers';
import { addUser, call, PASSWORD, signIn, tenantIdOf, testPasswordCost } from './auth-helpers';
import { addTenant, startTestRelay, type RelayFixture, type TenantFixture } from './setup';

describe.each(backends)('identity on %s', (backend) => {
  let fx: RelayFixture;
  let a: TenantFixture;
  let b: TenantFixture;
  const api = (path: string) => `${fx.relay.url}/api/v1${path}`;

  beforeAll(async () => {
    fx = await startTestRelay(backend, { passwordCost: testPasswordCost, failedAuthBurst: 1000 });
    a = await addTenant(fx.relay, 'auth-a');
    b = await addTenant(fx.relay, 'auth-b');
    await addUser(fx.relay, 'auth-a', 'admin', 'admin');
    await addUser(fx.relay, 'auth-a', 'olle', 'operator');
    await addUser(fx.relay, 'auth-a', 'rut', 'reader');
    await addUser(fx.relay, 'auth-b', 'admin', 'admin');
  }, 120_000);
  afterAll(async () => fx?.stop(), 60_000);

  it('signs in with the device token and password, and the access token names user, tenant, session and device', async () => {
    const s = await signIn(fx.relay, a.deviceToken, 'Olle');
    expect(s.user).toMatchObject({ username: 'olle', role: 'operator', totpEnabled: false, displayName: 'Namn olle' });
    const claims = JSON.parse(Buffer.from(s.accessToken.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ sub: s.user.id, tenant: 'auth-a', role: 'operator', sid: s.sessionId, did: a.deviceId });
    expect((claims.exp as number) - (claims.iat as number)).toBe(600);
    const me = await call(api('/auth/me'), 'GET', s.accessToken);
    expect(me).toEqual({ status: 200, body: s.user });
  });

  it('refuses a wrong password, an unknown user and a missing device token with Swedish messages', async () => {
    const wrong = await call(api('/auth/sign-in'), 'POST', a.deviceToken, { username: 'rut', password: 'fel lösenord' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toEqual({ code: 'invalid-credentials', message: 'Fel användarnamn eller lösenord.' });
    const unknown = await call(api('/auth/sign-in'), 'POST', a.deviceToken, { username: 'ingen', password: PASSWORD });
    expect(unknown.body.error).toEqual(wrong.body.error);
    const noDevice = await call(api('/auth/sign-in'), 'POST', null, { username: 'rut', password: PASSWORD });
    expect(noDevice.status).toBe(401);
    expect(noDevice.body.error?.message).toMatch(/enhetsnyckel/);
    // A user of tenant B signs in only on a desktop of tenant B.
    expect((await call(api('/auth/sign-in'), 'POST', a.deviceToken, { username: 'admin', password: PASSWORD })).status).toBe(200);
    const bAdminOnA = await call(api('/auth/sign-in'), 'POST', b.deviceToken, { username: 'olle', password: PASSWORD });
    expect(bAdminOnA.status).toBe(401);
  });

  it('locks a user out after repeated failures, refuses even the right password, and an admin unlocks', async () => {
    await addUser(fx.relay, 'auth-a', 'lasse', 'editor');
    for (let i = 1; i < signInLockout.attempts; i++) {
      expect((await call(api('/auth/sign-in'), 'POST', a.deviceToken, { username: 'lasse', password: 'fel' })).status).toBe(401);
    }
    const locking = await call(api('/auth/sign-in'), 'POST', a.deviceToken, { username: 'lasse', password: 'fel' });
    expect(locking.status).toBe(403);
    expect(locking.body.error?.code).toBe('locked');
    expect(locking.body.error?.message).toMatch(/^Kontot är låst efter 5 misslyckade inloggningar/);
    const right = await call(api('/auth/sign-in'), 'POST', a.deviceToken, { username: 'lasse', password: PASSWORD });
    expect(right.status).toBe(403);
    expect(right.body.error?.code).toBe('locked');

    const admin = await signIn(fx.relay, a.deviceToken, 'admin');
    const users = (await call(api('/users'), 'GET', admin.accessToken)).body.users as Array<{
      id: string;
      username: string;
      lockedUntil: string | null;
    }>;
    const lasse = users.find((u) => u.username === 'lasse')!;
    expect(lasse.lockedUntil).not.toBeNull();
    const unlocked = await call(api(`/users/${lasse.id}`), 'PATCH', admin.accessToken, { unlock: true });
    expect(userSummarySchema.parse(unlocked.body).lockedUntil).toBeNull();
    expect((await call(api('/auth/sign-in'), 'POST', a.deviceToken, { username: 'lasse', password: PASSWORD })).status).toBe(200);

    const audit = (await call(api('/audit'), 'GET', admin.accessToken)).body.entries as Array<{ action: string; subject: string | null }>;
    expect(audit.filter((e) => e.action === 'lockout').map((e) => e.subject)).toContain(lasse.id);
    expect(audit.some((e) => e.action === 'sign-in-failed')).toBe(true);
  });

  it('asks for a TOTP code once the second factor is on, accepts it once only, and refuses a wrong one', async () => {
    await addUser(fx.relay, 'auth-a', 'tove', 'operator');
    const s = await signIn(fx.relay, a.deviceToken, 'tove');
    const setup = await call(api('/auth/totp/setup'), 'POST', s.accessToken);
    const secret = setup.body.secret as string;
    expect(setup.body.otpauthUri).toMatch(/^otpauth:\/\/totp\/GDial:tove%40auth-a\?secret=/);
    // Confirming uses the previous step's code, so the sign-in below (current step) is later than it.
    const confirm = await call(api('/auth/totp/confirm'), 'POST', s.accessToken, {
      totp: totpCode(secret, Date.now() - TOTP_STEP_SECONDS * 1000),
    });
    expect(confirm.body).toMatchObject({ username: 'tove', totpEnabled: true });

    const noCode = await call(api('/auth/sign-in'), 'POST', a.deviceToken, { username: 'tove', password: PASSWORD });
    expect(noCode.status).toBe(401);
    expect(noCode.body.error?.code).toBe('totp-required');
    const bad = await call(api('/auth/sign-in'), 'POST', a.deviceToken, {
      username: 'tove',
      password: PASSWORD,
      totp: String((Number(totpCode(secret, Date.now())) + 1) % 1_000_000).padStart(6, '0'),
    });
    expect(bad.body.error?.code).toBe('totp-invalid');
    const code = totpCode(secret, Date.now());
    const good = await call(api('/auth/sign-in'), 'POST', a.deviceToken, { username: 'tove', password: PASSWORD, totp: code });
    expect(good.status).toBe(200);
    expect(signInResponseSchema.parse(good.body).user.totpEnabled).toBe(true);
    const replay = await call(api('/auth/sign-in'), 'POST', a.deviceToken, { username: 'tove', password: PASSWORD, totp: code });
    expect(replay.body.error?.code).toBe('totp-invalid');
  });

  it('rotates the refresh token on every use, and a reused old one ends the whole family', async () => {
    const s = await signIn(fx.relay, a.deviceToken, 'rut');
    const r1 = await call(api('/auth/refresh'), 'POST', a.deviceToken, { refreshToken: s.refreshToken });
    expect(r1.status).toBe(200);
    const p1 = signInResponseSchema.parse(r1.body);
    expect(p1.refreshToken).not.toBe(s.refreshToken);
    expect(p1.sessionId).toBe(s.sessionId);
    const r2 = signInResponseSchema.parse(
      (await call(api('/auth/refresh'), 'POST', a.deviceToken, { refreshToken: p1.refreshToken })).body,
    );
    expect(r2.refreshToken).not.toBe(p1.refreshToken);
    // s.refreshToken was rotated, and its successor used too: a replay is reuse (no grace).
    const reuse = await call(api('/auth/refresh'), 'POST', a.deviceToken, { refreshToken: s.refreshToken });
    expect(reuse.status).toBe(401);
    expect(reuse.body.error?.code).toBe('session-ended');
    // The family is gone: the newest refresh token and the access token stop working.
    expect((await call(api('/auth/refresh'), 'POST', a.deviceToken, { refreshToken: r2.refreshToken })).status).toBe(401);
    expect((await call(api('/auth/me'), 'GET', r2.accessToken)).body.error?.code).toBe('session-ended');
    // Another desktop cannot use this desktop's refresh token.
    const s2 = await signIn(fx.relay, a.deviceToken, 'rut');
    expect((await call(api('/auth/refresh'), 'POST', b.deviceToken, { refreshToken: s2.refreshToken })).status).toBe(401);
  });

  it('answers a concurrent double refresh within the grace window with one successor, and keeps the session', async () => {
    const s = await signIn(fx.relay, a.deviceToken, 'rut');
    const [x, y] = await Promise.all([
      call(api('/auth/refresh'), 'POST', a.deviceToken, { refreshToken: s.refreshToken }),
      call(api('/auth/refresh'), 'POST', a.deviceToken, { refreshToken: s.refreshToken }),
    ]);
    expect([x.status, y.status]).toEqual([200, 200]);
    const px = signInResponseSchema.parse(x.body);
    expect(signInResponseSchema.parse(y.body).refreshToken).toBe(px.refreshToken);
    // A third retry (the response was lost again) still gets the same successor, and it works.
    const again = signInResponseSchema.parse(
      (await call(api('/auth/refresh'), 'POST', a.deviceToken, { refreshToken: s.refreshToken })).body,
    );
    expect(again.refreshToken).toBe(px.refreshToken);
    const next = await call(api('/auth/refresh'), 'POST', a.deviceToken, { refreshToken: px.refreshToken });
    expect(next.status).toBe(200);
    expect((await call(api('/auth/me'), 'GET', signInResponseSchema.parse(next.body).accessToken)).status).toBe(200);
    // Only one rotation per token happened: once the successor is used, the old token is reuse.
    expect((await call(api('/auth/refresh'), 'POST', a.deviceToken, { refreshToken: s.refreshToken })).status).toBe(401);
  });

  it('signs out: the session ends for access and refresh', async () => {
    const s = await signIn(fx.relay, a.deviceToken, 'rut');
    expect((await call(api('/auth/sign-out'), 'POST', s.accessToken, {})).status).toBe(204);
    expect((await call(api('/auth/me'), 'GET', s.accessToken)).status).toBe(401);
    expect((await call(api('/auth/refresh'), 'POST', a.deviceToken, { refreshToken: s.refreshToken })).status).toBe(401);
  });

  it('refuses a forged, expired or alg-swapped access token', async () => {
    const s = await signIn(fx.relay, a.deviceToken, 'admin');
    const [h, p] = s.accessToken.split('.') as [string, string, string];
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
    expect((await call(api('/users'), 'GET', none)).status).toBe(401);
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const elevated = Buffer.from(JSON.stringify({ ...claims, role: 'admin', tenant: 'auth-b' })).toString('base64url');
    expect((await call(api('/users'), 'GET', `${h}.${elevated}.${s.accessToken.split('.')[2]}`)).status).toBe(401);
    const keys = tokenKeys(fx.key);
    const now = Math.floor(Date.now() / 1000);
    const expired = signAccessToken(keys.access, { ...(claims as unknown as AccessTokenClaims), iat: now - 700, exp: now - 100 });
    const r = await call(api('/users'), 'GET', expired);
    expect(r.status).toBe(401);
    expect(r.body.error?.code).toBe('token-expired');
  });

  it("keeps tenants apart: a token of tenant A cannot read B's users, even naming B's session", async () => {
    const sa = await signIn(fx.relay, a.deviceToken, 'admin');
    const sb = await signIn(fx.relay, b.deviceToken, 'admin');
    const usersA = (await call(api('/users'), 'GET', sa.accessToken)).body.users as Array<{ username: string }>;
    const usersB = (await call(api('/users'), 'GET', sb.accessToken)).body.users as Array<{ username: string }>;
    expect(usersB.map((u) => u.username)).toEqual(['admin']);
    expect(usersA.map((u) => u.username)).toContain('olle');
    // A correctly signed token claiming tenant A but naming B's session and user finds nothing.
    const claimsB = JSON.parse(Buffer.from(sb.accessToken.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    const crossed = signAccessToken(tokenKeys(fx.key).access, { ...(claimsB as unknown as AccessTokenClaims), tenant: 'auth-a' });
    expect((await call(api('/users'), 'GET', crossed)).status).toBe(401);
    // B's admin cannot change or revoke A's rows by id.
    const olle = (await call(api('/users'), 'GET', sa.accessToken)).body.users as Array<{ id: string; username: string }>;
    const id = olle.find((u) => u.username === 'olle')!.id;
    expect((await call(api(`/users/${id}`), 'PATCH', sb.accessToken, { role: 'reader' })).status).toBe(404);
    expect((await call(api(`/sessions/${sa.sessionId}`), 'DELETE', sb.accessToken)).status).toBe(404);
    expect((await call(api(`/devices/${a.deviceId}`), 'DELETE', sb.accessToken)).status).toBe(404);
  });

  it('refuses a role that may not, naming the role needed in Swedish, and applies a role change at once', async () => {
    const op = await signIn(fx.relay, a.deviceToken, 'olle');
    const refused = await call(api('/users'), 'GET', op.accessToken);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toEqual({
      code: 'forbidden',
      message: 'Din roll får inte göra detta; det kräver Administratör.',
      requiredRoles: ['admin'],
    });
    const admin = await signIn(fx.relay, a.deviceToken, 'admin');
    const changed = await call(api(`/users/${op.user.id}`), 'PATCH', admin.accessToken, { role: 'admin' });
    expect(changed.body).toMatchObject({ role: 'admin' });
    expect((await call(api('/users'), 'GET', op.accessToken)).status).toBe(200);
    await call(api(`/users/${op.user.id}`), 'PATCH', admin.accessToken, { role: 'operator' });
    expect((await call(api('/users'), 'GET', op.accessToken)).status).toBe(403);
    const audit = (await call(api('/audit'), 'GET', admin.accessToken)).body.entries as Array<{
      action: string;
      detail: Record<string, unknown>;
    }>;
    expect(audit.filter((e) => e.action === 'role-changed').map((e) => [e.detail.from, e.detail.to])).toEqual([
      ['admin', 'operator'],
      ['operator', 'admin'],
    ]);
    // The last active administrator cannot be demoted or disabled.
    const last = await call(api(`/users/${admin.user.id}`), 'PATCH', admin.accessToken, { disabled: true });
    expect(last.status).toBe(409);
    expect(last.body.error?.message).toMatch(/minst en aktiv Administratör/);
  });

  it('accepts an invitation once only, with the role it was made for', async () => {
    const admin = await signIn(fx.relay, a.deviceToken, 'admin');
    const inv = await call(api('/invitations'), 'POST', admin.accessToken, { role: 'editor', expiresInHours: 2 });
    expect(inv.status).toBe(201);
    const code = inv.body.code as string;
    expect(inv.body.link).toBe(`gdial://invitation?relay=${encodeURIComponent(fx.relay.publicBaseUrl)}&code=${encodeURIComponent(code)}`);
    const form = { code, username: 'nya', displayName: 'Nya Redaktören', password: 'ett långt nytt lösenord' };
    const [first, second] = await Promise.all([
      call(api('/invitations/accept'), 'POST', null, form),
      call(api('/invitations/accept'), 'POST', null, { ...form, username: 'nya2' }),
    ]);
    expect([first.status, second.status].sort()).toEqual([201, 403]);
    const loser = first.status === 403 ? first : second;
    expect(loser.body.error?.code).toBe('invitation-invalid');
    const s = await signIn(fx.relay, a.deviceToken, first.status === 201 ? 'nya' : 'nya2', 'ett långt nytt lösenord');
    expect(s.user.role).toBe('editor');
    const list = (await call(api('/invitations'), 'GET', admin.accessToken)).body.invitations as Array<{
      id: string;
      usedBy: string | null;
    }>;
    expect(list.find((i) => i.id === inv.body.id)?.usedBy).toBe(s.user.id);
    // A short password is refused in Swedish before the code is spent.
    const inv2 = await call(api('/invitations'), 'POST', admin.accessToken, { role: 'reader' });
    const weak = await call(api('/invitations/accept'), 'POST', null, {
      ...form,
      code: inv2.body.code,
      username: 'svag',
      password: 'kort',
    });
    expect(weak.status).toBe(400);
    expect(weak.body.error?.message).toBe('password: Lösenordet måste ha minst 12 tecken');
    const revoked = await call(api(`/invitations/${inv2.body.id as string}`), 'DELETE', admin.accessToken);
    expect(revoked.status).toBe(204);
    expect((await call(api('/invitations/accept'), 'POST', null, { ...form, code: inv2.body.code, username: 'sen' })).status).toBe(403);
  });

  it('lists and revokes sessions; disabling a user ends theirs; revoking a desktop closes its stream at once', async () => {
    const admin = await signIn(fx.relay, a.deviceToken, 'admin');
    const victim = await signIn(fx.relay, a.deviceToken, 'rut');
    const sessions = (await call(api('/sessions'), 'GET', admin.accessToken)).body.sessions as Array<{ id: string; username: string }>;
    expect(sessions.find((x) => x.id === victim.sessionId)?.username).toBe('rut');
    expect((await call(api(`/sessions/${victim.sessionId}`), 'DELETE', admin.accessToken)).status).toBe(204);
    expect((await call(api('/auth/me'), 'GET', victim.accessToken)).status).toBe(401);

    const again = await signIn(fx.relay, a.deviceToken, 'rut');
    await call(api(`/users/${again.user.id}`), 'PATCH', admin.accessToken, { disabled: true });
    expect((await call(api('/auth/refresh'), 'POST', a.deviceToken, { refreshToken: again.refreshToken })).status).toBe(401);
    expect((await call(api('/auth/sign-in'), 'POST', a.deviceToken, { username: 'rut', password: PASSWORD })).body.error?.code).toBe(
      'user-disabled',
    );
    await call(api(`/users/${again.user.id}`), 'PATCH', admin.accessToken, { disabled: false });

    // A second desktop of tenant A, signed in and streaming, is revoked by the admin.
    const second = await addSecondDesktop();
    const s2 = await signIn(fx.relay, second.deviceToken, 'olle');
    const desktop = await TestDesktop.connect(fx.relay.url, second.deviceToken, 0);
    await waitFor('welcome', () => desktop.messages.find((m) => m.type === 'welcome'));
    const devices = (await call(api('/devices'), 'GET', admin.accessToken)).body.devices as Array<{ id: string; revokedAt: string | null }>;
    expect(devices.map((d) => d.id)).toContain(second.deviceId);
    expect((await call(api(`/devices/${second.deviceId}`), 'DELETE', admin.accessToken)).status).toBe(204);
    await waitFor('the stream closed', () => desktop.closeCode === 4401);
    expect((await call(api('/auth/me'), 'GET', s2.accessToken)).status).toBe(401);
    expect((await call(api('/auth/sign-in'), 'POST', second.deviceToken, { username: 'olle', password: PASSWORD })).status).toBe(401);
  });

  async function addSecondDesktop(): Promise<{ deviceToken: string; deviceId: string }> {
    const enrolment = await fx.relay.admin.createEnrolment('auth-a');
    if (!enrolment.ok) throw new Error(enrolment.problem);
    const r = await call(api('/devices/enrol'), 'POST', null, { enrolmentToken: enrolment.value.token, deviceName: 'Andra skrivbordet' });
    return { deviceToken: r.body.deviceToken as string, deviceId: r.body.deviceId as string };
  }

  it("copies the relay's audit into the organisation's shared audit through the sync log", async () => {
    const desktop = await TestDesktop.connect(fx.relay.url, b.deviceToken, 0);
    const s = await signIn(fx.relay, b.deviceToken, 'admin');
    const ops = () => desktop.entries.flatMap((e) => (e.event.type === 'sync' && e.event.op.entity === 'audit' ? [e.event.op] : []));
    const signInOp = await waitFor('the sign-in in the log', () =>
      ops().find((op) => op.fields?.action === 'relay.sign-in' && op.fields.subject === s.sessionId),
    );
    expect(signInOp).toMatchObject({
      device: 'relay',
      kind: 'put',
      fields: { actor: 'admin', subjectType: 'user', subject: s.sessionId, summary: 'admin loggade in', params: { device: b.deviceId } },
    });
    // The user made by the CLI-side administration before, in Swedish with the role's name.
    expect(ops().find((op) => op.fields?.action === 'relay.user-created')?.fields?.summary).toBe(
      'admin-cli lade till användaren admin (Administratör)',
    );
    // A failed sign-in of a known user is shared; one under a name no user has stays at the relay.
    await call(api('/auth/sign-in'), 'POST', b.deviceToken, { username: 'admin', password: 'fel' });
    await call(api('/auth/sign-in'), 'POST', b.deviceToken, { username: 'okand.person', password: 'fel' });
    await waitFor('the failed sign-in in the log', () => ops().find((op) => op.fields?.action === 'relay.sign-in-failed'));
    // A later entry: the log is in order, so the unknown name's entry would have come before it.
    const later = await signIn(fx.relay, b.deviceToken, 'admin');
    await waitFor('the later sign-in', () => ops().find((op) => op.fields?.subject === later.sessionId));
    expect(
      ops()
        .filter((op) => op.fields?.action === 'relay.sign-in-failed')
        .map((op) => op.fields?.actor),
    ).toEqual(['admin']);
    // Only tenant B's desktop sees B's entries.
    expect(ops().every((op) => op.id.startsWith('relay-audit:'))).toBe(true);
    await desktop.close();
  });

  it('changes a password: the old one stops working and other sessions end', async () => {
    const id = await addUser(fx.relay, 'auth-a', 'pia', 'editor');
    const here = await signIn(fx.relay, a.deviceToken, 'pia');
    const elsewhere = await signIn(fx.relay, a.deviceToken, 'pia');
    const next = 'ett helt annat lösenord';
    expect((await call(api('/auth/password'), 'POST', here.accessToken, { currentPassword: 'fel', newPassword: next })).status).toBe(403);
    expect((await call(api('/auth/password'), 'POST', here.accessToken, { currentPassword: PASSWORD, newPassword: next })).status).toBe(
      204,
    );
    expect((await call(api('/auth/me'), 'GET', here.accessToken)).status).toBe(200);
    expect((await call(api('/auth/me'), 'GET', elsewhere.accessToken)).status).toBe(401);
    expect((await call(api('/auth/sign-in'), 'POST', a.deviceToken, { username: 'pia', password: PASSWORD })).status).toBe(401);
    expect((await signIn(fx.relay, a.deviceToken, 'pia', next)).user.id).toBe(id);
    expect(await tenantIdOf(fx.relay, 'auth-a')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
