// The roll-call's ETA comes from the plan's remaining work and the measured rate: every
// step still to run (its rows at the rate, after its wait), a pending escalation wave, and
// "unknown" while the path is down. Checked as a rule and on a running engine with the
// clock under the test's control.
import { afterEach, describe, expect, it } from 'vitest';
import { estimateEta } from '../../src/campaigns/progress';
import { CampaignService } from '../../src/campaigns/service';
import type { StepRemaining } from '../../src/store/deliveries';
import {
  addContact,
  addGroup,
  addTemplate,
  fakeSenders,
  FakeSender,
  makeEnv,
  statusEvent,
  testClock,
  until,
  type TestEnv,
} from './helpers';

const NOW = 1_700_000_000_000;
const step = (over: Partial<StepRemaining>): StepRemaining => ({ step: 0, open: 0, waiting: 0, due: null, waitSeconds: 0, ...over });
const noneSent = () => null;

describe('the ETA rule', () => {
  it('hands over what is due at the measured rate', () => {
    expect(estimateEta([step({ open: 100, due: NOW })], NOW, 50, false, noneSent)).toBe(2);
    expect(estimateEta([], NOW, 50, false, noneSent)).toBe(0);
  });

  it("adds the steps still to run, each after its wait from the previous step's last handover", () => {
    // Step 1 (index 0) handed over 10 s ago; step 2 waits 5 minutes from then.
    const lastSent = (s: number) => (s === 0 ? NOW - 10_000 : null);
    expect(estimateEta([step({ step: 1, open: 100, waiting: 100, waitSeconds: 300 })], NOW, 50, false, lastSent)).toBe(292);
    // Step 1 still sending: step 2 starts its wait when step 1 is estimated done.
    const busy = [step({ step: 0, open: 500, due: NOW }), step({ step: 1, open: 500, waiting: 500, waitSeconds: 60 })];
    expect(estimateEta(busy, NOW, 100, false, noneSent)).toBe(5 + 60 + 5);
    // A step already scheduled starts at its due time.
    expect(estimateEta([step({ open: 10, due: NOW + 120_000 })], NOW, 10, false, noneSent)).toBe(121);
  });

  it('waits for a pending escalation wave, and is unknown while held or before any rate is measured', () => {
    expect(estimateEta([], NOW, 10, false, noneSent, NOW + 600_000)).toBe(600);
    expect(estimateEta([step({ open: 10, due: NOW })], NOW, 10, true, noneSent)).toBeNull();
    expect(estimateEta([step({ open: 10, due: NOW })], NOW, 0, false, noneSent)).toBeNull();
  });
});

let env: TestEnv | undefined;
const services: CampaignService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
  env?.close();
  env = undefined;
});

describe('the ETA of a running alert', () => {
  it('counts the next step and its wait, not only what is due now', async () => {
    env = makeEnv();
    const t = testClock();
    const clock = () => t.now;
    const sms = new FakeSender('twilio');
    const email = new FakeSender('sendgrid');
    const svc = new CampaignService(env.ctx, {
      senders: fakeSenders({ sms, email }),
      dispatcher: { clock, rateLimits: { sms: { perSecond: 100_000, burst: 2000 }, email: { perSecond: 100_000, burst: 2000 } } },
    });
    services.push(svc);
    await svc.open();
    const g = addGroup(env.store, 'Jour');
    for (let i = 0; i < 40; i++)
      addContact(env.store, { name: `P${i}`, phones: [`+4670300${String(1000 + i)}`], emails: [`p${i}@example.se`], groups: [g] });
    const c = svc.create({
      name: 'Två steg',
      templateId: addTemplate(env.store),
      audience: { groupIds: [g] },
      steps: [{ channel: 'sms' }, { channel: 'email', waitSeconds: 300 }],
    });
    svc.start(c.id);
    await until(() => sms.sent.length === 40, 10_000, 'step 1 handed over');
    svc.handleProviderEvents(sms.sent.map((s) => statusEvent(s.token, 'delivered', new Date(clock()))));
    await until(() => svc.progressOf(c.id).deliveries.sent === 0, 10_000, 'step 1 delivered');
    // The e-mail step waits five minutes for confirmations: the alert is not "done in 0 s".
    const eta = svc.progressOf(c.id).etaSeconds;
    expect(eta).not.toBeNull();
    expect(eta!).toBeGreaterThan(280);
    expect(eta!).toBeLessThanOrEqual(301);
    t.offset += 120_000;
    const later = svc.progressOf(c.id).etaSeconds!;
    expect(later).toBeGreaterThan(eta! - 125);
    expect(later).toBeLessThan(eta! - 115);
    t.offset += 190_000;
    await until(() => email.sent.length === 40, 10_000, 'step 2 handed over');
    await until(() => svc.progressOf(c.id).etaSeconds === 0, 10_000, 'nothing left: ETA 0');
  });
});
