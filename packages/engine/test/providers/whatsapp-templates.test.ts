import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@gdial/simulator';
import { createTwilioClient, TwilioWhatsAppProvider } from '../../src/providers';
import { startHookServer, type HookServer } from './hooks';

let sim: Simulator;
let hooks: HookServer;
let whatsapp: TwilioWhatsAppProvider;

beforeAll(async () => {
  sim = await startSimulator({ seed: 63, profile: 'fast' });
  hooks = await startHookServer();
  const client = createTwilioClient({ accountSid: sim.credentials.accountSid, authToken: sim.credentials.authToken, baseUrl: sim.url });
  whatsapp = new TwilioWhatsAppProvider({ client, from: '+46700000002', statusCallbackUrl: `${hooks.url}/hooks/twilio/message-status` });
});
afterAll(async () => {
  await sim.close();
  await hooks.close();
});

describe('WhatsApp content templates', () => {
  it('lists the account’s templates with their WhatsApp approval; an approved one reaches a person outside the 24-hour window', async () => {
    const approved = sim.addContent({
      friendlyName: 'Larm samling',
      body: 'Larm: samling vid {{1}}. Svara JA.',
      variables: { 1: 'platsen' },
    });
    const pending = sim.addContent({ friendlyName: 'Nytt utkast', body: 'Utkast {{1}}', whatsappStatus: 'pending' });
    const listed = await whatsapp.listTemplates();
    if (!listed.ok) throw new Error(listed.error.message);
    expect(listed.templates.find((t) => t.contentSid === approved.sid)).toEqual({
      contentSid: approved.sid,
      name: 'Larm samling',
      language: 'sv',
      body: 'Larm: samling vid {{1}}. Svara JA.',
      variables: ['1'],
      whatsapp: 'approved',
    });
    expect(listed.templates.find((t) => t.contentSid === pending.sid)?.whatsapp).toBe('pending');

    const sent = await whatsapp.send({
      deliveryToken: 'wt-1',
      to: '+46706666661',
      body: 'Larm',
      template: { contentSid: approved.sid, variables: { 1: 'brandstationen' } },
    });
    if (!sent.ok) throw new Error(sent.error.message);
    await hooks.waitFor((h) => h.form.MessageSid === sent.providerId && h.form.MessageStatus === 'delivered');
    expect(sim.messages().find((m) => m.sid === sent.providerId)?.body).toBe('Larm: samling vid brandstationen. Svara JA.');
  });
});
