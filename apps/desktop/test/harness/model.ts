// The harness's reference model: what the organisation's shared state must be, computed
// from every operation the desktops made, by the conflict table of docs/sync.md written out
// again here, independently of the merge in @gdial/protocol:
// - a field: the value of the operation with the greatest stamp (HLC, then device id);
// - a delete: a tombstone at the earliest delete's stamp; no edit, earlier or later, lifts it;
// - an erasure: wins over everything, no field left, at the earliest erasure's stamp;
// - pairs (tags, memberships), opt-outs, settings: ordinary entities with a `present` field.
// From the states it also derives what every console must show (ConsoleView).
import { fieldMerges, type EntityState, type Json, type SyncOp } from '@gdial/protocol';
import type { ConsoleView } from './commands';

const stamp = (op: SyncOp): string => `${op.hlc}@${op.device}`;
/** A field's stamp: the operation's, or for operations merged before a push, the earlier one it was written at (`stamps`). */
const fieldStamp = (op: SyncOp, name: string): string => {
  const earlier = Object.entries(op.stamps ?? {}).find(([, names]) => names.includes(name));
  return earlier ? `${earlier[0]}@${op.device}` : stamp(op);
};
const keyOf = (entity: string, id: string): string => `${entity}:${id}`;

export class ReferenceModel {
  private readonly ops = new Map<string, SyncOp>();
  private readonly ended = new Set<string>();

  /** Adds operations (a repeat of one already known, by device and counter, is ignored). */
  add(ops: Iterable<SyncOp>): number {
    let added = 0;
    for (const op of ops) {
      const k = `${op.device}:${op.counter}`;
      if (this.ops.has(k)) continue;
      this.ops.set(k, op);
      if (op.kind !== 'put') this.ended.add(keyOf(op.entity, op.id));
      added++;
    }
    return added;
  }

  /** Whether some operation deleted or erased the entity. */
  gone(entity: string, id: string): boolean {
    return this.ended.has(keyOf(entity, id));
  }

  has(op: Pick<SyncOp, 'device' | 'counter'>): boolean {
    return this.ops.has(`${op.device}:${op.counter}`);
  }

  get size(): number {
    return this.ops.size;
  }

  /** Every operation per device counts 1, 2, 3 … without gaps (none was lost on its way here). */
  gaps(): string[] {
    const byDevice = new Map<string, number[]>();
    for (const op of this.ops.values()) byDevice.set(op.device, [...(byDevice.get(op.device) ?? []), op.counter]);
    const out: string[] = [];
    for (const [device, counters] of byDevice) {
      const max = Math.max(...counters);
      if (counters.length !== max) out.push(`${device}: ${counters.length} operations, counters up to ${max}`);
    }
    return out;
  }

  /** The state of every entity any operation named. */
  states(): Map<string, EntityState> {
    const byEntity = new Map<string, SyncOp[]>();
    for (const op of this.ops.values()) {
      const k = keyOf(op.entity, op.id);
      const list = byEntity.get(k);
      if (list) list.push(op);
      else byEntity.set(k, [op]);
    }
    const out = new Map<string, EntityState>();
    for (const [k, ops] of byEntity) {
      const { entity, id } = ops[0]!;
      if (fieldMerges[entity]) throw new Error(`the reference model has no rule for ${entity}'s ordered fields yet`);
      const earliest = (kind: SyncOp['kind']) =>
        ops
          .filter((o) => o.kind === kind)
          .map(stamp)
          .sort()[0];
      const erased = earliest('erase');
      const deleted = earliest('delete');
      if (erased !== undefined) out.set(k, { entity, id, fields: {}, deleted: erased, erased: true });
      else if (deleted !== undefined) out.set(k, { entity, id, fields: {}, deleted });
      else {
        const fields: EntityState['fields'] = {};
        for (const op of ops)
          for (const [name, v] of Object.entries(op.fields ?? {})) {
            const s = fieldStamp(op, name);
            const cur = fields[name];
            if (!cur || s > cur.s) fields[name] = { v, s };
          }
        out.set(k, { entity, id, fields });
      }
    }
    return out;
  }
}

/** What every console must show, given the organisation's states. */
export function expectedView(states: ReadonlyMap<string, EntityState>): ConsoleView {
  const alive = (entity: string, id: string) => {
    const s = states.get(keyOf(entity, id));
    return s !== undefined && s.deleted === undefined;
  };
  const value = (s: EntityState, name: string): Json | undefined => s.fields[name]?.v;
  const present = (s: EntityState) => s.deleted === undefined && value(s, 'present') === true;
  const split = (id: string): [string, string] => [id.slice(0, id.indexOf('|')), id.slice(id.indexOf('|') + 1)];
  const view: ConsoleView = { contacts: {}, groups: {}, templates: {}, optOuts: [] };
  const list = [...states.values()];
  for (const s of list.filter((x) => x.entity === 'contact' && x.deleted === undefined))
    view.contacts[s.id] = {
      displayName: value(s, 'displayName') as string,
      organisation: (value(s, 'organisation') ?? null) as string | null,
      role: (value(s, 'role') ?? null) as string | null,
      tags: [],
      groups: [],
    };
  for (const s of list.filter((x) => x.entity === 'group' && x.deleted === undefined))
    view.groups[s.id] = { name: value(s, 'name') as string, members: 0 };
  for (const s of list.filter((x) => x.entity === 'contactTag' && present(x))) {
    const [contact, tag] = split(s.id);
    view.contacts[contact]?.tags.push(tag);
  }
  for (const s of list.filter((x) => x.entity === 'membership' && present(x))) {
    const [group, contact] = split(s.id);
    if (!alive('group', group) || !alive('contact', contact)) continue;
    view.contacts[contact]!.groups.push(group);
    view.groups[group]!.members++;
  }
  for (const c of Object.values(view.contacts)) {
    c.tags.sort();
    c.groups.sort();
  }
  for (const s of list.filter((x) => x.entity === 'template' && x.deleted === undefined)) {
    const t = value(s, 'template') as { name: string; status: string; variants: { sv?: { sms?: string } } } | undefined;
    if (t) view.templates[s.id] = { name: t.name, status: t.status, text: t.variants.sv?.sms ?? null };
  }
  view.optOuts = list
    .filter((x) => x.entity === 'optOut' && present(x))
    .map((x) => x.id)
    .sort();
  return view;
}

/** JSON with every object's keys in order, so two equal states print the same. */
export function canonical(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
          )
        : v;
  return JSON.stringify(sort(value));
}
