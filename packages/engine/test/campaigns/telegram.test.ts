// A Telegram alert on the simulator with the real Bot API adapter: an accepted message is
// final (Telegram has no delivery receipts), its Bekräfta button confirms the person, and
// the next step waits the operator's wait — not the ten-minute stall for lost callbacks.
import { afterEach, describe, expect, it } from 'vitest';
import type { RawWebhook } from '@gdial/protocol';
import { startSimulator, type Simulator } from '@gdial/simulator';
import { TelegramBotProvider } from '../../src/providers/telegram';
import { parseWebhook } from '../../src/providers/webhooks';
import { sendersFromProviders } from '../../src/campaigns/senders';
import { CampaignService } from '../../src/campaigns/service';
import { addContact, addGroup, addTemplate, alertTemplate, deliveriesOf, makeEnv, outcomesOf, until, type TestEnv } from './helpers';

let env: TestEnv | undefined;
let service: CampaignService | undefined;
let sim: Simulator | undefined;
afterEach(async () => {
  await service?.close();
  await sim?.close();
  env?.close();
  service = env = sim = undefined;
});

describe('Telegram alert', () => {
  it('reaches a final state on the accepted send; the button confirms; the next step waits the chosen 2 s', async () => {
    const e = (env = makeEnv());
    const svc = (service = new CampaignService(e.ctx, {}));
    const s = (sim = await startSimulator({ seed: 3, profile: 'fast' }));
    const telegram = new TelegramBotProvider({ botToken: s.credentials.telegramBotToken, baseUrl: s.url });
    svc.setChannels(sendersFromProviders({ telegram }), null);
    await svc.open();
    const g = addGroup(e.store, 'Jour');
    const anna = addContact(e.store, { name: 'Anna', phones: ['+46701110001'], groups: [g] });
    const bo = addContact(e.store, { name: 'Bo', phones: ['+46701110002'], groups: [g] });
    e.store.sqlite.prepare('UPDATE contacts SET telegram_chat_id = ? WHERE id = ?').run('5551', anna);
    e.store.sqlite.prepare('UPDATE contacts SET telegram_chat_id = ? WHERE id = ?').run('5552', bo);
    const t = addTemplate(e.store, {
      ...alertTemplate,
      variants: { sv: { ...alertTemplate.variants.sv, telegram: 'Larm! Tryck Bekräfta.' } },
    });
    const c = svc.create({
      name: 'Telegram',
      templateId: t,
      audience: { groupIds: [g] },
      steps: [{ channel: 'telegram' }, { channel: 'telegram', waitSeconds: 2, condition: 'not-confirmed' }],
    });
    svc.start(c.id);

    await until(() => s.telegramMessages().filter((m) => m.direction === 'outbound').length >= 2, 10_000, 'two Telegram messages');
    const first = deliveriesOf(e.store, c.id).filter((d) => d.step_index === 0);
    await until(
      () =>
        deliveriesOf(e.store, c.id)
          .filter((d) => d.step_index === 0)
          .every((d) => d.state === 'delivered'),
      5_000,
      'final',
    );
    expect(first.map((d) => d.address).sort()).toEqual(['5551', '5552']);

    // Anna presses Bekräfta: the button's data carries the reply and her delivery's token.
    const toAnna = s.telegramMessages().find((m) => m.chatId === '5551')!;
    const button = (toAnna.replyMarkup as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard[0]![0]!;
    expect(button.text).toBe('Bekräfta');
    const update: RawWebhook = {
      kind: 'telegram.update',
      eventKey: 'tg:1',
      receivedAt: new Date().toISOString(),
      query: {},
      body: {
        update_id: 1,
        callback_query: { id: 'cq1', data: button.callback_data, from: { id: 5551 }, message: { chat: { id: 5551 } } },
      },
    };
    svc.handleProviderEvents(parseWebhook(update));
    await until(() => outcomesOf(e.store, c.id).get(anna) === 'confirmed', 5_000, 'Anna confirmed');
    // The press is answered (answerCallbackQuery), so her app stops waiting.
    expect(await telegram.answerCallback('cq1', 'Tack! Bekräftelsen är registrerad.')).toBe(true);
    expect(s.telegramAnswers()).toEqual([{ callbackQueryId: 'cq1', text: 'Tack! Bekräftelsen är registrerad.' }]);

    // Bo did not confirm: his second message goes out after the 2 s the plan says, not 10 minutes.
    const started = Date.now();
    await until(() => s.telegramMessages().filter((m) => m.chatId === '5552').length === 2, 8_000, 'Bo’s second message');
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(s.telegramMessages().filter((m) => m.chatId === '5551')).toHaveLength(1);
    await until(() => outcomesOf(e.store, c.id).get(bo) === 'reached', 5_000, 'Bo reached');
  }, 30_000);

  it('binds a chat through the contact’s t.me link; a Telegram-only alert to them reaches klart once the button confirms', async () => {
    const e = (env = makeEnv());
    const svc = (service = new CampaignService(e.ctx, {}));
    const s = (sim = await startSimulator({ seed: 4, profile: 'fast' }));
    const telegram = new TelegramBotProvider({ botToken: s.credentials.telegramBotToken, baseUrl: s.url });
    svc.setChannels(sendersFromProviders({ telegram }), null);
    await svc.open();
    const g = addGroup(e.store, 'Jour');
    const cecilia = addContact(e.store, { name: 'Cecilia', groups: [g] });
    const update = (id: number, body: Record<string, unknown>): RawWebhook => ({
      kind: 'telegram.update',
      eventKey: `tg:${id}`,
      receivedAt: new Date().toISOString(),
      query: {},
      body: { update_id: id, ...body },
    });
    const start = (id: number, chat: number, text: string) =>
      svc.handleProviderEvents(
        parseWebhook(update(id, { message: { message_id: id, date: Math.floor(Date.now() / 1000), text, chat: { id: chat } } })),
      );

    const link = await svc.telegramLinks.linkFor(cecilia);
    expect(link.unavailable).toBeNull();
    expect(link.url).toMatch(/^https:\/\/t\.me\/gdial_sim_bot\?start=[A-Za-z0-9_-]{24}$/);
    // The same link until it is used.
    expect((await svc.telegramLinks.linkFor(cecilia)).url).toBe(link.url);
    const token = new URL(link.url!).searchParams.get('start')!;

    // A wrong token binds nobody; hers binds her chat, audited; the used link binds nobody else.
    start(10, 6660, '/start not-a-token');
    expect(chatOf(e, cecilia)).toBeNull();
    const bound = start(11, 7771, `/start ${token}`);
    expect(bound.linkedContacts).toEqual([cecilia]);
    expect(chatOf(e, cecilia)).toBe('7771');
    expect(
      e.store.sqlite
        .prepare("SELECT actor, summary FROM audit_log WHERE action = 'contact.updated' AND subject_id = ?")
        .all(String(cecilia)),
    ).toEqual([{ actor: 'Telegram-länk', summary: `Contact #${cecilia} connected their Telegram chat through their link` }]);
    start(12, 8881, `/start ${token}`);
    expect(chatOf(e, cecilia)).toBe('7771');
    expect(e.events.some((x) => x.name === 'contacts.changed')).toBe(true);
    // A new link is made once the old one is used.
    expect((await svc.telegramLinks.linkFor(cecilia)).url).not.toBe(link.url);

    const t = addTemplate(e.store, { name: 'Tg', variants: { sv: { telegram: 'Larm! Tryck Bekräfta.' } }, fallbacks: {} });
    const c = svc.create({
      name: 'Telegram-larm',
      templateId: t,
      audience: { groupIds: [g] },
      steps: [{ channel: 'telegram' }, { channel: 'telegram', waitSeconds: 600, condition: 'not-confirmed' }],
    });
    svc.start(c.id);
    await until(() => s.telegramMessages().some((m) => m.chatId === '7771'), 5_000, 'her message');
    const button = (
      s.telegramMessages().find((m) => m.chatId === '7771')!.replyMarkup as { inline_keyboard: { callback_data: string }[][] }
    ).inline_keyboard[0]![0]!;
    svc.handleProviderEvents(
      parseWebhook(
        update(13, { callback_query: { id: 'cq2', data: button.callback_data, from: { id: 7771 }, message: { chat: { id: 7771 } } } }),
      ),
    );
    // Confirmed: the second step is not needed, and the alert is klart (completed) without waiting its 10 minutes.
    await until(() => svc.get(c.id).status === 'completed', 5_000, 'the alert completed');
    expect(outcomesOf(e.store, c.id).get(cecilia)).toBe('confirmed');
    expect(s.telegramMessages().filter((m) => m.chatId === '7771')).toHaveLength(1);
  }, 30_000);
});

const chatOf = (e: TestEnv, id: number): string | null =>
  (e.store.sqlite.prepare('SELECT telegram_chat_id AS chat FROM contacts WHERE id = ?').get(id) as { chat: string | null }).chat;
