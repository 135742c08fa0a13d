import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@gdial/simulator';
import { relayWebhookUrls } from '@gdial/protocol';
import { createProviders, withDeliveryToken } from '../../src/providers';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 41, profile: 'fast' });
});
afterAll(async () => {
  await sim.close();
});

describe('createProviders', () => {
  it('builds only the configured channels from one settings object', async () => {
    const hooks = relayWebhookUrls('https://relay.example', 'kommun');
    const providers = createProviders({
      twilio: {
        accountSid: sim.credentials.accountSid,
        authToken: sim.credentials.authToken,
        baseUrl: sim.url,
        sms: { from: '+46700000001' },
        voice: { from: '+46700000001' },
        callbacks: { messageStatusUrl: hooks.twilioMessageStatus, callStatusUrl: hooks.twilioCallStatus },
      },
      telegram: { botToken: sim.credentials.telegramBotToken, baseUrl: sim.url },
    });
    expect(providers.email).toBeNull();
    expect(providers.whatsapp).toBeNull();
    const sent = await providers.sms!.send({ deliveryToken: 'f-1', to: '+46701234562', body: 'Hej' });
    expect(sent.ok).toBe(true);
    expect(sim.messages()[0]!.statusCallback).toBe('https://relay.example/hooks/kommun/twilio/message-status?d=f-1');
    expect(await providers.telegram!.send({ deliveryToken: 'f-2', chatId: '42', text: 'Hej' })).toMatchObject({ ok: true });
  });

  it('refuses settings that cannot work, naming the problem', () => {
    expect(() =>
      createProviders({
        twilio: {
          accountSid: 'nope',
          authToken: 'x',
          sms: { from: '+46700000001' },
          callbacks: { messageStatusUrl: 'https://r/x', callStatusUrl: 'https://r/y' },
        },
      }),
    ).toThrow(/account SID/);
    expect(() => createProviders({ telegram: { botToken: 'bad' } })).toThrow(/bot token/);
    expect(() => createProviders({ sendgrid: { apiKey: '', from: { email: 'a@b.se' } } })).toThrow(/API key/);
  });

  it('adds the delivery token to callback URLs without losing their query', () => {
    expect(withDeliveryToken('https://relay.example/hooks/t/twilio/message-status?x=1', 'a b')).toBe(
      'https://relay.example/hooks/t/twilio/message-status?x=1&d=a+b',
    );
  });
});
