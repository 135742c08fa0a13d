// An alert another system raises through the REST API, seen in a real Chromium on the demo
// console (engine, embedded relay, simulator): a SCADA posts to the demo relay's
// /api/v1/alerts with an API key, the console's desktop picks the request up and starts the
// prepared alert in the key's name, and the overview's running alert says "Startat via
// API-nyckeln ”SCADA”". The screenshot goes to the guide (docs/guide/img/api-larm-oversikt.png).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, type Console } from './harness';

const GUIDE_IMG = path.resolve(import.meta.dirname, '../../../docs/guide/img');

describe('an alert raised through the API in the console', () => {
  let c: Console;
  beforeAll(async () => {
    // "throughput": the provider accepts at once and nobody answers, so the alert stays running on the overview.
    c = await openConsole({ demo: 'throughput' });
    await c.page.getByRole('status').filter({ hasText: 'Ansluten till motorn' }).waitFor();
  }, 300_000);
  afterAll(async () => {
    await c?.close();
  });

  it('shows the running alert as started through the key', async () => {
    const { page } = c;
    const call = async <T>(m: string, params: unknown): Promise<T> => {
      const r = await c.host.engine.rpc.call(m, params);
      if (!r.ok) throw new Error(`${m}: ${r.error.message}`);
      return r.value as T;
    };
    const group = await call<{ id: number }>('groups.create', { name: 'Driftjour' });
    for (const [first, number] of [
      ['Anna', '070-111 00 11'],
      ['Bo', '070-111 00 12'],
      ['Cecilia', '070-111 00 13'],
    ] as const)
      await call('contacts.create', { firstName: first, lastName: 'Jour', phones: [{ number }], groupIds: [group.id] });
    const template = await call<{ id: number }>('templates.create', {
      name: 'Vattenlarm',
      variants: { sv: { sms: 'Hej {{first_name}}! Vattenläcka. Svara 1 om du har fått detta.' } },
      fallbacks: { first_name: 'du' },
    });
    await call('templates.approve', { id: template.id });
    const prepared = await call<{ id: string }>('preparedAlerts.save', {
      fields: { name: 'Vattenläcka i {{plats}}', templateId: template.id, audience: { groupIds: [group.id] }, steps: [{ channel: 'sms' }] },
    });

    // The administrator's key for the SCADA (as Inställningar → API-nycklar makes it).
    const relay = c.host.demo!.connectivity.relay!;
    const post = async (url: string, token: string, body: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const access = (
      await post(`${relay.url}/api/v1/auth/sign-in`, relay.deviceToken, { username: 'demo-admin', password: 'gdial-demo-admin' })
    ).body.accessToken as string;
    const key = (await post(`${relay.url}/api/v1/api-keys`, access, { name: 'SCADA', scopes: ['alerts:trigger', 'alerts:read'] })).body
      .secret as string;

    let asked = { status: 404, body: {} as Record<string, unknown> };
    await expect
      .poll(
        async () => {
          asked = await post(
            `${relay.url}/api/v1/alerts`,
            key,
            { preparedAlert: prepared.id, variables: { plats: 'Pumpstationen' } },
            { 'idempotency-key': 'e2e-1' },
          );
          return asked.status;
        },
        { timeout: 30_000 },
      )
      .toBe(202);

    await page.getByRole('navigation').getByRole('link', { name: 'Översikt' }).click();
    const badge = page.getByText('Startat via API-nyckeln ”SCADA”');
    await badge.waitFor({ timeout: 30_000 });
    await page.getByRole('heading', { name: 'Vattenläcka i Pumpstationen' }).waitFor();
    await page.setViewportSize({ width: 1366, height: 900 });
    const card = page
      .locator('.mantine-Paper-root')
      .filter({ has: page.getByRole('heading', { name: 'Vattenläcka i Pumpstationen' }) })
      .first();
    await card.screenshot({
      path: path.join(GUIDE_IMG, 'api-larm-oversikt.png'),
      style: '.mantine-AppShell-header { visibility: hidden; }',
    });

    // The alert list says who made it.
    await page.getByRole('navigation').getByRole('link', { name: 'Larm' }).click();
    await page.getByRole('cell', { name: 'API-nyckeln ”SCADA”' }).first().waitFor();
  }, 240_000);
});
