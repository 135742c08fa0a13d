// Operations: configuration errors, health/readiness/metrics/OpenAPI, request ids, rate
// limits, heartbeats, device token rotation and revocation, retention with resync, and a
// graceful shutdown that answers every in-flight webhook only after its commit.
import { webhookOf } from '@gdial/protocol';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { SignatureFailures } from '../src/ops/metrics';
import { logPosition, pruneEvents, readEvents } from '../src/store/events';
import { backends, post, TestDesktop, twilioSigned, waitFor } from './helpers';
import { addTenant, metricsHeaders, startTestRelay, type RelayFixture, type TenantFixture } from './setup';

describe('signature failures per tenant', () => {
  it('counts in a sliding window of minutes and forgets what fell out of it', () => {
    let now = Date.UTC(2026, 0, 1, 12, 0, 30);
    const f = new SignatureFailures(15, () => now);
    f.add('a');
    f.add('a');
    f.add('b');
    now += 10 * 60_000;
    f.add('a');
    expect([f.count('a'), f.count('b'), f.count('c')]).toEqual([3, 1, 0]);
    now += 6 * 60_000;
    expect([f.count('a'), f.count('b')]).toEqual([1, 0]);
    const bounded = new SignatureFailures(15, () => now, 2);
    for (const t of ['x', 'y', 'z']) bounded.add(t);
    expect([bounded.count('x'), bounded.count('y'), bounded.count('z')]).toEqual([1, 1, 0]);
  });
});

describe('configuration', () => {
  const key = randomBytes(32).toString('base64');
  it('names every problem in the environment', () => {
    const r = loadConfig({ RELAY_ENCRYPTION_KEY: 'c2hvcnQ=', PORT: 'abc', RELAY_DB_SCHEMA: 'Bad-Name' });
    expect(r.ok).toBe(false);
    const text = r.ok ? '' : r.problems.join('\n');
    expect(text).toMatch(/RELAY_PUBLIC_URL is required/);
    expect(text).toMatch(/RELAY_ENCRYPTION_KEY must be 32 bytes/);
    expect(text).toMatch(/PORT/);
    expect(text).toMatch(/RELAY_DB_SCHEMA must be a lower-case SQL identifier/);
    expect(loadConfig({ RELAY_PUBLIC_URL: 'https://relay.example.se/?x=1', RELAY_ENCRYPTION_KEY: key })).toMatchObject({ ok: false });
  });

  it('accepts a complete environment with defaults', () => {
    const r = loadConfig({ RELAY_PUBLIC_URL: 'https://relay.example.se/gdial/', RELAY_ENCRYPTION_KEY: key, PORT: '9000' });
    expect(r).toMatchObject({
      ok: true,
      config: { port: 9000, publicBaseUrl: 'https://relay.example.se/gdial', databaseUrl: undefined, dbSchema: 'relay', listen: true },
    });
  });

  it('npm run relay refuses to start with a clear message', () => {
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const r = spawnSync(process.execPath, ['--import', 'tsx', main], {
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('The relay cannot start; fix its environment');
    expect(r.stderr).toContain('RELAY_PUBLIC_URL is required');
    expect(r.stderr).toContain('RELAY_ENCRYPTION_KEY is required');
  });
});

describe.each(backends)('operations on %s', (backend) => {
  let fx: RelayFixture;
  let t: TenantFixture;
  beforeAll(async () => {
    fx = await startTestRelay(backend, { heartbeatMs: 1000, rateLimitPerSecond: 100_000 });
    t = await addTenant(fx.relay, 'ops-org');
  }, 120_000);
  afterAll(async () => fx?.stop(), 60_000);
  const statusUrl = () => `${fx.relay.publicBaseUrl}/hooks/ops-org/twilio/message-status`;

  it('serves health, readiness, OpenAPI and request ids', async () => {
    expect(await (await fetch(`${fx.relay.url}/healthz`)).json()).toMatchObject({ status: 'ok' });
    expect(await (await fetch(`${fx.relay.url}/readyz`)).json()).toEqual({ status: 'ready', database: backend });
    const doc = (await (await fetch(`${fx.relay.url}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/hooks/{tenant}/twilio/{kind}',
        '/api/v1/media',
        '/api/v1/call-flows/{flowId}',
        '/twiml/{tenant}/{flowId}/gather',
      ]),
    );
    const res = await fetch(`${fx.relay.url}/healthz`, { headers: { 'x-request-id': 'abc-123' } });
    expect(res.headers.get('x-request-id')).toBe('abc-123');
    expect(
      (await fetch(`${fx.relay.url}/healthz`, { headers: { 'x-request-id': 'bad id with spaces' } })).headers.get('x-request-id'),
    ).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('exports webhooks by result, commit latency, connected desktops and per-tenant lag', async () => {
    const desktop = await TestDesktop.connect(fx.relay.url, t.deviceToken, 0, { ack: false });
    await waitFor('welcome', () => desktop.messages.find((m) => m.type === 'welcome'));
    const s = twilioSigned(t.twilioAuthToken, statusUrl(), { MessageSid: 'SMm', MessageStatus: 'sent' });
    expect((await post(statusUrl(), s.headers, s.body)).status).toBe(204);
    expect((await post(statusUrl(), { 'content-type': 'application/x-www-form-urlencoded' }, s.body)).status).toBe(403);
    await waitFor('the event', () => desktop.entries.length >= 1);
    const text = await (await fetch(`${fx.relay.url}/metrics`, { headers: metricsHeaders })).text();
    expect(text).toMatch(/relay_webhooks_total\{kind="twilio\.message-status",provider="twilio",result="accepted"\} 1/);
    expect(text).toMatch(/relay_webhooks_total\{kind="twilio\.message-status",provider="twilio",result="rejected_signature"\} 1/);
    expect(text).toMatch(/relay_commit_seconds_count [1-9]/);
    expect(text).toMatch(/relay_connected_desktops 1/);
    expect(text).toMatch(/relay_tenant_lag_events\{tenant="ops-org"\} 1/); // sent, not acknowledged
    desktop.ws.send(JSON.stringify({ type: 'ack', seq: 1 }));
    await waitFor('lag 0', async () =>
      /relay_tenant_lag_events\{tenant="ops-org"\} 0/.test(
        await (await fetch(`${fx.relay.url}/metrics`, { headers: metricsHeaders })).text(),
      ),
    );
    await desktop.close();
  });

  it("tells a desktop its organisation's log head and the webhooks refused for their signature, not another's", async () => {
    const health = async (token: string) => {
      const res = await fetch(`${fx.relay.url}/api/v1/health`, { headers: { authorization: `Bearer ${token}` } });
      return {
        status: res.status,
        body: (await res.json()) as { headSeq: number; signatureFailures: { windowMinutes: number; count: number } },
      };
    };
    const other = await addTenant(fx.relay, 'ops-other');
    const before = (await health(t.deviceToken)).body;
    const s = twilioSigned(t.twilioAuthToken, statusUrl(), { MessageSid: 'SMh', MessageStatus: 'sent' });
    expect((await post(statusUrl(), s.headers, s.body)).status).toBe(204);
    const forged = { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'AAAA' };
    for (let i = 0; i < 3; i++) expect((await post(statusUrl(), forged, s.body)).status).toBe(403);
    const after = await health(t.deviceToken);
    expect(after.status).toBe(200);
    expect(after.body.headSeq).toBe(before.headSeq + 1);
    expect(after.body.signatureFailures).toEqual({ windowMinutes: 15, count: before.signatureFailures.count + 3 });
    expect((await health(other.deviceToken)).body).toEqual({ headSeq: 0, signatureFailures: { windowMinutes: 15, count: 0 } });
    expect((await fetch(`${fx.relay.url}/api/v1/health`)).status).toBe(401);
  });

  it('applies credentials set in-process at once, not after the cache expires', async () => {
    expect((await fx.relay.admin.createTenant('late-org', 'Late')).ok).toBe(true);
    const url = `${fx.relay.url}/hooks/late-org/telegram/update`;
    const headers = { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'late_secret' };
    expect((await post(url, headers, JSON.stringify({ update_id: 1 }))).status).toBe(403);
    expect(await fx.relay.admin.setCredentials('late-org', { telegramSecretToken: 'late_secret' })).toEqual({ ok: true, value: true });
    expect((await post(url, headers, JSON.stringify({ update_id: 1 }))).status).toBe(200);
  });

  it.runIf(backend === 'postgres')('answers 503 when the commit fails, so the provider retries; nothing is half written', async () => {
    const { db } = fx.relay;
    const fn = `"${db.schema}".relay_append_events(uuid, text[], text[], jsonb[], text)`;
    const s = twilioSigned(t.twilioAuthToken, statusUrl(), { MessageSid: 'SMfail', MessageStatus: 'sent' });
    await db.asOwner((q) => q.query(`REVOKE EXECUTE ON FUNCTION ${fn} FROM PUBLIC, "${db.appRole}"`));
    try {
      expect((await post(statusUrl(), s.headers, s.body)).status).toBe(503);
      expect(fx.relay.metrics.webhooks.get({ provider: 'twilio', kind: 'twilio.message-status', result: 'error' })).toBe(1);
    } finally {
      await db.asOwner((q) => q.query(`GRANT EXECUTE ON FUNCTION ${fn} TO "${db.appRole}"`));
    }
    expect((await post(statusUrl(), s.headers, s.body)).status).toBe(204);
  });

  it('drops a desktop that stops answering heartbeats', async () => {
    const ws = new WebSocket(`${fx.relay.url.replace('http', 'ws')}/stream`);
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'hello', protocol: 1, deviceToken: t.deviceToken, lastSeq: 0 }));
    const closed = await new Promise<number>((r) => ws.once('close', (code) => r(code)));
    expect(closed).toBe(1006); // terminated, not closed politely
  });

  it('rotates and revokes device tokens', async () => {
    const rotated = await fx.relay.admin.rotateDeviceToken('ops-org', t.deviceId);
    if (!rotated.ok) throw new Error(rotated.problem);
    const old = await TestDesktop.connect(fx.relay.url, t.deviceToken, 0);
    await waitFor('old token refused', () => old.closeCode);
    expect(old.closeCode).toBe(4401);
    const fresh = await TestDesktop.connect(fx.relay.url, rotated.value, 0);
    await waitFor('welcome', () => fresh.messages.find((m) => m.type === 'welcome'));
    await fresh.close();
    expect(await fx.relay.admin.revokeDevice('ops-org', t.deviceId)).toEqual({ ok: true, value: true });
    const revoked = await TestDesktop.connect(fx.relay.url, rotated.value, 0);
    await waitFor('revoked token refused', () => revoked.closeCode);
    expect(revoked.closeCode).toBe(4401);
    t = { ...t, ...(await addTenantDevice(fx, 'ops-org')) };
  });

  it('tells a desktop behind retention to resync instead of skipping', async () => {
    const tenant = (await fx.relay.admin.listTenants()).find((x) => x.slug === 'ops-org')!;
    for (let i = 0; i < 3; i++) {
      const s = twilioSigned(t.twilioAuthToken, statusUrl(), { MessageSid: `SMr${i}`, MessageStatus: 'sent' });
      expect((await post(statusUrl(), s.headers, s.body)).status).toBe(204);
    }
    const { lastSeq: head } = await logPosition(fx.relay.db, tenant.id);
    const removed = await pruneEvents(fx.relay.db, tenant.id, new Date(Date.now() + 60_000));
    expect(removed).toBe(head);
    expect(await readEvents(fx.relay.db, tenant.id, 0, 10)).toEqual([]);
    const stale = await TestDesktop.connect(fx.relay.url, t.deviceToken, 1);
    await waitFor('resync', () => stale.closeCode);
    expect(stale.messages[0]).toEqual({ type: 'resync-required', lastSeq: 1, prunedThrough: head, headSeq: head });
    expect(stale.closeCode).toBe(4409);
    const current = await TestDesktop.connect(fx.relay.url, t.deviceToken, head);
    await waitFor('welcome', () => current.messages.find((m) => m.type === 'welcome'));
    const s = twilioSigned(t.twilioAuthToken, statusUrl(), { MessageSid: 'SMafter', MessageStatus: 'sent' });
    await post(statusUrl(), s.headers, s.body);
    await waitFor('the next event', () => current.entries.length === 1);
    expect(current.entries[0]!.seq).toBe(head + 1);
    await current.close();
  });
});

async function addTenantDevice(fx: RelayFixture, slug: string): Promise<{ deviceToken: string; deviceId: string }> {
  const enrolment = await fx.relay.admin.createEnrolment(slug);
  if (!enrolment.ok) throw new Error(enrolment.problem);
  const res = await fetch(`${fx.relay.url}/api/v1/devices/enrol`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ enrolmentToken: enrolment.value.token, deviceName: 'replacement' }),
  });
  return (await res.json()) as { deviceToken: string; deviceId: string };
}

describe('limits and shutdown', () => {
  it('rate-limits public endpoints per client', async () => {
    const fx = await startTestRelay('pglite', { rateLimitPerSecond: 5 });
    try {
      // Fired together: a burst of 10 passes (to the unknown-tenant 404), the rest is refused.
      const statuses = await Promise.all(
        Array.from(
          { length: 40 },
          async () => (await fetch(`${fx.relay.url}/hooks/nobody/telegram/update`, { method: 'POST', body: '{}' })).status,
        ),
      );
      expect(statuses.filter((s) => s === 404).length).toBeGreaterThanOrEqual(10);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
      expect(statuses.every((s) => s === 404 || s === 429)).toBe(true);
      expect(fx.relay.metrics.rateLimited.get({ group: 'hooks' })).toBeGreaterThan(0);
    } finally {
      await fx.stop();
    }
  });

  it.each(backends)('on %s, answers in-flight webhooks after their commit while shutting down', async (backend) => {
    const fx = await startTestRelay(backend);
    let stopped = false;
    try {
      const t = await addTenant(fx.relay, 'shut-org');
      const url = `${fx.relay.publicBaseUrl}/hooks/shut-org/twilio/message-status`;
      const sends = Array.from({ length: 60 }, (_, i) => {
        const s = twilioSigned(t.twilioAuthToken, url, { MessageSid: `SMs${i}`, MessageStatus: 'sent' });
        return post(url, s.headers, s.body).then(
          (r) => ({ i, status: r.status }),
          () => ({ i, status: 0 }),
        );
      });
      await waitFor(
        'some commits',
        () => fx.relay.metrics.webhooks.get({ provider: 'twilio', kind: 'twilio.message-status', result: 'accepted' }) >= 5,
      );
      const db = fx.relay.db;
      const tenant = (await fx.relay.admin.listTenants()).find((x) => x.slug === 'shut-org')!;
      // Read what is committed before closing the database (close() ends it).
      let committedKeys: string[] = [];
      const origClose = db.close.bind(db);
      db.close = async () => {
        committedKeys = (await readEvents(db, tenant.id, 0, 1000)).map((e) => webhookOf(e.event).eventKey);
        await origClose();
      };
      await fx.relay.close();
      stopped = true;
      const results = await Promise.all(sends);
      const acked = results.filter((r) => r.status === 204).map((r) => `msg:SMs${r.i}:sent`);
      expect(acked.length).toBeGreaterThanOrEqual(5);
      for (const r of results) expect([204, 503, 0]).toContain(r.status);
      for (const key of acked) expect(committedKeys).toContain(key);
    } finally {
      if (!stopped) await fx.relay.close();
      await fx.sandbox?.drop();
    }
  });
});
