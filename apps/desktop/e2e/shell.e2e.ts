import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, type Console } from './harness';

let c: Console;
beforeAll(async () => {
  c = await openConsole();
});
afterAll(async () => {
  await c?.close();
});

describe('console shell', () => {
  it('connects to the engine and speaks Swedish by default', async () => {
    const { page } = c;
    await page.getByRole('status').filter({ hasText: 'Ansluten till motorn' }).waitFor();
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('sv');
    expect(await page.getByRole('navigation', { name: 'Huvudmeny' }).isVisible()).toBe(true);
  });

  it('records the operator name in the audit log', async () => {
    const { page } = c;
    await page.getByRole('link', { name: 'Inställningar' }).click();
    await page.getByRole('textbox', { name: 'Operatörens namn' }).fill('Karin Lind');
    await page.getByRole('button', { name: 'Spara namn' }).click();
    await page.getByRole('status').filter({ hasText: 'Sparat.' }).waitFor();
    await c.screenshot('settings');
    await page.getByRole('link', { name: 'Händelselogg' }).click();
    await page.getByRole('cell', { name: /Operatör bytt från .* till Karin Lind/ }).waitFor();
    await c.screenshot('audit-log');
  });

  it('switches to English and back', async () => {
    const { page } = c;
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('status').filter({ hasText: 'Connected to the engine' }).waitFor();
    await page.getByRole('link', { name: 'Settings' }).waitFor();
    await page.getByRole('button', { name: 'Byt till svenska' }).click();
    await page.getByRole('link', { name: 'Inställningar' }).waitFor();
  });
});
