// Inställningar → Säkerhetskopior in a real Chromium against the browser host with an
// encrypted database: the operator makes a backup, adds a contact, restores the backup
// after the confirmation, and the console reloads on the restored database (the contact is
// gone, the backup made before the restore is listed). The section's screenshots are the
// guide's (docs/guide/sakerhet.md).
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openConsole, type Console } from './harness';

const GUIDE_IMG = path.resolve(import.meta.dirname, '../../../docs/guide/img');

let c: Console | undefined;
afterEach(async () => {
  await c?.close();
  c = undefined;
});

describe('backups in the console', { timeout: 120_000 }, () => {
  it('makes a backup and restores it after a confirmation', async () => {
    c = await openConsole({ encryption: { key: randomBytes(32).toString('hex') } });
    const { page } = c;
    const call = async (method: string, params: unknown) => {
      const res = await c!.host.engine.rpc.call(method, params);
      if (!res.ok) throw new Error(res.error.message);
      return res.value;
    };
    await call('contacts.create', { firstName: 'Anna', lastName: 'Andersson', phones: [{ number: '070-123 45 67' }] });

    await page.getByRole('link', { name: 'Inställningar' }).click();
    const section = page.locator('section[aria-labelledby="backups-title"]');
    await section.getByRole('heading', { name: 'Säkerhetskopior' }).waitFor();
    await section.getByText('Inga säkerhetskopior ännu.').waitFor();
    await section.getByRole('button', { name: 'Gör en säkerhetskopia nu' }).click();
    const table = section.getByRole('table', { name: 'Säkerhetskopior' });
    await table.getByText('Manuell').waitFor();
    await expect(table.getByText('Krypterad').count()).resolves.toBe(1);
    // The note that it was made goes away by itself; the guide's picture is of the section.
    await page.getByText(/är gjord och kontrollerad/).waitFor({ state: 'hidden', timeout: 20_000 });
    await section.scrollIntoViewIfNeeded();
    await section.screenshot({ path: path.join(GUIDE_IMG, 'sakerhetskopior.png') });

    // Something changed after the backup, then the backup is restored.
    await call('contacts.create', { firstName: 'Bertil', lastName: 'Efterkopia' });
    await section.getByRole('button', { name: /^Återställ säkerhetskopian från/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(/Den nuvarande databasen sparas först/).waitFor();
    await dialog.screenshot({ path: path.join(GUIDE_IMG, 'sakerhetskopior-aterstall.png') });
    await dialog.getByRole('button', { name: 'Återställ kopian' }).click();

    // The console reloads on the restored database.
    await page.waitForEvent('load', { timeout: 30_000 });
    const after = page.locator('section[aria-labelledby="backups-title"]');
    await after.getByText('Före återställning').waitFor({ timeout: 30_000 });
    const found = (await call('contacts.search', { query: '' })) as { items: { displayName: string }[] };
    expect(found.items.map((x) => x.displayName)).toEqual(['Anna Andersson']);
    await c.screenshot('settings-backups-restored');
  });
});
