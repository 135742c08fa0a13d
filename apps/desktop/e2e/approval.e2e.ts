// The two-person rule across two consoles of one organisation: Anna submits an alert to 12
// people (above the organisation's limit of 10) from "Granska och starta"; Bo, at the other
// workstation, finds it under Översikt → Väntar på godkännande, reviews the same summary and
// approves it with a comment; the alert then starts on Anna's workstation. Anna cannot approve
// her own. The screenshot of Bo's review is the guide's (docs/guide/godkannande.md).
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MethodInput, MethodName, MethodOutput } from '@gdial/protocol';
import { openConsole, type Console } from './harness';

const consoles: Console[] = [];
afterEach(async () => {
  for (const c of consoles.splice(0).reverse()) await c.close();
});

async function callOn<M extends MethodName>(c: Console, m: M, params: MethodInput<M>): Promise<MethodOutput<M>> {
  const r = await c.host.engine.rpc.call(m, params);
  if (!r.ok) throw new Error(`${m}: ${r.error.message}`);
  return r.value as MethodOutput<M>;
}

const GUIDE_IMG = path.resolve(import.meta.dirname, '../../../docs/guide/img');
const rule = { threshold: 10, testGroupId: null };

describe('approval', () => {
  it('an alert submitted on one workstation is approved on the other and starts where it was submitted', async () => {
    const anna = await openConsole({
      demo: 'fast',
      signedIn: { displayName: 'Anna Larmoperatör', role: 'operator' },
      desktopName: 'Ledningscentralen',
      approvalRule: rule,
    });
    consoles.push(anna);
    const bo = await openConsole({
      joinDemo: anna.dataDir,
      dataDir: `${anna.dataDir}-2`,
      signedIn: { displayName: 'Bo Larmoperatör', role: 'operator' },
      desktopName: 'Reservplatsen',
      approvalRule: rule,
    });
    consoles.push(bo);

    const group = await callOn(anna, 'groups.create', { name: 'Hemtjänst Norra' });
    const names = ['Alva', 'Bertil', 'Cecilia', 'David', 'Elin', 'Fredrik', 'Greta', 'Hugo', 'Ida', 'Johan', 'Karin', 'Leo'];
    for (const [i, firstName] of names.entries())
      await callOn(anna, 'contacts.create', {
        firstName,
        lastName: 'Norra',
        phones: [{ number: `070-333 01 ${String(i + 10)}` }],
        groupIds: [group.id],
      });
    // Bo writes the message, Anna approves it: nobody approves a template they wrote.
    const template = await callOn(bo, 'templates.create', {
      name: 'Vattenavstängning',
      variants: { sv: { sms: 'Vattnet är avstängt i Norra till kl 18. Svara 1 om du har fått detta.' } },
    });
    let annasTemplate = 0;
    await expect
      .poll(
        async () => {
          annasTemplate = (await callOn(anna, 'templates.list', {})).templates.find((t) => t.name === 'Vattenavstängning')?.id ?? 0;
          return annasTemplate;
        },
        { timeout: 60_000 },
      )
      .toBeGreaterThan(0);
    const own = await bo.host.engine.rpc.call('templates.approve', { id: template.id });
    expect(own.ok ? null : own.error.refusal?.code).toBe('approval.own-template');
    await callOn(anna, 'templates.approve', { id: annasTemplate });
    const alert = await callOn(anna, 'campaigns.create', {
      name: 'Vattenavstängning Norra',
      templateId: annasTemplate,
      audience: { groupIds: [group.id] },
      steps: [{ channel: 'sms' }],
    });

    // Anna: Granska och starta says it needs a second operator; she types the head count and submits.
    const a = anna.page;
    await a.goto(`${anna.host.url}#/campaigns/${alert.id}/review`);
    await a.getByRole('button', { name: 'Skicka för godkännande…' }).click();
    const dialog = a.getByRole('dialog');
    await expect.poll(async () => dialog.getByText('Det går till fler mottagare än organisationens gräns.').count()).toBe(1);
    await dialog.getByLabel('Skriv antalet mottagare (12) för att bekräfta').fill('12');
    await dialog.getByRole('button', { name: 'Skicka för godkännande' }).click();
    await expect.poll(async () => a.getByText(/^Du skickade larmet\./).count(), { timeout: 30_000 }).toBe(1);
    expect(await a.getByRole('button', { name: 'Godkänn och starta' }).count()).toBe(0);

    // Bo: Översikt lists it; he opens it, reviews the same summary and approves with a comment.
    const b = bo.page;
    await b.getByRole('link', { name: 'Översikt' }).click();
    await expect.poll(async () => b.getByText('Väntar på godkännande (1)').count(), { timeout: 60_000 }).toBe(1);
    await b.getByRole('button', { name: 'Granska Vattenavstängning Norra' }).click();
    await expect
      .poll(async () => b.getByText(/^Anna Larmoperatör på Ledningscentralen skickade larmet för godkännande/).count(), { timeout: 30_000 })
      .toBe(1);
    await expect.poll(async () => b.getByText('Får larmet').count(), { timeout: 60_000 }).toBeGreaterThan(0);
    await b.getByLabel('Kommentar').fill('Stämmer med driftinformationen.');
    // The notification that told Bo is closed, so it does not cover the review.
    const note = b.getByRole('button', { name: 'Stäng meddelandet' });
    if ((await note.count()) > 0) await note.first().click();
    await expect.poll(async () => note.count()).toBe(0);
    // A page-relative clip of the review (an element shot would slide under the fixed header).
    await b.evaluate(() => window.scrollTo(0, 0));
    const panel = b
      .getByRole('heading', { name: 'Väntar på godkännande' })
      .locator('xpath=ancestor::div[contains(@class,"mantine-Paper-root")][1]');
    const box = await panel.boundingBox();
    if (!box) throw new Error('the approval panel is not shown');
    await b.screenshot({ path: path.join(GUIDE_IMG, 'godkann-larm.png'), fullPage: true, clip: box });
    await bo.screenshot('approval-review');
    await b.getByRole('button', { name: 'Godkänn och starta' }).click();

    // The alert starts on Anna's workstation, and her view says who approved it.
    await expect
      .poll(async () => (await callOn(anna, 'campaigns.get', { id: alert.id })).status, { timeout: 60_000 })
      .not.toBe('awaiting-approval');
    await expect.poll(async () => a.getByText(/^Godkänt av Bo Larmoperatör/).count(), { timeout: 30_000 }).toBe(1);
    await anna.screenshot('approval-approved');
    const audit = (await callOn(anna, 'audit.list', { limit: 100 })).entries;
    expect(audit.find((e) => e.action === 'campaign.approve')?.actor).toBe('Bo Larmoperatör');
  });
});
