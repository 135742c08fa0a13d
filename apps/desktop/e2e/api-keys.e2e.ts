// Inställningar → API-nycklar in a real Chromium against the demo (joined to its embedded
// relay, the demo admin signed in online): a key is created with a name, scopes and an
// allowed address; its secret is shown once; after
// "Jag har sparat nyckeln" it is gone from the page and the list shows only its hint; it is
// revoked from the list (with a confirmation). A screenshot of the page with a
// new key's secret goes to the guide (docs/guide/img/api-nycklar.png).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, type Console } from './harness';

const GUIDE_IMG = path.resolve(import.meta.dirname, '../../../docs/guide/img');

describe('API keys in the console', () => {
  let c: Console;
  beforeAll(async () => {
    c = await openConsole({ demo: 'fast', operator: false });
    await c.page.getByRole('status').filter({ hasText: 'Ansluten till motorn' }).waitFor();
  }, 300_000);
  afterAll(async () => {
    await c?.close();
  });

  it('creates a key, shows its secret once, and revokes it', async () => {
    const { page } = c;
    await expect.poll(() => page.getByTestId('signed-in-user').textContent(), { timeout: 60_000 }).toBe('Demo Administratör');
    await page.getByRole('navigation').getByRole('link', { name: 'Inställningar' }).click();
    const section = page.getByRole('region', { name: 'API-nycklar' });
    await section.getByText('Inga API-nycklar ännu.').waitFor();

    // Bad input: a clear Swedish error, nothing created.
    await section.getByLabel('Tillåtna avsändaradresser, en per rad (tomt: alla)').fill('inte-en-adress');
    await section.getByRole('button', { name: 'Skapa nyckel' }).click();
    await section.getByText(/Nyckeln behöver ett namn/).waitFor();
    await section.getByText(/Inte en IP-adress/).waitFor();

    await section.getByLabel('Namn').fill('Brandlarmscentral stadshuset');
    await section.getByLabel('Tillåtna avsändaradresser, en per rad (tomt: alla)').fill('127.0.0.1\n192.0.2.0/24');
    await section.getByRole('checkbox', { name: /^contacts:read/ }).check();
    await section.getByRole('button', { name: 'Skapa nyckel' }).click();
    const secretBox = section.getByRole('textbox', { name: 'Nyckel' });
    await secretBox.waitFor();
    const secret = await secretBox.inputValue();
    expect(secret).toMatch(/^gdk_[0-9a-f-]{36}_[A-Za-z0-9_-]{43}$/);
    const row = section.getByRole('row', { name: /Brandlarmscentral stadshuset/ });
    await row.getByText('alerts:trigger, alerts:read, contacts:read').waitFor();
    await row.getByText(`gdk_…${secret.slice(-4)}`).waitFor();
    await row.getByText('127.0.0.1, 192.0.2.0/24').waitFor();
    await row.getByText('Giltig').waitFor();

    await page.setViewportSize({ width: 1366, height: 1500 });
    await section.evaluate((el) => window.scrollBy(0, el.getBoundingClientRect().top - 130));
    await section.screenshot({ path: path.join(GUIDE_IMG, 'api-nycklar.png') });
    await page.setViewportSize({ width: 1366, height: 860 });

    // Shown once: gone once the operator says it is saved, and nowhere in the list.
    await section.getByRole('button', { name: 'Jag har sparat nyckeln' }).click();
    await expect.poll(() => section.getByRole('textbox', { name: 'Nyckel' }).count()).toBe(0);
    expect(await section.textContent()).not.toContain(secret);

    // Revoked, with a confirmation.
    await row.getByRole('button', { name: 'Återkalla nyckeln Brandlarmscentral stadshuset' }).click();
    const dialog = page.getByRole('dialog', { name: 'Återkalla nyckeln ”Brandlarmscentral stadshuset”?' });
    await dialog.getByText('Nyckeln slutar fungera direkt.', { exact: false }).waitFor();
    await dialog.getByRole('button', { name: 'Återkalla' }).click();
    await row.getByText('Återkallad', { exact: true }).waitFor();
    await row.getByText(/Återkallad av demo-admin/).waitFor();
  }, 240_000);
});
