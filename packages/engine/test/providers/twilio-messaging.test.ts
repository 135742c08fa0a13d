import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { startSimulator, type Simulator } from '@gdial/simulator';
import { providerEventSchema, type ProviderEvent } from '@gdial/protocol';
import { createTwilioClient, parseWebhook, TwilioSmsProvider, TwilioWhatsAppProvider } from '../../src/providers';
import { deadUrl, startHookServer, type HookServer } from './hooks';

let sim: Simulator;
let hooks: HookServer;
let sms: TwilioSmsProvider;
let whatsapp: TwilioWhatsAppProvider;

const twilioSettings = () => ({ accountSid: sim.credentials.accountSid, authToken: sim.credentials.authToken, baseUrl: sim.url });

beforeAll(async () => {
  sim = await startSimulator({ seed: 11, profile: 'fast' });
  hooks = await startHookServer();
  sim.configure({ inboundMessageUrl: `${hooks.url}/hooks/twilio/inbound` });
  const client = createTwilioClient(twilioSettings());
  const statusCallbackUrl = `${hooks.url}/hooks/twilio/message-status?tenant=t1`;
  sms = new TwilioSmsProvider({ client, from: '+46700000001', statusCallbackUrl });
  whatsapp = new TwilioWhatsAppProvider({ client, from: '+46700000002', statusCallbackUrl });
});
afterAll(async () => {
  await sim.close();
  await hooks.close();
});

const eventsFor = (providerId: string): ProviderEvent[] =>
  hooks
    .webhooks()
    .flatMap(parseWebhook)
    .filter((e) => e.providerId === providerId);

describe('Twilio SMS adapter', () => {
  it('sends, and the signed callbacks parse into monotone status events carrying the delivery token', async () => {
    const result = await sms.send({ deliveryToken: 'dlv-1', to: '+46701234562', body: 'Övning: svara 1' });
    if (!result.ok) throw new Error(result.error.message);
    expect(result).toMatchObject({ status: 'queued', segments: 1 });
    expect(result.providerId).toMatch(/^SM/);
    const hit = await hooks.waitFor((h) => h.form.MessageSid === result.providerId && h.form.MessageStatus === 'delivered');
    expect(hit.query).toEqual({ tenant: 't1', d: 'dlv-1' });
    expect(
      twilio.validateRequest(
        sim.credentials.authToken,
        String(hit.headers['x-twilio-signature']),
        hit.url,
        hit.form as Record<string, string>,
      ),
    ).toBe(true);
    const events = eventsFor(result.providerId);
    for (const e of events) expect(providerEventSchema.parse(e)).toEqual(e);
    // Callbacks may arrive in either order; applying them monotonically is the engine's job.
    expect(events.map((e) => (e.type === 'status' ? e.status : e.type)).sort()).toEqual(['delivered', 'sent']);
    expect(events.every((e) => e.deliveryToken === 'dlv-1' && e.channel === 'sms')).toBe(true);
    expect(await sms.fetchStatus(result.providerId)).toMatchObject({ kind: 'status', status: 'delivered', failure: null });
  });

  it('classifies an undelivered message by its asynchronous error code', async () => {
    const result = await sms.send({ deliveryToken: 'dlv-2', to: '+46701234560', body: 'x' });
    if (!result.ok) throw new Error(result.error.message);
    await hooks.waitFor((h) => h.form.MessageSid === result.providerId && h.form.MessageStatus === 'undelivered');
    const final = eventsFor(result.providerId).find((e) => e.type === 'status' && e.status === 'undelivered');
    expect(final).toMatchObject({ failure: { class: 'transient', code: '30003' } });
    expect(await sms.fetchStatus(result.providerId)).toMatchObject({
      status: 'undelivered',
      failure: { code: '30003', class: 'transient' },
    });
  });

  it('returns each error class as a result, not a throw', async () => {
    expect(await sms.send({ deliveryToken: 'e1', to: '0701234567', body: 'x' })).toMatchObject({
      ok: false,
      error: { class: 'invalid-recipient', code: '21211', maybeSent: false },
    });
    expect(await sms.send({ deliveryToken: 'e2', to: '+4681234567', body: 'x' })).toMatchObject({
      ok: false,
      error: { class: 'invalid-recipient', code: '21614' },
    });
    expect(await sms.send({ deliveryToken: 'e3', to: '+8613800000000', body: 'x' })).toMatchObject({
      ok: false,
      error: { class: 'permanent', code: '21408' },
    });
    await sim.injectInboundMessage({ from: '+46701112222', to: '+46700000001', body: 'STOP' });
    expect(await sms.send({ deliveryToken: 'e4', to: '+46701112222', body: 'x' })).toMatchObject({
      ok: false,
      error: { class: 'opted-out', code: '21610' },
    });

    // A provider-side 500 may have been processed: transient, and reconcile before resending.
    expect(await sms.send({ deliveryToken: 'e4b', to: '+46709999002', body: 'x' })).toMatchObject({
      ok: false,
      error: { class: 'transient', code: '20500', maybeSent: true },
    });

    const wrongToken = new TwilioSmsProvider({
      client: createTwilioClient({ ...twilioSettings(), authToken: 'nope' }),
      from: '+46700000001',
      statusCallbackUrl: `${hooks.url}/x`,
    });
    expect(await wrongToken.send({ deliveryToken: 'e5', to: '+46701234562', body: 'x' })).toMatchObject({
      ok: false,
      error: { class: 'auth', code: '20003' },
    });

    const offline = new TwilioSmsProvider({
      client: createTwilioClient({ ...twilioSettings(), baseUrl: await deadUrl() }),
      from: '+46700000001',
      statusCallbackUrl: `${hooks.url}/x`,
    });
    expect(await offline.send({ deliveryToken: 'e6', to: '+46701234562', body: 'x' })).toMatchObject({
      ok: false,
      error: { class: 'transient', code: 'ECONNREFUSED', maybeSent: false },
    });
  });

  it('reports 429 as rate-limited with a retry-after hint', async () => {
    const original = sim.profile();
    sim.setProfile({ ...original, limits: { ...original.limits, messagesPerSecondPerSender: 1, overflow: 'reject' } });
    try {
      const results = await Promise.all([0, 1, 2].map((i) => sms.send({ deliveryToken: `r${i}`, to: `+4670123400${i}2`, body: 'x' })));
      const limited = results.filter((r) => !r.ok);
      expect(limited.length).toBeGreaterThanOrEqual(1);
      expect(limited[0]).toMatchObject({ ok: false, error: { class: 'rate-limited', code: '20429', maybeSent: false } });
      expect(limited[0]!.ok === false && limited[0]!.error.retryAfterMs).toBeGreaterThan(0);
    } finally {
      sim.setProfile(original);
    }
  });

  it('finds a message by delivery token after a "crash" (To + time window + body), and says when it cannot tell', async () => {
    const attemptedAt = new Date();
    const sent = await sms.send({ deliveryToken: 'rc-1', to: '+46705550002', body: 'Larm A' });
    if (!sent.ok) throw new Error('send failed');
    expect(await sms.findByDeliveryToken({ deliveryToken: 'rc-1', to: '+46705550002', attemptedAt, body: 'Larm A' })).toMatchObject({
      kind: 'found',
      providerId: sent.providerId,
    });
    expect(await sms.findByDeliveryToken({ deliveryToken: 'rc-2', to: '+46705550012', attemptedAt })).toEqual({ kind: 'not-found' });
    await sms.send({ deliveryToken: 'rc-3', to: '+46705550002', body: 'Larm A' });
    expect(await sms.findByDeliveryToken({ deliveryToken: 'rc-1', to: '+46705550002', attemptedAt, body: 'Larm A' })).toMatchObject({
      kind: 'ambiguous',
    });
    expect(await sms.fetchStatus('SM' + 'f'.repeat(32))).toEqual({ kind: 'not-found' });
  });
});

describe('Twilio WhatsApp adapter', () => {
  it('sends templates to whatsapp: addresses, receives replies, and free-form fails outside the 24-hour window', async () => {
    const person = '+46708880002';
    const freeForm = await whatsapp.send({ deliveryToken: 'wa-1', to: person, body: 'Hej' });
    if (!freeForm.ok) throw new Error(freeForm.error.message);
    await hooks.waitFor((h) => h.form.MessageSid === freeForm.providerId && h.form.MessageStatus === 'failed');
    const failedEvents = eventsFor(freeForm.providerId);
    expect(failedEvents).toHaveLength(1);
    expect(failedEvents[0]).toMatchObject({
      type: 'status',
      status: 'failed',
      channel: 'whatsapp',
      deliveryToken: 'wa-1',
      failure: { code: '63016', class: 'permanent' },
    });

    const template = await whatsapp.send({
      deliveryToken: 'wa-2',
      to: person,
      body: 'Larm',
      template: { contentSid: 'HX' + '1'.repeat(32), variables: { 1: 'Övning' } },
    });
    if (!template.ok) throw new Error(template.error.message);
    await hooks.waitFor((h) => h.form.MessageSid === template.providerId && h.form.MessageStatus === 'delivered');
    const sentTo = sim.messages().find((m) => m.sid === template.providerId)!;
    expect(sentTo).toMatchObject({ to: `whatsapp:${person}`, from: 'whatsapp:+46700000002', channel: 'whatsapp' });

    await sim.injectInboundMessage({ from: `whatsapp:${person}`, to: 'whatsapp:+46700000002', body: 'JA' });
    const inbound = await hooks.waitFor((h) => h.path === '/hooks/twilio/inbound' && h.form.From === `whatsapp:${person}`);
    expect(parseWebhook(inbound.webhook!)).toEqual([
      expect.objectContaining({ type: 'reply', channel: 'whatsapp', from: person, to: '+46700000002', text: 'JA', deliveryToken: null }),
    ]);
  });
});
