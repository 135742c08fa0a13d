// Conversations in a real Chromium against the demo world: an SMS alert reaches Greta, she
// writes back ("Var ska vi samlas?"), the operator opens her thread on Konversationer (the
// alert's SMS and her reply, the alert named), takes it, answers from the console, and sees
// the answer delivered in the thread (the simulator's status callback through the relay);
// then marks the thread handled. The screenshot for the guide goes to docs/guide/img.
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
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
  c = await openConsole({ demo: 'fast', operator: 'Karin Lind', viewport: { width: 1400, height: 1000 } });
  // Her number ends in 2: the simulator delivers and she does not answer by herself.
  const greta = await call<{ id: number }>('contacts.create', { firstName: 'Greta', lastName: 'Berg', phones: [{ number: '0701234562' }] });
  const tpl = await call<{ id: number }>('templates.create', {
    name: 'Brand',
    variants: { sv: { sms: 'Brand i Ystad. Samling på stationen. Svara 1 om du kommer.' } },
  });
  await call('templates.approve', { id: tpl.id });
  const alert = await call<{ id: number }>('campaigns.create', {
    name: 'Brand i Ystad',
    templateId: tpl.id,
    audience: { contactIds: [greta.id] },
    steps: [{ channel: 'sms' }],
  });
  await call('campaigns.start', { id: alert.id });
  for (let i = 0; i < 600 && (await call<{ status: string }>('campaigns.get', { id: alert.id })).status !== 'completed'; i++)
    await new Promise((r) => setTimeout(r, 100));
});
afterAll(async () => {
  await c?.close();
});

describe('conversations', () => {
  it('answers an SMS reply from the thread and shows the answer delivered', async () => {
    const { page } = c;
    await page.getByRole('link', { name: 'Konversationer' }).click();
    await page.getByText('Inga konversationer här.').waitFor();
    await c.host.demo!.simulator.injectInboundMessage({ from: '+46701234562', to: DEMO_FROM, body: 'Var ska vi samlas?' });
    const list = page.getByRole('table', { name: 'Konversationer' });
    await list.getByRole('button', { name: 'Öppna konversationen med Greta Berg' }).click();
    const thread = page.getByRole('list', { name: 'Meddelanden' });
    // The alert's SMS to her, then what she wrote, with the alert named.
    await thread.getByText('Brand i Ystad. Samling på stationen. Svara 1 om du kommer.').waitFor();
    await thread.getByText('Var ska vi samlas?').waitFor();
    await page.getByText('Larm: ').getByRole('link', { name: 'Brand i Ystad' }).waitFor();

    await page.getByRole('button', { name: 'Ta konversationen' }).click();
    await page.getByRole('button', { name: 'Släpp konversationen' }).waitFor();
    await list.getByText('Tagen av Karin Lind').waitFor();

    await page.getByRole('textbox', { name: 'Svar till Greta Berg' }).fill('Samling vid stationen, Stora Östergatan 3.');
    await page.getByRole('button', { name: 'Skicka svar' }).click();
    const answer = thread
      .getByRole('listitem', { name: 'Till Greta Berg' })
      .filter({ hasText: 'Samling vid stationen, Stora Östergatan 3.' });
    await answer.getByText('Svar från Karin Lind').waitFor();
    await answer.getByText('Levererat').waitFor({ timeout: 30_000 });
    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(GUIDE_IMG, 'konversationer.png') });

    await page.getByRole('button', { name: 'Markera som hanterad' }).click();
    await page.getByText('Inga konversationer här.').waitFor();
    await page.getByRole('radio', { name: 'Hanterade' }).dispatchEvent('click');
    await list.getByRole('button', { name: 'Öppna konversationen med Greta Berg' }).waitFor();
  });
});
