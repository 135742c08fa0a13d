// A person's timeline in the contact drawer, in a real Chromium against the demo world: the
// operator opens Björn's drawer, an SMS alert starts while it is open, and the Historik
// section follows it — the alert started for him, the hand-over to the provider, the
// provider's statuses and his confirmation (his number ends in 1: the simulator replies 1) —
// without reopening the drawer. Anna's number ends in 0 (phone unreachable, 30003): her
// timeline says why in Swedish. The screenshot for the guide goes to docs/guide/img.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PersonTimeline } from '@gdial/protocol';
import { openConsole, type Console } from './harness';

const GUIDE_IMG = path.resolve(import.meta.dirname, '../../../docs/guide/img');

let c: Console;
let alertId: number;
let bjorn: number;

async function call<T>(method: string, params: unknown): Promise<T> {
  const r = await c.host.engine.rpc.call(method, params);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as T;
}

beforeAll(async () => {
  c = await openConsole({ demo: 'fast', operator: 'Karin Lind', viewport: { width: 1280, height: 1000 } });
  const group = await call<{ id: number }>('groups.create', { name: 'Räddningsstyrka Ystad' });
  await call('contacts.create', { firstName: 'Anna', lastName: 'Berg', phones: [{ number: '0701234500' }], groupIds: [group.id] });
  bjorn = (
    await call<{ id: number }>('contacts.create', {
      firstName: 'Björn',
      lastName: 'Lind',
      phones: [{ number: '0701234511' }],
      groupIds: [group.id],
    })
  ).id;
  await call('contacts.update', { id: bjorn, changes: { role: 'Styrkeledare' } });
  const tpl = await call<{ id: number }>('templates.create', {
    name: 'Brand',
    variants: { sv: { sms: 'Brand i Ystad. Samling på stationen. Svara 1 om du kommer.' } },
  });
  await call('templates.approve', { id: tpl.id });
  alertId = (
    await call<{ id: number }>('campaigns.create', {
      name: 'Brand i Ystad',
      templateId: tpl.id,
      audience: { groupIds: [group.id] },
      steps: [{ channel: 'sms' }],
    })
  ).id;
});
afterAll(async () => {
  await c?.close();
});

describe('a person’s timeline in the contact drawer', () => {
  it('follows a running alert: the start, the attempt and the confirmation appear while the drawer is open', async () => {
    const { page } = c;
    await page.getByRole('link', { name: 'Kontakter' }).click();
    await page.getByRole('table', { name: 'Kontakter' }).getByRole('button', { name: 'Björn Lind' }).click();
    const drawer = page.getByRole('dialog', { name: 'Redigera kontakt: Björn Lind' });
    const history = drawer.getByRole('region', { name: 'Historik' });
    // Before the alert: only the changes to his record, with who made them.
    await history.getByText('av Karin Lind').first().waitFor();
    expect(await history.getByText(/Larm startat/).count()).toBe(0);

    await call('campaigns.start', { id: alertId });
    await history.getByText('Larm startat: Brand i Ystad').waitFor();
    await history
      .getByText(/^Lämnad till leverantören · SMS/)
      .first()
      .waitFor();
    await history.getByText('Bekräftade', { exact: true }).waitFor({ timeout: 30_000 });
    await history
      .getByText(/svarade ”1”/)
      .first()
      .waitFor();
    await history.getByText('I larmet Brand i Ystad').first().waitFor();

    // What the drawer shows is the engine's timeline, newest first, and only his.
    const engine = await call<PersonTimeline>('contacts.history', { id: bjorn, limit: 50 });
    const times = engine.entries.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(engine.entries.map((e) => e.kind)).toEqual(expect.arrayContaining(['alert', 'attempt', 'confirmed', 'record']));
    expect(JSON.stringify(engine)).not.toContain('+46701234500');
    await history.scrollIntoViewIfNeeded();
    await page.mouse.move(0, 0);
    await history.screenshot({ path: path.join(GUIDE_IMG, 'kontakt-historik.png') });
    await drawer.getByRole('button', { name: 'Stäng' }).first().click();
    await drawer.waitFor({ state: 'hidden' });
  });

  it('says in Swedish why a person was not reached, and with which provider', async () => {
    const { page } = c;
    for (let i = 0; i < 600 && (await call<{ status: string }>('campaigns.get', { id: alertId })).status !== 'completed'; i++)
      await new Promise((r) => setTimeout(r, 100));
    await page.getByRole('table', { name: 'Kontakter' }).getByRole('button', { name: 'Anna Berg' }).click();
    const drawer = page.getByRole('dialog', { name: 'Redigera kontakt: Anna Berg' });
    const history = drawer.getByRole('region', { name: 'Historik' });
    await history.getByText('Orsak: telefonen gick inte att nå (avstängd eller utan täckning)').waitFor();
    await history
      .getByText(/^Status från leverantören · SMS 070-123 45 00/)
      .first()
      .waitFor();
    await history.getByText('Utfall för personen: Ej nådd').waitFor();
    expect(await history.getByText('Bekräftade', { exact: true }).count()).toBe(0);
  });
});
