// A CAP 1.2 message another system posts to the demo relay's POST /api/v1/cap, seen in a real
// Chromium on the demo console: the console's desktop makes a draft alert of it in the API
// key's name, and the alert list shows the draft with "Från CAP via API-nyckeln ”…”" for an
// operator to review and start. The screenshot goes to the guide (docs/guide/img/api-cap-utkast.png).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capDocument } from '@gdial/engine/testing/cap';
import { openConsole, type Console } from './harness';

const GUIDE_IMG = path.resolve(import.meta.dirname, '../../../docs/guide/img');

describe('a CAP message sent through the API in the console', () => {
  let c: Console;
  beforeAll(async () => {
    c = await openConsole({ demo: 'throughput' });
    await c.page.getByRole('status').filter({ hasText: 'Ansluten till motorn' }).waitFor();
  }, 300_000);
  afterAll(async () => {
    await c?.close();
  });

  it('shows the draft in the alert list as from CAP through the key', async () => {
    const { page } = c;
    const relay = c.host.demo!.connectivity.relay!;
    const post = async (url: string, token: string, body: string, contentType = 'application/json') => {
      const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': contentType }, body });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const access = (
      await post(
        `${relay.url}/api/v1/auth/sign-in`,
        relay.deviceToken,
        JSON.stringify({ username: 'demo-admin', password: 'gdial-demo-admin' }),
      )
    ).body.accessToken as string;
    const key = (await post(`${relay.url}/api/v1/api-keys`, access, JSON.stringify({ name: 'Länsstyrelsen', scopes: ['alerts:trigger'] })))
      .body.secret as string;
    const sent = await post(`${relay.url}/api/v1/cap`, key, capDocument(), 'application/cap+xml');
    expect(sent.status).toBe(202);

    await page.getByRole('navigation').getByRole('link', { name: 'Larm' }).click();
    const cell = page.getByRole('cell', { name: 'Från CAP via API-nyckeln ”Länsstyrelsen”' });
    await cell.waitFor({ timeout: 30_000 });
    const row = page.getByRole('row').filter({ hasText: 'Brand med kraftig rök på Öxnered' });
    await expect.poll(() => row.getByText('Utkast').count()).toBe(1);
    await page.setViewportSize({ width: 1366, height: 700 });
    await page
      .getByRole('table')
      .first()
      .screenshot({
        path: path.join(GUIDE_IMG, 'api-cap-utkast.png'),
        style: '.mantine-AppShell-header { visibility: hidden; }',
      });
  }, 240_000);
});
