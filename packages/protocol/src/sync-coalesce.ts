// Merging a desktop's queued, not-yet-pushed operations of one entity into one before a push.
// One SMS person costs seven operations (a delivery's insert, sending, sent, delivered; a
// recipient's insert, in progress, reached); a busy alert whose pushes lag behind queues
// many of them per entity, and the relay and every replica would merge each in turn.
//
// The merged operation gives every replica the same state as the operations it replaces,
// under the conflict rules (`mergeOp`):
// - An ordinary field is last writer wins by stamp. Each field of the merged operation keeps
//   the stamp it was written with (`stamps`: the fields older than the operation's own `hlc`,
//   grouped by their stamp, so a delivery's insert costs one stamp, not one per column),
//   so another desktop's edit made in between wins or loses exactly as before.
// - A field with an order of its own (`fieldMerges`: a status only forward, attempts the
//   greatest, a confirmation its first time, a timeline the union) is joined: the join is
//   commutative and associative, so one operation holding the join is the same as each in turn.
// Only puts made under the same lease token are merged (a delete or an erasure ends the run;
// the relay judges an alert's operations by their token), and the merged operation takes the
// place (counter) of the first one, so whatever a later operation of another entity needs (a
// recipient before its delivery) still comes first. The counters of the operations folded into
// it are simply not pushed: the relay acknowledges up to a counter and needs no gap-free run.
import { fieldMerges, fieldStamps, type Json, type SyncOp } from './sync';

const keyOf = (op: Pick<SyncOp, 'entity' | 'id'>): string => `${op.entity}\u0000${op.id}`;

/** Whether `later` can be folded into `earlier`: both puts of one entity by one desktop under one lease token. */
export const canFold = (earlier: SyncOp, later: SyncOp): boolean =>
  earlier.kind === 'put' &&
  later.kind === 'put' &&
  earlier.entity === later.entity &&
  earlier.id === later.id &&
  earlier.device === later.device &&
  (earlier.fence ?? null) === (later.fence ?? null);

/** `later` folded into `earlier`: the first one's place, the later stamp, each field with the stamp it was written with. */
export function fold(earlier: SyncOp, later: SyncOp): SyncOp {
  const merges = fieldMerges[earlier.entity] ?? {};
  const fields: Record<string, Json> = { ...(earlier.fields ?? {}) };
  const earlierAt = fieldStamps(earlier);
  const laterAt = fieldStamps(later);
  const at = new Map<string, string>();
  for (const name of Object.keys(fields)) at.set(name, earlierAt?.get(name) ?? earlier.hlc);
  for (const [name, value] of Object.entries(later.fields ?? {})) {
    const merge = merges[name];
    fields[name] = merge && name in fields ? merge(fields[name]!, value) : value;
    at.set(name, laterAt?.get(name) ?? later.hlc);
  }
  const stamps: Record<string, string[]> = {};
  for (const [name, hlc] of at) if (hlc !== later.hlc) (stamps[hlc] ??= []).push(name);
  const out: SyncOp = { ...earlier, hlc: later.hlc, fields };
  delete out.stamps;
  if (Object.keys(stamps).length > 0) out.stamps = stamps;
  if (earlier.fields === undefined && later.fields === undefined) delete out.fields;
  return out;
}

export interface Coalesced {
  /** The operations to push, in counter order: some of them now hold later ones. */
  ops: SyncOp[];
  /** Operations rewritten to hold later ones (their counters are the same). */
  rewritten: SyncOp[];
  /** Counters of the operations folded into an earlier one: no longer to be pushed. */
  folded: number[];
}

/**
 * Merges each entity's runs of operations that can be folded together (`canFold`), keeping
 * the queue's order. `ops` must be one desktop's queue in counter order and none of them may
 * have been sent before (the relay would take a rewritten counter as already applied).
 */
export function coalesceOps(ops: readonly SyncOp[]): Coalesced {
  const out: (SyncOp | null)[] = [...ops];
  /** Per entity: where in `out` its run's first operation is. */
  const head = new Map<string, number>();
  const rewritten = new Set<number>();
  const folded: number[] = [];
  ops.forEach((op, i) => {
    const k = keyOf(op);
    const at = head.get(k);
    if (at !== undefined && canFold(out[at]!, op)) {
      out[at] = fold(out[at]!, op);
      out[i] = null;
      rewritten.add(at);
      folded.push(op.counter);
      return;
    }
    if (op.kind === 'put') head.set(k, i);
    else head.delete(k);
  });
  return {
    ops: out.filter((o): o is SyncOp => o !== null),
    rewritten: [...rewritten].sort((a, b) => a - b).map((i) => out[i]!),
    folded,
  };
}
