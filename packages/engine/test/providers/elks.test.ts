import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@gdial/simulator';
import { elksActionUrl, providerEventSchema, type ProviderEvent } from '@gdial/protocol';
import { ElksClient, ElksSmsProvider, ElksVoiceProvider, classifyElksError, parseWebhook } from '../../src/providers';
import { deadUrl, startHookServer, type HookServer } from './hooks';

let sim: Simulator;
let hooks: HookServer;
let client: ElksClient;
let sms: ElksSmsProvider;
let voice: ElksVoiceProvider;

beforeAll(async () => {
  sim = await startSimulator({ seed: 46, profile: 'fast' });
  hooks = await startHookServer((hit) => {
    // The relay's 46elks call actions, as a stand-in: ask for one key, thank whoever pressed it.
    if (hit.path.startsWith('/elks-actions/'))
      return {
        type: 'application/json',
        body: JSON.stringify({ ivr: `${hooks.url}/audio.wav`, next: `${hooks.url}/hooks/elks/ivr?d=${hit.query.d}` }),
      };
    if (hit.path === '/hooks/elks/ivr') return { type: 'application/json', body: JSON.stringify({ hangup: 'ok' }) };
    if (hit.path === '/audio.wav') return { type: 'audio/wav', body: Buffer.from('RIFF0000WAVEfmt ') };
    return {};
  });
  sim.configure({ elksSmsUrl: `${hooks.url}/hooks/elks/inbound` });
  client = new ElksClient({ username: sim.credentials.elksUsername, password: sim.credentials.elksPassword, baseUrl: sim.url });
  sms = new ElksSmsProvider({ client, from: '+46766861234', deliveryReportUrl: `${hooks.url}/hooks/elks/sms-status?s=secret1` });
  voice = new ElksVoiceProvider({
    client,
    from: '+46766861234',
    hangupUrl: `${hooks.url}/hooks/elks/call-hangup?s=secret1`,
    voiceStartUrl: (flowUrl) => elksActionUrl(flowUrl, 'secret1'),
  });
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

describe('46elks SMS adapter', () => {
  it('sends; the delivery report parses into a status event with our token', async () => {
    const r = await sms.send({ deliveryToken: 'dlv-e1', to: '+46701234562', body: 'Övning: svara 1' });
    if (!r.ok) throw new Error(r.error.message);
    expect(r).toMatchObject({ status: 'queued', segments: 1 });
    const hit = await hooks.waitFor((h) => h.form.id === r.providerId && h.path === '/hooks/elks/sms-status');
    expect(hit.query).toEqual({ s: 'secret1', d: 'dlv-e1' });
    const events = eventsFor(r.providerId);
    for (const e of events) providerEventSchema.parse(e);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'status',
        provider: 'elks',
        channel: 'sms',
        status: 'delivered',
        deliveryToken: 'dlv-e1',
        failure: null,
      }),
    ]);
    expect(await sms.fetchStatus(r.providerId)).toMatchObject({ kind: 'status', status: 'delivered' });
  });

  it('a failed delivery and a reply (STOP opts out) parse as 46elks sends them', async () => {
    const failed = await sms.send({ deliveryToken: 'dlv-e2', to: '+46701234560', body: 'x' });
    if (!failed.ok) throw new Error(failed.error.message);
    await hooks.waitFor((h) => h.form.id === failed.providerId && h.form.status === 'failed');
    expect(eventsFor(failed.providerId)[0]).toMatchObject({ status: 'failed', failure: { class: 'invalid-recipient' } });
    const replied = await sms.send({ deliveryToken: 'dlv-e3', to: '+46701234561', body: 'Svara 1' });
    if (!replied.ok) throw new Error(replied.error.message);
    const reply = await hooks.waitFor((h) => h.path === '/hooks/elks/inbound' && h.form.from === '+46701234561');
    expect(parseWebhook(reply.webhook!)).toEqual([
      expect.objectContaining({ type: 'reply', from: '+46701234561', text: '1', to: '+46766861234' }),
    ]);
    const stop = await sim.injectElksSms({ from: '+46701234561', to: '+46766861234', message: 'stop' });
    const stopHit = await hooks.waitFor((h) => h.form.id === stop.id);
    expect(parseWebhook(stopHit.webhook!).map((e) => e.type)).toEqual(['reply', 'opt-out']);
  });

  it('classifies refusals: a bad number, refused credentials, a failing API, no connection', async () => {
    const bad = await sms.send({ deliveryToken: 'dlv-e4', to: '0701234567', body: 'x' });
    expect(bad).toMatchObject({ ok: false, error: { class: 'invalid-recipient', code: 'elks:403' } });
    sim.configure({ elksFailure: 'auth-rejected' });
    expect(await sms.send({ deliveryToken: 'dlv-e5', to: '+46701234567', body: 'x' })).toMatchObject({
      ok: false,
      error: { class: 'auth' },
    });
    // 503: the service says it did not handle the request, so it did not go out.
    sim.configure({ elksFailure: 'server-error' });
    expect(await sms.send({ deliveryToken: 'dlv-e6', to: '+46701234567', body: 'x' })).toMatchObject({
      ok: false,
      error: { class: 'transient', maybeSent: false },
    });
    // 504 from a gateway: it may have gone out (here it did), and it cannot be looked up meanwhile.
    sim.configure({ elksFailure: 'lost-answer' });
    expect(await sms.send({ deliveryToken: 'dlv-e6b', to: '+46701234569', body: 'x' })).toMatchObject({
      ok: false,
      error: { class: 'transient', code: 'elks:504', maybeSent: true },
    });
    expect(
      await sms.findByDeliveryToken({
        deliveryToken: 'dlv-e6b',
        to: '+46701234569',
        attemptedAt: new Date(Date.now() - 60_000),
        body: 'x',
      }),
    ).toMatchObject({
      kind: 'error',
    });
    sim.configure({ elksFailure: null });
    const dead = new ElksSmsProvider({
      client: new ElksClient({ username: 'u', password: 'p', baseUrl: await deadUrl() }),
      from: '+46766861234',
      deliveryReportUrl: 'http://127.0.0.1:1/x',
    });
    expect(await dead.send({ deliveryToken: 'dlv-e7', to: '+46701234567', body: 'x' })).toMatchObject({
      ok: false,
      error: { class: 'transient', code: 'ECONNREFUSED', maybeSent: false },
    });
    expect(classifyElksError(429, 'Too many requests')).toMatchObject({ class: 'rate-limited', retryAfterMs: 1000 });
  });

  it('finds a message by number and text after a crash, so it is adopted rather than sent twice', async () => {
    const attemptedAt = new Date();
    const r = await sms.send({ deliveryToken: 'dlv-e8', to: '+46701234568', body: 'Unik text 8' });
    if (!r.ok) throw new Error(r.error.message);
    expect(await sms.findByDeliveryToken({ deliveryToken: 'dlv-e8', to: '+46701234568', attemptedAt, body: 'Unik text 8' })).toMatchObject({
      kind: 'found',
      providerId: r.providerId,
    });
    expect(await sms.findByDeliveryToken({ deliveryToken: 'dlv-e9', to: '+46701234568', attemptedAt, body: 'annan text' })).toEqual({
      kind: 'not-found',
    });
  });
});

describe('46elks voice adapter', () => {
  it('calls; 46elks fetches the actions from the relay with the secret, posts the digit and the hang-up with our token', async () => {
    const flowUrl = `${hooks.url}/twiml/t1/flow-1?d=dlv-v1`;
    const r = await voice.call({ deliveryToken: 'dlv-v1', to: '+46701234562', flowUrl });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.providerId).toMatch(/^c[0-9a-f]{32}$/);
    const start = await hooks.waitFor((h) => h.path === '/elks-actions/t1/flow-1');
    expect(start.query).toEqual({ d: 'dlv-v1', s: 'secret1' });
    const hangup = await hooks.waitFor((h) => h.path === '/hooks/elks/call-hangup' && h.form.id === r.providerId);
    expect(hangup.query).toEqual({ s: 'secret1', d: 'dlv-v1' });
    const events = eventsFor(r.providerId);
    expect(events.find((e) => e.type === 'dtmf')).toMatchObject({ digits: '1', deliveryToken: 'dlv-v1' });
    expect(events.find((e) => e.type === 'status')).toMatchObject({ status: 'completed', deliveryToken: 'dlv-v1' });
    expect(await voice.fetchStatus(r.providerId)).toMatchObject({ kind: 'status', status: 'completed' });
  });

  it('a busy line ends as busy, a person-side failure', async () => {
    const r = await voice.call({ deliveryToken: 'dlv-v2', to: '+46701234566', flowUrl: `${hooks.url}/twiml/t1/flow-1?d=dlv-v2` });
    if (!r.ok) throw new Error(r.error.message);
    await hooks.waitFor((h) => h.path === '/hooks/elks/call-hangup' && h.form.id === r.providerId);
    const events = eventsFor(r.providerId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ status: 'busy', failure: { class: 'transient' } });
  });
});
