// The engine's guard over the campaign lifecycle: every change of a campaign's status, by
// the operator or by GDial itself, asks the protocol's transition table first and is
// refused, with a sentence saying when it would be possible, if the table does not list it.
import {
  refusal,
  campaignLifecycle,
  campaignStatuses,
  campaignTransition,
  type CampaignAction,
  type CampaignStatus,
  type CampaignStep,
  type CampaignTarget,
} from '@gdial/protocol';
import { DomainError } from '../errors';

const verb: Record<CampaignAction | CampaignStep, string> = {
  edit: 'changed',
  delete: 'deleted',
  start: 'started',
  schedule: 'scheduled',
  submit: 'submitted for approval',
  pause: 'paused',
  resume: 'resumed',
  cancel: 'cancelled',
  due: 'started by its schedule',
  'schedule-failed': 'sent back to draft after a failed scheduled start',
  'schedule-ended': 'ended by its schedule',
  finish: 'completed',
  approved: 'started after its approval',
  'approved-schedule': 'scheduled after its approval',
  rejected: 'rejected',
};

/** Where `what` leads for this campaign; throws CONFLICT when the lifecycle does not allow it. */
export function requireTransition(campaign: { id: number; status: CampaignStatus }, what: CampaignAction | CampaignStep): CampaignTarget {
  const to = campaignTransition(campaign.status, what);
  if (to !== null) return to;
  const allowedIn = campaignStatuses.filter((s) => campaignLifecycle[s][what] !== undefined);
  const hint = what === 'delete' && campaignTransition(campaign.status, 'cancel') !== null ? ' (cancel it first)' : '';
  throw new DomainError(
    'CONFLICT',
    `Campaign ${campaign.id} is ${campaign.status}; it can be ${verb[what]} only when ${allowedIn.join(' or ')}${hint}`,
    { status: campaign.status, action: what },
    refusal('campaign.transition', { id: campaign.id, status: campaign.status, action: what }),
  );
}

/** The status `what` leads to (for the transitions that keep the campaign). */
export function nextStatus(campaign: { id: number; status: CampaignStatus }, what: CampaignAction | CampaignStep): CampaignStatus {
  const to = requireTransition(campaign, what);
  if (to === 'deleted') throw new Error(`${what} deletes the campaign; it has no next status`);
  return to;
}
