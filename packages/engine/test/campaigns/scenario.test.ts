// End-to-end on the provider simulator: the real twilio SDK adapters, signed callbacks
// arriving through a relay stand-in, call flows with DTMF, SMS replies. The simulator's
// rules decide each number's fate by its last two digits, and a model of the plan below
// says how every contact must end.
import { afterEach, describe, expect, it } from 'vitest';
import { analyticsFilterSchema, smsSegments } from '@gdial/protocol';
import { startSimulator, type OutcomeRule, type Simulator } from '@gdial/simulator';
import { createProviders } from '../../src/providers/factory';
import { parseWebhook } from '../../src/providers/webhooks';
import { callFlowHost } from '../../src/campaigns/call-flows';
import { sendersFromProviders } from '../../src/campaigns/senders';
import { CampaignService } from '../../src/campaigns/service';
import { afterActionReport } from '../../src/campaigns/after-action';
import { alertAnalytics, swedishDay } from '../../src/campaigns/analytics';
import { deliveryTallies, rebuildDeliveryTallies } from '../../src/store/analytics';
import { addContact, addGroup, addTemplate, alertTemplate, deliveriesOf, makeEnv, outcomesOf, until, type TestEnv } from './helpers';
import { startRelayStub, type RelayStub } from './relay-stub';

const FROM = '+46700000001';

// Last digit: what happens to a call. Second-to-last: what happens to an SMS.
const rules: OutcomeRule[] = [
  { match: '2$', channels: ['voice'], call: { outcome: 'answered', answeredBy: 'human', digits: null } },
  { match: '3$', channels: ['voice'], call: { outcome: 'no-answer' } },
  { match: '4$', channels: ['voice'], call: { outcome: 'busy' } },
  { match: '5$', channels: ['voice'], call: { outcome: 'failed' } },
  { match: '6$', channels: ['voice'], call: { outcome: 'answered', answeredBy: 'machine_end_beep', digits: null } },
  { match: '0.$', channels: ['sms'], reply: '1' },
  { match: '1.$', channels: ['sms'], reply: 'ja' },
  { match: '3.$', channels: ['sms'], message: { status: 'undelivered', errorCode: 30003 } },
  { match: '4.$', channels: ['sms'], reply: 'STOP' },
  { match: '5.$', channels: ['sms'], reply: 'Vad gäller saken?' },
  { match: '6.$', channels: ['sms'], rejectCode: 21614 },
];

const voiceConfirms = (n: string) => !['2', '3', '4', '5', '6'].includes(n.slice(-1));
const voiceAnswered = (n: string) => ['2', '6'].includes(n.slice(-1)) || voiceConfirms(n);
const smsDigit = (n: string) => n.slice(-2, -1);

/** What the plan (call 1st number → call next number → SMS all mobiles, each if not confirmed) must produce. */
function expected(phones: string[]): { outcome: string; calls: string[]; sms: string[] } {
  const calls = [phones[0]!];
  if (voiceConfirms(phones[0]!)) return { outcome: 'confirmed', calls, sms: [] };
  if (phones[1]) {
    calls.push(phones[1]);
    if (voiceConfirms(phones[1])) return { outcome: 'confirmed', calls, sms: [] };
  }
  const sms = [...phones];
  if (sms.some((p) => smsDigit(p) === '0' || smsDigit(p) === '1')) return { outcome: 'confirmed', calls, sms };
  if (sms.some((p) => smsDigit(p) === '4')) return { outcome: 'opted-out', calls, sms };
  const reached = calls.some(voiceAnswered) || sms.some((p) => !['3', '6'].includes(smsDigit(p)));
  return { outcome: reached ? 'reached' : 'unreached', calls, sms };
}

let env: TestEnv | undefined;
let service: CampaignService | undefined;
let sim: Simulator | undefined;
let relay: RelayStub | undefined;
afterEach(async () => {
  await service?.close();
  await sim?.close();
  await relay?.close();
  env?.close();
  service = undefined;
  sim = undefined;
  relay = undefined;
  env = undefined;
});

async function world(profile: Record<string, unknown> = {}) {
  env = makeEnv();
  const e = env;
  service = new CampaignService(e.ctx, {
    dispatcher: { rateLimits: { voice: { perSecond: 2000, burst: 200 }, sms: { perSecond: 2000, burst: 200 } }, concurrency: 64 },
  });
  const svc = service;
  relay = await startRelayStub((raw) => void svc.handleProviderEvents(parseWebhook(raw)));
  sim = await startSimulator({
    seed: 7,
    profile: {
      name: 'scenario',
      rules,
      latency: {
        messageSent: 1,
        messageFinal: { min: 1, max: 10 },
        reply: { min: 5, max: 20 },
        callRinging: 1,
        callAnswer: { min: 1, max: 10 },
        email: 1,
      },
      voiceTimeScale: 0,
      limits: { messagesPerSecondPerSender: 1e6, callsPerSecondPerAccount: 1e6 },
      callbacks: { retryBaseMs: 20 },
      ...profile,
    },
    config: { inboundMessageUrl: relay.urls.inboundUrl },
  });
  const providers = createProviders({
    twilio: {
      accountSid: sim.credentials.accountSid,
      authToken: sim.credentials.authToken,
      baseUrl: sim.url,
      sms: { from: FROM },
      voice: { from: FROM },
      callbacks: { messageStatusUrl: relay.urls.messageStatusUrl, callStatusUrl: relay.urls.callStatusUrl },
    },
  });
  service.setChannels(sendersFromProviders({ sms: providers.sms ?? undefined, voice: providers.voice ?? undefined }), callFlowHost(relay));
  await service.open();
  return { env: e, service: svc, sim, relay };
}

/** A deterministic mix of one- and two-number contacts over every digit combination. */
function numbers(count: number): string[][] {
  let x = 12345;
  const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31);
  const out: string[][] = [];
  for (let i = 0; i < count; i++) {
    const phone = (k: number) => `+4670${String(i).padStart(4, '0')}${k}${next() % 10}${next() % 10}`;
    out.push(next() % 5 < 2 ? [phone(1), phone(2)] : [phone(1)]);
  }
  return out;
}

describe('campaign on the simulator', () => {
  it('500 contacts, voice then next number then SMS, press 1 or reply: every contact ends as the plan dictates', async () => {
    const { env, service, sim } = await world();
    const g = addGroup(env.store, 'Beredskap');
    const people = numbers(500);
    const ids = env.store.transaction(() => people.map((phones, i) => addContact(env.store, { name: `Person ${i}`, phones, groups: [g] })));
    // An SMS of two GSM-7 segments: its cost counts each one.
    const sms2 = `${alertTemplate.variants.sv!.sms} Samlingsplats: brandstationen på Storgatan 12, ingång från gården. Ta med legitimation, mobiltelefon och laddare.`;
    const c = service.create({
      name: 'Larm 500',
      templateId: addTemplate(env.store, {
        ...alertTemplate,
        variants: { ...alertTemplate.variants, sv: { ...alertTemplate.variants.sv, sms: sms2 } },
      }),
      audience: { groupIds: [g] },
      steps: [
        { channel: 'voice', numbers: 'first', condition: 'not-confirmed' },
        { channel: 'voice', numbers: 'next', condition: 'not-confirmed' },
        { channel: 'sms', numbers: 'all-mobiles', condition: 'not-confirmed' },
      ],
    });
    const { plan } = service.start(c.id);
    expect(plan.recipients).toBe(500);
    const want = new Map(ids.map((id, i) => [id, expected(people[i]!)]));
    const matches = () => {
      const got = outcomesOf(env.store, c.id);
      let ok = 0;
      for (const [id, w] of want) if (got.get(id) === w.outcome) ok++;
      return ok;
    };
    await until(() => service.get(c.id).status === 'completed' && matches() === 500, 90_000, 'every contact in its expected state');

    const got = outcomesOf(env.store, c.id);
    const mismatches = [...want]
      .filter(([id, w]) => got.get(id) !== w.outcome)
      .map(([id, w]) => ({ id, want: w.outcome, got: got.get(id) }));
    expect(mismatches).toEqual([]);
    // Escalation happened exactly for the unconfirmed: the calls and SMS the provider saw are the model's.
    const calls = sim
      .calls()
      .map((x) => x.to)
      .sort();
    const sms = sim
      .messages()
      .filter((m) => m.direction === 'outbound-api')
      .map((m) => m.to)
      .sort();
    expect(calls).toEqual([...want.values()].flatMap((w) => w.calls).sort());
    // Numbers the API refuses outright (21614, not a mobile) never become messages.
    expect(sms).toEqual([...want.values()].flatMap((w) => w.sms.filter((p) => smsDigit(p) !== '6')).sort());
    // STOP opted the numbers out; unrecognised replies wait in the inbox.
    const stopped = [...want.values()].flatMap((w) => w.sms.filter((p) => smsDigit(p) === '4'));
    const optOuts = env.store.sqlite.prepare("SELECT address FROM opt_outs WHERE channel = 'sms'").all() as { address: string }[];
    expect(optOuts.map((o) => o.address).sort()).toEqual(stopped.sort());
    const inbox = service.listInbox({ limit: 500 });
    expect(inbox.map((m) => m.from).sort()).toEqual([...want.values()].flatMap((w) => w.sms.filter((p) => smsDigit(p) === '5')).sort());
    expect(inbox.every((m) => m.campaignId === c.id && m.text === 'Vad gäller saken?')).toBe(true);
    const counts = Object.fromEntries(
      ['confirmed', 'reached', 'unreached', 'opted-out'].map((o) => [o, [...got.values()].filter((v) => v === o).length]),
    );
    expect(counts.confirmed).toBeGreaterThan(100);
    expect(counts.reached).toBeGreaterThan(10);
    expect(counts.unreached).toBeGreaterThan(0);
    expect(counts['opted-out']).toBeGreaterThan(0);
    // Confirmation routes are recorded.
    const via = env.store.sqlite
      .prepare('SELECT confirmed_via FROM campaign_recipients WHERE campaign_id = ? AND confirmed_via IS NOT NULL')
      .all(c.id) as { confirmed_via: string }[];
    expect(via.some((v) => v.confirmed_via.startsWith('pressed 1'))).toBe(true);
    expect(via.some((v) => v.confirmed_via.startsWith('replied JA'))).toBe(true);
    expect(deliveriesOf(env.store, c.id).every((d) => d.possible_duplicate === 0)).toBe(true);

    // The tallies the triggers kept through the whole alert equal a recount from its deliveries,
    // and the costs read from them (Analys) and from the deliveries (the report) equal the
    // segments of the texts handed over, counted here from the texts themselves.
    const kept = deliveryTallies(env.store.read);
    env.store.transaction((tx) => rebuildDeliveryTallies(tx));
    expect(deliveryTallies(env.store.read)).toEqual(kept);
    const texts = env.store.sqlite
      .prepare("SELECT body, segments FROM deliveries WHERE campaign_id = ? AND channel = 'sms' AND sent_at IS NOT NULL")
      .all(c.id) as { body: string; segments: number }[];
    expect(texts.length).toBeGreaterThan(100);
    expect(texts.every((t) => t.segments === smsSegments(t.body).segments && t.segments === 2)).toBe(true);
    const campaign = service.get(c.id);
    const report = afterActionReport(env.store.read, campaign, { now: Date.now(), organisation: null });
    expect(report.cost.smsSegments).toBe(texts.reduce((n, t) => n + smsSegments(t.body).segments, 0));
    const day = swedishDay(campaign.startedAt!);
    const analytics = alertAnalytics(env.store.read, analyticsFilterSchema.parse({ from: day, to: day }));
    const { currency: _currency, ...reportCost } = report.cost;
    expect(analytics.costs).toEqual([{ month: day.slice(0, 7), ...reportCost }]);
  }, 120_000);

  it('pause, resume and cancel mid-flight; cancel hangs up ringing calls', async () => {
    // Calls ring for a long time so they are still up when the campaign is cancelled.
    const { env, service, sim } = await world({
      latency: { messageSent: 1, messageFinal: 5, reply: 5, callRinging: 1, callAnswer: 60_000, email: 1 },
    });
    service.dispatcher.setRate('sms', 150);
    const g = addGroup(env.store, 'G');
    env.store.transaction(() => {
      for (let i = 0; i < 300; i++)
        addContact(env.store, { name: `P${i}`, phones: [`+46702${String(i).padStart(4, '0')}79`], groups: [g] });
    });
    const t = addTemplate(env.store);
    const c = service.create({
      name: 'Utskick',
      templateId: t,
      priority: 'outreach',
      audience: { groupIds: [g] },
      steps: [{ channel: 'sms' }],
    });
    service.start(c.id);
    const sent = () => sim.messages().filter((m) => m.direction === 'outbound-api').length;
    await until(() => sent() >= 30, 20_000, 'first messages');
    service.pause(c.id);
    await until(() => service.dispatcher.inFlight === 0, 5000, 'in-flight calls answered');
    const atPause = sent();
    expect(atPause).toBeLessThan(300);
    await new Promise((r) => setTimeout(r, 300));
    expect(sent()).toBe(atPause);
    expect(service.progressOf(c.id).status).toBe('paused');
    service.resume(c.id);
    await until(() => sent() >= atPause + 30, 20_000, 'sending again');
    await service.cancel(c.id, 'Övningen avbruten');
    await until(() => service.dispatcher.inFlight === 0, 5000, 'in-flight calls answered');
    const atCancel = sent();
    expect(atCancel).toBeLessThan(300);
    await new Promise((r) => setTimeout(r, 200));
    expect(sent()).toBe(atCancel);
    const rows = deliveriesOf(env.store, c.id);
    expect(rows.filter((r) => r.state === 'cancelled').length).toBe(300 - atCancel);

    const voice = service.create({ name: 'Samtal', templateId: t, audience: { groupIds: [g] }, steps: [{ channel: 'voice' }] });
    service.start(voice.id);
    await until(() => deliveriesOf(env.store, voice.id).filter((d) => d.state === 'sent').length === 300, 20_000, 'calls ringing');
    await service.cancel(voice.id);
    await until(() => sim.calls().every((x) => x.status === 'canceled'), 20_000, 'calls cancelled at the provider');
    await until(
      () => deliveriesOf(env.store, voice.id).every((d) => d.state === 'failed' && d.provider_status === 'canceled'),
      20_000,
      'call rows settled',
    );
  }, 120_000);
});
