// Väntar på nät and escalation waves as an operator sees them, in a real Chromium against
// the demo world. With the simulated Twilio and 46elks answering 503 to everything, a started SMS
// alert shows the "Väntar på nät" banner (how many wait, since when, skip or cancel) and
// sends by itself once Twilio answers again. An alert with a wave — "if fewer than 50 %
// have confirmed after 1 minute, alert Reserv" — is edited in the wizard, shown in the
// review, and in the live view goes from "Avgörs …" to the wave's people alerted when only
// 2 of 10 confirmed (numbers ending in 1 reply "1" in the simulator), each of them marked
// "Våg 1" in the roll-call. The screenshots are
// the guide's (docs/guide/nar-natet-ar-borta.md, docs/guide/vagor.md).
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, type Console } from './harness';

const GUIDE_IMG = path.resolve(import.meta.dirname, '../../../docs/guide/img');

let c: Console;
let template = 0;
let styrka = 0;
let reserv = 0;

async function engineCall<T>(method: string, params: unknown): Promise<T> {
  const r = await c.host.engine.rpc.call(method, params);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as T;
}

/** Transitions finished and the pointer out of the way, so a screenshot shows what a person sees. */
async function settle(page: Page): Promise<void> {
  await page.mouse.move(0, 0);
  await page.evaluate(async () => {
    await Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined)));
  });
}

async function openCampaign(id: number): Promise<void> {
  await c.page.evaluate((hash) => (location.hash = hash), `#/campaigns/${id}`);
}

beforeAll(async () => {
  c = await openConsole({ demo: 'fast', operator: 'Karin Lind', viewport: { width: 1366, height: 900 } });
  styrka = (await engineCall<{ id: number }>('groups.create', { name: 'Insatsstyrka' })).id;
  reserv = (await engineCall<{ id: number }>('groups.create', { name: 'Reserv' })).id;
  // Last digits 1 reply "1" (confirm); 2–4 and 6–9 are delivered and do not answer.
  const styrkaEnds = [1, 1, 2, 3, 4, 6, 7, 8, 9, 2];
  for (const [i, end] of styrkaEnds.entries())
    await engineCall('contacts.create', {
      firstName: ['Anna', 'Bo', 'Cecilia', 'David', 'Elin', 'Fredrik', 'Greta', 'Hampus', 'Ida', 'Johan'][i],
      lastName: 'Berg',
      phones: [{ number: `07012${String(3400 + i)}${end}` }],
      groupIds: [styrka],
    });
  for (const [i, end] of [2, 3, 4, 6].entries())
    await engineCall('contacts.create', {
      firstName: ['Karl', 'Lena', 'Maja', 'Nils'][i],
      lastName: 'Ek',
      phones: [{ number: `07045${String(6700 + i)}${end}` }],
      groupIds: [reserv],
    });
  template = (
    await engineCall<{ id: number }>('templates.create', {
      name: 'Brand – samling',
      variants: { sv: { sms: 'Brand i Ystad. Samling på stationen. Svara 1 om du kommer.' } },
    })
  ).id;
  await engineCall('templates.approve', { id: template });
  await c.page.getByRole('status').filter({ hasText: 'Ansluten till motorn' }).waitFor();
});
afterAll(async () => {
  await c?.close();
});

describe('Väntar på nät', () => {
  it('shows the banner while Twilio cannot be reached, and sends by itself once it can', async () => {
    const { page } = c;
    const sim = c.host.demo!.simulator;
    // The network is out: neither Twilio nor the demo's second provider, 46elks, can be reached.
    sim.configure({ twilioFailure: 'server-error', elksFailure: 'server-error' });
    const campaign = await engineCall<{ id: number }>('campaigns.create', {
      name: 'Brand Ystad',
      templateId: template,
      audience: { groupIds: [styrka] },
      steps: [{ channel: 'sms', fallThroughWhenUnavailable: false }],
    });
    await engineCall('campaigns.start', { id: campaign.id });
    await openCampaign(campaign.id);
    const banner = page.getByRole('alert').filter({ hasText: 'Väntar på nät – SMS' });
    await banner.waitFor({ timeout: 60_000 });
    await expect.poll(() => banner.textContent(), { timeout: 30_000 }).toMatch(/10 personer väntar sedan/);
    await banner.getByRole('button', { name: /Hoppa över sms/ }).waitFor();
    // Nobody is written off while the path is down.
    const held = await engineCall<{ outcomes: Record<string, number>; etaSeconds: number | null }>('campaigns.progress', {
      id: campaign.id,
    });
    expect(held.outcomes.unreached).toBe(0);
    expect(held.etaSeconds).toBeNull();
    await settle(page);
    // The alert's head down to the banner: what the operator looks at while the network is out.
    const box = (await banner.boundingBox())!;
    await page.screenshot({
      path: path.join(GUIDE_IMG, 'vantar-pa-nat.png'),
      clip: { x: 0, y: 0, width: 1366, height: box.y + box.height + 16 },
    });

    // The overview says it too.
    await page.getByRole('link', { name: 'Översikt' }).click();
    await page.getByText(/Väntar på nät \(SMS\): 10 personer/).waitFor();

    sim.configure({ twilioFailure: null, elksFailure: null });
    await expect
      .poll(
        async () => (await engineCall<{ deliveries: Record<string, number> }>('campaigns.progress', { id: campaign.id })).deliveries.queued,
        { timeout: 60_000 },
      )
      .toBe(0);
    await openCampaign(campaign.id);
    await page.getByText('Väntar på nät – SMS').waitFor({ state: 'detached', timeout: 30_000 });
    await engineCall('campaigns.cancel', { id: campaign.id });
  });
});

describe('escalation waves', () => {
  it('edits a wave in the wizard, shows it in the review, and alerts Reserv when too few confirmed after 1 minute', async () => {
    const { page } = c;
    const draft = await engineCall<{ id: number }>('campaigns.create', {
      name: 'Brand – samling med reserv',
      templateId: template,
      audience: { groupIds: [styrka] },
      steps: [{ channel: 'sms' }],
      waves: [{ afterMinutes: 1, fewerThan: 50, unit: 'percent', audience: { groupIds: [reserv] } }],
    });
    await page.evaluate((hash) => (location.hash = hash), `#/campaigns/${draft.id}/edit`);
    await page.getByRole('button', { name: 'Nästa' }).click();
    const wave = page.getByRole('region', { name: 'Våg 1' });
    await wave.waitFor();
    await expect
      .poll(() => wave.getByRole('status').textContent())
      .toBe('Om färre än 50 % har bekräftat 1 minut efter start larmas Reserv.');
    await wave.scrollIntoViewIfNeeded();
    await settle(page);
    await wave.screenshot({ path: path.join(GUIDE_IMG, 'vagor-guide.png') });

    for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Nästa' }).click();
    const review = page.getByRole('region', { name: 'Vågor' });
    await review.waitFor({ timeout: 60_000 });
    expect(await review.textContent()).toContain('larmas upp till 4 personer till');
    await settle(page);
    await review.screenshot({ path: path.join(GUIDE_IMG, 'vagor-granska.png') });

    await engineCall('campaigns.start', { id: draft.id });
    await openCampaign(draft.id);
    const panel = page.getByRole('region', { name: 'Vågor' });
    await panel.getByText(/^Avgörs /).waitFor({ timeout: 30_000 });
    // After a minute only 2 of 10 have confirmed: Reserv's 4 are alerted and join the roll-call.
    await panel.getByText('4 personer larmade').waitFor({ timeout: 120_000 });
    await page.getByText('Nils Ek').first().waitFor({ timeout: 30_000 });
    // Each person a wave added says which wave in the roll-call; the alert's own people do not.
    const rowOf = (name: string) => page.getByRole('table', { name: 'Upprop' }).getByRole('row').filter({ hasText: name });
    for (const name of ['Karl Ek', 'Lena Ek', 'Maja Ek', 'Nils Ek'])
      await expect.poll(() => rowOf(name).getByTestId('wave-mark').textContent(), { timeout: 30_000 }).toBe('Våg 1');
    expect(await rowOf('Anna Berg').getByTestId('wave-mark').count()).toBe(0);
    await settle(page);
    await page.screenshot({ path: path.join(GUIDE_IMG, 'vagor-live.png'), fullPage: true });
    const audit = await engineCall<{ entries: { action: string; params: Record<string, unknown> | null }[] }>('audit.list', {
      limit: 50,
    });
    expect(audit.entries.find((e) => e.action === 'campaign.wave')?.params).toMatchObject({ wave: 1, alerted: 1, count: 4 });
  });
});
