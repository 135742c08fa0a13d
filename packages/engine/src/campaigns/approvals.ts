// The two-person rule (protocol's approvals.ts says what it is). The starter submits an alert
// that needs a second operator ("Skicka för godkännande"): it waits in `awaiting-approval`
// with a request naming who asked, from which desktop, and what the plan said. The request
// is organisation data (sync entity `approval`), so any other Larmoperatör or Administratör
// on any desktop sees it at once and decides; the first decision stands. The desktop that
// runs the alert reacts to a decision, made here or synced from elsewhere (`settle`): an
// approval starts the alert (or arms its schedule), a rejection ends it. An admin's
// emergency override starts an alert without a second person, with a typed reason, audited.
// The guard `requireSecondPerson` is what every start and schedule asks first.
import { hostname } from 'node:os';
import { z } from 'zod';
import {
  approvalNeeded,
  approvalRuleSchema,
  campaignFieldsSchema,
  refusal,
  type Approval,
  type ApprovalDecisionKind,
  type ApprovalPerson,
  type ApprovalRule,
  type ApprovalRuleInput,
  type Campaign,
  type CampaignStep,
  type PlanReport,
  type SignedInUser,
} from '@gdial/protocol';
import type { EngineContext } from '../context';
import { DomainError, invalid, notFound } from '../errors';
import type { Logger } from '../log';
import { approvalOf, approvalRow, decideApproval, decidedWaiting, pendingApprovals, putApproval } from '../store/approvals';
import { recordAudit } from '../store/audit';
import { getCampaign, updateCampaign, type StoredCampaign } from '../store/campaigns';
import type { Reader, Tx } from '../store/db';
import { getGroup } from '../store/groups';
import { readSetting, readSettingValue, writeSetting, type SettingDef } from '../store/settings';
import { localIdOf } from '../store/sync';
import { uidFor } from '../sync/codecs/contacts';
import { nextStatus } from './lifecycle';
import { requireRunHere } from './remote';
import type { CampaignService } from './service';

/** The organisation's rule as stored (shared by sync): the test group by its uid, so every desktop finds its own row. */
const storedRuleSchema = z.object({
  threshold: z.number().int().nonnegative(),
  testGroup: z.string().nullable(),
  authorMayApproveTemplates: z.boolean().default(false),
});
export const approvalRuleSetting: SettingDef<z.output<typeof storedRuleSchema>> = {
  key: 'approvals.rule',
  schema: storedRuleSchema,
  fallback: { threshold: 10, testGroup: null, authorMayApproveTemplates: false },
};

export function readApprovalRule(r: Reader): ApprovalRule {
  const stored = readSetting(r, approvalRuleSetting);
  return {
    threshold: stored.threshold,
    testGroupId: stored.testGroup === null ? null : localIdOf(r, 'group', stored.testGroup),
    authorMayApproveTemplates: stored.authorMayApproveTemplates,
  };
}

/** Steps that start an alert on the strength of an approval given before (not an operator's fresh start). */
const approvedSteps: ReadonlySet<string> = new Set<CampaignStep>(['approved', 'approved-schedule', 'due']);

/**
 * The guard: refuses to start or schedule an alert that needs a second person and has no
 * approval. A fresh start by an operator (`start`, `schedule`) never counts an older
 * approval (the alert may have been edited since); an approved start, a scheduled run and a
 * recurring alert's run do (the run's parent was approved). A plan two people approved at
 * preparation (a pre-approved prepared alert's, report.preApproved) needs no second person
 * for its head count; such a start is audited as one.
 */
export function requireSecondPerson(
  tx: Tx,
  r: StoredCampaign,
  report: PlanReport,
  via: CampaignStep | 'start' | 'schedule',
  /** Who starts it (the audit of a start on a pre-approval). */
  actor: string,
): void {
  const settings = campaignFieldsSchema.parse(r.settings);
  const rule = readApprovalRule(tx);
  const alert = { recipients: report.recipients, vma: settings.vma, testGroupId: r.testGroupId };
  const reasons = approvalNeeded({ ...alert, preApproved: report.preApproved !== null }, rule);
  const pre = report.preApproved;
  if (reasons.length === 0 && pre && approvalNeeded(alert, rule).length > 0)
    // Started on the strength of the prepared alert's pre-approval, with the head count the operator (or the API key's request) saw.
    recordAudit(tx, actor, {
      action: 'campaign.start-preapproved',
      subjectType: 'campaign',
      subjectId: r.id,
      summary: `"${r.name}" (${report.recipients} recipients) needs no second approval: prepared alert "${pre.name}" was approved by ${pre.requestedBy} and ${pre.approvedBy} (${pre.at}, ${pre.people} people then)`,
      params: {
        name: r.name,
        recipients: report.recipients,
        prepared: pre.name,
        requestedBy: pre.requestedBy,
        approvedBy: pre.approvedBy,
        at: pre.at,
        count: pre.people,
      },
    });
  if (reasons.length === 0) return;
  const decided = approvalRow(tx, r.parentId ?? r.id)?.decision;
  if ((approvedSteps.has(via) || r.parentId !== null) && (decided === 'approved' || decided === 'overridden')) return;
  throw new DomainError(
    'PRECONDITION',
    `"${r.name}" needs a second operator's approval (${reasons.join(', ')}): submit it for approval`,
    { reasons },
    refusal('approval.required', { name: r.name, recipients: report.recipients, threshold: rule.threshold, reasons: reasons.join(',') }),
  );
}

export interface ApprovalServiceDeps {
  ctx: EngineContext;
  campaigns: CampaignService;
  /** The signed-in user: approvals compare user ids, never sessions or names. */
  user: () => SignedInUser | null;
  /** This desktop's name in the audit and the request (the computer's name unless a test says otherwise). */
  desktop?: string;
}

export class ApprovalService {
  private readonly log: Logger;
  private readonly desktop: string;
  private settling = false;

  constructor(private readonly deps: ApprovalServiceDeps) {
    this.log = deps.ctx.logger.child({ module: 'approvals' });
    this.desktop = deps.desktop ?? hostname();
  }

  /** This desktop's name as requests and decisions name it. */
  get desktopName(): string {
    return this.desktop;
  }

  rule(): ApprovalRule {
    return readApprovalRule(this.deps.ctx.store.read);
  }

  /** Stores the host's rule when none is stored yet (EngineOptions.approvalRule). */
  seedRule(rule: ApprovalRuleInput): void {
    if (readSettingValue(this.deps.ctx.store.read, approvalRuleSetting.key) === undefined) this.setRule(rule);
  }

  /** Sets the organisation's rule (shared with every desktop, audited). */
  setRule(input: ApprovalRuleInput): ApprovalRule {
    const rule = approvalRuleSchema.parse(input);
    const actor = this.deps.ctx.operator();
    this.deps.ctx.store.transaction((tx) => {
      const group = rule.testGroupId === null ? null : getGroup(tx, rule.testGroupId);
      if (rule.testGroupId !== null && !group) throw notFound('Group', rule.testGroupId);
      writeSetting(tx, approvalRuleSetting, {
        threshold: rule.threshold,
        testGroup: rule.testGroupId === null ? null : uidFor(tx, 'group', rule.testGroupId),
        authorMayApproveTemplates: rule.authorMayApproveTemplates,
      });
      recordAudit(tx, actor, {
        action: 'campaigns.approvalRule',
        subjectType: 'setting',
        subjectId: approvalRuleSetting.key,
        summary: `Two-person rule: alerts to more than ${rule.threshold} recipients need approval; test group ${group?.name ?? 'none'}; authors ${rule.authorMayApproveTemplates ? 'may' : 'may not'} approve their own templates`,
        params: { threshold: rule.threshold, testGroup: group?.name ?? '', authorApproves: rule.authorMayApproveTemplates ? 1 : 0 },
      });
    });
    return this.rule();
  }

  /** The requests waiting for a decision, or one alert's request (also once decided). */
  list(campaignId?: number): Approval[] {
    const r = this.deps.ctx.store.read;
    if (campaignId === undefined) return pendingApprovals(r);
    const a = approvalOf(r, campaignId);
    return a ? [a] : [];
  }

  private me(): ApprovalPerson {
    const u = this.deps.user();
    if (!u) throw new DomainError('UNAUTHENTICATED', 'nobody is signed in', undefined, refusal('auth.signed-out'));
    return { id: u.id, name: u.displayName, desktop: this.desktop };
  }

  private get(id: number): Approval {
    const a = approvalOf(this.deps.ctx.store.read, id);
    if (!a) throw notFound('Campaign', id);
    return a;
  }

  /**
   * "Skicka för godkännande": checks the plan as a start would (blockers, an unapproved
   * template's reason), records the request with what the plan says, and the alert waits.
   */
  submit(
    id: number,
    unapprovedReason?: string,
    override?: string,
    /** Who asks when it is not the signed-in operator (an API key: services/api-alerts.ts). */
    requester?: ApprovalPerson,
  ): { campaign: Campaign; approval: Approval; plan: PlanReport } {
    const me = requester ?? this.me();
    const { campaigns, ctx } = this.deps;
    const plan = campaigns.plan(id);
    ctx.store.transaction((tx) => {
      const r = requireRunHere(tx, getCampaign(tx, id) ?? missing(id));
      const status = nextStatus(r, 'submit');
      const reason = unapprovedReason ?? r.approvalReason;
      campaigns.checkApproval(r, plan, reason);
      const settings = campaignFieldsSchema.parse(r.settings);
      const reasons = approvalNeeded({ recipients: plan.recipients, vma: settings.vma, testGroupId: r.testGroupId }, readApprovalRule(tx));
      const now = new Date().toISOString();
      putApproval(
        tx,
        id,
        {
          reasons,
          requestedBy: me,
          requestedAt: now,
          recipients: plan.recipients,
          deliveries: plan.deliveries,
          channels: [...new Set(settings.steps.map((s) => s.channel))],
          maxCost: plan.cost.maxTotal,
          currency: plan.cost.currency,
        },
        override === undefined ? null : { kind: 'overridden', by: me, at: now, comment: override },
      );
      updateCampaign(tx, id, { status, approval_reason: reason, updated_at: now });
      recordAudit(tx, me.name, {
        action: override === undefined ? 'campaign.submit-approval' : 'campaign.override',
        subjectType: 'campaign',
        subjectId: id,
        summary:
          override === undefined
            ? `Submitted "${r.name}" for approval from ${me.desktop}: ${plan.recipients} recipients`
            : `EMERGENCY OVERRIDE: started "${r.name}" without a second operator from ${me.desktop}. Reason: ${override}`,
        params: { name: r.name, desktop: me.desktop, recipients: plan.recipients, ...(override === undefined ? {} : { reason: override }) },
      });
    });
    this.announce([id]);
    if (override !== undefined) this.settle([id]);
    return { campaign: campaigns.get(id), approval: this.get(id), plan };
  }

  approve(id: number, comment: string): Approval {
    return this.decide(id, 'approved', comment);
  }

  reject(id: number, comment: string): Approval {
    return this.decide(id, 'rejected', comment);
  }

  /**
   * The admin's emergency override: a draft starts at once without a second person; an alert
   * waiting for approval is started by the desktop that runs it. The reason is audited.
   */
  override(id: number, reason: string): Approval {
    const c = getCampaign(this.deps.ctx.store.read, id) ?? missing(id);
    if (c.status === 'draft') return this.submit(id, undefined, reason).approval;
    return this.decide(id, 'overridden', reason);
  }

  private decide(id: number, kind: ApprovalDecisionKind, comment: string): Approval {
    const me = this.me();
    // A rejection says why, an override gives its reason: both are read later by people who were not there.
    if (kind !== 'approved' && comment.trim().length < 3)
      throw invalid([{ path: 'comment', message: 'A rejection or an override needs a reason (at least 3 characters)' }]);
    this.deps.ctx.store.transaction((tx) => {
      const r = getCampaign(tx, id) ?? missing(id);
      const a = approvalRow(tx, id);
      if (r.status !== 'awaiting-approval' || !a || a.decision !== null)
        throw new DomainError(
          'CONFLICT',
          `"${r.name}" is not waiting for approval (${a?.decision ?? r.status})`,
          undefined,
          refusal('approval.not-pending', { name: r.name, status: a?.decision ?? r.status }),
        );
      // The same person in another session or on another desktop is still the same user id.
      if (kind !== 'overridden' && a.requested_by_id === me.id)
        throw new DomainError(
          'FORBIDDEN',
          `${me.name} submitted "${r.name}" and cannot approve or reject it; another operator must`,
          undefined,
          refusal('approval.own', { name: r.name }),
        );
      const at = new Date().toISOString();
      decideApproval(tx, id, { kind, by: me, at, comment });
      recordAudit(tx, me.name, {
        action: kind === 'approved' ? 'campaign.approve' : kind === 'rejected' ? 'campaign.reject' : 'campaign.override',
        subjectType: 'campaign',
        subjectId: id,
        summary: `${kind === 'approved' ? 'Approved' : kind === 'rejected' ? 'Rejected' : 'EMERGENCY OVERRIDE: started without a second operator'} "${r.name}" (asked by ${a.requested_by_name}) from ${me.desktop}${comment ? `: ${comment}` : ''}`,
        params: {
          name: r.name,
          desktop: me.desktop,
          requestedBy: a.requested_by_name,
          ...(kind === 'overridden' ? { reason: comment } : { comment }),
        },
      });
    });
    this.announce([id]);
    this.settle([id]);
    return this.get(id);
  }

  /** Requests or decisions arrived from another desktop: the console re-reads them, and this desktop acts on its own. */
  changed(ids: readonly number[]): void {
    this.announce(ids);
    this.settle(ids);
  }

  /**
   * The desktop that runs an alert acts on its decision: an approval (or override) starts it
   * or arms its schedule, a rejection ends it. Called after a local decision, after one
   * synced from elsewhere, and at start (a decision that arrived before a restart).
   */
  settle(ids?: readonly number[]): void {
    if (this.settling) return;
    this.settling = true;
    try {
      const r = this.deps.ctx.store.read;
      for (const id of decidedWaiting(r)) {
        if (ids && !ids.includes(id)) continue;
        const a = approvalRow(r, id);
        if (!a?.decision) continue;
        try {
          if (a.decision === 'rejected') this.end(id, a.decided_by_name ?? '');
          else this.deps.campaigns.start(id, undefined, a.decided_by_name ?? '');
        } catch (err) {
          // The plan changed since it was approved (say, a blocker now): it stays waiting and says so in the log.
          this.log.error({ err, campaignId: id }, 'an approved alert could not start');
        }
      }
    } finally {
      this.settling = false;
    }
  }

  private end(id: number, by: string): void {
    this.deps.ctx.store.transaction((tx) => {
      const r = getCampaign(tx, id) ?? missing(id);
      const now = new Date().toISOString();
      updateCampaign(tx, id, { status: nextStatus(r, 'rejected'), finished_at: now, updated_at: now });
      this.log.info({ campaignId: id, by }, 'the alert was rejected by the second operator');
    });
    this.deps.ctx.events.emit('campaigns.changed', { id, status: 'rejected' });
  }

  private announce(ids: readonly number[]): void {
    if (ids.length > 0) this.deps.ctx.events.emit('campaigns.approvals', { campaignIds: [...ids] });
  }
}

function missing(id: number): never {
  throw notFound('Campaign', id);
}
