// Escalation waves (Everbridge's "waves"): "if fewer than N people (or N %) have confirmed
// after M minutes, alert group B". A wave is decided once, in order, in one transaction that
// writes its people's recipients and deliveries (the alert's own steps and template), marks
// it decided and audits the decision. Confirmations count up to the wave's moment (start +
// M minutes), so a decision taken late — after a restart, or when a paused alert resumes —
// is the one that would have been taken on time, and a restart never fires a wave twice.
// An alert with a wave still pending is not done.
import { audienceSchema, campaignFieldsSchema, type CampaignProgress, type CampaignSettings, type Wave } from '@gdial/protocol';
import type { EngineContext } from '../context';
import type { Logger } from '../log';
import { recordAudit } from '../store/audit';
import { campaignsWithStatus, getCampaign, updateCampaign, waveDecisions, type StoredCampaign } from '../store/campaigns';
import type { Reader, Tx } from '../store/db';
import { confirmedBefore, recipientContactIds, waveSizes } from '../store/recipients';
import { writePlan, type Plan } from './planner';
import { remoteOwner } from './remote';
import { DueTimer } from './due-timer';

/** How often a pending wave is looked at: the clock may be moved (sleep, tests), so it is not trusted for a long timer. */
const POLL_MS = 1000;

/** When wave `w` of an alert started at `startedAt` (ISO) is decided, epoch ms. */
export const waveDueAt = (startedAt: string, w: Pick<Wave, 'afterMinutes'>): number => Date.parse(startedAt) + w.afterMinutes * 60_000;

/** Whether a wave alerts its people: fewer than its threshold had confirmed by its moment. */
export function waveFires(w: Pick<Wave, 'fewerThan' | 'unit'>, counts: { recipients: number; confirmed: number }): boolean {
  return w.unit === 'percent' ? counts.confirmed * 100 < w.fewerThan * counts.recipients : counts.confirmed < w.fewerThan;
}

/** The waves of an alert as the live view shows them. */
export function wavesProgress(r: Reader, c: StoredCampaign): CampaignProgress['waves'] {
  const waves = (c.settings as Partial<CampaignSettings>).waves ?? [];
  if (waves.length === 0) return [];
  const decisions = waveDecisions(r, c.id) ?? { total: 0, decided: 0, alerted: 0 };
  const sizes = waveSizes(r, c.id);
  return waves.map((w, index) => ({
    index,
    afterMinutes: w.afterMinutes,
    fewerThan: w.fewerThan,
    unit: w.unit,
    dueAt: c.startedAt === null ? null : new Date(waveDueAt(c.startedAt, w)).toISOString(),
    state: index >= decisions.decided ? 'pending' : decisions.alerted & (1 << index) ? 'alerted' : 'not-needed',
    people: sizes.get(index + 1) ?? 0,
  }));
}

export interface WaveRunnerDeps {
  ctx: EngineContext;
  log: Logger;
  /** The dispatcher's clock: a wave's moment is compared with the same time due rows are. */
  clock: () => number;
  /** The alert's plan for another audience (its template, steps, prices). */
  plan: (tx: Tx, c: StoredCampaign, settings: CampaignSettings) => Plan;
  /** After a decision: new rows may be due, and the alert may now be done. */
  decided: (campaignId: number, alerted: boolean) => void;
}

export class WaveRunner {
  private readonly timer: DueTimer;

  constructor(private readonly deps: WaveRunnerDeps) {
    this.timer = new DueTimer({
      next: () => {
        const next = this.pending().reduce((m, p) => Math.min(m, p.dueAt), Infinity);
        return next === Infinity ? null : next;
      },
      run: () => this.runDue(),
      clock: deps.clock,
      pollMs: POLL_MS,
    });
  }

  open(): void {
    this.timer.open();
  }

  close(): void {
    this.timer.close();
  }

  /** Looks again at the earliest pending wave (after a start or a resume). */
  arm(): void {
    this.timer.arm();
  }

  /** Decides every wave whose moment has come, in order per alert. */
  runDue(): void {
    const now = this.deps.clock();
    for (const p of this.pending()) {
      if (p.dueAt > now) continue;
      try {
        const alerted = this.deps.ctx.store.transaction((tx) => this.decide(tx, p.campaign.id, p.index, now));
        if (alerted !== null) this.deps.decided(p.campaign.id, alerted);
      } catch (err) {
        this.deps.log.error({ err, campaignId: p.campaign.id, wave: p.index + 1 }, 'an escalation wave could not be decided');
      }
    }
    this.arm();
  }

  /** The next undecided wave of every running alert this desktop dispatches. */
  private pending(): { campaign: StoredCampaign; index: number; dueAt: number }[] {
    const r = this.deps.ctx.store.read;
    const out: { campaign: StoredCampaign; index: number; dueAt: number }[] = [];
    for (const c of campaignsWithStatus(r, 'running')) {
      const d = waveDecisions(r, c.id);
      if (!d || d.decided >= d.total || c.startedAt === null || remoteOwner(r, c.id) !== null) continue;
      const w = campaignFieldsSchema.parse(c.settings).waves[d.decided]!;
      out.push({ campaign: c, index: d.decided, dueAt: waveDueAt(c.startedAt, w) });
    }
    return out;
  }

  /** Decides wave `index` (null when it was decided meanwhile): alerts its people or records that it was not needed. */
  private decide(tx: Tx, id: number, index: number, now: number): boolean | null {
    const c = getCampaign(tx, id);
    const d = waveDecisions(tx, id);
    if (!c || c.status !== 'running' || c.startedAt === null || !d || d.decided !== index) return null;
    const settings = campaignFieldsSchema.parse(c.settings);
    const w = settings.waves[index]!;
    const counts = confirmedBefore(tx, id, index + 1, new Date(waveDueAt(c.startedAt, w)).toISOString());
    const fires = waveFires(w, counts);
    let people = 0;
    if (fires) {
      const plan = this.deps.plan(tx, c, { ...settings, audience: audienceSchema.parse(w.audience), waves: [] });
      // Only people nobody has alerted yet, and only those the message can be written for.
      const already = recipientContactIds(tx, id);
      const lacking = new Set(plan.report.missingVariables.map((m) => m.contactId));
      const recipients = plan.recipients.filter((p) => !already.has(p.contact.id) && !lacking.has(p.contact.id));
      people = writePlan(tx, id, c.priority, { recipients }, now, index + 1).recipients;
    }
    updateCampaign(tx, id, { waves_decided: index + 1, waves_alerted: fires ? d.alerted | (1 << index) : d.alerted });
    const minutes = w.afterMinutes;
    recordAudit(tx, 'GDial', {
      action: 'campaign.wave',
      subjectType: 'campaign',
      subjectId: id,
      summary: fires
        ? `"${c.name}": wave ${index + 1} alerted ${people} people (${counts.confirmed} of ${counts.recipients} had confirmed after ${minutes} minutes)`
        : `"${c.name}": wave ${index + 1} not needed (${counts.confirmed} of ${counts.recipients} had confirmed after ${minutes} minutes)`,
      params: {
        name: c.name,
        wave: index + 1,
        confirmed: counts.confirmed,
        recipients: counts.recipients,
        minutes,
        alerted: fires ? 1 : 0,
        count: people,
      },
    });
    return fires;
  }
}
