// The relay's log lines carry no personal data or secret at any depth: random nested objects
// with planted phone numbers, e-mail addresses, personal identity numbers and secrets (under
// secret-named keys in any case, inside error messages) go through the real logger, and
// none of the planted values is in what it writes.
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/log';

const planted = fc.constantFrom('+46701234567', '0709876543', 'anna.andersson@kommun.se', '19850709-1234', '850709-1234', '198507091234');
const secretKey = fc.constantFrom(
  'Authorization',
  'authorization',
  'x-api-key',
  'deviceToken',
  'twilioAuthToken',
  'password',
  'clientSecret',
);
const secret = fc.stringMatching(/^[A-Za-z0-9]{20,32}$/).map((s) => `S3cr3t${s}`);

/** A nested value (objects, arrays, errors) with `pii` and `{ [key]: secret }` somewhere inside. */
const nested = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)),
    fc.array(tie('node'), { maxLength: 3 }),
    fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), tie('node'), { maxKeys: 3 }),
  ),
})).node;

function plant(root: unknown, value: unknown, path: number[]): unknown {
  let cur = root;
  for (const step of path) {
    if (Array.isArray(cur) && cur.length > 0) cur = cur[step % cur.length];
    else if (cur && typeof cur === 'object' && Object.keys(cur).length > 0) {
      const keys = Object.keys(cur);
      cur = (cur as Record<string, unknown>)[keys[step % keys.length]!];
    } else break;
  }
  if (Array.isArray(cur)) cur.push(value);
  else if (cur && typeof cur === 'object') (cur as Record<string, unknown>)[`p${path.length}`] = value;
  else return { wrapped: root, planted: value };
  return root;
}

describe('relay logger', () => {
  it('writes no planted personal data or secret, however deep', () => {
    fc.assert(
      fc.property(
        nested,
        planted,
        fc.tuple(secretKey, secret),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.constantFrom('plain', 'sentence', 'error'),
        (tree, pii, [key, value], path1, path2, form) => {
          const piiValue = form === 'plain' ? pii : form === 'sentence' ? `skickat till ${pii} nu` : new Error(`kunde inte nå ${pii}`);
          let root: unknown = { tree: structuredClone(tree) };
          root = plant(root, piiValue, path1);
          root = plant(root, { [key]: value }, path2);
          let out = '';
          const destination = new Writable({
            write(chunk: Buffer, _e, cb) {
              out += chunk.toString('utf8');
              cb();
            },
          });
          const log = createLogger({ level: 'info', destination });
          log.info(root as object, `meddelande om ${pii}`);
          log.child({ nested: { [key]: value, who: pii } }).warn('child bindings');
          expect(out).not.toContain(pii);
          expect(out).not.toContain(value);
        },
      ),
      { numRuns: 200 },
    );
  });
});
