// The two-person rule through the real campaign and approval services on a real store: an
// alert above the organisation's threshold (or flagged Skarpt VMA-underlag) is refused a
// plain start; its starter cannot approve it, not from the same session nor from a second
// one (another service on the same data, as another console of the same user would be);
// another operator's approval starts it, a rejection ends it with the comment, an admin's
// override starts it alone and is audited; small alerts and test alerts to the
// organisation's test group need nobody. Template approval follows the same rule.
import { afterEach, describe, expect, it } from 'vitest';
import { approvalRuleDefaults, type CampaignFields, type SignedInUser } from '@gdial/protocol';
import { ApprovalService } from '../../src/campaigns/approvals';
import { CampaignService } from '../../src/campaigns/service';
import { TemplateService } from '../../src/campaigns/template-service';
import {
  addContact,
  addGroup,
  addTemplate,
  alertTemplate,
  auditRows,
  deliveriesOf,
  makeEnv,
  refusalCodeOf,
  signedInUser,
  type TestEnv,
} from './helpers';

let env: TestEnv | undefined;
let service: CampaignService | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
  env?.close();
  env = undefined;
});

const person = signedInUser;
const anna = person('u-anna', 'Anna Starter');
const bo = person('u-bo', 'Bo Andra');
const admin = person('u-admin', 'Ada Admin', 'admin');

function setup(people = 12) {
  env = makeEnv();
  const e = env;
  const campaigns = new CampaignService(e.ctx, {});
  service = campaigns;
  const everyone = addGroup(e.store, 'Alla');
  const testers = addGroup(e.store, 'Testgruppen');
  for (let i = 0; i < people; i++)
    addContact(e.store, {
      name: `Person ${i}`,
      phones: [`+4670100${String(i).padStart(4, '0')}`],
      groups: i < 2 ? [everyone, testers] : [everyone],
    });
  const templateId = addTemplate(e.store);
  let user: SignedInUser = anna;
  const as = (u: SignedInUser) => {
    user = u;
  };
  // Two consoles of the organisation on the same data: each its own service, each with its own desktop name.
  const here = new ApprovalService({ ctx: e.ctx, campaigns, user: () => user, desktop: 'Ledningscentralen' });
  const other = new ApprovalService({ ctx: e.ctx, campaigns, user: () => user, desktop: 'Reservplatsen' });
  // The organisation's default rule: more than 10 recipients need a second operator.
  here.setRule(approvalRuleDefaults);
  const fields = (over: Partial<CampaignFields> = {}): CampaignFields => ({
    name: 'Vattenläcka',
    templateId,
    audience: { groupIds: [everyone] },
    steps: [{ channel: 'sms' }],
    ...over,
  });
  return { e, campaigns, here, other, as, fields, everyone, testers };
}

const refusalOf = refusalCodeOf;
const auditActions = (e: TestEnv) => auditRows(e.store);

describe('the two-person rule', () => {
  it('refuses the starter’s own approval from the same and another session; another operator’s approval starts it', () => {
    const { e, campaigns, here, other, as, fields } = setup();
    const id = campaigns.create(fields()).id;
    expect(refusalOf(() => campaigns.start(id))).toBe('approval.required');
    expect(campaigns.get(id).status).toBe('draft');

    const submitted = here.submit(id);
    expect(submitted.campaign.status).toBe('awaiting-approval');
    expect(submitted.approval).toMatchObject({
      reasons: ['head-count'],
      recipients: 12,
      requestedBy: { id: 'u-anna', name: 'Anna Starter', desktop: 'Ledningscentralen' },
      decision: null,
    });
    expect(here.list().map((a) => a.campaignId)).toEqual([id]);
    // Waiting: a plain start is still refused by the lifecycle.
    expect(refusalOf(() => campaigns.start(id))).toBe('campaign.transition');

    expect(refusalOf(() => here.approve(id, ''))).toBe('approval.own');
    expect(refusalOf(() => other.approve(id, 'från min andra dator'))).toBe('approval.own');
    expect(refusalOf(() => other.reject(id, 'ångrar mig'))).toBe('approval.own');
    expect(campaigns.get(id).status).toBe('awaiting-approval');
    expect(deliveriesOf(e.store, id)).toHaveLength(0);

    as(bo);
    const approved = other.approve(id, 'Stämmer, kör');
    expect(approved.decision).toMatchObject({ kind: 'approved', by: { id: 'u-bo', desktop: 'Reservplatsen' }, comment: 'Stämmer, kör' });
    expect(campaigns.get(id).status).toBe('running');
    expect(deliveriesOf(e.store, id)).toHaveLength(12);
    expect(here.list()).toEqual([]);
    // A second decision changes nothing: the first stands.
    expect(refusalOf(() => here.reject(id, 'för sent'))).toBe('approval.not-pending');

    const audit = auditActions(e);
    expect(audit.find((a) => a.action === 'campaign.submit-approval')).toMatchObject({ actor: 'Anna Starter' });
    expect(audit.find((a) => a.action === 'campaign.approve')).toMatchObject({ actor: 'Bo Andra' });
    expect(JSON.stringify(audit.find((a) => a.action === 'campaign.approve')?.params)).toContain('Reservplatsen');
    expect(audit.find((a) => a.action === 'campaign.start')).toMatchObject({ actor: 'Bo Andra' });
  });

  it('a rejection ends the alert with the comment and nothing is sent', () => {
    const { e, campaigns, here, as, fields } = setup();
    const id = campaigns.create(fields()).id;
    here.submit(id);
    as(bo);
    expect(() => here.reject(id, '')).toThrow();
    const rejected = here.reject(id, 'Fel målgrupp – ska bara till Norra');
    expect(rejected.decision).toMatchObject({ kind: 'rejected', comment: 'Fel målgrupp – ska bara till Norra' });
    expect(campaigns.get(id).status).toBe('rejected');
    expect(here.list(id)[0]?.decision?.comment).toBe('Fel målgrupp – ska bara till Norra');
    expect(deliveriesOf(e.store, id)).toHaveLength(0);
    // Final: it neither starts nor can be approved afterwards.
    expect(refusalOf(() => campaigns.start(id))).toBe('campaign.transition');
    expect(refusalOf(() => here.approve(id, ''))).toBe('approval.not-pending');
    expect(auditActions(e).find((a) => a.action === 'campaign.reject')).toMatchObject({ actor: 'Bo Andra' });
  });

  it('an admin’s emergency override starts a draft alone and is audited with its reason', () => {
    const { e, campaigns, here, as, fields } = setup();
    const id = campaigns.create(fields()).id;
    as(admin);
    const a = here.override(id, 'Ingen annan operatör nåbar, brand i Norra');
    expect(a.decision).toMatchObject({ kind: 'overridden', by: { id: 'u-admin' }, comment: 'Ingen annan operatör nåbar, brand i Norra' });
    expect(a.requestedBy.id).toBe('u-admin');
    expect(campaigns.get(id).status).toBe('running');
    expect(deliveriesOf(e.store, id)).toHaveLength(12);
    const entry = auditActions(e).find((x) => x.action === 'campaign.override');
    expect(entry).toMatchObject({ actor: 'Ada Admin' });
    expect(JSON.stringify(entry?.params)).toContain('Ingen annan operatör nåbar');
  });

  it('an override of a waiting alert starts it, even by the one who submitted it', () => {
    const { campaigns, here, as, fields } = setup();
    as(admin);
    const id = campaigns.create(fields()).id;
    here.submit(id);
    here.override(id, 'Ingen annan kan godkänna nu');
    expect(campaigns.get(id).status).toBe('running');
  });

  it('under the threshold and test alerts to the organisation’s test group need nobody; VMA always does', () => {
    const { campaigns, here, as, fields, testers } = setup();
    // 12 people, threshold 20: starts at once.
    as(admin);
    here.setRule({ threshold: 20, testGroupId: null });
    const small = campaigns.create(fields({ name: 'Litet' })).id;
    expect(campaigns.start(small).campaign.status).toBe('running');
    // Skarpt VMA-underlag needs approval whatever the head count.
    const vma = campaigns.create(fields({ name: 'VMA', vma: true })).id;
    expect(refusalOf(() => campaigns.start(vma))).toBe('approval.required');

    // A test alert to a group that is not the organisation's test group counts like any other.
    here.setRule({ threshold: 1, testGroupId: null });
    const test = campaigns.create(fields({ name: 'Test', testGroupId: testers })).id;
    expect(refusalOf(() => campaigns.start(test))).toBe('approval.required');
    // Named as the organisation's test group: exempt.
    here.setRule({ threshold: 1, testGroupId: testers });
    expect(here.rule()).toEqual({ threshold: 1, testGroupId: testers, authorMayApproveTemplates: false });
    const r = campaigns.start(test);
    expect(r.campaign.status).toBe('running');
    expect(r.campaign.testMode).toBe(true);
  });

  it('an approved scheduled alert edited afterwards needs a new approval', () => {
    const { campaigns, here, as, fields } = setup();
    const at = new Date(Date.now() + 3_600_000).toISOString();
    const id = campaigns.create(fields({ schedule: { kind: 'at', at } })).id;
    here.submit(id);
    as(bo);
    here.approve(id, '');
    expect(campaigns.get(id).status).toBe('scheduled');
    as(anna);
    campaigns.update(id, fields({ name: 'Vattenläcka (ändrad)', schedule: { kind: 'at', at } }));
    expect(refusalOf(() => campaigns.start(id))).toBe('approval.required');
  });
});

describe('template approval', () => {
  it('the one who wrote a template cannot approve it, another operator can', () => {
    const { e, as } = setup(1);
    let user: SignedInUser = anna;
    const templates = new TemplateService(e.ctx, () => user);
    const t = templates.create({ ...alertTemplate, name: 'Utrymning' });
    expect(refusalOf(() => templates.approve(t.id))).toBe('approval.own-template');
    user = bo;
    as(bo);
    expect(templates.approve(t.id).status).toBe('approved');
    // Bo edits it: now Anna may approve, Bo may not.
    templates.update(t.id, { ...alertTemplate, name: 'Utrymning 2' });
    expect(refusalOf(() => templates.approve(t.id))).toBe('approval.own-template');
    user = anna;
    expect(templates.approve(t.id).status).toBe('approved');
  });
});
