import { afterEach, describe, expect, it } from 'vitest';
import type { CampaignFields, CampaignProgress } from '@gdial/protocol';
import { DomainError } from '../../src/errors';
import { CampaignService } from '../../src/campaigns/service';
import { renderMessage, loadTemplate, createTemplate } from '../../src/campaigns/templates';
import { applyProviderEvents } from '../../src/campaigns/events';
import { recipientReports } from '../../src/campaigns/report';
import { campaignCsv } from '../../src/campaigns/report-csv';
import { RollCallJournal } from '../../src/campaigns/roll-call-journal';
import type { RollCallWatermark } from '@gdial/protocol';
import { backoffDelay, CircuitBreaker, TokenBucket } from '../../src/campaigns/flow-control';
import { sendError } from '../../src/providers/types';
import {
  addContact,
  addGroup,
  addTemplate,
  deliveriesOf,
  dtmfEvent,
  fakeSenders,
  FakeSender,
  makeEnv,
  outcomesOf,
  replyEvent,
  statusEvent,
  until,
  type TestEnv,
} from './helpers';

let env: TestEnv | undefined;
let service: CampaignService | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
  env?.close();
  env = undefined;
});

function setup(senders: Parameters<typeof fakeSenders>[0] = {}, dispatcher: ConstructorParameters<typeof CampaignService>[1] = {}) {
  env = makeEnv();
  service = new CampaignService(env.ctx, {
    senders: fakeSenders(senders),
    flows: { register: async (spec) => ({ urlFor: (t: string) => `http://flows.test/${spec.flowId}?d=${t}` }) },
    ...dispatcher,
    dispatcher: {
      rateLimits: {
        sms: { perSecond: 10_000, burst: 1000 },
        voice: { perSecond: 10_000, burst: 1000 },
        email: { perSecond: 10_000, burst: 1000 },
      },
      backoff: { baseMs: 5, capMs: 20, maxAttempts: 4 },
      ...dispatcher.dispatcher,
    },
  });
  return { env, service };
}

const campaign = (templateId: number, over: Partial<CampaignFields> = {}): CampaignFields => ({
  name: 'Övning',
  templateId,
  audience: { groupIds: [] },
  steps: [{ channel: 'sms', numbers: 'first', condition: 'not-confirmed' }],
  ...over,
});

describe('templates', () => {
  it('rejects unknown variables at save, naming where they are', () => {
    const { env } = setup();
    expect(() =>
      env.store.transaction((tx) =>
        createTemplate(tx, {
          name: 'x',
          variants: { sv: { sms: 'Hej {{firstname}} {{custom.unit}}', email: { subject: '{{bogus}}', html: '', text: 't' } } },
        }),
      ),
    ).toThrowError(DomainError);
    try {
      env.store.transaction((tx) =>
        createTemplate(tx, {
          name: 'x',
          variants: { sv: { sms: 'Hej {{firstname}}', email: { subject: '{{bogus}}', html: '', text: 't' } } },
        }),
      );
    } catch (e) {
      const issues = (e as DomainError).details as { path: string; message: string }[];
      expect(issues.map((i) => i.path)).toEqual(['variants.sv.sms', 'variants.sv.email.subject']);
      expect(issues[0]!.message).toContain('{{firstname}}');
    }
  });

  it('renders by language with fallbacks, lists what is missing, adds the unsubscribe footer to e-mail', () => {
    const { env } = setup();
    const id = addTemplate(env.store, {
      name: 't',
      variants: {
        sv: {
          sms: 'Hej {{first_name}}, enhet {{custom.unit}}',
          email: { subject: 'Larm', html: '<b>{{first_name}}</b>', text: 'Hej {{first_name}}' },
        },
        en: { sms: 'Hi {{first_name}}, unit {{custom.unit}}' },
      },
      fallbacks: { first_name: 'du' },
    });
    const t = loadTemplate(env.store.read, id)!;
    const ctx = { campaignName: 'c', operator: 'o', now: new Date() };
    const who = { firstName: null, lastName: null, displayName: 'X', organisation: null, role: null, customFields: { unit: 'Räddning 3' } };
    expect(renderMessage(t, 'sms', 'sv', who, ctx)).toMatchObject({
      text: 'Hej du, enhet Räddning 3',
      usedFallbacks: ['first_name'],
      missing: [],
      language: 'sv',
      sms: { encoding: 'GSM-7', segments: 1 },
    });
    expect(renderMessage(t, 'sms', 'en', { ...who, firstName: 'Ann' }, ctx)?.text).toBe('Hi Ann, unit Räddning 3');
    expect(renderMessage(t, 'sms', 'sv', { ...who, customFields: {} }, ctx)?.missing).toEqual(['custom.unit']);
    const mail = renderMessage(t, 'email', 'en', { ...who, firstName: '<Ann>' }, ctx)!;
    expect(mail.language).toBe('sv');
    expect(mail.html).toContain('<b>&lt;Ann&gt;</b>');
    expect(mail.text).toContain('Avregistrera');
    expect(mail.html).toContain('{{unsubscribe_url}}');
  });
});

describe('planner', () => {
  it('resolves groups with subgroups, tags, filters and exclusions; dedups shared numbers; honours opt-outs and do-not-contact', () => {
    const { env, service } = setup();
    const top = addGroup(env.store, 'Kommunen');
    const sub = addGroup(env.store, 'Räddningstjänsten', top);
    const other = addGroup(env.store, 'Andra');
    const a = addContact(env.store, { name: 'Anna A', phones: ['+46701000001'], groups: [top], custom: { unit: 'A' } });
    const b = addContact(env.store, { name: 'Bo B', phones: ['+46701000002', '+46701000003'], groups: [sub], custom: { unit: 'A' } });
    const shared = addContact(env.store, { name: 'Cia Delad', phones: ['+46701000002'], groups: [sub], custom: { unit: 'A' } });
    const dnc = addContact(env.store, {
      name: 'Dan DNC',
      phones: ['+46701000004'],
      groups: [sub],
      dnc: { sms: true },
      custom: { unit: 'A' },
    });
    const opted = addContact(env.store, { name: 'Eva Stopp', phones: ['+46701000005'], groups: [sub], custom: { unit: 'A' } });
    const wrongUnit = addContact(env.store, { name: 'Fia Fel', phones: ['+46701000006'], groups: [sub], custom: { unit: 'B' } });
    const excluded = addContact(env.store, { name: 'Gus Ute', phones: ['+46701000007'], groups: [sub, other], custom: { unit: 'A' } });
    const tagged = addContact(env.store, { name: 'Hans Tag', phones: ['+46701000008'], tags: ['jour'], custom: { unit: 'A' } });
    const nophone = addContact(env.store, { name: 'Ida Ingen', groups: [top], custom: { unit: 'A' } });
    env.store.sqlite.prepare("INSERT INTO opt_outs (channel, address, source) VALUES ('sms', '+46701000005', 'reply')").run();
    const t = addTemplate(env.store);
    const c = service.create(
      campaign(t, {
        audience: { groupIds: [top], tags: ['jour'], excludeGroupIds: [other], filters: [{ key: 'unit', op: 'equals', value: 'a' }] },
        steps: [
          { channel: 'sms', numbers: 'all', condition: 'not-confirmed' },
          { channel: 'email', numbers: 'first', condition: 'not-confirmed' },
        ],
      }),
    );
    const plan = service.plan(c.id);
    expect(plan.selected).toBe(9);
    const ex = Object.fromEntries(plan.excluded.map((e) => [e.reason, e.count]));
    expect(ex.excluded).toBe(2); // wrong unit, excluded group
    expect(ex['no-address']).toBe(2); // no phone/e-mail, and SMS-DNC with no e-mail
    expect(ex['opted-out']).toBe(1);
    expect(ex['duplicate-address']).toBe(1);
    const byName = new Map(plan.exclusionSamples.map((s) => [s.contactId, s.reason]));
    expect(byName.get(wrongUnit)).toBe('excluded');
    expect(byName.get(excluded)).toBe('excluded');
    expect(byName.get(opted)).toBe('opted-out');
    expect(byName.get(shared)).toBe('duplicate-address');
    expect(byName.get(nophone)).toBe('no-address');
    expect(plan.recipients).toBe(3); // a, b (two numbers), tagged
    expect(plan.steps[0]).toMatchObject({ deliveries: 4, duplicateAddresses: 1, optedOut: 1, doNotContact: 1 });
    expect(plan.cost.smsSegments).toBe(4);
    expect(plan.cost.minTotal).toBeCloseTo(4 * 0.45);
    expect(plan.blockers).toEqual([]);
    void a;
    void b;
    void dnc;
    void tagged;
  });

  it('blocks the start with a list of who lacks a variable without fallback', () => {
    const { env, service } = setup();
    const g = addGroup(env.store, 'G');
    addContact(env.store, { name: 'Utan Enhet', phones: ['+46701000001'], groups: [g] });
    const t = addTemplate(env.store, { name: 't', variants: { sv: { sms: 'Enhet {{custom.unit}}' } } });
    const c = service.create(campaign(t, { audience: { groupIds: [g] } }));
    const plan = service.plan(c.id);
    expect(plan.missingVariables).toEqual([
      expect.objectContaining({ displayName: 'Utan Enhet', variables: ['custom.unit'], channels: ['sms'] }),
    ]);
    expect(() => service.start(c.id)).toThrowError(/lack values for template variables/);
    expect(deliveriesOf(env.store, c.id)).toHaveLength(0);
  });

  it('test mode sends only to the test group', () => {
    const { env, service } = setup();
    const all = addGroup(env.store, 'Alla');
    const test = addGroup(env.store, 'Test');
    addContact(env.store, { name: 'Skarp', phones: ['+46701000001'], groups: [all] });
    const tester = addContact(env.store, { name: 'Testare', phones: ['+46701000002'], groups: [test] });
    const c = service.create(campaign(addTemplate(env.store), { audience: { groupIds: [all] }, testGroupId: test }));
    const plan = service.plan(c.id);
    expect(plan.recipients).toBe(1);
    expect(plan.excluded).toEqual([{ reason: 'not-in-test-group', count: 1 }]);
    service.start(c.id);
    expect(deliveriesOf(env.store, c.id).map((d) => d.contact_id)).toEqual([tester]);
  });
});

describe('approval', () => {
  it('refuses an unapproved template without a reason and audits the reason when given', async () => {
    const sms = new FakeSender();
    const { env, service } = setup({ sms });
    const g = addGroup(env.store, 'G');
    addContact(env.store, { name: 'A', phones: ['+46701000001'], groups: [g] });
    const c = service.create(campaign(addTemplate(env.store, undefined, false), { audience: { groupIds: [g] } }));
    expect(() => service.start(c.id)).toThrowError(/not approved/);
    service.start(c.id, 'Skarpt läge, ingen tid att godkänna');
    const audit = env.store.sqlite.prepare("SELECT summary FROM audit_log WHERE action = 'campaign.start-unapproved'").all() as {
      summary: string;
    }[];
    expect(audit[0]?.summary).toContain('Skarpt läge, ingen tid att godkänna');
  });
});

describe('dispatch and escalation', () => {
  it('sends step 1, escalates only the unconfirmed, confirmation by DTMF or SMS reply ends the plan, STOP opts out, other replies go to the inbox', async () => {
    const voice = new FakeSender('twilio');
    const sms = new FakeSender('twilio');
    const { env, service } = setup({ voice, sms });
    await service.open();
    const g = addGroup(env.store, 'G');
    const dtmf = addContact(env.store, { name: 'Dtmf', phones: ['+46701000001', '+46701000011'], groups: [g] });
    const smsConfirm = addContact(env.store, { name: 'Svarar', phones: ['+46701000002'], groups: [g] });
    const stop = addContact(env.store, { name: 'Stopp', phones: ['+46701000003'], groups: [g] });
    const chatty = addContact(env.store, { name: 'Pratig', phones: ['+46701000004'], groups: [g] });
    const silent = addContact(env.store, { name: 'Tyst', phones: ['+46701000005', '+46701000055'], groups: [g] });
    const c = service.create(
      campaign(addTemplate(env.store), {
        audience: { groupIds: [g] },
        steps: [
          { channel: 'voice', numbers: 'first', condition: 'not-confirmed' },
          { channel: 'voice', numbers: 'next', condition: 'not-confirmed' },
          { channel: 'sms', numbers: 'all-mobiles', condition: 'not-confirmed' },
        ],
      }),
    );
    service.start(c.id);
    await until(() => voice.sent.length === 5, 5000, 'first calls');
    const tok = (contact: number, step: number, address?: string) =>
      deliveriesOf(env.store, c.id).find((d) => d.contact_id === contact && d.step_index === step && (!address || d.address === address))!
        .token;
    expect(voice.sent[0]!.callFlowUrl).toMatch(/^http:\/\/flows\.test\/c\d+-sv-/);
    // Everybody answers the first call; only Dtmf presses 1.
    const ev = [];
    for (const id of [dtmf, smsConfirm, stop, chatty, silent]) ev.push(statusEvent(tok(id, 0), 'answered', new Date(), 'voice'));
    ev.push(dtmfEvent(tok(dtmf, 0), '1'));
    ev.push(dtmfEvent(tok(silent, 0), '5'));
    for (const id of [dtmf, smsConfirm, stop, chatty, silent]) ev.push(statusEvent(tok(id, 0), 'completed', new Date(), 'voice'));
    service.handleProviderEvents(ev);
    // Step 2 goes only to recipients with a next number who did not confirm: Tyst.
    await until(() => voice.sent.length === 6, 5000, 'second-number call');
    expect(voice.sent[5]!.to).toBe('+46701000055');
    // Those without a second number go on to SMS at once.
    await until(() => sms.sent.length === 3, 5000, 'sms step');
    expect(sms.sent.map((s) => s.to).sort()).toEqual(['+46701000002', '+46701000003', '+46701000004']);
    service.handleProviderEvents([statusEvent(tok(silent, 1), 'no-answer', new Date(), 'voice')]);
    await until(() => sms.sent.length === 5, 5000, 'sms to both of Tyst');
    service.handleProviderEvents([
      replyEvent('+46701000002', ' ja! '),
      replyEvent('+46701000003', 'STOPP'),
      replyEvent('+46701000004', 'Vem är det här?'),
    ]);
    const outcomes = outcomesOf(env.store, c.id);
    expect(outcomes.get(dtmf)).toBe('confirmed');
    expect(outcomes.get(smsConfirm)).toBe('confirmed');
    expect(outcomes.get(stop)).toBe('opted-out');
    const dtmfRows = deliveriesOf(env.store, c.id).filter((d) => d.contact_id === dtmf);
    expect(dtmfRows.map((d) => d.state)).toEqual(['delivered', 'skipped', 'skipped', 'skipped']);
    expect(env.store.sqlite.prepare("SELECT 1 FROM opt_outs WHERE channel = 'sms' AND address = '+46701000003'").get()).toBeTruthy();
    const inbox = service.listInbox({ limit: 10 });
    expect(inbox).toEqual([
      expect.objectContaining({ text: 'Vem är det här?', contactId: chatty, campaignId: c.id, campaignName: c.name, handled: false }),
    ]);
    expect(service.markInbox([inbox[0]!.id], true)).toBe(1);
    expect(service.listInbox({ handled: false, limit: 10 })).toHaveLength(0);
    // The pushed reply says the same as the stored one, the alert's name included.
    expect(env.events.find((e) => e.name === 'inbox.received')?.payload).toEqual(inbox[0]);
    // Everything settles; the campaign completes.
    for (const d of deliveriesOf(env.store, c.id).filter((x) => x.state === 'sent'))
      service.handleProviderEvents([statusEvent(d.token, 'delivered', new Date(), d.channel as 'sms')]);
    await until(() => service.get(c.id).status === 'completed', 5000, 'completion');
    expect(outcomesOf(env.store, c.id).get(chatty)).toBe('reached');
    expect(outcomesOf(env.store, c.id).get(silent)).toBe('reached');
    const report = service.progressOf(c.id);
    expect(report.confirmed).toBe(2);
  });

  it("the roll-call's changes after a watermark are exactly the people whose lines changed", async () => {
    const sms = new FakeSender('twilio');
    const { env, service } = setup({ sms });
    const journal = new RollCallJournal(env.store);
    await service.open();
    const g = addGroup(env.store, 'G');
    const people = ['Anna', 'Bo', 'Cilla'].map((name, i) => addContact(env.store, { name, phones: [`+4670200000${i}`], groups: [g] }));
    const c = service.create(
      campaign(addTemplate(env.store), { audience: { groupIds: [g] }, steps: [{ channel: 'sms', numbers: 'first' }] }),
    );
    const start = journal.watermark();
    service.start(c.id);
    await until(() => deliveriesOf(env.store, c.id).every((d) => d.state === 'sent'), 5000, 'sms sent');
    const read = env.store.read;
    const changedSince = (w: RollCallWatermark) =>
      recipientReports(read, c.id, { limit: 10, events: false, changed: journal.since(w)! }).recipients;
    // Starting and sending changed everyone's line.
    expect(changedSince(start).map((r) => r.contactId)).toEqual(people);
    const all = recipientReports(read, c.id, { limit: 10, events: false });
    // Without events, the lines are there and the histories are not.
    expect(all.recipients.every((r) => r.deliveries.length > 0 && r.deliveries.every((d) => d.events.length === 0))).toBe(true);
    const mark = journal.watermark();
    expect(changedSince(mark)).toEqual([]);
    service.handleProviderEvents([replyEvent('+46702000001', 'ja')]);
    const changed = changedSince(mark);
    expect(changed.map((r) => [r.contactId, r.outcome])).toEqual([[people[1], 'confirmed']]);
    const later = journal.watermark();
    expect(later.seq).toBeGreaterThan(mark.seq);
    expect(changedSince(later)).toEqual([]);
    // A watermark of another start (or older than what is kept) means: everyone.
    expect(journal.since({ epoch: journal.epoch - 1, seq: 1 })).toBeNull();
    // One person, with the history.
    const one = recipientReports(read, c.id, { limit: 10, recipientId: changed[0]!.id }).recipients;
    expect(one).toHaveLength(1);
    expect(one[0]!.deliveries[0]!.events.length).toBeGreaterThan(0);
  });

  it('retries transient errors with backoff, honours Retry-After, fails permanent ones and falls through to the next step', async () => {
    const sms = new FakeSender();
    const email = new FakeSender('sendgrid');
    const { env, service } = setup({ sms, email });
    sms.script = (d, attempt) => {
      if (d.to.endsWith('1'))
        return attempt < 3 ? { ok: false, error: sendError('transient', 'ECONNRESET') } : { ok: true, providerId: '', status: 'queued' };
      if (d.to.endsWith('2'))
        return attempt < 2
          ? { ok: false, error: sendError('rate-limited', '429', { retryAfterMs: 30 }) }
          : { ok: true, providerId: '', status: 'queued' };
      if (d.to.endsWith('3')) return { ok: false, error: sendError('invalid-recipient', 'not a mobile', { code: '21614' }) };
      return { ok: false, error: sendError('opted-out', 'replied STOP', { code: '21610' }) };
    };
    await service.open();
    const g = addGroup(env.store, 'G');
    for (const n of [1, 2, 3, 4])
      addContact(env.store, { name: `P${n}`, phones: [`+4670100000${n}`], emails: [`p${n}@example.se`], groups: [g] });
    const c = service.create(
      campaign(addTemplate(env.store), {
        audience: { groupIds: [g] },
        steps: [{ channel: 'sms' }, { channel: 'email', condition: 'not-delivered' }],
      }),
    );
    service.start(c.id);
    await until(
      () =>
        email.sent.length === 2 &&
        deliveriesOf(env.store, c.id).every((r) => r.channel !== 'sms' || (r.state !== 'sending' && r.state !== 'queued')),
      5000,
      'sends',
    );
    const rows = deliveriesOf(env.store, c.id);
    const smsRows = rows.filter((r) => r.channel === 'sms');
    expect(smsRows.map((r) => [r.address.slice(-1), r.state, r.attempts])).toEqual([
      ['1', 'sent', 3],
      ['2', 'sent', 2],
      ['3', 'failed', 1],
      ['4', 'failed', 1],
    ]);
    expect(email.sent.map((e) => e.to).sort()).toEqual(['p3@example.se', 'p4@example.se']);
    expect(env.store.sqlite.prepare("SELECT address FROM opt_outs WHERE source = 'provider'").all()).toEqual([{ address: '+46701000004' }]);
    const report = recipientReports(env.store.read, c.id, { limit: 10 });
    expect(report.recipients[0]!.deliveries[0]!.events.map((t) => t.kind)).toEqual(['retry', 'retry', 'sent']);
    const { csv, rows: csvRows } = campaignCsv(env.store.read, c.id, { language: 'en', view: 'deliveries', now: Date.now() });
    expect(csvRows).toBe(8);
    expect(csv.startsWith('\uFEFFrecipient_id;name;')).toBe(true);
    expect(csv).toContain(';not a mobile;');
    // Delivered SMS make the e-mail step ("not delivered") unnecessary.
    service.handleProviderEvents(smsRows.slice(0, 2).map((r) => statusEvent(r.token, 'delivered')));
    await until(
      () => deliveriesOf(env.store, c.id).filter((r) => r.channel === 'email' && r.state === 'skipped').length === 2,
      5000,
      'email skipped',
    );
  });

  it('opens the circuit after repeated failures and moves recipients to the next channel', async () => {
    const sms = new FakeSender('twilio');
    const email = new FakeSender('sendgrid');
    sms.script = () => ({ ok: false, error: sendError('transient', 'HTTP 503') });
    const { env, service } = setup(
      { sms, email },
      {
        dispatcher: {
          breaker: { failureThreshold: 3, openMs: 60_000, maxOpenMs: 60_000 },
          backoff: { baseMs: 1, capMs: 2, maxAttempts: 50 },
          concurrency: 1,
        },
      },
    );
    await service.open();
    const g = addGroup(env.store, 'G');
    for (const n of [1, 2, 3, 4, 5, 6])
      addContact(env.store, { name: `P${n}`, phones: [`+4670100000${n}`], emails: [`p${n}@example.se`], groups: [g] });
    const c = service.create(
      campaign(addTemplate(env.store), { audience: { groupIds: [g] }, steps: [{ channel: 'sms' }, { channel: 'email' }] }),
    );
    service.start(c.id);
    await until(() => email.sent.length === 6, 5000, 'fall-through to e-mail');
    expect(service.dispatcher.unavailableProviders()).toEqual(['twilio']);
    const failed = deliveriesOf(env.store, c.id).filter((d) => d.channel === 'sms');
    expect(failed.every((d) => d.state === 'failed')).toBe(true);
    expect(failed.some((d) => d.error?.includes('circuit open'))).toBe(true);
    expect(service.progressOf(c.id).unavailableProviders).toEqual(['twilio']);
  });

  it('pauses, resumes and cancels; cancel hangs up calls in progress', async () => {
    const voice = new FakeSender('twilio');
    const sms = new FakeSender('twilio');
    const { env, service } = setup(
      { voice, sms },
      { dispatcher: { rateLimits: { sms: { perSecond: 200, burst: 5 }, voice: { perSecond: 1000, burst: 100 } } } },
    );
    await service.open();
    const g = addGroup(env.store, 'G');
    for (let n = 0; n < 100; n++) addContact(env.store, { name: `P${n}`, phones: [`+467020${String(n).padStart(5, '0')}`], groups: [g] });
    const smsCampaign = service.create(campaign(addTemplate(env.store), { audience: { groupIds: [g] } }));
    service.start(smsCampaign.id);
    await until(() => sms.sent.length >= 10, 5000, 'some sent');
    service.pause(smsCampaign.id);
    await until(() => service.dispatcher.inFlight === 0, 5000, 'in-flight drained');
    const atPause = sms.sent.length;
    expect(atPause).toBeLessThan(100);
    await new Promise((r) => setTimeout(r, 100));
    expect(sms.sent.length).toBe(atPause);
    service.resume(smsCampaign.id);
    await until(() => sms.sent.length >= atPause + 10, 5000, 'resumed');
    const cancelled = await service.cancel(smsCampaign.id, 'Fel grupp');
    expect(cancelled.status).toBe('cancelled');
    await until(() => service.dispatcher.inFlight === 0, 5000, 'in-flight drained');
    const atCancel = sms.sent.length;
    expect(atCancel).toBeLessThan(100);
    const rows = deliveriesOf(env.store, smsCampaign.id);
    expect(rows.filter((r) => r.state === 'cancelled').length + atCancel).toBe(100);
    const voiceCampaign = service.create(
      campaign(addTemplate(env.store), { name: 'Samtal', audience: { groupIds: [g] }, steps: [{ channel: 'voice' }] }),
    );
    service.start(voiceCampaign.id);
    await until(() => voice.sent.length === 100, 5000, 'calls placed');
    const ringing = deliveriesOf(env.store, voiceCampaign.id).slice(0, 3);
    service.handleProviderEvents([statusEvent(ringing[0]!.token, 'completed', new Date(), 'voice')]);
    await service.cancel(voiceCampaign.id);
    // Calls whose placement was still being written are hung up as soon as it is.
    await until(() => voice.hungUp.length === 99, 5000, 'hang-ups');
    expect(voice.hungUp).not.toContain(voice.sent.find((s) => s.token === ringing[0]!.token)!.providerId);
    expect(env.store.sqlite.prepare("SELECT summary FROM audit_log WHERE action = 'campaign.cancel' ORDER BY id").all()).toEqual([
      { summary: expect.stringContaining('Reason: Fel grupp') as string },
      { summary: expect.stringContaining('calls hung up') as string },
    ]);
  });

  it('coalesces progress to at most 10 updates per second per campaign', async () => {
    const sms = new FakeSender();
    const { env, service } = setup({ sms });
    await service.open();
    const g = addGroup(env.store, 'G');
    for (let n = 0; n < 2000; n++) addContact(env.store, { name: `P${n}`, phones: [`+467030${String(n).padStart(5, '0')}`], groups: [g] });
    const c = service.create(campaign(addTemplate(env.store), { audience: { groupIds: [g] } }));
    service.start(c.id);
    await until(() => sms.sent.length === 2000, 20_000, 'all sent');
    const progress = env.events.filter((e) => e.name === 'campaigns.progress').map((e) => e.payload as CampaignProgress);
    const times = progress.map((p) => Date.parse(p.at));
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(90);
    await until(
      () => env.events.some((e) => e.name === 'campaigns.progress' && (e.payload as CampaignProgress).deliveries.sent === 2000),
      5000,
      'final progress',
    );
  });
});

describe('provider events', () => {
  it('are idempotent and monotone: a late "sent" never overwrites "delivered"', async () => {
    const sms = new FakeSender();
    const { env, service } = setup({ sms });
    await service.open();
    const g = addGroup(env.store, 'G');
    addContact(env.store, { name: 'A', phones: ['+46701000001'], groups: [g] });
    const c = service.create(campaign(addTemplate(env.store), { audience: { groupIds: [g] } }));
    service.start(c.id);
    await until(() => deliveriesOf(env.store, c.id)[0]!.state === 'sent', 5000, 'sent');
    const token = deliveriesOf(env.store, c.id)[0]!.token;
    const delivered = statusEvent(token, 'delivered');
    const r1 = service.handleProviderEvents([delivered, statusEvent(token, 'sent')]);
    const r2 = service.handleProviderEvents([delivered]);
    expect(r1.applied).toBe(2);
    expect(r2).toMatchObject({ applied: 0, duplicates: 1 });
    expect(deliveriesOf(env.store, c.id)[0]).toMatchObject({ state: 'delivered', provider_status: 'delivered' });
    // The entry point works inside a caller's own transaction (the relay client's).
    const res = env.store.transaction((tx) => applyProviderEvents(tx, [statusEvent(token, 'queued')]));
    expect(res.applied).toBe(1);
    expect(deliveriesOf(env.store, c.id)[0]!.state).toBe('delivered');
  });
});

describe('lost callbacks', () => {
  it('asks the provider about deliveries whose final status never came and applies the answer', async () => {
    const sms = new FakeSender();
    sms.statusOf = (id) => (id === 'P1' ? 'delivered' : null);
    const { env, service } = setup({ sms }, { dispatcher: { staleAfterMs: 50 } });
    await service.open();
    const g = addGroup(env.store, 'G');
    addContact(env.store, { name: 'A', phones: ['+46701000001'], groups: [g] });
    addContact(env.store, { name: 'B', phones: ['+46701000002'], groups: [g] });
    const c = service.create(campaign(addTemplate(env.store), { audience: { groupIds: [g] } }));
    service.start(c.id);
    await until(() => deliveriesOf(env.store, c.id).every((d) => d.state === 'sent'), 5000, 'sent');
    // The periodic sweep finds them once they are older than staleAfterMs.
    await until(() => deliveriesOf(env.store, c.id)[0]!.state === 'delivered', 5000, 'polled status applied');
    expect(deliveriesOf(env.store, c.id).map((r) => [r.state, r.provider_status])).toEqual([
      ['delivered', 'delivered'],
      ['sent', 'queued'],
    ]);
    // Each delivery is asked about once per period, not on every sweep.
    expect(await service.dispatcher.pollStale()).toBe(0);
  });
});

describe('crash recovery', () => {
  it('adopts rows the provider has, waits while it cannot be asked, then re-sends the others flagged as possible duplicates', async () => {
    const sms = new FakeSender();
    sms.lookUpFails = true;
    const { env, service } = setup({ sms });
    const g = addGroup(env.store, 'G');
    for (const n of [1, 2, 3]) addContact(env.store, { name: `P${n}`, phones: [`+4670100000${n}`], groups: [g] });
    const c = service.create(campaign(addTemplate(env.store), { audience: { groupIds: [g] } }));
    service.start(c.id); // not dispatching: service not opened
    const rows = deliveriesOf(env.store, c.id);
    // Simulate a crash: all three were claimed; the provider got only the first.
    env.store.sqlite
      .prepare("UPDATE deliveries SET state = 'sending', attempts = 1, sending_since = ? WHERE campaign_id = ?")
      .run(Date.now(), c.id);
    sms.sent.push({
      token: rows[0]!.token,
      channel: 'sms',
      to: rows[0]!.address,
      body: 'x',
      subject: null,
      html: null,
      audioId: null,
      callFlowUrl: null,
      whatsAppTemplate: null,
      providerId: 'SM-original',
    });
    await service.open();
    // The provider cannot be asked: a failed lookup is no answer, so nothing is sent again.
    await new Promise((r) => setTimeout(r, 1500));
    expect(deliveriesOf(env.store, c.id).map((r) => r.state)).toEqual(['sending', 'sending', 'sending']);
    expect(sms.sent).toHaveLength(1);
    // It answers: the one it has is adopted; the two it has not go out once more, flagged (a row
    // found in flight records no provider, and a send of a process that died may still arrive).
    sms.lookUpFails = false;
    await until(() => deliveriesOf(env.store, c.id).every((r) => r.state === 'sent'), 10_000, 'resends');
    const after = deliveriesOf(env.store, c.id);
    expect(after.map((r) => [r.state, r.possible_duplicate])).toEqual([
      ['sent', 0],
      ['sent', 1],
      ['sent', 1],
    ]);
    expect(sms.sent.filter((s) => s.token === rows[0]!.token)).toHaveLength(1);
    expect(sms.sent).toHaveLength(3);
    expect(service.progressOf(c.id).possibleDuplicates).toBe(2);
  });
});

describe('scheduling', () => {
  it('runs a campaign scheduled at a time, also after a restart, and arms cron runs in Europe/Stockholm', async () => {
    const sms = new FakeSender();
    const { env, service } = setup({ sms });
    const g = addGroup(env.store, 'G');
    addContact(env.store, { name: 'A', phones: ['+46701000001'], groups: [g] });
    const t = addTemplate(env.store);
    const at = service.create(
      campaign(t, { name: 'Senare', audience: { groupIds: [g] }, schedule: { kind: 'at', at: new Date(Date.now() + 300).toISOString() } }),
    );
    expect(service.start(at.id).campaign.status).toBe('scheduled');
    const cron = service.create(
      campaign(t, { name: 'Månadstest', audience: { groupIds: [g] }, schedule: { kind: 'cron', cron: '0 10 1 * *' } }),
    );
    const armed = service.start(cron.id).campaign;
    expect(armed.status).toBe('scheduled');
    const next = new Date(armed.nextRunAt!);
    expect(next.toLocaleString('sv-SE', { timeZone: 'Europe/Stockholm' })).toMatch(/-01 10:00:00$/);
    // "Restart": a new service over the same database picks the schedule up.
    await service.close();
    const again = new CampaignService(env.ctx, {
      senders: fakeSenders({ sms }),
      dispatcher: { rateLimits: { sms: { perSecond: 1000, burst: 100 } } },
    });
    await again.open();
    await until(() => sms.sent.length === 1, 5000, 'scheduled send');
    expect(again.get(at.id).status).not.toBe('scheduled');
    // A due cron run starts a child run and re-arms the parent.
    env.store.sqlite.prepare('UPDATE campaigns SET next_run_at = ? WHERE id = ?').run(Date.now() - 1000, cron.id);
    again.runDueSchedules();
    await until(() => sms.sent.length === 2, 5000, 'cron run');
    const children = again.list({ limit: 10 }).filter((x) => x.parentId === cron.id);
    expect(children).toHaveLength(1);
    expect(again.get(cron.id).status).toBe('scheduled');
    expect(Date.parse(again.get(cron.id).nextRunAt!)).toBeGreaterThan(Date.now());
    await again.close();
  });
});

describe('flow control', () => {
  it('token bucket, full-jitter backoff and the circuit breaker behave', () => {
    let now = 0;
    const b = new TokenBucket(10, 5, () => now);
    expect(b.take(10)).toBe(5);
    expect(b.take(1)).toBe(0);
    now += 300;
    expect(b.take(10)).toBe(3);
    b.pauseFor(1000);
    now += 500;
    expect(b.take(1)).toBe(0);
    for (let i = 0; i < 100; i++) {
      const d = backoffDelay(3, { baseMs: 100, capMs: 1000, maxAttempts: 5 }, null);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(400);
    }
    expect(backoffDelay(1, { baseMs: 100, capMs: 1000, maxAttempts: 5 }, 5000)).toBe(5000);
    const cb = new CircuitBreaker('p', { failureThreshold: 2, openMs: 100, maxOpenMs: 1000 }, () => now);
    cb.failure();
    expect(cb.state).toBe('closed');
    cb.failure();
    expect(cb.allowance(5)).toBe(0);
    now += 100;
    expect(cb.allowance(5)).toBe(1);
    expect(cb.allowance(5)).toBe(0);
    cb.failure();
    expect(cb.state).toBe('open');
    now += 150;
    expect(cb.allowance(1)).toBe(0); // open twice as long now
    now += 100;
    expect(cb.allowance(1)).toBe(1);
    cb.success();
    expect(cb.state).toBe('closed');
  });
});

describe('the template voice', () => {
  it('speaks a typed voice message with the voice the template chose, per language, and the default when none', async () => {
    const voice = new FakeSender('twilio');
    const flows: { voiceId: string | null; language: string; audioId: string | null }[] = [];
    const synthesised: string[] = [];
    const { env, service } = setup(
      { voice },
      {
        synthesiseVoice: async (_script, language, voiceId) => {
          synthesised.push(`${language}:${voiceId}`);
          return `audio-${language}`;
        },
        flows: {
          register: async (spec) => {
            flows.push({ voiceId: spec.voiceId, language: spec.language, audioId: spec.audioId });
            return { urlFor: (t: string) => `http://flows.test/${spec.flowId}?d=${t}` };
          },
        },
      },
    );
    await service.open();
    const g = addGroup(env.store, 'G');
    addContact(env.store, { name: 'Svensk', phones: ['+46701000001'], groups: [g] });
    addContact(env.store, { name: 'English', phones: ['+46701000002'], groups: [g], language: 'en' });
    const chosen = addTemplate(env.store, {
      name: 'Röst',
      variants: {
        sv: { voice: { kind: 'tts', script: 'Brand. Tryck 1.', voiceId: 'sv_SE-nst-medium' } },
        en: { voice: { kind: 'tts', script: 'Fire. Press 1.' } },
      },
    });
    const c = service.create(
      campaign(chosen, { audience: { groupIds: [g] }, steps: [{ channel: 'voice', numbers: 'first', condition: 'not-confirmed' }] }),
    );
    service.start(c.id);
    await until(() => voice.sent.length === 2, 5000, 'both calls');
    // Frozen on the deliveries at start, like the rendered text.
    expect(env.store.sqlite.prepare('SELECT voice_id FROM deliveries WHERE campaign_id = ? ORDER BY voice_id').pluck().all(c.id)).toEqual([
      null,
      'sv_SE-nst-medium',
    ]);
    expect(synthesised.sort()).toEqual(['en:null', 'sv:sv_SE-nst-medium']);
    expect(flows.map((f) => `${f.language}:${f.voiceId}:${f.audioId}`).sort()).toEqual([
      'en:null:audio-en',
      'sv:sv_SE-nst-medium:audio-sv',
    ]);
  });
});
