// The two-person rule: a live alert to more than the organisation's threshold of recipients,
// and any alert flagged "Skarpt VMA-underlag", starts only after a second operator approved
// it. The starter submits it (the alert waits in `awaiting-approval`), any other
// Larmoperatör or Administratör of the organisation approves or rejects it with a comment,
// and an Administratör may start it alone with a typed reason (the emergency override,
// marked in red). Test alerts to the organisation's own test group are exempt. The rule is
// written once here (`approvalReasons`) and read by the engine's guard and the console.
import { z } from 'zod';
import { method } from './rpc-core';
import { campaignSchema, campaignStatusSchema, planReportSchema } from './campaigns';
import { channelSchema } from './contacts';

const id = z.number().int().positive();

/** The organisation's rule (shared by every desktop of the organisation). */
export const approvalRuleSchema = z.object({
  /** A live alert to more than this many recipients needs a second operator's approval. */
  threshold: z.number().int().min(0).max(1_000_000).default(10),
  /** The organisation's test group: test alerts to it need no approval. Null: none named. */
  testGroupId: id.nullable().default(null),
  /**
   * Whether the one who wrote a template may approve it themselves. Off by default (a second
   * person approves); on for an organisation with a single person who writes and approves.
   */
  authorMayApproveTemplates: z.boolean().default(false),
});
export type ApprovalRule = z.output<typeof approvalRuleSchema>;
export type ApprovalRuleInput = z.input<typeof approvalRuleSchema>;
export const approvalRuleDefaults: ApprovalRule = { threshold: 10, testGroupId: null, authorMayApproveTemplates: false };

/** Why an alert needs a second person. */
export const approvalReasons = ['head-count', 'vma'] as const;
export type ApprovalReason = (typeof approvalReasons)[number];

/**
 * The rule itself: the reasons an alert needs approval (none: it may start at once).
 * `testGroupId` is the alert's test group (null: live).
 */
export function approvalNeeded(
  /** `preApproved`: the plan is a prepared alert's that two people approved at preparation (covers the head count, not a VMA). */
  alert: { recipients: number; vma: boolean; testGroupId: number | null; preApproved?: boolean },
  rule: ApprovalRule,
): ApprovalReason[] {
  if (alert.testGroupId !== null && alert.testGroupId === rule.testGroupId) return [];
  const reasons: ApprovalReason[] = [];
  if (alert.recipients > rule.threshold && !alert.preApproved) reasons.push('head-count');
  if (alert.vma) reasons.push('vma');
  return reasons;
}

export const approvalDecisionKinds = ['approved', 'rejected', 'overridden'] as const;
export type ApprovalDecisionKind = (typeof approvalDecisionKinds)[number];

/** A person at a desktop: users are compared by `id`, never by name or session. */
export const approvalPersonSchema = z.object({ id: z.string(), name: z.string(), desktop: z.string() });
export type ApprovalPerson = z.infer<typeof approvalPersonSchema>;

export const approvalSchema = z.object({
  campaignId: id,
  campaignName: z.string(),
  status: campaignStatusSchema,
  testMode: z.boolean(),
  vma: z.boolean(),
  reasons: z.array(z.enum(approvalReasons)),
  requestedBy: approvalPersonSchema,
  requestedAt: z.string(),
  /** What the starter saw in "Granska och starta". */
  recipients: z.number().int().nonnegative(),
  deliveries: z.number().int().nonnegative(),
  channels: z.array(channelSchema),
  maxCost: z.number().nonnegative(),
  currency: z.string(),
  decision: z
    .object({
      kind: z.enum(approvalDecisionKinds),
      by: approvalPersonSchema,
      at: z.string(),
      /** The approver's or rejecter's comment; the override's reason. */
      comment: z.string(),
    })
    .nullable(),
});
export type Approval = z.infer<typeof approvalSchema>;

const comment = z.string().trim().max(1000);

export const approvalsMethods = {
  /**
   * The approval requests waiting for a decision (every desktop of the organisation), or the
   * request of one alert (`campaignId`, also once decided); with the organisation's rule.
   */
  'campaigns.approvals': method(
    z.object({ campaignId: id.optional() }),
    z.object({ approvals: z.array(approvalSchema), rule: approvalRuleSchema }),
  ),
  /** "Skicka för godkännande": the alert waits for a second operator (also for a scheduled one). */
  'campaigns.submitForApproval': method(
    z.object({ id, unapprovedReason: z.string().trim().min(3).max(1000).optional() }),
    z.object({ campaign: campaignSchema, approval: approvalSchema, plan: planReportSchema }),
  ),
  /** Another operator approves: the desktop that runs the alert starts it. */
  'campaigns.approve': method(z.object({ id, comment: comment.default('') }), approvalSchema),
  /** Ends the alert (a terminal state) with the comment. */
  'campaigns.reject': method(z.object({ id, comment: comment.min(3, 'Skriv varför larmet avslås (minst 3 tecken)') }), approvalSchema),
  /** Admin's emergency override: starts a draft or waiting alert without a second person. */
  'campaigns.override': method(
    z.object({ id, reason: z.string().trim().min(10, 'Skriv skälet till nödundantaget (minst 10 tecken)').max(1000) }),
    approvalSchema,
  ),
  'campaigns.approvalRule.set': method(approvalRuleSchema, approvalRuleSchema),
};

export const approvalsEvents = {
  /** An approval request was made or decided here or on another desktop. */
  'campaigns.approvals': z.object({ campaignIds: z.array(id) }),
};
