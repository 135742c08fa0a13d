// 46elks through the relay: its callbacks are unsigned, so each carries the tenant's secret
// in the URL (compared in constant time, never committed to the log), and its calls fetch
// JSON call actions from /elks-actions: the simulator's 46elks sends an SMS, reports its
// delivery, relays the person's reply, and runs a call whose person presses 1.
import { webhookOf } from '@gdial/protocol';
import { callFlowPlaceholders, callFlowUrl, elksActionUrl, elksWebhookUrls, type RelayLogEntry } from '@gdial/protocol';
import { startSimulator, type Simulator } from '@gdial/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDesktop, waitFor } from './helpers';
import { addTenant, metricsHeaders, startTestRelay, type RelayFixture, type TenantFixture } from './setup';

const SECRET = 'elks_secret_0123456789_abcdefghijklmnopqrstuvw';
const doc = (inner: string) => `<?xml version="1.0" encoding="UTF-8"?><Response>${inner}</Response>`;

describe('46elks through the relay', () => {
  let fx: RelayFixture;
  let sim: Simulator;
  let t: TenantFixture;
  let urls: ReturnType<typeof elksWebhookUrls>;
  beforeAll(async () => {
    fx = await startTestRelay('pglite');
    t = await addTenant(fx.relay, 'elks-org');
    urls = elksWebhookUrls(fx.relay.publicBaseUrl, 'elks-org', SECRET);
    sim = await startSimulator({ profile: 'fast', config: { elksSmsUrl: urls.elksInbound } });
  }, 120_000);
  afterAll(async () => {
    await sim?.close();
    await fx?.stop();
  }, 60_000);

  const elks = async (resource: string, form: Record<string, string>) => {
    const res = await fetch(`${sim.url}/a1/${resource}`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${sim.credentials.elksUsername}:${sim.credentials.elksPassword}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams(form),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { id: string };
  };

  it('refuses a guessable secret, and every callback while no secret is set', async () => {
    const short = await fx.relay.admin.setCredentials('elks-org', { elksCallbackSecret: 'short' });
    expect(short.ok).toBe(false);
    const refused = await fetch(`${urls.elksDeliveryReport}&d=x`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'id=s1&status=delivered',
    });
    expect(refused.status).toBe(403);
    expect((await fx.relay.admin.setCredentials('elks-org', { elksCallbackSecret: SECRET })).ok).toBe(true);
    const listed = await fx.relay.admin.webhookUrls('elks-org');
    expect(listed.ok && listed.value.elksDeliveryReport).toBe(urls.elksDeliveryReport);
  });

  it('carries delivery reports, replies and a call with its key press to the desktop; a wrong secret is refused', async () => {
    const desktop = await TestDesktop.connect(fx.relay.url, t.deviceToken, 0);
    const wrong = await fetch(`${urls.elksDeliveryReport.replace(SECRET, `${SECRET.slice(0, -1)}X`)}&d=x`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'id=s1&status=delivered',
    });
    expect(wrong.status).toBe(403);

    const sms = await elks('sms', {
      to: '+46701234561',
      from: '+46766860000',
      message: 'Larm',
      whendelivered: `${urls.elksDeliveryReport}&d=sms-e1`,
    });

    const audio = await fetch(`${fx.relay.url}/api/v1/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.deviceToken}`, 'content-type': 'audio/wav' },
      body: Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(2000)]),
    });
    expect(audio.status).toBe(201);
    const audioUrl = ((await audio.json()) as { url: string }).url;
    const g = callFlowPlaceholders.gatherUrl;
    const gather = `<Gather input="dtmf" numDigits="1" timeout="5" action="${g}" actionOnEmptyResult="true"><Play>${audioUrl}</Play></Gather>`;
    const reg = await fetch(`${fx.relay.url}/api/v1/call-flows/elks-flow`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${t.deviceToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        flowId: 'elks-flow',
        documents: { start: doc(gather), confirmed: doc('<Hangup/>'), retry: doc(gather), goodbye: doc('<Hangup/>') },
        confirmDigits: ['1'],
        maxAttempts: 2,
      }),
    });
    expect(reg.status).toBe(200);
    const call = await elks('calls', {
      from: '+46766860000',
      to: '+46701234562',
      voice_start: elksActionUrl(callFlowUrl(fx.relay.publicBaseUrl, 'elks-org', 'elks-flow', 'call-e1'), SECRET),
      whenhangup: `${urls.elksCallHangup}&d=call-e1`,
    });

    const kindIs = (kind: string) => (e: RelayLogEntry) => webhookOf(e.event).kind === kind;
    const body = (e: RelayLogEntry) => webhookOf(e.event).body as Record<string, string>;
    const has = (pred: (e: RelayLogEntry) => boolean) => desktop.entries.some(pred);
    await waitFor(
      '46elks events on the desktop',
      () =>
        has(
          (e) =>
            kindIs('elks.sms-status')(e) &&
            body(e).id === sms.id &&
            body(e).status === 'delivered' &&
            webhookOf(e.event).query.d === 'sms-e1',
        ) &&
        has((e) => kindIs('elks.inbound-sms')(e) && body(e).message === '1') &&
        has((e) => kindIs('elks.ivr')(e) && body(e).result === '1' && webhookOf(e.event).query.d === 'call-e1') &&
        has((e) => kindIs('elks.call-hangup')(e) && body(e).id === call.id && body(e).state === 'success'),
      30_000,
    );
    for (const e of desktop.entries) expect(webhookOf(e.event).query.s).toBeUndefined();
    const played = sim.elksCalls().find((c) => c.id === call.id)!;
    expect(played.log.filter((l) => l.action === 'play').every((l) => l.detail.ok === true)).toBe(true);
    expect(played.log.filter((l) => l.action === 'digits').map((l) => l.detail.digits)).toEqual(['1']);
    const text = await (await fetch(`${fx.relay.url}/metrics`, { headers: metricsHeaders })).text();
    expect(text).toMatch(/kind="elks.sms-status",provider="elks",result="rejected_signature"} 2/);
    expect(text).not.toMatch(/result="error"/);
    await desktop.close();
  });
});
