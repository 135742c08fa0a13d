// CAP and the VMA underlag in a real Chromium: a CAP file picked on the Alerts page opens as
// a draft in the wizard with its CAP facts; a file dropped on the page does too, and a
// dropped file without severity is refused naming the element; "Exportera som CAP" saves
// the alert as CAP that the engine reads back; the VMA form says what is missing, makes the
// underlag (PDF read back with pdftotext, text for the phone) and the audit log names who
// made it. Screenshots for the guide: docs/guide/img/vma-underlag.png and cap-import.png.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, openConsole, type Console } from './harness';

const GUIDE_IMG = path.resolve(import.meta.dirname, '../../../docs/guide/img');
let c: Console;

async function engineCall<T>(method: string, params: unknown): Promise<T> {
  const r = await c.host.engine.rpc.call(method, params);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as T;
}
const alertsByName = async (): Promise<Map<string, number>> =>
  new Map(
    (await engineCall<{ campaigns: { id: number; name: string }[] }>('campaigns.list', { limit: 10 })).campaigns.map((x) => [x.name, x.id]),
  );

/** A CAP 1.2 alert written for this test; `severity: null` leaves the element out. */
function capFile(opts: { identifier: string; headline: string; severity?: string | null }): string {
  const severity = opts.severity === null ? '' : `<severity>${opts.severity ?? 'Severe'}</severity>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>${opts.identifier}</identifier>
  <sender>lansstyrelsen@example.se</sender>
  <sent>2026-12-07T09:30:00+01:00</sent>
  <status>Actual</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  <info>
    <language>sv-SE</language>
    <category>Env</category>
    <event>Höga flöden i Ätran</event>
    <urgency>Expected</urgency>
    ${severity}
    <certainty>Likely</certainty>
    <headline>${opts.headline}</headline>
    <description>Ätran väntas svämma över vid Falkenbergs centrum i natt.</description>
    <instruction>Flytta bilar från Ågatan och håll dig borta från strandkanten.</instruction>
    <area><areaDesc>Falkenbergs centrum längs Ätran</areaDesc></area>
  </info>
</alert>
`;
}

/** Drops a file on the Alerts page the way the operating system's drag and drop does. */
async function dropFile(page: Page, name: string, text: string): Promise<void> {
  await page.getByTestId('cap-drop-zone').evaluate(
    (zone, { name, text }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], name, { type: 'application/xml' }));
      zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    { name, text },
  );
}

beforeAll(async () => {
  c = await openConsole({ operator: 'Karin Lind', viewport: { width: 1366, height: 900 } });
  await c.page.getByRole('status').filter({ hasText: 'Ansluten till motorn' }).waitFor();
});
afterAll(async () => {
  await c?.close();
});

describe('CAP on the Alerts page', () => {
  it('a CAP file picked with the button opens as a draft in the wizard, with its CAP facts', async () => {
    const { page } = c;
    await page.getByRole('link', { name: 'Larm', exact: true }).click();
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Importera CAP-fil…' }).click();
    await (
      await chooser
    ).setFiles({
      name: 'atran.xml',
      mimeType: 'application/xml',
      buffer: Buffer.from(capFile({ identifier: 'SE-LST-N-2026-17', headline: 'Översvämning i Falkenberg' })),
    });
    await page.getByRole('heading', { name: 'Redigera larm' }).waitFor();
    await page.getByText('Från CAP-meddelandet SE-LST-N-2026-17').waitFor();
    await page
      .getByText('Höga flöden i Ätran · område: Falkenbergs centrum längs Ätran · allvarlighet: allvarlig · brådska: snart', {
        exact: false,
      })
      .waitFor();
    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(GUIDE_IMG, 'cap-import.png') });
  });

  it('a dropped file makes a draft too; one without severity is refused naming the element', async () => {
    const { page } = c;
    await page.getByRole('link', { name: 'Larm', exact: true }).click();
    await page.getByRole('heading', { name: 'Larm', exact: true }).waitFor();
    await dropFile(page, 'utan-severity.xml', capFile({ identifier: 'SE-LST-N-2026-18', headline: 'Utan allvar', severity: null }));
    const refused = page.getByRole('alert').filter({ hasText: 'CAP-filen utan-severity.xml kunde inte importeras' });
    await refused.getByText('CAP-meddelandet: Hur allvarligt det är (severity) saknas (vid info[1]/severity).').waitFor();
    await refused.getByText('Be avsändaren om en rättad fil, eller rätta den och importera igen.').waitFor();
    await c.screenshot('cap-refused');
    await dropFile(page, 'atran-2.xml', capFile({ identifier: 'SE-LST-N-2026-19', headline: 'Översvämning, andra varningen' }));
    await page.getByText('Från CAP-meddelandet SE-LST-N-2026-19').waitFor();
    expect([...(await alertsByName()).keys()].sort()).toEqual(['Översvämning i Falkenberg', 'Översvämning, andra varningen']);
  });

  it('"Exportera som CAP" saves the alert as CAP 1.2 that reads back', async () => {
    const { page } = c;
    const id = (await alertsByName()).get('Översvämning i Falkenberg')!;
    await page.goto(`${new URL(page.url()).origin}/#/campaigns/${id}`);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Exportera som CAP' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`cap-oversvamning-i-falkenberg-${id}.xml`);
    const saved = path.join(ARTIFACTS, 'cap-export.xml');
    await file.saveAs(saved);
    const xml = readFileSync(saved, 'utf8');
    expect(xml).toContain('<status>Actual</status>');
    expect(xml).toContain('<areaDesc>Falkenbergs centrum längs Ätran</areaDesc>');
    const back = await engineCall<{ campaignId: number }>('cap.import', { xml });
    expect(back.campaignId).toBeGreaterThan(id);
  });
});

describe('VMA underlag', () => {
  const fill = {
    '1. Område som berörs': 'Falkenbergs centrum, på båda sidor om Ätran mellan Tullbron och järnvägsbron',
    '2. Vad har hänt eller kan hända': 'Ätran väntas svämma över i natt efter kraftigt regn.',
    '3. Vad är det akuta hotet': 'Vatten på gator och i källare; strömmen kan brytas i området.',
    '4. Vad ska allmänheten göra': 'Flytta bilar från Ågatan, håll dig borta från strandkanten och lyssna på Sveriges Radio P4 Halland.',
    '5. Hur kan allmänheten hjälpa till': 'Undvik området och ring inte 112 för frågor; ring 113 13.',
  };

  it('says what is missing, makes the underlag (PDF, text for the phone), and the audit log names who made it', async () => {
    const { page } = c;
    await page.getByRole('link', { name: 'Larm', exact: true }).click();
    await page.getByRole('button', { name: 'VMA-underlag…' }).click();
    await page.getByRole('heading', { name: 'VMA-underlag till SOS Alarm' }).waitFor();
    await page.getByText('Ett VMA (Viktigt meddelande till allmänheten) skickas inte av GDial.', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Gör underlaget' }).click();
    await page.getByText('Fyll i det akuta hotet.').waitFor();
    await page.getByRole('status').filter({ hasText: 'Kvar att fylla i: område, vad som har hänt eller kan hända' }).waitFor();

    for (const [label, text] of Object.entries(fill)) await page.getByLabel(label).fill(text);
    await page.getByLabel('Vem begär (namn, befattning, organisation)').fill('Jonas Åberg, räddningsledare, Räddningstjänsten Falkenberg');
    await page.getByLabel('Telefon där SOS Alarm når dig').fill('0346-88 60 00');
    await page.getByRole('status').filter({ hasText: 'Alla punkter är ifyllda.' }).waitFor();
    await page.getByRole('button', { name: 'Gör underlaget' }).click();
    await page.getByText('Underlaget är klart (Karin Lind', { exact: false }).waitFor();
    const phone = page.getByLabel('Text att läsa upp för SOS Alarm');
    await expect.poll(() => phone.textContent()).toContain('3. Vad är det akuta hotet: Vatten på gator och i källare');

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Ladda ned PDF' }).click();
    const pdf = path.join(ARTIFACTS, 'vma-underlag.pdf');
    await (await download).saveAs(pdf);
    expect(execFileSync('pdfinfo', [pdf]).toString()).toMatch(/Pages:\s+1\n/);
    const text = execFileSync('pdftotext', [pdf, '-']).toString().replace(/\s+/g, ' ');
    expect(text).toContain('Underlag för VMA – begäran till SOS Alarm');
    expect(text).toContain('Jonas Åberg, räddningsledare');
    expect(text).toContain('Ätran väntas svämma över i natt');
    expect(text).toContain('GDial skickar inget VMA');

    // The whole form and its result in one picture: a window as tall as the page (a full-page shot repeats the fixed header).
    await page.setViewportSize({ width: 1366, height: await page.evaluate(() => document.documentElement.scrollHeight) });
    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(GUIDE_IMG, 'vma-underlag.png') });
    await page.setViewportSize({ width: 1366, height: 900 });

    await page.getByRole('link', { name: 'Händelselogg' }).click();
    await page.getByText('Underlag för VMA (varningsmeddelande) till SOS Alarm gjort för Falkenbergs centrum', { exact: false }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'Underlag för VMA (varningsmeddelande)' });
    await row.getByText('Karin Lind').waitFor();
  });
});
