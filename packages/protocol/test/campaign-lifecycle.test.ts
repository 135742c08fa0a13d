import { describe, expect, it } from 'vitest';
import { campaignStatuses, type CampaignStatus } from '../src/campaigns';
import { campaignActionsIn, campaignLifecycle, campaignTransition, isCampaignOver, isCampaignUnderway } from '../src/campaign-lifecycle';

// The engine's guards are held to this table in packages/engine/test/campaigns/lifecycle.test.ts.
describe('campaign lifecycle', () => {
  it('lists what the operator may do in each status', () => {
    expect(Object.fromEntries(campaignStatuses.map((s) => [s, campaignActionsIn(s)]))).toEqual({
      draft: ['edit', 'delete', 'start', 'schedule', 'submit'],
      'awaiting-approval': ['cancel'],
      scheduled: ['edit', 'delete', 'cancel'],
      running: ['pause', 'cancel'],
      paused: ['resume', 'cancel'],
      completed: ['delete'],
      cancelled: ['delete'],
      rejected: ['delete'],
    });
  });

  it('leads from draft to every status, and only to statuses', () => {
    const reached = new Set<string>(['draft']);
    const queue: CampaignStatus[] = ['draft'];
    for (let s = queue.shift(); s; s = queue.shift()) {
      for (const to of Object.values(campaignLifecycle[s])) {
        if (to === 'deleted' || reached.has(to)) continue;
        expect(campaignStatuses).toContain(to);
        reached.add(to);
        queue.push(to);
      }
    }
    expect([...reached].sort()).toEqual([...campaignStatuses].sort());
  });

  it('knows which campaigns are under way and which are over', () => {
    expect(campaignStatuses.filter(isCampaignUnderway)).toEqual(['running', 'paused']);
    expect(campaignStatuses.filter(isCampaignOver)).toEqual(['completed', 'cancelled', 'rejected']);
    expect(campaignTransition('running', 'delete')).toBeNull();
    expect(campaignTransition('scheduled', 'due')).toBe('running');
    // The two-person rule: only the second operator's decision moves a waiting alert on.
    expect(campaignTransition('awaiting-approval', 'start')).toBeNull();
    expect(campaignTransition('awaiting-approval', 'approved')).toBe('running');
    expect(campaignTransition('awaiting-approval', 'approved-schedule')).toBe('scheduled');
    expect(campaignTransition('awaiting-approval', 'rejected')).toBe('rejected');
  });
});
