// Fuzzing every RPC method's input schema with hostile input (issue 23): values of every
// shape, prototype-polluting keys, huge strings and arrays, deep nesting. Validation must
// never throw, never take a second, and refuse with issues that each say what is wrong.
// Bounded here; `npm run fuzz` runs it longer.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { methods } from '../src/rpc';

const runs = Number(process.env.GDIAL_FUZZ_RUNS ?? 40);

const hostileKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'id', 'ids', 'query', 'name', 'changes', ''),
  fc.string(),
);
const hostileLeaf = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.constantFrom('x'.repeat(100_000), '\u0000', '\ud800', '1e309', 'NaN', '-0', ' '),
  fc.double(),
  fc.bigInt().map((b) => Number(b)),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
);
const hostile = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileLeaf,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(hostileKey, tie('value'), { maxKeys: 6 }),
  ),
})).value;

/** Very deep, or very wide, which a recursive validator could choke on. */
const extreme = fc.oneof(
  fc.nat({ max: 5000 }).map((n) => {
    let v: unknown = 1;
    for (let i = 0; i < n; i++) v = { id: v, items: [v] };
    return v;
  }),
  fc.nat({ max: 200_000 }).map((n) => ({ ids: Array.from({ length: n }, (_, i) => i) })),
);

const names = Object.keys(methods) as Array<keyof typeof methods>;

describe('RPC input schemas under hostile input', () => {
  it.each(names)('%s', (name) => {
    const schema = methods[name].input;
    fc.assert(
      fc.property(fc.oneof({ weight: 5, arbitrary: hostile }, { weight: 1, arbitrary: extreme }), (input) => {
        const started = performance.now();
        const result = schema.safeParse(input);
        expect(performance.now() - started).toBeLessThan(1000);
        if (!result.success) {
          expect(result.error.issues.length).toBeGreaterThan(0);
          for (const issue of result.error.issues) expect(issue.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: runs },
    );
  });
});
