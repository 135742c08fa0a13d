// A big address book in a real Chromium against the browser host: the table fetches the
// rows where the operator lands (a scrollbar dragged to the middle or the end) directly,
// without the pages before them, and they are the right people.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, type Console } from './harness';

const PEOPLE = 20_000;
const name = (i: number) => `Person ${String(i).padStart(5, '0')}`;

let c: Console;
beforeAll(async () => {
  c = await openConsole();
  const lines = ['Förnamn;Efternamn;Mobil'];
  for (let i = 1; i <= PEOPLE; i++) lines.push(`Person;${String(i).padStart(5, '0')};070${String(i).padStart(7, '0')}`);
  const rpc = c.host.engine.rpc;
  const preview = await rpc.call('contacts.import.preview', {
    source: { kind: 'inline', fileName: 'kontakter.csv', dataBase64: Buffer.from(lines.join('\r\n'), 'utf8').toString('base64') },
  });
  if (!preview.ok) throw new Error(preview.error.message);
  const run = await rpc.call('contacts.import.run', { importId: (preview.value as { importId: string }).importId, onDuplicate: 'update' });
  if (!run.ok) throw new Error(run.error.message);
}, 120_000);
afterAll(async () => {
  await c?.close();
});

describe('a big address book', () => {
  it('shows the right people where the scrollbar lands, the last contact too', async () => {
    const { page } = c;
    await page.goto(`${new URL(page.url()).origin}/#/contacts`);
    const table = page.getByRole('table', { name: 'Kontakter' });
    await expect.poll(() => table.getAttribute('aria-rowcount')).toBe(String(PEOPLE + 1));
    await table.getByRole('button', { name: name(1) }).waitFor();

    const jumpTo = (share: number) =>
      page.evaluate((s) => {
        const el = document.querySelector<HTMLElement>('[role="table"][aria-label="Kontakter"]')!;
        el.scrollTop = (el.scrollHeight - el.clientHeight) * s;
      }, share);

    await jumpTo(0.5);
    const middle = page.locator('[role="table"][aria-label="Kontakter"] [aria-rowindex]:not([aria-busy]) button[data-col="name"]');
    await expect
      .poll(async () => {
        const names = await middle.allTextContents();
        return names.some((n) => n.startsWith('Person 09') || n.startsWith('Person 10'));
      })
      .toBe(true);
    // Placeholders give way to the right people: row n is person n.
    const rowIndex = Number(await middle.first().locator('xpath=ancestor::*[@role="row"]').getAttribute('aria-rowindex'));
    expect(await middle.first().textContent()).toBe(name(rowIndex - 1));

    await jumpTo(1);
    await table.getByRole('button', { name: name(PEOPLE) }).waitFor();
    await expect.poll(() => page.locator('[role="table"][aria-label="Kontakter"] [aria-busy="true"]').count()).toBe(0);

    // Back at the top, the first person is shown again (fetched anew if it was dropped).
    await jumpTo(0);
    await table.getByRole('button', { name: name(1) }).waitFor();
    await c.screenshot('contacts-scale');
  });
});
