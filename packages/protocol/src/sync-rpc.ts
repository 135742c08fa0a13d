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
  /** Organisation setting: take an alert over as soon as the workstation running it stops answering. */
  autoTakeOver: z.boolean(),
});
export type SyncStatus = z.infer<typeof syncStatusSchema>;

/** Who runs an alert: this desktop, or another one of the organisation (and whether it still renews its lease). */
export const alertOwnerSchema = z.object({
  remote: z.boolean(),
  /** The device id (this desktop's when not remote; null when this desktop is not in an organisation). */
  owner: z.string().nullable(),
  /** The other desktop's name, as enrolled. */
  ownerName: z.string().nullable(),
  /** When the owner's lease runs out unless renewed (null: not heard yet, or run here). */
  expiresAt: z.string().nullable(),
  /** False once the owner stopped renewing: "Larmet sköts av X som inte svarar" and Ta över. */
  answering: z.boolean(),
});
export type AlertOwner = z.infer<typeof alertOwnerSchema>;

const campaignRef = z.object({ campaignId: z.number().int().positive() });

export const syncMethods = {
  'sync.status': method(z.object({}), syncStatusSchema),
  /** The organisation's desktops, from the relay. */
  'sync.organisation': method(z.object({}), organisationViewSchema),
  /** Who runs an alert (the alert view and the overview show it). */
  'sync.alertOwner': method(campaignRef, alertOwnerSchema),
  /** Ta över: run an alert whose owner stopped answering from this desktop. */
  'sync.takeOver': method(campaignRef, alertOwnerSchema),
  /** The organisation's setting: take alerts over automatically when their workstation stops answering. */
  'sync.setAutoTakeOver': method(z.object({ enabled: z.boolean() }), syncStatusSchema),
};

export const syncEvents = {
  'sync.status': syncStatusSchema,
  /** An alert changed hands, or its owner stopped (or resumed) answering. */
  'sync.alertOwner': z.object({ campaignIds: z.array(z.number().int()) }),
};
