// The campaign service's guards are the protocol's lifecycle table: a campaign is brought
// into every status through the service, every operator action is tried on it, and the
// service must do exactly what the table allows and refuse (CONFLICT) what it refuses.
import { afterEach, describe, expect, it } from 'vitest';
import {
  campaignActions,
  campaignAllows,
  campaignStatuses,
  type CampaignAction,
  type CampaignFields,
  type CampaignStatus,
} from '@gdial/protocol';
import { CampaignService } from '../../src/campaigns/service';
import { ApprovalService } from '../../src/campaigns/approvals';
import { DomainError } from '../../src/errors';
import { addContact, addGroup, addTemplate, deliveriesOf, makeEnv, statusEvent, until, type TestEnv } from './helpers';

let env: TestEnv | undefined;
let service: CampaignService | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
  env?.close();
  env = undefined;
});

type Schedule = 'now' | 'at';

describe('campaign lifecycle guards', () => {
  it('allow exactly what the transition table allows, in every status', async () => {
    env = makeEnv();
    const e = env;
    const svc = new CampaignService(e.ctx, {});
    service = svc;
    let user = { id: 'u-starter', username: 'starter', displayName: 'Starter', role: 'operator' as const, source: 'local' as const };
    const approvals = new ApprovalService({ ctx: e.ctx, campaigns: svc, user: () => user, desktop: 'A' });
    const group = addGroup(e.store, 'G');
    addContact(e.store, { name: 'Anna', phones: ['+46701000001'], groups: [group] });
    const templateId = addTemplate(e.store);
    const fields = (schedule: Schedule): CampaignFields => ({
      name: `Övning ${schedule}`,
      templateId,
      audience: { groupIds: [group] },
      steps: [{ channel: 'sms' }],
      // In the past: a scheduled start is due at once when the schedules are run.
      schedule: schedule === 'now' ? { kind: 'now' } : { kind: 'at', at: new Date(Date.now() - 60_000).toISOString() },
    });

    /** A campaign brought into `status` the way the operator and GDial would. */
    const campaignIn = async (status: CampaignStatus, schedule: Schedule): Promise<number> => {
      const id = svc.create(fields(schedule)).id;
      if (status === 'draft') return id;
      if (status === 'awaiting-approval' || status === 'rejected') {
        approvals.submit(id);
        if (status === 'rejected') {
          const starter = user;
          user = { ...starter, id: 'u-second', displayName: 'Second' };
          approvals.reject(id, 'Inte nu');
          user = starter;
        }
        return id;
      }
      svc.start(id);
      if (schedule === 'at') {
        if (status === 'scheduled') return id;
        svc.runDueSchedules();
      }
      if (status === 'paused') svc.pause(id);
      if (status === 'cancelled') await svc.cancel(id);
      if (status === 'completed') {
        svc.handleProviderEvents(deliveriesOf(e.store, id).map((d) => statusEvent(d.token, 'delivered')));
        await until(() => svc.get(id).status === 'completed', 5000, 'completion');
      }
      expect(svc.get(id).status).toBe(status);
      return id;
    };

    const attempt = async (id: number, action: CampaignAction): Promise<void> => {
      switch (action) {
        case 'edit':
          svc.update(id, { ...svc.get(id).settings, name: 'Ändrad' });
          return;
        case 'delete':
          svc.delete(id);
          return;
        case 'start':
        case 'schedule':
          svc.start(id);
          return;
        case 'submit':
          approvals.submit(id);
          return;
        case 'pause':
          svc.pause(id);
          return;
        case 'resume':
          svc.resume(id);
          return;
        case 'cancel':
          await svc.cancel(id);
          return;
        default: {
          const never: never = action;
          throw new Error(`unknown action ${String(never)}`);
        }
      }
    };

    let tried = 0;
    for (const status of campaignStatuses) {
      for (const action of campaignActions) {
        // "start" is the start of a campaign whose schedule is now, "schedule" of one with a
        // time; a scheduled campaign always has a time (editing it makes it a draft again).
        const schedule: Schedule = action === 'start' ? 'now' : 'at';
        if (status === 'scheduled' && action === 'start') continue;
        const id = await campaignIn(status, schedule);
        const allowed = campaignAllows(status, action);
        let refusal: unknown = null;
        try {
          await attempt(id, action);
        } catch (err) {
          refusal = err;
        }
        if (allowed) expect(refusal, `${action} of a ${status} campaign`).toBeNull();
        else {
          expect(refusal, `${action} of a ${status} campaign`).toBeInstanceOf(DomainError);
          expect((refusal as DomainError).code).toBe('CONFLICT');
          expect((refusal as DomainError).details).toEqual({ status, action });
          // A refused action changes nothing.
          expect(svc.get(id).status).toBe(status);
        }
        tried++;
      }
    }
    expect(tried).toBe(campaignStatuses.length * campaignActions.length - 1);
  });
});
