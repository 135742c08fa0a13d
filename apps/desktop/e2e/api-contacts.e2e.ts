// An HR system keeps the address book current through the REST API, seen in a real Chromium
// on the demo console (engine, embedded relay, simulator): the administrator makes a key
// with contacts:write in Inställningar → API-nycklar, the "HR system" posts a batch to the
// demo relay's /api/v1/contacts/batch and changes one person, and the console shows the new
// people in Kontakter and, in Händelselogg, each change under the key's name ("Skapad via
// API-nyckeln ”Personalsystemet”"), as does the person's Historik in the contact drawer.
// Screenshots of both go to the guide (docs/guide/img/api-kontakter-handelselogg.png,
// api-kontakt-historik.png).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, type Console } from './harness';

const GUIDE_IMG = path.resolve(import.meta.dirname, '../../../docs/guide/img');

describe('an HR sync through the API in the console', () => {
  let c: Console;
  beforeAll(async () => {
    c = await openConsole({ demo: 'fast', operator: false });
    await c.page.getByRole('status').filter({ hasText: 'Ansluten till motorn' }).waitFor();
  }, 300_000);
  afterAll(async () => {
    await c?.close();
  });

  it('shows the contacts the HR system wrote, and in the audit which key wrote them', async () => {
    const { page } = c;
    await expect.poll(() => page.getByTestId('signed-in-user').textContent(), { timeout: 60_000 }).toBe('Demo Administratör');
    await page.getByRole('navigation').getByRole('link', { name: 'Inställningar' }).click();
    const section = page.getByRole('region', { name: 'API-nycklar' });
    await section.getByLabel('Namn').fill('Personalsystemet');
    await section.getByRole('checkbox', { name: /^alerts:trigger/ }).uncheck();
    await section.getByRole('checkbox', { name: /^alerts:read/ }).uncheck();
    await section.getByRole('checkbox', { name: /^contacts:read/ }).check();
    await section.getByRole('checkbox', { name: /^contacts:write/ }).check();
    await section.getByRole('button', { name: 'Skapa nyckel' }).click();
    const secret = await section.getByRole('textbox', { name: 'Nyckel' }).inputValue();
    await section.getByRole('button', { name: 'Jag har sparat nyckeln' }).click();

    // The HR system's nightly run: a batch, then a change of one person.
    const relay = c.host.demo!.relay.url;
    const send = async (method: string, p: string, body: unknown) => {
      const res = await fetch(`${relay}/api/v1${p}`, {
        method,
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const batch = await send('POST', '/contacts/batch', {
      contacts: [
        { externalId: 'HR-7001', firstName: 'Maja', lastName: 'Lind', phones: [{ number: '070-765 43 21' }], role: 'Enhetschef' },
        { externalId: 'HR-7002', firstName: 'Olle', lastName: 'Sten', emails: [{ address: 'olle.sten@kommun.se' }] },
        { externalId: 'HR-7003', firstName: 'Pia', phones: [{ number: '070-12' }] },
      ],
    });
    expect(batch.body).toMatchObject({ applied: 2, refused: 1 });
    expect((await send('PUT', '/contacts/HR-7001', { role: 'Förvaltningschef' })).status).toBe(200);

    await page.getByRole('navigation').getByRole('link', { name: 'Kontakter' }).click();
    await page.getByText('Maja Lind').first().waitFor({ timeout: 30_000 });
    await page.getByText('Olle Sten').first().waitFor();

    await page.getByRole('navigation').getByRole('link', { name: 'Händelselogg' }).click();
    const table = page.getByRole('table', { name: 'Händelselogg' });
    await table.getByText('Ändrad via API-nyckeln ”Personalsystemet” (roll)').waitFor({ timeout: 30_000 });
    expect(await table.getByText('Skapad via API-nyckeln ”Personalsystemet”').count()).toBe(2);
    await table
      .getByRole('row', { name: /Ändrad via API-nyckeln/ })
      .getByText(/^Kontakt #\d+$/)
      .waitFor();
    await page.setViewportSize({ width: 1366, height: 900 });
    await table.screenshot({
      path: path.join(GUIDE_IMG, 'api-kontakter-handelselogg.png'),
      style: '.mantine-AppShell-header { visibility: hidden; }',
    });

    // The person's own history (Historik in the contact drawer) says the same.
    await page.getByRole('navigation').getByRole('link', { name: 'Kontakter' }).click();
    await page.getByRole('table', { name: 'Kontakter' }).getByRole('button', { name: 'Maja Lind' }).click();
    const drawer = page.getByRole('dialog', { name: 'Redigera kontakt: Maja Lind' });
    const history = drawer.getByRole('region', { name: 'Historik' });
    await history.getByText('Ändrad via API-nyckeln ”Personalsystemet” (roll)').waitFor({ timeout: 30_000 });
    await history.getByText('Skapad via API-nyckeln ”Personalsystemet”').waitFor();
    expect(await drawer.getByLabel('Roll', { exact: true }).inputValue()).toBe('Förvaltningschef');
    await history.scrollIntoViewIfNeeded();
    await page.mouse.move(0, 0);
    await history.screenshot({ path: path.join(GUIDE_IMG, 'api-kontakt-historik.png') });
  }, 240_000);
});
