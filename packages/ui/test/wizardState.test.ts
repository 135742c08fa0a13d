import { describe, expect, it } from 'vitest';
import { campaignFieldsSchema, type Campaign, type Template } from '@gdial/protocol';
import {
  fromCampaign,
  initialWizard,
  needsTypedConfirmation,
  newWave,
  problemsFor,
  toFields,
  typedCountMatches,
  TYPED_CONFIRMATION_THRESHOLD,
} from '../src/pages/campaigns/wizardState';

const template = (channels: Template['channels']): Template => ({
  id: 7,
  name: 'T',
  description: null,
  variants: {},
  fallbacks: {},
  status: 'draft',
  approvedBy: null,
  approvedAt: null,
  variables: [],
  channels,
  createdAt: '',
  updatedAt: '',
});

/** A saved draft with these settings, as the wizard opens it. */
const draftOf = (settings: Campaign['settings']): Campaign => ({
  id: 1,
  name: 'X',
  status: 'draft',
  priority: 'alert',
  testMode: false,
  templateId: 7,
  schedule: settings.schedule,
  parentId: null,
  nextRunAt: null,
  recipients: 0,
  confirmed: 0,
  createdAt: '',
  startedAt: null,
  finishedAt: null,
  createdBy: 'k',
  remoteOwner: null,
  settings,
  approvalReason: null,
});

describe('campaign wizard rules', () => {
  it('keeps the operator on a step until it is complete', () => {
    const s = initialWizard();
    expect(problemsFor('audience', s, null)).toEqual(['no-audience']);
    expect(problemsFor('audience', { ...s, tags: ['rakel'] }, null)).toEqual([]);
    expect(problemsFor('audience', { ...s, segmentIds: ['seg-1'] }, null)).toEqual([]);
    expect(problemsFor('audience', { ...s, contactIds: [4] }, null)).toEqual([]);
    expect(problemsFor('plan', { ...s, dtmfDigits: '12' }, null)).toEqual(['bad-digits']);
    expect(problemsFor('plan', { ...s, confirm: false, dtmfDigits: '' }, null)).toEqual([]);
    expect(problemsFor('message', s, null)).toEqual(['no-name', 'no-template']);
    expect(problemsFor('message', { ...s, name: 'Larm', templateId: 7 }, template(['sms']))).toEqual(['template-lacks-channel']);
    expect(problemsFor('message', { ...s, name: 'Larm', templateId: 7 }, template(['voice', 'sms']))).toEqual([]);
    const now = Date.parse('2026-06-14T12:00:00');
    expect(problemsFor('schedule', { ...s, schedule: { kind: 'at', local: '' } }, null, now)).toEqual(['no-time']);
    expect(problemsFor('schedule', { ...s, schedule: { kind: 'at', local: '2026-06-14T11:00' } }, null, now)).toEqual(['time-past']);
    expect(problemsFor('schedule', { ...s, schedule: { kind: 'cron', cron: '0 10 1 *' } }, null, now)).toEqual(['no-cron']);
  });

  it('builds contract fields the schema accepts, in seconds, with the first step unconditional', () => {
    const s = { ...initialWizard(), name: ' Brand ', groupIds: [3], templateId: 7, keywords: '1, JA ,ok' };
    s.steps = [
      { ...s.steps[0]!, condition: 'not-confirmed', waitMinutes: 9 },
      { ...s.steps[1]!, waitMinutes: 2.5 },
    ];
    const f = toFields(s, { testGroupId: 4, namePrefix: 'TEST – ' });
    expect(f.name).toBe('TEST – Brand');
    expect(f.steps.map((x) => [x.condition, x.waitSeconds])).toEqual([
      ['always', 0],
      ['not-confirmed', 150],
    ]);
    expect(f.confirmation).toEqual({ enabled: true, dtmfDigits: ['1'], keywords: ['1', 'JA', 'ok'] });
    expect(f.testGroupId).toBe(4);
    expect(campaignFieldsSchema.safeParse(f).success).toBe(true);
  });

  it('turns a scheduled time into an ISO instant and back', () => {
    const s = { ...initialWizard(), name: 'X', groupIds: [1], templateId: 7, schedule: { kind: 'at' as const, local: '2030-01-02T03:04' } };
    const f = campaignFieldsSchema.parse(toFields(s));
    expect(f.schedule).toEqual({ kind: 'at', at: new Date('2030-01-02T03:04').toISOString() });
    const back = fromCampaign(draftOf(campaignFieldsSchema.parse(toFields(s))));
    expect(back.schedule).toEqual({ kind: 'at', local: '2030-01-02T03:04' });
    expect(back.steps.map((x) => x.waitMinutes)).toEqual([0, 5]);
  });

  it('engångsmeddelande: off by default; on, its expiry in hours goes to the alert and back', () => {
    const s = { ...initialWizard(), name: 'X', groupIds: [1], templateId: 7 };
    expect(campaignFieldsSchema.parse(toFields(s)).burn).toBeNull();
    const f = campaignFieldsSchema.parse(toFields({ ...s, burn: true, burnHours: 12 }));
    expect(f.burn).toEqual({ expiresAfterHours: 12 });
    expect(fromCampaign(draftOf(f))).toMatchObject({ burn: true, burnHours: 12 });
    expect(campaignFieldsSchema.safeParse(toFields({ ...s, burn: true, burnHours: 721 })).success).toBe(false);
  });

  it('escalation waves: each needs a group, a threshold that fits its unit, time order and confirmations; they round-trip', () => {
    const s = { ...initialWizard(), name: 'X', groupIds: [1], templateId: 7, waves: [newWave(10)] };
    expect(problemsFor('plan', s, null)).toEqual(['wave-no-group']);
    const ok = { ...s, waves: [{ ...newWave(10), groupIds: [2] }] };
    expect(problemsFor('plan', ok, null)).toEqual([]);
    expect(problemsFor('plan', { ...ok, waves: [{ ...ok.waves[0]!, fewerThan: 101 }] }, null)).toEqual(['wave-bad-threshold']);
    expect(problemsFor('plan', { ...ok, waves: [{ ...ok.waves[0]!, unit: 'people' as const, fewerThan: 101 }] }, null)).toEqual([]);
    expect(problemsFor('plan', { ...ok, waves: [ok.waves[0]!, { ...ok.waves[0]!, afterMinutes: 5 }] }, null)).toEqual(['wave-order']);
    expect(problemsFor('plan', { ...ok, confirm: false }, null)).toEqual(['wave-needs-confirm']);
    const f = campaignFieldsSchema.parse(toFields(ok));
    expect(f.waves).toEqual([{ afterMinutes: 10, fewerThan: 50, unit: 'percent', audience: { groupIds: [2], contactIds: [] } }]);
    const back = fromCampaign(draftOf(f));
    expect(back.waves).toEqual(ok.waves);
  });

  it('keeps the CAP facts of an imported alert through an edit in the wizard', () => {
    const cap = {
      event: 'Höga flöden',
      category: 'Env' as const,
      urgency: 'Expected' as const,
      severity: 'Severe' as const,
      certainty: 'Likely' as const,
      areaDesc: 'Falkenbergs centrum',
      source: { sender: 'lst@example.se', identifier: 'SE-1', sent: '2026-12-07T09:30:00+01:00' },
    };
    const settings = campaignFieldsSchema.parse({ name: 'X', templateId: 7, steps: [{ channel: 'sms' }], cap });
    const s = fromCampaign({
      id: 1,
      name: 'X',
      status: 'draft',
      priority: 'alert',
      testMode: false,
      templateId: 7,
      schedule: settings.schedule,
      parentId: null,
      nextRunAt: null,
      recipients: 0,
      confirmed: 0,
      createdAt: '',
      startedAt: null,
      finishedAt: null,
      createdBy: 'k',
      remoteOwner: null,
      settings,
      approvalReason: null,
    });
    expect(s.cap).toEqual(cap);
    expect(campaignFieldsSchema.parse(toFields({ ...s, groupIds: [1] })).cap).toEqual(cap);
    expect(campaignFieldsSchema.parse(toFields({ ...initialWizard(), name: 'Y', templateId: 7 })).cap).toBeNull();
  });

  it('asks for the typed number only for live alerts above the threshold', () => {
    expect(needsTypedConfirmation(TYPED_CONFIRMATION_THRESHOLD, false)).toBe(false);
    expect(needsTypedConfirmation(TYPED_CONFIRMATION_THRESHOLD + 1, false)).toBe(true);
    expect(needsTypedConfirmation(5000, true)).toBe(false);
    expect(typedCountMatches('1 234', 1234)).toBe(true);
    expect(typedCountMatches('1234', 1235)).toBe(false);
    expect(typedCountMatches('', 0)).toBe(false);
    expect(typedCountMatches('50 personer', 50)).toBe(false);
  });
});

describe('the wizard keeps the whole audience', () => {
  it('segments, exclusions, hand-picked people and custom-field filters survive an edit', () => {
    const audience = {
      groupIds: [2],
      includeSubgroups: false,
      contactIds: [9, 11],
      segmentIds: ['seg-a'],
      excludeSegmentIds: ['seg-b'],
      tags: [],
      filters: [{ key: 'ort', op: 'equals' as const, value: 'Umeå' }],
      requireTags: ['rakel'],
      excludeGroupIds: [],
      excludeContactIds: [3],
      excludeTags: ['ledig'],
    };
    const settings = campaignFieldsSchema.parse({ ...toFields({ ...initialWizard(), name: 'Larm', templateId: 7 }), audience });
    const edited = toFields(fromCampaign(draftOf(settings)));
    expect(campaignFieldsSchema.parse(edited).audience).toEqual(audience);
  });
});
