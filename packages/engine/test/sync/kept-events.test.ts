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
});
