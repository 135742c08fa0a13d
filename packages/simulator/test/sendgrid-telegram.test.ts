import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sgMail from '@sendgrid/mail';
import type { MailService as MailServiceInstance } from '@sendgrid/mail/src/mail';
import { Client } from '@sendgrid/client';
import { EventWebhook } from '@sendgrid/eventwebhook';
import { startSimulator, type Simulator } from '../src';
import { startReceiver, type Receiver } from './receiver';

// The package exports its MailService class at runtime; its typings only declare the singleton.
const { MailService } = sgMail as unknown as { MailService: new () => MailServiceInstance };
let sim: Simulator;
let hooks: Receiver;
const mail = new MailService();

beforeAll(async () => {
  sim = await startSimulator({ seed: 3, profile: 'fast' });
  hooks = await startReceiver();
  sim.configure({ sendgridEventWebhookUrl: `${hooks.url}/hooks/sendgrid` });
  const client = new Client();
  client.setApiKey(sim.credentials.sendgridApiKey);
  client.setDefaultRequest('baseUrl', sim.url);
  mail.setClient(client);
});
afterAll(async () => {
  await sim.close();
  await hooks.close();
});

type SgEvent = Record<string, string | number | string[]>;
const eventsOf = (): SgEvent[] => hooks.requests.filter((r) => r.path === '/hooks/sendgrid').flatMap((r) => JSON.parse(r.raw) as SgEvent[]);

describe('SendGrid', () => {
  it('accepts mail with 202 and X-Message-Id, and posts signed event batches echoing custom_args', async () => {
    const [response] = await mail.send({
      to: 'open.anna@example.se',
      from: 'larm@kommun.se',
      subject: 'Övning',
      text: 'Bekräfta genom att svara.',
      customArgs: { d: 'tok-mail-1' },
    });
    expect(response.statusCode).toBe(202);
    const messageId = String((response.headers as Record<string, unknown>)['x-message-id']);
    expect(messageId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    await sim.until(() => eventsOf().some((e) => e.event === 'click'));
    const events = eventsOf().filter((e) => String(e.sg_message_id).startsWith(messageId));
    expect(events.map((e) => String(e.event)).sort()).toEqual(['click', 'delivered', 'open', 'processed']);
    for (const e of events) expect(e).toMatchObject({ d: 'tok-mail-1', email: 'open.anna@example.se' });
    expect(new Set(events.map((e) => e.sg_event_id)).size).toBe(4);

    const ew = new EventWebhook();
    const key = ew.convertPublicKeyToECDSA(sim.credentials.sendgridPublicKey);
    for (const r of hooks.requests.filter((q) => q.path === '/hooks/sendgrid')) {
      const sig = String(r.headers['x-twilio-email-event-webhook-signature']);
      const ts = String(r.headers['x-twilio-email-event-webhook-timestamp']);
      expect(ew.verifySignature(key, r.raw, sig, ts)).toBe(true);
      expect(ew.verifySignature(key, r.raw.replace('open', 'opeN'), sig, ts)).toBe(false);
    }
    const control = (await (await fetch(`${sim.url}/_sim/sendgrid/public-key`)).json()) as { publicKey: string };
    expect(control.publicKey).toBe(sim.credentials.sendgridPublicKey);
  });

  it('produces bounce, dropped, deferred and unsubscribe events by profile', async () => {
    const send = (to: string, d: string) => mail.send({ to, from: 'larm@kommun.se', subject: 's', text: 't', customArgs: { d } });
    await Promise.all([
      send('bounce.b@example.se', 'b'),
      send('dropped.c@example.se', 'c'),
      send('deferred.d@example.se', 'd'),
      send('unsubscribe.e@example.se', 'e'),
    ]);
    await sim.until(
      () =>
        ['bounce', 'dropped', 'unsubscribe'].every((t) => eventsOf().some((e) => e.event === t)) &&
        eventsOf().some((e) => e.d === 'd' && e.event === 'delivered'),
    );
    // Batches may arrive in any order (as with SendGrid); compare the sets of events.
    const by = (d: string) =>
      eventsOf()
        .filter((e) => e.d === d)
        .map((e) => String(e.event))
        .sort();
    expect(by('b')).toEqual(['bounce', 'processed']);
    expect(by('c')).toEqual(['dropped']);
    expect(by('d')).toEqual(['deferred', 'delivered', 'processed']);
    expect(by('e')).toContain('unsubscribe');
    expect(eventsOf().find((e) => e.d === 'b' && e.event === 'bounce')).toMatchObject({ type: 'bounce', status: '5.1.1' });
  });

  it('answers errors in SendGrid shape and finds mail through the activity API', async () => {
    const err = await mail.send({ to: 'not-an-address', from: 'larm@kommun.se', subject: 's', text: 't' }).then(
      () => null,
      (e: { code: number; response: { body: unknown } }) => e,
    );
    expect(err?.code).toBe(400);
    expect(err?.response.body).toEqual({
      errors: [expect.objectContaining({ field: 'personalizations.0.to.0.email', message: 'Does not contain a valid address.' })],
    });
    const badKey = new MailService();
    const c = new Client();
    c.setApiKey('SG.wrong');
    c.setDefaultRequest('baseUrl', sim.url);
    badKey.setClient(c);
    await expect(badKey.send({ to: 'a@example.se', from: 'larm@kommun.se', subject: 's', text: 't' })).rejects.toMatchObject({ code: 401 });

    const client = new Client();
    client.setApiKey(sim.credentials.sendgridApiKey);
    client.setDefaultRequest('baseUrl', sim.url);
    const [res, body] = (await client.request({
      method: 'GET',
      url: '/v3/messages',
      qs: { query: `unique_args['d']="b"`, limit: 10 },
    })) as [{ statusCode: number }, unknown];
    expect(res.statusCode).toBe(200);
    expect((body as { messages: { to_email: string; status: string }[] }).messages).toEqual([
      expect.objectContaining({ to_email: 'bounce.b@example.se', status: 'not_delivered' }),
    ]);
  });
});

describe('Telegram', () => {
  const api = (method: string, init?: RequestInit) => fetch(`${sim.url}/bot${sim.credentials.telegramBotToken}/${method}`, init);
  const post = (method: string, body: unknown) =>
    api(method, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('answers getMe, sendMessage and multipart sendVoice in Bot API shape', async () => {
    const me = (await (await api('getMe')).json()) as { ok: boolean; result: { is_bot: boolean } };
    expect(me).toMatchObject({ ok: true, result: { is_bot: true } });
    const sent = (await (await post('sendMessage', { chat_id: 123456781, text: 'Larm: bekräfta' })).json()) as {
      result: { message_id: number; text: string; chat: { id: number } };
    };
    expect(sent.result).toMatchObject({ text: 'Larm: bekräfta', chat: { id: 123456781 } });
    const form = new FormData();
    form.set('chat_id', '123456782');
    form.set(
      'voice',
      new Blob([Buffer.concat([Buffer.from('OggS'), Buffer.alloc(30), Buffer.from('OpusHead'), Buffer.alloc(4000)])], {
        type: 'audio/ogg',
      }),
      'larm.ogg',
    );
    const voice = (await (await api('sendVoice', { method: 'POST', body: form })).json()) as {
      ok: boolean;
      result: { voice: { mime_type: string; file_size: number } };
    };
    expect(voice.result.voice).toMatchObject({ mime_type: 'audio/ogg', file_size: 4042 });
    expect(sim.telegramMessages().find((m) => m.method === 'sendVoice')?.voice?.isOggOpus).toBe(true);
  });

  it('answers 429 with retry_after, 403 for a blocked bot, 400 for an unknown chat, 401 for a wrong token', async () => {
    const replies = [];
    for (let i = 0; i < 4; i++) replies.push(await post('sendMessage', { chat_id: 555, text: `m${i}` }));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect(await replies[3]!.json()).toMatchObject({ ok: false, error_code: 429, parameters: { retry_after: 1 } });
    expect(await (await post('sendMessage', { chat_id: 1230, text: 'x' })).json()).toMatchObject({
      ok: false,
      error_code: 403,
      description: 'Forbidden: bot was blocked by the user',
    });
    expect(await (await post('sendMessage', { chat_id: 1239, text: 'x' })).json()).toMatchObject({
      ok: false,
      error_code: 400,
      description: 'Bad Request: chat not found',
    });
    expect((await fetch(`${sim.url}/bot1:wrong/getMe`)).status).toBe(401);
  });

  it('delivers replies as webhook updates with the secret-token header', async () => {
    expect(await (await post('setWebhook', { url: `${hooks.url}/hooks/telegram`, secret_token: 's3cret' })).json()).toMatchObject({
      ok: true,
    });
    const res = await fetch(`${sim.url}/_sim/inbound/telegram`, {
      method: 'POST',
      body: JSON.stringify({ chatId: '123456781', text: '1' }),
    });
    expect(res.status).toBe(201);
    const update = await hooks.waitFor((r) => r.path === '/hooks/telegram');
    expect(update.headers['x-telegram-bot-api-secret-token']).toBe('s3cret');
    expect(JSON.parse(update.raw)).toMatchObject({ message: { text: '1', chat: { id: 123456781 } } });
  });
});

describe('control API', () => {
  it('injects inbound SMS, lists what it received and resets', async () => {
    const bad = await fetch(`${sim.url}/_sim/inbound/message`, { method: 'POST', body: JSON.stringify({ from: '+4670' }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('"from"');
    const stats = (await (await fetch(`${sim.url}/_sim/stats`)).json()) as { emails: Record<string, number> };
    expect(Object.values(stats.emails).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    const badProfile = await fetch(`${sim.url}/_sim/profile`, { method: 'PUT', body: JSON.stringify({ rules: [{ match: '(' }] }) });
    expect(badProfile.status).toBe(400);
    expect(((await badProfile.json()) as { error: string }).error).toContain('regular expression');
    expect((await fetch(`${sim.url}/_sim/reset`, { method: 'POST' })).status).toBe(200);
    expect(await (await fetch(`${sim.url}/_sim/emails`)).json()).toEqual([]);
  });
});
