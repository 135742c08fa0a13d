// Failover as an operator sees it, in a real Chromium against the demo world (Twilio first,
// 46elks second). An SMS alert to 30 people is started; after Twilio has carried the first
// messages its simulated API starts losing its answers (the message goes out, the answer is
// a 504, lookups 504 too). The alert finishes through 46elks: the live view says how many
// went through each provider and how many may have got it twice, and a person sent again
// through 46elks shows "via 46elks", the switch and the flag in Swedish in their history.
// The screenshots are the guide's (docs/guide/reservvag.md).
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { CampaignProgress, CampaignReport } from '@gdial/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, type Console } from './harness';

const GUIDE_IMG = path.resolve(import.meta.dirname, '../../../docs/guide/img');

let c: Console;
let template = 0;
let group = 0;

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

const FIRST = ['Anna', 'Bo', 'Cecilia', 'David', 'Elin', 'Fredrik', 'Greta', 'Hampus', 'Ida', 'Johan'];
const LAST = ['Lund', 'Ek', 'Strand'];

beforeAll(async () => {
  c = await openConsole({ demo: 'fast', operator: 'Karin Lind', viewport: { width: 1366, height: 900 } });
  group = (await engineCall<{ id: number }>('groups.create', { name: 'Räddningstjänst' })).id;
  // Numbers ending in 2–4 and 6–9: delivered, no reply (the demo's people ending in 1 confirm).
  const ends = [2, 3, 4, 6, 7, 8, 9];
  for (let i = 0; i < 30; i++)
    await engineCall('contacts.create', {
      firstName: FIRST[i % 10],
      lastName: LAST[Math.floor(i / 10)],
      phones: [{ number: `07056${String(7000 + i)}${ends[i % ends.length]}` }],
      groupIds: [group],
    });
  template = (
    await engineCall<{ id: number }>('templates.create', {
      name: 'Gasläcka',
      variants: { sv: { sms: 'Gasläcka vid hamnen. Håll fönster stängda.' } },
    })
  ).id;
  await engineCall('templates.approve', { id: template });
  await c.page.getByRole('status').filter({ hasText: 'Ansluten till motorn' }).waitFor();
});
afterAll(async () => {
  c?.host.demo?.simulator.configure({ twilioFailure: null });
  await c?.close();
});

describe('failover to 46elks', () => {
  it('finishes an SMS alert through 46elks when Twilio loses its answers, and shows who went through which', async () => {
    const { page } = c;
    const sim = c.host.demo!.simulator;
    const campaign = await engineCall<{ id: number }>('campaigns.create', {
      name: 'Gasläcka hamnen',
      templateId: template,
      audience: { groupIds: [group] },
      // The message, and a reminder to those who have not confirmed a little later.
      steps: [{ channel: 'sms' }, { channel: 'sms', condition: 'not-confirmed', waitSeconds: 20 }],
    });
    await engineCall('campaigns.start', { id: campaign.id });
    // Twilio carries the message to all 30; then, before the reminder, its answers start getting lost.
    const sentByTwilio = () => sim.messages().filter((m) => m.direction === 'outbound-api').length;
    await expect.poll(sentByTwilio, { timeout: 60_000 }).toBe(30);
    sim.configure({ twilioFailure: 'lost-answer' });

    const progress = () => engineCall<CampaignProgress>('campaigns.progress', { id: campaign.id });
    await expect
      .poll(
        async () => {
          const p = await progress();
          return p.deliveries.queued + p.deliveries.sending;
        },
        { timeout: 120_000 },
      )
      .toBe(0);
    const done = await progress();
    const carried = { twilio: 0, elks: 0, ...Object.fromEntries(done.carriers.map((x) => [x.provider, x.count])) };
    // 60 sends (message and reminder), nobody lost: Twilio carried what went before its trouble, 46elks the rest.
    expect(carried.twilio).toBeGreaterThanOrEqual(30);
    expect(carried.elks).toBeGreaterThan(0);
    expect(carried.twilio + carried.elks).toBe(60);
    // Each send 46elks carried is one message there; Twilio has at least the ones it carried (and those whose answers it lost).
    expect(sim.elksMessages().filter((m) => m.direction === 'outgoing').length).toBe(carried.elks);
    expect(sentByTwilio()).toBeGreaterThanOrEqual(carried.twilio);
    // Only a reminder that may have gone out through Twilio before its answer was lost is flagged.
    expect(done.possibleDuplicates).toBeLessThanOrEqual(carried.elks);

    await page.evaluate((hash) => (location.hash = hash), `#/campaigns/${campaign.id}`);
    const status = page.getByRole('status', { name: 'Reservväg' });
    await expect
      .poll(() => status.textContent(), { timeout: 30_000 })
      .toBe(`Reservväg – SMS gick ut genom ${carried.elks} via 46elks och ${carried.twilio} via Twilio.`);
    // Whether Twilio's circuit is still open here depends on timing: on a quiet machine the
    // rows whose answers were lost fail over one by one after their look-ups and the circuit
    // never shows as open, so the "Twilio svarar inte" banner is not asserted here: the
    // carriers above are the outcome that matters. (In the loaded runs that took the guide's
    // screenshot it was open at this point.)
    if (done.possibleDuplicates > 0)
      await page.getByText(`${done.possibleDuplicates} utskick kan ha gått ut två gånger efter ett avbrott`).waitFor();
    await settle(page);
    const box = (await status.boundingBox())!;
    await page.screenshot({
      path: path.join(GUIDE_IMG, 'reservvag-larm.png'),
      clip: { x: 0, y: 0, width: 1366, height: Math.min(900, box.y + box.height + 120) },
    });

    // A person sent again through 46elks after Twilio's answer was lost (flagged), else one 46elks carried.
    const report = await engineCall<CampaignReport>('campaigns.report', { id: campaign.id, limit: 100 });
    const viaElks = report.recipients.filter((r) => r.deliveries.some((d) => d.provider === 'elks'));
    const noted = (r: (typeof viaElks)[number]) =>
      r.deliveries.some((d) => d.events.some((e) => e.kind === 'retry' || e.kind === 'reconciled'));
    const person = viaElks.find((r) => r.deliveries.some((d) => d.possibleDuplicate)) ?? viaElks.find(noted) ?? viaElks[0]!;
    const flagged = person.deliveries.some((d) => d.possibleDuplicate);
    await page.getByRole('textbox', { name: 'Sök i upproplistan' }).fill(person.displayName);
    await page
      .getByRole('button', { name: `Visa förlopp för ${person.displayName}` })
      .first()
      .click();
    const drawer = page.getByRole('dialog', { name: `Förlopp för ${person.displayName}` });
    await drawer.getByText('via 46elks').first().waitFor();
    if (flagged) {
      await drawer.getByText('Personen kan ha fått meddelandet två gånger', { exact: false }).waitFor();
      // The engine's note about the lookup, worded in Swedish (not the engine's English).
      await drawer.getByText(/Twilio gick inte att fråga \(.*\); skickas via 46elks \(kan ha kommit fram två gånger\)/).waitFor();
    } else if (noted(person)) {
      // Twilio's failure before the switch, worded in Swedish.
      await drawer
        .getByText(/^Twilio (nådde inte fram|gick inte att fråga|s svar kom bort|går inte att nå)/)
        .first()
        .waitFor();
    }
    expect(await drawer.getByText(/could not be asked|next attempt through/).count()).toBe(0);
    await settle(page);
    await page.screenshot({ path: path.join(GUIDE_IMG, 'reservvag-forlopp.png') });
    await page.keyboard.press('Escape');
  });
});
