// Failover on the simulator with the real adapters: Twilio first, 46elks second. Twilio's
// API starts failing in the middle of a 1,000-recipient SMS alert, then refuses our
// credentials; the alert finishes through 46elks. The possible-duplicate flag tells the
// truth (reconcile.ts): an outage answering 503 ("did not handle it") sends nobody twice and
// flags nobody; a gateway that takes the messages and loses the answers (504, lookups 504
// too) makes the in-flight window go out twice, through 46elks, and exactly those are flagged.
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@gdial/simulator';
import { createProviders } from '../../src/providers/factory';
import { parseWebhook } from '../../src/providers/webhooks';
import { callFlowHost } from '../../src/campaigns/call-flows';
import { sendersFromProviders } from '../../src/campaigns/senders';
import { CampaignService } from '../../src/campaigns/service';
import { addContact, addGroup, addTemplate, deliveriesOf, makeEnv, until, type TestEnv } from './helpers';
import { startRelayStub, type RelayStub } from './relay-stub';

let env: TestEnv | undefined;
let service: CampaignService | undefined;
let sim: Simulator | undefined;
let relay: RelayStub | undefined;
afterEach(async () => {
  await service?.close();
  await sim?.close();
  await relay?.close();
  env?.close();
  service = env = sim = relay = undefined;
});

/** While set, Twilio's status callbacks never reach us (its trouble reaches its callbacks too). */
let twilioCallbacksLost = false;

async function world(providerRates?: Parameters<CampaignService['setChannels']>[2]) {
  twilioCallbacksLost = false;
  const e = (env = makeEnv());
  const svc = (service = new CampaignService(e.ctx, {
    dispatcher: { rateLimits: { sms: { perSecond: 2000, burst: 200 } }, concurrency: 64 },
  }));
  const r = (relay = await startRelayStub((raw) => {
    const events = parseWebhook(raw).filter((ev) => !(twilioCallbacksLost && ev.provider === 'twilio'));
    void svc.handleProviderEvents(events);
  }));
  const s = (sim = await startSimulator({
    seed: 15,
    profile: {
      name: 'failover',
      latency: { api: { min: 1, max: 4 }, messageSent: 1, messageFinal: { min: 1, max: 10 } },
      limits: { messagesPerSecondPerSender: 1e6 },
      callbacks: { retryBaseMs: 20 },
    },
    config: { inboundMessageUrl: r.urls.inboundUrl, elksSmsUrl: r.urls.elksInboundUrl },
  }));
  const providers = createProviders({
    twilio: {
      accountSid: s.credentials.accountSid,
      authToken: s.credentials.authToken,
      baseUrl: s.url,
      sms: { from: '+46700000001' },
      callbacks: { messageStatusUrl: r.urls.messageStatusUrl, callStatusUrl: r.urls.callStatusUrl },
    },
    elks: {
      username: s.credentials.elksUsername,
      password: s.credentials.elksPassword,
      baseUrl: s.url,
      sms: { from: '+46766860001' },
      callbacks: {
        deliveryReportUrl: r.urls.elksDeliveryReportUrl,
        callHangupUrl: r.urls.elksCallHangupUrl,
        callbackSecret: 'stub-secret',
      },
    },
  });
  expect(providers.chains.sms.map((p) => p.provider)).toEqual(['twilio', 'elks']);
  svc.setChannels(sendersFromProviders({ chains: providers.chains }), callFlowHost(r), providerRates);
  await svc.open();
  return { env: e, service: svc, sim: s };
}

async function outage(first: 'server-error' | 'lost-answer') {
  const { env, service, sim } = await world();
  const g = addGroup(env.store, 'Alla');
  const numbers = Array.from({ length: 1000 }, (_, i) => `+4670${String(1_000_000 + i).slice(1)}1`);
  env.store.transaction(() => numbers.forEach((n, i) => addContact(env.store, { name: `Person ${i}`, phones: [n], groups: [g] })));
  const c = service.create({
    name: 'Larm 1000',
    templateId: addTemplate(env.store),
    audience: { groupIds: [g] },
    steps: [{ channel: 'sms' }],
  });
  expect(service.start(c.id).plan.recipients).toBe(1000);

  await until(() => sim.messages().length >= 150, 20_000, 'Twilio to carry the first messages');
  sim.configure({ twilioFailure: first });
  twilioCallbacksLost = first === 'lost-answer';
  await until(() => sim.elksMessages().length >= 200, 30_000, '46elks to take over');
  sim.configure({ twilioFailure: 'auth-rejected' });

  // Delivered, or handed over to a provider whose callbacks were lost.
  const settled = () =>
    deliveriesOf(env.store, c.id).every((d) => d.state === 'delivered' || (d.state === 'sent' && d.provider === 'twilio'));
  await until(settled, 60_000, 'every delivery handed over');

  const sends = new Map<string, number>();
  for (const m of sim.messages()) sends.set(m.to, (sends.get(m.to) ?? 0) + 1);
  for (const m of sim.elksMessages()) if (m.direction === 'outgoing') sends.set(m.to, (sends.get(m.to) ?? 0) + 1);
  // Nobody is lost.
  expect(numbers.filter((n) => !sends.has(n))).toEqual([]);
  const deliveries = deliveriesOf(env.store, c.id);
  const byProvider = env.store.sqlite
    .prepare('SELECT provider, COUNT(*) AS n FROM deliveries WHERE campaign_id = ? GROUP BY provider')
    .all(c.id) as { provider: string; n: number }[];
  const carried = Object.fromEntries(byProvider.map((r) => [r.provider, r.n]));
  expect(carried.twilio).toBeGreaterThanOrEqual(150);
  expect(carried.elks).toBeGreaterThanOrEqual(200);
  expect((carried.twilio ?? 0) + (carried.elks ?? 0)).toBe(1000);
  // Twilio's outage never used up anyone's attempts.
  expect(Math.max(...deliveries.map((d) => d.attempts))).toBeLessThanOrEqual(3);
  return {
    flagged: deliveries
      .filter((d) => d.possible_duplicate === 1)
      .map((d) => d.address)
      .sort(),
    twice: [...sends]
      .filter(([, n]) => n > 1)
      .map(([to]) => to)
      .sort(),
  };
}

describe('failover', () => {
  it('Twilio answering 503, then refusing our credentials: the alert finishes through 46elks, nobody twice and nobody flagged', async () => {
    const { flagged, twice } = await outage('server-error');
    // A 503 says Twilio did not handle the request: nothing went out there, nothing is a possible duplicate.
    expect(twice).toEqual([]);
    expect(flagged).toEqual([]);
  }, 120_000);

  it('Twilio taking messages but losing its answers (504, lookups 504): exactly the ones sent twice are flagged', async () => {
    const { flagged, twice } = await outage('lost-answer');
    // The window is what was in flight when the answers got lost (at most the dispatcher's
    // concurrency, 64), what was claimed for Twilio before its circuit opened (8 failures in a
    // row open it) and the circuit's probes: a tenth of the alert at most, never the bulk of it.
    expect(twice.length).toBeGreaterThan(0);
    expect(twice.length).toBeLessThanOrEqual(100);
    // Every duplicate is flagged and every flag is a duplicate.
    expect(flagged).toEqual(twice);
  }, 120_000);

  it('a first provider at its own throughput limit is waited for, not spilled over: 12 SMS at 5/s all go through Twilio', async () => {
    // Twilio's sender is slower than 46elks' but its path works: the channel's order is the
    // organisation's choice of carrier and sender number, and the next provider is for a path
    // that fails (failover), not for extra throughput.
    const { env, service, sim } = await world({ twilio: { sms: { perSecond: 5, burst: 2 } } });
    const g = addGroup(env.store, 'Jour');
    const numbers = Array.from({ length: 12 }, (_, i) => `+4670555${String(1000 + i)}`);
    numbers.forEach((n, i) => addContact(env.store, { name: `Person ${i}`, phones: [n], groups: [g] }));
    const c = service.create({
      name: 'Larm 12',
      templateId: addTemplate(env.store),
      audience: { groupIds: [g] },
      steps: [{ channel: 'sms' }],
    });
    expect(service.start(c.id).plan.recipients).toBe(12);
    await until(() => deliveriesOf(env.store, c.id).every((d) => d.state === 'delivered'), 20_000, 'all twelve delivered');
    expect(sim.elksMessages().filter((m) => m.direction === 'outgoing')).toEqual([]);
    expect(
      sim
        .messages()
        .map((m) => m.to)
        .sort(),
    ).toEqual(numbers);
    expect(new Set(deliveriesOf(env.store, c.id).map((d) => d.provider))).toEqual(new Set(['twilio']));
  }, 60_000);
});
