// After a take-over, what the former owner may have done without the news reaching this
// desktop is looked up at the provider before anything is sent: every row not yet handed
// over here (queued, or a later step still waiting) and the deliveries of people whose rows
// never arrived, planned again. Found at the provider, a row is adopted (nobody texted
// twice); not found, it is sent, flagged as a possible duplicate only when it may have gone
// out unseen (in flight at the take-over); while the provider cannot be asked, it waits.
import { afterEach, describe, expect, it } from 'vitest';
import { CampaignService } from '../../src/campaigns/service';
import { markLookUpFirst } from '../../src/store/dispatch';
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
} from './helpers';

let env: TestEnv | undefined;
let svc: CampaignService | undefined;
afterEach(async () => {
  await svc?.close();
  svc = undefined;
  env?.close();
  env = undefined;
});

type Step = { channel: 'sms'; numbers: 'first'; condition: 'not-confirmed'; fallThroughWhenUnavailable: false; waitSeconds?: number };
const sms = (waitSeconds?: number): Step => ({
  channel: 'sms',
  numbers: 'first',
  condition: 'not-confirmed',
  fallThroughWhenUnavailable: false,
  ...(waitSeconds === undefined ? {} : { waitSeconds }),
});

/** An alert of `people` people run to the end here, as the former owner ran it. */
async function ranAlert(people: number, steps: Step[], provider: FakeSender) {
  env = makeEnv();
  svc = new CampaignService(env.ctx, {
    senders: fakeSenders({ sms: provider }),
    flows: { register: async (spec) => ({ urlFor: (t: string) => `http://flows.test/${spec.flowId}?d=${t}` }) },
  });
  await svc.open();
  const g = addGroup(env.store, 'Jour');
  for (let i = 0; i < people; i++) addContact(env.store, { name: `P${i}`, phones: [`+4670100002${i}`], groups: [g] });
  const c = svc.create({ name: 'Övertaget', templateId: addTemplate(env.store), audience: { groupIds: [g] }, steps });
  svc.start(c.id);
  return c.id;
}

/** Makes rows look as a replica saw them: the hand-over never arrived (queued, or waiting for an earlier step). */
function unseen(ids: number[], state: 'queued' | 'waiting' | 'sending'): void {
  env!.store.sqlite
    .prepare(
      `UPDATE deliveries SET state = ?, provider = NULL, provider_id = NULL, provider_status = NULL, provider_rank = 0, sent_at = NULL,
              due_at = CASE WHEN ? = 'waiting' THEN NULL ELSE due_at END, sending_since = CASE WHEN ? = 'sending' THEN ? END
        WHERE id IN (SELECT value FROM json_each(?))`,
    )
    .run(state, state, state, Date.now(), JSON.stringify(ids));
}

/** The provider never received these (the owner died before sending them). */
function neverReceived(provider: FakeSender, tokens: string[]): void {
  for (const t of tokens)
    provider.sent.splice(
      provider.sent.findIndex((s) => s.token === t),
      1,
    );
}

const takeOver = async (campaignId: number) => {
  const marked = env!.store.transaction((tx) => markLookUpFirst(tx, campaignId));
  await svc!.afterTakeOver(campaignId);
  return marked;
};

describe('taking over an alert whose news never arrived', () => {
  it('adopts what the provider has and sends the rest once; only the row in flight at the take-over is flagged', async () => {
    const provider = new FakeSender('twilio');
    const id = await ranAlert(6, [sms()], provider);
    await until(() => provider.sent.length === 6 && deliveriesOf(env!.store, id).every((d) => d.state === 'sent'), 10_000, 'every SMS');

    // Four rows look queued here (their hand-over never arrived), one was in flight. The
    // provider has three of the queued ones; it never received the fourth nor the one in flight.
    const rows = deliveriesOf(env!.store, id);
    const [lost, inFlight] = [rows[3]!, rows[4]!];
    unseen(
      rows.slice(0, 4).map((d) => d.id),
      'queued',
    );
    unseen([inFlight.id], 'sending');
    neverReceived(provider, [lost.token, inFlight.token]);
    const sentBefore = provider.sent.length;

    expect(await takeOver(id)).toBe(4);
    await until(() => deliveriesOf(env!.store, id).every((d) => d.state === 'sent'), 10_000, 'every row settled');

    const after = deliveriesOf(env!.store, id);
    // Only the two the provider never had went out, each once.
    expect(provider.sent.length).toBe(sentBefore + 2);
    expect(provider.sent.slice(-2).map((s) => s.token)).toEqual(expect.arrayContaining([lost.token, inFlight.token]));
    const tokens = provider.sent.map((s) => s.token);
    for (const d of rows) expect(tokens.filter((t) => t === d.token)).toHaveLength(1);
    // The queued one the provider never had was never sent before: not a duplicate. The one in flight may have been.
    expect(after.filter((d) => d.possible_duplicate === 1).map((d) => d.id)).toEqual([inFlight.id]);
    expect(env!.store.sqlite.prepare('SELECT count(*) AS n FROM deliveries WHERE look_up = 1').get()).toEqual({ n: 0 });
  }, 30_000);

  it('looks up a later step the former owner sent while it still looked waiting here, instead of sending it again', async () => {
    const provider = new FakeSender('twilio');
    const id = await ranAlert(4, [sms(), sms(0)], provider);
    await until(() => deliveriesOf(env!.store, id).filter((d) => d.state === 'sent').length === 4, 10_000, 'the first step');
    // Delivered, not confirmed: the second step is due at once.
    svc!.handleProviderEvents(
      deliveriesOf(env!.store, id)
        .filter((d) => d.step_index === 0)
        .map((d) => statusEvent(d.token, 'delivered')),
    );
    await until(() => provider.sent.length === 8, 10_000, 'the second step');
    await until(() => deliveriesOf(env!.store, id).every((d) => d.state !== 'sending' && d.state !== 'queued'), 10_000, 'written back');

    // Here, three people's second step still waits: the owner's news of it never arrived. It
    // had sent two of them; it died before sending the third.
    const second = deliveriesOf(env!.store, id).filter((d) => d.step_index === 1);
    const waiting = second.slice(0, 3);
    unseen(
      waiting.map((d) => d.id),
      'waiting',
    );
    neverReceived(provider, [waiting[2]!.token]);
    const sentBefore = provider.sent.length;

    expect(await takeOver(id)).toBe(3);
    await until(
      () => deliveriesOf(env!.store, id).every((d) => d.state === 'sent' || d.state === 'delivered'),
      10_000,
      'every row settled',
    );
    expect(provider.sent.length).toBe(sentBefore + 1);
    expect(provider.sent.at(-1)!.token).toBe(waiting[2]!.token);
    expect(deliveriesOf(env!.store, id).filter((d) => d.possible_duplicate === 1)).toEqual([]);
  }, 30_000);

  it('waits while the provider cannot be asked about a row, then adopts what it has', async () => {
    const provider = new FakeSender('twilio');
    const id = await ranAlert(2, [sms()], provider);
    await until(() => deliveriesOf(env!.store, id).every((d) => d.state === 'sent'), 10_000, 'every SMS');
    const row = deliveriesOf(env!.store, id)[0]!;
    unseen([row.id], 'queued');
    provider.lookUpFails = true;
    const sentBefore = provider.sent.length;
    await takeOver(id);
    // A look-up that cannot reach the provider is no answer: nothing is sent meanwhile.
    await until(() => deliveriesOf(env!.store, id)[0]!.state === 'sending', 10_000, 'looked up');
    await new Promise((r) => setTimeout(r, 1500));
    expect(deliveriesOf(env!.store, id)[0]!.state).toBe('sending');
    expect(provider.sent.length).toBe(sentBefore);
    // It can be asked again: it has the former owner's send, which is adopted; nobody twice, nobody flagged.
    provider.lookUpFails = false;
    await until(() => deliveriesOf(env!.store, id).every((d) => d.state === 'sent'), 20_000, 'adopted');
    expect(provider.sent.length).toBe(sentBefore);
    expect(deliveriesOf(env!.store, id).filter((d) => d.possible_duplicate === 1)).toEqual([]);
  }, 30_000);

  it('plans deliveries for people whose rows never arrived, each looked up at the provider first', async () => {
    const provider = new FakeSender('twilio');
    provider.findBy = 'address'; // as Twilio's listing: the number and the text, whatever the token
    const id = await ranAlert(5, [sms()], provider);
    await until(() => provider.sent.length === 5 && deliveriesOf(env!.store, id).every((d) => d.state === 'sent'), 10_000, 'every SMS');

    // Here, two people have a recipient row but no delivery, and one has neither. The owner
    // had texted two of the three; the third it never reached.
    const rows = deliveriesOf(env!.store, id);
    const gone = rows.slice(0, 3);
    const s = env!.store.sqlite;
    s.prepare('DELETE FROM delivery_events WHERE delivery_id IN (SELECT value FROM json_each(?))').run(
      JSON.stringify(gone.map((d) => d.id)),
    );
    s.prepare('DELETE FROM deliveries WHERE id IN (SELECT value FROM json_each(?))').run(JSON.stringify(gone.map((d) => d.id)));
    s.prepare('DELETE FROM campaign_recipients WHERE id = ?').run(gone[2]!.recipient_id);
    neverReceived(provider, [gone[1]!.token]);
    const sentBefore = provider.sent.length;

    await takeOver(id);
    await until(
      () => deliveriesOf(env!.store, id).length === 5 && deliveriesOf(env!.store, id).every((d) => d.state === 'sent'),
      10_000,
      'every person planned and settled',
    );
    const after = deliveriesOf(env!.store, id);
    expect(new Set(after.map((d) => d.address))).toEqual(new Set(rows.map((d) => d.address)));
    expect(env!.store.sqlite.prepare('SELECT count(*) AS n FROM campaign_recipients WHERE campaign_id = ?').get(id)).toEqual({ n: 5 });
    // Only the person the owner never reached was texted now; nobody twice, nobody flagged.
    expect(provider.sent.length).toBe(sentBefore + 1);
    expect(provider.sent.at(-1)!.to).toBe(gone[1]!.address);
    expect(after.filter((d) => d.possible_duplicate === 1)).toEqual([]);
  }, 30_000);
});
