// WhatsApp alerts on the simulator with the real Twilio adapter: a GDial template bound to a
// content template WhatsApp approved reaches people who have not written in 24 hours (the
// simulator fails free-form text to them with 63016), with its variables filled per person,
// and their "1" comes back through the relay as a confirmation. Someone who wrote recently
// gets the free-form text. A plan whose WhatsApp step has no approved content template is
// refused with a refusal code the console words in Swedish.
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@gdial/simulator';
import type { TemplateFields } from '@gdial/protocol';
import { createProviders } from '../../src/providers/factory';
import { parseWebhook } from '../../src/providers/webhooks';
import { sendersFromProviders } from '../../src/campaigns/senders';
import { CampaignService } from '../../src/campaigns/service';
import { DomainError } from '../../src/errors';
import { addContact, addGroup, addTemplate, deliveriesOf, makeEnv, outcomesOf, until, type TestEnv } from './helpers';
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

const FROM = '+46700000002';

async function world() {
  const e = (env = makeEnv());
  const svc = (service = new CampaignService(e.ctx, { dispatcher: { concurrency: 32 } }));
  const r = (relay = await startRelayStub((raw) => void svc.handleProviderEvents(parseWebhook(raw))));
  const s = (sim = await startSimulator({ seed: 63, profile: 'fast', config: { inboundMessageUrl: r.urls.inboundUrl } }));
  const providers = createProviders({
    twilio: {
      accountSid: s.credentials.accountSid,
      authToken: s.credentials.authToken,
      baseUrl: s.url,
      whatsapp: { from: FROM },
      callbacks: { messageStatusUrl: r.urls.messageStatusUrl, callStatusUrl: r.urls.callStatusUrl },
    },
  });
  svc.setChannels(sendersFromProviders({ whatsapp: providers.whatsapp ?? undefined }), null);
  await svc.open();
  return { env: e, service: svc, sim: s };
}

const boundTemplate = (contentSid: string, name: string): TemplateFields => ({
  name: 'Samling',
  variants: {
    sv: {
      whatsapp: 'Hej {{first_name}}, samling på brandstationen nu. Svara 1.',
      whatsappContent: { contentSid, name, variables: { 1: '{{first_name}}', 2: '{{campaign_name}}' } },
    },
  },
  fallbacks: {},
});

describe('WhatsApp alert', () => {
  it('reaches 50 people outside the 24-hour window through the approved content template; their 1 confirms', async () => {
    const { env, service, sim } = await world();
    const content = sim.addContent({ friendlyName: 'larm_samling', body: 'Hej {{1}}! Larm: {{2}}. Svara 1 för att bekräfta.' });
    const g = addGroup(env.store, 'Räddningstjänst');
    // The simulator's people whose number ends in 1 answer "1".
    const numbers = Array.from({ length: 50 }, (_, i) => `+467011${String(1000 + i).slice(1)}1`);
    const ids = numbers.map((n, i) => {
      const id = addContact(env.store, { name: `Person${i} Test`, groups: [g] });
      env.store.sqlite.prepare('UPDATE contacts SET whatsapp = ? WHERE id = ?').run(n, id);
      return id;
    });
    // One more person wrote to us an hour ago: inside their window the free-form text goes.
    const recent = '+46701200001';
    const karin = addContact(env.store, { name: 'Karin Ek', groups: [g] });
    env.store.sqlite.prepare('UPDATE contacts SET whatsapp = ? WHERE id = ?').run(recent, karin);
    await sim.injectInboundMessage({ from: `whatsapp:${recent}`, to: `whatsapp:${FROM}`, body: 'Hej, jag är i tjänst' });

    const c = service.create({
      name: 'Brand i Ytterby',
      templateId: addTemplate(env.store, boundTemplate(content.sid, content.friendlyName)),
      audience: { groupIds: [g] },
      steps: [{ channel: 'whatsapp' }],
    });
    const listed = await service.whatsAppContent.list();
    expect(listed.templates.map((t) => [t.contentSid, t.whatsapp])).toEqual([[content.sid, 'approved']]);
    const plan = service.plan(c.id);
    expect(plan.blockers).toEqual([]);
    expect(plan.recipients).toBe(51);
    service.start(c.id);

    await until(() => [...outcomesOf(env.store, c.id).values()].filter((o) => o === 'confirmed').length === 51, 20_000, 'all confirmed');
    const outbound = sim.messages().filter((m) => m.direction === 'outbound-api');
    expect(outbound).toHaveLength(51);
    const toOutside = outbound.filter((m) => m.to !== `whatsapp:${recent}`);
    expect(toOutside.every((m) => m.contentSid === content.sid)).toBe(true);
    expect(toOutside.find((m) => m.to === `whatsapp:${numbers[7]}`)?.body).toBe(
      'Hej Person7! Larm: Brand i Ytterby. Svara 1 för att bekräfta.',
    );
    expect(outbound.filter((m) => m.status === 'failed')).toEqual([]);
    const toKarin = outbound.find((m) => m.to === `whatsapp:${recent}`)!;
    expect(toKarin.contentSid).toBeNull();
    expect(toKarin.body).toBe('Hej Karin, samling på brandstationen nu. Svara 1.');
    expect(deliveriesOf(env.store, c.id).every((d) => d.state === 'delivered')).toBe(true);
    expect(ids.every((id) => outcomesOf(env.store, c.id).get(id) === 'confirmed')).toBe(true);
  }, 40_000);

  it('refuses a WhatsApp step whose content template WhatsApp has not approved, or that has none', async () => {
    const { env, service, sim } = await world();
    const pending = sim.addContent({ friendlyName: 'nytt_utkast', body: 'Utkast {{1}}', whatsappStatus: 'pending' });
    const g = addGroup(env.store, 'Jour');
    const id = addContact(env.store, { name: 'Anna Berg', groups: [g] });
    env.store.sqlite.prepare('UPDATE contacts SET whatsapp = ? WHERE id = ?').run('+46701300001', id);
    const c = service.create({
      name: 'Utkast',
      templateId: addTemplate(env.store, boundTemplate(pending.sid, pending.friendlyName)),
      audience: { groupIds: [g] },
      steps: [{ channel: 'sms' }, { channel: 'whatsapp' }],
    });
    await service.whatsAppContent.refresh();
    expect(service.plan(c.id).blockerRefusals).toContainEqual({
      code: 'plan.whatsapp-content-unapproved',
      params: { step: 2, template: 'Samling', content: 'nytt_utkast', approval: 'pending' },
    });
    let refused: unknown;
    try {
      service.start(c.id);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(DomainError);
    expect((refused as DomainError).reasons?.map((r) => r.code)).toContain('plan.whatsapp-content-unapproved');
    expect(deliveriesOf(env.store, c.id)).toEqual([]);
    expect(sim.messages()).toEqual([]);

    // Free-form text alone cannot open a conversation: refused as well.
    const free = service.create({
      name: 'Fritext',
      templateId: addTemplate(env.store, { name: 'Fritext', variants: { sv: { whatsapp: 'Larm!' } }, fallbacks: {} }),
      audience: { groupIds: [g] },
      steps: [{ channel: 'whatsapp' }],
    });
    expect(service.plan(free.id).blockerRefusals).toEqual([
      { code: 'plan.whatsapp-without-content', params: { step: 1, template: 'Fritext' } },
    ]);
  }, 20_000);
});
