// Health alerts in a real Chromium against the demo world (simulator + embedded relay):
// someone posts webhooks with forged signatures to the organisation's relay address; with
// the threshold set in Inställningar → Hälsolarm the engine raises an alert that appears in
// the notification centre and on Översikt, and the operator acknowledges it there (named in
// the audit log). The Översikt panel's screenshot is the guide's (docs/guide/sakerhet.md).
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openConsole, type Console } from './harness';

const GUIDE_IMG = path.resolve(import.meta.dirname, '../../../docs/guide/img');

let c: Console | undefined;
afterEach(async () => {
  await c?.close();
  c = undefined;
});

describe('health alerts in the console', { timeout: 180_000 }, () => {
  it('forged webhooks at the relay raise an alert in the notification centre and on Översikt; an operator acknowledges it', async () => {
    c = await openConsole({ demo: 'fast', operator: 'Karin Lind' });
    const { page, host } = c;

    // Inställningar → Hälsolarm: the administrator lowers the threshold for forged calls to 3.
    await page.getByRole('link', { name: 'Inställningar' }).click();
    const settings = page.locator('section[aria-labelledby="health-settings-title"]');
    await settings.scrollIntoViewIfNeeded();
    const field = settings.getByLabel('Anrop med fel signatur på 15 minuter');
    await field.fill('0');
    await settings.getByRole('button', { name: 'Spara gränserna' }).click();
    await settings.getByText('Ska vara ett heltal från 1 till 1 000 000.').waitFor();
    await field.fill('3');
    await settings.getByRole('button', { name: 'Spara gränserna' }).click();
    await page.getByText('Gränserna för hälsolarm sparades.').waitFor();
    const saved = await host.engine.rpc.call('health.list', {});
    expect(saved.ok && (saved.value as { thresholds: Record<string, number> }).thresholds['relay.signatureFailures']).toBe(3);

    // Five posts to the organisation's Twilio status address without a valid signature.
    const url = `${host.demo!.relay.url}/hooks/demo/twilio/message-status`;
    for (let i = 0; i < 5; i++) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'forged' },
        body: new URLSearchParams({ MessageSid: `SMforged${i}`, MessageStatus: 'delivered' }).toString(),
      });
      expect(res.status).toBe(403);
    }
    await host.engine.services.health.evaluate();

    await page.getByRole('link', { name: 'Översikt' }).click();
    const centre = page.getByRole('button', { name: 'Hälsolarm: 1 att kvittera' });
    await centre.waitFor({ timeout: 30_000 });
    const panel = page.getByRole('region', { name: 'Hälsolarm' });
    await panel.getByText('Förfalskade anrop till reläet').waitFor();
    await panel.getByText('5 anrop med fel signatur de senaste 15 minuterna (gräns 3).').waitFor();
    await panel.screenshot({ path: path.join(GUIDE_IMG, 'halsolarm.png') });
    await c.screenshot('health-alert-overview');

    // The notification centre lists it too; acknowledging it there names the operator.
    await centre.click();
    const drawer = page.getByRole('dialog', { name: 'Hälsolarm' });
    await drawer.getByRole('button', { name: 'Kvittera Förfalskade anrop till reläet' }).click();
    await drawer.getByText(/^Kvitterat av Karin Lind/).waitFor();
    await c.screenshot('health-alert-acknowledged');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Hälsolarm: inga att kvittera' }).waitFor();
    const audit = await host.engine.rpc.call('audit.list', { subjectType: 'health' });
    expect(audit.ok && (audit.value as { entries: { action: string; actor: string }[] }).entries.map((e) => [e.action, e.actor])).toEqual([
      ['health.acknowledged', 'Karin Lind'],
      ['health.thresholds', 'Karin Lind'],
    ]);
  });
});
