// Signing in, in a real Chromium against the browser host in demo mode, as the README
// starts it: the demo admin is signed in at start; locking shows the lock screen, the
// same password unlocks it; another operator signs in in the admin's place (switching
// operator) and the header and the audit log name them; a Läsare sees the alerts but every
// button that would start or change one is disabled with the reason, and the engine refuses
// the call anyway. A console started with no one signed in shows the demo accounts on the
// sign-in page. Screenshots of the sign-in page, the lock screen and a Läsare's disabled
// start button go to the guide (docs/guide/img).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, type Console } from './harness';

const GUIDE_IMG = path.resolve(import.meta.dirname, '../../../docs/guide/img');

describe('signing in', () => {
  let c: Console;
  beforeAll(async () => {
    // No test admin: the console starts as the demo does, with the demo admin signed in.
    c = await openConsole({ demo: 'fast', operator: false });
    await c.page.getByRole('status').filter({ hasText: 'Ansluten till motorn' }).waitFor();
  }, 120_000);
  afterAll(async () => {
    await c?.close();
  });

  it('starts with the demo admin signed in, named in the header', async () => {
    const header = c.page.getByRole('banner');
    await expect.poll(() => header.getByTestId('signed-in-user').textContent()).toBe('Demo Administratör');
    await header.getByText('Administratör', { exact: true }).waitFor();
  });

  it('locks on demand and unlocks with the same password', async () => {
    const { page } = c;
    await page.getByRole('button', { name: 'Lås konsolen nu' }).click();
    await page.getByRole('heading', { name: 'Konsolen är låst' }).waitFor();
    await page.getByText('Låst av Demo Administratör').waitFor();
    // Locked, the engine answers nothing but the session.
    const refused = await c.host.engine.rpc.call('contacts.search', {});
    expect(!refused.ok && refused.error.code).toBe('UNAUTHENTICATED');
    await page.screenshot({ path: path.join(GUIDE_IMG, 'lock-screen.png') });

    await page.getByLabel(/^Lösenord/).fill('fel lösenord');
    await page.getByRole('button', { name: 'Lås upp' }).click();
    await page.getByRole('alert').filter({ hasText: 'Fel användarnamn eller lösenord. 4 försök kvar' }).waitFor();
    await page.getByLabel(/^Lösenord/).fill('gdial-demo-admin');
    await page.getByRole('button', { name: 'Lås upp' }).click();
    await page.getByRole('button', { name: 'Lås konsolen nu' }).waitFor();
  });

  it('switches operator: another user signs in on the locked console and is named in the audit', async () => {
    const { page } = c;
    await page.getByRole('button', { name: 'Lås konsolen nu' }).click();
    await page.getByRole('button', { name: 'Byt operatör' }).click();
    await page.getByLabel(/^Användarnamn/).fill('demo-operator');
    await page.getByLabel(/^Lösenord/).fill('gdial-demo-operator');
    await page.getByRole('button', { name: 'Logga in' }).click();
    await expect.poll(() => page.getByTestId('signed-in-user').textContent()).toBe('Demo Larmoperatör');
    await page.getByRole('banner').getByText('Larmoperatör', { exact: true }).waitFor();

    await page.getByRole('navigation').getByRole('link', { name: 'Händelselogg' }).click();
    await page.getByText('demo-operator loggade in (på datorn), tog över efter Demo Administratör').waitFor();
  });

  it('shows a Läsare the alerts with every start disabled and the reason, and the engine refuses anyway', async () => {
    const { page } = c;
    await page.getByRole('button', { name: 'Logga ut' }).click();
    await page.getByRole('heading', { name: 'Logga in' }).waitFor();
    await page.getByRole('table', { name: 'Demokonton' }).waitFor();
    await page.screenshot({ path: path.join(GUIDE_IMG, 'sign-in.png') });
    await page.getByLabel(/^Användarnamn/).fill('demo-reader');
    await page.getByLabel(/^Lösenord/).fill('gdial-demo-reader');
    await page.getByRole('button', { name: 'Logga in' }).click();
    await expect.poll(() => page.getByTestId('signed-in-user').textContent()).toBe('Demo Läsare');

    await page.getByRole('navigation').getByRole('link', { name: 'Översikt' }).click();
    const newAlert = page.getByRole('button', { name: 'Nytt larm' });
    await expect.poll(() => newAlert.isDisabled()).toBe(true);
    await newAlert.locator('xpath=..').hover();
    const reason = 'Din roll (Läsare) får inte göra detta; det kräver Redaktör eller högre.';
    await page.getByRole('tooltip').filter({ hasText: reason }).waitFor();
    await page.screenshot({ path: path.join(GUIDE_IMG, 'reader-disabled.png') });

    await page.getByRole('navigation').getByRole('link', { name: 'Kontakter' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Ny kontakt' }).first().isDisabled()).toBe(true);

    // Hiding is not the guard: the engine refuses a Läsare's start whatever the console shows.
    const start = await c.host.engine.rpc.call('campaigns.start', { id: 1 });
    expect(!start.ok && start.error.refusal).toEqual({
      code: 'auth.forbidden',
      params: { role: 'reader', need: 'operator', method: 'campaigns.start' },
    });
  });
});
