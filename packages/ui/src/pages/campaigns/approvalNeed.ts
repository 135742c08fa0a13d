// The two-person rule as the start dialogs meet it: whether this plan needs a second
// operator (the protocol's rule with the organisation's threshold and test group, the same
// function the engine's guard calls), and the one call that either starts the alert or
// submits it for approval ("Skicka för godkännande").
import { useCallback } from 'react';
import { approvalNeeded, type ApprovalReason, type PlanReport } from '@gdial/protocol';
import { useEvent, useQuery, useRpc } from '../../rpc/react';

/** Why the alert needs a second operator; empty while unknown or when it does not. */
export function useApprovalNeed(plan: PlanReport | null, alert: { vma: boolean; testGroupId: number | null }): ApprovalReason[] {
  const approvals = useQuery('campaigns.approvals', {});
  useEvent('campaigns.approvals', () => approvals.reload());
  const rule = approvals.data?.rule;
  if (!plan || !rule) return [];
  // A plan two people approved at preparation (a pre-approved prepared alert's) needs only the head count.
  return approvalNeeded(
    { recipients: plan.recipients, vma: alert.vma, testGroupId: alert.testGroupId, preApproved: plan.preApproved !== null },
    rule,
  );
}

/** Starts the alert, or submits it for approval when it needs a second operator; resolves to the alert's id. */
export function useStartOrSubmit(): (
  id: number,
  needs: readonly ApprovalReason[],
  unapprovedReason: string | undefined,
) => Promise<number> {
  const rpc = useRpc();
  return useCallback(
    async (id, needs, unapprovedReason) => {
      const input = { id, ...(unapprovedReason ? { unapprovedReason } : {}) };
      const r = needs.length > 0 ? await rpc.call('campaigns.submitForApproval', input) : await rpc.call('campaigns.start', input);
      return r.campaign.id;
    },
    [rpc],
  );
}
