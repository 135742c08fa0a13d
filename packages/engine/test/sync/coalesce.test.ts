// A busy alert's queued operations merged before a push (`nextPushBatch`): an engine runs an SMS
// alert on a fake provider, every person's text is delivered, and its outbox is read as it
// stands (what the desktop used to push) and as merged. Applied to two other desktops, both
// give the same organisation picture and the same roll-call; the merged queue holds one
// operation per delivery and recipient instead of seven per person. An operation already sent
// (it may have reached the relay) is never rewritten.
import type { SyncOp } from '@gdial/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { applyProviderEvents } from '../../src/campaigns/events';
import { CampaignService } from '../../src/campaigns/service';
import { enqueueOp, nextPushBatch, pendingOps } from '../../src/store/sync';
import { sharedCodecs } from '../../src/sync/codecs';
import { inspectSync } from '../../src/sync/inspect';
import { Replica } from '../../src/sync/replica';
import {
  addContact,
  addGroup,
  addTemplate,
  deliveriesOf,
  fakeSenders,
  FakeSender,
  makeEnv,
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

const alertOps = (ops: readonly SyncOp[]) => ops.filter((o) => o.entity === 'recipient' || o.entity === 'delivery');
const bytes = (ops: readonly SyncOp[]) => ops.reduce((n, o) => n + JSON.stringify(o).length, 0);

describe('queued operations merged before a push', () => {
  it('give other desktops the same picture with one operation per delivery and recipient', async () => {
    const owner = makeEnv();
    const plain = makeEnv();
    const merged = makeEnv();
    envs.push(owner, plain, merged);
    const people = 20;
    const g = addGroup(owner.store, 'Jour');
    for (let i = 0; i < people; i++)
      addContact(owner.store, { name: `P${i}`, phones: [`+467010000${String(i).padStart(2, '0')}`], groups: [g] });
    const templateId = addTemplate(owner.store);
    new Replica(owner.store, sharedCodecs()).enable('dev-owner');
    const replicas = [new Replica(plain.store, sharedCodecs()), new Replica(merged.store, sharedCodecs())];
    replicas[0]!.enable('dev-plain');
    replicas[1]!.enable('dev-merged');

    svc = new CampaignService(owner.ctx, {
      senders: fakeSenders({ sms: new FakeSender('twilio') }),
      flows: { register: async (spec) => ({ urlFor: (t: string) => `http://flows.test/${spec.flowId}?d=${t}` }) },
    });
    await svc.open();
    const c = svc.create({
      name: 'Sammanslaget',
      templateId,
      audience: { groupIds: [g] },
      steps: [{ channel: 'sms', numbers: 'first', condition: 'not-confirmed', fallThroughWhenUnavailable: false }],
    });
    svc.start(c.id);
    await until(() => deliveriesOf(owner.store, c.id).every((d) => d.state === 'sent'), 10_000, 'every SMS handed over');
    const callbacks = deliveriesOf(owner.store, c.id).map((d) => statusEvent(d.token, 'delivered'));
    owner.store.transaction((tx) => applyProviderEvents(tx, callbacks), { origin: 'relay' });
    await until(() => deliveriesOf(owner.store, c.id).every((d) => d.state === 'delivered'), 10_000, 'every SMS delivered');

    const before = pendingOps(owner.store.read, 1_000_000);
    const { ops: after, folded } = owner.store.transaction((tx) => nextPushBatch(tx, 1_000_000), { origin: 'sync' });
    expect(after.length + folded).toBe(before.length);
    // One person: a recipient and a delivery, each one operation once merged.
    expect(alertOps(after)).toHaveLength(2 * people);
    expect(alertOps(before).length).toBeGreaterThanOrEqual(6 * people);
    // The delivery's insert (address, message, plan) is most of the bytes and stays; what goes is an envelope per change.
    expect(bytes(alertOps(after))).toBeLessThan(bytes(alertOps(before)) * 0.8);
    // Per person here: 7 operations, about 2.3 kB, before; 2 operations, about 1.6 kB, after (docs/sync.md).

    plain.store.transaction((tx) => before.forEach((o) => replicas[0]!.applyOp(tx, o)), { origin: 'sync' });
    merged.store.transaction((tx) => after.forEach((o) => replicas[1]!.applyOp(tx, o)), { origin: 'sync' });
    // Each test desktop wrote its own approval rule before joining (makeEnv): the settings differ by that alone.
    const picture = (e: TestEnv) => inspectSync(e.store).states.filter((st) => st.entity !== 'setting');
    expect(picture(merged)).toEqual(picture(plain));
    expect(picture(merged).filter((st) => st.entity === 'delivery')).toHaveLength(people);
    const rollCall = (e: TestEnv) =>
      e.store.sqlite
        .prepare(
          `SELECT r.display_name AS name, r.outcome, d.state, d.provider_status, d.attempts FROM campaign_recipients r JOIN deliveries d ON d.recipient_id = r.id ORDER BY r.display_name`,
        )
        .all();
    expect(rollCall(merged)).toEqual(rollCall(plain));
    expect(rollCall(merged)).toHaveLength(people);
  }, 60_000);

  it('never rewrites an operation that was already sent', () => {
    const env = makeEnv();
    envs.push(env);
    const op = (counter: number, fields: Record<string, string>): SyncOp => ({
      device: 'dev-a',
      counter,
      hlc: `${String(100 + counter).padStart(15, '0')}.000000`,
      entity: 'contact',
      id: 'c1',
      kind: 'put',
      fields,
    });
    env.store.transaction((tx) => [op(1, { role: 'a' }), op(2, { notes: 'b' })].forEach((o) => enqueueOp(tx, o)));
    // The first push takes only counter 1: 2 is folded into it first (neither was sent).
    const first = env.store.transaction((tx) => nextPushBatch(tx, 1), { origin: 'sync' });
    expect(first.ops).toMatchObject([{ counter: 1, fields: { role: 'a', notes: 'b' } }]);
    // That push failed: 1 waits again, and a later edit of the same contact stays an operation of its own.
    env.store.transaction((tx) => enqueueOp(tx, op(3, { role: 'c' })));
    const second = env.store.transaction((tx) => nextPushBatch(tx, 10), { origin: 'sync' });
    expect(second.ops.map((o) => o.counter)).toEqual([1, 3]);
    expect(second.ops[0]).toEqual(first.ops[0]);
    expect(second.folded).toBe(0);
  });
});
