// Prepared alerts (larmmallar): an alert's whole plan — audience, channels and steps,
// message, confirmation, escalation, schedule — saved under a name before anything
// happens, so that in a crisis one is started by choosing it, reviewing it and typing the
// head count. Using one, sending a past alert again, or alerting those who did not answer
// all make a new draft alert that goes through the same review and start.
import { z } from 'zod';
import { campaignFieldsSchema, campaignSchema } from './campaigns';
import { method } from './rpc-core';

const campaignId = z.number().int().positive();
const preparedId = z.string().min(1).max(64);

export const preparedAlertSchema = z.object({
  id: preparedId,
  name: z.string(),
  description: z.string().nullable(),
  /** The plan a new alert starts from; its name is the alert's name. */
  fields: campaignFieldsSchema,
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
export type PreparedAlert = z.infer<typeof preparedAlertSchema>;

export const preparedAlertInputSchema = z.object({
  /** Omitted: a new prepared alert. */
  id: preparedId.optional(),
  description: z.string().trim().max(500).nullable().optional(),
  fields: campaignFieldsSchema,
});
export type PreparedAlertInput = z.input<typeof preparedAlertInputSchema>;

/** Who a repeated alert goes to: everyone again, or only those who did not confirm. */
export const resendAudiences = ['all', 'unconfirmed'] as const;
export type ResendAudience = (typeof resendAudiences)[number];

export const preparedAlertsMethods = {
  'preparedAlerts.list': method(z.object({}), z.object({ preparedAlerts: z.array(preparedAlertSchema) })),
  /** Creates a prepared alert, or replaces the plan of the one named by `id`. */
  'preparedAlerts.save': method(preparedAlertInputSchema, preparedAlertSchema),
  'preparedAlerts.delete': method(z.object({ id: preparedId }), z.object({ deleted: z.literal(true) })),
  /** A new draft alert from a prepared one, ready for "Granska och starta". */
  'preparedAlerts.use': method(z.object({ id: preparedId }), campaignSchema),
  /**
   * A new draft alert with a past alert's plan: to everyone again, or only to the people
   * who did not confirm (or were not reached), ready for "Granska och starta".
   */
  'campaigns.repeat': method(
    z.object({
      id: campaignId,
      audience: z.enum(resendAudiences),
      /** The new alert's name; the past alert's when omitted. */
      name: z.string().trim().min(1).max(200).optional(),
    }),
    campaignSchema,
  ),
};

export const preparedAlertsEvents = {
  'preparedAlerts.changed': z.object({ ids: z.array(preparedId) }),
};
