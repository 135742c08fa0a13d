// Two workstations of one organisation, as the README starts them: a demo console and a
// second one joined to it. What one adds appears in the other; Inställningar → Organisation
// says that everything is synced and lists both workstations. The screenshot is the guide's.
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

describe('organisation', () => {
  it('a contact added on one workstation appears on the other, and Organisation shows both', async () => {
    const first = await openConsole({ demo: 'fast' });
    consoles.push(first);
    const second = await openConsole({ joinDemo: first.dataDir, dataDir: `${first.dataDir}-2` });
    consoles.push(second);

    const created = await first.host.engine.rpc.call('contacts.create', {
      firstName: 'Delad',
      lastName: 'Kontakt',
      phones: [{ number: '070-321 00 00' }],
    });
    expect(created.ok).toBe(true);

    const page = second.page;
    await page.getByRole('link', { name: 'Kontakter' }).click();
    await expect.poll(async () => page.getByText('Delad Kontakt').count(), { timeout: 60_000 }).toBeGreaterThan(0);

    await page.getByRole('link', { name: 'Inställningar' }).click();
    const section = page.getByRole('region', { name: 'Organisation' });
    await section.scrollIntoViewIfNeeded();
    await expect.poll(async () => section.getByText('Allt är synkat.').count(), { timeout: 60_000 }).toBe(1);
    await expect.poll(async () => section.getByRole('row').count(), { timeout: 30_000 }).toBe(3); // header + two workstations
    expect(await section.getByText('(den här)').count()).toBe(1);
    await section.screenshot({ path: path.join(GUIDE_IMG, 'organisation.png') });
    await second.screenshot('organisation-settings');
  });

  it('an alert another workstation sends is shown live there, and taken over once it stops answering', async () => {
    const first = await openConsole({ demo: 'fast' });
    consoles.push(first);
    const second = await openConsole({ joinDemo: first.dataDir, dataDir: `${first.dataDir}-2` });
    consoles.push(second);
    const call = <M extends MethodName>(m: M, params: MethodInput<M>) => callOn(second, m, params);
    const group = await call('groups.create', { name: 'Räddningstjänst' });
    for (const [firstName, lastName, number] of [
      ['Svarar', 'Ett', '070-111 00 01'],
      ['Får', 'Bara', '070-111 00 02'],
      ['Nås', 'Ej', '070-111 00 00'],
    ] as const)
      await call('contacts.create', { firstName, lastName, phones: [{ number }], groupIds: [group.id] });
    const template = await call('templates.create', {
      name: 'Brand',
      variants: {
        sv: {
          sms: 'Brand i centrum. Svara 1 om du kan komma.',
          voice: { kind: 'tts', script: 'Brand i centrum. Tryck 1 om du kan komma.' },
        },
      },
    });
    await call('templates.approve', { id: template.id });
    // SMS now, then a call after ten minutes to whoever has not confirmed: the alert stays running.
    const alert = await call('campaigns.create', {
      name: 'Brand i centrum',
      templateId: template.id,
      audience: { groupIds: [group.id] },
      steps: [{ channel: 'sms' }, { channel: 'voice', waitSeconds: 600, condition: 'not-confirmed' }],
    });
    await call('campaigns.start', { id: alert.id });

    const page = first.page;
    let onFirst = 0;
    await expect
      .poll(
        async () => {
          const list = await callOn(first, 'campaigns.list', { limit: 20 });
          onFirst = list.campaigns.find((c) => c.name === 'Brand i centrum')?.id ?? 0;
          return onFirst;
        },
        { timeout: 60_000 },
      )
      .toBeGreaterThan(0);
    await page.getByRole('link', { name: 'Översikt' }).click();
    await expect.poll(async () => page.getByText(/^Körs av /).count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await page.goto(`${first.host.url}#/campaigns/${onFirst}`);
    await expect.poll(async () => page.getByText(/^Larmet sköts av /).count(), { timeout: 30_000 }).toBe(1);
    expect(await page.getByRole('button', { name: 'Pausa' }).count()).toBe(0); // changed only where it runs
    await expect.poll(async () => page.getByText('Bekräftade').count(), { timeout: 30_000 }).toBeGreaterThan(0);

    await consoles.splice(1, 1)[0]!.close(); // the workstation sending it goes away
    const silent = page.getByRole('alert').filter({ hasText: 'som inte svarar' });
    await expect.poll(async () => silent.count(), { timeout: 60_000 }).toBe(1);
    await silent.screenshot({ path: path.join(GUIDE_IMG, 'ta-over.png') });
    await first.screenshot('alert-take-over');
    await silent.getByRole('button', { name: 'Ta över' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Ta över' }).click();
    await expect.poll(async () => page.getByText(/^Larmet sköts av /).count(), { timeout: 30_000 }).toBe(0);
    await expect.poll(async () => page.getByRole('button', { name: 'Pausa' }).count(), { timeout: 30_000 }).toBe(1);
    await first.screenshot('alert-taken-over');
  });
});
