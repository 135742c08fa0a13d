// The webhook endpoints are served without express: what express gave them for free must
// still hold — request ids, the route patterns (any case, trailing slash), 404 for what is not
// a webhook, compressed bodies checked on their inflated bytes, the body limit, malformed
// parameters — and the answers keep their shape.
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/log';
import { configFromOptions, startRelayWithConfig } from '../src/relay';
import { encryptionKey, post, twilioSigned } from './helpers';
import { addTenant, startTestRelay, type RelayFixture, type TenantFixture } from './setup';

describe('webhook HTTP handling', () => {
  let fx: RelayFixture;
  let t: TenantFixture;
  beforeAll(async () => {
    fx = await startTestRelay('pglite');
    t = await addTenant(fx.relay, 'http-org');
  }, 120_000);
  afterAll(async () => fx?.stop(), 60_000);

  const signed = (path: string, sid: string) => {
    const url = `${fx.relay.publicBaseUrl}${path}`;
    return { url, ...twilioSigned(t.twilioAuthToken, url, { MessageSid: sid, MessageStatus: 'sent', AccountSid: 'AC1' }) };
  };

  it('echoes a well-formed X-Request-Id and makes one otherwise', async () => {
    const s = signed('/hooks/http-org/twilio/message-status', 'SMid1');
    const res = await post(s.url, { ...s.headers, 'x-request-id': 'prov-42' }, s.body);
    expect(res.status).toBe(204);
    expect(res.headers.get('x-request-id')).toBe('prov-42');
    const other = await post(s.url, { ...s.headers, 'x-request-id': 'not ok' }, s.body);
    expect(other.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('matches the routes in any case and with a trailing slash, as signed', async () => {
    for (const [path, sid] of [
      ['/HOOKS/http-org/Twilio/message-status', 'SMcase'],
      ['/hooks/http-org/twilio/message-status/?d=x', 'SMslash'],
    ] as const) {
      const s = signed(path, sid);
      expect((await post(s.url, s.headers, s.body)).status).toBe(204);
    }
  });

  it('answers what is not a webhook with the API 404, and a bad parameter with 400', async () => {
    for (const [method, path] of [
      ['GET', '/hooks/http-org/twilio/message-status'],
      ['POST', '/hooks'],
      ['POST', '/hooks/http-org/sendgrid/other'],
      ['POST', '/hooks/http-org/twilio/message-status/extra'],
    ] as const) {
      const res = await fetch(`${fx.relay.url}${path}`, { method, ...(method === 'POST' ? { body: 'a=b' } : {}) });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(await res.json()).toEqual({ error: { code: 'not-found', message: 'No such endpoint' } });
    }
    const kind = await post(`${fx.relay.url}/hooks/http-org/twilio/nonsense`, {}, 'a=b');
    expect(kind.status).toBe(404);
    expect(await kind.json()).toMatchObject({ error: { code: 'not-found' } });
    const bad = await post(`${fx.relay.url}/hooks/%E0%A4%A/twilio/message-status`, {}, 'a=b');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: { code: 'bad-request', message: 'Bad request' } });
  });

  it('verifies a gzip body on its inflated bytes, and refuses an encoding it cannot read', async () => {
    const s = signed('/hooks/http-org/twilio/message-status', 'SMgzip');
    const zipped = gzipSync(Buffer.from(s.body));
    const res = await fetch(s.url, { method: 'POST', headers: { ...s.headers, 'content-encoding': 'gzip' }, body: zipped });
    expect(res.status).toBe(204);
    const odd = await fetch(s.url, { method: 'POST', headers: { ...s.headers, 'content-encoding': 'compress' }, body: zipped });
    expect(odd.status).toBe(415);
  });

  it('refuses a body over the limit, streamed or declared, and the connection stays usable', async () => {
    const big = `Body=${'x'.repeat(300 * 1024)}`;
    const declared = await post(
      `${fx.relay.url}/hooks/http-org/twilio/message-status`,
      { 'content-type': 'application/x-www-form-urlencoded' },
      big,
    );
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual({ error: { code: 'too-large', message: 'Request body too large' } });
    const chunked = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 30; i++) c.enqueue(new TextEncoder().encode('x'.repeat(10 * 1024)));
        c.close();
      },
    });
    const streamed = await fetch(`${fx.relay.url}/hooks/http-org/twilio/message-status`, {
      method: 'POST',
      body: chunked,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    const s = signed('/hooks/http-org/twilio/message-status', 'SMafter413');
    expect((await post(s.url, s.headers, s.body)).status).toBe(204);
  });

  it('answers an inbound message with empty TwiML and SendGrid/Telegram with JSON', async () => {
    const url = `${fx.relay.publicBaseUrl}/hooks/http-org/twilio/inbound`;
    const s = twilioSigned(t.twilioAuthToken, url, { MessageSid: 'SMin', Body: '1', From: '+46701234567' });
    const res = await post(url, s.headers, s.body);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    expect(await res.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    const tg = await post(
      `${fx.relay.url}/hooks/http-org/telegram/update`,
      { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': t.telegramSecret },
      '{"update_id":5}',
    );
    expect(tg.status).toBe(200);
    expect(tg.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await tg.json()).toEqual({ ok: true });
  });
});

describe('webhook rate limit behind a proxy', () => {
  it('counts each forwarded client separately when the proxy is trusted, and the proxy itself otherwise', async () => {
    // Ten requests at once against a burst of two: refused beyond the burst when they share a bucket.
    const burst = async (url: string, forwardedFor: (i: number) => string) =>
      Promise.all(
        Array.from(
          { length: 10 },
          async (_, i) =>
            (
              await fetch(`${url}/hooks/nobody/telegram/update`, {
                method: 'POST',
                headers: { 'x-forwarded-for': forwardedFor(i) },
                body: '{}',
              })
            ).status,
        ),
      );
    const base = configFromOptions({ encryptionKey: encryptionKey(), rateLimitPerSecond: 1 });
    const trusting = await startRelayWithConfig({ ...base, trustProxy: 'loopback' }, createLogger({ level: 'silent' }));
    try {
      expect(new Set(await burst(trusting.url, (i) => `198.51.100.${i + 1}`))).toEqual(new Set([404]));
      expect(await burst(trusting.url, () => '203.0.113.7')).toContain(429);
    } finally {
      await trusting.close();
    }
    const direct = await startRelayWithConfig(base, createLogger({ level: 'silent' }));
    try {
      expect(await burst(direct.url, (i) => `198.51.100.${i + 1}`)).toContain(429);
    } finally {
      await direct.close();
    }
  });
});
