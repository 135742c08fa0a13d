// Schedules: campaigns set to start at a time or on a cron (Europe/Stockholm). The next
// run is kept in the database (campaigns.next_run_at), so a schedule survives restarts and
// one missed while GDial was closed starts when it opens. A recurring campaign starts a
// child campaign per run; the parent moves on to its next time.
import { Cron } from 'croner';
import { campaignFieldsSchema, type CampaignSettings, type CampaignStatus } from '@gdial/protocol';
import type { EngineContext } from '../context';
import type { Logger } from '../log';
import { recordAudit } from '../store/audit';
import { remoteOwner } from './remote';
import { campaignsWithStatus, insertCampaign, nextScheduledRun, updateCampaign, type StoredCampaign } from '../store/campaigns';
import { DueTimer } from './due-timer';
import { nextStatus } from './lifecycle';

export const TIME_ZONE = 'Europe/Stockholm';

/** The next start of a schedule after `after` (epoch ms), or null when there is none. */
export function nextRunOf(settings: CampaignSettings, after: number): number | null {
  const s = settings.schedule;
  switch (s.kind) {
    case 'now':
      return after;
    case 'at':
      return Date.parse(s.at);
    case 'cron': {
      const next = new Cron(s.cron, { timezone: TIME_ZONE, paused: true }).nextRun(new Date(after));
      if (!next) return null;
      if (s.until && next.getTime() > Date.parse(s.until)) return null;
      return next.getTime();
    }
    default: {
      const never: never = s;
      throw new Error(`unknown schedule ${JSON.stringify(never)}`);
    }
  }
}

export function validateCron(expr: string): string | null {
  try {
    const c = new Cron(expr, { timezone: TIME_ZONE, paused: true });
    return c.nextRun() ? null : 'The cron expression never fires';
  } catch (err) {
    return (err as Error).message;
  }
}

export interface SchedulerDeps {
  ctx: EngineContext;
  log: Logger;
  /** Starts a campaign now (the service's start transaction). */
  launch: (id: number, actor: string, via: 'start' | 'due') => void;
  changed: (id: number, status: CampaignStatus) => void;
}

export class CampaignScheduler {
  // Re-checked at least every minute so a changed clock (sleep, DST) is noticed.
  private readonly timer: DueTimer;

  constructor(private readonly deps: SchedulerDeps) {
    this.timer = new DueTimer({
      next: () => nextScheduledRun(deps.ctx.store.read),
      run: () => this.runDue(),
      clock: Date.now,
      pollMs: 60_000,
    });
  }

  open(): void {
    this.timer.open();
  }

  close(): void {
    this.timer.close();
  }

  /** Sets the timer for the earliest scheduled start. */
  arm(): void {
    this.timer.arm();
  }

  /** Starts every scheduled campaign whose time has come (also those missed while GDial was closed). */
  runDue(): void {
    const { ctx, log } = this.deps;
    const now = Date.now();
    // Another desktop's scheduled alert starts there (it runs it); here it is only shown.
    const due = campaignsWithStatus(ctx.store.read, 'scheduled').filter(
      (r) => r.nextRunAt !== null && r.nextRunAt <= now && remoteOwner(ctx.store.read, r.id) === null,
    );
    for (const r of due) {
      const settings = campaignFieldsSchema.parse(r.settings);
      try {
        if (settings.schedule.kind === 'cron') this.fireRecurring(r, settings, now);
        else this.deps.launch(r.id, `${r.createdBy} (scheduled)`, 'due');
      } catch (err) {
        const message = (err as Error).message;
        log.error({ campaignId: r.id, err }, 'a scheduled campaign could not start');
        ctx.store.transaction((tx) => {
          if (settings.schedule.kind !== 'cron') updateCampaign(tx, r.id, { status: nextStatus(r, 'schedule-failed'), next_run_at: null });
          recordAudit(tx, 'GDial', {
            action: 'campaign.schedule-failed',
            subjectType: 'campaign',
            subjectId: r.id,
            summary: `Scheduled start of "${r.name}" failed: ${message}`,
            params: { name: r.name, message },
          });
        });
        this.deps.changed(r.id, settings.schedule.kind === 'cron' ? 'scheduled' : 'draft');
      }
    }
    this.arm();
  }

  /** One run of a recurring campaign: a child campaign started now; the parent moves to its next time. */
  private fireRecurring(parent: StoredCampaign, settings: CampaignSettings, now: number): void {
    const next = nextRunOf(settings, now + 1000);
    const childId = this.deps.ctx.store.transaction((tx) => {
      const stamp = new Date(now).toLocaleString('sv-SE', { timeZone: TIME_ZONE });
      const child = insertCampaign(tx, {
        name: `${parent.name} (${stamp})`,
        parentId: parent.id,
        priority: parent.priority,
        templateId: parent.templateId,
        testGroupId: parent.testGroupId,
        settings: { ...settings, schedule: { kind: 'now' } },
        approvalReason: parent.approvalReason,
        createdBy: parent.createdBy,
      });
      updateCampaign(tx, parent.id, { next_run_at: next, status: next === null ? nextStatus(parent, 'schedule-ended') : parent.status });
      return child;
    });
    this.deps.launch(childId, `${parent.createdBy} (recurring)`, 'start');
  }
}
