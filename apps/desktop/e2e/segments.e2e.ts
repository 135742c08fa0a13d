// Saved segments (Urval) in a real Chromium against the demo world: a segment is built on the
// Urval page (a group rule and a custom-field rule) with its live count, saved, then an alert
// goes to it plus one hand-picked person found by name in the wizard, and is started: the
// alert reaches the segment's members and the picked person. An on-call schedule is built on
// the Jourscheman page with an override naming nobody, whose gap the page warns about; a
// segment of whoever is on duty is alerted and reaches the person on duty at the start.
// An area segment is built with a radius typed as coordinates and a polygon clicked on the grid
// map (a corner typed without a mouse too; the editor passes axe), and alerted: exactly the
// people living inside are recipients.
// Screenshots for the guide: docs/guide/img/urval.png, docs/guide/img/jourscheman.png,
// docs/guide/img/urval-omrade.png, docs/guide/img/kontakt-adress.png.
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openConsole, type Console } from './harness';

const GUIDE_IMG = path.resolve(import.meta.dirname, '../../../docs/guide/img');
let c: Console;

async function engineCall<T>(method: string, params: unknown): Promise<T> {
  const r = await c.host.engine.rpc.call(method, params);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as T;
}

beforeAll(async () => {
  c = await openConsole({ demo: 'fast', operator: 'Karin Lind', viewport: { width: 1366, height: 900 } });
  const group = await engineCall<{ id: number }>('groups.create', { name: 'Rökdykare' });
  const people: [string, string, string | null][] = [
    ['Anna', 'Göteborg', group ? 'in' : null],
    ['Bertil', 'GÖTEBORG', 'in'],
    ['Cecilia', 'Malmö', 'in'],
    ['Dragan', 'Göteborg', null],
  ];
  let i = 0;
  for (const [firstName, ort, member] of people)
    await engineCall('contacts.create', {
      firstName,
      lastName: 'Urvalsson',
      phones: [{ number: `0702${String(200000 + i++)}` }],
      customFields: { ort },
      groupIds: member ? [group.id] : [],
    });
  await engineCall('contacts.create', { firstName: 'Zlatan', lastName: 'Handplock', phones: [{ number: '0703300000' }] });
  const template = await engineCall<{ id: number }>('templates.create', {
    name: 'Rökutveckling',
    variants: { sv: { sms: 'Rökutveckling i Göteborg. Svara 1 om du kommer.' } },
  });
  await engineCall('templates.approve', { id: template.id });
  await c.page.getByRole('status').filter({ hasText: 'Ansluten till motorn' }).waitFor();
});
afterAll(async () => {
  await c?.close();
});

describe('saved segments', () => {
  it('are built with a live count, saved, and alerted together with a hand-picked person', async () => {
    const { page } = c;
    await page.getByRole('link', { name: 'Urval' }).click();
    await page.getByRole('heading', { name: 'Urval', exact: true }).waitFor();
    await page.getByRole('textbox', { name: 'Namn på urvalet' }).fill('Rökdykare i Göteborg');
    // The first rule is a group rule.
    await page.getByRole('textbox', { name: 'Grupper', exact: true }).click();
    await page.getByRole('option', { name: /Rökdykare/ }).click();
    await page.keyboard.press('Escape');
    await page.getByRole('status').filter({ hasText: '3 kontakter ingår just nu' }).waitFor();
    await page.getByRole('button', { name: 'Lägg till regel' }).click();
    await page.getByRole('menuitem', { name: 'Eget fält' }).click();
    await page.getByRole('textbox', { name: 'Fältets namn' }).fill('ort');
    await page.getByRole('textbox', { name: 'Värde' }).fill('göteborg');
    // Anna and Bertil (GÖTEBORG in capitals is the same town); not Cecilia in Malmö, not Dragan outside the group.
    await page.getByRole('status').filter({ hasText: '2 kontakter ingår just nu' }).waitFor();
    await page.getByText('Bertil Urvalsson').waitFor();
    await page.mouse.move(0, 0);
    await page.screenshot({
      path: path.join(GUIDE_IMG, 'urval.png'),
      fullPage: true,
      style: '.mantine-AppShell-header { visibility: hidden; }',
    });
    await page.getByRole('button', { name: 'Spara urvalet' }).click();
    await page.getByRole('navigation', { name: 'Sparade urval' }).getByText('Rökdykare i Göteborg').waitFor();
    const { segments } = await engineCall<{ segments: { id: string; name: string; rules: unknown[] }[] }>('segments.list', {});
    expect(segments).toMatchObject([{ name: 'Rökdykare i Göteborg' }]);
    expect(segments[0]!.rules).toHaveLength(2);

    // A new alert to the segment and to Zlatan, picked by hand.
    await page.getByRole('link', { name: 'Översikt' }).click();
    await page.getByRole('heading', { name: 'Översikt' }).waitFor();
    await page.keyboard.press('n');
    await page.getByRole('heading', { name: 'Nytt larm' }).waitFor();
    await page.getByRole('textbox', { name: 'Sparade urval', exact: true }).click();
    await page.getByRole('option', { name: 'Rökdykare i Göteborg' }).click();
    await page.keyboard.press('Escape');
    await page.getByRole('textbox', { name: 'Enskilda kontakter' }).fill('Handplock');
    await page.getByRole('button', { name: 'Välj Zlatan Handplock' }).click();
    await page.getByRole('list', { name: 'Valda kontakter' }).getByText('Zlatan Handplock').waitFor();
    await page.getByRole('button', { name: 'Nästa' }).click();
    await page.getByRole('button', { name: 'Bara SMS' }).click();
    await page.getByRole('button', { name: 'Nästa' }).click();
    await page.getByRole('textbox', { name: 'Larmets namn' }).fill('Rök i Göteborg');
    await page.getByRole('textbox', { name: 'Meddelande (mall)' }).click();
    await page.getByRole('option', { name: /Rökutveckling/ }).click();
    await page.getByRole('button', { name: 'Nästa' }).click();
    await page.getByRole('button', { name: 'Nästa' }).click();
    await page.getByText('Får larmet').waitFor({ timeout: 60_000 });
    expect(await page.getByText('Får larmet').locator('xpath=following-sibling::*[1]').textContent()).toBe('3');
    // The review names the saved segment and how many fitted its rules when the plan was counted.
    const segmentRow = page.getByRole('table', { name: 'Sparade urval' }).getByRole('row', { name: /Rökdykare i Göteborg/ });
    expect(await segmentRow.getByRole('cell').allTextContents()).toEqual(['Rökdykare i Göteborg', 'Mottagare', '2']);
    await page.getByRole('button', { name: 'Starta larm…' }).click();
    await page
      .getByRole('dialog', { name: 'Starta larmet nu?' })
      .getByRole('button', { name: /Starta larm till 3/ })
      .click();
    await page.getByRole('heading', { name: 'Rök i Göteborg', exact: true }).waitFor();
    const { campaigns } = await engineCall<{ campaigns: { id: number; name: string }[] }>('campaigns.list', { limit: 1 });
    const report = await engineCall<{ recipients: { displayName: string }[] }>('campaigns.report', { id: campaigns[0]!.id });
    expect(report.recipients.map((r) => r.displayName).sort()).toEqual(['Anna Urvalsson', 'Bertil Urvalsson', 'Zlatan Handplock']);
  });

  it('on-call schedules warn of gaps, and an alert to those on duty reaches whoever is on duty at the start', async () => {
    const { page } = c;
    await page.getByRole('link', { name: 'Jourscheman' }).click();
    await page.getByRole('heading', { name: 'Jourscheman', exact: true }).waitFor();
    await page.getByRole('textbox', { name: 'Namn på jourschemat' }).fill('Räddningsledare');
    await page.getByRole('textbox', { name: 'Lager 1: Personer i turordning' }).fill('Urvalsson');
    await page.getByRole('button', { name: 'Välj Anna Urvalsson' }).click();
    await page.getByRole('button', { name: 'Välj Bertil Urvalsson' }).click();
    await page.getByLabel('Första passet börjar').fill('2026-01-05T08:00');
    // Nobody for a day from the coming hour: the override that silently stops alerts elsewhere shows as a gap here.
    await page.getByRole('button', { name: 'Lägg till undantag' }).click();
    const warning = page.getByRole('alert').filter({ hasText: 'Ingen har jour 1 gång de kommande två veckorna' });
    await warning
      .getByText(/^Ingen i tjänst (mån|tis|ons|tor|fre|lör|sön) \d+ [a-z]+ \d\d:00 – (mån|tis|ons|tor|fre|lör|sön) \d+ [a-z]+ \d\d:00$/)
      .waitFor();
    const onDutyNow = await page
      .getByRole('status')
      .filter({ hasText: /^I tjänst nu: / })
      .textContent();
    // The editor, the warning and the timeline pass axe (axe-pages scans the page with a saved schedule, not the editor).
    const axe = await new AxeBuilder({ page }).include('main').analyze();
    const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => `${n.target.join(' ')} ${n.any[0]?.message ?? ''}`).join(' | ')}`)).toEqual(
      [],
    );
    await page.mouse.move(0, 0);
    await page.screenshot({
      path: path.join(GUIDE_IMG, 'jourscheman.png'),
      fullPage: true,
      style: '.mantine-AppShell-header { visibility: hidden; }',
    });
    await page.getByRole('button', { name: 'Spara jourschemat' }).click();
    await page.getByRole('navigation', { name: 'Sparade jourscheman' }).getByText(onDutyNow!).waitFor();
    const { onDuty } = await engineCall<{ onDuty: { name: string; person: { displayName: string } | null }[] }>('schedules.onDuty', {});
    expect(onDuty).toMatchObject([{ name: 'Räddningsledare', person: { displayName: onDutyNow!.replace('I tjänst nu: ', '') } }]);

    // A segment of whoever is on duty.
    await page.getByRole('link', { name: 'Urval' }).click();
    await page.getByRole('button', { name: 'Nytt urval' }).click();
    await page.getByRole('textbox', { name: 'Namn på urvalet' }).fill('Räddningsledare i tjänst');
    await page.getByRole('button', { name: 'Ta bort regel 1' }).click();
    await page.getByRole('button', { name: 'Lägg till regel' }).click();
    await page.getByRole('menuitem', { name: 'I tjänst (jourschema)' }).click();
    await page.getByRole('textbox', { name: 'Jourschema' }).click();
    await page.getByRole('option', { name: 'Räddningsledare' }).click();
    await page.getByRole('status').filter({ hasText: '1 kontakt ingår just nu' }).waitFor();
    await page.getByRole('button', { name: 'Spara urvalet' }).click();
    await page.getByRole('navigation', { name: 'Sparade urval' }).getByText('Räddningsledare i tjänst').waitFor();

    const recipients = await alertSegmentBySms(page, 'Räddningsledare i tjänst', 'Räddningsledare larmas', 1);
    expect(recipients.map((r) => `I tjänst nu: ${r.displayName}`)).toEqual([onDutyNow]);
  });

  it('an area drawn on the map is counted live, saved and alerted: exactly those living inside', async () => {
    const { page } = c;
    // Four people around Göteborg; Elin and Fredrik (560 m apart) inside the area drawn below.
    const homes: [string, number, number][] = [
      ['Elin', 57.7, 11.97],
      ['Fredrik', 57.705, 11.978],
      ['Gustav', 57.74, 12.04],
      ['Hanna', 57.66, 11.9],
    ];
    let i = 0;
    for (const [firstName, lat, lon] of homes)
      await engineCall('contacts.create', {
        firstName,
        lastName: 'Områdesson',
        phones: [{ number: `0704${String(400000 + i++)}` }],
        address: { street: `Storgatan ${i}`, postcode: '41101', town: 'Göteborg', municipality: 'Göteborg', lat, lon },
        consents: firstName === 'Elin' ? [{ channel: 'sms', givenAt: '2026-03-01', method: 'verbal', note: 'Sa ja i telefon' }] : [],
      });
    await page.getByRole('link', { name: 'Urval' }).click();
    await page.getByRole('button', { name: 'Nytt urval' }).click();
    await page.getByRole('textbox', { name: 'Namn på urvalet' }).fill('Boende vid branden');
    await page.getByRole('button', { name: 'Ta bort regel 1' }).click();
    await page.getByRole('button', { name: 'Lägg till regel' }).click();
    await page.getByRole('menuitem', { name: 'Område (adress, karta)' }).click();
    // A radius typed with the keyboard: 300 m around Elin's home takes only her.
    await page.getByText('Radie', { exact: true }).click();
    await page.getByRole('textbox', { name: 'Latitud (WGS 84)' }).fill('57.7');
    await page.getByRole('textbox', { name: 'Longitud (WGS 84)' }).fill('11.97');
    await page.getByRole('textbox', { name: 'Radie i meter' }).fill('300');
    await page.getByRole('status').filter({ hasText: '1 kontakt ingår just nu' }).waitFor();
    await page.getByText('Elin Områdesson').waitFor();
    // A polygon clicked around Elin's and Fredrik's dots on the grid map.
    await page.getByText('Rita område', { exact: true }).click();
    const map = page.getByRole('img', { name: 'Karta över kontakternas adresser' });
    await page.getByText('4 kontakter med koordinater visas som prickar', { exact: false }).waitFor();
    // North to south the frame spans Hanna to Gustav (8.9 km plus a margin) in five squares: 2 km each.
    expect(await map.getByText(/^En ruta: /).textContent()).toBe('En ruta: 2 km');
    const dots = map.locator('circle[fill="#1c7ed6"]');
    const mapBox = (await map.boundingBox())!;
    const [elin, fredrik] = [(await dots.nth(0).boundingBox())!, (await dots.nth(1).boundingBox())!];
    const left = Math.min(elin.x, fredrik.x) - 25 - mapBox.x;
    const right = Math.max(elin.x, fredrik.x) + 25 - mapBox.x;
    const top = Math.min(elin.y, fredrik.y) - 25 - mapBox.y;
    const bottom = Math.max(elin.y, fredrik.y) + 25 - mapBox.y;
    for (const [x, y] of [
      [left, top],
      [right, top],
      [right, bottom],
    ] as const)
      await map.click({ position: { x, y } });
    // Three corners: a triangle that misses Elin in the bottom-left corner.
    await page.getByText('3 hörn', { exact: true }).waitFor();
    await page.getByRole('status').filter({ hasText: '1 kontakt ingår just nu' }).waitFor();
    await page.getByText('Fredrik Områdesson').waitFor();
    await map.click({ position: { x: left, y: bottom } });
    await page.getByRole('status').filter({ hasText: '2 kontakter ingår just nu' }).waitFor();
    // Without a mouse a corner is typed; what is not a point is refused in Swedish and adds nothing.
    const corner = page.getByRole('textbox', { name: 'Lägg till hörn (latitud, longitud)' });
    await corner.fill('Storgatan 1');
    await corner.press('Enter');
    await page.getByText('”Storgatan 1” är ingen punkt: skriv latitud och longitud, t.ex. 57,7089 11,9746.').waitFor();
    await page.getByText('4 hörn', { exact: true }).waitFor();
    await corner.fill('57,7 11,9');
    await corner.press('Enter');
    await page.getByText('5 hörn', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Ta bort senaste hörnet' }).click();
    await page.getByText('4 hörn', { exact: true }).waitFor();
    await page.getByRole('status').filter({ hasText: '2 kontakter ingår just nu' }).waitFor();
    const axe = await new AxeBuilder({ page }).include('main').analyze();
    const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`)).toEqual([]);
    await page.mouse.move(0, 0);
    // A viewport as tall as the page: a full-page shot would leave the fixed menu half-way down.
    await page.setViewportSize({ width: 1366, height: 1500 });
    await page.screenshot({
      path: path.join(GUIDE_IMG, 'urval-omrade.png'),
      fullPage: true,
      style: '.mantine-AppShell-header { visibility: hidden; }',
    });
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.getByRole('button', { name: 'Spara urvalet' }).click();
    await page.getByRole('navigation', { name: 'Sparade urval' }).getByText('Boende vid branden').waitFor();

    const recipients = await alertSegmentBySms(page, 'Boende vid branden', 'Brand vid Storgatan', 2);
    expect(recipients.map((r) => r.displayName).sort()).toEqual(['Elin Områdesson', 'Fredrik Områdesson']);

    // Elin's address and consent in the contact drawer.
    await page.getByRole('navigation').getByRole('link', { name: 'Kontakter' }).click();
    await page.getByRole('table', { name: 'Kontakter' }).getByRole('button', { name: 'Elin Områdesson' }).click();
    const drawer = page.getByRole('dialog', { name: 'Redigera kontakt: Elin Områdesson' });
    const consents = drawer.getByRole('table', { name: 'Samtycken' });
    await consents.getByText('Sa ja i telefon').waitFor();
    expect(await consents.getByRole('cell').allTextContents()).toEqual(
      expect.arrayContaining(['SMS', '2026-03-01', 'Muntligt till operatörSa ja i telefon']),
    );
    expect(await drawer.getByLabel('Latitud (WGS 84)').inputValue()).toBe('57.7');
    await consents.getByRole('button', { name: 'Ta bort samtycket för SMS' }).waitFor();
    // The panel's heading at the top, just below the drawer's own title.
    await drawer.getByText('Adress', { exact: true }).evaluate((el) => {
      el.scrollIntoView({ block: 'start' });
      let box = el.parentElement;
      while (box && box.scrollTop === 0) box = box.parentElement;
      box?.scrollBy(0, -80);
    });
    await page.mouse.move(0, 0);
    await drawer.screenshot({ path: path.join(GUIDE_IMG, 'kontakt-adress.png') });
  }, 120_000);
});

/**
 * From the overview, a new SMS alert (template "Rökutveckling…") to a saved segment through the
 * wizard, started after confirming `people`; the recipients of the alert it started.
 */
async function alertSegmentBySms(page: Page, segment: string, name: string, people: number): Promise<{ displayName: string }[]> {
  await page.getByRole('link', { name: 'Översikt' }).click();
  await page.getByRole('heading', { name: 'Översikt' }).waitFor();
  await page.keyboard.press('n');
  await page.getByRole('heading', { name: 'Nytt larm' }).waitFor();
  await page.getByRole('textbox', { name: 'Sparade urval', exact: true }).click();
  await page.getByRole('option', { name: segment }).click();
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Nästa' }).click();
  await page.getByRole('button', { name: 'Bara SMS' }).click();
  await page.getByRole('button', { name: 'Nästa' }).click();
  await page.getByRole('textbox', { name: 'Larmets namn' }).fill(name);
  await page.getByRole('textbox', { name: 'Meddelande (mall)' }).click();
  await page.getByRole('option', { name: /Rökutveckling/ }).click();
  await page.getByRole('button', { name: 'Nästa' }).click();
  await page.getByRole('button', { name: 'Nästa' }).click();
  await page.getByRole('button', { name: 'Starta larm…' }).click();
  await page
    .getByRole('dialog', { name: 'Starta larmet nu?' })
    .getByRole('button', { name: new RegExp(`Starta larm till ${people}`) })
    .click();
  await page.getByRole('heading', { name, exact: true }).waitFor();
  const { campaigns } = await engineCall<{ campaigns: { id: number; name: string }[] }>('campaigns.list', { limit: 1 });
  const report = await engineCall<{ recipients: { displayName: string }[] }>('campaigns.report', { id: campaigns[0]!.id });
  return report.recipients;
}
