// Organisation sync's way into the tenant's log: a desktop pushes the operations of its
// outbox; each is merged into the entity's state in Postgres and appended to the log, from
// which every desktop of the organisation applies it in the same order. A push is
// idempotent: an operation the log already holds (same device and counter) is acknowledged
// again and not applied twice (the merge is a join, so merging it again changes nothing);
// an operation that is not this device's or names no known kind is refused with a reason
// and acknowledged too, so it never wedges the desktop's queue. An alert's operations
// (the alert, its recipients, its deliveries) are taken only from the desktop holding the
// alert's lease, under its current token: a desktop that lost the lease is refused.
import { createHash } from 'node:crypto';
import {
  LEASE_TTL_MS,
  alertOf,
  mergeOp,
  mergeStates,
  sameJson,
  syncEntities,
  type EntityState,
  type SyncOp,
  type SyncPushResponse,
  type SyncStatesResponse,
} from '@gdial/protocol';
import { leasesForPush, mergeEntities, scrubErasedPeople, scrubLoggedOps, syncEpoch, type EntityKey } from '../store/sync';
import type { RelayDb, SqlExecutor } from '../store/db';
import type { EventAppender } from './appender';
import { produceWebhookEvents, type WebhookEvents } from '../webhooks-out/producer';

/** The contacts these operations erase (GDPR): the alerts that named them lose them too. */
const erasedContacts = (ops: readonly Pick<SyncOp, 'entity' | 'id' | 'kind'>[]): string[] => [
  ...new Set(ops.filter((o) => o.entity === 'contact' && o.kind === 'erase').map((o) => o.id)),
];

const keyOf = (op: Pick<SyncOp, 'entity' | 'id'>): string => `${op.entity}\u0000${op.id}`;

export async function pushSyncOps(
  deps: { db: RelayDb; appender: EventAppender; webhookEvents?: WebhookEvents },
  tenantId: string,
  deviceId: string,
  ops: readonly SyncOp[],
): Promise<SyncPushResponse> {
  const rejected: SyncPushResponse['rejected'] = [];
  const accepted: SyncOp[] = [];
  for (const op of ops) {
    if (op.device !== deviceId)
      rejected.push({ counter: op.counter, reason: `the operation names device ${op.device}, not the pushing device` });
    else if (!(syncEntities as readonly string[]).includes(op.entity))
      rejected.push({ counter: op.counter, reason: `unknown entity ${op.entity}` });
    else accepted.push(op);
  }
  const ended = new Map<string, EntityKey>();
  let webhookEvents = 0;
  const alerts = [...new Set(accepted.map(alertOf).filter((a): a is string => a !== null))];
  if (accepted.length > 0) {
    const fenced = async (q: SqlExecutor): Promise<void> => {
      const leases = await leasesForPush(q, tenantId, deviceId, alerts, LEASE_TTL_MS);
      for (let i = accepted.length - 1; i >= 0; i--) {
        const op = accepted[i]!;
        const alert = alertOf(op);
        const lease = alert === null ? undefined : leases.get(alert);
        if (!lease || (lease.owner === deviceId && (op.fence ?? 1) === lease.token)) continue;
        rejected.push({
          counter: op.counter,
          reason: `alert ${alert} is dispatched by ${lease.ownerName} under lease ${lease.token}; this operation was made under ${op.fence ?? 1}`,
        });
        accepted.splice(i, 1);
      }
    };
    await mergeEntities(
      deps.db,
      tenantId,
      accepted,
      (current) => {
        const next = new Map<string, EntityState>();
        for (const op of accepted) {
          const k = keyOf(op);
          const before = next.get(k) ?? current.get(k);
          const after = mergeOp(before, op);
          if (after !== before) next.set(k, after);
          if (after.deleted !== undefined) ended.set(k, { entity: op.entity, id: op.id });
        }
        return [...next.values()];
      },
      alerts.length > 0 ? fenced : undefined,
      alerts.length > 0
        ? async (q, changed, before) => {
            webhookEvents = await produceWebhookEvents(q, tenantId, changed, before, new Date(deps.webhookEvents?.now() ?? Date.now()));
          }
        : undefined,
    );
    if (webhookEvents > 0) deps.webhookEvents?.wake();
    // In push order, so the log holds a device's operations in the order it made them. An
    // edit of an entity that is deleted or erased changes nothing; it is logged without its
    // fields, so no personal data of an erased person enters the log after the erasure.
    await Promise.all(
      accepted.map((op) => {
        const logged: SyncOp = ended.has(keyOf(op)) && op.fields ? { ...op, fields: undefined } : op;
        if (logged.fields === undefined) delete logged.fields;
        return deps.appender.append(tenantId, {
          eventKey: `sync:${op.device}:${op.counter}`,
          kind: 'sync',
          event: { type: 'sync', op: logged },
        });
      }),
    );
    await scrubLoggedOps(deps.db, tenantId, [...ended.values()]);
    await scrubErasedPeople(deps.db, tenantId, erasedContacts(accepted));
  }
  return { ackedThrough: Math.max(0, ...ops.map((o) => o.counter)), rejected };
}

/** The pushing desktop named an epoch that is not the tenant's (the database was restored again meanwhile). */
export class EpochMismatch extends Error {}

/**
 * A desktop's merged states, re-pushed into a new epoch (the relay's database was restored
 * from a backup and lost operations the desktops had already applied). Each is joined with
 * the relay's state; a state that added something is logged as the merged result, so the
 * other desktops receive what the restore had lost, and an entity it deletes or erases has
 * its logged operations scrubbed as after an ordinary push.
 */
export async function pushSyncStates(
  deps: { db: RelayDb; appender: EventAppender },
  tenantId: string,
  deviceId: string,
  epoch: string,
  states: readonly EntityState[],
): Promise<SyncStatesResponse> {
  const current = await syncEpoch(deps.db, tenantId);
  if (current.id !== epoch) throw new EpochMismatch(`the relay's sync epoch is ${current.id}, not ${epoch}`);
  const ended = new Map<string, EntityKey>();
  const changed = await mergeEntities(deps.db, tenantId, states, (have) => {
    const next = new Map<string, EntityState>();
    for (const s of states) {
      const k = keyOf(s);
      const before = next.get(k) ?? have.get(k);
      const after = mergeStates(before, s);
      if (before !== undefined && sameJson(after, before)) continue;
      next.set(k, after);
      if (after.deleted !== undefined) ended.set(k, { entity: s.entity, id: s.id });
    }
    return [...next.values()];
  });
  await Promise.all(
    changed.map((state) => {
      const digest = createHash('sha256').update(JSON.stringify(state)).digest('base64url').slice(0, 22);
      const key = `state:${epoch}:${deviceId}:${state.entity}:${state.id}:${digest}`;
      return deps.appender.append(tenantId, { eventKey: key, kind: 'sync', event: { type: 'sync-state', key, state } });
    }),
  );
  await scrubLoggedOps(deps.db, tenantId, [...ended.values()]);
  await scrubErasedPeople(
    deps.db,
    tenantId,
    erasedContacts(changed.map((x) => ({ entity: x.entity, id: x.id, kind: x.erased ? 'erase' : 'put' }))),
  );
  return { restored: changed.length };
}
