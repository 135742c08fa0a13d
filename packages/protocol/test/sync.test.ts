// The merge every desktop and the relay apply: a join (commutative, associative, idempotent),
// so any order and any repetition of the same operations gives the same state; and each
// conflict rule of docs/sync.md.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HybridClock, formatHlc, mergeOp, mergeStates, parseHlc, type EntityState, type SyncOp } from '../src/sync';

const devices = ['dev-a', 'dev-b', 'dev-c'];

const opArb: fc.Arbitrary<SyncOp> = fc.record({
  device: fc.constantFrom(...devices),
  counter: fc.integer({ min: 1, max: 1000 }),
  hlc: fc.record({ wall: fc.integer({ min: 0, max: 50 }), count: fc.integer({ min: 0, max: 3 }) }).map(formatHlc),
  entity: fc.constant('contact' as const),
  id: fc.constantFrom('c1', 'c2'),
  kind: fc.constantFrom<SyncOp['kind']>('put', 'put', 'put', 'delete', 'erase'),
  fields: fc.dictionary(fc.constantFrom('displayName', 'role', 'notes'), fc.oneof(fc.string({ maxLength: 3 }), fc.constant(null)), {
    minKeys: 1,
  }),
});

/** The state of each entity after applying ops in this order. */
function replay(ops: readonly SyncOp[]): Map<string, EntityState> {
  const states = new Map<string, EntityState>();
  for (const op of ops) states.set(op.id, mergeOp(states.get(op.id), op));
  return states;
}

const canonical = (m: Map<string, EntityState>) =>
  JSON.stringify([...m.entries()].sort().map(([k, s]) => [k, s.deleted ?? null, s.erased ?? false, Object.entries(s.fields).sort()]));

describe('sync merge', () => {
  it('gives the same state whatever the order and however often an operation arrives', () => {
    const orders = fc
      .array(opArb, { maxLength: 30 })
      .chain((ops) => fc.tuple(fc.constant(ops), fc.shuffledSubarray(ops, { minLength: ops.length, maxLength: ops.length }), fc.nat(30)));
    fc.assert(
      fc.property(orders, ([ops, shuffled, again]) => {
        const repeated = [...shuffled, ...ops.slice(0, again)];
        expect(canonical(replay(repeated))).toBe(canonical(replay(ops)));
      }),
    );
  });

  it('merging two replicas' + "' states equals applying both sets of operations", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 20 }), fc.array(opArb, { maxLength: 20 }), (left, right) => {
        const a = replay(left);
        const b = replay(right);
        const joined = new Map(a);
        for (const [k, s] of b) joined.set(k, mergeStates(joined.get(k), s));
        expect(canonical(joined)).toBe(canonical(replay([...left, ...right])));
      }),
    );
  });

  it('an approval keeps its first decision whichever arrives last (two operators deciding at once)', () => {
    const base = { entity: 'approval' as const, id: 'alert-1', kind: 'put' as const };
    const approve: SyncOp = {
      ...base,
      device: 'dev-b',
      counter: 1,
      hlc: formatHlc({ wall: 9, count: 0 }),
      fields: { decision: { kind: 'approved', at: '2026-12-07T10:00:01.000Z', comment: '' } },
    };
    const reject: SyncOp = {
      ...base,
      device: 'dev-c',
      counter: 1,
      hlc: formatHlc({ wall: 10, count: 0 }),
      fields: { decision: { kind: 'rejected', at: '2026-12-07T10:00:02.000Z', comment: 'nej' } },
    };
    const undecided: SyncOp = { ...base, device: 'dev-a', counter: 1, hlc: formatHlc({ wall: 1, count: 0 }), fields: { decision: null } };
    for (const order of [
      [undecided, approve, reject],
      [reject, approve, undecided],
      [undecided, reject, approve],
    ])
      expect(replay(order).get('alert-1')?.fields.decision?.v).toMatchObject({ kind: 'approved' });
  });

  it('last writer wins per field, ties broken by device id', () => {
    const base = { entity: 'contact' as const, id: 'c1', kind: 'put' as const };
    const s = replay([
      { ...base, device: 'dev-b', counter: 1, hlc: formatHlc({ wall: 5, count: 0 }), fields: { role: 'B', notes: 'b' } },
      { ...base, device: 'dev-a', counter: 1, hlc: formatHlc({ wall: 5, count: 0 }), fields: { role: 'A' } },
      { ...base, device: 'dev-a', counter: 2, hlc: formatHlc({ wall: 4, count: 0 }), fields: { notes: 'old' } },
    ]).get('c1')!;
    expect(s.fields.role?.v).toBe('B'); // same HLC: dev-b > dev-a
    expect(s.fields.notes?.v).toBe('b'); // the older edit loses
  });

  it('a delete is not undone by a later or concurrent edit; an erasure leaves no field and wins over everything', () => {
    const base = { entity: 'contact' as const, id: 'c1' };
    const h = (wall: number) => formatHlc({ wall, count: 0 });
    const deleted = replay([
      { ...base, device: 'dev-a', counter: 1, hlc: h(1), kind: 'put', fields: { displayName: 'Anna' } },
      { ...base, device: 'dev-a', counter: 2, hlc: h(2), kind: 'delete' },
      { ...base, device: 'dev-b', counter: 1, hlc: h(3), kind: 'put', fields: { role: 'x' } },
    ]).get('c1')!;
    expect(deleted.deleted).toMatch(/@dev-a$/);
    expect(deleted.fields).toEqual({});
    const erased = replay([
      { ...base, device: 'dev-a', counter: 3, hlc: h(9), kind: 'erase' },
      { ...base, device: 'dev-b', counter: 2, hlc: h(10), kind: 'put', fields: { displayName: 'Anna' } },
    ]).get('c1')!;
    expect(erased).toEqual({ entity: 'contact', id: 'c1', fields: {}, deleted: `${h(9)}@dev-a`, erased: true });
  });

  it('the clock never goes backwards and moves past what it has seen', () => {
    let wall = 1000;
    const clock = new HybridClock(() => wall);
    const a = clock.tick();
    wall = 900; // the wall clock jumps back
    const b = clock.tick();
    expect(b > a).toBe(true);
    clock.observe(formatHlc({ wall: 5000, count: 7 }));
    const c = clock.tick();
    expect(parseHlc(c)).toEqual({ wall: 5000, count: 8 });
  });
});
