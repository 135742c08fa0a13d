// Väntar på nät for rows in flight, on the simulator with the dispatcher's clock under the
// test's control. Twilio takes three messages and loses its answers (a gateway answering
// 504, lookups 504 too): nothing is queued, every row waits in flight for a lookup, and the
// single-provider channel must still be held ("Väntar på nät", with the people waiting).
// "Give up after" ends those rows (their timeline says whether they went out is not known);
// when the path comes back instead, the lookups find the messages and nobody gets one twice.
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@gdial/simulator';
import { createProviders } from '../../src/providers/factory';
import { callFlowHost } from '../../src/campaigns/call-flows';
import { sendersFromProviders } from '../../src/campaigns/senders';
import { CampaignService } from '../../src/campaigns/service';
import { heldChannelsSetting } from '../../src/campaigns/holds';
import { readSetting } from '../../src/store/settings';
import {
  addContact,
  addGroup,
  addTemplate,
  advance,
  deliveriesOf,
  makeEnv,
  testClock,
  until,
  type TestClock,
  type TestEnv,
} from './helpers';
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

async function world(clock: TestClock) {
  const e = (env = makeEnv());
  const svc = (service = new CampaignService(e.ctx, {
    dispatcher: { clock: () => clock.now, rateLimits: { sms: { perSecond: 1000, burst: 100 } } },
  }));
  const r = (relay = await startRelayStub(() => {}));
  const s = (sim = await startSimulator({
    seed: 15,
    profile: {
      name: 'held-in-flight',
      latency: { api: { min: 1, max: 4 }, messageSent: 1, messageFinal: { min: 1, max: 10 } },
      callbacks: { enabled: false, record: false },
    },
  }));
  const providers = createProviders({
    twilio: {
      accountSid: s.credentials.accountSid,
      authToken: s.credentials.authToken,
      baseUrl: s.url,
      sms: { from: '+46700000001' },
      callbacks: { messageStatusUrl: r.urls.messageStatusUrl, callStatusUrl: r.urls.callStatusUrl },
    },
  });
  expect(providers.chains.sms.map((p) => p.provider)).toEqual(['twilio']);
  svc.setChannels(sendersFromProviders({ chains: providers.chains }), callFlowHost(r));
  await svc.open();
  return { env: e, service: svc, sim: s };
}

/** Three people, SMS through Twilio alone, started while Twilio's answers are lost: all three wait in flight. */
async function lostAnswers(clock: TestClock, giveUpAfterMinutes: number | null) {
  const w = await world(clock);
  const g = addGroup(w.env.store, 'Jour');
  for (let i = 0; i < 3; i++) addContact(w.env.store, { name: `P${i}`, phones: [`+467010000${10 + i}`], groups: [g] });
  w.sim.configure({ twilioFailure: 'lost-answer' });
  const c = w.service.create({
    name: 'Skarpt larm',
    templateId: addTemplate(w.env.store),
    audience: { groupIds: [g] },
    steps: [{ channel: 'sms', fallThroughWhenUnavailable: false }],
    giveUpAfterMinutes,
  });
  w.service.start(c.id);
  await until(() => w.sim.messages().length === 3, 10_000, 'Twilio to take the three messages');
  await until(() => deliveriesOf(w.env.store, c.id).every((d) => d.state === 'sending' && d.provider === 'twilio'), 10_000, 'answers lost');
  // Nothing is queued: the hold comes from the rows waiting in flight for a lookup.
  await until(() => w.service.progressOf(c.id).held.some((h) => h.channel === 'sms' && h.waiting === 3), 15_000, 'Väntar på nät');
  expect(w.service.progressOf(c.id).held[0]).toMatchObject({ channel: 'sms', provider: 'twilio', waiting: 3 });
  expect(w.service.progressOf(c.id).etaSeconds).toBeNull();
  return { ...w, campaignId: c.id };
}

describe('Väntar på nät for rows waiting in flight for a lookup', () => {
  it('holds the channel, and "give up after" ends the rows, saying it is not known whether they went out', async () => {
    const clock = testClock();
    const { env, service, campaignId } = await lostAnswers(clock, 5);
    await advance(clock, 4 * 60_000);
    expect(service.progressOf(campaignId).outcomes['no-network']).toBe(0);
    await advance(clock, 2 * 60_000);
    await until(() => service.progressOf(campaignId).outcomes['no-network'] === 3, 10_000, 'given up');
    expect(service.progressOf(campaignId).outcomes.unreached).toBe(0);
    const audit = env.store.sqlite.prepare("SELECT params FROM audit_log WHERE action = 'campaign.give-up'").all() as { params: string }[];
    expect(audit.map((a) => JSON.parse(a.params) as unknown)).toEqual([{ name: 'Skarpt larm', channel: 'sms', count: 3, minutes: 5 }]);
    const timeline = env.store.sqlite
      .prepare(
        "SELECT e.detail FROM delivery_events e JOIN deliveries d ON d.id = e.delivery_id WHERE d.campaign_id = ? AND e.kind = 'failed'",
      )
      .all(campaignId) as { detail: string }[];
    expect(timeline).toHaveLength(3);
    expect(timeline.every((t) => t.detail.includes('not known'))).toBe(true);
    await until(() => service.get(campaignId).status === 'completed', 10_000, 'completed');
  }, 60_000);

  it('the path returns: the lookups find the messages, the hold ends, nobody is sent twice', async () => {
    const clock = testClock();
    const { env, service, sim, campaignId } = await lostAnswers(clock, null);
    await advance(clock, 10 * 60_000);
    expect(deliveriesOf(env.store, campaignId).filter((d) => d.state === 'failed')).toEqual([]);
    sim.configure({ twilioFailure: null });
    // The hold is released (kept in the settings so it survives a restart), not merely out of people.
    await until(() => readSetting(env.store.read, heldChannelsSetting).sms === undefined, 10_000, 'the hold to end');
    expect(service.progressOf(campaignId).held).toEqual([]);
    await until(
      () => deliveriesOf(env.store, campaignId).every((d) => d.state !== 'sending' && d.provider_status !== null),
      10_000,
      'adopted',
    );
    expect(sim.messages()).toHaveLength(3);
    expect(deliveriesOf(env.store, campaignId).filter((d) => d.possible_duplicate === 1)).toEqual([]);
  }, 60_000);
});
