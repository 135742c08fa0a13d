// Analys and the bell in a real Chromium against the demo world. Two SMS alerts ran: "Brand"
// (live) to Räddning and "Övning" (test) to Hemtjänst, two people each; in the simulator a
// number ending in 1 replies 1, one ending in 0 is unreachable (30003), others get it. A third
// alert to both groups waits for a second person's approval (the rule: more than 3 people).
// The filters change the figures on the page, which equal the engine's; a table downloads as
// CSV with Swedish headers. The bell lists the approval waiting and the finished alerts, and
// their links open the alert and its after-action report. Screenshots: docs/guide/img/analys.png, notiser.png.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Analytics } from '@gdial/protocol';
import { openConsole, type Console } from './harness';

const GUIDE_IMG = path.resolve(import.meta.dirname, '../../../docs/guide/img');

let c: Console;
const ids: Record<'fire' | 'drill' | 'big', number> = { fire: 0, drill: 0, big: 0 };

async function call<T>(method: string, params: unknown): Promise<T> {
  const r = await c.host.engine.rpc.call(method, params);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as T;
}

async function runToEnd(id: number) {
  for (let i = 0; i < 1200 && (await call<{ status: string }>('campaigns.get', { id })).status !== 'completed'; i++)
    await new Promise((r) => setTimeout(r, 100));
}

beforeAll(async () => {
  c = await openConsole({
    demo: 'fast',
    operator: 'Karin Lind',
    viewport: { width: 1280, height: 1000 },
    approvalRule: { threshold: 3, testGroupId: null, authorMayApproveTemplates: true },
  });
  const rescue = await call<{ id: number }>('groups.create', { name: 'Räddning' });
  const care = await call<{ id: number }>('groups.create', { name: 'Hemtjänst' });
  const people: [string, string, number][] = [
    ['Anna', '070-123 45 11', rescue.id],
    ['Björn', '070-123 45 20', rescue.id],
    ['Cecilia', '070-123 45 31', care.id],
    ['David', '070-123 45 42', care.id],
  ];
  for (const [firstName, number, groupId] of people)
    await call('contacts.create', { firstName, lastName: 'Berg', phones: [{ number }], groupIds: [groupId] });
  const tpl = await call<{ id: number }>('templates.create', {
    name: 'Larm',
    variants: { sv: { sms: 'Larm i Ystad. Svara 1 om du har fått detta.' } },
  });
  await call('templates.approve', { id: tpl.id });
  const create = (name: string, groupIds: number[], testGroupId: number | null = null) =>
    call<{ id: number }>('campaigns.create', {
      name,
      templateId: tpl.id,
      audience: { groupIds },
      steps: [{ channel: 'sms' }],
      testGroupId,
    });
  ids.fire = (await create('Brand', [rescue.id])).id;
  ids.drill = (await create('Övning', [care.id], care.id)).id;
  // Both run at once: the simulator answers within moments, the loaded test machine is the slow part.
  await call('campaigns.start', { id: ids.fire });
  await call('campaigns.start', { id: ids.drill });
  await runToEnd(ids.fire);
  await runToEnd(ids.drill);
  ids.big = (await create('Storlarm', [rescue.id, care.id])).id;
  await call('campaigns.submitForApproval', { id: ids.big });
}, 400_000);
afterAll(async () => {
  await c?.close();
});

describe('Analys', () => {
  it('the filters change the figures, which equal the engine’s, and a table downloads as CSV', async () => {
    const { page } = c;
    await page.goto(`${c.host.url}#/analytics`);
    await page.getByRole('heading', { name: 'Analys', level: 2 }).waitFor();
    const summary = page.getByRole('status').filter({ hasText: /larm, .* mottagare/ });
    const today = new Date().toLocaleDateString('sv-SE');
    const engine = await call<Analytics>('analytics.overview', { from: today, to: today });
    expect(engine.alerts.map((a) => [a.name, a.recipients, a.confirmed])).toEqual([
      ['Brand', 2, 1],
      ['Övning', 2, 1],
    ]);
    await expect.poll(() => summary.textContent()).toBe('2 larm, 4 mottagare, 2 bekräftade (50 %).');
    const perAlert = page.getByRole('table', { name: 'Bekräftelse per larm' });
    expect(await perAlert.getByRole('row').count()).toBe(3);
    const errors = page.getByRole('table', { name: 'Felkoder från leverantörerna' });
    await errors.getByText('telefonen gick inte att nå (avstängd eller utan täckning)').waitFor();

    // Test only: the drill.
    await page
      .locator('label')
      .filter({ hasText: /^Test$/ })
      .click();
    await expect.poll(() => summary.textContent()).toBe('1 larm, 2 mottagare, 1 bekräftade (50 %).');
    await expect.poll(() => perAlert.getByRole('row').count()).toBe(2);
    await perAlert.getByRole('link', { name: 'Övning' }).waitFor();
    await page.getByText('Inga misslyckade utskick med felkod under perioden.').waitFor();

    // All again, then the group Räddning: the fire alert.
    await page
      .locator('label')
      .filter({ hasText: /^Alla$/ })
      .click();
    await page.getByRole('textbox', { name: 'Grupp' }).click();
    await page.getByRole('option', { name: 'Räddning' }).click();
    await expect.poll(() => summary.textContent()).toBe('1 larm, 2 mottagare, 1 bekräftade (50 %).');
    await perAlert.getByRole('link', { name: 'Brand' }).waitFor();
    const byGroup = await call<Analytics>('analytics.overview', {
      from: today,
      to: today,
      groupId: engine.groups.find((g) => g.name === 'Räddning')!.groupId,
    });
    const row = (await perAlert.getByRole('row').nth(1).getByRole('cell').allTextContents()).slice(3);
    const a = byGroup.alerts[0]!;
    expect(row.slice(0, 3)).toEqual([String(a.recipients), String(a.confirmed), '50 %']);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Ladda ner Bekräftelse per larm som CSV' }).click(),
    ]);
    const csv = readFileSync(await download.path(), 'utf8');
    const [header, line] = csv.replace(/^\uFEFF/, '').split('\r\n');
    expect(header).toBe('Larm;Startade;Typ;Mottagare;Bekräftade;Andel bekräftade (%);Median tid till bekräftelse (s);90:e percentilen (s)');
    expect(line!.split(';').slice(0, 6)).toEqual(['Brand', expect.any(String), 'Skarpt', '2', '1', '50']);

    // The empty state, for a period with no alerts.
    await page.getByRole('textbox', { name: 'Grupp' }).click();
    await page.keyboard.press('Escape');
    await page.getByLabel('Från och med').fill('2020-01-01');
    await page.getByLabel('Till och med').fill('2020-01-31');
    await page.getByRole('status').filter({ hasText: 'Inga larm startade under perioden' }).waitFor();
    await page.getByLabel('Från och med').fill(today);
    await page.getByLabel('Till och med').fill(today);
    await expect.poll(() => summary.textContent()).toBe('1 larm, 2 mottagare, 1 bekräftade (50 %).');
    await page.getByRole('heading', { name: 'Analys', level: 2 }).click();
    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(GUIDE_IMG, 'analys.png'), fullPage: true });
  });
});

describe('the bell', () => {
  it('shows the approval waiting and the finished alerts, and their links go to the right page', async () => {
    const { page } = c;
    await page.goto(`${c.host.url}#/dashboard`);
    const bell = page.getByRole('button', { name: /^Notiser/ });
    await expect.poll(() => bell.getAttribute('aria-label')).toBe('Notiser: 3 olästa');
    await bell.click();
    const drawer = page.getByRole('dialog', { name: 'Notiser' });
    await drawer.getByRole('link', { name: 'Väntar på godkännande: Storlarm' }).waitFor();
    await drawer.getByText('4 mottagare, skickat för godkännande av Karin Lind. En andra person måste godkänna.').waitFor();
    await drawer.getByRole('link', { name: 'Larmet är klart: Brand' }).waitFor();
    await drawer.getByRole('link', { name: 'Larmet är klart: Övning' }).waitFor();
    await page.mouse.move(0, 0);
    await drawer.screenshot({ path: path.join(GUIDE_IMG, 'notiser.png') });

    await drawer.getByRole('link', { name: 'Väntar på godkännande: Storlarm' }).click();
    await expect.poll(() => page.url()).toMatch(new RegExp(`#/campaigns/${ids.big}$`));
    await page
      .getByRole('heading', { name: /Storlarm/ })
      .first()
      .waitFor();
    await expect.poll(() => bell.getAttribute('aria-label')).toBe('Notiser: 2 olästa');

    await bell.click();
    await drawer.getByRole('link', { name: 'Larmet är klart: Brand' }).click();
    await expect.poll(() => page.url()).toMatch(new RegExp(`#/campaigns/${ids.fire}/report$`));
    await page.getByRole('heading', { name: 'Efterhandsrapport: Brand' }).waitFor();
    await expect.poll(() => bell.getAttribute('aria-label')).toBe('Notiser: 1 olästa');
  });
});
