// Pre-approval of prepared alerts (protocol's prepared-alerts.ts says what it is): the plan's
// hash an approval binds to, where a prepared alert's approval stands, and whether an
// alert's plan is one two people approved at preparation. The hash is taken over the plan as
// the organisation shares it (groups, people and the template by their uids), so an approval
// synced to another desktop holds there for the same plan; a plan that differs there (a
// group that is not on that desktop) is void there. An alert matches a pre-approved prepared
// alert when its plan is the prepared one apart from its name (an API request fills in its
// placeholders) and its schedule (when it runs, not what it sends or to whom).
import {
  campaignFieldsSchema,
  type CampaignSettings,
  type PlanReport,
  type PreparedAlert,
  type PreparedApprovalState,
} from '@gdial/protocol';
import type { Reader, Tx } from '../store/db';
import { listPreparedAlerts } from '../store/prepared-alerts';
import { uidOf } from '../store/sync';
import { uidFor } from '../sync/codecs/contacts';
import { mapPlan } from '../sync/codecs/prepared';
import { canonicalJson as canonical, sharedPlanHash } from './plan-hash';

/**
 * The plan's hash as the organisation shares it. `mint` (a transaction): gives a uid to a
 * group, person or template that has none yet (a request or decision); without it such a
 * row is named by its local id, which matches no hash taken elsewhere.
 */
export function planHash(db: Reader, fields: CampaignSettings, mint?: Tx): string {
  const plan = mapPlan<number, string>(campaignFieldsSchema.parse(fields), (entity, id) =>
    mint ? uidFor(mint, entity, id) : (uidOf(db, entity, id) ?? `local:${entity}:${id}`),
  );
  return sharedPlanHash(plan);
}

/** Where the prepared alert's pre-approval stands now (an edit since, here or elsewhere, voids it). */
export function approvalStateOf(db: Reader, p: PreparedAlert): PreparedApprovalState {
  const a = p.approval;
  if (!a) return 'none';
  if (a.voided || a.planHash !== planHash(db, p.fields)) return 'void';
  return a.decision?.kind ?? 'pending';
}

export const withApprovalState = (db: Reader, p: PreparedAlert): PreparedAlert => ({ ...p, approvalState: approvalStateOf(db, p) });

/** The pre-approved prepared alert whose plan this alert's plan is (but for name and schedule); null when none. */
export function preApprovalOf(db: Reader, settings: CampaignSettings): PlanReport['preApproved'] {
  const approved = listPreparedAlerts(db).filter((p) => p.approval?.decision?.kind === 'approved');
  if (approved.length === 0) return null;
  const text = (fields: CampaignSettings, like: CampaignSettings) => canonical({ ...fields, name: like.name, schedule: like.schedule });
  for (const p of approved) {
    if (text(settings, p.fields) !== text(p.fields, p.fields) || approvalStateOf(db, p) !== 'approved') continue;
    const a = p.approval!;
    const d = a.decision!;
    return { preparedAlertId: p.id, name: p.name, requestedBy: a.requestedBy.name, approvedBy: d.by.name, at: d.at, people: d.people };
  }
  return null;
}
