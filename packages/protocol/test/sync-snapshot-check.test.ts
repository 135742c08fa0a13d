// A snapshot page's states are checked by hand (checkEntityStates) instead of each through
// entityStateSchema: it must take and refuse exactly what the schema takes and refuses, and
// give what the schema gives. Values as JSON.parse makes them, near the valid shape and off it.
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkEntityStates, entityStateSchema } from '../src/sync';

const json = fc.jsonValue({ maxDepth: 2 });
const stamp = fc.oneof(fc.constant('000001760000000.000001@dev-a'), fc.string({ maxLength: 4 }), json);
const field = fc.oneof(
  { weight: 6, arbitrary: fc.record({ v: json, s: stamp }) },
  { weight: 1, arbitrary: fc.record({ v: json, s: stamp, x: json }, { requiredKeys: ['s'] }) },
  { weight: 1, arbitrary: json },
);
const fieldName = fc.oneof(fc.constantFrom('displayName', 'phones', 'present', 'constructor', 'toString'), fc.string({ maxLength: 3 }));
const state = fc.record(
  {
    entity: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('contact', 'membership', 'group', 'preparedAlert') },
      { weight: 1, arbitrary: json },
    ),
    id: fc.oneof(
      { weight: 6, arbitrary: fc.string({ minLength: 1, maxLength: 8 }) },
      { weight: 1, arbitrary: fc.constantFrom('', 'x'.repeat(601), 'x'.repeat(600)) },
      { weight: 1, arbitrary: json },
    ),
    fields: fc.oneof({ weight: 6, arbitrary: fc.dictionary(fieldName, field, { maxKeys: 4 }) }, { weight: 1, arbitrary: json }),
    deleted: fc.oneof(fc.string({ maxLength: 4 }), json),
    erased: fc.oneof(fc.boolean(), json),
    extra: json,
  },
  { requiredKeys: [] },
);
// As it arrives: through JSON text, so only what JSON can carry.
const arrived = fc
  .oneof({ weight: 8, arbitrary: state }, { weight: 1, arbitrary: json })
  .map((x) => JSON.parse(JSON.stringify(x)) as unknown);

describe('checkEntityStates', () => {
  it('takes, refuses and gives what entityStateSchema does', () => {
    fc.assert(
      fc.property(arrived, (x) => {
        const schema = entityStateSchema.safeParse(x);
        const checked = checkEntityStates([x]);
        expect(checked.ok).toBe(schema.success);
        if (checked.ok && schema.success) expect(isDeepStrictEqual(checked.states[0], schema.data)).toBe(true); // (a field named "constructor" confuses toStrictEqual)
      }),
      { numRuns: 1000 },
    );
  }, 60_000);

  it('names the state and the field a page is refused for', () => {
    const good = { entity: 'contact', id: 'c-1', fields: { displayName: { v: 'Anna', s: '000001760000000.000001@dev-a' } } };
    const bad = { entity: 'contact', id: 'c-2', fields: { displayName: { v: 'Bo', s: 7 } } };
    const r = checkEntityStates([good, good, bad]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/^states\[2\]\.fields\.displayName\.s: /);
    const kind = checkEntityStates([good, { ...good, entity: 'contacts' }]);
    expect(kind.ok ? '' : kind.reason).toMatch(/^states\[1\]\.entity: /);
    const ok = checkEntityStates([good, { ...good, unknown: 1 }]);
    expect(ok).toEqual({ ok: true, states: [good, good] });
  });
});
