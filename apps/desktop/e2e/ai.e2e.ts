// AI assistance in a real Chromium against the demo world, whose AI is the simulator's
// OpenAI-compatible endpoint (deterministic answers, never a real model): a template is
// drafted from a few words, rewritten in easy Swedish and translated into English with a
// back-translation, used only after the reviewer's tick, saved and approved by a person;
// then replies in the inbox are sorted by their suggested class and filtered to those that
// need help. The screenshots for the guide go to docs/guide/img.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultAiSettings } from '@gdial/protocol';
import { DEMO_FROM } from '../src/web/demo';
import { openConsole, type Console } from './harness';

const GUIDE_IMG = path.resolve(import.meta.dirname, '../../../docs/guide/img');

let c: Console;

async function call<T>(method: string, params: unknown): Promise<T> {
  const r = await c.host.engine.rpc.call(method, params);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as T;
}

beforeAll(async () => {
  c = await openConsole({ demo: 'fast', operator: 'Karin Lind', viewport: { width: 1400, height: 1100 } });
  await call('ai.settings.save', { ...defaultAiSettings, enabled: true, languages: ['en', 'ar'] });
});
afterAll(async () => {
  await c?.close();
});

describe('AI assistance', () => {
  it('drafts, simplifies and translates a template; the translation is used only once reviewed; a person approves', async () => {
    const { page } = c;
    await page.getByRole('link', { name: 'Mallar' }).click();
    await page.getByRole('button', { name: 'Ny mall' }).click();
    await page.getByRole('textbox', { name: 'Mallens namn' }).fill('Brand i hamnen');
    const ai = page.getByRole('region', { name: 'AI-stöd' });
    await ai
      .getByRole('textbox', { name: 'Vad har hänt? Några ord räcker' })
      .fill('brand Ystad hamn, rök, håll fönster stängda, ring 070-123 45 67');
    await ai.getByRole('button', { name: 'Föreslå text' }).click();
    await ai.getByText(/Förslag från gpt-4\.1-mini · \d+ tokens/).waitFor();
    await ai.getByRole('button', { name: 'Använd förslaget i mallen' }).click();
    await page.getByRole('tab', { name: 'SMS' }).click();
    const sms = page.getByRole('textbox', { name: 'SMS-text', exact: true });
    // The phone number went to the simulator as a placeholder and came back restored.
    expect(await sms.inputValue()).toMatch(
      /^VIKTIGT: Brand Ystad hamn\. Rök\. håll fönster stängda\. ring 070-123 45 67\. .*krisinformation\.se/,
    );
    expect(c.host.demo!.simulator.openaiRequests().some((r) => r.body.includes('070-123 45 67'))).toBe(false);

    await ai.getByRole('tab', { name: 'Lättläst' }).click();
    await ai.getByRole('button', { name: 'Skriv om till lättläst' }).click();
    await ai.getByRole('button', { name: 'Använd som svensk SMS-text' }).click();
    expect(await sms.inputValue()).toContain('VIKTIGT: Brand Ystad hamn.\nRök.');

    await ai.getByRole('tab', { name: 'Översätt' }).click();
    await ai.getByRole('button', { name: 'Översätt' }).click();
    const back = ai.getByRole('textbox', { name: 'Tillbakaöversättning till svenska (för granskningen)' });
    expect(await back.inputValue()).toBe(await sms.inputValue());
    const use = ai.getByRole('button', { name: 'Använd som engelsk SMS-text' });
    expect(await use.isDisabled()).toBe(true);
    await ai.getByRole('checkbox', { name: 'Jag har granskat översättningen mot tillbakaöversättningen' }).check();
    await ai.getByText('Granskad av Karin Lind').waitFor();
    await page.mouse.move(0, 0);
    await ai.screenshot({ path: path.join(GUIDE_IMG, 'ai-stod-oversatt.png') });
    await use.click();

    await page.getByRole('button', { name: 'Spara mallen' }).click();
    await page.getByRole('heading', { name: 'Brand i hamnen' }).waitFor();
    await page.getByRole('button', { name: 'Godkänn mallen' }).click();
    await page.getByText(/Godkänd av Karin Lind/).waitFor();
    const saved = await call<{ templates: { name: string; status: string; variants: Record<string, { sms?: string | null }> }[] }>(
      'templates.list',
      {},
    );
    const tpl = saved.templates.find((t) => t.name === 'Brand i hamnen')!;
    expect(tpl.status).toBe('approved');
    expect(tpl.variants.en?.sms).toMatch(/^\[en\] VIKTIGT: Brand Ystad hamn\./);
  });

  it('sorts replies in the inbox by their suggested class, as suggestions', async () => {
    const { page } = c;
    const sim = c.host.demo!.simulator;
    for (const [from, body] of [
      ['+46701112201', 'Vem betalar?'],
      ['+46701112202', 'Vi är instängda på vinden, hjälp!'],
      ['+46701112203', 'ok mottaget'],
    ] as const)
      await sim.injectInboundMessage({ from, to: DEMO_FROM, body });
    await page.getByRole('link', { name: 'Inkorg' }).click();
    const table = page.getByRole('table', { name: 'Svar' });
    await table.getByText('ok mottaget').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Sortera svaren med AI' }).click();
    await page.getByText('3 svar fick ett förslag.', { exact: false }).waitFor();
    await table.getByText('AI-förslag: Behöver hjälp').waitFor();
    await page.getByRole('textbox', { name: 'AI-förslag' }).click();
    await page.getByRole('option', { name: 'Behöver hjälp' }).click();
    await table.getByText('Vem betalar?').waitFor({ state: 'detached' });
    expect(await table.getByRole('row').count()).toBe(2);
    await table.getByText('Vi är instängda på vinden, hjälp!').waitFor();
    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(GUIDE_IMG, 'ai-stod-inkorg.png') });
    // Nothing was handled by the AI.
    expect((await call<{ messages: unknown[] }>('inbox.list', { handled: true })).messages).toHaveLength(0);
  });
});
