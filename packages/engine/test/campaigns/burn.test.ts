// An alert whose message is an engångsmeddelande: each person gets their own link (the text
// sealed under a fresh key, only the ciphertext handed to the relay, the key only in the
// #fragment), never the text; a relay that cannot be reached holds the channel instead of
// using up attempts; the relay's burn-opened event shows that person's line as opened in the
// roll-call, once.
import { afterEach, describe, expect, it } from 'vitest';
import { smsSegments, type BurnUpload } from '@gdial/protocol';
import { applyBurnOpened } from '../../src/burn/opened';
import { BurnUnavailableError, burnSmsBodyForCounting, type BurnPublisher } from '../../src/burn/outgoing';
import { openBurnText } from '../../src/burn/seal';
import { recipientReports } from '../../src/campaigns/report';
import { RollCallJournal } from '../../src/campaigns/roll-call-journal';
import { ConversationService } from '../../src/campaigns/conversations';
import { CampaignService } from '../../src/campaigns/service';
import {
  addContact,
  addGroup,
  addTemplate,
  advance,
  deliveriesOf,
  fakeSenders,
  FakeSender,
  makeEnv,
  replyEvent,
  signedInUser,
  testClock,
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

/** A relay's burn store in memory: what it was given, and whether it answers. */
class FakeRelayBurns implements BurnPublisher {
  readonly uploads: (BurnUpload & { id: string })[] = [];
  reachable = true;
  async publish(upload: BurnUpload): Promise<string> {
    if (!this.reachable) throw new BurnUnavailableError('Reläet kunde inte nås för engångsmeddelandet: Relay unreachable');
    const id = `id${String(this.uploads.length).padStart(20, '0')}`;
    this.uploads.push({ ...upload, id });
    return `https://relay.test/b/${id}`;
  }
}

const TEXT = 'Portkoden till Ekvägen 3 är 4711. Samling i källaren, {{first_name}}.';

describe('burn messages going out', () => {
  it("counts a burn SMS's segments from the link message it sends, not from the secret text", async () => {
    env = makeEnv();
    svc = new CampaignService(env.ctx, {
      senders: fakeSenders({ sms: new FakeSender('twilio') }),
      dispatcher: { burn: new FakeRelayBurns() },
    });
    await svc.open();
    const g = addGroup(env.store, 'Skyddat boende');
    addContact(env.store, { name: 'Anna', phones: ['+46703000001'], groups: [g] });
    const long = `${'Samling vid porten på baksidan. '.repeat(20)}Koden är 4711.`;
    const template = addTemplate(env.store, { name: 'Lång', variants: { sv: { sms: long } }, fallbacks: {} });
    const input = { templateId: template, audience: { groupIds: [g] }, steps: [{ channel: 'sms' as const }] };
    const plain = svc.plan(svc.create({ name: 'Vanligt', ...input }).id);
    const burnt = svc.plan(svc.create({ name: 'Engång', ...input, burn: { expiresAfterHours: 12 } }).id);
    expect(plain.cost.smsSegments).toBe(smsSegments(long).segments);
    expect(burnt.cost.smsSegments).toBe(smsSegments(burnSmsBodyForCounting('sv')).segments);
    expect(burnt.cost.smsSegments).toBeLessThan(plain.cost.smsSegments);
  });

  it('sends each person a link of their own, never the text; the open shows on that line of the roll-call', async () => {
    env = makeEnv();
    const clock = testClock();
    const sms = new FakeSender('twilio');
    const burns = new FakeRelayBurns();
    svc = new CampaignService(env.ctx, {
      senders: fakeSenders({ sms }),
      dispatcher: { clock: () => clock.now, burn: burns },
    });
    await svc.open();
    const journal = new RollCallJournal(env.store);
    const g = addGroup(env.store, 'Skyddat boende');
    const names = ['Anna', 'Bo', 'Cilla'];
    for (const [i, name] of names.entries()) addContact(env.store, { name, phones: [`+4670300000${i}`], groups: [g] });
    const template = addTemplate(env.store, { name: 'Portkod', variants: { sv: { sms: TEXT } }, fallbacks: {} });
    const c = svc.create({
      name: 'Portkod',
      templateId: template,
      audience: { groupIds: [g] },
      steps: [{ channel: 'sms' }],
      burn: { expiresAfterHours: 12 },
    });
    svc.start(c.id);
    await until(() => sms.sent.length === 3, 10_000, 'three SMS');

    const rows = deliveriesOf(env.store, c.id);
    expect(burns.uploads.map((u) => u.deliveryToken).sort()).toEqual(rows.map((d) => d.token).sort());
    const keys = new Set<string>();
    for (const sent of sms.sent) {
      expect(sent.body).not.toContain('4711');
      const m =
        /^Du har fått ett engångsmeddelande\. Det kan bara läsas en gång: https:\/\/relay\.test\/b\/(\w+)#([A-Za-z0-9_-]{43})$/.exec(
          sent.body ?? '',
        );
      expect(m, sent.body ?? '').not.toBeNull();
      const upload = burns.uploads.find((u) => u.id === m![1])!;
      expect(upload.deliveryToken).toBe(sent.token);
      const ttl = Date.parse(upload.expiresAt) - clock.now;
      expect(ttl).toBeGreaterThan(12 * 3_600_000 - 60_000);
      expect(ttl).toBeLessThanOrEqual(12 * 3_600_000);
      // The person's own text (personalised), readable with the key in their link only.
      const name = names[Number(sent.to.at(-1))];
      expect(openBurnText(upload, m![2]!)).toBe(`Portkoden till Ekvägen 3 är 4711. Samling i källaren, ${name}.`);
      expect(() => openBurnText(upload, [...keys][0] ?? 'A'.repeat(43))).toThrow();
      keys.add(m![2]!);
    }
    expect(keys.size).toBe(3);

    // Bo opens his link: the relay's event marks his delivery opened, once.
    const mark = journal.watermark();
    const bo = rows.find((d) => d.address === '+46703000001')!;
    const boUpload = burns.uploads.find((u) => u.deliveryToken === bo.token)!;
    const openedAt = new Date(clock.now + 60_000).toISOString();
    const event = { type: 'burn-opened' as const, key: `burn-opened:${boUpload.id}`, id: boUpload.id, deliveryToken: bo.token, openedAt };
    const first = env.store.transaction((tx) => applyBurnOpened(tx, event));
    expect(first).toMatchObject({ applied: 1, duplicates: 0, unmatched: 0 });
    expect([...first.campaignIds]).toEqual([c.id]);
    expect(env.store.transaction((tx) => applyBurnOpened(tx, event))).toMatchObject({ applied: 0, duplicates: 1 });

    const changed = recipientReports(env.store.read, c.id, { limit: 10, events: false, changed: journal.since(mark)! }).recipients;
    expect(changed.map((r) => r.displayName)).toEqual(['Bo']);
    const all = recipientReports(env.store.read, c.id, { limit: 10, events: false }).recipients;
    expect(all.map((r) => [r.displayName, r.deliveries[0]!.openedAt])).toEqual([
      ['Anna', null],
      ['Bo', openedAt],
      ['Cilla', null],
    ]);
  }, 30_000);

  it('holds the channel while the relay cannot take the message, and sends once it can', async () => {
    env = makeEnv();
    const clock = testClock();
    const sms = new FakeSender('twilio');
    const burns = new FakeRelayBurns();
    burns.reachable = false;
    svc = new CampaignService(env.ctx, { senders: fakeSenders({ sms }), dispatcher: { clock: () => clock.now, burn: burns } });
    await svc.open();
    const g = addGroup(env.store, 'Stab');
    for (let i = 0; i < 2; i++) addContact(env.store, { name: `P${i}`, phones: [`+4670400000${i}`], groups: [g] });
    const template = addTemplate(env.store, { name: 'Möte', variants: { sv: { sms: 'Samling Stora torget 3' } }, fallbacks: {} });
    const c = svc.create({ name: 'Möte', templateId: template, audience: { groupIds: [g] }, steps: [{ channel: 'sms' }], burn: {} });
    svc.start(c.id);
    await until(() => svc!.progressOf(c.id).held.some((h) => h.channel === 'sms'), 10_000, 'the SMS step held');
    expect(svc.progressOf(c.id).held[0]).toMatchObject({ channel: 'sms', provider: 'relay' });
    expect(sms.sent).toEqual([]);
    expect(deliveriesOf(env.store, c.id).map((d) => d.state)).toEqual(['queued', 'queued']);

    burns.reachable = true;
    await advance(clock, 10_000, 500);
    await until(() => sms.sent.length === 2, 10_000, 'the SMS once the relay answers');
    expect(sms.sent.every((s) => !s.body?.includes('Stora torget'))).toBe(true);
  }, 30_000);

  it('an answer in a conversation can be an engångsmeddelande too', async () => {
    env = makeEnv();
    const sms = new FakeSender('twilio');
    const burns = new FakeRelayBurns();
    const campaigns = new CampaignService(env.ctx, { senders: fakeSenders({ sms }), dispatcher: { burn: burns } });
    svc = campaigns;
    await campaigns.open();
    const conversations = new ConversationService(
      env.ctx,
      () => signedInUser('u-anna', 'Anna Operatör'),
      () => campaigns.dispatcher.wake(),
    );
    campaigns.handleProviderEvents([replyEvent('+46705550001', 'Var ska vi samlas?')]);
    const key = { channel: 'sms' as const, contactId: null, address: '+46705550001' };
    conversations.reply(key, { text: 'I källaren, portkod 4711.', burn: { expiresAfterHours: 2 } });
    await until(() => sms.sent.length === 1, 10_000, 'the answer');
    const body = sms.sent[0]!.body ?? '';
    expect(body).not.toContain('4711');
    const key64 = /#([A-Za-z0-9_-]{43})$/.exec(body)![1]!;
    expect(burns.uploads).toHaveLength(1);
    expect(burns.uploads[0]!.deliveryToken).toBe(sms.sent[0]!.token);
    expect(openBurnText(burns.uploads[0]!, key64)).toBe('I källaren, portkod 4711.');
  });
});
