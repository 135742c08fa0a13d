// Inställningar → Webhooks on the demo console (engine, embedded relay and simulator): the
// administrator subscribes a receiver running in this test, copies the secret shown once, an
// alert runs on the simulator and its events arrive signed (checked here with node:crypto,
// per the Standard Webhooks spec), the delivery log lists each attempt, and "Skicka igen"
// sends one again under the same webhook-id. The screenshot is the guide's.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MethodInput, MethodName, MethodOutput } from '@gdial/protocol';
import { openConsole, type Console } from './harness';

const GUIDE_IMG = path.resolve(import.meta.dirname, '../../../docs/guide/img');
const consoles: Console[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of consoles.splice(0)) await c.close();
  for (const f of cleanups.splice(0)) await f();
});

async function callOn<M extends MethodName>(c: Console, m: M, params: MethodInput<M>): Promise<MethodOutput<M>> {
  const r = await c.host.engine.rpc.call(m, params);
  if (!r.ok) throw new Error(`${m}: ${r.error.message}`);
  return r.value as MethodOutput<M>;
}

function verified(secret: string, h: IncomingHttpHeaders, body: string): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key)
    .update(`${String(h['webhook-id'])}.${String(h['webhook-timestamp'])}.${body}`)
    .digest();
  return String(h['webhook-signature'])
    .split(' ')
    .some((s) => {
      const got = Buffer.from(s.replace(/^v1,/, ''), 'base64');
      return s.startsWith('v1,') && got.length === expected.length && timingSafeEqual(got, expected);
    });
}

describe('webhooks', () => {
  it('subscribes a receiver, delivers an alert’s events signed, logs them and sends one again', async () => {
    const got: { headers: IncomingHttpHeaders; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        got.push({ headers: req.headers, body });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => server.close(() => r())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/gdial`;

    const c = await openConsole({ demo: 'fast' });
    consoles.push(c);
    const page = c.page;
    // The organisation's webhooks live at the relay: the demo administrator signs in online.
    const session = await callOn(c, 'session.signIn', { username: 'demo-admin', password: 'gdial-demo-admin' });
    expect(session.via).toBe('relay');
    await page.getByRole('link', { name: 'Inställningar' }).click();
    const section = page.getByRole('region', { name: 'Webhooks' });
    await section.scrollIntoViewIfNeeded();
    await section.getByLabel('Adress (https://…)').fill(url);
    await section.getByLabel('Beskrivning').fill('Ledningssystemet');
    await section.getByRole('button', { name: 'Lägg till webhook' }).click();
    const secretField = section.getByLabel('Hemlighet', { exact: true });
    await expect.poll(async () => secretField.count(), { timeout: 30_000 }).toBe(1);
    const secret = await secretField.inputValue();
    expect(secret).toMatch(/^whsec_/);

    // An alert on the simulator: two people, SMS, both confirm.
    const group = await callOn(c, 'groups.create', { name: 'Driftlaget' });
    for (const [firstName, number] of [
      ['Anna', '070-222 00 01'],
      ['Bo', '070-222 00 02'],
    ] as const)
      await callOn(c, 'contacts.create', { firstName, lastName: 'Drift', phones: [{ number }], groupIds: [group.id] });
    const template = await callOn(c, 'templates.create', { name: 'Vattenläcka', variants: { sv: { sms: 'Vattenläcka. Svara 1.' } } });
    await callOn(c, 'templates.approve', { id: template.id });
    const alert = await callOn(c, 'campaigns.create', {
      name: 'Vattenläcka i pumpstationen',
      templateId: template.id,
      audience: { groupIds: [group.id] },
      steps: [{ channel: 'sms' }],
    });
    await callOn(c, 'campaigns.start', { id: alert.id });

    const types = () => got.map((g) => (JSON.parse(g.body) as { type: string }).type);
    await expect.poll(() => types().includes('alert.started'), { timeout: 90_000 }).toBe(true);
    await expect.poll(() => types().includes('alert.completed'), { timeout: 120_000 }).toBe(true);
    expect(got.every((g) => verified(secret, g.headers, g.body))).toBe(true);

    const log = page.getByRole('table', { name: 'Leveranslogg' });
    await expect.poll(async () => log.getByText('Larmet är klart').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await expect.poll(async () => log.getByText('Larmet startade').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await log.getByText('Vattenläcka i pumpstationen').count()).toBeGreaterThan(0);
    expect(await log.getByText(/1\. .*: HTTP 200/).count()).toBeGreaterThan(0);

    await section.getByRole('button', { name: `Skicka testhändelse till ${url}` }).click();
    await expect.poll(() => types().includes('webhook.test'), { timeout: 30_000 }).toBe(true);

    const started = got.find((g) => (JSON.parse(g.body) as { type: string }).type === 'alert.started')!;
    const before = got.length;
    await log.getByRole('button', { name: /^Skicka igen: Larmet startade/ }).click();
    await expect.poll(() => got.length, { timeout: 30_000 }).toBeGreaterThan(before);
    expect(got.at(-1)!.headers['webhook-id']).toBe(started.headers['webhook-id']);
    await expect.poll(async () => log.getByText(/2\. .*: HTTP 200/).count(), { timeout: 30_000 }).toBeGreaterThan(0);

    // The console's fixed header would lie across the section, which is taller than the window.
    await section.screenshot({ path: path.join(GUIDE_IMG, 'webhooks.png'), style: '.mantine-AppShell-header { visibility: hidden; }' });
    await c.screenshot('webhooks-settings');
  }, 300_000);
});
