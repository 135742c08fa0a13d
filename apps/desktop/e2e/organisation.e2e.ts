// Two workstations of one organisation, as the README starts them: a demo console and a
// second one joined to it. What one adds appears in the other; Inställningar → Organisation
// says that everything is synced and lists both workstations. The screenshot is the guide's.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openConsole, type Console } from './harness';

const consoles: Console[] = [];
afterEach(async () => {
  for (const c of consoles.splice(0).reverse()) await c.close();
});

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
});
