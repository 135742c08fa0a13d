// The campaign lifecycle as one table: draft → (awaiting-approval →) scheduled → running ⇄
// paused → completed / cancelled (or rejected by the second operator). For each status it lists what may happen next and where that leads: the
// operator's actions (edit, delete, start, schedule, pause, resume, cancel) and the steps
// GDial takes by itself (a scheduled start comes due or fails, the last delivery settles).
// The engine's guards refuse whatever the table does not list, and the console shows a
// button only for an action the table allows, so the two cannot disagree.
import type { CampaignStatus } from './campaigns';

/** What an operator can do to a campaign. */
export const campaignActions = ['edit', 'delete', 'start', 'schedule', 'submit', 'pause', 'resume', 'cancel'] as const;
export type CampaignAction = (typeof campaignActions)[number];

/** What GDial does to a campaign by itself. */
export const campaignSteps = [
  /** A scheduled campaign's time has come: it starts. */
  'due',
  /** A one-off scheduled start failed: the campaign goes back to draft for the operator to look at. */
  'schedule-failed',
  /** A recurring campaign has no future run left. */
  'schedule-ended',
  /** Nothing is left to send or wait for. */
  'finish',
  /** A second operator approved (or an admin overrode): it starts now, or its schedule is armed. */
  'approved',
  'approved-schedule',
  /** A second operator rejected it: it ends without sending. */
  'rejected',
] as const;
export type CampaignStep = (typeof campaignSteps)[number];

/** Where a transition leads; `deleted` means the campaign is gone. */
export type CampaignTarget = CampaignStatus | 'deleted';

export const campaignLifecycle: Readonly<Record<CampaignStatus, Readonly<Partial<Record<CampaignAction | CampaignStep, CampaignTarget>>>>> =
  {
    // Editing a scheduled campaign disarms its schedule: it must be scheduled again.
    draft: { edit: 'draft', delete: 'deleted', start: 'running', schedule: 'scheduled', submit: 'awaiting-approval' },
    // The two-person rule: the starter may withdraw it (cancel); the second operator decides.
    'awaiting-approval': { cancel: 'cancelled', approved: 'running', 'approved-schedule': 'scheduled', rejected: 'rejected' },
    scheduled: {
      edit: 'draft',
      delete: 'deleted',
      cancel: 'cancelled',
      due: 'running',
      'schedule-failed': 'draft',
      'schedule-ended': 'completed',
    },
    // A campaign with deliveries in our hands is cancelled (which keeps its report), never deleted.
    running: { pause: 'paused', cancel: 'cancelled', finish: 'completed' },
    paused: { resume: 'running', cancel: 'cancelled', finish: 'completed' },
    completed: { delete: 'deleted' },
    cancelled: { delete: 'deleted' },
    rejected: { delete: 'deleted' },
  };

/** Where `what` leads from `status`, or null when the lifecycle does not allow it. */
export const campaignTransition = (status: CampaignStatus, what: CampaignAction | CampaignStep): CampaignTarget | null =>
  campaignLifecycle[status][what] ?? null;

/** Whether the operator may do `action` to a campaign in `status` (the console shows the button only then). */
export const campaignAllows = (status: CampaignStatus, action: CampaignAction): boolean => campaignTransition(status, action) !== null;

/** The operator's actions a campaign in `status` allows, in the order of campaignActions. */
export const campaignActionsIn = (status: CampaignStatus): CampaignAction[] => campaignActions.filter((a) => campaignAllows(status, a));

/** Statuses whose deliveries are in GDial's hands (sending, waiting for an answer, or held by a pause). */
export const isCampaignUnderway = (status: CampaignStatus): boolean => campaignTransition(status, 'finish') !== null;

/** Statuses nothing leads out of except deleting: the campaign is over. */
export const isCampaignOver = (status: CampaignStatus): boolean => Object.values(campaignLifecycle[status]).every((to) => to === 'deleted');
