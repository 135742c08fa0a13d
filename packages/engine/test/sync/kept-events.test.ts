// A provider event can reach a desktop that keeps another's alert before the owner's
// operations that make the delivery it is about (the relay logs the callback at once; the
// owner's pushes lag). It is kept, and applied when the delivery appears, so the replica's
// row does not stay `sent` — and a desktop that takes the alert over finishes it from there.
import { afterEach, describe, expect, it } from 'vitest';
import { applyProviderEvents } from '../../src/campaigns/events';
import { CampaignService } from '../../src/campaigns/service';
import { pendingOps } from '../../src/store/sync';
import { sharedCodecs } from '../../src/sync/codecs';
import { Replica } from '../../src/sync/replica';
import {
  addContact,
  addGroup,
  addTemplate,
  deliveriesOf,
  fakeSenders,
  FakeSender,
  makeEnv,
  replyEvent,
  statusEvent,
  until,
  type TestEnv,
} from '../campaigns/helpers';

const envs: TestEnv[] = [];
let svc: CampaignService | undefined;
afterEach(async () => {
  await svc?.close();
  svc = undefined;
  for (const e of envs.splice(0)) e.close();
});

describe('provider events that come before their delivery', () => {
  it('are kept on a replica and applied when the owner’s delivery arrives', async () => {
    const owner = makeEnv();
    const other = makeEnv();
    envs.push(owner, other);
    const g = addGroup(owner.store, 'Jour');
    for (let i = 0; i < 3; i++) addContact(owner.store, { name: `P${i}`, phones: [`+4670100003${i}`], groups: [g] });
    const templateId = addTemplate(owner.store);
    new Replica(owner.store, sharedCodecs()).enable('dev-owner');
    const replica = new Replica(other.store, sharedCodecs());
    replica.enable('dev-other');

    const sms = new FakeSender('twilio');
    svc = new CampaignService(owner.ctx, {
      senders: fakeSenders({ sms }),
      flows: { register: async (spec) => ({ urlFor: (t: string) => `http://flows.test/${spec.flowId}?d=${t}` }) },
    });
    await svc.open();
    const c = svc.create({
      name: 'Före leveransen',
      templateId,
      audience: { groupIds: [g] },
      steps: [{ channel: 'sms', numbers: 'first', condition: 'not-confirmed', fallThroughWhenUnavailable: false }],
    });
    svc.start(c.id);
    await until(() => deliveriesOf(owner.store, c.id).every((d) => d.state === 'sent'), 10_000, 'every SMS handed over');
    const tokens = deliveriesOf(owner.store, c.id).map((d) => d.token);

    // Everything but the deliveries reaches the other desktop; then the provider's callbacks; then the deliveries.
    const ops = pendingOps(owner.store.read, 100_000);
    other.store.transaction((tx) => ops.filter((o) => o.entity !== 'delivery').forEach((o) => replica.applyOp(tx, o)), { origin: 'sync' });
    const callbacks = tokens.map((t) => statusEvent(t, 'delivered'));
    const early = other.store.transaction((tx) => applyProviderEvents(tx, callbacks), { origin: 'relay' });
    expect(early.unmatched).toBe(3);
    other.store.transaction((tx) => ops.filter((o) => o.entity === 'delivery').forEach((o) => replica.applyOp(tx, o)), { origin: 'sync' });

    const rows = other.store.sqlite.prepare('SELECT token, state, provider_status FROM deliveries ORDER BY token').all();
    expect(rows).toEqual([...tokens].sort().map((token) => ({ token, state: 'delivered', provider_status: 'delivered' })));
    expect(other.store.sqlite.prepare('SELECT count(*) AS n FROM unmatched_provider_events').get()).toEqual({ n: 0 });
    // Applied once: the same callbacks again are duplicates.
    const again = other.store.transaction((tx) => applyProviderEvents(tx, callbacks), { origin: 'relay' });
    expect(again).toMatchObject({ duplicates: 3, unmatched: 0 });
  }, 30_000);

  it('a "1" that came before the replica knew its SMS had gone out confirms the person once it knows; an earlier reply does not', async () => {
    const owner = makeEnv();
    const other = makeEnv();
    envs.push(owner, other);
    const g = addGroup(owner.store, 'Jour');
    const numbers = ['+46701000040', '+46701000041', '+46701000042'];
    numbers.forEach((n, i) => addContact(owner.store, { name: `Q${i}`, phones: [n], groups: [g] }));
    const templateId = addTemplate(owner.store);
    new Replica(owner.store, sharedCodecs()).enable('dev-owner');
    const replica = new Replica(other.store, sharedCodecs());
    replica.enable('dev-other');

    // The provider holds every send until the test lets go: the owner's rows stay `sending`.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const sms = new FakeSender('twilio');
    sms.script = async () => {
      await gate;
      return { ok: true, providerId: '', status: 'queued' };
    };
    svc = new CampaignService(owner.ctx, {
      senders: fakeSenders({ sms }),
      flows: { register: async (spec) => ({ urlFor: (t: string) => `http://flows.test/${spec.flowId}?d=${t}` }) },
    });
    await svc.open();
    const c = svc.create({
      name: 'Svar före leveransen',
      templateId,
      audience: { groupIds: [g] },
      steps: [{ channel: 'sms', numbers: 'first', condition: 'not-confirmed', fallThroughWhenUnavailable: false }],
    });
    svc.start(c.id);
    await until(() => deliveriesOf(owner.store, c.id).every((d) => d.state === 'sending'), 10_000, 'every SMS being handed over');
    const applyAll = () => {
      const ops = pendingOps(owner.store.read, 100_000);
      other.store.transaction((tx) => ops.forEach((o) => replica.applyOp(tx, o)), { origin: 'sync' });
    };
    applyAll();
    const replicaRows = () =>
      other.store.sqlite
        .prepare(
          `SELECT r.display_name AS name, r.outcome, d.state FROM campaign_recipients r JOIN deliveries d ON d.recipient_id = r.id ORDER BY r.display_name`,
        )
        .all() as { name: string; outcome: string; state: string }[];
    expect(replicaRows().map((r) => r.state)).toEqual(['sending', 'sending', 'sending']);

    // Q0 answers "1" now; Q1's "1" is dated an hour before the alert (an answer to something earlier).
    const replies = [replyEvent(numbers[0]!, '1'), replyEvent(numbers[1]!, '1', new Date(Date.now() - 3600_000))];
    const early = other.store.transaction((tx) => applyProviderEvents(tx, replies), { origin: 'relay' });
    expect(early.inbox.map((m) => m.from)).toEqual([numbers[0], numbers[1]]);

    release();
    await until(() => deliveriesOf(owner.store, c.id).every((d) => d.state === 'sent'), 10_000, 'every SMS handed over');
    applyAll();

    expect(replicaRows().map((r) => [r.name, r.outcome])).toEqual([
      ['Q0', 'confirmed'],
      ['Q1', 'in-progress'],
      ['Q2', 'in-progress'],
    ]);
    const via = other.store.sqlite.prepare("SELECT confirmed_via FROM campaign_recipients WHERE display_name = 'Q0'").get();
    expect(via).toEqual({ confirmed_via: `replied 1 (sms ${numbers[0]})` });
    // Nothing is lost: Q0's reply is in the inbox, handled by GDial; Q1's waits for an operator.
    const inbox = other.store.sqlite.prepare('SELECT from_address, handled, handled_by FROM inbox_messages ORDER BY from_address').all();
    expect(inbox).toEqual([
      { from_address: numbers[0], handled: 1, handled_by: 'GDial' },
      { from_address: numbers[1], handled: 0, handled_by: null },
    ]);
  }, 30_000);
});
