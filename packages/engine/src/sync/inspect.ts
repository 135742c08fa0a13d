// What a desktop holds of the organisation's shared data, in a form two desktops can be
// compared by (local row ids differ between desktops; the merged states do not): tests, the
// convergence harness and support use it.
import type { EntityState } from '@gdial/protocol';
import type { Store } from '../store/db';
import { everyState, pendingCount } from '../store/sync';

export interface SyncPicture {
  states: EntityState[];
}

/**
 * The merged states with every object's keys in order: two desktops may have merged fields in
 * another order, and a snapshot read from Postgres (jsonb) orders an object's keys its own way.
 */
export function inspectSync(store: Pick<Store, 'read'>): SyncPicture {
  return { states: everyState(store.read).map((s) => canonical(s) as EntityState) };
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
  );
}

export const pendingSyncOps = (store: Pick<Store, 'read'>): number => pendingCount(store.read);
