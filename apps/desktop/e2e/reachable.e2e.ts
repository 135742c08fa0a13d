// The capabilities that had an RPC method but no place in the console, used the way an
// operator finds them, in a real Chromium against the browser host: the opt-out list and
// the price table under Inställningar, removing a tag and blocking a channel for selected
// contacts, deleting an alert, changing a group as stored now, the text as the voice reads
// it, and choosing an earlier recording. Screenshots of the two settings sections go to
// artifacts/screenshots (the guide's pictures are copied from there).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, openConsole, type Console } from './harness';

let c: Console;
beforeAll(async () => {
  c = await openConsole({ operator: 'Karin Lind' });
  await c.page.getByRole('status').filter({ hasText: 'Ansluten till motorn' }).waitFor();
});
afterAll(async () => {
  await c?.close();
});

/** Test setup straight through the engine's RPC server (what the UI would call). */
async function engineCall<T>(method: string, params: unknown): Promise<T> {
  const r = await c.host.engine.rpc.call(method, params);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as T;
}

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

/** One section, screenshotted after transitions end, in a window tall enough to hold it (the header stays on top of anything scrolled under it). */
async function shoot(section: Locator, name: string): Promise<void> {
  const page = section.page();
  await page.mouse.move(0, 0);
  const before = page.viewportSize();
  const box = await section.boundingBox();
  if (before && box)
    await page.setViewportSize({ width: before.width, height: Math.ceil(Math.max(before.height, box.y + box.height + 40)) });
  await page.evaluate(async () => {
    (document.activeElement as HTMLElement | null)?.blur();
    window.scrollTo(0, 0);
    await Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined)));
  });
  mkdirSync(path.join(ARTIFACTS, 'screenshots'), { recursive: true });
  await section.screenshot({ path: path.join(ARTIFACTS, 'screenshots', `${name}.png`) });
  if (before) await page.setViewportSize(before);
}

describe('capabilities reachable from the console', () => {
  it('Inställningar: the opt-out list — add with a Swedish error for a bad number, find, remove after a confirmation', async () => {
    const { page } = c;
    await page.getByRole('link', { name: 'Inställningar' }).click();
    const section = page.getByRole('region', { name: 'Spärrlista' });
    await section.getByText('Inga spärrade adresser.').waitFor();

    await section.getByRole('textbox', { name: 'Adress att spärra' }).fill('070-12');
    await section.getByRole('button', { name: 'Spärra adressen' }).click();
    await section.getByText('Numret kunde inte tolkas. Skriv ett telefonnummer, t.ex. 070-123 45 67 eller +46701234567.').waitFor();

    await section.getByRole('textbox', { name: 'Adress att spärra' }).fill('070-123 45 67');
    await section.getByRole('textbox', { name: 'Anteckning (valfritt)' }).fill('Svarade STOPP i telefon');
    await section.getByRole('button', { name: 'Spärra adressen' }).click();
    const table = section.getByRole('table', { name: 'Spärrade adresser' });
    const row = table.getByRole('row').filter({ hasText: 'Svarade STOPP i telefon' });
    await row.getByRole('cell', { name: 'Operatör' }).waitFor();
    await row.getByRole('cell', { name: 'SMS', exact: true }).waitFor();
    // Stored normalised, as the dispatcher looks it up.
    const stored = await engineCall<{ optOuts: { address: string }[] }>('contacts.optOuts.list', { channel: 'sms' });
    expect(stored.optOuts.map((o) => o.address)).toEqual(['+46701234567']);

    // An e-mail entry, then the search by digits the way the number is usually written.
    await section.getByRole('textbox', { name: 'Kanal för spärren' }).click();
    await page.getByRole('option', { name: 'E-post' }).click();
    await section.getByRole('textbox', { name: 'Adress att spärra' }).fill('Anna.Berg@Example.se');
    await section.getByRole('button', { name: 'Spärra adressen' }).click();
    await table.getByRole('cell', { name: 'anna.berg@example.se', exact: true }).waitFor();
    await section.getByRole('textbox', { name: 'Sök adress' }).fill('070 123');
    await expect.poll(() => table.getByRole('row').count()).toBe(2);
    await section.getByRole('textbox', { name: 'Sök adress' }).fill('');
    await expect.poll(() => table.getByRole('row').count()).toBe(3);
    await expectAccessible(page, 'settings-optouts');
    await shoot(section, 'settings-optouts');

    await table.getByRole('button', { name: /^Ta bort spärren för anna\.berg@example\.se/ }).click();
    const confirm = page.getByRole('dialog', { name: 'Ta bort spärren för anna.berg@example.se?' });
    await confirm.getByRole('button', { name: 'Ta bort spärren' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await expect.poll(() => table.getByRole('row').count()).toBe(2);
    expect((await engineCall<{ optOuts: unknown[] }>('contacts.optOuts.list', { channel: 'email' })).optOuts).toEqual([]);
  });

  it('Inställningar: the price table — refuses a bad row in Swedish, saves a new country with a decimal comma', async () => {
    const { page } = c;
    const section = page.getByRole('region', { name: 'Priser' });
    const table = section.getByRole('table', { name: 'Priser per land' });
    await table.getByRole('textbox', { name: 'SMS per segment, SE' }).fill('0,52');
    await section.getByRole('button', { name: 'Lägg till land' }).click();
    await table.getByRole('textbox', { name: 'Landskod rad 3' }).fill('N');
    await section.getByRole('button', { name: 'Spara priser' }).click();
    await section.getByRole('alert').filter({ hasText: 'Rad 3: landskoden ska vara två bokstäver, t.ex. NO.' }).waitFor();
    expect((await engineCall<{ smsPerSegment: Record<string, number> }>('campaigns.priceTable.get', {})).smsPerSegment.SE).toBe(0.45);

    await table.getByRole('textbox', { name: 'Landskod rad 3' }).fill('no');
    await table.getByRole('textbox', { name: 'SMS per segment, NO' }).fill('0,70');
    await section.getByRole('button', { name: 'Spara priser' }).click();
    await section.getByRole('status').filter({ hasText: 'Priserna sparades.' }).waitFor();
    const saved = await engineCall<{ smsPerSegment: Record<string, number>; callPerMinute: Record<string, number> }>(
      'campaigns.priceTable.get',
      {},
    );
    expect(saved.smsPerSegment).toEqual({ '*': 0.9, NO: 0.7, SE: 0.52 });
    // Norway has no call price of its own: it uses the default row's.
    expect(saved.callPerMinute.NO).toBeUndefined();
    await expectAccessible(page, 'settings-prices');
    await shoot(section, 'settings-prices');
  });

  it('Kontakter: removes a tag from the selected contacts and blocks a channel for them', async () => {
    const { page } = c;
    const a = await engineCall<{ id: number }>('contacts.create', {
      firstName: 'Anna',
      lastName: 'Berg',
      phones: [{ number: '0701234567' }],
      tags: ['rökdykare', 'insats'],
    });
    const b = await engineCall<{ id: number }>('contacts.create', {
      firstName: 'Bo',
      lastName: 'Ek',
      phones: [{ number: '0702223344' }],
      tags: ['rökdykare'],
    });
    await page.getByRole('link', { name: 'Kontakter' }).click();
    const table = page.getByRole('table', { name: 'Kontakter' });
    await table.getByRole('checkbox', { name: 'Välj Anna Berg' }).check();
    await table.getByRole('checkbox', { name: 'Välj Bo Ek' }).check();

    await page.getByRole('button', { name: 'Ta bort tagg…' }).click();
    const untag = page.getByRole('dialog', { name: 'Ta bort en tagg från 2 kontakter' });
    await untag.getByRole('textbox', { name: 'Tagg' }).click();
    await page.getByRole('option', { name: 'rökdykare' }).click();
    await untag.getByRole('button', { name: 'Ta bort taggen från 2 kontakter' }).click();
    await untag.waitFor({ state: 'hidden' });
    await page.getByText('Taggen rökdykare togs bort från 2 kontakter.').waitFor();
    expect((await engineCall<{ tags: string[] }>('contacts.get', { id: a.id })).tags).toEqual(['insats']);
    expect((await engineCall<{ tags: string[] }>('contacts.get', { id: b.id })).tags).toEqual([]);

    await page.getByRole('button', { name: 'Får inte kontaktas…' }).click();
    const dnc = page.getByRole('dialog', { name: 'Kontaktvägar för 2 kontakter' });
    await dnc.getByRole('textbox', { name: 'Kanal' }).click();
    await page.getByRole('option', { name: 'SMS' }).click();
    await expectAccessible(page, 'contacts-bulk-dnc');
    await dnc.getByRole('button', { name: 'Spärra kanalen för 2 kontakter' }).click();
    await dnc.waitFor({ state: 'hidden' });
    await page.getByText('2 kontakter kontaktas inte längre via sms.').waitFor();
    const after = await engineCall<{ doNotContact: Record<string, boolean> }>('contacts.get', { id: b.id });
    expect(after.doNotContact.sms).toBe(true);
    expect(after.doNotContact.voice).toBe(false);
  });

  it('Grupper: "Ändra…" opens the form with the group as the engine has it now', async () => {
    const { page } = c;
    const g = await engineCall<{ id: number }>('groups.create', { name: 'Krisledning' });
    await page.goto(`${c.host.url}#/groups/${g.id}`);
    await page.getByRole('heading', { name: 'Krisledning', exact: true }).waitFor();
    // Another console changes the description.
    const r = await c.host.engine.rpc.call('groups.update', { id: g.id, changes: { description: 'Kommunens krisledningsgrupp' } });
    expect(r.ok).toBe(true);
    await page.getByRole('button', { name: 'Ändra…' }).click();
    const form = page.getByRole('dialog');
    await expect.poll(() => form.getByRole('textbox', { name: 'Beskrivning' }).inputValue()).toBe('Kommunens krisledningsgrupp');
    await form.getByRole('button', { name: 'Avbryt' }).first().click();
  });

  it('Mallar: shows how the voice will read the text while it is typed, and offers earlier recordings', async () => {
    const { page } = c;
    await page.getByRole('link', { name: 'Mallar' }).click();
    await page.getByRole('button', { name: 'Ny mall' }).click();
    await page.getByRole('radio', { name: 'Talsyntes (skriv text)' }).dispatchEvent('click');
    await page.getByRole('textbox', { name: 'Text som läses upp' }).fill('Samling kl. 14.30 på station 3.');
    const reading = page.getByText(/^Så här läses texten: /);
    await reading.waitFor();
    const text = (await reading.textContent()) ?? '';
    // The engine writes the time and the abbreviation out; the exact words are its own.
    expect(text).not.toContain('kl.');
    expect(text).not.toContain('14.30');

    await page.getByRole('radio', { name: 'Inspelning (mikrofon)' }).dispatchEvent('click');
    const earlier = page.getByRole('textbox', { name: 'Använd en tidigare inspelning' });
    await earlier.waitFor();
    expect(await earlier.getAttribute('placeholder')).toBe('Inga tidigare inspelningar');
  });

  it('Larm: a draft alert is deleted after a confirmation and the list no longer has it', async () => {
    const { page } = c;
    const tpl = await engineCall<{ id: number }>('templates.create', { name: 'Prov', variants: { sv: { sms: 'Provlarm. Svara 1.' } } });
    const draft = await engineCall<{ id: number }>('campaigns.create', {
      name: 'Övning utkast',
      templateId: tpl.id,
      steps: [{ channel: 'sms' }],
    });
    await page.goto(`${c.host.url}#/campaigns/${draft.id}`);
    await page.getByRole('heading', { name: 'Övning utkast' }).waitFor();
    await page.getByRole('button', { name: 'Radera larmet…' }).click();
    const confirm = page.getByRole('dialog', { name: 'Radera larmet Övning utkast?' });
    await confirm.getByText('Utkastet och dess inställningar tas bort. Inget har skickats.').waitFor();
    // The safe choice has the focus.
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Behåll larmet');
    await confirm.getByRole('button', { name: 'Radera larmet' }).click();
    await page.getByRole('heading', { name: 'Larm', exact: true }).waitFor();
    expect((await engineCall<{ campaigns: unknown[] }>('campaigns.list', { limit: 10 })).campaigns).toEqual([]);
  });
});
