// Alerts another system raises through the relay's REST API, run by a real desktop: the demo's
// world (relay on embedded PGlite, provider simulator with the real SDKs) and an engine
// enrolled with it. An API key made by the demo administrator triggers a prepared alert; the
// desktop claims the request, makes the alert in the key's name and starts it; the simulator
// receives the SMS; the API follows the request to running and completed with the roll-call.
// With no desktop online the request waits, and runs when the desktop comes back. Above the
// two-person rule's threshold it waits for a second person's approval in the console, where
// the key is named as the one who asked; a cancel through the API ends it on its desktop.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  apiAlertTriggerResponseSchema,
  apiAlertViewSchema,
  apiKeyCreateResponseSchema,
  apiRollcallPageSchema,
  signInResponseSchema,
  type ApprovalRuleInput,
} from '@gdial/protocol';
import { silentLogger, startEngine, type Engine } from '@gdial/engine';
import { startDemoWorld, type DemoWorld } from '../src/web/demo';
import { call, until } from './support/engine-calls';

let world: DemoWorld | undefined;
const engines: Engine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
  await world?.close();
  world = undefined;
});

async function http(method: string, url: string, token: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}

async function desktop(dataDir: string, approvalRule?: ApprovalRuleInput): Promise<Engine> {
  const engine = await startEngine({
    dataDir,
    logger: silentLogger(),
    signedIn: { displayName: 'Vakthavande', role: 'admin' },
    connectivity: world!.connectivity,
    approvalRule: { authorMayApproveTemplates: true, ...approvalRule },
  });
  engines.push(engine);
  await until(async () => (await call(engine, 'connectivity.status', {})).relay.status === 'connected', 'the relay stream');
  return engine;
}

/** Three people, an approved SMS template and the prepared alert "Vattenläcka i {{plats}}" on this desktop. */
async function prepare(e: Engine): Promise<string> {
  const group = await call(e, 'groups.create', { name: 'Driftjour' });
  for (const [first, number] of [
    ['Ett', '070-111 00 01'],
    ['Två', '070-111 00 02'],
    ['Tre', '070-111 00 03'],
  ] as const)
    await call(e, 'contacts.create', { firstName: first, lastName: 'Jour', phones: [{ number }], groupIds: [group.id] });
  const template = await call(e, 'templates.create', {
    name: 'Vattenlarm',
    variants: { sv: { sms: 'Hej {{first_name}}! Vattenläcka. Svara 1 om du har fått detta.' } },
    fallbacks: { first_name: 'du' },
  });
  await call(e, 'templates.approve', { id: template.id });
  const p = await call(e, 'preparedAlerts.save', {
    fields: { name: 'Vattenläcka i {{plats}}', templateId: template.id, audience: { groupIds: [group.id] }, steps: [{ channel: 'sms' }] },
  });
  return p.id;
}

/** The demo administrator signs in at the relay and makes a key for the SCADA system. */
async function scadaKey(): Promise<string> {
  const relay = world!.connectivity.relay!;
  const signedIn = await http('POST', `${relay.url}/api/v1/auth/sign-in`, relay.deviceToken, {
    username: 'demo-admin',
    password: 'gdial-demo-admin',
  });
  const access = signInResponseSchema.parse(signedIn.body).accessToken;
  const key = await http('POST', `${relay.url}/api/v1/api-keys`, access, { name: 'SCADA', scopes: ['alerts:trigger', 'alerts:read'] });
  return apiKeyCreateResponseSchema.parse(key.body).secret;
}

const api = (p: string) => `${world!.relay.url}/api/v1${p}`;
const sent = () => world!.simulator.messages().filter((m) => m.direction === 'outbound-api');

/** Triggers once the prepared alert has reached the relay (the desktop pushes it within moments). */
async function trigger(key: string, preparedId: string, idem: string) {
  let answer: { status: number; body: unknown } = { status: 0, body: null };
  await until(async () => {
    answer = await http(
      'POST',
      api('/alerts'),
      key,
      { preparedAlert: preparedId, variables: { plats: 'Pumpstationen' } },
      { 'idempotency-key': idem },
    );
    return answer.status !== 404;
  }, 'the prepared alert at the relay');
  expect(answer.status, JSON.stringify(answer.body)).toBe(202);
  return apiAlertTriggerResponseSchema.parse(answer.body);
}

const view = async (key: string, id: string) => apiAlertViewSchema.parse((await http('GET', api(`/alerts/${id}`), key)).body);

describe('alerts other systems raise through the API', () => {
  it('runs end to end on the simulator with a desktop online, made and started in the key’s name', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gdial-api-alerts-'));
    world = await startDemoWorld({ dataDir: dir, logger: silentLogger(), profile: 'fast' });
    const e = await desktop(dir);
    const prepared = await prepare(e);
    const key = await scadaKey();
    const asked = await trigger(key, prepared, 'larm-1');
    expect(asked.desktopOnline).toBe(true);
    await until(async () => (await view(key, asked.id)).status === 'completed', 'the request to complete');
    expect(sent()).toHaveLength(3);
    const done = await view(key, asked.id);
    expect(done).toMatchObject({ alert: { name: 'Vattenläcka i Pumpstationen', status: 'completed' }, counts: { recipients: 3 } });
    const rollcall = apiRollcallPageSchema.parse((await http('GET', api(`/alerts/${asked.id}/rollcall`), key)).body);
    expect(rollcall.entries.map((r) => r.channel)).toEqual(['sms', 'sms', 'sms']);
    // On the desktop: the alert and its start carry the key's name.
    const alerts = await call(e, 'campaigns.list', { limit: 10 });
    const made = alerts.campaigns.find((c) => c.name === 'Vattenläcka i Pumpstationen')!;
    expect((await call(e, 'campaigns.get', { id: made.id })).createdBy).toBe('API-nyckeln ”SCADA”');
    const audit = (await call(e, 'audit.list', { limit: 200 })).entries;
    expect(audit.find((x) => x.action === 'campaign.start')).toMatchObject({ actor: 'API-nyckeln ”SCADA”' });
    // The same Idempotency-Key again: the same request, no second alert.
    const again = await http(
      'POST',
      api('/alerts'),
      key,
      { preparedAlert: prepared, variables: { plats: 'Pumpstationen' } },
      { 'idempotency-key': 'larm-1' },
    );
    expect(again).toMatchObject({ status: 200, body: { id: asked.id, created: false } });
    expect(sent()).toHaveLength(3);
  }, 180_000);

  it('waits with no desktop online and runs when the desktop comes back', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gdial-api-alerts-wait-'));
    world = await startDemoWorld({ dataDir: dir, logger: silentLogger(), profile: 'fast' });
    const e = await desktop(dir);
    const prepared = await prepare(e);
    await until(async () => (await call(e, 'sync.status', {})).pending === 0, 'the prepared alert pushed');
    const key = await scadaKey();
    await engines.splice(0)[0]!.close();
    // The relay counts a desktop online for 45 s after it was last seen: that time has passed.
    const tenant = (await world.relay.admin.listTenants()).find((t) => t.slug === 'demo')!;
    await world.relay.db.withTenant(tenant.id, (q) => q.query(`UPDATE devices SET last_seen_at = now() - interval '5 minutes'`));
    const asked = await trigger(key, prepared, 'larm-2');
    expect(asked).toMatchObject({ status: 'waiting-for-desktop', desktopOnline: false });
    expect(asked.message).toContain('Ingen arbetsplats');
    await new Promise((r) => setTimeout(r, 1000));
    expect((await view(key, asked.id)).status).toBe('waiting-for-desktop');
    expect(sent()).toHaveLength(0);
    // The desktop comes back: it finds the request itself and runs it.
    await desktop(dir);
    await until(async () => (await view(key, asked.id)).status === 'completed', 'the request to run and complete');
    expect(sent()).toHaveLength(3);
  }, 180_000);

  it('above the threshold it waits for a second person’s approval, naming the key as the one who asked', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gdial-api-alerts-approval-'));
    world = await startDemoWorld({ dataDir: dir, logger: silentLogger(), profile: 'fast' });
    const e = await desktop(dir, { threshold: 2 });
    const prepared = await prepare(e);
    const key = await scadaKey();
    const asked = await trigger(key, prepared, 'larm-3');
    await until(async () => (await view(key, asked.id)).status === 'awaiting-approval', 'the request to wait for approval');
    expect(sent()).toHaveLength(0);
    const pending = (await call(e, 'campaigns.approvals', {})).approvals;
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({
      campaignName: 'Vattenläcka i Pumpstationen',
      requestedBy: { name: 'API-nyckeln ”SCADA”' },
      recipients: 3,
    });
    // The operator signed in here is a second person to the key.
    await call(e, 'campaigns.approve', { id: pending[0]!.campaignId, comment: 'Kontrollerat' });
    await until(async () => (await view(key, asked.id)).status === 'completed', 'the approved alert to run');
    expect(sent()).toHaveLength(3);
  }, 180_000);

  it('a cancel through the API ends the alert on its desktop', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gdial-api-alerts-cancel-'));
    world = await startDemoWorld({ dataDir: dir, logger: silentLogger(), profile: 'fast' });
    const e = await desktop(dir, { threshold: 2 });
    const prepared = await prepare(e);
    const key = await scadaKey();
    const asked = await trigger(key, prepared, 'larm-4');
    await until(async () => (await view(key, asked.id)).status === 'awaiting-approval', 'the request to wait for approval');
    const cancelled = await http('POST', api(`/alerts/${asked.id}/cancel`), key, { reason: 'Falsklarm' });
    expect(cancelled).toMatchObject({ status: 200, body: { status: 'cancelling' } });
    await until(async () => (await view(key, asked.id)).status === 'cancelled', 'the desktop to cancel it');
    const made = (await call(e, 'campaigns.list', { limit: 10 })).campaigns.find((c) => c.name === 'Vattenläcka i Pumpstationen')!;
    expect((await call(e, 'campaigns.get', { id: made.id })).status).toBe('cancelled');
    expect(sent()).toHaveLength(0);
  }, 180_000);
});
