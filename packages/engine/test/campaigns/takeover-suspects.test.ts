// After a take-over, the rows the former owner may have handed to a provider without the
// hand-over reaching this desktop are looked up by token before anything is sent again:
// found at the provider, adopted (nobody texted twice); unknown there, sent again and
// flagged as a possible duplicate.
import { afterEach, describe, expect, it } from 'vitest';
import { CampaignService } from '../../src/campaigns/service';
import { suspectHandedOver } from '../../src/store/dispatch';
import { addContact, addGroup, addTemplate, deliveriesOf, fakeSenders, FakeSender, makeEnv, until, type TestEnv } from './helpers';

let env: TestEnv | undefined;
let svc: CampaignService | undefined;
afterEach(async () => {
  await svc?.close();
  svc = undefined;
  env?.close();
  env = undefined;
});

describe('taking over an alert whose hand-overs never arrived', () => {
  it('adopts what the provider has, sends the rest once more flagged, and sends nobody twice unflagged', async () => {
    env = makeEnv();
    const sms = new FakeSender('twilio');
    svc = new CampaignService(env.ctx, {
      senders: fakeSenders({ sms }),
      flows: { register: async (spec) => ({ urlFor: (t: string) => `http://flows.test/${spec.flowId}?d=${t}` }) },
    });
    await svc.open();
    const g = addGroup(env.store, 'Jour');
    for (let i = 0; i < 6; i++) addContact(env.store, { name: `P${i}`, phones: [`+4670100002${i}`], groups: [g] });
    const c = svc.create({
      name: 'Övertaget',
      templateId: addTemplate(env.store),
      audience: { groupIds: [g] },
      steps: [{ channel: 'sms', numbers: 'first', condition: 'not-confirmed', fallThroughWhenUnavailable: false }],
    });
    svc.start(c.id);
    await until(() => sms.sent.length === 6 && deliveriesOf(env!.store, c.id).every((d) => d.state === 'sent'), 10_000, 'every SMS');

    // What the new owner holds: four rows whose hand-over never reached it (still queued).
    // The provider has three of them; the fourth it never received (the owner died first).
    const rows = deliveriesOf(env.store, c.id);
    const unseen = rows.slice(0, 4);
    const lost = unseen[3]!;
    sms.sent.splice(
      sms.sent.findIndex((s) => s.token === lost.token),
      1,
    );
    env.store.sqlite
      .prepare(
        "UPDATE deliveries SET state = 'queued', provider = NULL, provider_id = NULL, provider_status = NULL, provider_rank = 0, sent_at = NULL WHERE id IN (SELECT value FROM json_each(?))",
      )
      .run(JSON.stringify(unseen.map((d) => d.id)));
    const sentBefore = sms.sent.length;

    const suspects = env.store.transaction((tx) => suspectHandedOver(tx, c.id, Date.now()));
    expect(suspects).toBe(4);
    await svc.afterTakeOver(c.id);
    await until(() => deliveriesOf(env!.store, c.id).every((d) => d.state === 'sent'), 10_000, 'every row settled');

    const after = deliveriesOf(env.store, c.id);
    // Only the row the provider never had went out again, and it is flagged.
    expect(sms.sent.length).toBe(sentBefore + 1);
    expect(sms.sent.at(-1)!.token).toBe(lost.token);
    expect(after.filter((d) => d.possible_duplicate === 1).map((d) => d.id)).toEqual([lost.id]);
    // The three the provider had were adopted, not sent again.
    const tokens = sms.sent.map((s) => s.token);
    for (const d of unseen.slice(0, 3)) expect(tokens.filter((t) => t === d.token)).toHaveLength(1);
  }, 30_000);
});
