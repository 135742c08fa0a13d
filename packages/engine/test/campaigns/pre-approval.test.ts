// Pre-approval of prepared alerts through the real services on a real store: the author asks,
// a different signed-in user decides (not the author, not from another of the author's
// sessions); an approved prepared alert's draft starts above the threshold without a second
// approval (audited as such), a draft edited away from the plan does not; an edit of the
// prepared alert voids the approval (shown as void, audited); a rejection needs a reason.
// The API pick-up starts a pre-approved prepared alert directly, and submits it for approval
// when it is not pre-approved or its audience grew past what was approved.
import { afterEach, describe, expect, it } from 'vitest';
import {
  approvalRuleDefaults,
  type ApiAlertRequest,
  type ApiAlertRequestUpdate,
  type CampaignFields,
  type SignedInUser,
} from '@gdial/protocol';
import { ApprovalService } from '../../src/campaigns/approvals';
import { PreparedAlertService } from '../../src/campaigns/prepared';
import { CampaignService } from '../../src/campaigns/service';
import { TemplateService } from '../../src/campaigns/template-service';
import { CapService } from '../../src/cap/service';
import type { RelayApi } from '../../src/relay-client';
import { ApiAlertPickup } from '../../src/services/api-alerts';
import { addContact, addGroup, addTemplate, auditRows, deliveriesOf, makeEnv, refusalCodeOf, signedInUser, type TestEnv } from './helpers';

let env: TestEnv | undefined;
let service: CampaignService | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
  env?.close();
  env = undefined;
});

const person = signedInUser;
const anna = person('u-anna', 'Anna Författare');
const bo = person('u-bo', 'Bo Granskare');

function setup(people = 12) {
  env = makeEnv();
  const e = env;
  const campaigns = new CampaignService(e.ctx, {});
  service = campaigns;
  const everyone = addGroup(e.store, 'Alla');
  const extra = addGroup(e.store, 'Extra');
  for (let i = 0; i < people; i++)
    addContact(e.store, { name: `Person ${i}`, phones: [`+4670100${String(i).padStart(4, '0')}`], groups: [everyone] });
  const templateId = addTemplate(e.store);
  let user: SignedInUser = anna;
  const as = (u: SignedInUser) => {
    user = u;
  };
  const approvals = new ApprovalService({ ctx: e.ctx, campaigns, user: () => user, desktop: 'Ledningscentralen' });
  approvals.setRule(approvalRuleDefaults); // more than 10 recipients need a second operator
  const prepared = new PreparedAlertService(e.ctx, campaigns, { user: () => user, desktop: 'Ledningscentralen' });
  // The author's second console: the same user id on another desktop.
  const annasOther = new PreparedAlertService(e.ctx, campaigns, { user: () => anna, desktop: 'Reservplatsen' });
  const fields = (over: Partial<CampaignFields> = {}): CampaignFields => ({
    name: 'Vattenläcka',
    templateId,
    audience: { groupIds: [everyone] },
    steps: [{ channel: 'sms' }],
    ...over,
  });
  return { e, campaigns, approvals, prepared, annasOther, as, fields, everyone, extra };
}

const refusalOf = refusalCodeOf;
const audit = (e: TestEnv) => auditRows(e.store);

describe('pre-approval of prepared alerts', () => {
  it('needs a different signed-in user; then a draft from it starts above the threshold with no second approval', () => {
    const { e, campaigns, prepared, annasOther, as, fields } = setup();
    const p = prepared.save({ fields: fields() });
    expect(p.approvalState).toBe('none');
    // Not approved: its draft needs the second person, as any alert above the threshold.
    const before = prepared.use(p.id);
    expect(campaigns.plan(before.id).preApproved).toBeNull();
    expect(refusalOf(() => campaigns.start(before.id))).toBe('approval.required');
    // Nothing to approve before it is asked.
    as(bo);
    expect(refusalOf(() => prepared.approve(p.id, ''))).toBe('prepared.approval-not-pending');

    as(anna);
    const asked = prepared.requestApproval(p.id);
    expect(asked).toMatchObject({
      approvalState: 'pending',
      approval: { requestedBy: { id: 'u-anna', name: 'Anna Författare' }, people: 12, decision: null },
    });
    expect(refusalOf(() => prepared.approve(p.id, ''))).toBe('prepared.approval-own');
    expect(refusalOf(() => annasOther.approve(p.id, 'från min andra dator'))).toBe('prepared.approval-own');
    expect(prepared.list()[0]!.approvalState).toBe('pending');

    as(bo);
    const approved = prepared.approve(p.id, 'Rätt grupp och text');
    expect(approved).toMatchObject({
      approvalState: 'approved',
      approval: { decision: { kind: 'approved', by: { id: 'u-bo', name: 'Bo Granskare' }, comment: 'Rätt grupp och text', people: 12 } },
    });
    // Decided once: a second decision is refused.
    expect(refusalOf(() => prepared.reject(p.id, 'för sent'))).toBe('prepared.approval-not-pending');

    // The draft made before the approval has the same plan: it is covered too, and so is a new one.
    as(anna);
    const draft = prepared.use(p.id);
    const plan = campaigns.plan(draft.id);
    expect(plan.recipients).toBe(12);
    expect(plan.preApproved).toMatchObject({
      preparedAlertId: p.id,
      requestedBy: 'Anna Författare',
      approvedBy: 'Bo Granskare',
      people: 12,
    });
    expect(campaigns.start(draft.id).campaign.status).toBe('running');
    expect(deliveriesOf(e.store, draft.id)).toHaveLength(12);
    const started = audit(e).find((a) => a.action === 'campaign.start-preapproved');
    expect(started?.actor).toBe('Test Operatör');
    expect(started?.summary).toContain('Bo Granskare');
    expect(audit(e).map((a) => a.action)).toEqual(
      expect.arrayContaining(['preparedAlert.approval-requested', 'preparedAlert.approved', 'campaign.start']),
    );
  });

  it('an alert whose plan differs from the approved one (an edited draft) still needs the second person', () => {
    const { campaigns, prepared, as, fields, everyone, extra } = setup();
    const p = prepared.save({ fields: fields() });
    prepared.requestApproval(p.id);
    as(bo);
    prepared.approve(p.id, '');
    const draft = prepared.use(p.id);
    // Another name and another schedule are still the approved plan; another audience is not.
    campaigns.update(draft.id, fields({ name: 'Vattenläcka vid verket' }));
    expect(campaigns.plan(draft.id).preApproved).not.toBeNull();
    campaigns.update(draft.id, fields({ audience: { groupIds: [everyone, extra] } }));
    expect(campaigns.plan(draft.id).preApproved).toBeNull();
    expect(refusalOf(() => campaigns.start(draft.id))).toBe('approval.required');
    // A fresh alert typed in the wizard with exactly the approved plan is the approved plan.
    const same = campaigns.create(fields({ name: 'Annat namn' }));
    expect(campaigns.plan(same.id).preApproved?.preparedAlertId).toBe(p.id);
  });

  it('an edit of the prepared alert voids its approval (shown and audited); saving the same plan keeps it', () => {
    const { e, campaigns, prepared, as, fields } = setup();
    const p = prepared.save({ fields: fields() });
    prepared.requestApproval(p.id);
    as(bo);
    prepared.approve(p.id, '');
    // The same plan saved again (a new description): still approved.
    expect(prepared.save({ id: p.id, description: 'Vid läcka i nätet', fields: fields() }).approvalState).toBe('approved');
    const draft = prepared.use(p.id);

    const edited = prepared.save({ id: p.id, fields: fields({ steps: [{ channel: 'sms' }, { channel: 'voice' }] }) });
    expect(edited.approvalState).toBe('void');
    expect(edited.approval?.voided).toMatchObject({ by: 'Test Operatör' });
    expect(audit(e).filter((a) => a.action === 'preparedAlert.approval-voided')).toHaveLength(1);
    // The draft made before the edit is no longer covered either (its prepared alert is not approved any more).
    expect(campaigns.plan(draft.id).preApproved).toBeNull();
    expect(refusalOf(() => campaigns.start(draft.id))).toBe('approval.required');
    // A void approval cannot be decided; the author asks again for the new plan.
    expect(refusalOf(() => prepared.approve(p.id, ''))).toBe('prepared.approval-not-pending');
    as(anna);
    expect(prepared.requestApproval(p.id).approvalState).toBe('pending');
    // Editing a waiting request voids it too.
    expect(prepared.save({ id: p.id, fields: fields({ name: 'Läcka' }) }).approvalState).toBe('void');
  });

  it('a rejection says why and covers nothing', () => {
    const { campaigns, prepared, as, fields } = setup();
    const p = prepared.save({ fields: fields() });
    prepared.requestApproval(p.id);
    as(bo);
    expect(() => prepared.reject(p.id, '')).toThrow();
    const rejected = prepared.reject(p.id, 'Fel grupp');
    expect(rejected).toMatchObject({ approvalState: 'rejected', approval: { decision: { kind: 'rejected', comment: 'Fel grupp' } } });
    expect(refusalOf(() => campaigns.start(prepared.use(p.id).id))).toBe('approval.required');
  });

  it('the pre-approval does not cover a VMA: that still needs a second person each time', () => {
    const { campaigns, prepared, as, fields } = setup(3);
    const p = prepared.save({ fields: fields({ vma: true }) });
    prepared.requestApproval(p.id);
    as(bo);
    prepared.approve(p.id, '');
    const draft = prepared.use(p.id);
    expect(campaigns.plan(draft.id).preApproved).not.toBeNull();
    expect(refusalOf(() => campaigns.start(draft.id))).toBe('approval.required');
  });
});

describe('an API request for a prepared alert', () => {
  function pickupFor(s: ReturnType<typeof setup>, preparedId: string) {
    const request: ApiAlertRequest = {
      id: 'req-1',
      status: 'waiting-for-desktop',
      preparedAlert: { id: preparedId, name: 'Vattenläcka' },
      cap: null,
      variables: {},
      test: false,
      requestedBy: { keyId: 'k1', keyName: 'SCADA' },
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
      claimedBy: null,
      alertId: null,
      reason: null,
      cancelRequestedBy: null,
    };
    const reports: ApiAlertRequestUpdate[] = [];
    const api = {
      alertRequests: async () => ({ ok: true, value: { requests: reports.length === 0 ? [request] : [] } }),
      claimAlertRequest: async () => ({ ok: true, value: { claimed: true, request } }),
      reportAlertRequest: async (_id: string, update: ApiAlertRequestUpdate) => {
        reports.push(update);
        return { ok: true, value: request };
      },
    } as unknown as RelayApi;
    const pickup = new ApiAlertPickup({
      ctx: s.e.ctx,
      campaigns: s.campaigns,
      approvals: s.approvals,
      cap: new CapService(s.e.ctx, s.campaigns, new TemplateService(s.e.ctx)),
      actAs: (_name, fn) => fn(),
      api: () => api,
      device: () => 'device-1',
    });
    return {
      reports,
      async run() {
        pickup.wake();
        await pickup.settled();
        pickup.stop();
        return reports.map((r) => r.status);
      },
    };
  }

  it('waits for a second person when the prepared alert is not pre-approved', async () => {
    const s = setup();
    const p = s.prepared.save({ fields: s.fields() });
    expect(await pickupFor(s, p.id).run()).toEqual(['awaiting-approval']);
    expect(s.approvals.list()).toHaveLength(1);
  });

  it('starts directly when two people pre-approved it', async () => {
    const s = setup();
    const p = s.prepared.save({ fields: s.fields() });
    s.prepared.requestApproval(p.id);
    s.as(bo);
    s.prepared.approve(p.id, '');
    expect(await pickupFor(s, p.id).run()).toEqual(['running']);
    expect(s.approvals.list()).toHaveLength(0);
    const started = audit(s.e).find((a) => a.action === 'campaign.start-preapproved');
    expect(started?.summary).toContain('12 recipients');
  });

  it('goes to a second person again when the audience grew past what was approved', async () => {
    const s = setup();
    const p = s.prepared.save({ fields: s.fields() });
    s.prepared.requestApproval(p.id);
    s.as(bo);
    s.prepared.approve(p.id, '');
    addContact(s.e.store, { name: 'Ny medarbetare', phones: ['+46701009999'], groups: [s.everyone] });
    expect(await pickupFor(s, p.id).run()).toEqual(['awaiting-approval']);
  });
});
