// The one reachability rule (contacts/reachability.ts), held through the path production
// uses: contacts created by the contacts service, a campaign planned and started by the
// campaign service. The plan report the console shows before a start and the deliveries
// written at the start say exactly what reach() says for every contact and step: the
// addresses used, and do-not-contact, opt-outs and missing addresses counted as such.
import { afterEach, describe, expect, it } from 'vitest';
import type { Channel, EscalationStep } from '@gdial/protocol';
import { CampaignService } from '../../src/campaigns/service';
import { createContactsModule, optOutLookup, reach } from '../../src/contacts';
import { loadContactsForSending } from '../../src/store/contact-queries';
import { addTemplate, deliveriesOf, fakeSenders, makeEnv, type TestEnv } from '../campaigns/helpers';

let env: TestEnv | undefined;
let campaigns: CampaignService | undefined;
afterEach(async () => {
  await campaigns?.close();
  env?.close();
  env = undefined;
  campaigns = undefined;
});

describe('reachability', () => {
  it('decides what the planner plans: the plan report and the deliveries of a start', async () => {
    env = makeEnv();
    campaigns = new CampaignService(env.ctx, {
      senders: fakeSenders({}),
      flows: { register: async (spec) => ({ urlFor: (t: string) => `http://flows.test/${spec.flowId}?d=${t}` }) },
    });
    const { contacts, groups } = createContactsModule(env.ctx);
    const g = groups.create({ name: 'Stab' }).id;
    const anna = contacts.create({
      firstName: 'Anna',
      phones: [{ number: '08-123 456 78', label: 'work' }, { number: '0702223344' }, { number: '0703334455', label: 'home' }],
      emails: [{ address: 'Anna@Example.se' }, { address: 'Anna@Privat.se' }],
      whatsapp: '0702223344',
      doNotContact: { whatsapp: true },
      groupIds: [g],
    }).id;
    // Bo has asked not to be called and has no e-mail; Cilla has only a fixed line.
    const bo = contacts.create({ firstName: 'Bo', phones: [{ number: '0704445566' }], doNotContact: { voice: true }, groupIds: [g] }).id;
    const cilla = contacts.create({ firstName: 'Cilla', phones: [{ number: '031-123 45 67' }], groupIds: [g] }).id;
    contacts.addOptOut('sms', '070-222 33 44', 'reply', 'STOPP');
    contacts.addOptOut('email', 'anna@example.se', 'provider', null);

    const steps: EscalationStep[] = [
      { channel: 'voice', numbers: 'first', condition: 'not-confirmed' },
      { channel: 'voice', numbers: 'next', condition: 'not-confirmed' },
      { channel: 'sms', numbers: 'all-mobiles', condition: 'not-confirmed' },
      { channel: 'email', numbers: 'all', condition: 'not-confirmed' },
      { channel: 'whatsapp', numbers: 'first', condition: 'not-confirmed' },
    ].map((s) => ({ waitSeconds: 60, fallThroughWhenUnavailable: false, ...s }) as EscalationStep);
    const template = addTemplate(env.store, {
      name: 'Larm',
      variants: {
        sv: {
          sms: 'Larm',
          voice: { kind: 'tts', script: 'Larm' },
          email: { subject: 'Larm', html: '<p>Larm</p>', text: 'Larm' },
          whatsapp: 'Larm',
          whatsappContent: { contentSid: `HX${'0'.repeat(32)}`, name: 'larm', variables: {} },
        },
      },
      fallbacks: {},
    });
    const c = campaigns.create({ name: 'Övning', templateId: template, audience: { groupIds: [g] }, steps });

    // What the rule says, step by step, as the planner walks the steps for each contact.
    const optOuts = optOutLookup(env.store.read);
    const expected = {
      deliveries: new Set<string>(),
      doNotContact: steps.map(() => 0),
      optedOut: steps.map(() => 0),
      noAddress: steps.map(() => 0),
    };
    for (const contact of loadContactsForSending(env.store.read, [anna, bo, cilla])) {
      const used = { phones: new Set<string>(), emails: new Set<string>() };
      steps.forEach((step, i) => {
        const r = reach(contact, step.channel, optOuts, step.numbers, used);
        if (r.doNotContact) expected.doNotContact[i]!++;
        else if (r.addresses.length === 0) expected.noAddress[i]!++;
        else
          for (const a of r.addresses) {
            (step.channel === 'email' ? used.emails : used.phones).add(a.address);
            if (a.blocked === 'optOut') expected.optedOut[i]!++;
            else expected.deliveries.add(`${contact.id} ${i} ${step.channel} ${a.sendTo}`);
          }
      });
    }
    // And what that is, written out, so the rule itself is held too.
    const at = (id: number, step: number, channel: Channel, address: string) => `${id} ${step} ${channel} ${address}`;
    expect([...expected.deliveries].sort()).toEqual(
      [
        // Called at the fixed line first, then at the next number.
        at(anna, 0, 'voice', '+46812345678'),
        at(anna, 1, 'voice', '+46702223344'),
        // Both mobiles take SMS; the first opted out by replying STOPP.
        at(anna, 2, 'sms', '+46703334455'),
        // One address opted out; the other is written to as entered.
        at(anna, 3, 'email', 'Anna@Privat.se'),
        // Bo is not to be called, but can be texted; Cilla's fixed line can only be called.
        at(bo, 2, 'sms', '+46704445566'),
        at(cilla, 0, 'voice', '+46311234567'),
      ].sort(),
    );

    const plan = campaigns.plan(c.id);
    expect(plan.steps.map((s) => [s.doNotContact, s.optedOut, s.noAddress])).toEqual(
      steps.map((_, i) => [expected.doNotContact[i], expected.optedOut[i], expected.noAddress[i]]),
    );
    campaigns.start(c.id);
    const written = deliveriesOf(env.store, c.id).map((d) => at(d.contact_id, d.step_index, d.channel as Channel, d.address));
    expect(written.sort()).toEqual([...expected.deliveries].sort());
  });
});
