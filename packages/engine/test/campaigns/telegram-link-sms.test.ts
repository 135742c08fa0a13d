// Sending people their Telegram link by SMS, on the simulator with the real adapters: the
// operator picks a group, the engine makes a draft outreach alert (one SMS step, the built-in
// link template) to the members not yet connected, and once started it goes out through the
// normal SMS path — do-not-contact respected, and with Twilio refusing our credentials the
// SMS go out through 46elks. When a person opens their link and presses Start in Telegram,
// the bot's "/start <token>" (through the relay) binds their chat to them.
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@gdial/simulator';
import { createProviders } from '../../src/providers/factory';
import { TelegramBotProvider } from '../../src/providers/telegram';
import { parseWebhook } from '../../src/providers/webhooks';
import { sendersFromProviders } from '../../src/campaigns/senders';
import { CampaignService } from '../../src/campaigns/service';
import { addContact, addGroup, deliveriesOf, makeEnv, until, type TestEnv } from './helpers';
import { startRelayStub, type RelayStub } from './relay-stub';

let env: TestEnv | undefined;
let service: CampaignService | undefined;
let sim: Simulator | undefined;
let relay: RelayStub | undefined;
afterEach(async () => {
  await service?.close();
  await sim?.close();
  await relay?.close();
  env?.close();
  service = env = sim = relay = undefined;
});

const LINK = /https:\/\/t\.me\/gdial_sim_bot\?start=([A-Za-z0-9_-]{24})/;

describe('the Telegram link by SMS', () => {
  it('a group’s unconnected members get their own link through the SMS path (46elks when Twilio refuses); Start binds the chat', async () => {
    const e = (env = makeEnv());
    const svc = (service = new CampaignService(e.ctx, {}));
    const r = (relay = await startRelayStub((raw) => void svc.handleProviderEvents(parseWebhook(raw))));
    const s = (sim = await startSimulator({
      seed: 21,
      profile: 'fast',
      config: { inboundMessageUrl: r.urls.inboundUrl, elksSmsUrl: r.urls.elksInboundUrl, telegramWebhookUrl: r.urls.telegramUrl },
    }));
    const providers = createProviders({
      twilio: {
        accountSid: s.credentials.accountSid,
        authToken: s.credentials.authToken,
        baseUrl: s.url,
        sms: { from: '+46700000001' },
        callbacks: { messageStatusUrl: r.urls.messageStatusUrl, callStatusUrl: r.urls.callStatusUrl },
      },
      elks: {
        username: s.credentials.elksUsername,
        password: s.credentials.elksPassword,
        baseUrl: s.url,
        sms: { from: '+46766860001' },
        callbacks: {
          deliveryReportUrl: r.urls.elksDeliveryReportUrl,
          callHangupUrl: r.urls.elksCallHangupUrl,
          callbackSecret: 'stub-secret',
        },
      },
    });
    const telegram = new TelegramBotProvider({ botToken: s.credentials.telegramBotToken, baseUrl: s.url });
    svc.setChannels(sendersFromProviders({ chains: providers.chains, telegram }), null);
    await svc.open();

    const g = addGroup(e.store, 'Jour');
    const anna = addContact(e.store, { name: 'Anna', phones: ['+46701230001'], groups: [g] });
    const bo = addContact(e.store, { name: 'Bo', phones: ['+46701230002'], groups: [g] });
    const cilla = addContact(e.store, { name: 'Cilla', phones: ['+46701230003'], groups: [g], dnc: { sms: true } });
    const david = addContact(e.store, { name: 'David', language: 'en', phones: ['+46701230004'], groups: [g] });
    e.store.sqlite.prepare('UPDATE contacts SET telegram_chat_id = ? WHERE id = ?').run('5552', bo);

    const made = await svc.telegramLinks.linkAlert({ name: 'Koppla Telegram – Jour', contactIds: [], groupIds: [g] }, (f) => svc.create(f));
    // Bo is connected already: three people get a link.
    expect(made).toMatchObject({ unavailable: null, contacts: 3, alreadyConnected: 1 });
    const draft = svc.get(made.campaignId!);
    expect(draft).toMatchObject({ status: 'draft', priority: 'outreach' });
    expect(draft.settings.steps.map((x) => x.channel)).toEqual(['sms']);
    expect(draft.settings.audience.contactIds.sort()).toEqual([anna, cilla, david].sort());
    const template = e.store.sqlite
      .prepare('SELECT name, status, approved_by AS approvedBy FROM templates WHERE id = ?')
      .get(draft.templateId);
    expect(template).toEqual({ name: 'Koppla Telegram', status: 'approved', approvedBy: 'GDial' });

    // The review: Cilla must not be texted; everyone else is planned with their own link.
    const report = svc.plan(draft.id);
    expect(report.recipients).toBe(2);
    expect(report.excluded).toEqual([{ reason: 'do-not-contact', count: 1 }]);
    expect(report.missingVariables).toEqual([]);

    // Twilio refuses our credentials: the link goes out through the next SMS provider.
    s.configure({ twilioFailure: 'auth-rejected' });
    svc.start(draft.id);
    await until(() => s.elksMessages().filter((m) => m.direction === 'outgoing').length === 2, 20_000, 'two SMS through 46elks');
    await until(() => svc.get(draft.id).status === 'completed', 20_000, 'the link alert completed');
    const sent = s.elksMessages().filter((m) => m.direction === 'outgoing');
    expect(sent.map((m) => m.to).sort()).toEqual(['+46701230001', '+46701230004']);
    const toAnna = sent.find((m) => m.to === '+46701230001')!.message;
    const toDavid = sent.find((m) => m.to === '+46701230004')!.message;
    expect(toAnna).toMatch(/^Du kan få larm i Telegram\. Öppna länken och tryck Starta: https:\/\/t\.me\//);
    expect(toDavid).toMatch(/^You can get alerts in Telegram\./);
    const annasToken = LINK.exec(toAnna)![1]!;
    const davidsToken = LINK.exec(toDavid)![1]!;
    expect(annasToken).not.toBe(davidsToken);
    // Her link is the one her contact drawer shows.
    expect((await svc.telegramLinks.linkFor(anna)).url).toBe(`https://t.me/gdial_sim_bot?start=${annasToken}`);
    expect(deliveriesOf(e.store, draft.id).map((d) => d.provider)).toEqual(['elks', 'elks']);
    expect(s.messages()).toHaveLength(0);

    // Anna opens the link and presses Start: Telegram sends the bot "/start <token>", the relay passes it on.
    await s.injectTelegramUpdate({ chatId: '7001', text: `/start ${annasToken}` });
    await until(() => chatOf(e, anna) === '7001', 10_000, 'Anna’s chat bound');
    expect(chatOf(e, david)).toBeNull();
    expect(chatOf(e, cilla)).toBeNull();
    // Someone else using her (now used) link binds nobody.
    await s.injectTelegramUpdate({ chatId: '7002', text: `/start ${annasToken}` });
    await s.injectTelegramUpdate({ chatId: '7004', text: `/start ${davidsToken}` });
    await until(() => chatOf(e, david) === '7004', 10_000, 'David’s chat bound');
    expect(chatOf(e, anna)).toBe('7001');

    // Asked again for the same group, only Cilla is left to connect.
    const again = await svc.telegramLinks.linkAlert({ name: 'Igen', contactIds: [], groupIds: [g] }, (f) => svc.create(f));
    expect(again).toMatchObject({ contacts: 1, alreadyConnected: 3 });
    expect(svc.get(again.campaignId!).templateId).toBe(draft.templateId);
    const connected = await svc.telegramLinks.linkAlert({ name: 'Bo', contactIds: [bo], groupIds: [] }, (f) => svc.create(f));
    expect(connected).toEqual({ unavailable: 'all-connected', campaignId: null, contacts: 0, alreadyConnected: 1 });
  }, 60_000);

  it('without a Telegram bot there is no link to send, and no draft is made', async () => {
    const e = (env = makeEnv());
    const svc = (service = new CampaignService(e.ctx, {}));
    await svc.open();
    const anna = addContact(e.store, { name: 'Anna', phones: ['+46701230001'] });
    const made = await svc.telegramLinks.linkAlert({ name: 'x', contactIds: [anna], groupIds: [] }, (f) => svc.create(f));
    expect(made).toEqual({ unavailable: 'no-telegram-bot', campaignId: null, contacts: 0, alreadyConnected: 0 });
    expect(svc.list({ limit: 10 })).toEqual([]);
  });
});

const chatOf = (e: TestEnv, id: number): string | null =>
  (e.store.sqlite.prepare('SELECT telegram_chat_id AS chat FROM contacts WHERE id = ?').get(id) as { chat: string | null }).chat;
