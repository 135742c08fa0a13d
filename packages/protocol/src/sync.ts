// Organisation sync: the operations desktops exchange through the relay, the hybrid logical
// clock that orders them, and the merge that every desktop and the relay apply in the same
// way. The merge is a join: applying the same operations in any order, any number of times,
// gives the same state, so a desktop that receives an operation twice (its own echo, a
// re-push after a relay restore) or late (after a partition) still converges.
//
// Rules (docs/sync.md has the table):
// - a field is last-writer-wins by stamp (HLC, then device id);
// - a delete is a tombstone that no later or concurrent edit lifts;
// - an erasure (GDPR) wins over everything and leaves no field behind;
// - per-field merges named in `fieldMerges` (first confirmation time, statuses that only
//   move forward) replace last-writer-wins where the value has an order of its own.
import { z } from 'zod';

// ── hybrid logical clock ────────────────────────────────────────────────────────────────

/** An HLC timestamp: wall milliseconds and a counter for events within one millisecond. */
export interface Hlc {
  readonly wall: number;
  readonly count: number;
}

const WALL_DIGITS = 15;
const COUNT_DIGITS = 6;

/** Fixed width, so that comparing the strings compares the clocks. */
export const formatHlc = (h: Hlc): string =>
  `${h.wall.toString().padStart(WALL_DIGITS, '0')}.${h.count.toString().padStart(COUNT_DIGITS, '0')}`;

export function parseHlc(text: string): Hlc {
  const m = /^(\d{15})\.(\d{6})$/.exec(text);
  if (!m) throw new Error(`not an HLC timestamp: ${text}`);
  return { wall: Number(m[1]), count: Number(m[2]) };
}

export const hlcSchema = z.string().regex(/^\d{15}\.\d{6}$/, 'An HLC timestamp is 15 digits, a dot and 6 digits');

/**
 * A clock that never goes backwards and moves past every timestamp it has seen, so an
 * operation made after one was received is ordered after it even when the wall clocks of
 * the two desktops disagree.
 */
export class HybridClock {
  private last: Hlc;

  constructor(
    private readonly now: () => number = Date.now,
    last?: string,
  ) {
    this.last = last ? parseHlc(last) : { wall: 0, count: 0 };
  }

  /** A timestamp for a local event. */
  tick(): string {
    const wall = Math.max(this.now(), this.last.wall);
    this.last = wall === this.last.wall ? { wall, count: this.last.count + 1 } : { wall, count: 0 };
    return formatHlc(this.last);
  }

  /** Moves past a timestamp received from another desktop. */
  observe(remote: string): void {
    const r = parseHlc(remote);
    if (r.wall > this.last.wall || (r.wall === this.last.wall && r.count > this.last.count)) this.last = r;
  }

  current(): string {
    return formatHlc(this.last);
  }
}

// ── operations and state ────────────────────────────────────────────────────────────────

/**
 * What is shared, as entity kinds. Pairs (tag, membership) are entities of their own with a
 * `present` field. An inbox item is keyed by the provider event it came from (every desktop
 * stores the reply from the same webhook), and shares whether it is handled.
 */
export const syncEntities = [
  'group',
  'contact',
  'contactTag',
  'membership',
  'optOut',
  'template',
  'setting',
  'audit',
  'alert',
  'recipient',
  'delivery',
  'inbox',
  'approval',
  'preparedAlert',
  'audio',
  'segment',
  'schedule',
] as const;
export type SyncEntity = (typeof syncEntities)[number];

/** The order a snapshot is applied in: what others refer to comes first. */
export const syncEntityOrder: Record<SyncEntity, number> = Object.fromEntries(syncEntities.map((e, i) => [e, i])) as Record<
  SyncEntity,
  number
>;

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
const jsonSchema: z.ZodType<Json> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonSchema), z.record(z.string(), jsonSchema)]),
);

export const syncIdSchema = z.string().min(1).max(600);

export const syncOpSchema = z.object({
  /** The desktop that made the change (its relay device id). */
  device: z.string().min(1).max(100),
  /** Per device, from 1, without gaps: the relay acknowledges up to a counter. */
  counter: z.number().int().positive(),
  hlc: hlcSchema,
  entity: z.enum(syncEntities),
  id: syncIdSchema,
  kind: z.enum(['put', 'delete', 'erase']),
  /** For put: the fields this change set (the others keep their value). */
  fields: z.record(z.string(), jsonSchema).optional(),
  /**
   * For an alert's entities (alert, recipient, delivery): the lease token the dispatching
   * desktop held when it made the change. The relay refuses a change under a stale token.
   */
  fence: z.number().int().positive().optional(),
  /**
   * For a put that holds several queued operations merged into one before a push: the fields
   * set by an earlier one, under the stamp (HLC) each was written with, so every field keeps its
   * own stamp; a field not named here has the operation's own `hlc`.
   */
  stamps: z.record(hlcSchema, z.array(z.string())).optional(),
});
export type SyncOp = z.infer<typeof syncOpSchema>;

export const fieldStateSchema = z.object({ v: jsonSchema, s: z.string() });
export const entityStateSchema = z.object({
  entity: z.enum(syncEntities),
  id: syncIdSchema,
  fields: z.record(z.string(), fieldStateSchema),
  /** The stamp of the delete, once deleted. */
  deleted: z.string().optional(),
  erased: z.boolean().optional(),
});
export type EntityState = z.infer<typeof entityStateSchema>;

/** The total order of changes: HLC, then device id. */
export const stampOf = (op: Pick<SyncOp, 'hlc' | 'device'>): string => `${op.hlc}@${op.device}`;

type FieldMerge = (current: Json, incoming: Json) => Json;

/** Keeps the value furthest along `order` (unknown values first); commutative, so every desktop agrees. */
function forwardBy(order: readonly string[]): FieldMerge {
  const rank = (v: Json): number => (typeof v === 'string' ? order.indexOf(v) : -1);
  return (a, b) => (rank(b) > rank(a) ? b : a);
}

/** A delivery's timeline: entries are only ever added, so two views of it join to their union. */
const timelineUnion: FieldMerge = (a, b) => {
  const byKey = new Map<string, Json>();
  const keyOf = (e: Json): string => {
    const o = e && typeof e === 'object' && !Array.isArray(e) ? e : {};
    return `${JSON.stringify(o.at ?? null).padStart(15, '0')}\u0000${JSON.stringify(o.kind ?? null)}\u0000${JSON.stringify(o.detail ?? null)}`;
  };
  for (const e of [...(Array.isArray(a) ? a : []), ...(Array.isArray(b) ? b : [])]) byKey.set(keyOf(e), e);
  return [...byKey.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([, e]) => e);
};

/** A confirmation (`{ at, via }` or null), or a decision (`{ at, … }`), keeps its first time, whichever desktop learned it first. */
const firstConfirmation: FieldMerge = (a, b) => {
  const at = (v: Json): string | null => (v && typeof v === 'object' && !Array.isArray(v) && typeof v.at === 'string' ? v.at : null);
  const ta = at(a);
  const tb = at(b);
  if (tb === null) return a;
  if (ta === null) return b;
  return tb < ta || (tb === ta && JSON.stringify(b) < JSON.stringify(a)) ? b : a;
};

/**
 * Fields whose value has an order of its own: the merge keeps the greater one whatever the
 * stamps say (delivery statuses only move forward; a confirmation keeps its first time).
 */
export const fieldMerges: Partial<Record<SyncEntity, Record<string, FieldMerge>>> = {
  recipient: {
    outcome: forwardBy(['pending', 'in-progress', 'cancelled', 'unreached', 'reached', 'opted-out', 'confirmed']),
    confirmed: firstConfirmation,
  },
  delivery: {
    state: forwardBy(['waiting', 'queued', 'sending', 'sent', 'cancelled', 'skipped', 'failed', 'delivered']),
    attempts: (a, b) => Math.max(Number(a) || 0, Number(b) || 0),
    providerRank: (a, b) => Math.max(Number(a) || 0, Number(b) || 0),
    events: timelineUnion,
  },
  // The first decision on an approval request stands: two operators deciding at once never flip an alert.
  approval: { decision: firstConfirmation },
};

/** Of a merged operation: each field set at an earlier stamp, and that stamp's HLC; undefined when none was. */
export function fieldStamps(op: Pick<SyncOp, 'stamps'>): Map<string, string> | undefined {
  if (op.stamps === undefined) return undefined;
  const out = new Map<string, string>();
  for (const [hlc, names] of Object.entries(op.stamps)) for (const name of names) out.set(name, hlc);
  return out;
}

/** Applies one operation to an entity's state; returns the state unchanged (same object) when the operation adds nothing. */
export function mergeOp(state: EntityState | undefined, op: SyncOp): EntityState {
  const base: EntityState = state ?? { entity: op.entity, id: op.id, fields: {} };
  const stamp = stampOf(op);
  if (base.erased) {
    // Erased for good; of several erasures the earliest stamp is kept, whatever the order they arrive in.
    return op.kind === 'erase' && base.deleted !== undefined && stamp < base.deleted ? { ...base, deleted: stamp } : base;
  }
  switch (op.kind) {
    case 'erase':
      return { entity: op.entity, id: op.id, fields: {}, deleted: stamp, erased: true };
    case 'delete':
      if (base.deleted !== undefined && base.deleted <= stamp) return base;
      return { entity: op.entity, id: op.id, fields: {}, deleted: stamp };
    case 'put': {
      if (base.deleted !== undefined) return base;
      let fields: EntityState['fields'] | null = null;
      const merges = fieldMerges[op.entity];
      const earlier = fieldStamps(op);
      for (const [name, value] of Object.entries(op.fields ?? {})) {
        // A merged operation's field keeps the stamp it was written with (`stamps`).
        const at = earlier?.get(name);
        const s = at === undefined ? stamp : `${at}@${op.device}`;
        const cur = base.fields[name];
        let next: { v: Json; s: string } | null = null;
        const merge = merges?.[name];
        if (!cur) next = { v: value, s };
        else if (merge) {
          const v = merge(cur.v, value);
          if (!sameJson(v, cur.v)) next = { v, s: s > cur.s ? s : cur.s };
        } else if (s > cur.s) next = { v: value, s };
        if (next) (fields ??= { ...base.fields })[name] = next;
      }
      return fields ? { ...base, fields } : base;
    }
    default: {
      const never: never = op.kind;
      throw new Error(`unknown operation ${String(never)}`);
    }
  }
}

/** Joins two states of one entity (a snapshot's and a desktop's). */
export function mergeStates(a: EntityState | undefined, b: EntityState): EntityState {
  if (!a) return b;
  if (a.erased && b.erased) return (a.deleted ?? '') <= (b.deleted ?? '') ? a : b;
  if (a.erased) return a;
  if (b.erased) return b;
  const deleted = a.deleted === undefined ? b.deleted : b.deleted === undefined ? a.deleted : a.deleted < b.deleted ? a.deleted : b.deleted;
  if (deleted !== undefined) return { entity: a.entity, id: a.id, fields: {}, deleted };
  const fields = { ...a.fields };
  const merges = fieldMerges[a.entity];
  for (const [name, f] of Object.entries(b.fields)) {
    const cur = fields[name];
    const merge = merges?.[name];
    if (!cur) fields[name] = f;
    else if (merge) fields[name] = { v: merge(cur.v, f.v), s: cur.s > f.s ? cur.s : f.s };
    else if (f.s > cur.s) fields[name] = f;
  }
  return { ...a, fields };
}

/** The plain values of a state's fields. */
export const valuesOf = (state: EntityState): Record<string, Json> =>
  Object.fromEntries(Object.entries(state.fields).map(([k, f]) => [k, f.v]));

/** Deep equality of JSON values (key order ignored). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => sameJson(x, bb[i]));
  }
  const ak = Object.keys(a);
  const bo = b as Record<string, unknown>;
  return ak.length === Object.keys(bo).length && ak.every((k) => k in bo && sameJson((a as Record<string, unknown>)[k], bo[k]));
}

// ── GDPR erasure of a person who was alerted ────────────────────────────────────────────

/** What an erasure leaves in a roll-call in place of the person's name and address. */
export const ERASED_NAME = 'Raderad person';
export const ERASED_ADDRESS = 'raderad';

/**
 * An alert's recipient or delivery with the erased person taken out: the name, the address,
 * the message as rendered for them and the details of the timeline (replies, provider texts)
 * replaced, the outcome and the
 * statuses kept (the roll-call's numbers stay right). Fields absent stay absent; applying it
 * twice gives the same fields, so every desktop and the relay scrub alike.
 */
export function scrubPersonFields(entity: SyncEntity, fields: Record<string, Json>): Record<string, Json> {
  const out = { ...fields };
  if (entity === 'recipient' && 'displayName' in out) out.displayName = ERASED_NAME;
  if (entity === 'delivery') {
    if ('address' in out) out.address = ERASED_ADDRESS;
    // The message as rendered for the person (their name in it); the statuses tell what happened.
    for (const f of ['body', 'subject', 'html']) if (f in out) out[f] = null;
    if (Array.isArray(out.events))
      out.events = out.events.map((e) => (e && typeof e === 'object' && !Array.isArray(e) ? { ...e, detail: null } : e));
  }
  return out;
}

/** The same for a merged state: each field keeps its stamp, so the scrubbed state merges like the one it replaces. */
export function scrubPersonState(state: EntityState): EntityState {
  const values = scrubPersonFields(state.entity, valuesOf(state));
  return {
    ...state,
    fields: Object.fromEntries(Object.entries(state.fields).map(([k, f]) => [k, { v: values[k] ?? f.v, s: f.s }])),
  };
}

/** The entities that belong to one alert: dispatched by one desktop at a time, under its lease. */
export const alertScoped: ReadonlySet<SyncEntity> = new Set(['alert', 'recipient', 'delivery']);

/** An alert's own entities are keyed `<alert uid>/<part>`; the alert is the part before the slash. */
export const alertOf = (op: Pick<SyncOp, 'entity' | 'id'>): string | null => {
  if (!alertScoped.has(op.entity)) return null;
  const at = op.id.indexOf('/');
  return at < 0 ? op.id : op.id.slice(0, at);
};

/** Pair entities (a tag on a contact, a contact in a group) are keyed by their two ids. */
export const pairId = (a: string, b: string): string => `${a}|${b}`;

// ── the HTTPS sync API (Authorization: Bearer <device token>) ──────────────────────────

export const syncPushRequestSchema = z.object({ ops: z.array(syncOpSchema).min(1).max(1000) });
export type SyncPushRequest = z.infer<typeof syncPushRequestSchema>;

export const syncPushResponseSchema = z.object({
  /** Every operation of this device up to this counter is applied (now or before). */
  ackedThrough: z.number().int().nonnegative(),
  /** Operations refused for what they hold (they are acknowledged too: they never wedge the queue). */
  rejected: z.array(z.object({ counter: z.number().int().positive(), reason: z.string() })),
});
export type SyncPushResponse = z.infer<typeof syncPushResponseSchema>;

/**
 * A desktop's merged states, re-pushed after the relay's database was restored from a
 * backup (a new epoch): the relay joins each with its own and logs what it had lost.
 */
export const syncStatesRequestSchema = z.object({ epoch: z.string().min(1).max(100), states: z.array(entityStateSchema).min(1).max(1000) });
export type SyncStatesRequest = z.infer<typeof syncStatesRequestSchema>;
export const syncStatesResponseSchema = z.object({
  /** How many of the states added something the relay no longer had (each logged for the others). */
  restored: z.number().int().nonnegative(),
});
export type SyncStatesResponse = z.infer<typeof syncStatesResponseSchema>;

export const syncSnapshotPageSchema = z.object({
  /** The log sequence the snapshot follows from: apply the log after it. */
  seq: z.number().int().nonnegative(),
  /** The relay's epoch (a restored database has a new one). */
  epoch: z.string(),
  states: z.array(entityStateSchema),
  /** Pass as `after` for the next page; absent on the last page. */
  next: z.string().optional(),
  /** How many entities the organisation has in all (for progress): given on the first page only (counted once). */
  total: z.number().int().nonnegative().optional(),
});
export type SyncSnapshotPage = z.infer<typeof syncSnapshotPageSchema>;

/** A snapshot page with its states not yet checked (see checkEntityStates). */
export const syncSnapshotPageHeadSchema = syncSnapshotPageSchema.extend({ states: z.array(z.unknown()) });

const stateKeys: ReadonlySet<string> = new Set(['entity', 'id', 'fields', 'deleted', 'erased']);
const entityKinds: ReadonlySet<string> = new Set(syncEntities);

/**
 * Whether a state as JSON.parse gave it is one entityStateSchema takes as it is (nothing to
 * strip or convert). Any JSON value is a field's value, so only the shape around the values
 * is looked at: checking every value through the schema was the largest part of reading a
 * 100,000-contact snapshot.
 */
function plainEntityState(x: unknown): x is EntityState {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const o = x as Record<string, unknown>;
  for (const k in o) if (!stateKeys.has(k)) return false;
  if (typeof o.entity !== 'string' || !entityKinds.has(o.entity)) return false;
  if (typeof o.id !== 'string' || o.id.length < 1 || o.id.length > 600) return false;
  if (o.deleted !== undefined && typeof o.deleted !== 'string') return false;
  if (o.erased !== undefined && typeof o.erased !== 'boolean') return false;
  const fields = o.fields;
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields) || Object.getPrototypeOf(fields) !== Object.prototype)
    return false;
  for (const name in fields) {
    const f = (fields as Record<string, unknown>)[name];
    if (typeof f !== 'object' || f === null || Array.isArray(f)) return false;
    let keys = 0;
    for (const k in f) {
      if (k !== 'v' && k !== 's') return false;
      keys++;
    }
    const { v, s } = f as { v?: unknown; s?: unknown };
    if (keys !== 2 || typeof s !== 'string' || v === undefined) return false;
  }
  return true;
}

/**
 * A snapshot page's states (parsed JSON) checked as entityStateSchema checks them, with the
 * same result: a state of the usual shape is taken as it is, checked by hand; anything else
 * goes through the schema, which strips what it does not know or gives the reason the page
 * is refused ("states[12].fields.name.s: …").
 */
export function checkEntityStates(values: readonly unknown[]): { ok: true; states: EntityState[] } | { ok: false; reason: string } {
  const states: EntityState[] = new Array<EntityState>(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (plainEntityState(x)) {
      states[i] = x;
      continue;
    }
    const parsed = entityStateSchema.safeParse(x);
    if (!parsed.success)
      return { ok: false, reason: parsed.error.issues.map((issue) => `states[${i}].${issue.path.join('.')}: ${issue.message}`).join('; ') };
    states[i] = parsed.data;
  }
  return { ok: true, states };
}

export const syncDeviceSchema = z.object({
  deviceId: z.string(),
  name: z.string(),
  lastSeenAt: z.string().nullable(),
  online: z.boolean(),
  ackedThrough: z.number().int().nonnegative(),
  /** The running alerts this desktop dispatches (their names, as the asking desktop knows them). */
  runs: z.array(z.string()).default([]),
});
export const organisationViewSchema = z.object({ tenant: z.string(), devices: z.array(syncDeviceSchema) });
export type OrganisationView = z.infer<typeof organisationViewSchema>;

// ── alert leases: which desktop dispatches a running alert ──────────────────────────────
//
// A running alert is dispatched by exactly one desktop, holding a lease on it in the
// relay's Postgres that it renews every few seconds. The token only grows: taking over an
// alert whose lease expired gives a greater one, and the relay refuses the alert's
// operations made under an older token, so an owner that comes back cannot overwrite the
// new owner's work.

/** How long a lease lasts without renewal, and how often the owner renews it. */
export const LEASE_TTL_MS = 15_000;
export const LEASE_RENEW_MS = 5_000;

export const leaseSchema = z.object({
  alert: syncIdSchema,
  /** The device holding it, and its name as enrolled. */
  owner: z.string(),
  ownerName: z.string(),
  token: z.number().int().positive(),
  expiresAt: z.string(),
  /** Whether the owner stopped renewing (another desktop may take over). */
  expired: z.boolean(),
});
export type Lease = z.infer<typeof leaseSchema>;

export const leaseRenewRequestSchema = z.object({
  leases: z.array(z.object({ alert: syncIdSchema, token: z.number().int().positive() })).max(500),
});
export const leaseRenewResponseSchema = z.object({
  /** Each lease as the relay now holds it: renewed when the device still owns it under that token. */
  leases: z.array(leaseSchema.extend({ renewed: z.boolean() })),
});
export type LeaseRenewResponse = z.infer<typeof leaseRenewResponseSchema>;

export const leaseTakeRequestSchema = z.object({ alert: syncIdSchema });
export const leaseTakeResponseSchema = z.union([
  z.object({ taken: z.literal(true), lease: leaseSchema }),
  z.object({ taken: z.literal(false), lease: leaseSchema, reason: z.string() }),
]);
export type LeaseTakeResponse = z.infer<typeof leaseTakeResponseSchema>;

export const leaseListSchema = z.object({ leases: z.array(leaseSchema) });
