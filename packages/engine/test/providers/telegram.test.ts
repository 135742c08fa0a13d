import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@gdial/simulator';
import { parseWebhook, TelegramBotProvider } from '../../src/providers';
import { deadUrl, startHookServer, type HookServer } from './hooks';

let sim: Simulator;
let hooks: HookServer;
let telegram: TelegramBotProvider;

beforeAll(async () => {
  sim = await startSimulator({ seed: 31, profile: 'fast' });
  hooks = await startHookServer();
  sim.configure({ telegramWebhookUrl: `${hooks.url}/hooks/telegram/update`, telegramSecretToken: 'hemligt' });
  telegram = new TelegramBotProvider({ botToken: sim.credentials.telegramBotToken, baseUrl: sim.url });
});
afterAll(async () => {
  await sim.close();
  await hooks.close();
});

describe('Telegram adapter', () => {
  it('sends text with a confirm button; pressing it comes back as a reply carrying the delivery token', async () => {
    const sent = await telegram.send({
      deliveryToken: 'tg-1',
      chatId: '123456781',
      text: 'Larm: bekräfta',
      confirmButton: { label: 'Bekräfta', replyText: 'JA' },
    });
    expect(sent).toMatchObject({ ok: true, status: 'sent' });
    const stored = sim.telegramMessages().find((m) => m.text === 'Larm: bekräfta')!;
    expect(stored.replyMarkup).toEqual({ inline_keyboard: [[{ text: 'Bekräfta', callback_data: 'JA|tg-1' }]] });
    await sim.injectTelegramUpdate({ chatId: '123456781', callbackData: 'JA|tg-1', replyToMessageId: stored.messageId });
    await sim.injectTelegramUpdate({ chatId: '123456781', text: '1' });
    await hooks.waitFor((h) => h.raw.includes('"text":"1"'));
    await hooks.waitFor((h) => h.raw.includes('"data":"JA|tg-1"'));
    const hits = hooks.hits.filter((h) => h.path === '/hooks/telegram/update');
    expect(hits.every((h) => h.headers['x-telegram-bot-api-secret-token'] === 'hemligt')).toBe(true);
    const events = hits.flatMap((h) => parseWebhook(h.webhook!));
    expect(events).toHaveLength(2);
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'reply', channel: 'telegram', from: '123456781', text: 'JA', deliveryToken: 'tg-1' }),
        expect.objectContaining({ type: 'reply', channel: 'telegram', from: '123456781', text: '1', deliveryToken: null }),
      ]),
    );
  });

  it('sends a voice note as multipart', async () => {
    const ogg = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(24), Buffer.from('OpusHead'), Buffer.alloc(2000)]);
    expect(await telegram.sendVoice({ deliveryToken: 'tg-2', chatId: '123456782', audio: ogg, caption: 'Lyssna' })).toMatchObject({
      ok: true,
    });
    expect(sim.telegramMessages().find((m) => m.method === 'sendVoice')).toMatchObject({
      chatId: '123456782',
      text: 'Lyssna',
      voice: { isOggOpus: true, bytes: ogg.length },
    });
  });

  it('classifies 429 with retry_after, blocked bot, unknown chat, bad token, unreachable API; reconciliation is unsupported', async () => {
    const burst = await Promise.all([0, 1, 2, 3].map((i) => telegram.send({ deliveryToken: `b${i}`, chatId: '555', text: `m${i}` })));
    const refused = burst.filter((r) => !r.ok);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ ok: false, error: { class: 'rate-limited', retryAfterMs: 1000, code: 'telegram:429' } });
    expect(await telegram.send({ deliveryToken: 'x', chatId: '1230', text: 'x' })).toMatchObject({
      ok: false,
      error: { class: 'opted-out', code: 'telegram:403' },
    });
    expect(await telegram.send({ deliveryToken: 'x', chatId: '1239', text: 'x' })).toMatchObject({
      ok: false,
      error: { class: 'invalid-recipient', code: 'telegram:400' },
    });
    const badToken = new TelegramBotProvider({ botToken: '1:wrong', baseUrl: sim.url });
    expect(await badToken.send({ deliveryToken: 'x', chatId: '1', text: 'x' })).toMatchObject({ ok: false, error: { class: 'auth' } });
    const offline = new TelegramBotProvider({ botToken: '1:x', baseUrl: await deadUrl() });
    expect(await offline.send({ deliveryToken: 'x', chatId: '1', text: 'x' })).toMatchObject({
      ok: false,
      error: { class: 'transient', code: 'ECONNREFUSED', maybeSent: false },
    });
    expect(await telegram.findByDeliveryToken()).toEqual({ kind: 'unsupported' });
    expect(
      await telegram.send({ deliveryToken: 'x'.repeat(70), chatId: '1', text: 'x', confirmButton: { label: 'OK', replyText: 'JA' } }),
    ).toMatchObject({ ok: false, error: { code: 'button-data-too-long' } });
  });
});
