// Webhooks end to end inside one relay, on embedded PGlite and on PostgreSQL: signed events
// are committed once and streamed in order; forged, altered, unsigned and cross-tenant
// replays are refused with 403 and counted.
import { webhookOf } from '@gdial/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, post, sendgridSigned, TestDesktop, twilioSigned, waitFor } from './helpers';
import { addTenant, startTestRelay, type RelayFixture, type TenantFixture } from './setup';

describe.each(backends)('webhooks on %s', (backend) => {
  let fx: RelayFixture;
  let a: TenantFixture;
  let b: TenantFixture;
  beforeAll(async () => {
    fx = await startTestRelay(backend);
    a = await addTenant(fx.relay, 'org-a');
    b = await addTenant(fx.relay, 'org-b');
  }, 120_000);
  afterAll(async () => fx?.stop(), 60_000);

  const statusUrl = (slug: string, d = 'del-1') => `${fx.relay.publicBaseUrl}/hooks/${slug}/twilio/message-status?d=${d}`;
  const status = (sid: string, s: string) => ({
    MessageSid: sid,
    SmsSid: sid,
    MessageStatus: s,
    SmsStatus: s,
    AccountSid: 'AC1',
    To: '+46701234567',
    From: '+46700000000',
  });

  it('commits a signed Twilio status once, answers duplicates again, and streams it in order', async () => {
    const desktop = await TestDesktop.connect(fx.relay.url, a.deviceToken, 0);
    const url = statusUrl('org-a');
    const s1 = twilioSigned(a.twilioAuthToken, url, status('SM1', 'sent'));
    const s2 = twilioSigned(a.twilioAuthToken, url, status('SM1', 'delivered'));
    expect((await post(url, s1.headers, s1.body)).status).toBe(204);
    expect((await post(url, s1.headers, s1.body)).status).toBe(204); // Twilio resends
    expect((await post(url, s2.headers, s2.body)).status).toBe(204);
    await waitFor('two events on the desktop', () => desktop.entries.length >= 2);
    expect(desktop.entries.map((e) => e.seq)).toEqual([1, 2]);
    const [first, second] = desktop.entries;
    expect(first!.event.type).toBe('webhook');
    expect(webhookOf(first!.event).kind).toBe('twilio.message-status');
    expect(webhookOf(first!.event).query).toEqual({ d: 'del-1' });
    expect(webhookOf(first!.event).body).toMatchObject({ MessageSid: 'SM1', MessageStatus: 'sent' });
    expect(webhookOf(second!.event).eventKey).toBe('msg:SM1:delivered');
    expect(fx.relay.metrics.webhooks.get({ provider: 'twilio', kind: 'twilio.message-status', result: 'duplicate' })).toBe(1);
    await desktop.close();
  });

  it('rejects forged, altered, unsigned and replayed-to-another-tenant Twilio callbacks', async () => {
    const url = statusUrl('org-a', 'del-9');
    const good = twilioSigned(a.twilioAuthToken, url, status('SM9', 'delivered'));
    const forged = twilioSigned('not-the-token', url, status('SM9', 'delivered'));
    const altered = good.body.replace('delivered', 'failed');
    const before = fx.relay.metrics.webhooks.get({ provider: 'twilio', kind: 'twilio.message-status', result: 'rejected_signature' });
    expect((await post(url, forged.headers, forged.body)).status).toBe(403);
    expect((await post(url, good.headers, altered)).status).toBe(403);
    expect((await post(url, { 'content-type': 'application/x-www-form-urlencoded' }, good.body)).status).toBe(403);
    // Same bytes and signature, posted to tenant B's URL: B's token and URL do not match.
    expect((await post(statusUrl('org-b', 'del-9'), good.headers, good.body)).status).toBe(403);
    // The URL as signed must be the public one: a different delivery token breaks it.
    expect((await post(statusUrl('org-a', 'del-10'), good.headers, good.body)).status).toBe(403);
    expect(fx.relay.metrics.webhooks.get({ provider: 'twilio', kind: 'twilio.message-status', result: 'rejected_signature' })).toBe(
      before + 5,
    );
    expect((await post(url, good.headers, good.body)).status).toBe(204);
  });

  it('verifies SendGrid ECDSA signatures on the raw bytes and dedups per sg_event_id', async () => {
    const desktop = await TestDesktop.connect(fx.relay.url, b.deviceToken, 0);
    const url = `${fx.relay.publicBaseUrl}/hooks/org-b/sendgrid/events`;
    const body = JSON.stringify([
      { email: 'a@example.se', event: 'processed', sg_event_id: 'ev-1', sg_message_id: 'm1', delivery: 'tok1' },
      { email: 'a@example.se', event: 'delivered', sg_event_id: 'ev-2', sg_message_id: 'm1', delivery: 'tok1' },
    ]);
    const headers = sendgridSigned(b.sendgrid, body);
    // Re-serialised JSON (different whitespace) no longer matches the signature.
    expect((await post(url, headers, JSON.stringify(JSON.parse(body), null, 1))).status).toBe(403);
    expect((await post(url, { ...headers, 'x-twilio-email-event-webhook-timestamp': '1' }, body)).status).toBe(403);
    expect((await post(`${fx.relay.publicBaseUrl}/hooks/org-a/sendgrid/events`, headers, body)).status).toBe(403);
    expect((await post(url, headers, body)).status).toBe(200);
    expect((await post(url, headers, body)).status).toBe(200);
    await waitFor('SendGrid events on desktop B', () => desktop.entries.length >= 2);
    expect(desktop.entries.map((e) => webhookOf(e.event).eventKey)).toEqual(['sg:ev-1', 'sg:ev-2']);
    expect(webhookOf(desktop.entries[1]!.event).body).toEqual([expect.objectContaining({ event: 'delivered' })]);
    await desktop.close();
  });

  it('compares the Telegram secret token and dedups on update_id', async () => {
    const url = `${fx.relay.publicBaseUrl}/hooks/org-b/telegram/update`;
    const body = JSON.stringify({ update_id: 77, message: { chat: { id: 5 }, text: '1' } });
    const h = { 'content-type': 'application/json' };
    expect((await post(url, h, body)).status).toBe(403);
    expect((await post(url, { ...h, 'x-telegram-bot-api-secret-token': `${b.telegramSecret}x` }, body)).status).toBe(403);
    expect((await post(url, { ...h, 'x-telegram-bot-api-secret-token': a.telegramSecret }, body)).status).toBe(403);
    expect((await post(url, { ...h, 'x-telegram-bot-api-secret-token': b.telegramSecret }, body)).status).toBe(200);
    expect((await post(url, { ...h, 'x-telegram-bot-api-secret-token': b.telegramSecret }, body)).status).toBe(200);
    const desktop = await TestDesktop.connect(fx.relay.url, b.deviceToken, 2);
    await waitFor('the telegram update', () => desktop.entries.length >= 1);
    expect(desktop.entries).toHaveLength(1);
    expect(desktop.entries[0]).toMatchObject({ seq: 3, event: { webhook: { kind: 'telegram.update', eventKey: 'tg:77' } } });
    await desktop.close();
  });

  it('refuses an unknown tenant, an oversized body and a signed callback that is not an event', async () => {
    expect((await post(`${fx.relay.url}/hooks/nobody/twilio/message-status`, {}, 'a=b')).status).toBe(404);
    const big = 'x'.repeat(300 * 1024);
    expect((await post(statusUrl('org-a'), { 'content-type': 'application/x-www-form-urlencoded' }, `Body=${big}`)).status).toBe(413);
    const url = statusUrl('org-a');
    const s = twilioSigned(a.twilioAuthToken, url, { AccountSid: 'AC1' });
    expect((await post(url, s.headers, s.body)).status).toBe(400);
  });

  it('a desktop offline during a burst replays everything after its cursor, then gets live events', async () => {
    const url = `${fx.relay.publicBaseUrl}/hooks/org-a/twilio/call-status?d=call-del`;
    const sends = [];
    for (let i = 0; i < 120; i++) {
      const s = twilioSigned(a.twilioAuthToken, url, { CallSid: `CA${i}`, CallStatus: 'completed', SequenceNumber: '3' });
      sends.push(post(url, s.headers, s.body).then((r) => r.status));
    }
    expect(new Set(await Promise.all(sends))).toEqual(new Set([204]));
    const desktop = await TestDesktop.connect(fx.relay.url, a.deviceToken, 0);
    await waitFor('the whole burst', () => desktop.entries.length >= 123);
    const seqs = desktop.entries.map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    const live = twilioSigned(a.twilioAuthToken, statusUrl('org-a'), status('SM-live', 'delivered'));
    expect((await post(statusUrl('org-a'), live.headers, live.body)).status).toBe(204);
    await waitFor(
      'the live event',
      () =>
        desktop.entries.at(-1)?.event.type === 'webhook' && webhookOf(desktop.entries.at(-1)!.event).eventKey === 'msg:SM-live:delivered',
    );
    expect(desktop.entries.at(-1)!.seq).toBe(seqs.length + 1);
    await desktop.close();
  });

  it('refuses a bad device token and a cursor ahead of the log', async () => {
    const bad = await TestDesktop.connect(fx.relay.url, 'gdd_nope', 0);
    await waitFor('close', () => bad.closeCode);
    expect(bad.closeCode).toBe(4401);
    const ahead = await TestDesktop.connect(fx.relay.url, a.deviceToken, 10_000);
    await waitFor('close', () => ahead.closeCode);
    expect(ahead.messages[0]).toMatchObject({ type: 'error', code: 'cursor-ahead' });
  });
});
