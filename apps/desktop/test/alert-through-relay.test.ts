// End to end through the real parts: engine → provider simulator (real twilio SDK) →
// signed webhooks into the relay (embedded PGlite) → relay event stream → engine. This is
// the wiring `npm start` runs in demo mode; no status reaches the engine any other way.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MethodInput, MethodName, MethodOutput } from '@gdial/protocol';
import { silentLogger } from '@gdial/engine';
import { startConsole, type ConsoleHost } from '../src/web/host';

let host: ConsoleHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

async function call<M extends MethodName>(m: M, params: MethodInput<M>): Promise<MethodOutput<M>> {
  const res = await host!.engine.rpc.call(m, params);
  if (!res.ok) throw new Error(`${m}: ${res.error.message}`);
  return res.value as MethodOutput<M>;
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function world() {
  host = await startConsole({
    port: 0,
    dataDir: mkdtempSync(path.join(os.tmpdir(), 'gdial-relay-e2e-')),
    logger: silentLogger(),
    connectivity: { mode: 'demo' },
    demoProfile: 'fast',
    uiDir: path.resolve(import.meta.dirname, 'fixtures/ui'),
    // The demo admin approves the template it wrote; the two-person rule has its own tests (approval-sync.test.ts).
    approvalRule: { authorMayApproveTemplates: true },
  });
  await until(async () => (await call('connectivity.status', {})).relay.status === 'connected', 'the relay stream');
  const group = await call('groups.create', { name: 'Krisledning' });
  const template = await call('templates.create', {
    name: 'Larm',
    variants: {
      sv: {
        sms: 'Hej {{first_name}}! Larm. Svara 1 om du har fått detta.',
        voice: { kind: 'tts', script: 'Hej {{first_name}}. Detta är ett larm. Tryck 1 för att bekräfta.' },
      },
    },
    fallbacks: { first_name: 'du' },
  });
  await call('templates.approve', { id: template.id });
  return { group, template, host: host };
}

const outcomes = async (id: number) =>
  new Map((await call('campaigns.report', { id, limit: 100 })).recipients.map((r) => [r.displayName, r]));

describe('alerts through the relay', () => {
  it('SMS: replies, deliveries and failures come back through the relay stream', async () => {
    const { group, template, host: h } = await world();
    for (const [name, number] of [
      ['Svarar Ett', '070-111 00 01'],
      ['Får Bara', '070-111 00 02'],
      ['Nås Ej', '070-111 00 00'],
    ] as const) {
      await call('contacts.create', {
        firstName: name.split(' ')[0],
        lastName: name.split(' ')[1],
        phones: [{ number }],
        groupIds: [group.id],
      });
    }
    const c = await call('campaigns.create', {
      name: 'SMS-larm',
      templateId: template.id,
      audience: { groupIds: [group.id] },
      steps: [{ channel: 'sms' }],
    });
    await call('campaigns.start', { id: c.id });
    await until(async () => {
      const o = await outcomes(c.id);
      return (
        o.get('Svarar Ett')?.outcome === 'confirmed' && o.get('Får Bara')?.outcome === 'reached' && o.get('Nås Ej')?.outcome === 'unreached'
      );
    }, 'final SMS outcomes');
    const o = await outcomes(c.id);
    expect(o.get('Svarar Ett')?.confirmedVia).toMatch(/1/);
    // Every callback the simulator sent went to the relay and was acknowledged there.
    const callbacks = h.demo!.simulator.callbacks();
    expect(callbacks.length).toBeGreaterThan(0);
    expect(callbacks.every((cb) => cb.url.startsWith(h.demo!.relay.url))).toBe(true);
    await until(async () => h.demo!.simulator.callbacks().every((cb) => cb.state === 'delivered'), 'callbacks acknowledged');
  }, 120_000);

  it('voice: the call flow is served by the relay and the pressed 1 confirms', async () => {
    const { group, template, host: h } = await world();
    await call('contacts.create', { firstName: 'Trycker', lastName: 'Ett', phones: [{ number: '070-111 00 03' }], groupIds: [group.id] });
    const c = await call('campaigns.create', {
      name: 'Röstlarm',
      templateId: template.id,
      audience: { groupIds: [group.id] },
      steps: [{ channel: 'voice' }],
    });
    await call('campaigns.start', { id: c.id });
    await until(async () => (await outcomes(c.id)).get('Trycker Ett')?.outcome === 'confirmed', 'DTMF confirmation');
    const r = (await outcomes(c.id)).get('Trycker Ett')!;
    expect(r.confirmedVia).toMatch(/pressed 1/);
    const [callRecord] = h.demo!.simulator.calls();
    expect(callRecord?.to).toBe('+46701110003');
    // The flow came from the relay's /twiml, and the digits went back to the relay.
    const fetched = h.demo!.simulator.callbacks().map((cb) => cb.url);
    expect(fetched.some((u) => u.startsWith(`${h.demo!.relay.url}/twiml/`))).toBe(true);
  }, 120_000);

  it('refuses to start an alert that no configured provider can send, and sends nothing', async () => {
    host = await startConsole({
      port: 0,
      dataDir: mkdtempSync(path.join(os.tmpdir(), 'gdial-noprov-')),
      logger: silentLogger(),
      connectivity: { mode: 'live', settings: {} },
      signedIn: { displayName: 'Test', role: 'admin' },
      uiDir: path.resolve(import.meta.dirname, 'fixtures/ui'),
      approvalRule: { authorMayApproveTemplates: true },
    });
    const group = await call('groups.create', { name: 'Stab' });
    await call('contacts.create', { firstName: 'Ada', phones: [{ number: '070-111 00 09' }], groupIds: [group.id] });
    const template = await call('templates.create', { name: 'Larm', variants: { sv: { sms: 'Larm. Svara 1.' } } });
    await call('templates.approve', { id: template.id });
    const c = await call('campaigns.create', {
      name: 'Utan leverantör',
      templateId: template.id,
      audience: { groupIds: [group.id] },
      steps: [{ channel: 'sms' }],
    });
    const plan = await call('campaigns.plan', { id: c.id });
    expect(plan.blockers).toEqual([expect.stringContaining('No provider is configured for sms')]);
    const res = await host.engine.rpc.call('campaigns.start', { id: c.id });
    expect(res).toMatchObject({ ok: false, error: { code: 'PRECONDITION' } });
    expect((await call('campaigns.get', { id: c.id })).status).toBe('draft');
  }, 60_000);
});
