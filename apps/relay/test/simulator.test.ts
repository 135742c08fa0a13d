// Interoperability with the loopback provider simulator, which signs its webhooks the way
// Twilio, SendGrid and Telegram do: SMS status + reply, a voice call that fetches its flow
// from the relay and presses a key, SendGrid events and a Telegram update all arrive at the
// desktop through the relay, and not one is rejected.
import { webhookOf } from '@gdial/protocol';
import { callFlowPlaceholders, callFlowUrl, relayWebhookUrls, type RelayLogEntry } from '@gdial/protocol';
import { startSimulator, type Simulator } from '@gdial/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDesktop, waitFor } from './helpers';
import { addTenant, metricsHeaders, startTestRelay, type RelayFixture, type TenantFixture } from './setup';

const doc = (inner: string) => `<?xml version="1.0" encoding="UTF-8"?><Response>${inner}</Response>`;

describe('relay with the provider simulator', () => {
  let fx: RelayFixture;
  let sim: Simulator;
  let t: TenantFixture;
  beforeAll(async () => {
    fx = await startTestRelay('postgres');
    t = await addTenant(fx.relay, 'sim-org');
    const urls = relayWebhookUrls(fx.relay.publicBaseUrl, 'sim-org');
    sim = await startSimulator({
      profile: 'fast',
      config: {
        inboundMessageUrl: urls.twilioInbound,
        sendgridEventWebhookUrl: urls.sendgridEvents,
        telegramWebhookUrl: urls.telegramUpdate,
        telegramSecretToken: 'tg_sim_secret',
      },
    });
    const set = await fx.relay.admin.setCredentials('sim-org', {
      twilioAuthToken: sim.credentials.authToken,
      sendgridPublicKey: sim.credentials.sendgridPublicKey,
      telegramSecretToken: 'tg_sim_secret',
    });
    expect(set.ok).toBe(true);
  }, 120_000);
  afterAll(async () => {
    await sim?.close();
    await fx?.stop();
  }, 60_000);

  it('carries every provider event to the desktop', async () => {
    const desktop = await TestDesktop.connect(fx.relay.url, t.deviceToken, 0);
    const urls = relayWebhookUrls(fx.relay.publicBaseUrl, 'sim-org');
    const twilioAuth = `Basic ${Buffer.from(`${sim.credentials.accountSid}:${sim.credentials.authToken}`).toString('base64')}`;
    const twilioPost = async (resource: string, form: URLSearchParams) => {
      const res = await fetch(`${sim.url}/2010-04-01/Accounts/${sim.credentials.accountSid}/${resource}.json`, {
        method: 'POST',
        headers: { authorization: twilioAuth, 'content-type': 'application/x-www-form-urlencoded' },
        body: form,
      });
      expect(res.status).toBe(201);
    };

    // SMS to a number whose simulated owner answers "1".
    await twilioPost(
      'Messages',
      new URLSearchParams({
        To: '+46701234561',
        From: '+46700000000',
        Body: 'Larm: samling 18.00',
        StatusCallback: `${urls.twilioMessageStatus}?d=sms-1`,
      }),
    );

    // A voice call whose flow lives on the relay; the simulated person presses a key.
    const g = callFlowPlaceholders.gatherUrl;
    const flow = {
      flowId: 'sim-flow',
      documents: {
        start: doc(
          `<Gather input="dtmf" numDigits="1" action="${g}" actionOnEmptyResult="true"><Say language="sv-SE">Tryck 1.</Say></Gather>`,
        ),
        confirmed: doc('<Say language="sv-SE">Tack.</Say><Hangup/>'),
        retry: doc(
          `<Gather input="dtmf" numDigits="1" action="${g}" actionOnEmptyResult="true"><Say language="sv-SE">Igen.</Say></Gather>`,
        ),
        goodbye: doc('<Hangup/>'),
      },
      confirmDigits: ['1'],
      maxAttempts: 2,
    };
    const reg = await fetch(`${fx.relay.url}/api/v1/call-flows/sim-flow`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${t.deviceToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(flow),
    });
    expect(reg.status).toBe(200);
    const call = new URLSearchParams({
      To: '+46701234562',
      From: '+46700000000',
      Url: callFlowUrl(fx.relay.publicBaseUrl, 'sim-org', 'sim-flow', 'call-1'),
      StatusCallback: `${urls.twilioCallStatus}?d=call-1`,
    });
    for (const e of ['initiated', 'ringing', 'answered', 'completed']) call.append('StatusCallbackEvent', e);
    await twilioPost('Calls', call);

    // Email through SendGrid with our delivery token in custom_args.
    const mail = await fetch(`${sim.url}/v3/mail/send`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sim.credentials.sendgridApiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        personalizations: [{ to: [{ email: 'anna@example.se' }], custom_args: { d: 'mail-1' } }],
        from: { email: 'larm@example.se' },
        subject: 'Larm',
        content: [{ type: 'text/plain', value: 'Samling 18.00' }],
      }),
    });
    expect(mail.status).toBe(202);
    sim.flushEmailEvents();

    await sim.injectTelegramUpdate({ chatId: '4242', text: '1' });

    const has = (pred: (e: RelayLogEntry) => boolean) => desktop.entries.some(pred);
    const kindIs = (kind: string) => (e: RelayLogEntry) => webhookOf(e.event).kind === kind;
    const body = (e: RelayLogEntry) => webhookOf(e.event).body as Record<string, string>;
    await waitFor(
      'every kind of provider event on the desktop',
      () =>
        has((e) => kindIs('twilio.message-status')(e) && body(e).MessageStatus === 'delivered' && webhookOf(e.event).query.d === 'sms-1') &&
        has((e) => kindIs('twilio.inbound-message')(e) && body(e).Body === '1') &&
        has((e) => kindIs('twilio.gather')(e) && body(e).Digits === '1' && webhookOf(e.event).query.d === 'call-1') &&
        has((e) => kindIs('twilio.call-status')(e) && body(e).CallStatus === 'completed') &&
        has((e) => kindIs('sendgrid.events')(e) && (webhookOf(e.event).body as Array<{ event: string }>)[0]?.event === 'delivered') &&
        has(kindIs('telegram.update')),
      30_000,
    );
    const seqs = desktop.entries.map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    const text = await (await fetch(`${fx.relay.url}/metrics`, { headers: metricsHeaders })).text();
    expect(text).not.toMatch(/result="rejected_signature"/);
    expect(text).not.toMatch(/result="error"/);
    await desktop.close();
  });
});
