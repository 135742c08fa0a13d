// Words that cannot be misread, in a real Chromium against the browser host (a demo world
// where nobody answers, so a started alert with a later step stays running): the stop dialog's buttons say what they do, a test
// alert carries a TEST banner, plurals are right ("1 medlem"), a taken group name and the
// review's warnings are said in Swedish.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, type Console } from './harness';

let c: Console;
beforeAll(async () => {
  // The demo world without replies: nobody confirms, so a started alert keeps running.
  c = await openConsole({ operator: 'Karin Lind', demo: 'throughput' });
  await c.page.getByRole('status').filter({ hasText: 'Ansluten till motorn' }).waitFor();
});
afterAll(async () => {
  await c?.close();
});

async function engineCall<T>(method: string, params: unknown): Promise<T> {
  const r = await c.host.engine.rpc.call(method, params);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as T;
}

describe('words that cannot be misread', () => {
  it('a test alert has a TEST banner; the stop dialog says "Fortsätt larmet" / "Stoppa larmet"', async () => {
    const { page } = c;
    const group = await engineCall<{ id: number }>('groups.create', { name: 'Testgrupp' });
    await engineCall('contacts.create', { firstName: 'Tova', lastName: 'Test', phones: [{ number: '0701112233' }], groupIds: [group.id] });
    const tpl = await engineCall<{ id: number }>('templates.create', { name: 'Prov', variants: { sv: { sms: 'Prov. Svara 1.' } } });
    await engineCall('templates.approve', { id: tpl.id });
    const alert = await engineCall<{ id: number }>('campaigns.create', {
      name: 'TEST – Prov',
      templateId: tpl.id,
      audience: { groupIds: [group.id] },
      steps: [{ channel: 'sms' }, { channel: 'sms', waitSeconds: 3600 }],
      testGroupId: group.id,
    });
    await engineCall('campaigns.start', { id: alert.id });
    await page.goto(`${c.host.url}#/campaigns/${alert.id}`);
    await page.getByRole('note').filter({ hasText: 'Testlarm – bara testgruppens medlemmar får det.' }).waitFor();

    await page.getByRole('button', { name: 'Stoppa larmet…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Stoppa larmet?' });
    // The safe choice has the focus and says what it does.
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Fortsätt larmet');
    await dialog.getByRole('button', { name: 'Fortsätt larmet' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await engineCall<{ status: string }>('campaigns.get', { id: alert.id })).status).toBe('running');
    await page.getByRole('button', { name: 'Stoppa larmet…' }).click();
    await page.getByRole('dialog', { name: 'Stoppa larmet?' }).getByRole('button', { name: 'Stoppa larmet', exact: true }).click();
    await expect.poll(async () => (await engineCall<{ status: string }>('campaigns.get', { id: alert.id })).status).toBe('cancelled');
  });

  it('says "1 medlem", and a taken group name in Swedish at the field', async () => {
    const { page } = c;
    await page.getByRole('link', { name: 'Grupper' }).click();
    await page.getByRole('link', { name: /^Testgrupp/ }).click();
    await page.getByText('1 medlem ·').waitFor();

    await page.getByRole('button', { name: 'Ny grupp' }).first().click();
    const form = page.getByRole('dialog', { name: 'Ny grupp' });
    await form.getByRole('textbox', { name: 'Namn' }).fill('Testgrupp');
    await form.getByRole('button', { name: 'Skapa grupp' }).click();
    await form.getByText('Det finns redan en grupp som heter ”Testgrupp”. Välj ett annat namn.').waitFor();
    expect(await form.getByText('already exists').count()).toBe(0);
    await form.getByRole('button', { name: 'Avbryt' }).last().click();
  });

  it('the review says its warnings in Swedish', async () => {
    const { page } = c;
    const group = await engineCall<{ id: number }>('groups.create', { name: 'Stab' });
    await engineCall('contacts.create', { firstName: 'Sara', phones: [{ number: '0702223344' }], groupIds: [group.id] });
    const tpl = await engineCall<{ id: number }>('templates.create', { name: 'Ej godkänd', variants: { sv: { sms: 'Hej. Svara 1.' } } });
    const draft = await engineCall<{ id: number }>('campaigns.create', {
      name: 'Stabsmöte',
      templateId: tpl.id,
      audience: { groupIds: [group.id] },
      steps: [{ channel: 'sms' }],
    });
    await page.goto(`${c.host.url}#/campaigns/${draft.id}/review`);
    await page.getByText('Mallen ”Ej godkänd” är inte godkänd.', { exact: false }).waitFor();
    expect(await page.getByText('is not approved', { exact: false }).count()).toBe(0);
  });
});
