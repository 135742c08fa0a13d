// Call flows and audio: the engine registers a flow and uploads audio with its device token;
// Twilio (signed) fetches the start document per delivery and posts the gathered digit,
// which is committed as a twilio.gather event and answered confirmed / retry / goodbye.
import { createHash } from 'node:crypto';
import { webhookOf } from '@gdial/protocol';
import { callFlowPlaceholders, callFlowUrl, type CallFlowRegistration } from '@gdial/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, post, TestDesktop, twilioSigned, waitFor } from './helpers';
import { addTenant, startTestRelay, type RelayFixture, type TenantFixture } from './setup';

const doc = (inner: string) => `<?xml version="1.0" encoding="UTF-8"?><Response>${inner}</Response>`;

describe.each(backends)('call flows and media on %s', (backend) => {
  let fx: RelayFixture;
  let t: TenantFixture;
  let other: TenantFixture;
  let audioUrl: string;
  const audio = Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 251));
  beforeAll(async () => {
    fx = await startTestRelay(backend);
    t = await addTenant(fx.relay, 'calls');
    other = await addTenant(fx.relay, 'other');
  }, 120_000);
  afterAll(async () => fx?.stop(), 60_000);
  const auth = () => ({ authorization: `Bearer ${t.deviceToken}` });

  it('stores uploaded audio once and serves it with its content type and byte ranges', async () => {
    const up = await fetch(`${fx.relay.url}/api/v1/media`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'audio/wav' },
      body: audio,
    });
    expect(up.status).toBe(201);
    const stored = (await up.json()) as { url: string; mediaId: string; size: number };
    expect(stored.size).toBe(4096);
    expect(stored.mediaId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    audioUrl = stored.url;
    const again = (await (
      await fetch(`${fx.relay.url}/api/v1/media`, { method: 'POST', headers: { ...auth(), 'content-type': 'audio/wav' }, body: audio })
    ).json()) as { mediaId: string };
    expect(again.mediaId).toBe(stored.mediaId);

    const whole = await fetch(audioUrl);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/wav');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer()).equals(audio)).toBe(true);
    const part = await fetch(audioUrl, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 100-199/4096');
    expect(Buffer.from(await part.arrayBuffer()).equals(audio.subarray(100, 200))).toBe(true);
    const tail = await fetch(audioUrl, { headers: { range: 'bytes=-10' } });
    expect(Buffer.from(await tail.arrayBuffer()).equals(audio.subarray(4086))).toBe(true);
    expect((await fetch(audioUrl, { headers: { range: 'bytes=5000-' } })).status).toBe(416);
    // Another tenant's URL with the same id, and a guessed id, find nothing.
    expect((await fetch(audioUrl.replace('/calls/', '/other/'))).status).toBe(404);
    expect((await fetch(audioUrl.replace(stored.mediaId, 'A'.repeat(43)))).status).toBe(404);
  });

  it("gives a desktop the organisation's audio by its SHA-256, and tells whether it is stored", async () => {
    const sha256 = createHash('sha256').update(audio).digest('hex');
    const byHash = `${fx.relay.url}/api/v1/media/sha256/${sha256}`;
    const head = await fetch(byHash, { method: 'HEAD', headers: auth() });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(`"${sha256}"`);
    const got = await fetch(byHash, { headers: auth() });
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('audio/wav');
    expect(
      createHash('sha256')
        .update(Buffer.from(await got.arrayBuffer()))
        .digest('hex'),
    ).toBe(sha256);
    const unknown = createHash('sha256').update('no such audio').digest('hex');
    expect((await fetch(`${fx.relay.url}/api/v1/media/sha256/${unknown}`, { method: 'HEAD', headers: auth() })).status).toBe(404);
    expect((await fetch(`${fx.relay.url}/api/v1/media/sha256/${unknown}`, { headers: auth() })).status).toBe(404);
    expect((await fetch(`${fx.relay.url}/api/v1/media/sha256/not-a-hash`, { headers: auth() })).status).toBe(400);
    expect((await fetch(byHash)).status).toBe(401);
    // Another organisation's device finds nothing (row-level security per tenant).
    expect((await fetch(byHash, { headers: { authorization: `Bearer ${other.deviceToken}` } })).status).toBe(404);
  });

  it('refuses uploads without a valid device token or with a non-audio type', async () => {
    expect(
      (await fetch(`${fx.relay.url}/api/v1/media`, { method: 'POST', headers: { 'content-type': 'audio/wav' }, body: audio })).status,
    ).toBe(401);
    expect(
      (await fetch(`${fx.relay.url}/api/v1/media`, { method: 'POST', headers: { ...auth(), 'content-type': 'text/html' }, body: audio }))
        .status,
    ).toBe(415);
  });

  it('serves the flow per delivery, commits the gather and answers confirmed, retry or goodbye', async () => {
    const g = callFlowPlaceholders.gatherUrl;
    const flow: CallFlowRegistration = {
      flowId: 'camp-7',
      documents: {
        start: doc(`<Gather input="dtmf" numDigits="1" action="${g}"><Play>${audioUrl}</Play></Gather><Redirect>${g}</Redirect>`),
        confirmed: doc('<Say language="sv-SE">Tack, bekräftat.</Say><Hangup/>'),
        retry: doc(`<Gather input="dtmf" numDigits="1" action="${g}"><Say language="sv-SE">Tryck 1.</Say></Gather>`),
        goodbye: doc('<Say language="sv-SE">Hej då.</Say><Hangup/>'),
      },
      confirmDigits: ['1'],
      maxAttempts: 2,
    };
    const reg = await fetch(`${fx.relay.url}/api/v1/call-flows/camp-7`, {
      method: 'PUT',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify(flow),
    });
    expect(reg.status).toBe(200);
    const bad = await fetch(`${fx.relay.url}/api/v1/call-flows/camp-7`, {
      method: 'PUT',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ ...flow, maxAttempts: 0 }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('maxAttempts');

    const desktop = await TestDesktop.connect(fx.relay.url, t.deviceToken, 0);
    const voiceUrl = callFlowUrl(fx.relay.publicBaseUrl, 'calls', 'camp-7', 'dlv-1');
    const call = { CallSid: 'CA77', AccountSid: 'AC1', CallStatus: 'in-progress', From: '+46700000000', To: '+46701234567' };
    const startReq = twilioSigned(t.twilioAuthToken, voiceUrl, call);
    const start = await post(voiceUrl, startReq.headers, startReq.body);
    expect(start.status).toBe(200);
    expect(start.headers.get('content-type')).toContain('text/xml');
    const startDoc = await start.text();
    const gather1 = `${fx.relay.publicBaseUrl}/twiml/calls/camp-7/gather?d=dlv-1&a=1`;
    expect(startDoc).toContain(`action="${gather1.replace('&', '&amp;')}"`);
    expect(startDoc).toContain(audioUrl);
    const unsigned = await post(voiceUrl, { 'content-type': 'application/x-www-form-urlencoded' }, startReq.body);
    expect(unsigned.status).toBe(403);

    const wrong = twilioSigned(t.twilioAuthToken, gather1, { ...call, Digits: '5' });
    const retry = await post(gather1, wrong.headers, wrong.body);
    expect(await retry.text()).toContain('Tryck 1.');
    const gather2 = gather1.replace('a=1', 'a=2');
    const right = twilioSigned(t.twilioAuthToken, gather2, { ...call, Digits: '1' });
    const confirmed = await post(gather2, right.headers, right.body);
    expect(await confirmed.text()).toContain('bekräftat');
    // Twilio resending the same gather gets the same answer; the event is stored once.
    expect(await (await post(gather2, right.headers, right.body)).text()).toContain('bekräftat');
    const none = twilioSigned(t.twilioAuthToken, gather2, { ...call, CallSid: 'CA78' });
    expect(await (await post(gather2, none.headers, none.body)).text()).toContain('Hej då');

    await waitFor('three gather events', () => desktop.entries.length >= 3);
    expect(desktop.entries.map((e) => [webhookOf(e.event).kind, webhookOf(e.event).eventKey, webhookOf(e.event).query])).toEqual([
      ['twilio.gather', 'gather:CA77:1', { d: 'dlv-1', a: '1' }],
      ['twilio.gather', 'gather:CA77:2', { d: 'dlv-1', a: '2' }],
      ['twilio.gather', 'gather:CA78:2', { d: 'dlv-1', a: '2' }],
    ]);
    expect(webhookOf(desktop.entries[1]!.event).body).toMatchObject({ Digits: '1', CallSid: 'CA77' });
    await desktop.close();
  });
});
