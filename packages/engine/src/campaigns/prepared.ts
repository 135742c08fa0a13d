// Prepared alerts (larmmallar): an alert's whole plan saved under a name, and the three
// ways an operator gets a new draft alert without going through the wizard — from a
// prepared alert, by repeating a past alert to everyone, or by repeating it only to those
// who did not confirm. Each draft then goes through the same review and head-count
// confirmation as any alert (CampaignService.plan and start); nothing here sends. A
// prepared alert can be pre-approved once by two people (the author asks, another signed-in
// operator decides): alerts made from its plan then need no second approval for their head
// count (pre-approval.ts); an edit of the plan voids the approval.
import { randomUUID } from 'node:crypto';
import {
  campaignFieldsSchema,
  preparedAlertInputSchema,
  refusal,
  type ApprovalPerson,
  type Campaign,
  type CampaignSettings,
  type PreparedAlert,
  type PreparedAlertInput,
  type ResendAudience,
  type SignedInUser,
} from '@gdial/protocol';
import type { EngineContext } from '../context';
import { DomainError, invalid, notFound } from '../errors';
import { recordAudit } from '../store/audit';
import type { Reader } from '../store/db';
import { deletePreparedAlert, getPreparedAlert, listPreparedAlerts, putPreparedAlert } from '../store/prepared-alerts';
import { unconfirmedContactIds } from '../store/recipients';
import { resolveAudience } from './audience';
import { approvalStateOf, planHash, withApprovalState } from './pre-approval';
import type { CampaignService } from './service';

export interface PreparedAlertDeps {
  /** The signed-in user: pre-approvals compare user ids, never names. */
  user: () => SignedInUser | null;
  /** This desktop's name in requests and decisions. */
  desktop: string;
}

/** People the plan's audience names now (before exclusions for reachability). */
const peopleOf = (db: Reader, fields: CampaignSettings): number => resolveAudience(db, fields.audience, fields.testGroupId).contacts.length;

/** At most this many people in the audience of an alert to those who did not answer. */
const MAX_REPEAT_CONTACTS = 100_000;

export class PreparedAlertService {
  constructor(
    private readonly ctx: EngineContext,
    private readonly campaigns: CampaignService,
    private readonly deps: PreparedAlertDeps,
  ) {}

  list(): PreparedAlert[] {
    const r = this.ctx.store.read;
    return listPreparedAlerts(r).map((p) => withApprovalState(r, p));
  }

  private get(id: string): PreparedAlert {
    const r = this.ctx.store.read;
    const p = getPreparedAlert(r, id);
    if (!p) throw notFound('Prepared alert', id);
    return withApprovalState(r, p);
  }

  private me(): ApprovalPerson {
    const u = this.deps.user();
    if (!u) throw new DomainError('UNAUTHENTICATED', 'nobody is signed in', undefined, refusal('auth.signed-out'));
    return { id: u.id, name: u.displayName, desktop: this.deps.desktop };
  }

  /** The author asks for pre-approval of the plan as it is saved now (a new request replaces an earlier one). */
  requestApproval(id: string): PreparedAlert {
    const me = this.me();
    this.ctx.store.transaction((tx) => {
      const p = getPreparedAlert(tx, id);
      if (!p) throw notFound('Prepared alert', id);
      const people = peopleOf(tx, p.fields);
      const at = new Date().toISOString();
      putPreparedAlert(tx, {
        ...p,
        approval: { planHash: planHash(tx, p.fields, tx), requestedBy: me, requestedAt: at, people, decision: null, voided: null },
      });
      recordAudit(tx, me.name, {
        action: 'preparedAlert.approval-requested',
        subjectType: 'preparedAlert',
        subjectId: null,
        summary: `Asked for pre-approval of prepared alert "${p.name}" from ${me.desktop}: ${people} people in its audience`,
        params: { name: p.name, desktop: me.desktop, count: people },
      });
    });
    this.ctx.events.emit('preparedAlerts.changed', { ids: [id] });
    return this.get(id);
  }

  approve(id: string, comment: string): PreparedAlert {
    return this.decide(id, 'approved', comment);
  }

  reject(id: string, comment: string): PreparedAlert {
    if (comment.trim().length < 3) throw invalid([{ path: 'comment', message: 'A rejection needs a reason (at least 3 characters)' }]);
    return this.decide(id, 'rejected', comment);
  }

  private decide(id: string, kind: 'approved' | 'rejected', comment: string): PreparedAlert {
    const me = this.me();
    this.ctx.store.transaction((tx) => {
      const p = getPreparedAlert(tx, id);
      if (!p) throw notFound('Prepared alert', id);
      const a = p.approval;
      if (!a || approvalStateOf(tx, p) !== 'pending')
        throw new DomainError(
          'CONFLICT',
          `The prepared alert "${p.name}" has no request for pre-approval waiting (or its plan changed since it was asked)`,
          undefined,
          refusal('prepared.approval-not-pending', { name: p.name }),
        );
      // The same person in another session or on another desktop is still the same user id.
      if (a.requestedBy.id === me.id)
        throw new DomainError(
          'FORBIDDEN',
          `${me.name} asked for the pre-approval of "${p.name}" and cannot decide it; another operator must`,
          undefined,
          refusal('prepared.approval-own', { name: p.name }),
        );
      const people = peopleOf(tx, p.fields);
      const at = new Date().toISOString();
      putPreparedAlert(tx, { ...p, approval: { ...a, decision: { kind, by: me, at, comment, people } } });
      recordAudit(tx, me.name, {
        action: kind === 'approved' ? 'preparedAlert.approved' : 'preparedAlert.rejected',
        subjectType: 'preparedAlert',
        subjectId: null,
        summary: `${kind === 'approved' ? 'Pre-approved' : 'Rejected the pre-approval of'} prepared alert "${p.name}" (asked by ${a.requestedBy.name}) from ${me.desktop}: ${people} people in its audience${comment ? `: ${comment}` : ''}`,
        params: { name: p.name, desktop: me.desktop, requestedBy: a.requestedBy.name, count: people, comment },
      });
    });
    this.ctx.events.emit('preparedAlerts.changed', { ids: [id] });
    return this.get(id);
  }

  save(input: PreparedAlertInput): PreparedAlert {
    const { id, description, fields } = preparedAlertInputSchema.parse(input);
    const actor = this.ctx.operator();
    const now = new Date().toISOString();
    const saved = this.ctx.store.transaction((tx) => {
      // The same checks as an alert's own plan: the template and the test group exist, a cron is valid.
      this.campaigns.checkFields(tx, fields);
      const before = id === undefined ? null : getPreparedAlert(tx, id);
      if (id !== undefined && !before) throw notFound('Prepared alert', id);
      // An edit of the plan voids its pre-approval (or the request waiting for one): the approval was for the plan as it was.
      const voids =
        before?.approval && !before.approval.voided && planHash(tx, fields) !== before.approval.planHash ? before.approval : null;
      const p: PreparedAlert = {
        id: before?.id ?? randomUUID(),
        name: fields.name,
        description: description ?? null,
        fields,
        createdAt: before?.createdAt ?? now,
        createdBy: before?.createdBy ?? actor,
        updatedAt: now,
        updatedBy: actor,
        approval: voids ? { ...voids, voided: { by: actor, at: now } } : (before?.approval ?? null),
        approvalState: 'none',
      };
      putPreparedAlert(tx, p);
      if (voids)
        recordAudit(tx, actor, {
          action: 'preparedAlert.approval-voided',
          subjectType: 'preparedAlert',
          subjectId: null,
          summary: `The ${voids.decision ? `pre-approval (${voids.decision.kind}) ` : 'request for pre-approval '}of prepared alert "${p.name}" no longer holds: its plan was changed`,
          params: { name: p.name, requestedBy: voids.requestedBy.name },
        });
      recordAudit(tx, actor, {
        action: 'preparedAlert.saved',
        subjectType: 'preparedAlert',
        subjectId: null,
        summary: `${before ? 'Changed' : 'Saved'} prepared alert "${p.name}"`,
        params: { name: p.name },
      });
      return p;
    });
    this.ctx.events.emit('preparedAlerts.changed', { ids: [saved.id] });
    return this.get(saved.id);
  }

  delete(id: string): void {
    const actor = this.ctx.operator();
    this.ctx.store.transaction((tx) => {
      const p = getPreparedAlert(tx, id);
      if (!p) throw notFound('Prepared alert', id);
      deletePreparedAlert(tx, id);
      recordAudit(tx, actor, {
        action: 'preparedAlert.deleted',
        subjectType: 'preparedAlert',
        subjectId: null,
        summary: `Deleted prepared alert "${p.name}"`,
        params: { name: p.name },
      });
    });
    this.ctx.events.emit('preparedAlerts.changed', { ids: [id] });
  }

  /** A new draft alert with the prepared alert's plan. */
  use(id: string): Campaign {
    const p = getPreparedAlert(this.ctx.store.read, id);
    if (!p) throw notFound('Prepared alert', id);
    return this.campaigns.create(p.fields);
  }

  /** A new draft alert with a past alert's plan, to everyone again or only to those who did not confirm. */
  repeat(campaignId: number, audience: ResendAudience, name?: string): Campaign {
    const past = this.campaigns.get(campaignId);
    const fields: CampaignSettings = { ...past.settings, name: name ?? past.settings.name, schedule: { kind: 'now' } };
    if (audience === 'all') return this.campaigns.create(fields);
    const ids = unconfirmedContactIds(this.ctx.store.read, campaignId);
    if (ids.length === 0) throw invalid([{ path: 'audience', message: 'Everyone confirmed: there is nobody left to alert' }]);
    if (ids.length > MAX_REPEAT_CONTACTS)
      throw invalid([{ path: 'audience', message: `More than ${MAX_REPEAT_CONTACTS} did not confirm; alert their groups instead` }]);
    return this.campaigns.create(
      campaignFieldsSchema.parse({
        ...fields,
        // Exactly the people who did not confirm, as they were then: the groups may have changed since.
        audience: { contactIds: ids },
      }),
    );
  }
}
