// Merging a desktop's queued operations before a push (`coalesceOps`) must not change what any
// replica ends with: a random queue of this desktop's operations, merged and not merged, each
// interleaved at random with other desktops' concurrent operations, gives the same states
// under the conflict rules (ordinary fields last writer wins by stamp, statuses only forward,
// attempts the greatest, a confirmation its first time, a timeline the union, deletes and
// erasures as tombstones). An alert's recipients and deliveries are written by one desktop
// at a time (the relay takes them only under the alert's lease), so only this desktop writes
// them here.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coalesceOps, fieldMerges, formatHlc, mergeOp, type EntityState, type Json, type SyncOp } from '../src';

type Draft = Omit<SyncOp, 'device' | 'counter' | 'hlc'>;

const text = fc.oneof(fc.string({ maxLength: 2 }), fc.constant(null));
const contactDraft: fc.Arbitrary<Draft> = fc.record({
  entity: fc.constant('contact' as const),
  id: fc.constantFrom('c1', 'c2'),
  kind: fc.constantFrom<SyncOp['kind']>('put', 'put', 'put', 'put', 'delete', 'erase'),
  fields: fc.dictionary(fc.constantFrom('displayName', 'role', 'notes'), text, { minKeys: 1 }),
});
const alertDraft: fc.Arbitrary<Draft> = fc.record({
  entity: fc.constant('alert' as const),
  id: fc.constant('a1'),
  kind: fc.constant('put' as const),
  fields: fc.dictionary(fc.constantFrom('status', 'name', 'held'), text, { minKeys: 1 }),
  fence: fc.constantFrom(1, 2),
});
const at = fc.integer({ min: 0, max: 9 }).map((n) => `2026-01-01T00:00:0${n}Z`);
const deliveryDraft: fc.Arbitrary<Draft> = fc.record({
  entity: fc.constant('delivery' as const),
  id: fc.constantFrom('a1/d1', 'a1/d2'),
  kind: fc.constant('put' as const),
  fields: fc.record(
    {
      state: fc.constantFrom('waiting', 'queued', 'sending', 'sent', 'failed', 'delivered'),
      attempts: fc.integer({ min: 0, max: 3 }),
      events: fc.array(fc.record({ at, kind: fc.constantFrom('sent', 'delivered'), detail: text }), { maxLength: 2 }),
      address: text,
      providerId: text,
    },
    { requiredKeys: [] },
  ),
  fence: fc.constantFrom(1, 1, 2),
});
const recipientDraft: fc.Arbitrary<Draft> = fc.record({
  entity: fc.constant('recipient' as const),
  id: fc.constant('a1/r1'),
  kind: fc.constant('put' as const),
  fields: fc.record(
    {
      outcome: fc.constantFrom('pending', 'in-progress', 'reached', 'confirmed'),
      confirmed: fc.oneof(fc.constant(null), fc.record({ at, via: fc.constantFrom('sms', 'voice') })),
      displayName: text,
    },
    { requiredKeys: [] },
  ),
});

/** This desktop's queue: counters from 1, stamps only growing (as its clock makes them). */
const queueArb = fc
  .array(fc.oneof(contactDraft, contactDraft, alertDraft, deliveryDraft, deliveryDraft, recipientDraft), { maxLength: 40 })
  .map((drafts) => drafts.map((d, i): SyncOp => ({ ...d, device: 'me', counter: i + 1, hlc: formatHlc({ wall: 10 + i * 2, count: 0 }) })));
/** Other desktops' concurrent operations on what they may write, stamped anywhere among this desktop's. */
const othersArb = fc
  .array(fc.tuple(fc.oneof(contactDraft, alertDraft), fc.constantFrom('dev-b', 'dev-z'), fc.integer({ min: 0, max: 100 })), {
    maxLength: 20,
  })
  .map((xs) => xs.map(([d, device, wall], i): SyncOp => ({ ...d, device, counter: i + 1, hlc: formatHlc({ wall, count: 0 }) })));

/** Both lists' operations in one order that keeps each list's own order (a log's interleaving). */
const interleave = (a: readonly SyncOp[], b: readonly SyncOp[], picks: readonly boolean[]): SyncOp[] => {
  const out: SyncOp[] = [];
  let i = 0;
  let j = 0;
  for (let k = 0; i < a.length || j < b.length; k++) {
    if (j >= b.length || (i < a.length && picks[k % Math.max(1, picks.length)])) out.push(a[i++]!);
    else out.push(b[j++]!);
  }
  return out;
};

/**
 * What a replica holds, as the rules define it: every value, each ordinary field's stamp
 * (it decides later conflicts), the tombstones. A field with an order of its own is decided by
 * its value alone, so its stamp is left out (it depends on the order operations arrive in).
 */
function replica(log: readonly SyncOp[]): string {
  const states = new Map<string, EntityState>();
  for (const op of log) states.set(`${op.entity}:${op.id}`, mergeOp(states.get(`${op.entity}:${op.id}`), op));
  return JSON.stringify(
    [...states.entries()].sort().map(([k, s]) => [
      k,
      s.deleted ?? null,
      s.erased ?? false,
      Object.entries(s.fields)
        .sort()
        .map(([name, f]) => (fieldMerges[s.entity]?.[name] ? [name, f.v] : [name, f.v, f.s])),
    ]),
  );
}

describe('merging queued operations before a push', () => {
  it('gives every replica the same states as the operations it replaces', () => {
    fc.assert(
      fc.property(
        queueArb,
        othersArb,
        fc.array(fc.boolean(), { maxLength: 60 }),
        fc.array(fc.boolean(), { maxLength: 60 }),
        (queue, others, p1, p2) => {
          const merged = coalesceOps(queue);
          expect(replica(interleave(merged.ops, others, p2))).toBe(replica(interleave(queue, others, p1)));
          // Nothing lost or invented: the pushed counters and the folded ones are the queue's.
          expect([...merged.ops.map((o) => o.counter), ...merged.folded].sort((a, b) => a - b)).toEqual(queue.map((o) => o.counter));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("merges one person's delivery and recipient operations into one each", () => {
    const op = (counter: number, entity: 'delivery' | 'recipient', fields: Record<string, Json>): SyncOp => ({
      device: 'me',
      counter,
      hlc: formatHlc({ wall: 100 + counter, count: 0 }),
      entity,
      id: entity === 'delivery' ? 'a1/d1' : 'a1/r1',
      kind: 'put',
      fields,
      fence: 1,
    });
    const queue = [
      op(1, 'recipient', { displayName: 'Anna', outcome: 'pending' }),
      op(2, 'delivery', { address: '+46701234567', body: 'Larm', state: 'queued', attempts: 0 }),
      op(3, 'delivery', { state: 'sending', attempts: 1 }),
      op(4, 'recipient', { outcome: 'in-progress' }),
      op(5, 'delivery', { state: 'sent', providerId: 'SM1' }),
      op(6, 'delivery', { state: 'delivered', events: [{ at: '2026-01-01T00:00:01Z', kind: 'delivered', detail: null }] }),
      op(7, 'recipient', { outcome: 'reached' }),
    ];
    const merged = coalesceOps(queue);
    expect(merged.ops).toEqual([
      {
        ...queue[0],
        hlc: queue[6]!.hlc,
        fields: { displayName: 'Anna', outcome: 'reached' },
        stamps: { [queue[0]!.hlc]: ['displayName'] },
      },
      {
        ...queue[1],
        hlc: queue[5]!.hlc,
        stamps: { [queue[1]!.hlc]: ['address', 'body'], [queue[2]!.hlc]: ['attempts'], [queue[4]!.hlc]: ['providerId'] },
        fields: {
          address: '+46701234567',
          body: 'Larm',
          state: 'delivered',
          attempts: 1,
          providerId: 'SM1',
          events: [{ at: '2026-01-01T00:00:01Z', kind: 'delivered', detail: null }],
        },
      },
    ]);
    expect(merged.folded).toEqual([3, 4, 5, 6, 7]);
  });

  it("keeps each field's stamp, and never merges across a delete or a new lease", () => {
    const op = (counter: number, fields: Record<string, Json> | null, extra: Partial<SyncOp> = {}): SyncOp => ({
      device: 'me',
      counter,
      hlc: formatHlc({ wall: 100 + counter, count: 0 }),
      entity: 'contact',
      id: 'c1',
      kind: fields ? 'put' : 'delete',
      ...(fields ? { fields } : {}),
      ...extra,
    });
    // The role keeps the stamp of 1: another desktop's edit of it stamped between 1 and 2 still wins.
    const merged = coalesceOps([op(1, { role: 'a' }), op(2, { notes: 'b' })]);
    expect(merged.ops).toEqual([{ ...op(1, { role: 'a', notes: 'b' }), hlc: op(2, {}).hlc, stamps: { [op(1, {}).hlc]: ['role'] } }]);
    const between: SyncOp = { ...op(1, { role: 'x' }), device: 'dev-b', hlc: formatHlc({ wall: 101, count: 1 }) };
    expect(mergeOp(mergeOp(undefined, between), merged.ops[0]!).fields.role!.v).toBe('x');
    // Set again at 2: the value of 1 is gone, and so is its stamp.
    expect(coalesceOps([op(1, { role: 'a' }), op(2, { role: 'b', notes: 'c' })]).ops).toEqual([
      { ...op(1, { role: 'b', notes: 'c' }), hlc: op(2, {}).hlc },
    ]);
    expect(coalesceOps([op(1, { role: 'a' }), op(2, null), op(3, { role: 'b' })]).folded).toEqual([]);
    const delivery = (counter: number, fence: number): SyncOp => ({
      ...op(counter, { state: 'sent' }),
      entity: 'delivery',
      id: 'a1/d1',
      fence,
    });
    expect(coalesceOps([delivery(1, 1), delivery(2, 2)]).folded).toEqual([]);
  });
});
