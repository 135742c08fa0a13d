// Organisation sync as the console sees it: how far this desktop's changes have reached the
// relay, and the organisation's desktops.
import { z } from 'zod';
import { method } from './rpc-core';
import { organisationViewSchema } from './sync';

export const syncStatusSchema = z.object({
  /** Whether this desktop shares data with an organisation (a relay is configured and this desktop joined). */
  enabled: z.boolean(),
  deviceId: z.string().nullable(),
  /** Changes made here that the relay has not acknowledged yet. */
  pending: z.number().int().nonnegative(),
  /** When the relay last acknowledged a push or a snapshot completed. */
  lastSyncAt: z.string().nullable(),
  /** The first snapshot of the organisation, while it runs: entities received of the total. */
  snapshot: z.object({ received: z.number().int().nonnegative(), total: z.number().int().nonnegative() }).nullable(),
  /** Why the last push failed, when it did (in English for the log; the console words the state). */
  lastError: z.string().nullable(),
});
export type SyncStatus = z.infer<typeof syncStatusSchema>;

export const syncMethods = {
  'sync.status': method(z.object({}), syncStatusSchema),
  /** The organisation's desktops, from the relay. */
  'sync.organisation': method(z.object({}), organisationViewSchema, { timeoutMs: 35_000 }),
};

export const syncEvents = {
  'sync.status': syncStatusSchema,
};
