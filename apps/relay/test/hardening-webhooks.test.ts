// What one unauthenticated stranger could do to the webhook endpoints (issue 23, items 1, 5,
// 6 and 7): a form body built to make parsing quadratic, forged signatures by the thousand,
// tenant names made up by the thousand, replayed and deeply nested SendGrid posts, a public
// /metrics, and a request-path role that could switch back to the owner.
import { webhookOf } from '@gdial/protocol';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantCache } from '../src/ingest/tenant-cache';
import { jsonDepthExceeds, MAX_FORM_PARAMS, parseFormBounded } from '../src/ingest/limits';
import { verifySendgrid } from '../src/ingest/sendgrid';
import { createLogger } from '../src/log';
import { post, sendgridSigned, TestDesktop, twilioSigned, waitFor } from './helpers';
import { addTenant, metricsHeaders, startTestRelay, type RelayFixture, type TenantFixture } from './setup';

describe('bounded parsing', () => {
  it('refuses a form with a key repeated 16,000 times, and keeps a repeated key in order within the bound', () => {
    const hostile = Buffer.from(Array.from({ length: 16_000 }, () => 'k').join('&'));
    expect(hostile.length).toBeGreaterThan(31_000);
    expect(hostile.length).toBeLessThan(33_000);
    expect(parseFormBounded(hostile)).toMatchObject({ ok: false, status: 413 });
    const fine = parseFormBounded(Buffer.from(Array.from({ length: MAX_FORM_PARAMS }, (_, i) => `k=${i}`).join('&')));
    expect(fine.ok && fine.params.k).toEqual(Array.from({ length: MAX_FORM_PARAMS }, (_, i) => String(i)));
    expect(parseFormBounded(Buffer.from('x'.repeat(70_000)))).toMatchObject({ ok: false, status: 413 });
    const proto = parseFormBounded(Buffer.from('__proto__=x&constructor=y'));
    expect(proto.ok && proto.params.__proto__).toBe('x');
  });

  it('measures JSON depth without recursion and stops at the bound', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(jsonDepthExceeds(deep, 32)).toBe(true);
    expect(jsonDepthExceeds({ a: [{ b: 1 }] }, 3)).toBe(false);
    expect(jsonDepthExceeds({ a: [{ b: {} }] }, 3)).toBe(true);
  });
});

describe('webhook hardening', () => {
  let fx: RelayFixture;
  let t: TenantFixture;
  let other: TenantFixture;
  const lines: string[] = [];
  beforeAll(async () => {
    const destination = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        cb();
      },
    });
    fx = await startTestRelay('pglite', {
      failedAuthBurst: 3,
      failedAuthPerSecond: 0.01,
      logger: createLogger({ level: 'warn', destination }),
    });
    t = await addTenant(fx.relay, 'hard-org');
    other = await addTenant(fx.relay, 'hard-other');
  }, 120_000);
  afterAll(async () => fx?.stop(), 60_000);

  const hostileForm = Array.from({ length: 16_000 }, () => 'To').join('&');
  const form = { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'forged' };

  it('resolves the tenant before parsing: an unknown one is 404, a known one refuses the form as too large, never checks it', async () => {
    const unknown = await post(`${fx.relay.url}/hooks/nobody-here/twilio/message-status`, form, hostileForm);
    expect(unknown.status).toBe(404);
    const known = await post(`${fx.relay.url}/hooks/hard-other/twilio/message-status`, form, hostileForm);
    expect(known.status).toBe(413);
    expect(await known.json()).toMatchObject({ error: { code: 'rejected_bad_request' } });
  });

  it('validates the tenant name first, caches only known tenants and logs a bounded, escaped form', async () => {
    const huge = `x${'\u0007y'.repeat(2000)}`;
    const res = await post(
      `${fx.relay.url}/hooks/${encodeURIComponent(huge)}/telegram/update`,
      { 'content-type': 'application/json' },
      '{}',
    );
    expect(res.status).toBe(404);
    const line = lines.find((l) => l.includes('webhook rejected') && l.includes('chars)'));
    expect(line).toBeDefined();
    expect(line!.length).toBeLessThan(1000);
    expect(line).not.toContain('\u0007');
    const cache = new TenantCache(fx.relay.db, fx.key);
    for (let i = 0; i < 50; i++) expect(await cache.resolve(`made-up-${i}`)).toBeNull();
    expect(await cache.resolve(huge)).toBeNull();
    expect(cache.size).toBe(0);
    expect(await cache.resolve('hard-org')).not.toBeNull();
    expect(cache.size).toBe(1);
  });

  it('throttles failed signatures per client and tenant before reading the body', async () => {
    const url = `${fx.relay.publicBaseUrl}/hooks/hard-org/twilio/message-status`;
    const forged = twilioSigned('wrong-token', url, { MessageSid: 'SMx', MessageStatus: 'sent' });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await post(url, forged.headers, forged.body)).status);
    expect(statuses).toEqual([403, 403, 403, 429, 429]);
    const good = twilioSigned(t.twilioAuthToken, url, { MessageSid: 'SMgood', MessageStatus: 'sent' });
    const blocked = await post(url, good.headers, good.body);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another tenant's allowance is its own.
    const otherUrl = `${fx.relay.publicBaseUrl}/hooks/hard-other/twilio/message-status`;
    const otherGood = twilioSigned(other.twilioAuthToken, otherUrl, { MessageSid: 'SMo', MessageStatus: 'sent' });
    expect((await post(otherUrl, otherGood.headers, otherGood.body)).status).toBe(204);
  });

  it('refuses a SendGrid post signed a year ago, and checks signatures natively', async () => {
    const url = `${fx.relay.publicBaseUrl}/hooks/hard-other/sendgrid/events`;
    const body = JSON.stringify([{ event: 'delivered', sg_event_id: 'old-1' }]);
    const yearAgo = String(Math.floor(Date.now() / 1000) - 365 * 86_400);
    expect((await post(url, sendgridSigned(other.sendgrid, body, yearAgo), body)).status).toBe(403);
    const now = Date.now();
    const ts = String(Math.floor(now / 1000));
    const h = sendgridSigned(other.sendgrid, body, ts);
    const sig = h['x-twilio-email-event-webhook-signature'];
    expect(verifySendgrid(other.sendgrid.publicKeyBase64, sig, ts, Buffer.from(body), now)).toEqual({ ok: true });
    expect(verifySendgrid(other.sendgrid.publicKeyBase64, sig, ts, Buffer.from(body), now + 11 * 60_000)).toMatchObject({ ok: false });
    expect(verifySendgrid(other.sendgrid.publicKeyBase64, sig, ts, Buffer.from(`${body} `), now)).toMatchObject({ ok: false });
    expect(verifySendgrid(other.sendgrid.publicKeyBase64, 'bm90IGEgc2ln', ts, Buffer.from(body), now)).toMatchObject({ ok: false });
  });

  it('refuses only the one event nested 10,000 deep (400) and commits the others of its post', async () => {
    const desktop = await TestDesktop.connect(fx.relay.url, other.deviceToken, 0);
    const url = `${fx.relay.publicBaseUrl}/hooks/hard-other/sendgrid/events`;
    const deep = `${'['.repeat(10_000)}1${']'.repeat(10_000)}`;
    const body = `[{"event":"delivered","sg_event_id":"ok-1"},{"event":"x","sg_event_id":"deep","data":${deep}},{"event":"open","sg_event_id":"ok-2"}]`;
    const res = await post(url, sendgridSigned(other.sendgrid, body), body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('event 1');
    await waitFor('the two good events', () => desktop.entries.some((e) => webhookOf(e.event).eventKey === 'sg:ok-2'));
    const keys = desktop.entries.map((e) => webhookOf(e.event).eventKey);
    expect(keys).toContain('sg:ok-1');
    expect(keys).not.toContain('sg:deep');
    // An event the database cannot store (a NUL character in its key) is refused alone too.
    const nul = JSON.stringify([
      { event: 'delivered', sg_event_id: 'ok-3' },
      { event: 'x', sg_event_id: 'nul\u0000' },
    ]);
    const nulRes = await post(url, sendgridSigned(other.sendgrid, nul), nul);
    expect(nulRes.status).toBe(400);
    await waitFor('the event beside the NUL one', () => desktop.entries.some((e) => webhookOf(e.event).eventKey === 'sg:ok-3'));
    await desktop.close();
  });

  it('serves /metrics only with its bearer token', async () => {
    expect((await fetch(`${fx.relay.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${fx.relay.url}/metrics`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    const ok = await fetch(`${fx.relay.url}/metrics`, { headers: metricsHeaders });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('relay_webhooks_total');
  });
});

describe('metrics without a token', () => {
  it('are not served at all', async () => {
    const fx = await startTestRelay('pglite', { metricsToken: undefined });
    try {
      expect((await fetch(`${fx.relay.url}/metrics`)).status).toBe(404);
    } finally {
      await fx.stop();
    }
  });
});

describe('the request-path role on PostgreSQL', () => {
  let fx: RelayFixture;
  beforeAll(async () => {
    fx = await startTestRelay('postgres');
  }, 120_000);
  afterAll(async () => fx?.stop(), 60_000);

  it('logs in as itself, so SET ROLE NONE keeps it and the owner cannot be assumed', async () => {
    const [who] = await fx.relay.db.withTenant('00000000-0000-0000-0000-000000000000', async (q) => {
      await q.query('SET LOCAL ROLE NONE');
      return q.query<{ session: string; current: string }>('SELECT session_user AS session, current_user AS current');
    });
    expect(who).toEqual({ session: fx.relay.db.appRole, current: fx.relay.db.appRole });
    const [owner] = await fx.relay.db.asOwner((q) => q.query<{ u: string }>('SELECT current_user AS u'));
    await expect(
      fx.relay.db.withTenant('00000000-0000-0000-0000-000000000000', (q) => q.query(`SET LOCAL ROLE "${owner!.u}"`)),
    ).rejects.toThrow(/permission denied/);
  });
});
