// Hold, don't burn: a failure to reach the provider is not a failure to reach the person.
// With the dispatcher's clock under the test's control, a 30-minute outage of the path in
// the middle of a 500-person voice + SMS alert ends with everyone called and texted after
// the heal, nobody unreached or out of attempts; the channel is "Väntar på nät" meanwhile
// (with the people waiting and no ETA) and resumes within 5 s of the path's return. The
// operator can skip a held channel (on to the next step) and an alert can give up on it
// ("Ej skickat – inget nät"), both audited; a hold survives a restart.
import { afterEach, describe, expect, it } from 'vitest';
import type { CampaignFields } from '@gdial/protocol';
import { failureSide } from '../../src/campaigns/failure';
import { CampaignService } from '../../src/campaigns/service';
import { failureClasses } from '@gdial/protocol';
import { sendError } from '../../src/providers/types';
import {
  addContact,
  addGroup,
  addTemplate,
  advance,
  deliveriesOf,
  fakeSenders,
  FakeSender,
  makeEnv,
  outcomesOf,
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

/** A path that can be cut: while down, every send fails the way a pulled cable does. */
class Path {
  down = false;
  /** Clock time of each accepted send. */
  readonly accepted: number[] = [];
  constructor(readonly clock: TestClock) {}
  wrap(sender: FakeSender): FakeSender {
    sender.script = () => {
      if (this.down) return { ok: false, error: sendError('transient', 'connect ECONNREFUSED api.twilio.com:443') };
      this.accepted.push(this.clock.now);
      return { ok: true, providerId: '', status: 'queued' };
    };
    return sender;
  }
}

function service(e: TestEnv, senders: { sms?: FakeSender; voice?: FakeSender; email?: FakeSender }, clock: TestClock) {
  const s = new CampaignService(e.ctx, {
    senders: fakeSenders(senders),
    flows: { register: async (spec) => ({ urlFor: (t: string) => `http://flows.test/${spec.flowId}?d=${t}` }) },
    dispatcher: {
      clock: () => clock.now,
      rateLimits: {
        sms: { perSecond: 100_000, burst: 2000 },
        voice: { perSecond: 100_000, burst: 2000 },
        email: { perSecond: 100_000, burst: 2000 },
      },
    },
  });
  services.push(s);
  return s;
}

const alert = (templateId: number, group: number, over: Partial<CampaignFields> = {}): CampaignFields => ({
  name: 'Skarpt larm',
  templateId,
  audience: { groupIds: [group] },
  steps: [
    { channel: 'voice', numbers: 'first', condition: 'not-confirmed', fallThroughWhenUnavailable: false },
    { channel: 'sms', numbers: 'first', condition: 'not-confirmed', waitSeconds: 0, fallThroughWhenUnavailable: false },
  ],
  ...over,
});

describe('a send failure is about the path or about the person', () => {
  it('classifies every failure class once', () => {
    expect(Object.fromEntries(failureClasses.map((c) => [c, failureSide(c)]))).toEqual({
      transient: 'path',
      'rate-limited': 'path',
      auth: 'path',
      permanent: 'person',
      'invalid-recipient': 'person',
      'opted-out': 'person',
    });
  });
});

describe('hold, do not burn', () => {
  it('a 30-minute outage during a 500-person voice + SMS alert: everyone is sent after the heal, nobody unreached', async () => {
    env = makeEnv();
    const clock = testClock();
    const path = new Path(clock);
    const voice = path.wrap(new FakeSender('twilio'));
    const sms = path.wrap(new FakeSender('twilio'));
    const svc = service(env, { voice, sms }, clock);
    await svc.open();
    const g = addGroup(env.store, 'Alla');
    for (let i = 0; i < 500; i++) addContact(env.store, { name: `Person ${i}`, phones: [`+4670${String(1_000_000 + i)}`], groups: [g] });
    const c = svc.create(alert(addTemplate(env.store), g));
    // The cable is pulled just after the start: some calls go out, the rest wait.
    svc.start(c.id);
    await until(() => voice.sent.length >= 20, 10_000, 'the first calls');
    path.down = true;
    await until(() => svc.progressOf(c.id).held.some((h) => h.channel === 'voice'), 10_000, 'Väntar på nät');
    await advance(clock, 15 * 60_000);
    const held = svc.progressOf(c.id);
    expect(held.held[0]).toMatchObject({ channel: 'voice', provider: 'twilio' });
    expect(held.held[0]!.waiting).toBeGreaterThan(0);
    expect(held.etaSeconds).toBeNull();
    // Nobody waiting for the path has been written off or moved on to the SMS step.
    expect(deliveriesOf(env.store, c.id).filter((d) => d.state === 'failed')).toEqual([]);
    // The SMS step of those whose call never went out has not started (the others' waits for their call's outcome).
    const rowsHeld = deliveriesOf(env.store, c.id);
    const notCalled = new Set(rowsHeld.filter((d) => d.channel === 'voice' && d.state === 'queued').map((d) => d.recipient_id));
    expect(notCalled.size).toBeGreaterThan(0);
    expect(rowsHeld.filter((d) => d.channel === 'sms' && notCalled.has(d.recipient_id) && d.state !== 'waiting')).toEqual([]);
    await advance(clock, 15 * 60_000);

    // The cable goes back in: the first send after the heal goes within 5 s (a probe).
    const healedAt = clock.now;
    path.down = false;
    await advance(clock, 5_000, 500);
    expect(path.accepted.find((t) => t >= healedAt)! - healedAt).toBeLessThanOrEqual(5_000);
    await until(() => voice.sent.length === 500, 20_000, 'every call after the heal');
    await until(() => svc.progressOf(c.id).held.length === 0, 20_000, 'no channel held any more');
    // Nobody answers: the calls end, and the SMS step goes to everyone.
    svc.handleProviderEvents(voice.sent.map((s) => statusEvent(s.token, 'no-answer', new Date(clock.now), 'voice')));
    await until(() => sms.sent.length === 500, 20_000, 'every SMS');
    const rows = deliveriesOf(env.store, c.id);
    expect(rows.filter((d) => d.state === 'failed' && d.channel === 'sms')).toEqual([]);
    expect(rows.filter((d) => d.error?.includes('Gave up'))).toEqual([]);
    expect([...outcomesOf(env.store, c.id).values()].filter((o) => o === 'unreached' || o === 'no-network')).toEqual([]);
  }, 60_000);

  it('skip: the people waiting on a held channel move on to their next step now, audited', async () => {
    env = makeEnv();
    const clock = testClock();
    const path = new Path(clock);
    const sms = path.wrap(new FakeSender('twilio'));
    const email = new FakeSender('sendgrid');
    const svc = service(env, { sms, email }, clock);
    await svc.open();
    const g = addGroup(env.store, 'Jour');
    for (let i = 0; i < 10; i++)
      addContact(env.store, { name: `P${i}`, phones: [`+467010000${10 + i}`], emails: [`p${i}@example.se`], groups: [g] });
    path.down = true;
    const c = svc.create(
      alert(addTemplate(env.store), g, {
        steps: [
          { channel: 'sms', fallThroughWhenUnavailable: false },
          { channel: 'email', condition: 'not-confirmed' },
        ],
      }),
    );
    svc.start(c.id);
    await until(() => svc.progressOf(c.id).held.some((h) => h.channel === 'sms' && h.waiting === 10), 10_000, 'held');
    expect(email.sent).toHaveLength(0);
    svc.skipHeld(c.id, 'sms');
    await until(() => email.sent.length === 10, 10_000, 'the e-mail step');
    const audit = env.store.sqlite.prepare("SELECT params FROM audit_log WHERE action = 'campaign.skip-held'").all() as {
      params: string;
    }[];
    expect(audit.map((a) => JSON.parse(a.params) as unknown)).toEqual([{ name: 'Skarpt larm', channel: 'sms', count: 10 }]);
  });

  it('give up after: the people still waiting end as "Ej skickat – inget nät", counted apart, audited', async () => {
    env = makeEnv();
    const clock = testClock();
    const path = new Path(clock);
    const sms = path.wrap(new FakeSender('twilio'));
    const svc = service(env, { sms }, clock);
    await svc.open();
    const g = addGroup(env.store, 'Jour');
    for (let i = 0; i < 8; i++) addContact(env.store, { name: `P${i}`, phones: [`+467010000${10 + i}`], groups: [g] });
    path.down = true;
    const c = svc.create(
      alert(addTemplate(env.store), g, { steps: [{ channel: 'sms', fallThroughWhenUnavailable: false }], giveUpAfterMinutes: 5 }),
    );
    svc.start(c.id);
    await until(() => svc.progressOf(c.id).held.length === 1, 10_000, 'held');
    await advance(clock, 4 * 60_000);
    expect(svc.progressOf(c.id).outcomes['no-network']).toBe(0);
    await advance(clock, 2 * 60_000);
    await until(() => svc.progressOf(c.id).outcomes['no-network'] === 8, 10_000, 'given up');
    expect(svc.progressOf(c.id).outcomes.unreached).toBe(0);
    const audit = env.store.sqlite.prepare("SELECT params FROM audit_log WHERE action = 'campaign.give-up'").all() as { params: string }[];
    // A probe in flight when the time ran out is given up on when it comes back (a second entry).
    const entries = audit.map((a) => JSON.parse(a.params) as { channel: string; count: number; minutes: number });
    expect(entries.reduce((n, e) => n + e.count, 0)).toBe(8);
    expect(entries.every((e) => e.channel === 'sms' && e.minutes === 5)).toBe(true);
    await until(() => svc.get(c.id).status === 'completed', 10_000, 'completed');
  });

  it('a held alert is still held after a restart, and completes once the path returns', async () => {
    env = makeEnv();
    const clock = testClock();
    const path = new Path(clock);
    const first = service(env, { sms: path.wrap(new FakeSender('twilio')) }, clock);
    await first.open();
    const g = addGroup(env.store, 'Jour');
    for (let i = 0; i < 6; i++) addContact(env.store, { name: `P${i}`, phones: [`+467010000${10 + i}`], groups: [g] });
    path.down = true;
    const c = first.create(alert(addTemplate(env.store), g, { steps: [{ channel: 'sms', fallThroughWhenUnavailable: false }] }));
    first.start(c.id);
    await until(() => first.progressOf(c.id).held.length === 1, 10_000, 'held');
    await first.close();

    const sms = path.wrap(new FakeSender('twilio'));
    const again = service(env, { sms }, clock);
    await again.open();
    expect(again.progressOf(c.id).held).toMatchObject([{ channel: 'sms', waiting: 6 }]);
    await advance(clock, 60_000);
    expect(sms.sent).toHaveLength(0);
    path.down = false;
    await advance(clock, 5_000, 500);
    await until(() => sms.sent.length === 6, 10_000, 'sent after the restart and the heal');
    again.handleProviderEvents(sms.sent.map((s) => statusEvent(s.token, 'delivered', new Date(clock.now))));
    await until(() => again.get(c.id).status === 'completed', 10_000, 'completed');
    expect([...outcomesOf(env.store, c.id).values()]).toEqual(Array(6).fill('reached'));
  });
});
