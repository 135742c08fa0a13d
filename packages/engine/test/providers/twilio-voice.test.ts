import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { startSimulator, type Simulator } from '@gdial/simulator';
import { callFlowPlaceholders, type ProviderEvent } from '@gdial/protocol';
import { buildCallFlow, createTwilioClient, parseWebhook, TwilioVoiceProvider } from '../../src/providers';
import { startHookServer, type HookServer, type Hit } from './hooks';

let sim: Simulator;
let relay: HookServer;
let voice: TwilioVoiceProvider;
const attempts = new Map<string, number>();

// A minimal relay: serves the built documents, substitutes {{gatherUrl}}, answers gathers
// with confirmed / retry / goodbye as the real relay does, and serves the audio.
let flow: ReturnType<typeof buildCallFlow>;
function serve(hit: Hit): { type: string; body: string | Buffer } | Record<string, never> {
  const token = hit.query.d ?? '';
  const fill = (doc: string) =>
    doc.replaceAll(callFlowPlaceholders.gatherUrl, `${relay.url}/hooks/twilio/gather?d=${encodeURIComponent(token)}`);
  if (hit.path === '/twiml/flow') return { type: 'text/xml', body: fill(flow.documents.start) };
  if (hit.path === '/hooks/twilio/gather') {
    const n = (attempts.get(token) ?? 0) + 1;
    attempts.set(token, n);
    const digits = typeof hit.form.Digits === 'string' ? hit.form.Digits : '';
    const doc = flow.confirmDigits.includes(digits)
      ? flow.documents.confirmed
      : n < flow.maxAttempts
        ? flow.documents.retry
        : flow.documents.goodbye;
    return { type: 'text/xml', body: fill(doc) };
  }
  if (hit.path === '/media/alert.wav') return { type: 'audio/wav', body: wav() };
  return {};
}

beforeAll(async () => {
  sim = await startSimulator({ seed: 5, profile: 'fast' });
  relay = await startHookServer(serve);
  flow = buildCallFlow({ message: { audioUrl: `${relay.url}/media/alert.wav` }, maxAttempts: 2 });
  voice = new TwilioVoiceProvider({
    client: createTwilioClient({ accountSid: sim.credentials.accountSid, authToken: sim.credentials.authToken, baseUrl: sim.url }),
    from: '+46700000001',
    statusCallbackUrl: `${relay.url}/hooks/twilio/call-status`,
  });
});
afterAll(async () => {
  await sim.close();
  await relay.close();
});

const eventsFor = (sid: string): ProviderEvent[] =>
  relay
    .webhooks()
    .flatMap(parseWebhook)
    .filter((e) => e.providerId === sid);
const finished = (sid: string) =>
  relay.waitFor(
    (h) =>
      h.path === '/hooks/twilio/call-status' &&
      h.form.CallSid === sid &&
      ['completed', 'busy', 'no-answer', 'failed', 'canceled'].includes(String(h.form.CallStatus)),
  );

describe('Twilio voice adapter', () => {
  it('places a confirmation call end to end: TwiML from the relay, audio played, "1" gathered, signed callbacks parsed', async () => {
    const placed = await voice.call({
      deliveryToken: 'call-1',
      to: '+46701234562',
      flowUrl: `${relay.url}/twiml/flow?d=call-1`,
      machineDetection: true,
    });
    if (!placed.ok) throw new Error(placed.error.message);
    expect(placed).toMatchObject({ status: 'queued' });
    await finished(placed.providerId);

    const hits = relay.hits.filter((h) => h.form.CallSid === placed.providerId);
    for (const h of hits)
      expect(
        twilio.validateRequest(sim.credentials.authToken, String(h.headers['x-twilio-signature']), h.url, h.form as Record<string, string>),
      ).toBe(true);
    expect(relay.hits.some((h) => h.path === '/media/alert.wav')).toBe(true);

    const events = eventsFor(placed.providerId);
    expect(events.every((e) => e.deliveryToken === 'call-1')).toBe(true);
    expect(events.filter((e) => e.type === 'dtmf')).toEqual([expect.objectContaining({ digits: '1', channel: 'voice' })]);
    const statuses = events.flatMap((e) => (e.type === 'status' ? [e] : []));
    expect(statuses.map((e) => e.status).sort()).toEqual(['answered', 'completed', 'queued', 'ringing']);
    expect(statuses.find((e) => e.status === 'answered')?.answeredBy).toBe('human');
    expect(statuses.find((e) => e.status === 'completed')?.durationSec).toBeGreaterThan(0);

    const said = sim
      .calls()
      .find((c) => c.sid === placed.providerId)!
      .log.filter((e) => e.verb === 'say')
      .map((e) => e.detail);
    expect(said.at(-1)).toMatchObject({ text: 'Tack. Din bekräftelse är registrerad. Hej då.', language: 'sv-SE' });
    expect(await voice.fetchStatus(placed.providerId)).toMatchObject({ kind: 'status', status: 'completed', answeredBy: 'human' });
  });

  it('asks again after silence and says goodbye when the attempts are used up', async () => {
    const placed = await voice.call({ deliveryToken: 'call-2', to: '+46701234569', flowUrl: `${relay.url}/twiml/flow?d=call-2` });
    if (!placed.ok) throw new Error(placed.error.message);
    await finished(placed.providerId);
    const gathers = eventsFor(placed.providerId).filter((e) => e.type === 'dtmf');
    expect(gathers.map((e) => e.type === 'dtmf' && e.digits)).toEqual(['', '']);
    const said = sim
      .calls()
      .find((c) => c.sid === placed.providerId)!
      .log.filter((e) => e.verb === 'say')
      .map((e) => e.detail.text);
    expect(said).toContain('Vi uppfattade inget svar. Meddelandet upprepas.');
    expect(said.at(-1)).toBe('Vi fick ingen bekräftelse. Hej då.');
  });

  it('reports busy, no-answer and failed calls with failure classes', async () => {
    const outcomes = await Promise.all(
      ['+46701234566', '+46701234567', '+46701234560'].map(async (to, i) => {
        const placed = await voice.call({ deliveryToken: `c${i}`, to, flowUrl: `${relay.url}/twiml/flow?d=c${i}`, ringTimeoutSec: 5 });
        if (!placed.ok) throw new Error(placed.error.message);
        await finished(placed.providerId);
        return eventsFor(placed.providerId).find((e) => e.type === 'status' && ['busy', 'no-answer', 'failed'].includes(e.status));
      }),
    );
    expect(outcomes).toMatchObject([
      { status: 'busy', failure: { class: 'transient' } },
      { status: 'no-answer', failure: { class: 'transient' } },
      { status: 'failed', failure: { class: 'invalid-recipient' } },
    ]);
  });

  it('hangs up a ringing call, finds calls by delivery token and classifies refusals', async () => {
    const original = sim.profile();
    sim.setProfile({ ...original, latency: { ...original.latency, callAnswer: 60_000 } });
    try {
      const attemptedAt = new Date();
      const placed = await voice.call({ deliveryToken: 'h1', to: '+46709990002', flowUrl: `${relay.url}/twiml/flow?d=h1` });
      if (!placed.ok) throw new Error(placed.error.message);
      await sim.waitFor((n) => n.type === 'call' && n.sid === placed.providerId && n.status === 'ringing');
      expect(await voice.findByDeliveryToken({ deliveryToken: 'h1', to: '+46709990002', attemptedAt })).toEqual({
        kind: 'found',
        providerId: placed.providerId,
        status: 'ringing',
      });
      expect(await voice.hangUp(placed.providerId)).toEqual({ ok: true, status: 'canceled' });
      expect(await voice.findByDeliveryToken({ deliveryToken: 'h2', to: '+46709990012', attemptedAt })).toEqual({ kind: 'not-found' });
    } finally {
      sim.setProfile(original);
    }
    expect(await voice.call({ deliveryToken: 'x', to: 'nope', flowUrl: `${relay.url}/twiml/flow` })).toMatchObject({
      ok: false,
      error: { class: 'invalid-recipient', code: '21211' },
    });
    expect(await voice.call({ deliveryToken: 'x', to: '+8613800000000', flowUrl: `${relay.url}/twiml/flow` })).toMatchObject({
      ok: false,
      error: { class: 'permanent', code: '21215' },
    });
    sim.reset();
    sim.setProfile({ ...original, limits: { ...original.limits, callsPerSecondPerAccount: 1, overflow: 'reject' } });
    try {
      const both = await Promise.all(
        [1, 2].map((i) => voice.call({ deliveryToken: `rl${i}`, to: '+46701234562', flowUrl: `${relay.url}/twiml/flow` })),
      );
      const refused = both.filter((r) => !r.ok);
      expect(refused).toHaveLength(1);
      expect(refused[0]).toMatchObject({ ok: false, error: { class: 'rate-limited', code: '20429' } });
    } finally {
      sim.setProfile(original);
    }
  });
});

function wav(): Buffer {
  const data = Buffer.alloc(8000);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8, 'latin1');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(8000, 24);
  h.writeUInt32LE(16000, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}
