// Escalation waves: "if fewer than N people (or N %) have confirmed after M minutes, alert
// group B". With the dispatcher's clock under the test's control: a threshold that is met
// leaves group B alone, one that is not alerts B at M minutes (in the roll-call, audited);
// both the absolute and the percent form; and a restart between the start and M — with
// confirmations arriving after M while the engine was down — still decides the wave once,
// on the confirmations up to M.
import { afterEach, describe, expect, it } from 'vitest';
import type { CampaignFields, WaveInput } from '@gdial/protocol';
import { recipientReports } from '../../src/campaigns/report';
import { CampaignService } from '../../src/campaigns/service';
import {
  addContact,
  addGroup,
  addTemplate,
  fakeSenders,
  FakeSender,
  makeEnv,
  outcomesOf,
  replyEvent,
  statusEvent,
  testClock,
  until,
  type TestClock,
  type TestEnv,
} from './helpers';

let env: TestEnv | undefined;
const services: CampaignService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
  env?.close();
  env = undefined;
});

function service(e: TestEnv, sms: FakeSender, clock: TestClock): CampaignService {
  const s = new CampaignService(e.ctx, {
    senders: fakeSenders({ sms }),
    dispatcher: { clock: () => clock.now, rateLimits: { sms: { perSecond: 100_000, burst: 2000 } } },
  });
  services.push(s);
  return s;
}

const phoneA = (i: number) => `+4670100${String(1000 + i)}`;
const phoneB = (i: number) => `+4670200${String(1000 + i)}`;

/** Ten people in the first group, five in the second (the wave's). */
function people(e: TestEnv): { a: number; b: number } {
  const a = addGroup(e.store, 'Jour');
  const b = addGroup(e.store, 'Reserv');
  for (let i = 0; i < 10; i++) addContact(e.store, { name: `A${i}`, phones: [phoneA(i)], groups: [a] });
  for (let i = 0; i < 5; i++) addContact(e.store, { name: `B${i}`, phones: [phoneB(i)], groups: [b] });
  return { a, b };
}

const alert = (templateId: number, a: number, wave: WaveInput): CampaignFields => ({
  name: 'Vågor',
  templateId,
  audience: { groupIds: [a] },
  steps: [{ channel: 'sms' }],
  waves: [wave],
});

const waveAudits = (e: TestEnv) =>
  (e.store.sqlite.prepare("SELECT params FROM audit_log WHERE action = 'campaign.wave'").all() as { params: string }[]).map(
    (x) => JSON.parse(x.params) as Record<string, unknown>,
  );

/** A fresh engine with groups A and B, and an alert to A with this wave started: group A has been texted. */
async function started(wave: (b: number) => WaveInput, sms = new FakeSender('twilio')) {
  env = makeEnv();
  const clock = testClock();
  const svc = service(env, sms, clock);
  await svc.open();
  const g = people(env);
  const { id } = svc.create(alert(addTemplate(env.store), g.a, wave(g.b)));
  const plan = svc.plan(id);
  svc.start(id);
  await until(() => sms.sent.length === 10, 10_000, 'group A texted');
  return { e: env, clock, sms, svc, id, plan };
}

const tenMinutesFewerThan5 = (b: number): WaveInput => ({ afterMinutes: 10, fewerThan: 5, audience: { groupIds: [b] } });

/** `n` of group A confirm by replying at the clock's time. */
function confirm(svc: CampaignService, clock: TestClock, n: number, from = 0): void {
  svc.handleProviderEvents(Array.from({ length: n }, (_, i) => replyEvent(phoneA(from + i), 'JA', new Date(clock.now))));
}

describe('escalation waves on a confirmation threshold', () => {
  it('enough confirmed by M minutes: group B is never alerted, and the alert completes', async () => {
    const { e, clock, sms, svc, id, plan } = await started(tenMinutesFewerThan5);
    expect(plan.waves).toEqual([{ index: 0, afterMinutes: 10, fewerThan: 5, unit: 'people', people: 5 }]);
    svc.handleProviderEvents(sms.sent.map((s) => statusEvent(s.token, 'delivered', new Date(clock.now))));
    confirm(svc, clock, 5);
    // Everyone of A is settled, but the wave is still to be decided: not done yet.
    await new Promise((r) => setTimeout(r, 300));
    expect(svc.get(id).status).toBe('running');
    expect(svc.progressOf(id).waves).toMatchObject([{ state: 'pending', people: 0 }]);

    clock.offset += 10 * 60_000 + 1000;
    await until(() => svc.get(id).status === 'completed', 10_000, 'completed after the wave was decided');
    expect(sms.sent).toHaveLength(10);
    expect(svc.progressOf(id).waves).toMatchObject([{ state: 'not-needed', people: 0 }]);
    expect(waveAudits(e)).toEqual([{ name: 'Vågor', wave: 1, confirmed: 5, recipients: 10, minutes: 10, alerted: 0, count: 0 }]);
  });

  it('fewer than N confirmed: group B is alerted at M minutes, not before, and is in the roll-call', async () => {
    const { e, clock, sms, svc, id } = await started(tenMinutesFewerThan5);
    confirm(svc, clock, 4);
    clock.offset += 9 * 60_000;
    await new Promise((r) => setTimeout(r, 1500));
    expect(sms.sent).toHaveLength(10);

    clock.offset += 60_000 + 1000;
    await until(() => sms.sent.length === 15, 10_000, 'group B texted');
    expect(
      sms.sent
        .slice(10)
        .map((s) => s.to)
        .sort(),
    ).toEqual([0, 1, 2, 3, 4].map(phoneB));
    const p = svc.progressOf(id);
    expect(p.recipients).toBe(15);
    expect(p.waves).toMatchObject([{ state: 'alerted', people: 5 }]);
    const report = recipientReports(e.store.read, id, { limit: 100 });
    expect(report.recipients.filter((r) => r.wave === 1).map((r) => r.displayName)).toEqual(['B0', 'B1', 'B2', 'B3', 'B4']);
    expect(waveAudits(e)).toEqual([{ name: 'Vågor', wave: 1, confirmed: 4, recipients: 10, minutes: 10, alerted: 1, count: 5 }]);

    // B's confirmations count like anyone's; the alert completes when everyone is settled.
    svc.handleProviderEvents(sms.sent.map((s) => statusEvent(s.token, 'delivered', new Date(clock.now))));
    svc.handleProviderEvents([replyEvent(phoneB(0), 'JA', new Date(clock.now))]);
    await until(() => svc.get(id).status === 'completed', 10_000, 'completed');
    expect([...outcomesOf(e.store, id).values()].filter((o) => o === 'confirmed')).toHaveLength(5);
  });

  it('the percent form: fewer than 50 % alerts B, 50 % or more does not', async () => {
    for (const [confirmed, alerted] of [
      [4, true],
      [5, false],
    ] as const) {
      const { e, clock, sms, svc, id } = await started((b) => ({
        afterMinutes: 5,
        fewerThan: 50,
        unit: 'percent',
        audience: { groupIds: [b] },
      }));
      confirm(svc, clock, confirmed);
      clock.offset += 5 * 60_000 + 1000;
      await until(() => svc.progressOf(id).waves[0]!.state !== 'pending', 10_000, 'the wave decided');
      expect(svc.progressOf(id).waves[0]!.state).toBe(alerted ? 'alerted' : 'not-needed');
      if (alerted) await until(() => sms.sent.length === 15, 10_000, 'group B texted');
      expect(sms.sent).toHaveLength(alerted ? 15 : 10);
      for (const s of services.splice(0)) await s.close();
      e.close();
    }
    env = undefined;
  });

  it('a restart between the start and M: the wave fires once, on the confirmations up to M', async () => {
    const { e, clock, svc: first, id } = await started(tenMinutesFewerThan5);
    confirm(first, clock, 2);
    await first.close();

    // While the engine is down, M passes and more people confirm: too late for the wave.
    clock.offset += 12 * 60_000;
    const sms = new FakeSender('twilio');
    const again = service(e, sms, clock);
    confirm(again, clock, 6, 2);
    await again.open();
    await until(() => sms.sent.length === 5, 10_000, 'group B texted after the restart');
    expect(waveAudits(e)).toEqual([{ name: 'Vågor', wave: 1, confirmed: 2, recipients: 10, minutes: 10, alerted: 1, count: 5 }]);
    await again.close();

    // Another restart: the decided wave is not decided again.
    const third = service(e, sms, clock);
    await third.open();
    clock.offset += 60_000;
    await new Promise((r) => setTimeout(r, 1500));
    expect(sms.sent).toHaveLength(5);
    expect(waveAudits(e)).toHaveLength(1);
    expect(third.progressOf(id).waves).toMatchObject([{ state: 'alerted', people: 5 }]);
  });
});
