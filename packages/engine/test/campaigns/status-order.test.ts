// The protocol's status order is the one the engine applies: for every pair of provider
// statuses, a delivery that hears them in one order and another that hears them in the
// other end with the same provider status, the higher ranked one, and in the delivery
// state that rank means.
import { afterEach, describe, expect, it } from 'vitest';
import { deliveryStateForRank, deliveryStatuses, statusRank, type DeliveryStatus } from '@gdial/protocol';
import { CampaignService } from '../../src/campaigns/service';
import { addContact, addGroup, addTemplate, makeEnv, statusEvent, type TestEnv } from './helpers';

let env: TestEnv | undefined;
afterEach(() => {
  env?.close();
  env = undefined;
});

describe('provider status order', () => {
  it('applies every pair of statuses, in either order, as the protocol ranks them', async () => {
    env = makeEnv();
    const service = new CampaignService(env.ctx, {});
    const pairs: [DeliveryStatus, DeliveryStatus][] = [];
    for (const a of deliveryStatuses) for (const b of deliveryStatuses) if (a !== b) pairs.push([a, b]);
    const g = addGroup(env.store, 'G');
    pairs.forEach((_p, i) => addContact(env!.store, { name: `P${i}`, phones: [`+4670${String(i).padStart(7, '0')}`], groups: [g] }));
    const c = service.create({
      name: 'Ordning',
      templateId: addTemplate(env.store),
      audience: { groupIds: [g] },
      steps: [{ channel: 'voice' }],
    });
    service.start(c.id);
    // Every delivery is with the provider (as after the dispatcher's hand-over).
    env.store.sqlite
      .prepare("UPDATE deliveries SET state = 'sent', provider = 'twilio', attempts = 1, sent_at = ? WHERE campaign_id = ?")
      .run(Date.now(), c.id);
    const rows = env.store.sqlite.prepare('SELECT token FROM deliveries WHERE campaign_id = ? ORDER BY id').pluck().all(c.id) as string[];
    expect(rows).toHaveLength(pairs.length);
    const event = (token: string, status: DeliveryStatus) => ({ ...statusEvent(token, status, new Date(), 'voice'), answeredBy: null });
    // A call that was picked up counts as reached whatever ended it.
    const pickedUp = (s: DeliveryStatus) => s === 'answered' || s === 'completed';
    service.handleProviderEvents(pairs.map(([a], i) => event(rows[i]!, a)));
    service.handleProviderEvents(pairs.map(([, b], i) => event(rows[i]!, b)));
    const after = env.store.sqlite.prepare('SELECT token, provider_status, state FROM deliveries WHERE campaign_id = ?').all(c.id) as {
      token: string;
      provider_status: DeliveryStatus;
      state: string;
    }[];
    const byToken = new Map(after.map((r) => [r.token, r]));
    const outcomes = new Map<string, string>();
    pairs.forEach(([a, b], i) => {
      const winner = statusRank[a] > statusRank[b] ? a : b;
      const row = byToken.get(rows[i]!)!;
      expect(row.provider_status, `${a} then ${b}`).toBe(winner);
      expect(row.state, `${a} then ${b}`).toBe(deliveryStateForRank(statusRank[winner], pickedUp(a) || pickedUp(b)));
      const key = [a, b].sort().join('+');
      const seen = outcomes.get(key);
      if (seen !== undefined) expect(`${row.provider_status}/${row.state}`, `${b} then ${a}`).toBe(seen);
      outcomes.set(key, `${row.provider_status}/${row.state}`);
    });
    await service.close();
  });
});
