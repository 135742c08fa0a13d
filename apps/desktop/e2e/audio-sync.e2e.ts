// A recording made on one workstation, used in a template on another (docs/guide/
// spela-in-rostmeddelande.md): the second workstation lists it as "hämtas vid första
// användning", fetches it from the organisation's server only when the operator presses
// "Hämta och lyssna", and then says it is on this computer. The screenshot is the guide's.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MethodOutput } from '@gdial/protocol';
import { openConsole, type Console } from './harness';
import { toneWav } from '../test/support/tone-wav';

const consoles: Console[] = [];
afterEach(async () => {
  for (const c of consoles.splice(0).reverse()) await c.close();
});

const GUIDE_IMG = path.resolve(import.meta.dirname, '../../../docs/guide/img');

describe('audio across workstations', () => {
  it('a recording from another workstation is fetched on first use and then on this computer', async () => {
    const first = await openConsole({ demo: 'fast' });
    consoles.push(first);
    const second = await openConsole({ joinDemo: first.dataDir, dataDir: `${first.dataDir}-2` });
    consoles.push(second);

    // Recorded on the first workstation (the headless browser has no microphone).
    const saved = await first.host.engine.rpc.call('audio.saveRecording', {
      recording: { format: 'wav', data: toneWav(440, 2).toString('base64') },
      label: 'Utrymning stadshuset',
    });
    expect(saved.ok).toBe(true);
    const listedOnSecond = async () => {
      const r = await second.host.engine.rpc.call('audio.list', { kind: 'recording', limit: 10 });
      return r.ok ? (r.value as MethodOutput<'audio.list'>).assets.length : 0;
    };
    await expect.poll(listedOnSecond, { timeout: 60_000 }).toBe(1);

    const page = second.page;
    await page.getByRole('link', { name: 'Mallar' }).click();
    await page.getByRole('button', { name: 'Ny mall' }).click();
    await page.getByRole('textbox', { name: 'Mallens namn' }).fill('Utrymning');
    await page.getByRole('radio', { name: 'Inspelning (mikrofon)' }).dispatchEvent('click');
    await page.getByRole('textbox', { name: 'Använd en tidigare inspelning' }).click();
    const option = page.getByRole('option', { name: /Utrymning stadshuset · .* · hämtas vid första användning/ });
    await option.click();
    const fetch = page.getByRole('button', { name: 'Hämta och lyssna' });
    await fetch.waitFor();
    const status = page.getByText(/Sparad inspelning: .* · hämtas vid första användning/);
    await status.waitFor();
    await page.getByText('Inspelningen gjordes på en annan dator i organisationen.', { exact: false }).waitFor();
    const editor = status.locator('xpath=ancestor::div[contains(@class, "mantine-Stack-root")][2]');
    await editor.screenshot({ path: path.join(GUIDE_IMG, 'template-recording-remote.png') });

    await fetch.click();
    await page.locator('audio[aria-label="Lyssna på röstmeddelandet"]').waitFor({ timeout: 60_000 });
    await page.getByText(/Sparad inspelning: .* · finns lokalt/).waitFor({ timeout: 30_000 });
    await second.screenshot('template-recording-fetched');
  }, 180_000);
});
