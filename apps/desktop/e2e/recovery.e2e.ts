// A database damaged on disk, in a real Chromium against the browser host: GDial does not
// start empty; the start error page says what happened and lists the backups with when
// each was made and whether it is whole (one is damaged too); "Återställ senaste
// säkerhetskopia" puts the newest whole one in place and the console loads on it. The
// page's screenshot is the guide's (docs/guide/sakerhet.md).
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackupInfo } from '@gdial/protocol';
import { openConsole, type Console } from './harness';

const GUIDE_IMG = path.resolve(import.meta.dirname, '../../../docs/guide/img');

const consoles: Console[] = [];
afterEach(async () => {
  for (const c of consoles.splice(0)) await c.close();
});

/** Overwrites the first pages, as a failing disk or a crashed copy leaves them. */
const damage = (file: string) => {
  const fd = openSync(file, 'r+');
  writeSync(fd, randomBytes(8192), 0, 8192, 0);
  closeSync(fd);
};

describe('a database that cannot be read at start', { timeout: 180_000 }, () => {
  it('offers the newest whole backup instead of starting empty, and the console starts on it', async () => {
    const key = randomBytes(32).toString('hex');
    const first = await openConsole({ encryption: { key } });
    consoles.push(first);
    const call = async <T>(method: string, params: unknown): Promise<T> => {
      const res = await first.host.engine.rpc.call(method, params);
      if (!res.ok) throw new Error(res.error.message);
      return res.value as T;
    };
    const older = await call<BackupInfo>('backups.create', {});
    await call('contacts.create', { firstName: 'Räddad', lastName: 'Person', phones: [{ number: '070-123 45 67' }] });
    const newer = await call<BackupInfo>('backups.create', {});
    await consoles.pop()!.close();
    damage(path.join(first.dataDir, 'gdial.db'));
    damage(path.join(first.dataDir, 'backups', older.name));

    const c = await openConsole({ dataDir: first.dataDir, encryption: { key } });
    consoles.push(c);
    const { page } = c;
    expect(c.host.recovering).toBe(true);
    await page.getByRole('heading', { name: 'GDial kan inte läsa databasen' }).waitFor();
    await page.getByRole('alert').getByText('GDial har inte startat med en tom databas').waitFor();
    const table = page.getByRole('table', { name: 'Säkerhetskopior' });
    expect(await table.getByRole('row').count()).toBe(3); // header + two backups
    expect(await table.getByText('Hel', { exact: true }).count()).toBe(1);
    expect(await table.getByText('Skadad – kan inte användas').count()).toBe(1);
    await page.screenshot({ path: path.join(GUIDE_IMG, 'start-aterstall.png'), fullPage: true });
    await c.screenshot('start-error-page');

    // English on request.
    await page.getByRole('link', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'GDial cannot read the database' }).waitFor();
    await page.getByRole('link', { name: 'Svenska' }).click();

    await page.getByRole('button', { name: 'Återställ senaste säkerhetskopia' }).click();
    await page.getByRole('link', { name: 'Kontakter' }).waitFor({ timeout: 60_000 });
    expect(c.host.recovering).toBe(false);
    await page.getByRole('link', { name: 'Kontakter' }).click();
    await page.getByText('Räddad Person').waitFor();
    const list = await c.host.engine.rpc.call('backups.list', {});
    expect(list.ok && (list.value as { backups: BackupInfo[] }).backups.map((b) => b.name)).toContain(newer.name);
  });
});
