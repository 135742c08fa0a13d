// Fuzzing every webhook parser with hostile bodies (issue 23): form bodies (Twilio, 46elks)
// and JSON bodies (SendGrid, Telegram) built from what their grammars care about, and
// signature checks fed garbage. None may throw, none may take a second, and every refusal
// is a sentence. Bounded here; `npm run fuzz` runs it longer.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { elksItem, elksKindOf } from '../src/ingest/elks';
import { jsonDepthExceeds, parseFormBounded } from '../src/ingest/limits';
import { sendgridItems, verifySendgrid } from '../src/ingest/sendgrid';
import { telegramItem, verifyTelegram } from '../src/ingest/telegram';
import { twilioItem, twilioKinds, verifyTwilio } from '../src/ingest/twilio';
import { queryOf } from '../src/ingest/webhook';
import { sendgridKey } from './helpers';

const runs = Number(process.env.GDIAL_FUZZ_RUNS ?? 200);

const joined = (atoms: string[], maxLength = 400) =>
  fc
    .array(
      fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...atoms) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) }),
      {
        maxLength,
      },
    )
    .map((p) => p.join(''));

const formBody = joined([
  '&',
  '=',
  '%',
  '%zz',
  '%00',
  '%E0%A4%A',
  '+',
  'MessageSid',
  'MessageStatus',
  'CallSid',
  'CallStatus',
  'SmsSid',
  'id',
  'status',
  '__proto__',
  'constructor',
  'SM1',
  'sent',
  'x'.repeat(100),
]);
const jsonBody = fc.oneof(
  joined([
    '[',
    ']',
    '{',
    '}',
    ',',
    ':',
    '"',
    '"sg_event_id"',
    '"update_id"',
    '"event"',
    '1',
    'null',
    '"\\u0000"',
    '"\\ud800"',
    'true',
    '1e999',
  ]),
  fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)),
  fc.nat({ max: 20_000 }).map((n) => `[{"sg_event_id":"x","a":${'['.repeat(n)}${']'.repeat(n)}}]`),
);
const query = joined(['?', '&', '=', 'd=', 'a=', 's=', '%', '%zz'], 40);

const timed = (fn: () => void) => {
  const started = performance.now();
  fn();
  expect(performance.now() - started).toBeLessThan(1000);
};
const sentence = (v: unknown) => expect(typeof v === 'string' && v.length > 3).toBe(true);

describe('webhook parser fuzz', () => {
  const key = sendgridKey();

  it('form bodies: bounded parse, then every Twilio and 46elks kind', () => {
    fc.assert(
      fc.property(formBody, query, (body, q) => {
        timed(() => {
          const raw = Buffer.from(body);
          const form = parseFormBounded(raw);
          if (!form.ok) return sentence(form.reason);
          const params = form.params;
          for (const kind of Object.values(twilioKinds)) {
            const item = twilioItem(kind, params, queryOf(`/x${q}`));
            if (typeof item === 'string') sentence(item);
          }
          for (const name of ['sms-status', 'inbound', 'call-hangup']) {
            const kind = elksKindOf(name);
            if (!kind) continue;
            const item = elksItem(kind, params, queryOf(`/x${q}`));
            if (typeof item === 'string') sentence(item);
          }
          const verdict = verifyTwilio(
            'token',
            'c2lnbmF0dXJl',
            `https://relay.example.se/hooks/t/twilio/inbound${q}`,
            raw,
            undefined,
            params,
          );
          expect(verdict.ok).toBe(false);
        });
      }),
      { numRuns: runs },
    );
  });

  it('JSON bodies: SendGrid and Telegram, with garbage signatures and timestamps', () => {
    fc.assert(
      fc.property(jsonBody, fc.string({ maxLength: 120 }), fc.string({ maxLength: 14 }), (body, signature, timestamp) => {
        timed(() => {
          const raw = Buffer.from(body);
          const sg = sendgridItems(raw, {});
          if (typeof sg === 'string') sentence(sg);
          else for (const r of sg.refused) sentence(r);
          const tg = telegramItem(raw, {});
          if (typeof tg === 'string') sentence(tg);
          expect(verifySendgrid(key.publicKeyBase64, signature, timestamp, raw).ok).toBe(false);
          expect(verifySendgrid(signature, signature, timestamp, raw).ok).toBe(false);
          expect(verifyTelegram('secret-token', signature).ok).toBe(signature === 'secret-token');
          // Whatever was accepted is shallow enough to store and serialise again.
          if (typeof sg !== 'string') for (const item of sg.items) expect(jsonDepthExceeds(item.event, 40)).toBe(false);
        });
      }),
      { numRuns: runs },
    );
  });
});
