// A CAP 1.2 message another system posts to the relay's REST API (POST /api/v1/cap), picked up
// by a real desktop: the demo's world (relay on embedded PGlite, provider simulator) and an
// engine enrolled with it. The desktop claims the request and makes a draft alert of it with
// the console's own CAP import (text, language, area, severity) in the API key's name; nothing
// is sent; the API shows the request as a draft with the alert's id. When an operator deletes
// the draft, the request ends as cancelled; when the key cancels, the draft is deleted in its name.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { apiAlertTriggerResponseSchema, apiAlertViewSchema, apiKeyCreateResponseSchema, signInResponseSchema } from '@gdial/protocol';
import { silentLogger, startEngine, type Engine } from '@gdial/engine';
import { capDocument } from '@gdial/engine/testing/cap';
import { startDemoWorld, type DemoWorld } from '../src/web/demo';
import { call, until } from './support/engine-calls';

let world: DemoWorld | undefined;
const engines: Engine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
  await world?.close();
  world = undefined;
});

async function http(method: string, url: string, token: string, body?: unknown, contentType = 'application/json') {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': contentType }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}

describe('CAP messages other systems send through the API', () => {
  it('become a draft alert on the desktop in the key’s name, never started; the API shows the draft', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gdial-api-cap-'));
    world = await startDemoWorld({ dataDir: dir, logger: silentLogger(), profile: 'fast' });
    const e = await startEngine({
      dataDir: dir,
      logger: silentLogger(),
      signedIn: { displayName: 'Vakthavande', role: 'admin' },
      connectivity: world.connectivity,
    });
    engines.push(e);
    await until(async () => (await call(e, 'connectivity.status', {})).relay.status === 'connected', 'the relay stream');
    const relay = world.connectivity.relay!;
    const signedIn = await http('POST', `${relay.url}/api/v1/auth/sign-in`, relay.deviceToken, {
      username: 'demo-admin',
      password: 'gdial-demo-admin',
    });
    const access = signInResponseSchema.parse(signedIn.body).accessToken;
    const made = await http('POST', `${relay.url}/api/v1/api-keys`, access, {
      name: 'Länsstyrelsen',
      scopes: ['alerts:trigger', 'alerts:read'],
    });
    const key = apiKeyCreateResponseSchema.parse(made.body).secret;
    const api = (p: string) => `${world!.relay.url}/api/v1${p}`;

    const posted = await http('POST', api('/cap'), key, capDocument(), 'application/cap+xml');
    expect(posted.status, JSON.stringify(posted.body)).toBe(202);
    const asked = apiAlertTriggerResponseSchema.parse(posted.body);
    expect(asked.desktopOnline).toBe(true);
    const view = async () => apiAlertViewSchema.parse((await http('GET', api(`/alerts/${asked.id}`), key)).body);
    await until(async () => (await view()).status === 'draft', 'the request to become a draft');
    const v = await view();
    expect(v.alertId).not.toBeNull();
    expect(v.claimedBy).not.toBeNull();

    // On the desktop: a draft with the CAP's text, language, area and severity, made in the key's name.
    const list = await call(e, 'campaigns.list', { limit: 10 });
    const draft = list.campaigns.find((c) => c.name === 'Brand med kraftig rök på Öxnered')!;
    expect(draft.status).toBe('draft');
    expect(draft.fromCap).toBe(true); // the alert list says "Från CAP via API-nyckeln ”Länsstyrelsen”"
    expect(list.campaigns.filter((c) => c.fromCap)).toHaveLength(1);
    const full = await call(e, 'campaigns.get', { id: draft.id });
    expect(full.createdBy).toBe('API-nyckeln ”Länsstyrelsen”');
    expect(full.settings.cap).toMatchObject({
      severity: 'Severe',
      areaDesc: 'Öxnered, Vänersborgs kommun',
      source: { identifier: 'SE-VBG-2026-0042', sender: 'raddning@vanersborg.se' },
    });
    const template = await call(e, 'templates.get', { id: full.settings.templateId });
    expect(template.variants.sv?.sms).toContain('Gå inomhus');
    const audit = (await call(e, 'audit.list', { limit: 200 })).entries;
    expect(audit.find((x) => x.action === 'cap.imported')).toMatchObject({ actor: 'API-nyckeln ”Länsstyrelsen”' });
    expect(audit.some((x) => x.action === 'campaign.start')).toBe(false);
    expect(world.simulator.messages().filter((m) => m.direction === 'outbound-api')).toHaveLength(0);

    // The same message again: the same request, no second draft.
    expect(await http('POST', api('/cap'), key, capDocument(), 'application/cap+xml')).toMatchObject({
      status: 200,
      body: { id: asked.id, created: false },
    });
    await e.services.apiAlerts.settled();
    expect((await call(e, 'campaigns.list', { limit: 10 })).campaigns.filter((c) => c.name === draft.name)).toHaveLength(1);

    // An operator deletes the draft instead of starting it: the request ends as cancelled.
    await call(e, 'campaigns.delete', { id: draft.id });
    e.services.apiAlerts.wake();
    await until(async () => (await view()).status === 'cancelled', 'the request to end when the draft is deleted');

    // The sender withdraws another message through the API before anyone started its draft: the draft is deleted in the key's name.
    const second = apiAlertTriggerResponseSchema.parse(
      (await http('POST', api('/cap'), key, capDocument({ alert: { identifier: 'SE-VBG-2026-0043' } }), 'application/cap+xml')).body,
    );
    const state = async () => apiAlertViewSchema.parse((await http('GET', api(`/alerts/${second.id}`), key)).body).status;
    await until(async () => (await state()) === 'draft', 'the second draft');
    expect((await http('POST', api(`/alerts/${second.id}/cancel`), key, { reason: 'Felskickat' })).status).toBe(200);
    await until(async () => (await state()) === 'cancelled', 'the withdrawn draft to end the request');
    expect((await call(e, 'campaigns.list', { limit: 10 })).campaigns.filter((c) => c.name === draft.name)).toHaveLength(0);
    const deleted = (await call(e, 'audit.list', { limit: 200 })).entries.filter((x) => x.action === 'campaign.delete');
    expect(deleted.map((x) => x.actor)).toEqual(['API-nyckeln ”Länsstyrelsen”', 'Vakthavande']);
  }, 180_000);
});
