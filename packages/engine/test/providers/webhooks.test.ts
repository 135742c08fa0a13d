import { describe, expect, it } from 'vitest';
import { providerEventSchema, type RawWebhook } from '@gdial/protocol';
import { parseWebhook, WebhookParseError } from '../../src/providers';

const raw = (kind: RawWebhook['kind'], body: unknown, query: Record<string, string> = {}): RawWebhook => ({
  kind,
  eventKey: 'relay-key-1',
  receivedAt: '2026-11-23T12:00:00.000Z',
  query,
  body,
});

describe('parseWebhook', () => {
  it('gives a redelivered callback the same event key, and valid events', () => {
    const body = { MessageSid: 'SM1', MessageStatus: 'delivered', To: '+46701234567', From: '+46700000001' };
    const a = parseWebhook(raw('twilio.message-status', body, { d: 'tok' }));
    const b = parseWebhook({
      ...raw('twilio.message-status', body, { d: 'tok' }),
      eventKey: 'relay-key-2',
      receivedAt: '2026-11-23T12:05:00.000Z',
    });
    expect(a[0]!.eventKey).toBe(b[0]!.eventKey);
    for (const e of a) expect(providerEventSchema.safeParse(e).success).toBe(true);
  });

  it('ignores statuses it does not know instead of guessing', () => {
    expect(parseWebhook(raw('twilio.message-status', { MessageSid: 'SM1', MessageStatus: 'receiving' }))).toEqual([]);
    expect(parseWebhook(raw('sendgrid.events', [{ event: 'new_kind', sg_event_id: 'e1' }]))).toEqual([]);
  });

  it('maps call statuses with answering-machine and duration fields', () => {
    const [e] = parseWebhook(
      raw(
        'twilio.call-status',
        {
          CallSid: 'CA1',
          CallStatus: 'completed',
          CallDuration: '42',
          AnsweredBy: 'machine_end_beep',
          Timestamp: 'Mon, 23 Nov 2026 12:00:07 +0000',
        },
        { d: 't' },
      ),
    );
    expect(e).toMatchObject({
      type: 'status',
      status: 'completed',
      durationSec: 42,
      answeredBy: 'machine',
      occurredAt: '2026-11-23T12:00:07.000Z',
      deliveryToken: 't',
    });
  });

  it('reports inbound STOP as a reply plus an opt-out, with the bare number', () => {
    const events = parseWebhook(
      raw('twilio.inbound-message', {
        MessageSid: 'SM9',
        From: 'whatsapp:+46701234567',
        To: 'whatsapp:+46700000001',
        Body: 'STOP',
        OptOutType: 'STOP',
      }),
    );
    expect(events.map((e) => e.type)).toEqual(['reply', 'opt-out']);
    expect(events[1]).toMatchObject({ address: '+46701234567', channel: 'whatsapp', reason: 'stop-keyword' });
  });

  it('splits a SendGrid batch into one event per sg_event_id', () => {
    const events = parseWebhook(
      raw('sendgrid.events', [
        { event: 'processed', sg_event_id: 'a', sg_message_id: 'XID.filter1', timestamp: 1_800_000_000, d: 'tok' },
        { event: 'dropped', sg_event_id: 'b', sg_message_id: 'XID.filter1', reason: 'Unsubscribed Address', d: 'tok' },
      ]),
    );
    expect(events).toMatchObject([
      { eventKey: 'sendgrid:a', providerId: 'XID', status: 'queued', occurredAt: new Date(1_800_000_000_000).toISOString() },
      { eventKey: 'sendgrid:b', status: 'dropped', failure: { class: 'opted-out' } },
    ]);
  });

  it('turns a Telegram block into an opt-out', () => {
    expect(
      parseWebhook(raw('telegram.update', { update_id: 7, my_chat_member: { chat: { id: 99 }, new_chat_member: { status: 'kicked' } } })),
    ).toEqual([expect.objectContaining({ type: 'opt-out', address: '99', reason: 'blocked-bot', eventKey: 'telegram:7' })]);
  });

  it('throws a named error for webhooks it cannot read', () => {
    expect(() => parseWebhook(raw('twilio.call-status', { CallStatus: 'completed' }))).toThrow(WebhookParseError);
    expect(() => parseWebhook(raw('sendgrid.events', [{ event: 'open' }]))).toThrow(/sg_event_id/);
    expect(() => parseWebhook(raw('telegram.update', {}))).toThrow(/update_id/);
  });
});
