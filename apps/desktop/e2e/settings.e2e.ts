// Settings → "Leverantörer och relä" in a real Chromium against the browser host. With a
// sealer (standing in for the desktop app's safeStorage), an administrator gets field
// errors from the engine next to the fields, saves working credentials, sees them as
// "sparad" and the relay connect, tests the relay, and finds the change in the audit log
// without any secret in it. Without a sealer (the browser host as `npm start` runs it), the
// section explains that credentials come from environment variables. Both are scanned with
// axe-core and screenshotted under artifacts/screenshots.
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { SecretSealer } from '@gdial/engine';
import { connectivityFromEnv } from '../src/web/config';
import { ARTIFACTS, openConsole, type Console } from './harness';

const environmentReport = (env: NodeJS.ProcessEnv) => connectivityFromEnv(env).environment ?? [];

function testSealer(): SecretSealer {
  const key = randomBytes(32);
  return {
    available: async () => ({ ok: true }),
    async seal(slot, value) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(slot));
      const body = Buffer.concat([c.update(value, 'utf8'), c.final()]);
      return { ok: true, value: Buffer.concat([iv, c.getAuthTag(), body]).toString('base64') };
    },
    async open(slot, sealed) {
      const raw = Buffer.from(sealed, 'base64');
      const d = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12)).setAAD(Buffer.from(slot));
      d.setAuthTag(raw.subarray(12, 28));
      return { ok: true, value: { value: Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8'), resealed: null } };
    },
  };
}

/** A relay's health check and event stream, enough for the engine to connect (on loopback, which the engine may reach). */
async function stubRelay() {
  const server = createServer((req, res) => {
    if (req.url === '/healthz')
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', version: '1.4.2' }));
    else res.writeHead(404).end();
  });
  const wss = new WebSocketServer({ server, path: '/stream' });
  wss.on('connection', (ws) =>
    ws.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString('utf8')) as { type: string };
      if (m.type === 'hello')
        ws.send(JSON.stringify({ type: 'welcome', tenant: 'kommun-x', deviceId: 'd1', headSeq: 0, heartbeatMs: 15_000 }));
    }),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      for (const c of wss.clients) c.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

async function expectAccessible(page: Page, name: string): Promise<void> {
  mkdirSync(path.join(ARTIFACTS, 'axe'), { recursive: true });
  const results = await new AxeBuilder({ page }).include('main').analyze();
  writeFileSync(path.join(ARTIFACTS, 'axe', `${name}.json`), JSON.stringify(results.violations, null, 2));
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    serious.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    `axe on ${name}`,
  ).toEqual([]);
}

/**
 * Screenshots one part of the page (the section) after transitions have finished, in a
 * window tall enough that it needs no scrolling (the console's header stays on top of
 * anything scrolled under it).
 */
async function shoot(section: Locator, name: string): Promise<void> {
  const page = section.page();
  await page.mouse.move(0, 0); // no hover state in the picture
  const before = page.viewportSize();
  const box = await section.boundingBox();
  if (before && box)
    await page.setViewportSize({ width: before.width, height: Math.ceil(Math.max(before.height, box.y + box.height + 40)) });
  await page.evaluate(async () => {
    window.scrollTo(0, 0);
    await Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined)));
  });
  mkdirSync(path.join(ARTIFACTS, 'screenshots'), { recursive: true });
  await section.screenshot({ path: path.join(ARTIFACTS, 'screenshots', `${name}.png`) });
  if (before) await page.setViewportSize(before);
}

let c: Console | undefined;
let relay: Awaited<ReturnType<typeof stubRelay>> | undefined;
afterEach(async () => {
  await c?.close();
  await relay?.close();
  c = undefined;
  relay = undefined;
});

const DEVICE_TOKEN = `gdd_${randomUUID()}_${randomBytes(32).toString('base64url')}`;
const AUTH_TOKEN = randomBytes(16).toString('hex');

describe('settings: providers and relay', () => {
  it('with secure storage: field errors from the engine, save, "sparad", relay connected, test, audit without secrets', async () => {
    relay = await stubRelay();
    c = await openConsole({ secrets: testSealer(), operator: 'Karin Lind' });
    const { page } = c;
    await page.getByRole('link', { name: 'Inställningar' }).click();
    const section = page.getByRole('region', { name: 'Leverantörer och relä' });
    await section.waitFor();

    // Twilio on, a SID that is an API key SID and a number too short: the engine names both fields, and the relay fields it needs.
    await section.getByRole('switch', { name: 'Använd Twilio' }).check({ force: true });
    await section.getByRole('textbox', { name: 'Account SID' }).fill('SK0123');
    await section.getByRole('textbox', { name: 'Avsändarnummer' }).fill('070-17');
    await section.getByRole('button', { name: 'Spara och anslut' }).click();
    await section.getByRole('alert').filter({ hasText: 'Inget sparades. Rätta fälten som är markerade.' }).waitFor();
    const sid = section.getByRole('textbox', { name: 'Account SID' });
    await expect.poll(() => sid.getAttribute('aria-invalid')).toBe('true');
    await section.getByText('Ange kontots SID: "AC" följt av 32 tecken 0–9 och a–f (Twilio Console → Account info).').waitFor();
    await section.getByText('Ange ett telefonnummer, t.ex. 070-123 45 67 eller +46701234567.').waitFor();
    await section.getByText('Ange reläets adress, t.ex. https://relay.kommun.se. Den behövs när någon leverantör används.').waitFor();
    await section.getByText('Ange enhetsnyckeln som datorn fick vid registreringen hos reläet.').waitFor();
    await shoot(section, 'settings-providers-errors');

    // Correct it; secrets go into password fields found by their labels.
    await section.getByRole('textbox', { name: 'Reläets adress' }).fill(relay.url);
    await section.getByRole('textbox', { name: 'Organisation på reläet' }).fill('kommun-x');
    await section.getByLabel('Enhetsnyckel', { exact: true }).fill(DEVICE_TOKEN);
    await sid.fill(`AC${'0123456789abcdef'.repeat(2)}`);
    await section.getByLabel('Auth token', { exact: true }).fill(AUTH_TOKEN);
    // Written the Swedish way (stored as +46701740000) and submitted from the keyboard.
    await section.getByRole('textbox', { name: 'Avsändarnummer' }).fill('070-174 00 00');
    await section.getByRole('textbox', { name: 'Avsändarnummer' }).press('Enter');

    const applied = section.getByRole('status').filter({ hasText: 'Sparat och tillämpat' });
    await applied.filter({ hasText: 'Reläet: Anslutet.' }).waitFor();
    await expect.poll(() => section.getByRole('textbox', { name: 'Avsändarnummer' }).inputValue()).toBe('+46701740000');
    await applied.filter({ hasText: 'Klara kanaler: Röstsamtal, SMS.' }).waitFor();
    // The relay status section above says the same.
    await page
      .getByRole('status')
      .filter({ hasText: /^Anslutet$/ })
      .waitFor();

    // Secrets are not shown again: blank fields saying "sparad".
    const token = section.getByLabel('Auth token', { exact: true });
    expect(await token.inputValue()).toBe('');
    expect(await token.getAttribute('placeholder')).toContain('sparad');
    await section
      .getByText(/Lämna tomt för att behålla\./)
      .first()
      .waitFor();
    expect(await section.getByRole('button', { name: 'Glöm sparad Auth token' }).isVisible()).toBe(true);

    await section.getByRole('button', { name: 'Testa reläet' }).click();
    await section
      .getByRole('status')
      .filter({ hasText: /Reläet svarar, version 1\.4\.2 \(\d+ ms\)\./ })
      .waitFor();

    await expectAccessible(page, 'settings-providers');
    await shoot(section, 'settings-providers');
    await page.evaluate(() => window.scrollTo(0, 0));
    await c.screenshot('settings-providers-page');

    // No secret anywhere in the page, and the change is in the audit log without them.
    expect(await page.content()).not.toContain(AUTH_TOKEN);
    await page.getByRole('link', { name: 'Händelselogg' }).click();
    await page.getByRole('cell', { name: /Providers and relay changed: .*twilio\.authToken set/ }).waitFor();
    const html = await page.content();
    expect(html).not.toContain(AUTH_TOKEN);
    expect(html).not.toContain(DEVICE_TOKEN);
  });

  it('46elks as the second route: a wrong username is named in Swedish, then Twilio first and 46elks after it with each sender’s throughput', async () => {
    relay = await stubRelay();
    c = await openConsole({ secrets: testSealer(), operator: 'Karin Lind' });
    const { page } = c;
    await page.getByRole('link', { name: 'Inställningar' }).click();
    const section = page.getByRole('region', { name: 'Leverantörer och relä' });
    await section.waitFor();
    await section.getByRole('textbox', { name: 'Reläets adress' }).fill(relay.url);
    await section.getByRole('textbox', { name: 'Organisation på reläet' }).fill('kommun-x');
    await section.getByLabel('Enhetsnyckel', { exact: true }).fill(DEVICE_TOKEN);
    await section.getByRole('switch', { name: 'Använd Twilio' }).check({ force: true });
    await section.getByRole('textbox', { name: 'Account SID' }).fill(`AC${'0123456789abcdef'.repeat(2)}`);
    await section.getByLabel('Auth token', { exact: true }).fill(AUTH_TOKEN);
    await section.getByRole('textbox', { name: 'Avsändarnummer' }).fill('070-174 00 00');
    await section.getByRole('switch', { name: 'Använd 46elks' }).check({ force: true });
    await section.getByRole('textbox', { name: 'API-användarnamn' }).fill('admin');
    await section.getByLabel('API-lösenord', { exact: true }).fill('ABCdef0123456789XYZ');
    await section.getByRole('textbox', { name: 'Nummer hos 46elks' }).fill('076-686 00 00');
    await section.getByLabel('Hemlighet för återrop', { exact: true }).fill(randomBytes(32).toString('base64url'));
    await section.getByRole('button', { name: 'Spara och anslut' }).click();
    await section.getByText('Ange API-användarnamnet: "u" följt av 32 tecken 0–9 och a–f (46elks-kontot → API).').waitFor();

    await section.getByRole('textbox', { name: 'API-användarnamn' }).fill(`u${'0a'.repeat(16)}`);
    await section.getByRole('textbox', { name: '46elks: SMS per sekund' }).fill('20');
    await section.getByRole('button', { name: 'Spara och anslut' }).click();
    await section.getByRole('status').filter({ hasText: 'Sparat och tillämpat' }).waitFor();
    await expect.poll(() => section.getByRole('textbox', { name: 'Nummer hos 46elks' }).inputValue()).toBe('+46766860000');
    expect(await section.getByRole('textbox', { name: 'Går först' }).inputValue()).toBe('Twilio först, sedan 46elks');
    expect(await section.getByLabel('API-lösenord', { exact: true }).inputValue()).toBe('');
    await expectAccessible(page, 'settings-failover');
    await shoot(section.getByRole('group', { name: 'Reservväg och kapacitet' }), 'settings-failover');
    await shoot(section.getByRole('group', { name: /46elks – SMS och röstsamtal/ }), 'settings-elks');
    const html = await page.content();
    expect(html).not.toContain('ABCdef0123456789XYZ');
  });

  it('in the browser host as `npm start` runs it (demo, no secure storage): the environment variables instead of a form', async () => {
    // What apps/desktop/src/web/main.ts passes when no variable is set.
    const environment = environmentReport({});
    c = await openConsole({ demo: 'fast', connectivityEnvironment: environment });
    const { page } = c;
    await page.getByRole('link', { name: 'Inställningar' }).click();
    const section = page.getByRole('region', { name: 'Leverantörer och relä' });
    await section.getByText('Demoläge: alla kanaler går till en simulerad leverantör.').waitFor();
    const table = section.getByRole('table', { name: 'Miljövariabler' });
    const row = table.getByRole('row').filter({ hasText: 'GDIAL_TWILIO_AUTH_TOKEN' });
    await row.getByRole('cell', { name: 'Twilio · Auth token' }).waitFor();
    await row.getByRole('cell', { name: 'Inte satt' }).waitFor();
    expect(await table.getByRole('row').count()).toBe(environment.length + 1);
    expect(await section.getByRole('button', { name: 'Spara och anslut' }).count()).toBe(0);
    expect(await section.getByLabel('Auth token').count()).toBe(0);
    await expectAccessible(page, 'settings-providers-web');
    await shoot(section, 'settings-providers-web');

    // English too.
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('region', { name: 'Providers and relay' }).getByRole('cell', { name: 'Not set' }).first().waitFor();
  });

  it('in the browser host without secure storage and nothing from the host: says credentials come from environment variables', async () => {
    c = await openConsole();
    const { page } = c;
    await page.getByRole('link', { name: 'Inställningar' }).click();
    const section = page.getByRole('region', { name: 'Leverantörer och relä' });
    await section.getByText('Den här webbversionen av GDial har ingen säker lagring').waitFor();
    await section.getByRole('table', { name: 'Miljövariabler' }).getByRole('cell', { name: 'GDIAL_RELAY_DEVICE_TOKEN' }).waitFor();
    expect(await section.getByRole('button', { name: 'Spara och anslut' }).count()).toBe(0);
  });
});
