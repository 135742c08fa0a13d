// Alerts shared by an organisation's desktops (docs/sync.md, "One desktop dispatches an
// alert"): the desktop that starts an alert runs it under a lease on the relay; the others
// show the same roll-call live and never send; when the owner stops renewing, another takes
// it over with a greater token and finishes it, and the former owner's later writes are
// refused. Real parts: consoles in demo mode (relay on PGlite, provider simulator with the
// real SDKs), joined as the README starts a second console.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { MethodInput, SyncOp } from '@gdial/protocol';
import { enrolDevice, RelayApi, silentLogger, type Engine } from '@gdial/engine';
import { startRelay, type RelayHandle } from '@gdial/relay';
import { DEMO_FROM } from '../src/web/demo';
import type { ConsoleHost } from '../src/web/host';
import { demoConsoles as sharedDemoConsoles } from './support/demo-consoles';
import { call, until } from './support/engine-calls';

const consoles: ConsoleHost[] = [];
let relay: RelayHandle | undefined;
afterEach(async () => {
  for (const c of consoles.splice(0).reverse()) await c.close();
  await relay?.close();
  relay = undefined;
});

const demoConsoles = (n: number): Promise<Engine[]> => sharedDemoConsoles(consoles, n, 'alert-sync');

/** Each recipient's outcome by name, as one desktop's roll-call shows it. */
const rollCall = async (e: Engine, id: number) =>
  Object.fromEntries((await call(e, 'campaigns.report', { id, limit: 500 })).recipients.map((r) => [r.displayName, r.outcome]));

/** The same alert on another desktop (local ids differ between desktops). */
async function sameAlert(on: Engine, name: string): Promise<number> {
  let id = 0;
  await until(async () => {
    id = (await call(on, 'campaigns.list', { limit: 50 })).campaigns.find((c) => c.name === name)?.id ?? 0;
    return id > 0;
  }, `the alert "${name}" on the other desktop`);
  return id;
}

async function prepareAlert(e: Engine, name: string, people: [string, string][], steps: MethodInput<'campaigns.create'>['steps']) {
  const group = await call(e, 'groups.create', { name: `Grupp ${name}` });
  for (const [person, number] of people)
    await call(e, 'contacts.create', {
      firstName: person.split(' ')[0],
      lastName: person.split(' ')[1],
      phones: [{ number }],
      groupIds: [group.id],
    });
  const template = await call(e, 'templates.create', {
    name: `Mall ${name}`,
    variants: {
      sv: {
        sms: 'Hej {{first_name}}! Larm. Svara 1 om du har fått detta.',
        voice: { kind: 'tts', script: 'Hej {{first_name}}. Detta är ett larm. Tryck 1 för att bekräfta.' },
      },
    },
    fallbacks: { first_name: 'du' },
  });
  await call(e, 'templates.approve', { id: template.id });
  return call(e, 'campaigns.create', { name, templateId: template.id, audience: { groupIds: [group.id] }, steps });
}

const people: [string, string][] = [
  ['Svarar Ett', '070-111 00 01'],
  ['Får Bara', '070-111 00 02'],
  ['Nås Ej', '070-111 00 00'],
];

describe('alerts across the organisation', () => {
  it("another desktop shows the same roll-call live, names the owner, and refuses to change the owner's alert", async () => {
    const [a, b] = await demoConsoles(2);
    const c = await prepareAlert(b!, 'Delat larm', people, [{ channel: 'sms' }]);
    await call(b!, 'campaigns.start', { id: c.id });
    const onA = await sameAlert(a!, 'Delat larm');
    const final = { 'Svarar Ett': 'confirmed', 'Får Bara': 'reached', 'Nås Ej': 'unreached' };
    await until(async () => JSON.stringify(await rollCall(b!, c.id)) === JSON.stringify(final), 'the outcomes on the owner');
    await until(async () => JSON.stringify(await rollCall(a!, onA)) === JSON.stringify(final), 'the same outcomes on the other desktop');
    await until(
      async () => (await call(a!, 'campaigns.get', { id: onA })).status === 'completed',
      'the alert completed on the other desktop',
    );
    const progress = [await call(a!, 'campaigns.progress', { id: onA }), await call(b!, 'campaigns.progress', { id: c.id })];
    expect(progress[0]!.outcomes).toEqual(progress[1]!.outcomes);
    expect(progress[0]!.deliveries).toEqual(progress[1]!.deliveries);

    const owner = await call(a!, 'sync.alertOwner', { campaignId: onA });
    expect(owner).toMatchObject({ remote: true, ownerName: expect.stringMatching(/.+/) as unknown, answering: true });
    expect(await call(b!, 'sync.alertOwner', { campaignId: c.id })).toMatchObject({ remote: false });
    // The other desktop sent nothing: one SMS per person in all.
    const world = consoles[0]!.demo!.simulator;
    // (The demo has 46elks behind Twilio: either may carry an SMS.)
    expect(
      world.messages().filter((m) => m.direction === 'outbound-api').length +
        world.elksMessages().filter((m) => m.direction === 'outgoing').length,
    ).toBe(3);
    // Changing it from the other desktop is refused, naming who runs it.
    const refused = await a!.rpc.call('campaigns.cancel', { id: onA });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.refusal).toMatchObject({ code: 'campaign.remote' });
  }, 120_000);

  it("another desktop shows the owner's Väntar på nät, not its own paths", async () => {
    const [a, b] = await demoConsoles(2);
    const world = consoles[0]!.demo!.simulator;
    // The owner's SMS path is down (Twilio and 46elks answer 503 to everything): its SMS wait, held.
    world.configure({ twilioFailure: 'server-error', elksFailure: 'server-error' });
    const c = await prepareAlert(b!, 'Väntande larm', people, [{ channel: 'sms' }]);
    await call(b!, 'campaigns.start', { id: c.id });
    const onA = await sameAlert(a!, 'Väntande larm');
    await until(async () => (await call(b!, 'campaigns.progress', { id: c.id })).held.length > 0, 'the owner to hold SMS');
    const onOwner = (await call(b!, 'campaigns.progress', { id: c.id })).held;
    expect(onOwner.map((h) => h.channel)).toEqual(['sms']);
    // The other desktop never sent, so its own paths hold nothing; it shows the owner's hold.
    await until(async () => (await call(a!, 'campaigns.progress', { id: onA })).held.length > 0, "the owner's hold on the other desktop");
    const onReplica = (await call(a!, 'campaigns.progress', { id: onA })).held;
    expect(onReplica.map(({ channel, since, provider }) => ({ channel, since, provider }))).toEqual(
      onOwner.map(({ channel, since, provider }) => ({ channel, since, provider })),
    );
    expect(onReplica[0]!.waiting).toBe(3);
    // The path comes back: the owner sends, and the other desktop's banner goes with its hold.
    world.configure({ twilioFailure: null, elksFailure: null });
    await until(async () => (await call(a!, 'campaigns.progress', { id: onA })).held.length === 0, 'the hold to end on the other desktop');
    await until(async () => (await call(a!, 'campaigns.get', { id: onA })).status === 'completed', 'the alert to complete');
  }, 120_000);

  it('an erased person leaves the roll-call on every desktop and in the relay, the numbers stay', async () => {
    const [a, b] = await demoConsoles(2);
    const c = await prepareAlert(b!, 'Raderat larm', people, [{ channel: 'sms' }]);
    await call(b!, 'campaigns.start', { id: c.id });
    const onA = await sameAlert(a!, 'Raderat larm');
    const final = { 'Svarar Ett': 'confirmed', 'Får Bara': 'reached', 'Nås Ej': 'unreached' };
    await until(async () => JSON.stringify(await rollCall(a!, onA)) === JSON.stringify(final), 'the roll-call on the other desktop');
    // The desktop that does not run the alert erases the person (GDPR).
    const person = (await call(a!, 'contacts.search', { query: 'Får', limit: 1 })).items[0]!;
    await call(a!, 'contacts.erase', { id: person.id });
    const scrubbed = { 'Svarar Ett': 'confirmed', 'Raderad person': 'reached', 'Nås Ej': 'unreached' };
    for (const [e, id] of [
      [a!, onA],
      [b!, c.id],
    ] as const) {
      await until(async () => JSON.stringify(await rollCall(e, id)) === JSON.stringify(scrubbed), 'the person to leave the roll-call');
      await until(async () => (await call(e, 'sync.status', {})).pending === 0, 'the outbox to drain');
    }
    const traces = /Får|Bara|46701110002|070-111 00 02/;
    for (const e of [a!, b!]) {
      const db = e.context.store.sqlite;
      for (const table of ['sync_state', 'sync_outbox', 'campaign_recipients', 'deliveries', 'delivery_events'])
        expect(traces.exec(JSON.stringify(db.prepare(`SELECT * FROM ${table}`).all()))?.[0] ?? null, `${table} on a desktop`).toBeNull();
      // The numbers stay: three people, one reached.
      expect((await call(e, 'campaigns.progress', { id: e === a ? onA : c.id })).outcomes.reached).toBe(1);
    }
    const relayDb = consoles[0]!.demo!.relay.db;
    const logged = await relayDb.asOwner((q) => q.query<{ payload: unknown }>("SELECT payload FROM events WHERE kind = 'sync'"));
    expect(traces.exec(JSON.stringify(logged))?.[0] ?? null, "the relay's log").toBeNull();
    const states = await relayDb.asOwner((q) => q.query<{ state: unknown }>('SELECT state FROM sync_entities'));
    expect(traces.exec(JSON.stringify(states))?.[0] ?? null, "the relay's states").toBeNull();
  }, 120_000);

  it('a reply in the inbox marked handled on one desktop is handled on the other, and back', async () => {
    const [a, b] = await demoConsoles(2);
    const world = consoles[0]!.demo!.simulator;
    await world.injectInboundMessage({ from: '+46701110009', to: DEMO_FROM, body: 'Vem ringer?' });
    const inbox = async (e: Engine, handled: boolean) => (await call(e, 'inbox.list', { handled, limit: 10 })).messages;
    for (const e of [a!, b!]) await until(async () => (await inbox(e, false)).length === 1, 'the reply in both inboxes');
    const onA = (await inbox(a!, false))[0]!;
    await call(a!, 'inbox.markHandled', { ids: [onA.id], handled: true });
    await until(async () => (await inbox(b!, true)).length === 1, 'the reply handled on the other desktop');
    expect((await inbox(b!, true))[0]).toMatchObject({ text: 'Vem ringer?', handled: true });
    expect(await inbox(b!, false)).toEqual([]);
    const onB = (await inbox(b!, true))[0]!;
    await call(b!, 'inbox.markHandled', { ids: [onB.id], handled: false });
    await until(async () => (await inbox(a!, false)).length === 1, 'the reply not handled again on the first desktop');
  }, 120_000);

  it('takes over an alert whose owner stopped: the rest is sent from the new owner, nobody twice', async () => {
    const [a, b] = await demoConsoles(2);
    // SMS now; a call 20 s later to whoever has not confirmed by then.
    const c = await prepareAlert(b!, 'Övertaget larm', people, [
      { channel: 'sms' },
      { channel: 'voice', waitSeconds: 20, condition: 'not-confirmed' },
    ]);
    await call(b!, 'campaigns.start', { id: c.id });
    const onA = await sameAlert(a!, 'Övertaget larm');
    await until(async () => (await rollCall(a!, onA))['Svarar Ett'] === 'confirmed', 'the SMS confirmation on the other desktop');
    // Taking over is refused while the owner still renews.
    const early = await a!.rpc.call('sync.takeOver', { campaignId: onA });
    expect(early.ok).toBe(false);
    if (!early.ok) expect(early.error.refusal).toMatchObject({ code: 'campaign.owner-alive' });

    await consoles.splice(1, 1)[0]!.close(); // the owner's workstation goes away mid-alert
    await until(async () => !(await call(a!, 'sync.alertOwner', { campaignId: onA })).answering, 'the owner to stop answering', 40_000);
    const taken = await call(a!, 'sync.takeOver', { campaignId: onA });
    expect(taken.remote).toBe(false);
    await until(
      async () => (await call(a!, 'campaigns.get', { id: onA })).status === 'completed',
      'the new owner to finish the alert',
      90_000,
    );

    const world = consoles[0]!.demo!.simulator;
    // Nobody was sent an SMS twice; the two who had not confirmed were called once each, from the new owner.
    const smsTo = [
      ...world.messages().flatMap((m) => (m.direction === 'outbound-api' ? [m.to] : [])),
      ...world.elksMessages().flatMap((m) => (m.direction === 'outgoing' ? [m.to] : [])),
    ];
    expect(new Set(smsTo).size).toBe(smsTo.length);
    const called = world.calls().map((x) => x.to);
    expect(called.sort()).toEqual(['+46701110000', '+46701110002']);
    const audit = await call(a!, 'audit.list', { limit: 20 });
    expect(audit.entries.some((x) => x.action === 'campaign.takeOver')).toBe(true);
  }, 180_000);

  it("refuses an alert's operations made under a stale lease", async () => {
    relay = await startRelay({ encryptionKey: randomBytes(32), port: 0, logger: silentLogger() });
    const created = await relay.admin.createTenant('kommun', 'Kommunen');
    if (!created.ok) throw new Error(created.problem);
    const device = async (name: string) => {
      const e = await relay!.admin.createEnrolment('kommun', 1);
      if (!e.ok) throw new Error(e.problem);
      const enrolled = await enrolDevice(relay!.url, e.value.token, name);
      if (!enrolled.ok) throw new Error(enrolled.error.message);
      return { id: enrolled.value.deviceId, api: new RelayApi(relay!.url, enrolled.value.deviceToken) };
    };
    const x = await device('X');
    const y = await device('Y');
    const alert = randomUUID();
    let counter = { [x.id]: 0, [y.id]: 0 };
    const op = (by: { id: string }, fence: number, status: string): SyncOp => ({
      device: by.id,
      counter: ++counter[by.id]!,
      hlc: `${String(Date.now()).padStart(15, '0')}.000000`,
      entity: 'alert',
      id: alert,
      kind: 'put',
      fields: { status },
      fence,
    });
    const push = async (by: typeof x, o: SyncOp) => {
      const r = await by.api.pushSync([o]);
      if (!r.ok) throw new Error(r.error.message);
      return r.value.rejected;
    };
    expect(await push(x, op(x, 1, 'running'))).toEqual([]); // the maker holds the first lease
    expect(await push(y, op(y, 1, 'cancelled'))).toHaveLength(1); // another desktop cannot write it
    const early = await y.api.takeLease(alert);
    expect(early.ok && early.value.taken).toBe(false); // X still renews (its lease is fresh)
    // X stops renewing: once the lease runs out Y takes it, under a greater token.
    await new Promise((r) => setTimeout(r, 15_500));
    const taken = await y.api.takeLease(alert);
    expect(taken.ok && taken.value.taken && taken.value.lease.token).toBe(2);
    expect(await push(x, op(x, 1, 'paused'))).toHaveLength(1); // the former owner is refused
    expect(await push(y, op(y, 2, 'running'))).toEqual([]);
    const renewed = await x.api.renewLeases([{ alert, token: 1 }]);
    expect(renewed.ok && renewed.value.leases[0]).toMatchObject({ renewed: false, owner: y.id, token: 2 });
    counter = { [x.id]: 0, [y.id]: 0 };
  }, 60_000);
});
