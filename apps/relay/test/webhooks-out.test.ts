// Outgoing webhooks end to end at the relay: an administrator subscribes a receiver over the
// API, a desktop pushes an alert's operations through organisation sync, and the relay
// produces the events (started, held, progress thresholds once each, completed, cancelled),
// signs them the Standard Webhooks way (checked here by an independent verifier written from
// the spec with node:crypto), retries on a controlled clock with the schedule's backoff,
// turns a subscription off on 410, refuses private addresses, and loses or doubles nothing
// across a relay restart in the middle of the retries.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatHlc, type SyncOp, type WebhookDelivery, type WebhookPayload } from '@gdial/protocol';
import { JITTER, MAX_ATTEMPTS, RETRY_SCHEDULE_MS, crossedThresholds, nextAttemptDelay, signatureOf } from '../src/webhooks-out/model';
import { checkWebhookUrl, isPrivateAddress } from '../src/webhooks-out/ssrf';
import { WebhookDispatcher } from '../src/webhooks-out/dispatcher';
import { startRelay, type RelayHandle } from '../src/index';
import { addUser, call, signIn, testPasswordCost } from './auth-helpers';
import { encryptionKey, pgSandbox, type PgSandbox } from './helpers';
import { addTenant, type TenantFixture } from './setup';

// ── an independent verifier, from the Standard Webhooks specification ──

function verify(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const id = headers['webhook-id'];
  const ts = headers['webhook-timestamp'];
  const sig = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof ts !== 'string' || typeof sig !== 'string') return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest();
  return sig.split(' ').some((entry) => {
    const [version, b64] = entry.split(',');
    if (version !== 'v1' || !b64) return false;
    const got = Buffer.from(b64, 'base64');
    return got.length === expected.length && timingSafeEqual(got, expected);
  });
}

// ── a receiver ──

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

class Receiver {
  readonly got: Received[] = [];
  /** Statuses to answer, in order; 200 once they run out. */
  answers: number[] = [];
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<Receiver> {
    const box: { self?: Receiver } = {};
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        const self = box.self!;
        const status = self.answers.shift() ?? 200;
        self.got.push({ headers: req.headers, body, status });
        res.statusCode = status;
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    box.self = new Receiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/gdial`);
    return box.self;
  }

  payloads(): WebhookPayload[] {
    return this.got.map((g) => JSON.parse(g.body) as WebhookPayload);
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

// ── pure rules ──

describe('webhook rules', () => {
  it('signs id.timestamp.body with HMAC-SHA256 of the base64-decoded whsec_ key, as an independent verifier checks', () => {
    const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
    const body = '{"type":"alert.started"}';
    const sig = signatureOf(secret, 'msg_1', 1_700_000_000, body);
    expect(sig).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': '1700000000', 'webhook-signature': sig };
    expect(verify(secret, headers, body)).toBe(true);
    expect(verify(secret, { ...headers, 'webhook-timestamp': '1700000001' }, body)).toBe(false);
    expect(verify(secret, headers, `${body} `)).toBe(false);
    expect(verify(`whsec_${Buffer.from('another key, also 32 bytes long!').toString('base64')}`, headers, body)).toBe(false);
  });

  it('waits 5 s, 5 min, 30 min, 2 h, … with ±20 % jitter, and gives up after about a day', () => {
    expect(RETRY_SCHEDULE_MS.slice(0, 4)).toEqual([5_000, 300_000, 1_800_000, 7_200_000]);
    expect(nextAttemptDelay(1, 0.5)).toBe(5_000);
    expect(nextAttemptDelay(1, 0)).toBe(5_000 * (1 - JITTER));
    expect(nextAttemptDelay(2, 0.999_999)).toBeCloseTo(300_000 * (1 + JITTER), -1);
    expect(nextAttemptDelay(MAX_ATTEMPTS, 0.5)).toBeNull();
    const total = RETRY_SCHEDULE_MS.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(20 * 3600_000);
    expect(total).toBeLessThanOrEqual(24 * 3600_000);
  });

  it('crosses each threshold of the step once, upwards only', () => {
    expect(crossedThresholds(0, 55, 25)).toEqual([25, 50]);
    expect(crossedThresholds(50, 50, 25)).toEqual([]);
    expect(crossedThresholds(49, 100, 50)).toEqual([50, 100]);
    expect(crossedThresholds(80, 40, 10)).toEqual([]);
  });

  it('refuses private, loopback, link-local and metadata addresses, and plain http outside tests', () => {
    for (const a of [
      '10.1.2.3',
      '127.0.0.1',
      '169.254.169.254',
      '192.168.1.1',
      '172.20.0.1',
      '100.64.0.1',
      '::1',
      'fe80::1',
      'fd12::1',
      '::ffff:10.0.0.1',
      '0.0.0.0',
    ])
      expect(isPrivateAddress(a), a).toBe(true);
    for (const a of ['93.184.216.34', '2606:4700::1111', '::ffff:8.8.8.8']) expect(isPrivateAddress(a), a).toBe(false);
    expect(checkWebhookUrl('https://169.254.169.254/latest/meta-data', false)).toEqual({
      ok: false,
      problem: 'Adressen 169.254.169.254 är en intern adress; reläet skickar inte webhooks dit.',
    });
    expect(checkWebhookUrl('https://localhost/x', false).ok).toBe(false);
    expect(JSON.stringify(checkWebhookUrl('http://example.se/x', false))).toMatch(/"ok":false.*https:\/\//);
    expect(checkWebhookUrl('http://example.se/x', true).ok).toBe(false);
    expect(checkWebhookUrl('http://127.0.0.1:9/x', true).ok).toBe(true);
    expect(checkWebhookUrl('https://user:pw@example.se/x', false).ok).toBe(false);
    expect(checkWebhookUrl('https://example.se/x', false).ok).toBe(true);
  });

  it('refuses a host that resolves to an internal address before sending anything', async () => {
    const receiver = await Receiver.start();
    const dispatcher = new WebhookDispatcher({
      db: null as never,
      encryptionKey: encryptionKey(),
      logger: pino({ level: 'silent' }),
      allowPrivate: false,
      resolve: () => Promise.resolve([{ address: '169.254.169.254', family: 4 }]),
    });
    const r = await dispatcher.post('https://metadata.example.se/x', 'msg_x', ['whsec_AAAA'], '{}', new Date());
    expect(r).toMatchObject({ status: null, error: 'metadata.example.se resolves to 169.254.169.254, an internal address (refused)' });
    // And a loopback receiver is not reached without the relay's setting.
    const direct = await dispatcher.post(receiver.url.replace('http:', 'https:'), 'msg_y', ['whsec_AAAA'], '{}', new Date());
    expect(direct.error).toMatch(/intern adress/);
    expect(receiver.got).toHaveLength(0);
    await receiver.close();
  });
});

// ── through a relay on PostgreSQL ──

describe('outgoing webhooks through a relay', () => {
  let sandbox: PgSandbox;
  let key: Buffer;
  let relay: RelayHandle;
  let tenant: TenantFixture;
  let admin: string;
  let receiver: Receiver;
  let clock = Date.parse('2026-12-07T10:00:00Z');
  let counter = 0;
  const api = (path: string) => `${relay.url}/api/v1${path}`;

  const start = () =>
    startRelay({
      encryptionKey: key,
      databaseUrl: sandbox.databaseUrl,
      dbSchema: sandbox.schema,
      dbAppRole: sandbox.appRole,
      passwordCost: testPasswordCost,
      webhooks: { allowPrivate: true, now: () => clock, random: () => 0.5, autoStart: false, timeoutMs: 2_000 },
    });

  const push = async (ops: Omit<SyncOp, 'device' | 'counter' | 'hlc'>[]) => {
    const full: SyncOp[] = ops.map((o) => ({
      ...o,
      device: tenant.deviceId,
      counter: ++counter,
      hlc: formatHlc({ wall: Date.parse('2026-12-07T10:00:00Z') + counter, count: 0 }),
    }));
    const r = await call(api('/sync/push'), 'POST', tenant.deviceToken, { ops: full });
    expect(r.status).toBe(200);
    expect(r.body.rejected).toEqual([]);
    return full;
  };
  const putAlert = (id: string, fields: SyncOp['fields']) => ({ entity: 'alert' as const, id, kind: 'put' as const, fields });
  const putRecipient = (alert: string, n: number, outcome: string) => ({
    entity: 'recipient' as const,
    id: `${alert}/r${n}.dev`,
    kind: 'put' as const,
    fields: {
      displayName: `Person ${n}`,
      outcome,
      ...(outcome === 'confirmed' ? { confirmed: { at: '2026-12-07T10:01:00Z', via: 'sms' } } : {}),
    },
  });
  const deliveries = async (): Promise<WebhookDelivery[]> =>
    ((await call(api('/webhook-deliveries'), 'GET', admin)).body.deliveries as WebhookDelivery[]).slice().reverse();
  const subscribe = async (body: Record<string, unknown>) => {
    const r = await call(api('/webhooks'), 'POST', admin, body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { subscription: { id: string }; secret: string };
  };

  beforeAll(async () => {
    sandbox = pgSandbox();
    key = encryptionKey();
    relay = await start();
    tenant = await addTenant(relay, 'hooks-a');
    await addUser(relay, 'hooks-a', 'admin', 'admin');
    await addUser(relay, 'hooks-a', 'olle', 'operator');
    admin = (await signIn(relay, tenant.deviceToken, 'admin')).accessToken;
    receiver = await Receiver.start();
  }, 120_000);
  afterAll(async () => {
    await relay?.close();
    await receiver?.close();
    await sandbox?.drop();
  }, 60_000);
  afterEach(async () => {
    // Each test starts with no subscription and an empty receiver.
    for (const s of (await call(api('/webhooks'), 'GET', admin)).body.subscriptions as { id: string }[])
      await call(api(`/webhooks/${s.id}`), 'DELETE', admin);
    receiver.got.length = 0;
    receiver.answers = [];
  });

  it('refuses an operator, an internal address without the setting, and bad input in Swedish', async () => {
    const olle = (await signIn(relay, tenant.deviceToken, 'olle')).accessToken;
    const refused = await call(api('/webhooks'), 'POST', olle, { url: 'https://example.se/x', events: ['alert.started'] });
    expect(refused.status).toBe(403);
    expect(refused.body.error?.message).toMatch(/Administratör/);
    expect((await call(api('/webhook-deliveries'), 'GET', olle)).status).toBe(403);
    const bad = await call(api('/webhooks'), 'POST', admin, { url: 'ftp://example.se', events: [] });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.message).toMatch(/Välj minst en händelse/);
    const plain = await call(api('/webhooks'), 'POST', admin, { url: 'http://example.se/x', events: ['alert.started'] });
    expect(plain.body.error?.message).toMatch(/https:\/\//);
  });

  it('produces each event once from synced alert states, signed, with stable ids, and progress thresholds once each', async () => {
    const { secret, subscription } = await subscribe({
      url: receiver.url,
      description: 'Ledningssystemet',
      events: ['alert.started', 'alert.held', 'alert.progress', 'alert.completed', 'alert.cancelled'],
      progressStep: 50,
    });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(JSON.stringify((await call(api('/webhooks'), 'GET', admin)).body)).not.toContain(secret);

    await push([
      putAlert('A1', { name: 'Vattenläcka', status: 'running', startedAt: '2026-12-07T10:00:00Z', held: [] }),
      ...[1, 2, 3, 4].map((n) => putRecipient('A1', n, 'pending')),
    ]);
    await push([putAlert('A1', { held: [{ channel: 'sms', since: '2026-12-07T10:00:05Z', provider: 'twilio', message: 'nere' }] })]);
    await push([putRecipient('A1', 1, 'confirmed'), putRecipient('A1', 2, 'reached')]); // reached 50 %
    const confirming = await push([putRecipient('A1', 2, 'confirmed')]); // confirmed 50 %
    // The same operations again (a desktop's retry) merge to nothing and produce nothing.
    const again = await call(api('/sync/push'), 'POST', tenant.deviceToken, { ops: confirming });
    expect(again.status).toBe(200);
    await push([putRecipient('A1', 3, 'confirmed'), putRecipient('A1', 4, 'confirmed')]); // 100 % both
    await push([putAlert('A1', { status: 'completed', finishedAt: '2026-12-07T10:09:00Z', held: [] })]);

    expect(await relay.webhooks.runOnce()).toBeGreaterThan(0);
    while ((await relay.webhooks.runOnce()) > 0);
    const payloads = receiver.payloads();
    const seen = payloads.map((p) =>
      p.type === 'alert.progress' ? `progress:${p.data.progress!.kind}:${p.data.progress!.threshold}` : p.type,
    );
    expect(seen.sort()).toEqual(
      [
        'alert.started',
        'alert.held',
        'progress:reached:50',
        'progress:confirmed:50',
        'progress:reached:100',
        'progress:confirmed:100',
        'alert.completed',
      ].sort(),
    );
    for (const g of receiver.got) {
      expect(verify(secret, g.headers, g.body)).toBe(true);
      expect(g.headers['webhook-id']).toMatch(/^msg_[A-Za-z0-9_-]{27}$/);
      expect(Number(g.headers['webhook-timestamp'])).toBe(Math.floor(clock / 1000));
      expect(g.headers['content-type']).toBe('application/json');
    }
    const completed = payloads.find((p) => p.type === 'alert.completed')!;
    expect(completed.data).toMatchObject({
      alert: { id: 'A1', name: 'Vattenläcka', status: 'completed', finishedAt: '2026-12-07T10:09:00Z' },
      counts: { recipients: 4, confirmed: 4, reached: 4 },
    });
    expect(payloads.find((p) => p.type === 'alert.held')!.data.alert!.held).toEqual([{ channel: 'sms', since: '2026-12-07T10:00:05Z' }]);

    const log = await deliveries();
    expect(log).toHaveLength(7);
    expect(log.every((d) => d.state === 'delivered' && d.attempts === 1 && d.subscriptionId === subscription.id)).toBe(true);
    expect(log[0]!.log[0]).toMatchObject({ attempt: 1, status: 200, error: null });
    expect(log[0]!.alertName).toBe('Vattenläcka');

    // A cancelled alert, for a subscription that only wants cancellations.
    receiver.got.length = 0;
    await call(api(`/webhooks/${subscription.id}`), 'PATCH', admin, { events: ['alert.cancelled'] });
    await push([
      putAlert('A2', { name: 'Övning', status: 'running', startedAt: '2026-12-07T10:10:00Z' }),
      putRecipient('A2', 1, 'confirmed'),
    ]);
    await push([putAlert('A2', { status: 'cancelled', cancelReason: 'Fel larm' })]);
    await relay.webhooks.runOnce();
    expect(receiver.payloads().map((p) => [p.type, p.data.alert?.cancelReason])).toEqual([['alert.cancelled', 'Fel larm']]);
  });

  it('retries with the schedule on 5xx and network errors, fails after the last, and re-sends under the same id', async () => {
    const { subscription } = await subscribe({ url: receiver.url, events: ['alert.started'] });
    receiver.answers = [500, 503];
    await push([putAlert('A3', { name: 'Strömavbrott', status: 'running', startedAt: '2026-12-07T11:00:00Z' })]);
    expect(await relay.webhooks.runOnce()).toBe(1);
    let [d] = await deliveries();
    expect(d).toMatchObject({ state: 'pending', attempts: 1, nextAttemptAt: new Date(clock + 5_000).toISOString() });
    clock += 4_999;
    expect(await relay.webhooks.runOnce()).toBe(0);
    clock += 1;
    expect(await relay.webhooks.runOnce()).toBe(1);
    [d] = await deliveries();
    expect(d).toMatchObject({ state: 'pending', attempts: 2, nextAttemptAt: new Date(clock + 300_000).toISOString() });
    // The receiver goes away: network errors until the schedule runs out.
    await call(api(`/webhooks/${subscription.id}`), 'DELETE', admin);
    const gone = await subscribe({ url: 'http://127.0.0.1:9/nobody', events: ['alert.started'] });
    await push([putAlert('A4', { name: 'Brand', status: 'running', startedAt: '2026-12-07T11:00:00Z' })]);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      expect(await relay.webhooks.runOnce(), `attempt ${attempt}`).toBe(1);
      const [x] = (await deliveries()).filter((y) => y.subscriptionId === gone.subscription.id);
      expect(x!.attempts).toBe(attempt);
      expect(x!.log.at(-1)!.status).toBeNull();
      expect(x!.log.at(-1)!.error).toMatch(/ECONNREFUSED/);
      if (attempt < MAX_ATTEMPTS) clock += RETRY_SCHEDULE_MS[attempt - 1]!;
      else expect(x).toMatchObject({ state: 'failed', nextAttemptAt: null });
    }
    clock += 48 * 3600_000;
    expect(await relay.webhooks.runOnce()).toBe(0);

    // "Skicka igen" after the endpoint is back: same webhook-id, one more attempt.
    await call(api(`/webhooks/${gone.subscription.id}`), 'DELETE', admin);
    const back = await subscribe({ url: receiver.url, events: ['alert.started'] });
    await push([putAlert('A5', { name: 'Snöoväder', status: 'running', startedAt: '2026-12-07T11:00:00Z' })]);
    receiver.answers = [500];
    await relay.webhooks.runOnce();
    const [failedOnce] = (await deliveries()).filter((y) => y.subscriptionId === back.subscription.id);
    const resent = await call(api(`/webhook-deliveries/${failedOnce!.id}/resend`), 'POST', admin);
    expect(resent.status).toBe(400); // still pending: nothing to re-send yet
    clock += 5_000;
    await relay.webhooks.runOnce();
    const ok = await call(api(`/webhook-deliveries/${failedOnce!.id}/resend`), 'POST', admin);
    expect(ok.status).toBe(202);
    await relay.webhooks.runOnce();
    const ids = receiver.got.slice(-3).map((g) => g.headers['webhook-id']);
    expect(new Set(ids)).toEqual(new Set([failedOnce!.id]));
    const audit = (await call(api('/audit'), 'GET', admin)).body.entries as { action: string }[];
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['webhook-created', 'webhook-deleted', 'webhook-resent']));
  });

  it('turns a subscription off on 410 and audits it; test events and secret rotation sign with both secrets for a day', async () => {
    const first = await subscribe({ url: receiver.url, events: ['alert.started'] });
    const test = await call(api(`/webhooks/${first.subscription.id}/test`), 'POST', admin);
    expect(test.status).toBe(202);
    await relay.webhooks.runOnce();
    expect(receiver.payloads()[0]).toMatchObject({ type: 'webhook.test', data: { alert: null } });
    expect(verify(first.secret, receiver.got[0]!.headers, receiver.got[0]!.body)).toBe(true);

    const rotated = await call(api(`/webhooks/${first.subscription.id}/rotate-secret`), 'POST', admin);
    const newSecret = (rotated.body as { secret: string }).secret;
    expect(newSecret).not.toBe(first.secret);
    await call(api(`/webhooks/${first.subscription.id}/test`), 'POST', admin);
    await relay.webhooks.runOnce();
    const afterRotation = receiver.got.at(-1)!;
    expect(String(afterRotation.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verify(newSecret, afterRotation.headers, afterRotation.body)).toBe(true);
    expect(verify(first.secret, afterRotation.headers, afterRotation.body)).toBe(true);

    receiver.answers = [410];
    await call(api(`/webhooks/${first.subscription.id}/test`), 'POST', admin);
    await relay.webhooks.runOnce();
    const subs = (await call(api('/webhooks'), 'GET', admin)).body.subscriptions as { enabled: boolean; disabledReason: string }[];
    expect(subs[0]!.enabled).toBe(false);
    expect(subs[0]!.disabledReason).toMatch(/410/);
    await push([putAlert('A6', { name: 'Efter 410', status: 'running', startedAt: '2026-12-07T12:00:00Z' })]);
    const before = receiver.got.length;
    await relay.webhooks.runOnce();
    expect(receiver.got.length).toBe(before);
    const refusedTest = await call(api(`/webhooks/${first.subscription.id}/test`), 'POST', admin);
    expect(refusedTest.body.error?.message).toMatch(/avstängd/);
    const audit = (await call(api('/audit'), 'GET', admin)).body.entries as { action: string }[];
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['webhook-tested', 'webhook-secret-rotated', 'webhook-disabled']));
  });

  it('neither loses nor doubles a delivery when the relay restarts in the middle of its retries', async () => {
    const { secret } = await subscribe({ url: receiver.url, events: ['alert.started', 'alert.completed'] });
    receiver.answers = [503];
    await push([putAlert('A7', { name: 'Omstart', status: 'running', startedAt: '2026-12-07T13:00:00Z' })]);
    await relay.webhooks.runOnce();
    expect(receiver.got).toHaveLength(1);
    await relay.close();
    clock += 5_000;
    relay = await start();
    admin = (await signIn(relay, tenant.deviceToken, 'admin')).accessToken;
    // An event produced while the relay was down arrives through the desktop's re-push after it.
    await push([putAlert('A7', { status: 'completed', finishedAt: '2026-12-07T13:05:00Z' })]);
    expect(await relay.webhooks.runOnce()).toBe(2);
    expect(await relay.webhooks.runOnce()).toBe(0);
    const types = receiver.payloads().map((p) => p.type);
    expect(types[0]).toBe('alert.started');
    expect(types.slice(1).sort()).toEqual(['alert.completed', 'alert.started']); // sent side by side after the restart
    const startedIds = receiver.got.filter((_, i) => types[i] === 'alert.started').map((g) => g.headers['webhook-id']);
    expect(startedIds).toHaveLength(2);
    expect(startedIds[0]).toBe(startedIds[1]);
    expect(receiver.got.every((g) => verify(secret, g.headers, g.body))).toBe(true);
    const log = await deliveries();
    expect(log.map((d) => [d.type, d.state, d.attempts])).toEqual([
      ['alert.started', 'delivered', 2],
      ['alert.completed', 'delivered', 1],
    ]);
  });
});
