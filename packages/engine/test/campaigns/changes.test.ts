// Every write of the campaign engine records exactly the rows it changed (the store's
// change set, which organisation sync reads): templates, campaigns and their lifecycle, the
// outbox the start writes, the dispatcher's claims and results (accepted, retried, refused,
// an opt-out), provider events (statuses, a key press, replies, stop and opt-in), the inbox,
// cancel and delete with what they change on their own. Each step runs under
// expectExactChanges, which diffs every tracked table against what was recorded.
import { afterEach, describe, expect, it } from 'vitest';
import type { CampaignFields } from '@gdial/protocol';
import { CampaignService } from '../../src/campaigns/service';
import { TemplateService } from '../../src/campaigns/template-service';
import { sendError } from '../../src/providers/types';
import { expectExactChanges } from '../support/changes';
import {
  addContact,
  addGroup,
  alertTemplate,
  deliveriesOf,
  dtmfEvent,
  fakeSenders,
  FakeSender,
  makeEnv,
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

async function setup(senders: { sms: FakeSender; voice: FakeSender }) {
  env = makeEnv();
  service = new CampaignService(env.ctx, {
    senders: fakeSenders(senders),
    flows: { register: async (spec) => ({ urlFor: (t: string) => `http://flows.test/${spec.flowId}?d=${t}` }) },
    dispatcher: {
      rateLimits: { sms: { perSecond: 10_000, burst: 1000 }, voice: { perSecond: 10_000, burst: 1000 } },
      backoff: { baseMs: 5, capMs: 20, maxAttempts: 2 },
    },
  });
  await service.open();
  return { env, service, templates: new TemplateService(env.ctx) };
}

describe('the campaign engine records exactly what it changes', () => {
  it('templates: create, an edit that changes one content, approve, delete', async () => {
    const { env, templates } = await setup({ sms: new FakeSender(), voice: new FakeSender() });
    const t = (await expectExactChanges(env.store, () => templates.create(alertTemplate))).result;
    const edited = await expectExactChanges(env.store, () =>
      templates.update(t.id, { ...alertTemplate, variants: { ...alertTemplate.variants, en: { sms: 'Hi {{first_name}}! Reply 1.' } } }),
    );
    // Only the English SMS content changed; the other contents are left as they are.
    expect(edited.changes.filter((c) => c.table === 'template_contents')).toEqual([
      {
        table: 'template_contents',
        key: [t.id, 'en', 'sms'],
        op: 'update',
        columns: ['text', 'subject', 'html', 'audio_id', 'voice_id', 'content_sid', 'content_name', 'content_variables'],
      },
    ]);
    await expectExactChanges(env.store, () => templates.update(t.id, { ...alertTemplate, variants: { sv: { sms: 'Bara SMS' } } }));
    await expectExactChanges(env.store, () => templates.approve(t.id));
    const gone = await expectExactChanges(env.store, () => templates.delete(t.id));
    expect(gone.changes.map((c) => `${c.table}:${c.op}`).sort()).toEqual([
      'audit_log:insert',
      'template_contents:delete',
      'templates:delete',
    ]);
  });

  it('a campaign from draft to delete: start, sends, failures, events, inbox, pause, resume, cancel', async () => {
    const sms = new FakeSender();
    const voice = new FakeSender();
    const { env, service, templates } = await setup({ sms, voice });
    const group = addGroup(env.store, 'Jour');
    const people = ['+46701000001', '+46701000002', '+46701000003', '+46701000004', '+46701000005'];
    people.forEach((p, i) => addContact(env.store, { name: `Person ${i}`, phones: [p], groups: [group] }));
    const template = templates.create(alertTemplate).id;
    templates.approve(template);
    // Person 2's SMS is refused for good, person 3's fails on the path once (retried), person 4 opted out at the provider.
    sms.script = (d, attempt) =>
      d.to === people[2]
        ? { ok: false, error: sendError('invalid-recipient', 'not a mobile number', { code: '21614' }) }
        : d.to === people[3] && attempt === 1
          ? { ok: false, error: sendError('transient', 'timeout') }
          : d.to === people[4]
            ? { ok: false, error: sendError('opted-out', 'unsubscribed', { code: '21610' }) }
            : { ok: true, providerId: '', status: 'queued' };
    const fields: CampaignFields = {
      name: 'Övning',
      templateId: template,
      audience: { groupIds: [group] },
      steps: [
        { channel: 'sms', numbers: 'first', condition: 'not-confirmed' },
        { channel: 'voice', numbers: 'first', condition: 'not-confirmed', waitSeconds: 0 },
      ],
    };
    const c = (await expectExactChanges(env.store, () => service.create(fields))).result;
    await expectExactChanges(env.store, () => service.update(c.id, { ...fields, name: 'Övning 2' }));

    const started = await expectExactChanges(env.store, async () => {
      service.start(c.id);
      // The SMS step, and the calls to the two people it could not reach (the others' calls wait for the SMS outcome).
      await until(
        () => voice.sent.length === 2 && sms.sent.length === 3 && deliveriesOf(env.store, c.id).every((d) => d.state !== 'sending'),
        10_000,
        'the first sends',
      );
    });
    expect(started.changes.filter((ch) => ch.table === 'opt_outs')).toHaveLength(1);

    const sent = deliveriesOf(env.store, c.id).filter((d) => d.state === 'sent');
    const calls = deliveriesOf(env.store, c.id).filter((d) => d.state === 'sent' && voice.sent.some((v) => v.token === d.token));
    await expectExactChanges(env.store, () => {
      const first = sent[0]!;
      service.handleProviderEvents([statusEvent(first.token, 'delivered'), statusEvent(first.token, 'sent')]);
      // A duplicate changes nothing.
      service.handleProviderEvents([statusEvent(first.token, 'delivered')]);
      if (calls[0]) service.handleProviderEvents([dtmfEvent(calls[0].token, '1')]);
      service.handleProviderEvents([
        replyEvent(people[1]!, '1'),
        replyEvent(people[0]!, 'Vad gäller det?'),
        replyEvent(people[0]!, 'STOPP'),
      ]);
      service.handleProviderEvents([{ ...replyEvent(people[0]!, 'x'), type: 'opt-in', channel: 'sms', address: people[0]! } as never]);
      service.handleProviderEvents([
        { ...replyEvent(people[1]!, 'x'), type: 'opt-out', channel: 'sms', address: people[1]!, reason: 'unsubscribe' } as never,
      ]);
    });
    const inbox = service.listInbox({ limit: 10 });
    expect(inbox.length).toBeGreaterThan(0);
    await expectExactChanges(env.store, () =>
      service.markInbox(
        inbox.map((m) => m.id),
        true,
      ),
    );
    await expectExactChanges(env.store, () =>
      service.markInbox(
        inbox.map((m) => m.id),
        true,
      ),
    );

    if (service.get(c.id).status === 'running') {
      await expectExactChanges(env.store, () => service.pause(c.id));
      await expectExactChanges(env.store, () => service.resume(c.id));
      await expectExactChanges(env.store, () => service.cancel(c.id, 'Övningen avbröts'));
    }
    const deleted = await expectExactChanges(env.store, () => service.delete(c.id));
    const tables = new Set(deleted.changes.map((ch) => `${ch.table}:${ch.op}`));
    for (const t of [
      'campaigns:delete',
      'campaign_recipients:delete',
      'deliveries:delete',
      'delivery_events:delete',
      'inbox_messages:update',
    ])
      expect(tables).toContain(t);
  });

  it('a scheduled campaign and its start when due', async () => {
    const { env, service, templates } = await setup({ sms: new FakeSender(), voice: new FakeSender() });
    const group = addGroup(env.store, 'Jour');
    addContact(env.store, { name: 'Anna', phones: ['+46701000001'], groups: [group] });
    const template = templates.create(alertTemplate).id;
    templates.approve(template);
    const at = new Date(Date.now() + 60 * 60_000).toISOString();
    const c = service.create({
      name: 'Senare',
      templateId: template,
      audience: { groupIds: [group] },
      steps: [{ channel: 'sms', numbers: 'first', condition: 'not-confirmed' }],
      schedule: { kind: 'at', at },
    });
    await expectExactChanges(env.store, () => service.start(c.id));
    env.store.transaction((tx) => tx.statements.get('UPDATE campaigns SET next_run_at = ? WHERE id = ?').run(Date.now() - 1000, c.id));
    await expectExactChanges(env.store, async () => {
      service.runDueSchedules();
      await until(() => deliveriesOf(env.store, c.id).every((d) => d.state === 'sent'), 10_000, 'the scheduled send');
    });
  });
});
