// WhatsApp and Telegram as an operator sets them up, in a real Chromium against the demo
// world: a template's WhatsApp tab binds the account's approved content template (listed
// from the simulated Twilio Content API; one under review cannot be chosen) with its
// variables, and a contact's drawer makes their one-time Telegram link to the bot, also as
// a QR code that a phone camera reads back as the same link, or sends it to them by SMS (an
// alert reviewed and started like any other) that binds their chat when they press Start.
// An engångsmeddelande goes out as a link whose page shows the text once; the roll-call says who
// opened it. The screenshots are the guide's (docs/guide/whatsapp-och-telegram.md, konversationer.md).
import path from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, type Console } from './harness';

const GUIDE_IMG = path.resolve(import.meta.dirname, '../../../docs/guide/img');

let c: Console;
beforeAll(async () => {
  c = await openConsole({ demo: 'fast', operator: 'Karin Lind' });
  await c.page
    .getByRole('status')
    .filter({ hasText: /Ansluten till motorn/ })
    .waitFor();
});
afterAll(async () => {
  await c?.close();
});

describe('WhatsApp and Telegram in the console', () => {
  it('binds an approved WhatsApp template to a message template, with its variables', async () => {
    const { page } = c;
    await page.getByRole('link', { name: 'Mallar' }).click();
    await page.getByRole('button', { name: 'Ny mall' }).click();
    await page.getByLabel('Mallens namn').fill('Brand – samling');
    await page.getByRole('tab', { name: 'WhatsApp' }).click();
    await page.getByLabel(/^WhatsApp-text/).fill('Hej {{first_name}}, samling på brandstationen nu. Svara 1.');
    const choose = page.getByRole('textbox', { name: 'Mall hos Twilio' });
    await choose.click();
    // The template under review is listed but cannot be chosen.
    await expect(page.getByRole('option', { name: /ovning_utkast.*granskas/ }).getAttribute('data-combobox-disabled')).resolves.toBe(
      'true',
    );
    await page.getByRole('option', { name: /larm_samling.*godkänd/ }).click();
    await page.getByRole('textbox', { name: 'Värde för {{1}}', exact: true }).fill('{{first_name}}');
    await page.getByRole('textbox', { name: 'Värde för {{2}}', exact: true }).fill('{{organisation}}');
    await page.getByRole('textbox', { name: 'Värde för {{3}}', exact: true }).fill('samling på brandstationen');
    const panel = page.getByRole('tabpanel', { name: 'WhatsApp' });
    await panel.screenshot({ path: path.join(GUIDE_IMG, 'whatsapp-mall.png') });
    await page.getByRole('button', { name: 'Spara mallen' }).click();
    // A new template opens as itself once saved.
    await page.getByRole('heading', { name: 'Brand – samling' }).waitFor();

    const list = await c.host.engine.rpc.call('templates.list', {});
    if (!list.ok) throw new Error(list.error.message);
    const saved = (list.value as { templates: { name: string; variants: { sv?: { whatsappContent?: unknown } } }[] }).templates.find(
      (t) => t.name === 'Brand – samling',
    );
    expect(saved?.variants.sv?.whatsappContent).toMatchObject({
      name: 'larm_samling',
      variables: { 1: '{{first_name}}', 2: '{{organisation}}', 3: 'samling på brandstationen' },
    });
  });

  it('makes a contact’s one-time Telegram link to the bot in the contact drawer', async () => {
    const { page } = c;
    const created = await c.host.engine.rpc.call('contacts.create', {
      firstName: 'Anna',
      lastName: 'Berg',
      phones: [{ number: '0701234561' }],
    });
    if (!created.ok) throw new Error(created.error.message);
    await page.getByRole('link', { name: 'Kontakter' }).click();
    await page.getByRole('table', { name: 'Kontakter' }).getByRole('button', { name: 'Anna Berg' }).click();
    const drawer = page.getByRole('dialog', { name: 'Redigera kontakt: Anna Berg' });
    await drawer.getByRole('button', { name: 'Skapa länk för Telegram' }).click();
    const link = page.getByLabel('Länk till larmboten');
    await expect.poll(() => link.inputValue()).toMatch(/^https:\/\/t\.me\/gdial_sim_bot\?start=[A-Za-z0-9_-]{24}$/);
    // The QR code on screen says the same link: decoded from the pixels the person's camera sees.
    const qr = drawer.getByRole('img', { name: 'QR-kod med länken till larmboten' });
    await qr.waitFor();
    await qr.evaluate((img: HTMLImageElement) => img.decode());
    const png = PNG.sync.read(await qr.screenshot());
    const read = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(read?.data).toBe(await link.inputValue());
    const section = drawer.getByRole('group', { name: 'Koppla Telegram' });
    // Clear of the drawer's sticky buttons at the bottom.
    await section.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await section.screenshot({ path: path.join(GUIDE_IMG, 'telegram-lank.png') });
  });
});

describe('the Telegram link by SMS', () => {
  it('sends a contact their link by SMS from the drawer, reviewed like any alert; pressing Start in Telegram connects them', async () => {
    const { page } = c;
    const sim = c.host.demo!.simulator;
    const found = await c.host.engine.rpc.call('contacts.search', { query: 'Anna Berg' });
    if (!found.ok) throw new Error(found.error.message);
    const anna = (found.value as { items: { id: number; displayName: string }[] }).items.find((x) => x.displayName === 'Anna Berg')!;
    const drawer = page.getByRole('dialog', { name: 'Redigera kontakt: Anna Berg' });
    const shown = await page.getByLabel('Länk till larmboten').inputValue();
    await drawer.getByRole('button', { name: 'Skicka länken med SMS…' }).click();
    // A draft SMS alert to her, in the same review as every alert: who gets it, who cannot be texted.
    await page.getByRole('heading', { name: 'Granska och starta: Telegram-länk till Anna Berg' }).waitFor();
    await page.getByText('Får larmet').waitFor();
    expect(await page.getByText('Får larmet').locator('xpath=following-sibling::*[1]').textContent()).toBe('1');
    await page.screenshot({
      path: path.join(GUIDE_IMG, 'telegram-lank-sms.png'),
      style: '.mantine-AppShell-header { visibility: hidden; }',
    });
    await page.getByRole('button', { name: 'Starta larm…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Starta larmet nu?' });
    await dialog.getByRole('button', { name: 'Starta larm till 1 person' }).click();

    // Out through the demo's SMS path (Twilio, 46elks behind it), with the link her drawer showed.
    const texts = () => [
      ...sim
        .messages()
        .filter((m) => m.to === '+46701234561')
        .map((m) => m.body),
      ...sim
        .elksMessages()
        .filter((m) => m.direction === 'outgoing' && m.to === '+46701234561')
        .map((m) => m.message),
    ];
    await expect.poll(texts, { timeout: 20_000 }).toHaveLength(1);
    expect(texts()[0]).toContain(shown);
    const token = new URL(shown).searchParams.get('start')!;

    // She opens it and presses Start: Telegram sends the bot "/start <token>" through the relay.
    await sim.injectTelegramUpdate({ chatId: '424242', text: `/start ${token}` });
    await expect
      .poll(
        async () => {
          const got = await c.host.engine.rpc.call('contacts.get', { id: anna.id });
          return got.ok ? (got.value as { telegramChatId: string | null }).telegramChatId : null;
        },
        { timeout: 20_000 },
      )
      .toBe('424242');
  });
});

async function engineCall<T>(method: string, params: unknown): Promise<T> {
  const r = await c.host.engine.rpc.call(method, params);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as T;
}

describe('engångsmeddelande', () => {
  it('sends a link instead of the text; the page shows it once, then "redan läst"; the roll-call says Öppnat', async () => {
    const { page } = c;
    const sim = c.host.demo!.simulator;
    const TEXT = 'Portkoden till Ekvägen 3 är 4711. Samling i källaren.';
    const per = await engineCall<{ id: number }>('contacts.create', {
      firstName: 'Per',
      lastName: 'Ek',
      phones: [{ number: '0701239872' }],
    });
    const template = await engineCall<{ id: number }>('templates.create', { name: 'Portkod Ekvägen', variants: { sv: { sms: TEXT } } });
    await engineCall('templates.approve', { id: template.id });
    const draft = await engineCall<{ id: number }>('campaigns.create', {
      name: 'Portkod Ekvägen',
      templateId: template.id,
      audience: { contactIds: [per.id] },
      steps: [{ channel: 'sms' }],
      burn: { expiresAfterHours: 24 },
    });
    // The wizard's message step shows the option as the draft has it.
    await page.evaluate((hash) => (location.hash = hash), `#/campaigns/${draft.id}/edit`);
    await page.getByRole('button', { name: 'Nästa' }).click();
    await page.getByRole('button', { name: 'Nästa' }).click();
    const burn = page.getByRole('switch', { name: 'Engångsmeddelande' });
    await burn.waitFor();
    expect(await burn.isChecked()).toBe(true);
    expect(await page.getByLabel('Raderas senast efter (timmar)').inputValue()).toBe('24');
    await page.mouse.move(0, 0);
    await page.screenshot({
      path: path.join(GUIDE_IMG, 'engangsmeddelande-guide.png'),
      style: '.mantine-AppShell-header { visibility: hidden; }',
    });

    await engineCall('campaigns.start', { id: draft.id });
    const texts = () => [
      ...sim
        .messages()
        .filter((m) => m.to === '+46701239872')
        .map((m) => m.body),
      ...sim
        .elksMessages()
        .filter((m) => m.direction === 'outgoing' && m.to === '+46701239872')
        .map((m) => m.message),
    ];
    await expect.poll(texts, { timeout: 30_000 }).toHaveLength(1);
    const sms = texts()[0]!;
    expect(sms).not.toContain('4711');
    const link = /https?:\/\/\S+\/b\/[A-Za-z0-9_-]{22}#[A-Za-z0-9_-]{43}/.exec(sms)?.[0];
    expect(link, sms).toBeDefined();

    // Per opens the link: the text once, decrypted in his browser; opened again, it is gone.
    // His phone's browser: a context of its own that reaches the relay and nothing else.
    const phone = await page
      .context()
      .browser()!
      .newContext({ viewport: { width: 390, height: 700 }, locale: 'sv-SE' });
    const relayOrigin = new URL(link!).origin;
    await phone.route('**/*', (route) =>
      new URL(route.request().url()).origin === relayOrigin ? route.continue() : route.abort('blockedbyclient'),
    );
    const reader = await phone.newPage();
    try {
      await reader.goto(link!);
      await reader.getByRole('button', { name: 'Visa meddelandet' }).click();
      await reader.getByText(TEXT).waitFor();
      await reader.screenshot({ path: path.join(GUIDE_IMG, 'engangsmeddelande-sida.png') });
      await reader.reload();
      await reader.getByText(/^Meddelandet är redan läst \(/).waitFor();
      expect(await reader.getByText(TEXT).count()).toBe(0);
      await reader.screenshot({ path: path.join(GUIDE_IMG, 'engangsmeddelande-last.png') });
    } finally {
      await phone.close();
    }

    // The roll-call says he opened it.
    await page.evaluate((hash) => (location.hash = hash), `#/campaigns/${draft.id}`);
    const row = page.getByRole('table', { name: 'Upprop' }).getByRole('row').filter({ hasText: 'Per Ek' });
    await row.getByText(/· Öppnat \d/).waitFor({ timeout: 30_000 });
    await page.mouse.move(0, 0);
    await page.getByRole('table', { name: 'Upprop' }).screenshot({ path: path.join(GUIDE_IMG, 'engangsmeddelande-upprop.png') });
  });
});
