// Failover on the simulator with the real adapters: Twilio first, 46elks second. Twilio's
// API starts failing (503s) in the middle of a 1,000-recipient SMS alert, then refuses our
// credentials; the alert finishes through 46elks. Nobody gets the message twice except the
// deliveries that were in flight when Twilio failed, and each of those is flagged.
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

async function world() {
  const e = (env = makeEnv());
  const svc = (service = new CampaignService(e.ctx, {
    dispatcher: { rateLimits: { sms: { perSecond: 2000, burst: 200 } }, concurrency: 64 },
  }));
  const r = (relay = await startRelayStub((raw) => void svc.handleProviderEvents(parseWebhook(raw))));
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
  svc.setChannels(sendersFromProviders({ chains: providers.chains }), callFlowHost(r));
  await svc.open();
  return { env: e, service: svc, sim: s };
}

describe('failover', () => {
  it('Twilio failing (5xx, then auth refused): a 1,000-recipient SMS alert finishes through 46elks, nobody twice but the flagged', async () => {
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
    sim.configure({ twilioFailure: 'server-error' });
    await until(() => sim.elksMessages().length >= 200, 30_000, '46elks to take over');
    sim.configure({ twilioFailure: 'auth-rejected' });

    const settled = () => deliveriesOf(env.store, c.id).every((d) => d.state === 'delivered');
    await until(settled, 60_000, 'every delivery delivered');

    const sends = new Map<string, number>();
    for (const m of sim.messages()) sends.set(m.to, (sends.get(m.to) ?? 0) + 1);
    for (const m of sim.elksMessages()) if (m.direction === 'outgoing') sends.set(m.to, (sends.get(m.to) ?? 0) + 1);
    expect(numbers.filter((n) => !sends.has(n))).toEqual([]);
    const deliveries = deliveriesOf(env.store, c.id);
    const flagged = new Set(deliveries.filter((d) => d.possible_duplicate === 1).map((d) => d.address));
    const twice = [...sends].filter(([, n]) => n > 1).map(([to]) => to);
    for (const to of twice) expect(flagged.has(to)).toBe(true);
    // The window is what was in flight when Twilio failed (at most the dispatcher's
    // concurrency, 64), what was claimed for Twilio in the cycles before its circuit opened
    // (8 failures in a row open it) and the circuit's probes while Twilio still answered 503:
    // a tenth of the alert at most, never the bulk of it.
    expect(flagged.size).toBeGreaterThan(0);
    expect(flagged.size).toBeLessThanOrEqual(100);
    for (const d of deliveries.filter((x) => x.possible_duplicate === 1)) expect(sends.get(d.address)).toBeGreaterThanOrEqual(1);

    const byProvider = env.store.sqlite
      .prepare('SELECT provider, COUNT(*) AS n FROM deliveries WHERE campaign_id = ? GROUP BY provider')
      .all(c.id) as {
      provider: string;
      n: number;
    }[];
    const carried = Object.fromEntries(byProvider.map((r) => [r.provider, r.n]));
    expect(carried.twilio).toBeGreaterThanOrEqual(150);
    expect(carried.elks).toBeGreaterThanOrEqual(200);
    expect((carried.twilio ?? 0) + (carried.elks ?? 0)).toBe(1000);
    // Twilio's outage never used up anyone's attempts.
    expect(Math.max(...deliveries.map((d) => d.attempts))).toBeLessThanOrEqual(3);
  }, 120_000);
});
