// Prepared alerts (larmmallar): an alert's whole plan — audience, channels and steps,
// message, confirmation, escalation, schedule — saved under a name before anything
// happens, so that in a crisis one is started by choosing it, reviewing it and typing the
// head count. Using one, sending a past alert again, or alerting those who did not answer
// all make a new draft alert that goes through the same review and start.
import { z } from 'zod';
import { approvalPersonSchema } from './approvals';
import { campaignFieldsSchema, campaignSchema } from './campaigns';
import { method } from './rpc-core';

const campaignId = z.number().int().positive();
const preparedId = z.string().min(1).max(64);

/**
 * Pre-approval: the two-person rule met once, at preparation. The author asks, a different
 * signed-in Larmoperatör or Administratör approves (or rejects with a reason). The approval
 * binds to the plan as it was saved (`planHash`: the plan as the organisation shares it,
 * hashed); an edit of the plan voids it. An alert made from a pre-approved prepared alert
 * then starts above the threshold with only the head-count confirmation.
 */
export const preparedApprovalSchema = z.object({
  /** sha256 of the plan (naming groups, people and the template by their organisation-wide uids). */
  planHash: z.string(),
  requestedBy: approvalPersonSchema,
  requestedAt: z.string(),
  /** People in the audience when it was asked. */
  people: z.number().int().nonnegative(),
  decision: z
    .object({
      kind: z.enum(['approved', 'rejected']),
      by: approvalPersonSchema,
      at: z.string(),
      comment: z.string(),
      /** People in the audience when it was decided (what the approver saw). */
      people: z.number().int().nonnegative(),
    })
    .nullable(),
  /** The plan was changed after the request (by whom, when): the request or approval no longer holds. */
  voided: z.object({ by: z.string(), at: z.string() }).nullable().default(null),
});
export type PreparedApproval = z.infer<typeof preparedApprovalSchema>;

/** none: never asked; void: the plan changed since (or differs on this desktop). */
export const preparedApprovalStates = ['none', 'pending', 'approved', 'rejected', 'void'] as const;
export type PreparedApprovalState = (typeof preparedApprovalStates)[number];

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
  approval: preparedApprovalSchema.nullable().default(null),
  /** Where the pre-approval stands, worked out when read (never trusted as stored). */
  approvalState: z.enum(preparedApprovalStates).default('none'),
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
  /** The author asks for pre-approval of the plan as saved (a different person decides). */
  'preparedAlerts.requestApproval': method(z.object({ id: preparedId }), preparedAlertSchema),
  /** Another signed-in operator approves the plan: alerts made from it start with only the head count. */
  'preparedAlerts.approve': method(z.object({ id: preparedId, comment: z.string().trim().max(1000).default('') }), preparedAlertSchema),
  'preparedAlerts.reject': method(
    z.object({ id: preparedId, comment: z.string().trim().min(3, 'Skriv varför larmmallen avslås (minst 3 tecken)').max(1000) }),
    preparedAlertSchema,
  ),
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
