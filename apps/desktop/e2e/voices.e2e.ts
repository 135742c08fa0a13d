// Installing a Piper voice without typing a path, in a real Chromium against the browser
// host: the two files chosen with the file picker (their bytes go to the engine over the
// console's connection), a choice that will not do refused in Swedish before anything is
// sent, the engine's own checks (a config that is not Piper's) named, and the files
// dropped on the section. The voices are tiny but real ONNX models built by the engine's
// test fixture, so the engine loads and test-runs each one as it would a 60 MB voice.
// The desktop app's OS dialog is covered by desktop-bridge.e2e.ts.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureConfig, buildFixtureModel } from '@gdial/engine/testing/tts';
import { openConsole, type Console } from './harness';

const GUIDE_IMG = path.resolve(import.meta.dirname, '../../../docs/guide/img');

const model = (name: string) => ({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(buildFixtureModel()) });
const config = (name: string, body: unknown = buildFixtureConfig()) => ({
  name,
  mimeType: 'application/json',
  buffer: Buffer.from(JSON.stringify(body)),
});

async function choose(page: Page, files: { name: string; mimeType: string; buffer: Buffer }[]): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Välj röstens filer…' }).click();
  await (await chooser).setFiles(files);
}

let c: Console;
beforeAll(async () => {
  c = await openConsole();
  await c.page.getByRole('status').filter({ hasText: 'Ansluten till motorn' }).waitFor();
  await c.page.getByRole('link', { name: 'Inställningar' }).click();
  await c.page.getByRole('table', { name: 'Röster' }).waitFor();
});
afterAll(async () => {
  await c?.close();
});

describe('voices without typing paths', () => {
  it('refuses a choice that is not one voice, in Swedish, before sending anything', async () => {
    const { page } = c;
    await choose(page, [model('sv_SE-lisa-medium.onnx')]);
    await page
      .getByRole('alert')
      .filter({ hasText: 'Välj båda filerna på en gång: sv_SE-lisa-medium.onnx och sv_SE-lisa-medium.onnx.json som hör till den.' })
      .waitFor();
    await choose(page, [model('sv_SE-lisa-medium.onnx'), config('sv_SE-lisa-medium.onnx.json'), config('readme.txt')]);
    await page
      .getByRole('alert')
      .filter({ hasText: 'readme.txt är varken en röst (.onnx) eller röstens inställningar (.onnx.json).' })
      .waitFor();
    await choose(page, [model('a.onnx'), model('b.onnx')]);
    await page.getByRole('alert').filter({ hasText: 'Välj en röst i taget: b.onnx är en andra .onnx-fil.' }).waitFor();
    expect(await page.getByRole('table', { name: 'Röster' }).getByRole('row').filter({ hasText: 'LISA' }).count()).toBe(0);
  });

  it("names the engine's refusal: a config that is not Piper's installs nothing", async () => {
    const { page } = c;
    await choose(page, [model('sv_SE-trasig-medium.onnx'), config('sv_SE-trasig-medium.onnx.json', { hello: 'world' })]);
    await page.getByRole('alert').filter({ hasText: /Piper/ }).waitFor();
    expect(await page.getByRole('table', { name: 'Röster' }).getByRole('row').filter({ hasText: 'Trasig' }).count()).toBe(0);
  });

  it('installs a voice from the two files chosen with the file picker, and it speaks', async () => {
    const { page } = c;
    await choose(page, [config('sv_SE-lisa-medium.onnx.json'), model('sv_SE-lisa-medium.onnx')]);
    await page
      .getByRole('status')
      .filter({ hasText: 'Rösten LISA (Piper, sv_SE) är installerad och provkörd.' })
      .waitFor({ timeout: 60_000 });
    const row = page.getByRole('table', { name: 'Röster' }).getByRole('row').filter({ hasText: 'LISA (Piper, sv_SE)' });
    await row.getByText('Installerad').waitFor();
    await row.getByText('Fungerar').waitFor();
    await row.getByRole('button', { name: 'Lyssna på LISA (Piper, sv_SE)' }).click();
    await row.locator('audio').waitFor();
  });

  it('installs a voice from the two files dropped on the section', async () => {
    const { page } = c;
    const files = [model('sv_SE-nils-medium.onnx'), config('sv_SE-nils-medium.onnx.json')].map((f) => ({
      name: f.name,
      type: f.mimeType,
      bytes: [...f.buffer],
    }));
    const drop = page.getByTestId('voice-drop');
    const transfer = await page.evaluateHandle((list) => {
      const dt = new DataTransfer();
      for (const f of list) dt.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: f.type }));
      return dt;
    }, files);
    await drop.dispatchEvent('dragover', { dataTransfer: transfer });
    await drop.dispatchEvent('drop', { dataTransfer: transfer });
    await page
      .getByRole('status')
      .filter({ hasText: 'Rösten NILS (Piper, sv_SE) är installerad och provkörd.' })
      .waitFor({ timeout: 60_000 });
    await page
      .getByRole('table', { name: 'Röster' })
      .getByRole('row')
      .filter({ hasText: 'NILS (Piper, sv_SE)' })
      .getByText('Fungerar')
      .waitFor();
    const section = page.locator('div.mantine-Paper-root').filter({ has: page.getByRole('heading', { name: 'Röster', exact: true }) });
    await page.mouse.move(0, 0);
    await section.screenshot({ path: path.join(GUIDE_IMG, 'settings-voices-install.png') });
  });
});
