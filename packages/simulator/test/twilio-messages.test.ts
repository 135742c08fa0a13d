import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { startSimulator, type Simulator } from '../src';
import { startReceiver, type Receiver } from './receiver';
import { simTwilio } from './twilio-client';

let sim: Simulator;
let hooks: Receiver;
let client: ReturnType<typeof simTwilio>;

beforeAll(async () => {
  sim = await startSimulator({ seed: 42, profile: 'fast' });
  hooks = await startReceiver();
  sim.configure({ inboundMessageUrl: `${hooks.url}/hooks/inbound` });
  client = simTwilio(sim.url, sim.credentials.accountSid, sim.credentials.authToken);
});
afterAll(async () => {
  await sim.close();
  await hooks.close();
});
afterEach(() => sim.setProfile('fast'));

const validTwilio = (url: string, headers: Record<string, string | string[] | undefined>, form: Record<string, string>) =>
  twilio.validateRequest(sim.credentials.authToken, String(headers['x-twilio-signature']), url, form);

describe('Twilio Messages', () => {
  it('accepts an SMS, then posts signed sent and delivered callbacks to the exact URL', async () => {
    const callback = `${hooks.url}/hooks/twilio/status?d=tok-1&tenant=a`;
    const msg = await client.messages.create({
      to: '+46701234562',
      from: '+46700000001',
      body: 'Övning: tryck 1',
      statusCallback: callback,
    });
    expect(msg.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(msg.status).toBe('queued');
    expect(msg.numSegments).toBe('1');
    const delivered = await hooks.waitFor((r) => r.form.MessageSid === msg.sid && r.form.MessageStatus === 'delivered');
    const sent = await hooks.waitFor((r) => r.form.MessageSid === msg.sid && r.form.MessageStatus === 'sent');
    for (const r of [sent, delivered]) {
      expect(r.url).toBe(callback);
      expect(validTwilio(r.url, r.headers, r.form)).toBe(true);
      expect(validTwilio(`${r.url}&x=1`, r.headers, r.form)).toBe(false);
      expect(r.form).toMatchObject({
        SmsSid: msg.sid,
        To: '+46701234562',
        From: '+46700000001',
        AccountSid: sim.credentials.accountSid,
        ApiVersion: '2010-04-01',
      });
    }
    const fetched = await client.messages(msg.sid).fetch();
    expect(fetched.status).toBe('delivered');
    expect(fetched.dateSent).toBeInstanceOf(Date);
  });

  it('reports numbers ending in 0 as undelivered with ErrorCode 30003', async () => {
    const msg = await client.messages.create({
      to: '+46701234560',
      from: '+46700000001',
      body: 'x',
      statusCallback: `${hooks.url}/s?d=t2`,
    });
    const cb = await hooks.waitFor((r) => r.form.MessageSid === msg.sid && r.form.MessageStatus === 'undelivered');
    expect(cb.form.ErrorCode).toBe('30003');
    expect((await client.messages(msg.sid).fetch()).errorCode).toBe(30003);
  });

  it('answers synchronous errors in Twilio shape', async () => {
    const attempt = (to: string) =>
      client.messages.create({ to, from: '+46700000001', body: 'x' }).then(
        () => null,
        (e: unknown) => e as { status: number; code: number; moreInfo: string },
      );
    expect(await attempt('0701234567')).toMatchObject({ status: 400, code: 21211, moreInfo: 'https://www.twilio.com/docs/errors/21211' });
    expect(await attempt('+8613800000000')).toMatchObject({ status: 400, code: 21408 });
    expect(await attempt('+4681234567')).toMatchObject({ status: 400, code: 21614 });
    await sim.injectInboundMessage({ from: '+46701111112', to: '+46700000001', body: 'STOP' });
    expect(await attempt('+46701111112')).toMatchObject({ status: 400, code: 21610 });
    await sim.injectInboundMessage({ from: '+46701111112', to: '+46700000001', body: 'START' });
    expect(await attempt('+46701111112')).toBeNull();
    const bad = twilio(sim.credentials.accountSid, 'wrong-token', {
      httpClient: (client as unknown as { httpClient: twilio.RequestClient }).httpClient,
    });
    await expect(bad.messages.create({ to: '+46701234562', from: '+46700000001', body: 'x' })).rejects.toMatchObject({
      status: 401,
      code: 20003,
    });
  });

  it('refuses over-rate sends with 429/20429 when the profile says reject', async () => {
    sim.setProfile({ ...sim.profile(), limits: { ...sim.profile().limits, messagesPerSecondPerSender: 2, overflow: 'reject' } });
    const results = await Promise.all(
      [1, 2, 3, 4].map((i) =>
        client.messages.create({ to: `+4670123456${i}`, from: '+46700000009', body: 'x' }).then(
          () => 'ok',
          (e: { status: number; code: number }) => `${e.status}/${e.code}`,
        ),
      ),
    );
    expect(results.filter((r) => r === 'ok')).toHaveLength(2);
    expect(results.filter((r) => r === '429/20429')).toHaveLength(2);
  });

  it('answers 429/20429 with the concurrency header when too many API requests are in flight', async () => {
    sim.setProfile({
      ...sim.profile(),
      latency: { ...sim.profile().latency, api: 50 },
      limits: { ...sim.profile().limits, apiConcurrency: 2 },
    });
    const auth = `Basic ${Buffer.from(`${sim.credentials.accountSid}:${sim.credentials.authToken}`).toString('base64')}`;
    const post = () =>
      fetch(`${sim.url}/2010-04-01/Accounts/${sim.credentials.accountSid}/Messages.json`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'To=%2B46701234562&From=%2B46700000001&Body=x',
      });
    const responses = await Promise.all([1, 2, 3, 4, 5].map(post));
    const limited = responses.filter((r) => r.status === 429);
    expect(responses.filter((r) => r.status === 201)).toHaveLength(2);
    expect(limited).toHaveLength(3);
    expect(limited[0]!.headers.get('twilio-concurrent-requests')).toBe('3');
    expect(await limited[0]!.json()).toMatchObject({ code: 20429, status: 429, message: 'Too Many Requests' });
  });

  it('queues over-rate sends per sender like Twilio (paced, not refused)', async () => {
    sim.setProfile({ ...sim.profile(), limits: { ...sim.profile().limits, messagesPerSecondPerSender: 50 } });
    const sids = await Promise.all(
      [...Array(60).keys()].map((i) =>
        client.messages.create({ to: `+467012${String(i).padStart(5, '1')}2`, from: '+46700000008', body: 'x' }).then((m) => m.sid),
      ),
    );
    const statusOf = (sid: string) => sim.messages().find((m) => m.sid === sid)?.status;
    await sim
      .until(() => sids.every((sid) => statusOf(sid) === 'delivered'), 10_000)
      .catch((error: unknown) => {
        throw new Error(`${(error as Error).message}; statuses: ${sids.map(statusOf).join(',')}`);
      });
    const sentTimes = sids
      .map((sid) =>
        sim
          .messages()
          .find((m) => m.sid === sid)!
          .dateSent!.getTime(),
      )
      .sort((a, b) => a - b);
    // 50 go at once, the last 10 follow at 20 ms intervals.
    expect(sentTimes[59]! - sentTimes[0]!).toBeGreaterThanOrEqual(150);
  });

  it('lists messages filtered by To and DateSent, newest first, across pages', async () => {
    const to = '+46709990002';
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await client.messages.create({ to, from: '+46700000001', body: `m${i}` })).sid);
    await sim.until(() => created.every((sid) => sim.messages().find((m) => m.sid === sid)?.dateSent));
    const listed = await client.messages.list({ to, pageSize: 2, dateSentAfter: new Date(Date.now() - 60_000) });
    expect(listed.map((m) => m.sid)).toEqual([...created].reverse());
    expect(await client.messages.list({ to, dateSentAfter: new Date(Date.now() + 60_000) })).toHaveLength(0);
  });

  it('sends WhatsApp inside the session window, fails free-form outside it with 63016, and posts inbound replies signed', async () => {
    const person = 'whatsapp:+46703333332';
    const outside = await client.messages.create({
      to: person,
      from: 'whatsapp:+46700000001',
      body: 'Hej',
      statusCallback: `${hooks.url}/s?d=w1`,
    });
    const failed = await hooks.waitFor((r) => r.form.MessageSid === outside.sid && r.form.MessageStatus === 'failed');
    expect(failed.form.ErrorCode).toBe('63016');

    const template = await client.messages.create({
      to: person,
      from: 'whatsapp:+46700000001',
      contentSid: 'HX00000000000000000000000000000001',
      contentVariables: JSON.stringify({ 1: 'Övning' }),
      statusCallback: `${hooks.url}/s?d=w2`,
    });
    await hooks.waitFor((r) => r.form.MessageSid === template.sid && r.form.MessageStatus === 'delivered');

    await sim.injectInboundMessage({ from: person, to: 'whatsapp:+46700000001', body: 'JA' });
    const inbound = await hooks.waitFor((r) => r.path === '/hooks/inbound' && r.form.From === person);
    expect(inbound.form).toMatchObject({ Body: 'JA', To: 'whatsapp:+46700000001', WaId: '46703333332' });
    expect(validTwilio(inbound.url, inbound.headers, inbound.form)).toBe(true);

    const inside = await client.messages.create({
      to: person,
      from: 'whatsapp:+46700000001',
      body: 'Tack',
      statusCallback: `${hooks.url}/s?d=w3`,
    });
    await hooks.waitFor((r) => r.form.MessageSid === inside.sid && r.form.MessageStatus === 'delivered');
    await expect(client.messages.create({ to: person, from: '+46700000001', body: 'x' })).rejects.toMatchObject({ code: 21910 });
  });

  it('retries a callback the receiver refuses until it is accepted', async () => {
    let refusals = 2;
    const flaky = await startReceiver((r) => (r.form.MessageStatus === 'delivered' && refusals-- > 0 ? { status: 503 } : {}));
    try {
      const msg = await client.messages.create({ to: '+46701234562', from: '+46700000001', body: 'x', statusCallback: `${flaky.url}/s` });
      await sim.until(() =>
        sim.callbacks().some((c) => c.subject === msg.sid && c.state === 'delivered' && c.body.includes('MessageStatus=delivered')),
      );
      const record = sim.callbacks().find((c) => c.subject === msg.sid && c.body.includes('MessageStatus=delivered'))!;
      expect(record.attempts.map((a) => a.status)).toEqual([503, 503, 200]);
    } finally {
      await flaky.close();
    }
  });

  it('is deterministic for a seed', async () => {
    const ids = async () => {
      const s = await startSimulator({ seed: 'same', profile: 'fast' });
      const c = simTwilio(s.url, s.credentials.accountSid, s.credentials.authToken);
      const out = [(await c.messages.create({ to: '+46701234562', from: '+46700000001', body: 'x' })).sid, s.credentials.sendgridPublicKey];
      await s.close();
      return out;
    };
    expect(await ids()).toEqual(await ids());
  });
});

describe('Twilio Content API (WhatsApp templates)', () => {
  it('lists templates with their WhatsApp approval, renders variables, and only an approved one opens a conversation', async () => {
    const sim2 = await startSimulator({ seed: 5, profile: 'fast' });
    const hooks2 = await startReceiver();
    try {
      const c2 = simTwilio(sim2.url, sim2.credentials.accountSid, sim2.credentials.authToken);
      const approved = sim2.addContent({ friendlyName: 'Larm samling', body: 'Larm: samling {{1}} kl {{2}}. Svara JA.' });
      const pending = sim2.addContent({ friendlyName: 'Utkast', body: 'Utkast {{1}}', whatsappStatus: 'pending' });
      const listed = await c2.content.v1.contents.list();
      expect(listed.map((c) => c.sid).sort()).toEqual([approved.sid, pending.sid].sort());
      const approval = await c2.content.v1.contents(pending.sid).approvalFetch().fetch();
      expect((approval.whatsapp as { status?: string }).status).toBe('pending');

      const person = 'whatsapp:+46705555551';
      const ok = await c2.messages.create({
        to: person,
        from: 'whatsapp:+46700000001',
        contentSid: approved.sid,
        contentVariables: JSON.stringify({ 1: 'Brandstation', 2: '18' }),
        statusCallback: `${hooks2.url}/s`,
      });
      expect(ok.body).toBe('Larm: samling Brandstation kl 18. Svara JA.');
      await hooks2.waitFor((r) => r.form.MessageSid === ok.sid && r.form.MessageStatus === 'delivered');
      const notYet = await c2.messages.create({
        to: person,
        from: 'whatsapp:+46700000001',
        contentSid: pending.sid,
        contentVariables: JSON.stringify({ 1: 'x' }),
        statusCallback: `${hooks2.url}/s`,
      });
      const failed = await hooks2.waitFor((r) => r.form.MessageSid === notYet.sid && r.form.MessageStatus === 'failed');
      expect(failed.form.ErrorCode).toBe('63016');
      await expect(
        c2.messages.create({
          to: person,
          from: 'whatsapp:+46700000001',
          contentSid: `HX${'9'.repeat(32)}`,
          statusCallback: `${hooks2.url}/s`,
        }),
      ).rejects.toMatchObject({ code: 21655 });
    } finally {
      await sim2.close();
      await hooks2.close();
    }
  });
});
