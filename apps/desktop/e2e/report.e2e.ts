// The after-action report in a real Chromium against the demo world: an SMS alert to ten
// people whose numbers pick their fate in the simulator (ends in 1: replies 1; 0: phone
// unreachable, 30003; 5: unknown number, 30005; others: delivered). The live view draws the
// engine's curve; the report shows the figures the engine computed; "Ladda ner PDF" saves a
// PDF that pdftotext reads back with every unreached person and "Sida n av m" on every page;
// "Larma de som inte svarat…" there drafts a new alert to exactly those who did not confirm.
// Screenshots for the guide go to docs/guide/img (forlopp.png, efterhandsrapport.png).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AfterActionReport, CampaignHistory } from '@gdial/protocol';
import { openConsole, type Console } from './harness';

const GUIDE_IMG = path.resolve(import.meta.dirname, '../../../docs/guide/img');
const PEOPLE = [
  ['Anna', 'Berg'],
  ['Björn', 'Lind'],
  ['Cecilia', 'Holm'],
  ['David', 'Ek'],
  ['Eva', 'Strand'],
  ['Fredrik', 'Sjö'],
  ['Greta', 'Dahl'],
  ['Hassan', 'Nilsson'],
  ['Ida', 'Falk'],
  ['Jonas', 'Björk'],
] as const;

let c: Console;
let id: number;

async function call<T>(method: string, params: unknown): Promise<T> {
  const r = await c.host.engine.rpc.call(method, params);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as T;
}

beforeAll(async () => {
  c = await openConsole({ demo: 'fast', operator: 'Karin Lind', viewport: { width: 1280, height: 900 } });
  const group = await call<{ id: number }>('groups.create', { name: 'Räddningsstyrka Ystad' });
  for (const [i, [first, last]] of PEOPLE.entries())
    await call('contacts.create', { firstName: first, lastName: last, phones: [{ number: `07012345${i}${i}` }], groupIds: [group.id] });
  const tpl = await call<{ id: number }>('templates.create', {
    name: 'Brand',
    variants: { sv: { sms: 'Brand i Ystad. Samling på stationen. Svara 1 om du kommer.' } },
  });
  await call('templates.approve', { id: tpl.id });
  const alert = await call<{ id: number }>('campaigns.create', {
    name: 'Brand i Ystad',
    templateId: tpl.id,
    audience: { groupIds: [group.id] },
    steps: [{ channel: 'sms' }],
  });
  id = alert.id;
  await call('campaigns.start', { id });
  // Waits for the alert to end (the simulator answers within milliseconds).
  for (let i = 0; i < 600 && (await call<{ status: string }>('campaigns.get', { id })).status !== 'completed'; i++)
    await new Promise((r) => setTimeout(r, 100));
});
afterAll(async () => {
  await c?.close();
});

describe('after-action report', () => {
  it('the live view draws the curve the engine derives from the delivery events', async () => {
    const { page } = c;
    await page.goto(`${c.host.url}#/campaigns/${id}`);
    const history = await call<CampaignHistory>('campaigns.history', { id });
    const last = history.points.at(-1)!;
    expect(last).toMatchObject({ reached: 8, confirmed: 1, unreached: 2, held: 0 });
    const chart = page.getByRole('img', { name: /^Diagram över förloppet/ });
    await chart.waitFor();
    expect(await chart.getAttribute('aria-label')).toBe(
      `Diagram över förloppet: ${last.reached} nådda, ${last.confirmed} bekräftade, ${last.unreached} ej nådda och ${last.held} väntar på nät av 10.`,
    );
    // Drawn by the chart library: a line per series.
    await expect.poll(() => chart.locator('.recharts-line').count()).toBe(4);
    // After a reload (the page's state gone) the same curve comes back from the engine.
    await page.reload();
    await chart.waitFor();
    expect(await chart.getAttribute('aria-label')).toContain('8 nådda, 1 bekräftade, 2 ej nådda');
    await chart
      .locator('xpath=ancestor::div[contains(@class, "mantine-Paper-root")][1]')
      .screenshot({ path: path.join(GUIDE_IMG, 'forlopp.png') });
  });

  it('the report on screen shows the engine’s figures, and the PDF has every unreached person on numbered pages', async () => {
    const { page } = c;
    await page.getByRole('button', { name: 'Efterhandsrapport' }).click();
    await page.getByRole('heading', { name: 'Efterhandsrapport: Brand i Ystad' }).waitFor();
    const report = await call<AfterActionReport>('campaigns.afterAction', { id });
    const summary = page.getByRole('region', { name: 'Sammanfattning' });
    await expect.poll(() => summary.getByRole('row', { name: /Startat av/ }).textContent()).toContain('Karin Lind');
    expect(await summary.getByRole('row', { name: /Utfall/ }).textContent()).toContain(
      `${report.reached} av 10 nådda, ${report.confirmed} bekräftade, ${report.unreached.length} ej nådda`,
    );
    const unreached = page.getByRole('region', { name: 'Ej nådda (2)' });
    expect(await unreached.getByRole('row').count()).toBe(3);
    await unreached.getByText('telefonen gick inte att nå (avstängd eller utan täckning)').waitFor();
    await unreached.getByText('numret finns inte hos operatören').waitFor();
    const channelRow = page.getByRole('region', { name: 'Utfall per kanal' }).getByRole('row', { name: /SMS/ });
    expect((await channelRow.getByRole('cell').allTextContents()).slice(1)).toEqual(
      [
        report.channels[0]!.deliveries,
        report.channels[0]!.handedOver,
        report.channels[0]!.delivered,
        report.channels[0]!.failed,
        report.channels[0]!.confirmed,
      ].map(String),
    );
    await page.getByRole('region', { name: 'Operatörernas åtgärder' }).getByText('Karin Lind').first().waitFor();
    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(GUIDE_IMG, 'efterhandsrapport.png') });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Ladda ner PDF' }).click()]);
    expect(download.suggestedFilename()).toBe(`efterhandsrapport-${id}.pdf`);
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'gdial-pdf-')), 'rapport.pdf');
    await download.saveAs(file);
    await page
      .getByRole('status')
      .filter({ hasText: `PDF sparad: efterhandsrapport-${id}.pdf` })
      .waitFor();
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))![1]);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    const perPage = text.split('\f').filter((p) => p.trim() !== '');
    expect(perPage).toHaveLength(pages);
    for (const [i, p] of perPage.entries()) {
      expect(p).toContain(`Sida ${i + 1} av ${pages}`);
      expect(p).toContain('demo · Efterhandsrapport: Brand i Ystad');
      expect(p).toMatch(/Skapad \d{4}-\d{2}-\d{2}/);
    }
    for (const r of report.unreached) {
      expect(text).toContain(r.displayName);
      // Every attempt, not only the person: the number tried and the time it ended.
      for (const d of r.deliveries) expect(text).toContain(d.address);
    }
    expect(report.unreached.map((r) => r.displayName).sort()).toEqual(['Anna Berg', 'Fredrik Sjö']);
    expect(text).toContain('Tid till bekräftelse');
  });

  it('"Larma de som inte svarat…" in the report builds a new alert to exactly the people who did not confirm', async () => {
    const { page } = c;
    await page.goto(`${c.host.url}#/campaigns/${id}/report`);
    await page.getByRole('button', { name: 'Larma de som inte svarat…' }).click();
    await page.getByRole('heading', { name: 'Granska och starta: Brand i Ystad – de som inte svarat' }).waitFor();
    const draft = (await call<{ campaigns: { id: number; status: string }[] }>('campaigns.list', { limit: 1 })).campaigns[0]!;
    expect(draft.status).toBe('draft');
    const fields = await call<{ settings: { audience: { contactIds: number[]; groupIds: number[] } } }>('campaigns.get', { id: draft.id });
    const report = await call<{ recipients: { contactId: number; outcome: string }[] }>('campaigns.report', { id });
    const notConfirmed = report.recipients.filter((r) => r.outcome !== 'confirmed').map((r) => r.contactId);
    expect(notConfirmed).toHaveLength(9);
    expect(fields.settings.audience.groupIds).toEqual([]);
    expect([...fields.settings.audience.contactIds].sort()).toEqual(notConfirmed.sort());
  });

  it('"Bekräftad per telefon" from the roll-call: the numbers to call, a note, shown as manual in the report and the CSV', async () => {
    const { page } = c;
    await page.goto(`${c.host.url}#/campaigns/${id}`);
    await page.getByRole('textbox', { name: 'Sök i upproplistan' }).fill('anna');
    // The roll-call row has her number written the Swedish way, to call.
    await page.getByRole('table', { name: 'Upprop' }).getByRole('link', { name: 'Ring 070-123 45 00' }).waitFor();
    await page.getByRole('button', { name: 'Visa förlopp för Anna Berg' }).click();
    const drawer = page.getByRole('dialog', { name: 'Förlopp för Anna Berg' });
    await drawer.getByRole('link', { name: 'Ring 070-123 45 00' }).waitFor();
    await drawer.getByRole('button', { name: 'Bekräftad per telefon…' }).click();
    // Without a note it is refused, in Swedish, and nothing changes.
    await drawer.getByRole('button', { name: 'Markera som bekräftad' }).click();
    await drawer.getByText('Skriv en anteckning om samtalet innan du markerar Anna Berg som bekräftad per telefon.').waitFor();
    await drawer.getByRole('textbox', { name: 'Anteckning om samtalet' }).fill('Nådd på hemnumret, kommer till stationen');
    await page.mouse.move(0, 0);
    await drawer.screenshot({ path: path.join(GUIDE_IMG, 'bekraftad-per-telefon.png') });
    await drawer.getByRole('button', { name: 'Markera som bekräftad' }).click();
    await drawer.getByText(/bekräftad per telefon av Karin Lind: Nådd på hemnumret, kommer till stationen/).waitFor();
    await expect
      .poll(
        async () =>
          (await call<{ recipients: { displayName: string; outcome: string }[] }>('campaigns.report', { id })).recipients.find(
            (r) => r.displayName === 'Anna Berg',
          )?.outcome,
      )
      .toBe('confirmed');
    await page.keyboard.press('Escape');

    // The report's operator actions name it, with who and the note.
    await page.goto(`${c.host.url}#/campaigns/${id}/report`);
    await page
      .getByRole('region', { name: 'Operatörernas åtgärder' })
      .getByText('Larm ”Brand i Ystad”: Anna Berg bekräftad per telefon. Anteckning: Nådd på hemnumret, kommer till stationen')
      .waitFor();

    // The CSV, one row per person, with Swedish column names: manual, reached by phone.
    await page.goto(`${c.host.url}#/campaigns/${id}`);
    await page.getByRole('button', { name: 'Exportera rapport (CSV)' }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('menuitem', { name: 'En rad per person' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`Brand_i_Ystad-${id}-personer.csv`);
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'gdial-csv-')), 'personer.csv');
    await download.saveAs(file);
    const [header, ...rows] = readFileSync(file, 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
      .map((l) => l.split(';'));
    expect(header).toEqual([
      'Mottagar-id',
      'Namn',
      'Kontakt-id',
      'Utfall',
      'Första utskick',
      'Nådd',
      'Nådd via',
      'Bekräftad',
      'Bekräftad via',
      'Manuellt bekräftad',
      'Väntat på nät (s)',
      'Utskick',
      'Försök',
      'Senaste fel',
    ]);
    expect(rows).toHaveLength(10);
    const anna = Object.fromEntries(header!.map((h, i) => [h, rows.find((r) => r[1] === 'Anna Berg')![i]]));
    expect(anna).toMatchObject({ Utfall: 'bekräftad', 'Manuellt bekräftad': 'ja', 'Nådd via': 'per telefon (manuellt)' });
    expect(anna.Bekräftad).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \+0[12]:00$/);
    await page
      .getByRole('status')
      .filter({ hasText: /Rapporten är sparad som .+ \(10 rader\)/ })
      .waitFor();
  });
});
