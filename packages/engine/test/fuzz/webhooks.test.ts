// Fuzzing the engine's webhook parser (issue 23): every kind of webhook the relay commits,
// with hostile form parameters and JSON bodies built around the fields each provider sends.
// The relay verified the signature, but the engine applies what the parser returns inside
// the stream's cursor transaction: anything but WebhookParseError would stop the stream
// behind that event for good. So the parser either refuses with WebhookParseError or returns
// events the contract accepts, and never takes a second. Bounded here; `npm run fuzz` runs it longer.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { providerEventSchema, webhookKinds, type RawWebhook } from '@gdial/protocol';
import { parseWebhook, WebhookParseError } from '../../src/providers/webhooks';

const runs = Number(process.env.GDIAL_FUZZ_RUNS ?? 150);

/** Field names the parsers read, and values that matter to them. */
const fieldName = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'MessageSid',
      'MessageStatus',
      'SmsStatus',
      'CallSid',
      'CallStatus',
      'Digits',
      'From',
      'To',
      'Body',
      'ErrorCode',
      'AnsweredBy',
      'CallDuration',
      'Timestamp',
      'AccountSid',
      'NumMedia',
      'id',
      'status',
      'from',
      'to',
      'message',
      'direction',
      'result',
      'duration',
      'created',
      'delivered',
      'd',
      'event',
      'sg_event_id',
      'sg_message_id',
      'email',
      'timestamp',
      'reason',
      'type',
      'update_id',
      'message_id',
      'callback_query',
      'chat',
      'text',
      'data',
      'gdial_token',
      '__proto__',
      'constructor',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);
const fieldValue = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'queued',
      'sent',
      'delivered',
      'undelivered',
      'failed',
      'read',
      'completed',
      'busy',
      'no-answer',
      'canceled',
      'in-progress',
      'ringing',
      'human',
      'machine_start',
      'fax',
      '1',
      '0',
      '',
      '30003',
      '21610',
      '-1',
      '1e309',
      'NaN',
      '+46701234567',
      'whatsapp:+46701234567',
      'bounce',
      'dropped',
      'processed',
      'deferred',
      'open',
      'click',
      'spamreport',
      'unsubscribe',
      'gdial|x|1',
      '2026-01-01T00:00:00Z',
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constant('x'.repeat(20_000)) },
);
const form = fc.dictionary(fieldName, fc.oneof(fieldValue, fc.array(fieldValue, { maxLength: 3 })), { maxKeys: 12 });
const json = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fieldValue,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fieldName, tie('value'), { maxKeys: 8 }),
  ),
})).value;

const raw = fc.record({
  kind: fc.constantFrom(...webhookKinds),
  eventKey: fc.string({ minLength: 1, maxLength: 40 }),
  receivedAt: fc.oneof(fc.constant('2026-12-07T10:00:00.000Z'), fc.string({ maxLength: 30 })),
  query: fc.dictionary(fc.constantFrom('d', 's', 'x', '__proto__'), fc.string({ maxLength: 40 }), { maxKeys: 3 }),
  body: fc.oneof(form, json),
}) as fc.Arbitrary<RawWebhook>;

describe('engine webhook parser fuzz', () => {
  it('every kind: events the contract accepts, or WebhookParseError; never another error, never a second', () => {
    fc.assert(
      fc.property(raw, (w) => {
        const t0 = performance.now();
        let events: unknown[] = [];
        try {
          events = parseWebhook(w);
        } catch (err) {
          expect(err, `${w.kind} threw something else: ${(err as Error).message}`).toBeInstanceOf(WebhookParseError);
          expect((err as Error).message.length).toBeGreaterThan(w.kind.length + 2);
        }
        for (const e of events)
          expect(providerEventSchema.safeParse(e).success, `${w.kind}: ${JSON.stringify(e).slice(0, 300)}`).toBe(true);
        expect(performance.now() - t0).toBeLessThan(1000);
      }),
      { numRuns: runs * 4 },
    );
  });
});
