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
  refusalCodeOf,
  replyEvent,
  signedInUser,
  statusEvent,
  until,
  type TestEnv,
} from './helpers';
import type { ProviderEvent } from '@gdial/protocol';
import { sendError } from '../../src/providers/types';

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
  const whatsapp = new FakeSender('twilio');
  const s = new CampaignService(env.ctx, {
    senders: fakeSenders({ sms, email, whatsapp }),
    flows: null,
    dispatcher: { rateLimits: { sms: fast, email: fast, whatsapp: fast }, backoff: { baseMs: 5, capMs: 20, maxAttempts: 3 } },
  });
  service = s;
  let user: SignedInUser | null = signedInUser('u-anna', 'Anna Operatör');
  const conversations = new ConversationService(
    env.ctx,
    () => user,
    (id) => {
      s.dispatcher.wake();
      s.progress.markDirty([id]);
    },
  );
  return { env, service: s, sms, email, whatsapp, conversations, signIn: (u: SignedInUser | null) => (user = u) };
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

  it('an SMS answer from the console goes out through the outbox, is tracked in the thread, held while the path is down', async () => {
    const { env, service, sms, conversations } = setup();
    await service.open();
    const berit = addContact(env.store, { name: 'Berit Ek', phones: ['+46701000001'] });
    service.handleProviderEvents([replyEvent('+46701000001', 'Var ska vi samlas?')]);
    const key: ConversationKey = { channel: 'sms', contactId: berit, address: null };
    expect(conversations.get(key).reply).toEqual({ mode: 'free-form', windowEndsAt: null });
    // The path is down: the answer waits (held), nothing is used up.
    sms.script = () => ({ ok: false, error: sendError('transient', 'connect ECONNREFUSED api.twilio.com:443') });
    const sent = conversations.reply(key, { text: 'Vid skolan, Storgatan 3.' });
    expect(sent.mode).toBe('free-form');
    await until(() => (sms.attempts.size > 0 ? true : false), 5000, 'a first try');
    await until(() => service.dispatcher.holds.get('sms') !== undefined, 5000, 'the SMS path held');
    const waiting = conversations.get(key).entries.at(-1)!;
    expect(waiting).toMatchObject({ direction: 'out', kind: 'reply', text: 'Vid skolan, Storgatan 3.', by: 'Test Operatör' });
    expect(waiting.state === 'queued' || waiting.state === 'sending').toBe(true);
    // The path returns: it goes out, to the number she wrote from, and its status callback lands in the thread.
    sms.script = () => ({ ok: true, providerId: '', status: 'queued' });
    await until(() => sms.sent.length === 1, 10_000, 'the answer sent');
    expect(sms.sent[0]).toMatchObject({ to: '+46701000001', body: 'Vid skolan, Storgatan 3.' });
    const token = sms.sent[0]!.token;
    service.handleProviderEvents([statusEvent(token, 'delivered')]);
    expect(conversations.get(key).entries.map((e) => [e.direction, e.kind, e.state])).toEqual([
      ['in', null, null],
      ['out', 'reply', 'delivered'],
    ]);
    // Its campaign completes and stays out of the alert list; the answer is audited.
    await until(() => service.get(sent.campaignId).status === 'completed', 5000, 'the reply completed');
    expect(service.list({ limit: 10 }).map((c) => c.id)).not.toContain(sent.campaignId);
    expect(auditRows(env.store).find((a) => a.action === 'conversation.replied')).toMatchObject({ actor: 'Test Operatör' });
    // A "1" after the answer is a reply like any other (no alert asked for it): it joins the thread.
    service.handleProviderEvents([replyEvent('+46701000001', 'Tack!')]);
    expect(conversations.get(key).entries.map((e) => e.direction)).toEqual(['in', 'out', 'in']);
    expect(conversations.get(key).summary.campaignId).toBeNull();
    // Bad input says what is wrong and writes nothing.
    expect(refusalCodeOf(() => conversations.reply({ channel: 'voice', contactId: berit, address: null }, { text: 'x' }))).toBe(
      'not-found',
    );
  });

  it('WhatsApp: free text inside the 24-hour window, only the approved content template outside it', async () => {
    const { env, service, whatsapp, conversations } = setup();
    await service.open();
    const contentSid = `HX${'a'.repeat(32)}`;
    const quick = addTemplate(env.store, {
      name: 'Samling',
      variants: {
        sv: {
          whatsapp: 'Hej {{first_name}}, samling vid skolan.',
          whatsappContent: { contentSid, name: 'samling', variables: { 1: '{{first_name}}' } },
        },
      },
      fallbacks: { first_name: 'du' },
    });
    const smsOnly = addTemplate(env.store, { name: 'Bara SMS', variants: { sv: { sms: 'Hej' } }, fallbacks: {} });
    const berit = addContact(env.store, { name: 'Berit Ek', firstName: 'Berit', phones: ['+46701000001'] });
    const wa = (from: string, text: string, at: Date): ProviderEvent => ({ ...replyEvent(from, text, at), channel: 'whatsapp' });
    service.handleProviderEvents([
      wa('+46701000001', 'Hej, vad händer?', new Date()),
      wa('+46702000002', 'Hallå', new Date(Date.now() - 25 * 3600_000)),
    ]);
    const open: ConversationKey = { channel: 'whatsapp', contactId: berit, address: null };
    const closed: ConversationKey = { channel: 'whatsapp', contactId: null, address: '+46702000002' };
    expect(conversations.get(open).reply.mode).toBe('free-form');
    expect(Date.parse(conversations.get(open).reply.windowEndsAt!)).toBeGreaterThan(Date.now() + 23 * 3600_000);
    expect(conversations.get(closed).reply).toEqual({ mode: 'template-only', windowEndsAt: null });

    expect(conversations.reply(open, { text: 'Samling vid skolan.' }).mode).toBe('free-form');
    await until(() => whatsapp.sent.length === 1, 5000, 'the free-form answer');
    expect(whatsapp.sent[0]).toMatchObject({ to: '+46701000001', body: 'Samling vid skolan.', whatsAppTemplate: null });

    // Outside the window free text is refused, and so is a template without a content template; nothing is written.
    const before = env.store.sqlite.prepare('SELECT COUNT(*) AS n FROM deliveries').get() as { n: number };
    expect(refusalCodeOf(() => conversations.reply(closed, { text: 'Hej' }))).toBe('conversation.whatsapp-window-closed');
    expect(refusalCodeOf(() => conversations.reply(closed, { templateId: smsOnly }))).toBe('conversation.whatsapp-template-needed');
    expect(env.store.sqlite.prepare('SELECT COUNT(*) AS n FROM deliveries').get()).toEqual(before);
    expect(conversations.reply(closed, { templateId: quick }).mode).toBe('template');
    await until(() => whatsapp.sent.length === 2, 5000, 'the template answer');
    expect(whatsapp.sent[1]).toMatchObject({ to: '+46702000002', whatsAppTemplate: { contentSid, variables: { 1: 'du' } } });
  });
});
