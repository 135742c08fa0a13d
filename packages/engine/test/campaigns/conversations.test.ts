// Conversations: the inbox read as threads per person and channel, interleaving what the
// person wrote with what went to them (the alert's messages on that channel, SMS with the
// calls to their number), across channels and for a sender nobody knows; assignment and
// handled state per thread, audited.
import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationKey, SignedInUser } from '@gdial/protocol';
import { CampaignService } from '../../src/campaigns/service';
import { ConversationService } from '../../src/campaigns/conversations';
import {
  addContact,
  addGroup,
  addTemplate,
  auditRows,
  deliveriesOf,
  fakeSenders,
  FakeSender,
  makeEnv,
  replyEvent,
  signedInUser,
  until,
  type TestEnv,
} from './helpers';
import type { ProviderEvent } from '@gdial/protocol';

let env: TestEnv | undefined;
let service: CampaignService | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
  env?.close();
  env = undefined;
});

const fast = { perSecond: 10_000, burst: 1000 };

function setup() {
  env = makeEnv();
  const sms = new FakeSender('twilio');
  const email = new FakeSender('sendgrid');
  service = new CampaignService(env.ctx, {
    senders: fakeSenders({ sms, email }),
    flows: null,
    dispatcher: { rateLimits: { sms: fast, email: fast }, backoff: { baseMs: 5, capMs: 20, maxAttempts: 3 } },
  });
  let user: SignedInUser | null = signedInUser('u-anna', 'Anna Operatör');
  const conversations = new ConversationService(env.ctx, () => user);
  return { env, service, sms, email, conversations, signIn: (u: SignedInUser | null) => (user = u) };
}

const emailReply = (from: string, text: string, at: Date): ProviderEvent => ({
  ...replyEvent(from, text, at),
  channel: 'email',
  provider: 'sendgrid',
});

describe('conversations', () => {
  it('assemble per person and channel from interleaved inbound and outbound messages, the alert named', async () => {
    const { env, service, sms, email, conversations } = setup();
    await service.open();
    const g = addGroup(env.store, 'Stab');
    const berit = addContact(env.store, { name: 'Berit Ek', phones: ['+46701000001'], emails: ['berit@example.se'], groups: [g] });
    const cesar = addContact(env.store, { name: 'Cesar Holm', phones: ['+46701000002'], groups: [g] });
    const c = service.create({
      name: 'Brand i Öxnered',
      templateId: addTemplate(env.store),
      audience: { groupIds: [g] },
      steps: [{ channel: 'sms', numbers: 'first', condition: 'always' }],
    });
    service.start(c.id);
    const mail = service.create({
      name: 'Information',
      templateId: addTemplate(env.store),
      audience: { contactIds: [berit] },
      steps: [{ channel: 'email', condition: 'always' }],
    });
    service.start(mail.id);
    await until(() => sms.sent.length === 2 && email.sent.length === 1, 5000, 'the alerts out');
    const t0 = Date.now();
    service.handleProviderEvents([
      replyEvent('+46701000001', 'Vi är fyra personer här', new Date(t0 + 1000)),
      emailReply('berit@example.se', 'Var ska vi samlas?', new Date(t0 + 2000)),
      replyEvent('+46701000002', 'Jag kommer', new Date(t0 + 3000)),
      replyEvent('+46701000001', 'Nu fem', new Date(t0 + 4000)),
      replyEvent('+46709999999', 'Vem är detta?', new Date(t0 + 5000)),
    ]);

    const list = conversations.list({ mine: false, limit: 10 });
    // One thread per person and channel, the latest first: the stranger, Berit's SMS, Cesar, Berit's e-mail.
    expect(list.map((t) => [t.displayName ?? t.address, t.key.channel, t.messages, t.unhandled])).toEqual([
      ['+46709999999', 'sms', 1, 1],
      ['Berit Ek', 'sms', 2, 2],
      ['Cesar Holm', 'sms', 1, 1],
      ['Berit Ek', 'email', 1, 1],
    ]);
    expect(list[0]!.key).toEqual({ channel: 'sms', contactId: null, address: '+46709999999' });
    expect(list[1]).toMatchObject({ key: { channel: 'sms', contactId: berit, address: null }, lastText: 'Nu fem', campaignName: c.name });
    expect(list[0]!.campaignId).toBeNull();

    // Berit's SMS thread: the alert's SMS, then her two replies; not the e-mail, not Cesar's.
    const bSms = conversations.get({ channel: 'sms', contactId: berit, address: null });
    expect(bSms.entries.map((e) => [e.direction, e.text.slice(0, 12), e.kind, e.campaignName])).toEqual([
      ['out', 'Hej Berit! L', 'alert', c.name],
      ['in', 'Vi är fyra p', null, c.name],
      ['in', 'Nu fem', null, c.name],
    ]);
    expect(bSms.entries[0]).toMatchObject({ state: 'sent', address: '+46701000001' });
    // Her e-mail thread: the other alert's e-mail and her answer.
    const bMail = conversations.get({ channel: 'email', contactId: berit, address: null });
    expect(bMail.entries.map((e) => [e.direction, e.channel, e.campaignName])).toEqual([
      ['out', 'email', 'Information'],
      ['in', 'email', 'Information'],
    ]);
    // Cesar was never called on the number the stranger wrote from: the stranger's thread is theirs alone.
    expect(conversations.get(list[0]!.key).entries.map((e) => e.direction)).toEqual(['in']);
    expect(conversations.get({ channel: 'sms', contactId: cesar, address: null }).entries.map((e) => e.direction)).toEqual(['out', 'in']);
    expect(() => conversations.get({ channel: 'telegram', contactId: cesar, address: null })).toThrow(/does not exist/);
    expect(deliveriesOf(env.store, c.id)).toHaveLength(2);
  });

  it('assignment and handled state per thread: audited, filtered, and a new message joins the assignment', async () => {
    const { env, service, conversations, signIn } = setup();
    await service.open();
    const berit = addContact(env.store, { name: 'Berit Ek', phones: ['+46701000001'] });
    const t0 = Date.now();
    service.handleProviderEvents([
      replyEvent('+46701000001', 'Hallå?', new Date(t0)),
      replyEvent('+46701000001', 'Någon där?', new Date(t0 + 1)),
      replyEvent('+46709999999', 'Fel nummer', new Date(t0 + 2)),
    ]);
    const key: ConversationKey = { channel: 'sms', contactId: berit, address: null };
    expect(conversations.assign(key, true)).toBe(2);
    expect(conversations.assign(key, true)).toBe(0);
    expect(conversations.list({ mine: true, limit: 10 }).map((t) => t.key)).toEqual([key]);
    signIn(signedInUser('u-bo', 'Bo Berg'));
    expect(conversations.list({ mine: true, limit: 10 })).toEqual([]);
    // Berit writes again: the message joins the thread's operator.
    service.handleProviderEvents([replyEvent('+46701000001', 'Hallå igen', new Date(t0 + 3))]);
    expect(conversations.list({ mine: false, limit: 10 }).find((t) => t.key.contactId === berit)).toMatchObject({
      messages: 3,
      unhandled: 3,
      assignedTo: 'u-anna',
      assignedName: 'Anna Operatör',
    });
    expect(conversations.markHandled(key, true)).toBe(3);
    expect(conversations.list({ handled: false, mine: false, limit: 10 }).map((t) => t.address)).toEqual(['+46709999999']);
    expect(conversations.list({ handled: true, mine: false, limit: 10 }).map((t) => t.key)).toEqual([key]);
    expect(conversations.get(key).entries.every((e) => e.handled === true)).toBe(true);
    expect(conversations.markHandled(key, true)).toBe(0);
    // Bo takes it over from Anna.
    expect(conversations.assign(key, true)).toBe(3);
    expect(conversations.assign(key, false)).toBe(3);
    const audit = auditRows(env.store).filter((a) => a.action.startsWith('conversation.') || a.action.startsWith('inbox.'));
    expect(audit.map((a) => [a.action, JSON.parse(a.params as string) as unknown])).toEqual([
      ['conversation.assigned', { person: 'Berit Ek', channel: 'sms', name: 'Anna Operatör' }],
      ['inbox.handled', { count: 3 }],
      ['conversation.assigned', { person: 'Berit Ek', channel: 'sms', name: 'Bo Berg' }],
      ['conversation.released', { person: 'Berit Ek', channel: 'sms', name: 'Bo Berg' }],
    ]);
    signIn(null);
    expect(() => conversations.assign(key, true)).toThrow(/Sign in/);
  });
});
