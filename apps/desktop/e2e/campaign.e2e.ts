// The alert an operator runs, end to end, in a real Chromium against the browser host:
// import 50 contacts, write a template whose voice message is spoken by the offline
// Swedish TTS (listened to in the page), run a voice + SMS alert through the wizard and its
// start confirmation, watch the roll-call reach its final state live, and export the
// report. It runs in demo mode: the provider simulator behind the embedded relay, whose
// standard rules pick each person's behaviour by the last digit of the number (1–5 press 1
// in the call, 6–9 are reached but do not confirm, 0 cannot be reached at all), so the
// final roll-call is known exactly. Every page is scanned with axe-core and screenshotted
// under artifacts/screenshots for the operator's guide.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_FROM } from '../src/web/demo';
import { ARTIFACTS, openConsole, type Console } from './harness';

const FIRST = ['Anna', 'Bo', 'Cecilia', 'David', 'Elin', 'Fredrik', 'Greta', 'Hampus', 'Ida', 'Johan'];
const LAST = ['Berg', 'Ek', 'Holm', 'Lund', 'Ström'];
const PEOPLE = Array.from({ length: 50 }, (_, i) => ({
  first: FIRST[i % 10]!,
  last: `${LAST[Math.floor(i / 10)]!}`,
  // Distinct Swedish mobile numbers, written the way people type them at home.
  mobile: `070-${String(1000000 + i * 7919).slice(0, 3)} ${String(10 + i).padStart(2, '0')} ${String(30 + i).padStart(2, '0')}`,
}));
const CSV = [
  'Förnamn;Efternamn;Mobil;Organisation;Grupp',
  ...PEOPLE.map((p) => `${p.first};${p.last};${p.mobile};Räddningstjänsten Syd;Insatsstyrka`),
].join('\r\n');

async function expectAccessible(page: Page, name: string): Promise<void> {
  mkdirSync(path.join(ARTIFACTS, 'axe'), { recursive: true });
  const builder = new AxeBuilder({ page }).include('main');
  if ((await page.locator('[role="dialog"]').count()) > 0) builder.include('[role="dialog"]');
  const results = await builder.analyze();
  writeFileSync(path.join(ARTIFACTS, 'axe', `${name}.json`), JSON.stringify(results.violations, null, 2));
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    serious.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    `axe on ${name}`,
  ).toEqual([]);
}

/** What the simulator's standard rules make of the last digit of each number. */
const lastDigits = PEOPLE.map((p) => Number(p.mobile.at(-1)));
const EXPECTED = {
  confirmed: lastDigits.filter((d) => d >= 1 && d <= 5).length,
  notConfirmed: lastDigits.filter((d) => d >= 6).length,
  unreached: lastDigits.filter((d) => d === 0).length,
};

/** Lets dialog and drawer transitions finish and scrolls to the top, so a full-page screenshot shows what a person sees. */
async function settle(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined)));
    window.scrollTo(0, 0);
  });
}

/** A dialog's overlay covers the window, not the whole scrolled page: shoot what is on screen. */
async function viewportShot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, 'screenshots', `${name}.png`) });
}

/** Test setup straight through the engine's RPC server (what the UI would call). */
async function engineCall<T>(method: string, params: unknown): Promise<T> {
  const r = await c.host.engine.rpc.call(method, params);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as T;
}

/** A full-page screenshot once transitions have finished, from the top of the page. */
async function shot(name: string): Promise<void> {
  await settle(c.page);
  await c.screenshot(name);
}

let c: Console;
beforeAll(async () => {
  c = await openConsole({ demo: 'fast' });
  await c.page.getByRole('status').filter({ hasText: 'Ansluten till motorn' }).waitFor();
  await c.page.getByRole('status').filter({ hasText: 'DEMO — simulerad leverantör' }).waitFor();
});
afterAll(async () => {
  await c?.close();
});

describe('running an alert', () => {
  it('opens on the overview with one big "Nytt larm" action', async () => {
    const { page } = c;
    await page.getByRole('heading', { name: 'Översikt' }).waitFor();
    await page.getByText('Inga larm pågår just nu.').waitFor();
    await shot('dashboard-empty');
    await expectAccessible(page, 'dashboard-empty');
  });

  it('imports 50 contacts into the group Insatsstyrka', async () => {
    const { page } = c;
    await page.getByRole('link', { name: 'Importera' }).click();
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Välj fil…' }).click();
    await (await chooser).setFiles({ name: 'insatsstyrka.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV, 'utf8') });
    await page.getByRole('button', { name: 'Kontrollera importen' }).click();
    await page.getByRole('button', { name: 'Importera 50 kontakter' }).click();
    await page.getByText('Importen är klar').waitFor();
    expect(await page.getByText('Nya kontakter').locator('xpath=following-sibling::*[1]').textContent()).toBe('50');
  });

  it('writes a template: SMS with a variable and a live segment counter, voice spoken by the Swedish TTS', async () => {
    const { page } = c;
    await page.getByRole('link', { name: 'Mallar' }).click();
    await page.getByText('Inga mallar ännu.', { exact: false }).waitFor();
    await expectAccessible(page, 'templates-empty');
    await page.getByRole('button', { name: 'Ny mall' }).click();
    await page.getByRole('textbox', { name: 'Mallens namn' }).fill('Brand – samling');

    // Recording is offered too (the headless browser has no microphone to record with).
    await page.getByRole('radio', { name: 'Inspelning (mikrofon)' }).dispatchEvent('click');
    await page.getByRole('button', { name: 'Spela in' }).waitFor();
    await shot('template-recording');
    // Voice: type the script, listen, and see which voice spoke.
    // Segmented controls keep their radio inputs visually hidden; the click goes to the radio itself.
    await page.getByRole('radio', { name: 'Talsyntes (skriv text)' }).dispatchEvent('click');
    await page
      .getByRole('textbox', { name: 'Text som läses upp' })
      .fill(
        'Hej. Det här är ett larm från Räddningstjänsten Syd. Samling på stationen klockan 14.30. Tryck 1 för att bekräfta att du kommer.',
      );
    await page.getByRole('button', { name: 'Lyssna', exact: true }).click();
    const spoke = page.getByRole('status').filter({ hasText: 'Röst som användes' });
    await spoke.waitFor({ timeout: 60_000 });
    expect(await spoke.textContent()).toMatch(/Röst som användes: .+ \((piper|espeak)\)/);
    await page
      .getByRole('application', { name: 'Lyssna på röstmeddelandet' })
      .or(page.locator('audio[aria-label="Lyssna på röstmeddelandet"]'))
      .first()
      .waitFor();
    await shot('template-voice');

    // SMS: text, a variable inserted at the cursor, and the counter following the text.
    await page.getByRole('tab', { name: 'SMS' }).click();
    const sms = page.getByRole('textbox', { name: 'SMS-text' });
    await sms.fill('Hej ');
    await page.getByRole('button', { name: 'Infoga variabel i SMS-text' }).click();
    await page.getByRole('menuitem', { name: /Förnamn/ }).click();
    await sms.press('End');
    await sms.pressSequentially('! Larm: samling på stationen 14.30. Svara 1 om du kommer.');
    expect(await sms.inputValue()).toBe('Hej {{first_name}}! Larm: samling på stationen 14.30. Svara 1 om du kommer.');
    await page.getByText('GSM-7').waitFor();
    await page.getByText('1 SMS', { exact: true }).waitFor();
    await page.getByRole('textbox', { name: 'Reservvärde för {{first_name}}' }).fill('du');
    await shot('template-sms');
    await expectAccessible(page, 'template-editor');

    await page.getByRole('button', { name: 'Spara mallen' }).click();
    await page.getByRole('heading', { name: 'Brand – samling' }).waitFor();
    await page.getByRole('button', { name: 'Godkänn mallen' }).click();
    await page.getByText(/Godkänd av .+/).waitFor();

    // Preview for one imported contact.
    await page.getByRole('textbox', { name: 'Kontakt' }).fill('Greta');
    await page.getByRole('option', { name: /Greta/ }).first().click();
    await page.getByRole('textbox', { name: 'Kanal' }).click();
    await page.getByRole('option', { name: 'SMS' }).click();
    await page.getByRole('button', { name: 'Visa', exact: true }).click();
    await page.getByText('Hej Greta! Larm: samling', { exact: false }).waitFor();
    await shot('template-preview');
  });

  it('builds the alert in the wizard and shows who gets it and what it costs', async () => {
    const { page } = c;
    await page.getByRole('link', { name: 'Larm', exact: true }).click();
    await page.getByRole('button', { name: 'Nytt larm' }).click();
    await page.getByRole('heading', { name: 'Nytt larm' }).waitFor();
    // Going on without an audience is refused with the reason.
    await page.getByRole('button', { name: 'Nästa' }).click();
    await page.getByRole('alert').filter({ hasText: 'Välj minst en grupp eller tagg.' }).waitFor();
    await page.getByRole('textbox', { name: 'Grupper som ska larmas' }).click();
    await page.getByRole('option', { name: /Insatsstyrka/ }).click();
    await page.keyboard.press('Escape');
    await page.getByRole('status').filter({ hasText: 'Ungefär 50 kontakter' }).waitFor();
    await shot('wizard-audience');
    await expectAccessible(page, 'wizard-audience');
    await page.getByRole('button', { name: 'Nästa' }).click();

    // Channel plan: call and SMS at once; confirmation by pressing 1 or replying 1.
    await page.getByRole('button', { name: 'Ring och skicka SMS samtidigt' }).click();
    await page.getByText('Steg 2').waitFor();
    await shot('wizard-plan');
    await expectAccessible(page, 'wizard-plan');
    await page.getByRole('button', { name: 'Nästa' }).click();

    await page.getByRole('textbox', { name: 'Larmets namn' }).fill('Brand Ystad – samling');
    await page.getByRole('textbox', { name: 'Meddelande (mall)' }).click();
    await page.getByRole('option', { name: /Brand – samling/ }).click();
    await page.getByText('Mallen har: Röstsamtal, SMS').waitFor();
    await page.getByRole('button', { name: 'Nästa' }).click();
    await page.getByRole('radio', { name: 'Nu' }).waitFor({ state: 'attached' });
    await page.getByRole('button', { name: 'Nästa' }).click();

    await page.getByText('Får larmet').waitFor({ timeout: 60_000 });
    await page.getByRole('table', { name: 'Kanalplan' }).waitFor();
    expect(await page.getByText('Får larmet').locator('xpath=following-sibling::*[1]').textContent()).toBe('50');
    await page.getByText('Beräknad kostnad').waitFor();
    await shot('wizard-review');
    await expectAccessible(page, 'wizard-review');
  });

  it('runs a test to the test group with one click, then goes back to the saved draft', async () => {
    const { page } = c;
    // A "Test" group with Anna Berg (number ends in 0: unreachable) and Bo Berg (ends in 1: presses 1).
    const found = await engineCall<{ items: { id: number; displayName: string }[] }>('contacts.search', { query: 'Berg', limit: 20 });
    const ids = found.items.filter((x) => x.displayName === 'Anna Berg' || x.displayName === 'Bo Berg').map((x) => x.id);
    expect(ids).toHaveLength(2);
    const group = await engineCall<{ id: number }>('groups.create', { name: 'Test' });
    await engineCall('groups.addMembers', { groupId: group.id, contactIds: ids });
    await page.getByRole('button', { name: 'Räkna om' }).click();
    await page.getByRole('table', { name: 'Kanalplan' }).waitFor();
    const testGroup = page.getByRole('textbox', { name: 'Testgrupp' });
    await expect.poll(() => testGroup.inputValue()).toBe('Test');

    await page.getByRole('button', { name: 'Testkörning (bara testgruppen)' }).click();
    await page.getByRole('heading', { name: 'TEST – Brand Ystad – samling' }).waitFor();
    await page.getByText('TESTKÖRNING').waitFor();
    await page.getByRole('status').filter({ hasText: 'Klart: 1 av 2 bekräftade' }).waitFor({ timeout: 120_000 });
    const testRollCall = page.getByRole('table', { name: 'Upprop' });
    await testRollCall.getByRole('row').filter({ hasText: 'Bo Berg' }).getByText('Bekräftat', { exact: true }).waitFor();
    // Unreached, with the reason the provider gave (the roll-call's states name it).
    await testRollCall
      .getByRole('row')
      .filter({ hasText: 'Anna Berg' })
      .getByText(/^Ej nådd – /)
      .waitFor();
    await shot('test-run-done');

    // The alert itself is still a draft: open it and continue to the review.
    await page.getByRole('link', { name: '← Alla larm' }).click();
    await page.getByRole('table', { name: 'Larm' }).getByRole('link', { name: 'Brand Ystad – samling', exact: true }).click();
    await page.getByRole('button', { name: 'Fortsätt redigera' }).click();
    await page.getByRole('heading', { name: 'Redigera larm' }).waitFor();
    for (let i = 0; i < 4; i++) await page.getByRole('button', { name: 'Nästa' }).click();
    await page.getByRole('table', { name: 'Kanalplan' }).waitFor({ timeout: 60_000 });
    expect(await page.getByText('Får larmet').locator('xpath=following-sibling::*[1]').textContent()).toBe('50');
  });

  it('asks for the number of people before a live start, and starts only when it is typed', async () => {
    const { page } = c;
    await page.getByRole('button', { name: 'Starta larm…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Starta larmet nu?' });
    await dialog.waitFor();
    // The safe choice has the keyboard focus: Enter right away sends nothing.
    const cancel = dialog.getByRole('button', { name: 'Avbryt – skicka inget' });
    await expect.poll(() => cancel.evaluate((el) => el === document.activeElement)).toBe(true);
    const start = dialog.getByRole('button', { name: 'Starta larm till 50 personer' });
    expect(await start.isDisabled()).toBe(true);
    await dialog.getByRole('textbox', { name: 'Skriv antalet mottagare (50) för att bekräfta' }).fill('5');
    expect(await start.isDisabled()).toBe(true);
    await dialog.getByRole('textbox', { name: 'Skriv antalet mottagare (50) för att bekräfta' }).fill('50');
    await settle(page);
    await viewportShot(page, 'start-dialog');
    await expectAccessible(page, 'start-dialog');
    await start.click();
    await page.getByRole('heading', { name: 'Brand Ystad – samling', exact: true }).waitFor();
  });

  it('shows the running alert on the overview with its progress', async () => {
    const { page } = c;
    await page.getByRole('link', { name: 'Översikt' }).click();
    await page.getByRole('heading', { name: 'Brand Ystad – samling', exact: true }).waitFor();
    await page.getByRole('progressbar', { name: /^Bekräftade \d+ av 50$/ }).waitFor();
    const open = page.getByRole('button', { name: 'Öppna Brand Ystad – samling' });
    await open.waitFor();
    await shot('dashboard-running');
    await expectAccessible(page, 'dashboard-running');
    // On a loaded machine the 50 people can all be done while the page is checked: the running
    // card (and its Öppna) then gives way, and the alert opens from the list of latest alerts.
    if (await open.isVisible()) await open.click();
    else await page.getByRole('link', { name: 'Brand Ystad – samling', exact: true }).click();
  });

  it('fills the roll-call live until the alert is done, then exports the report', async () => {
    const { page } = c;
    await page.getByRole('table', { name: 'Upprop' }).waitFor();
    await shot('live-running');
    // The final state line appears only when the engine says the campaign is completed.
    await page
      .getByRole('status')
      .filter({ hasText: `Klart: ${EXPECTED.confirmed} av 50 bekräftade` })
      .waitFor({ timeout: 150_000 });
    expect(EXPECTED).toEqual({ confirmed: 25, notConfirmed: 20, unreached: 5 });
    await page.getByRole('radio', { name: `Bekräftade (${EXPECTED.confirmed})` }).waitFor({ state: 'attached' });
    await page.getByRole('radio', { name: `Inte klara än (${EXPECTED.notConfirmed})` }).waitFor({ state: 'attached' });
    await page.getByRole('radio', { name: `Ej nådda (${EXPECTED.unreached})` }).waitFor({ state: 'attached' });
    // Nobody is left in flight once it is done.
    const rollCall = page.getByRole('table', { name: 'Upprop' });
    await expect.poll(() => rollCall.getByText(/^(Pågår|Inte påbörjad)$/).count()).toBe(0);
    // The roll-call draws only the rows in view: count the confirmed by its filter. The filter's
    // radios are visually hidden inputs (Mantine's SegmentedControl): the operator clicks the label.
    const filter = (name: string) => page.locator('label').filter({ hasText: name }).click();
    await filter(`Bekräftade (${EXPECTED.confirmed})`);
    await expect.poll(() => rollCall.getAttribute('aria-rowcount')).toBe(String(EXPECTED.confirmed + 1));
    expect(await rollCall.getByText('Bekräftat', { exact: true }).count()).toBe((await rollCall.getByRole('row').count()) - 1);
    await filter('Alla (50)');
    await expect.poll(() => rollCall.getAttribute('aria-rowcount')).toBe('51');
    await shot('live-done');
    await expectAccessible(page, 'live-done');

    // Search the roll-call and open one person's history.
    await page.getByRole('textbox', { name: 'Sök i upproplistan' }).fill('greta ber');
    const row = page.getByRole('button', { name: 'Visa förlopp för Greta Berg' });
    // The search narrows the list to the header row and Greta's.
    await expect.poll(() => page.getByRole('table', { name: 'Upprop' }).getByRole('row').count()).toBe(2);
    await row.click();
    const drawer = page.getByRole('dialog', { name: 'Förlopp för Greta Berg' });
    await drawer.getByText(/Steg 1 · Röstsamtal · 070-/).waitFor();
    await drawer.getByText('Lämnad till leverantören').first().waitFor();
    await settle(page);
    await viewportShot(page, 'live-timeline');
    await expectAccessible(page, 'live-timeline');
    await page.keyboard.press('Escape');

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Exportera rapport (CSV)' }).click();
    await page.getByRole('menuitem', { name: 'En rad per utskick' }).click();
    const file = await download;
    const saved = path.join(ARTIFACTS, 'campaign-report.csv');
    await file.saveAs(saved);
    const lines = readFileSync(saved, 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    // One line per delivery: 50 people × 2 steps, plus the header.
    expect(lines.length).toBe(101);
    await page
      .getByRole('status')
      .filter({ hasText: /Rapporten är sparad som .+ \(100 rader\)/ })
      .waitFor();
  });

  it('shows the alert on the overview, the inbox and the settings', async () => {
    const { page } = c;
    await page.getByRole('link', { name: 'Översikt' }).click();
    await page.getByRole('table', { name: 'Senaste larmen' }).getByRole('link', { name: 'Brand Ystad – samling', exact: true }).waitFor();
    await shot('dashboard');
    await expectAccessible(page, 'dashboard');
    await page.getByRole('link', { name: 'Larm', exact: true }).click();
    await page.getByRole('table', { name: 'Larm' }).waitFor();
    await shot('campaigns');
    await expectAccessible(page, 'campaigns');
    // A reply that is not a confirmation lands in the inbox, live, for someone to read.
    await page.getByRole('link', { name: 'Inkorg' }).click();
    await page.getByText('Inga svar här.').waitFor();
    const greta = PEOPLE[6]!;
    await c.host.demo!.simulator.injectInboundMessage({
      from: `+46${greta.mobile.replace(/\D/g, '').slice(1)}`,
      to: DEMO_FROM,
      body: 'Kommer om 20 min, sitter fast i trafiken',
    });
    const replies = page.getByRole('table', { name: 'Svar' });
    await replies.getByRole('cell', { name: 'Kommer om 20 min, sitter fast i trafiken' }).waitFor();
    await replies.getByText('Greta Berg').waitFor();
    // Her number as Swedes write it, and the alert she answered by its name.
    await replies.getByText(greta.mobile).waitFor();
    await replies.getByRole('link', { name: 'Brand Ystad – samling', exact: true }).waitFor();
    await shot('inbox');
    await expectAccessible(page, 'inbox');
    await replies.getByRole('button', { name: 'Markera som hanterat' }).click();
    await page.getByText('Inga svar här.').waitFor();
    await page.getByRole('radio', { name: 'Hanterade' }).dispatchEvent('click');
    await replies.getByText(/Hanterat av .+/).waitFor();
    await page.getByRole('link', { name: 'Inställningar' }).click();
    await page.getByRole('table', { name: 'Röster' }).waitFor();
    await shot('settings-voices');
    await expectAccessible(page, 'settings');
    await page.getByRole('link', { name: 'Mallar' }).click();
    await page.getByRole('table', { name: 'Mallar' }).waitFor();
    await shot('templates');
    await expectAccessible(page, 'templates');
  });
});
