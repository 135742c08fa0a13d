// Pre-approval of a prepared alert in a real Chromium against the demo, with the two-person
// rule's default limit (more than 10 recipients need a second person): the demo
// administrator asks for the approval of a prepared alert to 12 people and cannot decide it
// herself; the console is locked and "Byt operatör" signs in the demo alert operator, who
// finds the request under Väntar på godkännande, reads the plan and approves it; the badge
// says "Godkänd av …". The prepared alert then starts in four actions — choose it,
// "Starta larm…", type the head count, start — with no second approval, and the audit says
// why. An edit of the prepared alert voids the approval. Screenshots for the guide
// (docs/guide/godkannande.md, kora-ett-larm.md) go to docs/guide/img.
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodInput, MethodName, MethodOutput } from '@gdial/protocol';
import { openConsole, type Console } from './harness';

const GUIDE_IMG = path.resolve(import.meta.dirname, '../../../docs/guide/img');
const PEOPLE = 12;
const NAME = 'Brand – hela styrkan';
let c: Console;
let preparedId = '';

async function callOn<M extends MethodName>(m: M, params: MethodInput<M>): Promise<MethodOutput<M>> {
  const r = await c.host.engine.rpc.call(m, params);
  if (!r.ok) throw new Error(`${m}: ${r.error.message}`);
  return r.value as MethodOutput<M>;
}

/** The whole page's serious and critical axe violations (as axe-pages.e2e.ts counts them). */
async function axeProblems(page: Page, name: string): Promise<string[]> {
  await settle(page);
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${name}: ${v.id} — ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
}

async function settle(page: Page): Promise<void> {
  await page.mouse.move(0, 0);
  await page.evaluate(async () => {
    await Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined)));
  });
}

beforeAll(async () => {
  // Signed in as the demo starts: the demo administrator. The organisation's default rule.
  c = await openConsole({
    demo: 'fast',
    operator: false,
    approvalRule: { threshold: 10, testGroupId: null, authorMayApproveTemplates: true },
    desktopName: 'Ledningscentralen',
    viewport: { width: 1366, height: 900 },
  });
  await c.page.getByRole('status').filter({ hasText: 'Ansluten till motorn' }).waitFor();
  // The demo signs its administrator in at start (at the organisation): wait for it on a loaded machine.
  await c.page.getByTestId('signed-in-user').filter({ hasText: 'Demo Administratör' }).waitFor({ timeout: 60_000 });
  const group = await callOn('groups.create', { name: 'Räddningsstyrka Höör' });
  for (let i = 0; i < PEOPLE; i++)
    await callOn('contacts.create', {
      firstName: `Brandman${i + 1}`,
      lastName: 'Höör',
      phones: [{ number: `0702${String(200000 + i)}` }],
      groupIds: [group.id],
    });
  const template = await callOn('templates.create', {
    name: 'Brand – utlarmning',
    variants: { sv: { sms: 'Brand i Höör. Samling på stationen. Svara 1 om du kommer.' } },
  });
  await callOn('templates.approve', { id: template.id });
  preparedId = (
    await callOn('preparedAlerts.save', {
      description: 'Hela styrkan till stationen',
      fields: { name: NAME, templateId: template.id, audience: { groupIds: [group.id] }, steps: [{ channel: 'sms' }] },
    })
  ).id;
}, 360_000);
afterAll(async () => {
  await c?.close();
});

describe('pre-approval of a prepared alert', () => {
  it('asked by one user, approved by another after Lås → Byt operatör, then started with only the head count', async () => {
    const { page } = c;
    await page.getByRole('link', { name: 'Översikt' }).click();
    const panel = page.getByRole('region', { name: 'Larmmallar' });
    await panel.getByRole('button', { name: `Larma: ${NAME}` }).waitFor();

    // The administrator asks for the approval.
    await panel.getByRole('button', { name: `Begär godkännande av larmmallen ${NAME}` }).click();
    const ask = page.getByRole('dialog', { name: `Begär förhandsgodkännande av ${NAME}?` });
    await ask.getByRole('button', { name: 'Begär godkännande' }).click();
    await ask.waitFor({ state: 'hidden' });
    await panel.getByText('Väntar på godkännande').waitFor();
    // She cannot decide her own request: the review says so and offers no approve button.
    await page
      .getByRole('button', { name: `Granska larmmallen ${NAME}` })
      .first()
      .click();
    const own = page.getByRole('dialog', { name: `Förhandsgodkänn larmmallen ${NAME}?` });
    await own.getByText(/^Du begärde godkännandet själv\./).waitFor();
    expect(await own.getByRole('button', { name: 'Godkänn larmmallen' }).count()).toBe(0);
    await own.getByRole('button', { name: 'Avbryt' }).click();
    await own.waitFor({ state: 'hidden' });
    const refused = await c.host.engine.rpc.call('preparedAlerts.approve', { id: preparedId, comment: '' });
    expect(!refused.ok && refused.error.refusal?.code).toBe('prepared.approval-own');

    // Lås → Byt operatör: the demo alert operator signs in at the same console.
    await page.getByRole('button', { name: 'Lås konsolen nu' }).click();
    await page.getByRole('button', { name: 'Byt operatör' }).click();
    await page.getByLabel(/^Användarnamn/).fill('demo-operator');
    await page.getByLabel(/^Lösenord/).fill('gdial-demo-operator');
    await page.getByRole('button', { name: 'Logga in' }).click();
    // The sign-in is made at the organisation (the demo's relay): slow on a loaded machine.
    await expect.poll(() => page.getByTestId('signed-in-user').textContent(), { timeout: 120_000 }).toBe('Demo Larmoperatör');

    // He finds the request under Väntar på godkännande, reads the plan and approves it.
    await page.getByRole('navigation').getByRole('link', { name: 'Översikt' }).click();
    await page.getByText(/^Väntar på godkännande \(\d+\)$/).waitFor({ timeout: 30_000 });
    const waiting = page.getByText('förhandsgodkännande · 12 personer · begärt av Demo Administratör', { exact: false });
    await waiting.waitFor();
    await page
      .getByRole('button', { name: `Granska larmmallen ${NAME}` })
      .first()
      .click();
    const review = page.getByRole('dialog', { name: `Förhandsgodkänn larmmallen ${NAME}?` });
    await review.getByText('Mottagare: Räddningsstyrka Höör').waitFor();
    await review.getByText('Meddelande: mallen Brand – utlarmning').waitFor();
    await review.getByLabel('Kommentar').fill('Rätt styrka och text.');
    await settle(page);
    await review.screenshot({ path: path.join(GUIDE_IMG, 'larmmall-godkann.png') });
    await review.getByRole('button', { name: 'Godkänn larmmallen' }).click();
    await review.waitFor({ state: 'hidden' });
    const today = new Date().toLocaleDateString('sv-SE');
    await panel.getByText(`Godkänd av Demo Larmoperatör (${today})`).waitFor();
    await settle(page);
    const box = await panel.boundingBox();
    if (!box) throw new Error('the prepared alerts are not shown');
    await page.screenshot({ path: path.join(GUIDE_IMG, 'larmmall-godkand.png'), fullPage: true, clip: box });
    expect(await axeProblems(page, 'overview with an approved prepared alert')).toEqual([]);

    // Started in four actions, above the limit, with no second approval: only the typed head count.
    let actions = 0;
    const act = async (step: () => Promise<unknown>) => {
      actions++;
      await step();
    };
    await act(() => panel.getByRole('button', { name: `Larma: ${NAME}` }).click());
    await page.getByRole('heading', { name: `Granska och starta: ${NAME}` }).waitFor();
    await page.getByText('Förhandsgodkänd larmmall').waitFor({ timeout: 60_000 });
    await page.getByText(/godkändes av Demo Administratör och Demo Larmoperatör/).waitFor();
    const start = page.getByRole('button', { name: 'Starta larm…' });
    await start.waitFor();
    expect(await page.getByRole('button', { name: 'Skicka för godkännande…' }).count()).toBe(0);
    await settle(page);
    await page.screenshot({ path: path.join(GUIDE_IMG, 'larmmall-forhandsgodkand-start.png') });
    await act(() => start.click());
    const dialog = page.getByRole('dialog', { name: 'Starta larmet nu?' });
    await act(() => dialog.getByRole('textbox', { name: `Skriv antalet mottagare (${PEOPLE}) för att bekräfta` }).fill(String(PEOPLE)));
    await act(() => dialog.getByRole('button', { name: `Starta larm till ${PEOPLE} personer` }).click());
    await page.getByRole('heading', { name: NAME, exact: true }).waitFor();
    expect(actions).toBe(4);
    const made = (await callOn('campaigns.list', { limit: 10 })).campaigns.find((x) => x.name === NAME)!;
    expect(['running', 'completed']).toContain(made.status);
    const audit = (await callOn('audit.list', { limit: 200 })).entries;
    expect(audit.find((e) => e.action === 'preparedAlert.approval-requested')?.actor).toBe('Demo Administratör');
    expect(audit.find((e) => e.action === 'preparedAlert.approved')?.actor).toBe('Demo Larmoperatör');
    expect(audit.find((e) => e.action === 'campaign.start-preapproved')?.actor).toBe('Demo Larmoperatör');
    expect(audit.some((e) => e.action === 'campaign.submit-approval')).toBe(false);
  });

  it('an edit of the prepared alert voids the approval, shown on the overview', async () => {
    const { page } = c;
    const [p] = (await callOn('preparedAlerts.list', {})).preparedAlerts.filter((x) => x.id === preparedId);
    await callOn('preparedAlerts.save', { id: preparedId, fields: { ...p!.fields, steps: [{ channel: 'sms' }, { channel: 'voice' }] } });
    await page.getByRole('navigation').getByRole('link', { name: 'Översikt' }).click();
    const panel = page.getByRole('region', { name: 'Larmmallar' });
    await panel.getByText('Godkännandet gäller inte längre – larmmallen har ändrats').waitFor();
    await panel.getByRole('button', { name: `Begär godkännande av larmmallen ${NAME}` }).waitFor();
    const audit = (await callOn('audit.list', { limit: 200 })).entries;
    expect(audit.some((e) => e.action === 'preparedAlert.approval-voided')).toBe(true);
  });

  it('the overview with requests waiting and a void approval, and the review dialog, pass axe in light and dark', async () => {
    const { page } = c;
    const [p] = (await callOn('preparedAlerts.list', {})).preparedAlerts.filter((x) => x.id === preparedId);
    const other = await callOn('preparedAlerts.save', { fields: { ...p!.fields, name: 'Brand – halva styrkan' } });
    await callOn('preparedAlerts.requestApproval', { id: other.id });
    const problems: string[] = [];
    for (const scheme of ['Ljust', 'Mörkt'] as const) {
      await page.goto(`${c.host.url}#/settings`);
      await page.getByRole('radio', { name: scheme }).dispatchEvent('click');
      await page.getByRole('navigation').getByRole('link', { name: 'Översikt' }).click();
      const panel = page.getByRole('region', { name: 'Larmmallar' });
      await panel.getByText('Väntar på godkännande').waitFor();
      await panel.getByText('Godkännandet gäller inte längre – larmmallen har ändrats').waitFor();
      problems.push(...(await axeProblems(page, `${scheme} overview`)));
      await page.getByRole('button', { name: 'Granska larmmallen Brand – halva styrkan' }).first().click();
      const review = page.getByRole('dialog', { name: 'Förhandsgodkänn larmmallen Brand – halva styrkan?' });
      // Asked by the operator signed in now: the dialog says he cannot decide it himself.
      await review.getByText(/^Du begärde godkännandet själv\./).waitFor();
      problems.push(...(await axeProblems(page, `${scheme} review dialog`)));
      await review.getByRole('button', { name: 'Avbryt' }).click();
      await review.waitFor({ state: 'hidden' });
    }
    expect(problems).toEqual([]);
  });
});
