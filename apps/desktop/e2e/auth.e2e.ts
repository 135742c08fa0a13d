// Signing in, in a real Chromium against the browser host in demo mode, as the README
// starts it: the demo admin is signed in at start; locking shows the lock screen, the
// same password unlocks it; another operator signs in in the admin's place (switching
// operator) and the header and the audit log name them; a Läsare sees the alerts but every
// button that would start or change one is disabled with the reason, and the engine refuses
// the call anyway. A console started with no one signed in shows the demo accounts on the
// sign-in page. The demo is joined to its embedded relay, so every sign-in is made at the
// organisation. The demo admin invites a user under Inställningar → Användare (the one-time
// code shown once) and ends a sign-in (their own: the console goes back to the sign-in page);
// the invited user accepts on the sign-in page and is signed in. Screenshots of the sign-in page, the lock screen, a
// Läsare's disabled start button, the organisation's users and the invitation form go to the
// guide (docs/guide/img).
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
    await page.getByRole('alert').filter({ hasText: 'Organisationen svarar: Fel användarnamn eller lösenord.' }).waitFor();
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
    await page.getByText('demo-operator loggade in (i organisationen), tog över efter Demo Administratör').waitFor();
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

  it('invites a user from Inställningar → Användare, who accepts on the sign-in page and is signed in', async () => {
    const { page } = c;
    await page.getByRole('button', { name: 'Logga ut' }).click();
    await page.getByLabel(/^Användarnamn/).fill('demo-admin');
    await page.getByLabel(/^Lösenord/).fill('gdial-demo-admin');
    await page.getByRole('button', { name: 'Logga in' }).click();
    await expect.poll(() => page.getByTestId('signed-in-user').textContent()).toBe('Demo Administratör');

    await page.getByRole('navigation').getByRole('link', { name: 'Inställningar' }).click();
    const users = page.getByRole('region', { name: 'Organisationens användare' });
    await users.getByRole('cell', { name: 'demo-operator', exact: true }).waitFor();
    const invite = users.getByRole('region', { name: 'Bjud in en användare' });
    await invite.getByRole('button', { name: 'Skapa inbjudan' }).click();
    const codeBox = invite.getByLabel('Inbjudningskod', { exact: true });
    await codeBox.waitFor();
    const code = await codeBox.inputValue();
    expect(code.length).toBeGreaterThan(8);
    await invite.getByRole('textbox', { name: 'Länk' }).waitFor();
    expect(await invite.getByRole('textbox', { name: 'Länk' }).inputValue()).toContain('gdial://invitation?');
    await users.getByRole('cell', { name: 'Demo Administratör (demo-admin)' }).waitFor(); // the sign-in list
    // Tall enough for the whole section below the sticky header, which would otherwise cover its top.
    await page.setViewportSize({ width: 1366, height: 1800 });
    await users.evaluate((el) => window.scrollBy(0, el.getBoundingClientRect().top - 130));
    await users.screenshot({ path: path.join(GUIDE_IMG, 'anvandare.png') });
    await page.setViewportSize({ width: 1366, height: 860 });

    // Ending the admin's own sign-in: the next call to the relay finds the session ended and the
    // console goes back to the sign-in page.
    await users.getByRole('button', { name: 'Avsluta inloggningen för Demo Administratör på GDial demo' }).click();
    await page.getByRole('heading', { name: 'Logga in' }).waitFor();

    await page.getByRole('button', { name: 'Har du en inbjudan?' }).click();
    await page.getByRole('heading', { name: 'Tacka ja till en inbjudan' }).waitFor();
    await page.getByLabel(/^Inbjudningskod eller länk/).fill('gdial://invitation?relay=x');
    await page.getByLabel(/^Namn/).fill('Karin Lind');
    await page.getByLabel(/^Användarnamn/).fill('karin');
    await page.getByLabel(/^Lösenord\s*\*?$/).fill('karins långa lösenord');
    await page.getByLabel(/^Lösenordet igen/).fill('karins långa lösenord');
    await page.getByRole('button', { name: 'Tacka ja och logga in' }).click();
    await page.getByText('Det där är ingen inbjudningskod eller inbjudningslänk.').waitFor();
    await page.getByLabel(/^Inbjudningskod eller länk/).fill(code);
    await page.screenshot({ path: path.join(GUIDE_IMG, 'inbjudan.png') });
    await page.getByRole('button', { name: 'Tacka ja och logga in' }).click();
    await expect.poll(() => page.getByTestId('signed-in-user').textContent()).toBe('Karin Lind');
    await page.getByRole('banner').getByText('Larmoperatör', { exact: true }).waitFor();
  });
});
