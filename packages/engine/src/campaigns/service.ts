// The campaign service: what the RPC handlers, the scheduler and the relay client call.
// It owns the lifecycle of a campaign (draft → scheduled → running ⇄ paused → completed /
// cancelled), writes the whole outbox in the start transaction, arms schedules (a time or
// a cron in Europe/Stockholm, kept in the database so they survive restarts), and is the
// non-transactional wrapper around the provider-event entry point.
import { Cron } from 'croner';
import { and, desc, eq } from 'drizzle-orm';
import {
  campaignFieldsSchema,
  campaignTransition,
  FINAL_RANK,
  priceTableSchema,
  type AuditAction,
  type Campaign,
  type CampaignFields,
  type CampaignProgress,
  type CampaignSettings,
  type CampaignStatus,
  type CampaignSummary,
  type InboxMessage,
  type PlanReport,
  type PriceTable,
  type ProviderEvent,
} from '@gdial/protocol';
import type { EngineContext } from '../context';
import { DomainError, invalid, notFound } from '../errors';
import type { Logger } from '../log';
import { recordAudit } from '../store/audit';
import type { Db } from '../store/db';
import { campaigns, inboxMessages } from '../store/schema';
import { readSetting, writeSetting, type SettingDef } from '../store/settings';
import { Dispatcher, PAUSED_BAND, type DispatcherOptions } from './dispatcher';
import { applyProviderEvents, type AppliedEvents } from './events';
import { progressRecipient, sqliteOf } from './outbox';
import { planCampaign, writePlan, type Plan } from './planner';
import type { CallFlowHost, CallFlowSpec, ChannelSender, ChannelSenders } from './ports';
import { isCampaignDone, ProgressPublisher, readProgress } from './progress';
import { nextStatus, requireTransition } from './lifecycle';
import { loadTemplate } from './templates';

export const TIME_ZONE = 'Europe/Stockholm';

export const priceTableSetting: SettingDef<PriceTable> = {
  key: 'campaigns.priceTable',
  schema: priceTableSchema,
  fallback: priceTableSchema.parse({}),
};

type CampaignRow = typeof campaigns.$inferSelect;

export interface CampaignServiceOptions {
  senders?: ChannelSenders;
  flows?: CallFlowHost | null;
  /** Renders a voice script with the offline TTS and returns the audio asset id. */
  synthesiseVoice?: (script: string, language: 'sv' | 'en', voiceId: string | null) => Promise<string>;
  dispatcher?: Partial<Omit<DispatcherOptions, 'store' | 'senders' | 'flows' | 'logger' | 'onActivity'>>;
}

export function validateCron(expr: string): string | null {
  try {
    const c = new Cron(expr, { timezone: TIME_ZONE, paused: true });
    return c.nextRun() ? null : 'The cron expression never fires';
  } catch (err) {
    return (err as Error).message;
  }
}

export class CampaignService {
  readonly dispatcher: Dispatcher;
  readonly progress: ProgressPublisher;
  private readonly log: Logger;
  private senders: ChannelSenders;
  private flows: CallFlowHost | null;
  private scheduleTimer: NodeJS.Timeout | null = null;
  /** Set by hosts that configure providers: refuse to start what no provider can send. */
  private requireProviders = false;
  private running = false;
  private readonly synthesiseVoice: CampaignServiceOptions['synthesiseVoice'];

  constructor(
    private readonly ctx: EngineContext,
    opts: CampaignServiceOptions = {},
  ) {
    this.log = ctx.logger.child({ module: 'campaigns' });
    this.senders = opts.senders ?? { get: () => null };
    this.flows = opts.flows ?? null;
    this.synthesiseVoice = opts.synthesiseVoice;
    this.progress = new ProgressPublisher({
      db: () => ctx.store.db,
      publish: (p) => ctx.events.emit('campaigns.progress', p),
      onDone: (id) => this.completeIfDone(id),
      unavailable: () => this.dispatcher.unavailableProviders(),
      onError: (err) => this.log.warn({ err }, 'could not publish campaign progress'),
    });
    this.dispatcher = new Dispatcher({
      ...opts.dispatcher,
      store: ctx.store,
      // Providers can be (re)configured while the engine runs.
      senders: { get: (ch): ChannelSender | null => this.senders.get(ch) },
      flows: { register: (spec) => this.registerFlow(spec) },
      logger: ctx.logger,
      onActivity: (ids, handedOver) => this.progress.markDirty(ids, handedOver),
      onPolledEvents: (events) => void this.handleProviderEvents(events),
    });
  }

  /**
   * Voice scripts are spoken by our offline TTS (rendered once per campaign and language,
   * cached by content); if that fails the provider's own Swedish voice reads the script, so
   * a missing voice never stops an alert.
   */
  private async registerFlow(spec: CallFlowSpec): Promise<{ urlFor: (token: string) => string }> {
    if (!this.flows) throw new Error('No call-flow host is configured (relay not set up)');
    let s = spec;
    if (!spec.audioId && spec.script && this.synthesiseVoice) {
      try {
        s = { ...spec, audioId: await this.synthesiseVoice(spec.script, spec.language, spec.voiceId) };
      } catch (err) {
        this.log.warn({ err, flowId: spec.flowId }, "offline TTS failed; the provider's voice reads the script");
      }
    }
    return this.flows.register(s);
  }

  /** Plugs in providers and the call-flow host (from settings, the relay client, tests). */
  /** From now on a campaign whose steps use a channel without a provider cannot start. */
  requireConfiguredProviders(): void {
    this.requireProviders = true;
  }

  setChannels(senders: ChannelSenders, flows: CallFlowHost | null): void {
    this.senders = senders;
    this.flows = flows;
    this.dispatcher.providersChanged();
    void this.dispatcher.reconcile().then(() => this.dispatcher.wake());
  }

  /** Reconciles what a previous run left in flight, starts dispatching and arms schedules. */
  async open(): Promise<void> {
    this.running = true;
    await this.dispatcher.start();
    this.runDueSchedules();
    // Campaigns that finished while we were away (their last callbacks applied at start).
    for (const r of this.ctx.store.db.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.status, 'running')).all()) {
      this.progress.markDirty([r.id]);
    }
  }

  async close(): Promise<void> {
    this.running = false;
    if (this.scheduleTimer) clearTimeout(this.scheduleTimer);
    this.scheduleTimer = null;
    await this.dispatcher.stop();
    this.progress.close();
  }

  // ── campaigns: definition ─────────────────────────────────────────────────────────────

  private row(db: Db, id: number): CampaignRow {
    const r = db.select().from(campaigns).where(eq(campaigns.id, id)).get();
    if (!r) throw notFound('Campaign', id);
    return r;
  }

  private summary(db: Db, r: CampaignRow): CampaignSummary {
    const s = sqliteOf(db);
    const counts = s
      .prepare("SELECT count(*) AS n, sum(outcome = 'confirmed') AS c FROM campaign_recipients WHERE campaign_id = ?")
      .get(r.id) as { n: number; c: number | null };
    const settings = campaignFieldsSchema.parse(r.settings);
    return {
      id: r.id,
      name: r.name,
      status: r.status,
      priority: r.priority === 0 ? 'alert' : 'outreach',
      testMode: r.testGroupId !== null,
      templateId: r.templateId,
      schedule: settings.schedule,
      parentId: r.parentId,
      nextRunAt: r.nextRunAt === null ? null : new Date(r.nextRunAt).toISOString(),
      recipients: counts.n,
      confirmed: counts.c ?? 0,
      createdAt: r.createdAt,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      createdBy: r.createdBy,
    };
  }

  toDto(db: Db, r: CampaignRow): Campaign {
    return { ...this.summary(db, r), settings: campaignFieldsSchema.parse(r.settings), approvalReason: r.approvalReason };
  }

  get(id: number): Campaign {
    const db = this.ctx.store.db;
    return this.toDto(db, this.row(db, id));
  }

  list(q: { status?: CampaignStatus | undefined; limit: number }): CampaignSummary[] {
    const db = this.ctx.store.db;
    return db
      .select()
      .from(campaigns)
      .where(q.status ? eq(campaigns.status, q.status) : undefined)
      .orderBy(desc(campaigns.id))
      .limit(q.limit)
      .all()
      .map((r) => this.summary(db, r));
  }

  private checkFields(db: Db, fields: CampaignSettings): void {
    const issues = [];
    if (!loadTemplate(db, fields.templateId)) issues.push({ path: 'templateId', message: `Template ${fields.templateId} does not exist` });
    if (fields.schedule.kind === 'cron') {
      const err = validateCron(fields.schedule.cron);
      if (err) issues.push({ path: 'schedule.cron', message: err });
    }
    if (fields.testGroupId !== null) {
      const g = sqliteOf(db).prepare('SELECT 1 FROM contact_groups WHERE id = ?').get(fields.testGroupId);
      if (!g) issues.push({ path: 'testGroupId', message: `Group ${fields.testGroupId} does not exist` });
    }
    if (issues.length) throw invalid(issues);
  }

  create(input: CampaignFields): Campaign {
    const fields = campaignFieldsSchema.parse(input);
    const actor = this.ctx.operator();
    const id = this.ctx.store.transaction(({ db }) => {
      this.checkFields(db, fields);
      const r = db
        .insert(campaigns)
        .values({
          name: fields.name,
          priority: fields.priority === 'alert' ? 0 : 1,
          templateId: fields.templateId,
          testGroupId: fields.testGroupId,
          settings: fields,
          createdBy: actor,
        })
        .returning({ id: campaigns.id })
        .get();
      recordAudit(db, actor, {
        action: 'campaign.create',
        subjectType: 'campaign',
        subjectId: r.id,
        summary: `Created campaign "${fields.name}"`,
        params: { name: fields.name },
      });
      return r.id;
    });
    this.ctx.events.emit('campaigns.changed', { id, status: 'draft' });
    return this.get(id);
  }

  update(id: number, input: CampaignFields): Campaign {
    const fields = campaignFieldsSchema.parse(input);
    const actor = this.ctx.operator();
    this.ctx.store.transaction(({ db }) => {
      const r = this.row(db, id);
      const status = nextStatus(r, 'edit');
      this.checkFields(db, fields);
      db.update(campaigns)
        .set({
          name: fields.name,
          priority: fields.priority === 'alert' ? 0 : 1,
          templateId: fields.templateId,
          testGroupId: fields.testGroupId,
          settings: fields,
          // A changed schedule must be armed again by start.
          status,
          nextRunAt: null,
          updatedAt: new Date().toISOString(),
        })
        .where(eq(campaigns.id, id))
        .run();
      recordAudit(db, actor, {
        action: 'campaign.update',
        subjectType: 'campaign',
        subjectId: id,
        summary: `Changed campaign "${fields.name}"`,
        params: { name: fields.name },
      });
    });
    this.ctx.events.emit('campaigns.changed', { id, status: 'draft' });
    return this.get(id);
  }

  delete(id: number): void {
    const actor = this.ctx.operator();
    this.ctx.store.transaction(({ db }) => {
      const r = this.row(db, id);
      requireTransition(r, 'delete');
      db.delete(campaigns).where(eq(campaigns.id, id)).run();
      recordAudit(db, actor, {
        action: 'campaign.delete',
        subjectType: 'campaign',
        subjectId: id,
        summary: `Deleted campaign "${r.name}"`,
        params: { name: r.name },
      });
    });
  }

  // ── planning and starting ─────────────────────────────────────────────────────────────

  private makePlan(db: Db, r: CampaignRow): Plan {
    const settings = campaignFieldsSchema.parse(r.settings);
    const template = loadTemplate(db, r.templateId);
    if (!template) throw new DomainError('PRECONDITION', `Template ${r.templateId} of campaign "${r.name}" no longer exists`);
    const plan = planCampaign(this.ctx.store.read, {
      settings,
      template,
      prices: readSetting(db, priceTableSetting),
      render: { campaignName: r.name, operator: this.ctx.operator(), now: new Date() },
    });
    // Never accept an alert that nothing can send: deliveries would only wait in the queue.
    const unconfigured = [...new Set(settings.steps.map((s) => s.channel))].filter((ch) => this.senders.get(ch) === null);
    if (this.requireProviders && unconfigured.length > 0) {
      plan.report.blockers.push(`No provider is configured for ${unconfigured.join(', ')}: configure it in Settings before starting`);
    }
    return plan;
  }

  plan(id: number): PlanReport {
    const db = this.ctx.store.db;
    return this.makePlan(db, this.row(db, id)).report;
  }

  /** Starts now or arms the schedule. */
  start(id: number, unapprovedReason?: string): { campaign: Campaign; plan: PlanReport } {
    const actor = this.ctx.operator();
    const r0 = this.row(this.ctx.store.db, id);
    const settings = campaignFieldsSchema.parse(r0.settings);
    if (settings.schedule.kind === 'now') {
      const plan = this.launch(id, actor, unapprovedReason ?? null, 'start');
      return { campaign: this.get(id), plan };
    }
    const report = this.ctx.store.transaction(({ db }) => {
      const r = this.row(db, id);
      const status = nextStatus(r, 'schedule');
      const plan = this.makePlan(db, r);
      this.checkApproval(db, r, plan.report, unapprovedReason ?? null);
      const next = nextRunOf(settings, Date.now());
      if (next === null) throw new DomainError('PRECONDITION', 'The schedule has no future run');
      db.update(campaigns)
        .set({ status, nextRunAt: next, approvalReason: unapprovedReason ?? null, updatedAt: new Date().toISOString() })
        .where(eq(campaigns.id, id))
        .run();
      recordAudit(db, actor, {
        action: 'campaign.schedule',
        subjectType: 'campaign',
        subjectId: id,
        summary: `Scheduled "${r.name}" for ${new Date(next).toISOString()}${settings.schedule.kind === 'cron' ? ` (cron ${settings.schedule.cron}, ${TIME_ZONE})` : ''}`,
        params: {
          name: r.name,
          at: new Date(next).toISOString(),
          ...(settings.schedule.kind === 'cron' ? { cron: settings.schedule.cron } : {}),
        },
      });
      return plan.report;
    });
    this.ctx.events.emit('campaigns.changed', { id, status: 'scheduled' });
    this.armScheduler();
    return { campaign: this.get(id), plan: report };
  }

  private checkApproval(db: Db, r: CampaignRow, report: PlanReport, reason: string | null): void {
    if (report.blockers.length) {
      throw new DomainError('PRECONDITION', `Campaign "${r.name}" cannot start: ${report.blockers.join('; ')}`, {
        blockers: report.blockers,
        missingVariables: report.missingVariables.slice(0, 200),
      });
    }
    if (!report.templateApproved && !reason) {
      throw new DomainError(
        'PRECONDITION',
        'The template is not approved. Approve it, or give a reason for using it unapproved (it goes into the audit log).',
      );
    }
    void db;
  }

  /**
   * The start transaction: plan, write every recipient and delivery row, mark running, audit.
   * Everything lands together or nothing does.
   */
  private launch(id: number, actor: string, unapprovedReason: string | null, via: 'start' | 'due'): PlanReport {
    const now = Date.now();
    const report = this.ctx.store.transaction(({ db }) => {
      const r = this.row(db, id);
      const status = nextStatus(r, via);
      const plan = this.makePlan(db, r);
      const reason = unapprovedReason ?? r.approvalReason;
      this.checkApproval(db, r, plan.report, reason);
      const written = writePlan(db, id, r.priority, plan, now);
      db.update(campaigns)
        .set({
          status,
          startedAt: new Date(now).toISOString(),
          nextRunAt: null,
          approvalReason: reason,
          updatedAt: new Date(now).toISOString(),
        })
        .where(eq(campaigns.id, id))
        .run();
      recordAudit(db, actor, {
        action: 'campaign.start',
        subjectType: 'campaign',
        subjectId: id,
        summary: `Started "${r.name}": ${written.recipients} recipients, ${written.deliveries} deliveries${r.testGroupId !== null ? ' (test mode)' : ''}`,
        params: { name: r.name, recipients: written.recipients, deliveries: written.deliveries, test: r.testGroupId !== null ? 1 : 0 },
      });
      if (!plan.report.templateApproved) {
        recordAudit(db, actor, {
          action: 'campaign.start-unapproved',
          subjectType: 'campaign',
          subjectId: id,
          summary: `Started "${r.name}" with unapproved template ${r.templateId}. Reason: ${reason}`,
          params: { name: r.name, template: r.templateId ?? '', reason: reason ?? '' },
        });
      }
      return plan.report;
    });
    this.ctx.events.emit('campaigns.changed', { id, status: 'running' });
    this.dispatcher.wake();
    this.progress.markDirty([id]);
    return report;
  }

  pause(id: number): Campaign {
    return this.setRunState(id, 'pause', 'campaign.pause', (db) => {
      sqliteOf(db)
        .prepare("UPDATE deliveries SET priority = priority + ? WHERE campaign_id = ? AND state IN ('queued', 'waiting') AND priority < ?")
        .run(PAUSED_BAND, id, PAUSED_BAND);
    });
  }

  resume(id: number): Campaign {
    const c = this.setRunState(id, 'resume', 'campaign.resume', (db) => {
      sqliteOf(db)
        .prepare('UPDATE deliveries SET priority = priority - ? WHERE campaign_id = ? AND priority >= ?')
        .run(PAUSED_BAND, id, PAUSED_BAND);
    });
    this.dispatcher.wake();
    return c;
  }

  private setRunState(id: number, what: 'pause' | 'resume', action: AuditAction, rows: (db: Db) => void): Campaign {
    const actor = this.ctx.operator();
    const to = this.ctx.store.transaction(({ db }) => {
      const r = this.row(db, id);
      const to = nextStatus(r, what);
      db.update(campaigns).set({ status: to, updatedAt: new Date().toISOString() }).where(eq(campaigns.id, id)).run();
      rows(db);
      recordAudit(db, actor, {
        action,
        subjectType: 'campaign',
        subjectId: id,
        summary: `${to === 'paused' ? 'Paused' : 'Resumed'} "${r.name}"`,
        params: { name: r.name },
      });
      return to;
    });
    this.ctx.events.emit('campaigns.changed', { id, status: to });
    this.progress.markDirty([id]);
    return this.get(id);
  }

  /** Cancels everything not yet sent and hangs up calls in progress. */
  async cancel(id: number, reason?: string): Promise<Campaign> {
    const actor = this.ctx.operator();
    const now = Date.now();
    const calls = this.ctx.store.transaction(({ db }) => {
      const r = this.row(db, id);
      const status = nextStatus(r, 'cancel');
      const s = sqliteOf(db);
      db.update(campaigns)
        .set({
          status,
          cancelReason: reason ?? null,
          finishedAt: new Date(now).toISOString(),
          nextRunAt: null,
          updatedAt: new Date(now).toISOString(),
        })
        .where(eq(campaigns.id, id))
        .run();
      const cancelled = s
        .prepare(
          "UPDATE deliveries SET state = 'cancelled', finished_at = ?, error = 'campaign cancelled' WHERE campaign_id = ? AND state IN ('waiting', 'queued') RETURNING id",
        )
        .all(now, id) as { id: number }[];
      const ev = s.prepare("INSERT INTO delivery_events (delivery_id, at, kind, detail) VALUES (?, ?, 'cancelled', ?)");
      for (const c of cancelled) ev.run(c.id, now, reason ?? 'campaign cancelled');
      s.prepare("UPDATE campaign_recipients SET outcome = 'cancelled' WHERE campaign_id = ? AND outcome IN ('pending', 'in-progress')").run(
        id,
      );
      const live = s
        .prepare(
          "SELECT provider_id FROM deliveries WHERE campaign_id = ? AND channel = 'voice' AND state IN ('sent', 'delivered') AND provider_rank < ? AND provider_id IS NOT NULL",
        )
        .all(id, FINAL_RANK) as { provider_id: string }[];
      recordAudit(db, actor, {
        action: 'campaign.cancel',
        subjectType: 'campaign',
        subjectId: id,
        summary: `Cancelled "${r.name}": ${cancelled.length} deliveries not sent, ${live.length} calls hung up${reason ? `. Reason: ${reason}` : ''}`,
        params: { name: r.name, notSent: cancelled.length, hungUp: live.length, reason: reason ?? '' },
      });
      return live.map((l) => l.provider_id);
    });
    this.ctx.events.emit('campaigns.changed', { id, status: 'cancelled' });
    this.progress.markDirty([id]);
    await this.dispatcher.hangUpCalls(calls);
    return this.get(id);
  }

  private completeIfDone(id: number): void {
    let done = false;
    this.ctx.store.transaction(({ db }) => {
      const r = db.select().from(campaigns).where(eq(campaigns.id, id)).get();
      if (!r || campaignTransition(r.status, 'finish') === null || !isCampaignDone(db, id)) return;
      // Recipients whose last row just settled may still read in-progress.
      const open = sqliteOf(db)
        .prepare("SELECT id FROM campaign_recipients WHERE campaign_id = ? AND outcome IN ('pending', 'in-progress')")
        .all(id) as { id: number }[];
      for (const o of open) progressRecipient(db, o.id, Date.now());
      db.update(campaigns)
        .set({ status: nextStatus(r, 'finish'), finishedAt: new Date().toISOString() })
        .where(eq(campaigns.id, id))
        .run();
      recordAudit(db, 'GDial', {
        action: 'campaign.complete',
        subjectType: 'campaign',
        subjectId: id,
        summary: `Campaign "${r.name}" completed`,
        params: { name: r.name },
      });
      done = true;
    });
    if (done) {
      this.ctx.events.emit('campaigns.changed', { id, status: 'completed' });
      this.progress.markDirty([id]);
    }
  }

  // ── scheduling ────────────────────────────────────────────────────────────────────────

  private armScheduler(): void {
    if (!this.running) return;
    if (this.scheduleTimer) clearTimeout(this.scheduleTimer);
    const next = sqliteOf(this.ctx.store.db).prepare("SELECT MIN(next_run_at) AS t FROM campaigns WHERE status = 'scheduled'").get() as {
      t: number | null;
    };
    if (next.t === null) return;
    // Re-check at least every minute so a changed clock (sleep, DST) is noticed.
    const wait = Math.min(60_000, Math.max(0, next.t - Date.now()));
    this.scheduleTimer = setTimeout(() => this.runDueSchedules(), wait);
    this.scheduleTimer.unref?.();
  }

  /** Starts every scheduled campaign whose time has come (also those missed while GDial was closed). */
  runDueSchedules(): void {
    const now = Date.now();
    const due = this.ctx.store.db
      .select()
      .from(campaigns)
      .where(and(eq(campaigns.status, 'scheduled')))
      .all()
      .filter((r) => r.nextRunAt !== null && r.nextRunAt <= now);
    for (const r of due) {
      const settings = campaignFieldsSchema.parse(r.settings);
      try {
        if (settings.schedule.kind === 'cron') this.fireRecurring(r, settings, now);
        else this.launch(r.id, `${r.createdBy} (scheduled)`, null, 'due');
      } catch (err) {
        const message = (err as Error).message;
        this.log.error({ campaignId: r.id, err }, 'a scheduled campaign could not start');
        this.ctx.store.transaction(({ db }) => {
          if (settings.schedule.kind !== 'cron')
            db.update(campaigns)
              .set({ status: nextStatus(r, 'schedule-failed'), nextRunAt: null })
              .where(eq(campaigns.id, r.id))
              .run();
          recordAudit(db, 'GDial', {
            action: 'campaign.schedule-failed',
            subjectType: 'campaign',
            subjectId: r.id,
            summary: `Scheduled start of "${r.name}" failed: ${message}`,
            params: { name: r.name, message },
          });
        });
        this.ctx.events.emit('campaigns.changed', { id: r.id, status: settings.schedule.kind === 'cron' ? 'scheduled' : 'draft' });
      }
    }
    this.armScheduler();
  }

  /** One run of a recurring campaign: a child campaign started now; the parent moves to its next time. */
  private fireRecurring(parent: CampaignRow, settings: CampaignSettings, now: number): void {
    const next = nextRunOf(settings, now + 1000);
    const childId = this.ctx.store.transaction(({ db }) => {
      const stamp = new Date(now).toLocaleString('sv-SE', { timeZone: TIME_ZONE });
      const child = db
        .insert(campaigns)
        .values({
          name: `${parent.name} (${stamp})`,
          parentId: parent.id,
          priority: parent.priority,
          templateId: parent.templateId,
          testGroupId: parent.testGroupId,
          settings: { ...settings, schedule: { kind: 'now' } },
          approvalReason: parent.approvalReason,
          createdBy: parent.createdBy,
        })
        .returning({ id: campaigns.id })
        .get();
      db.update(campaigns)
        .set({ nextRunAt: next, status: next === null ? nextStatus(parent, 'schedule-ended') : parent.status })
        .where(eq(campaigns.id, parent.id))
        .run();
      return child.id;
    });
    this.launch(childId, `${parent.createdBy} (recurring)`, null, 'start');
  }

  // ── provider events ───────────────────────────────────────────────────────────────────

  /** The entry point for callers without a transaction of their own (tests, direct webhooks). */
  handleProviderEvents(events: readonly ProviderEvent[]): AppliedEvents {
    const result = this.ctx.store.transaction(({ db }) => applyProviderEvents(db, events));
    this.afterProviderEvents(result);
    return result;
  }

  /** To call after committing a transaction that ran `applyProviderEvents` (the relay client). */
  afterProviderEvents(result: AppliedEvents): void {
    if (result.becameDue) this.dispatcher.wake();
    else if (result.applied > 0) this.dispatcher.wake();
    this.progress.markDirty(result.campaignIds);
    for (const m of result.inbox) this.ctx.events.emit('inbox.received', m);
  }

  // ── reading ───────────────────────────────────────────────────────────────────────────

  progressOf(id: number): CampaignProgress {
    const p = readProgress(this.ctx.store.db, id, this.progress.throughput(id), this.dispatcher.unavailableProviders());
    if (!p) throw notFound('Campaign', id);
    return p;
  }

  listInbox(q: { handled?: boolean | undefined; campaignId?: number | undefined; limit: number }): InboxMessage[] {
    const db = this.ctx.store.db;
    const conds = [];
    if (q.handled !== undefined) conds.push(eq(inboxMessages.handled, q.handled));
    if (q.campaignId !== undefined) conds.push(eq(inboxMessages.campaignId, q.campaignId));
    const rows = db
      .select()
      .from(inboxMessages)
      .where(conds.length ? and(...conds) : undefined)
      .orderBy(desc(inboxMessages.id))
      .limit(q.limit)
      .all();
    const names = sqliteOf(db).prepare('SELECT display_name FROM contacts WHERE id = ?');
    const campaignNames = sqliteOf(db).prepare('SELECT name FROM campaigns WHERE id = ?').pluck();
    return rows.map((r) => ({
      id: r.id,
      receivedAt: r.receivedAt,
      channel: r.channel,
      from: r.fromAddress,
      text: r.text,
      campaignId: r.campaignId,
      campaignName: r.campaignId === null ? null : ((campaignNames.get(r.campaignId) as string | undefined) ?? null),
      recipientId: r.recipientId,
      contactId: r.contactId,
      displayName: r.contactId === null ? null : ((names.get(r.contactId) as { display_name: string } | undefined)?.display_name ?? null),
      handled: r.handled,
      handledBy: r.handledBy,
      handledAt: r.handledAt,
    }));
  }

  markInbox(ids: number[], handled: boolean): number {
    const actor = this.ctx.operator();
    return this.ctx.store.transaction(({ db }) => {
      const s = sqliteOf(db);
      const res = s
        .prepare(
          'UPDATE inbox_messages SET handled = ?, handled_by = ?, handled_at = ? WHERE id IN (SELECT value FROM json_each(?)) AND handled <> ?',
        )
        .run(handled ? 1 : 0, handled ? actor : null, handled ? new Date().toISOString() : null, JSON.stringify(ids), handled ? 1 : 0);
      recordAudit(db, actor, {
        action: handled ? 'inbox.handled' : 'inbox.unhandled',
        subjectType: 'inbox',
        subjectId: ids.join(',').slice(0, 200),
        summary: `Marked ${res.changes} replies ${handled ? 'handled' : 'not handled'}`,
        params: { count: res.changes },
      });
      return res.changes;
    });
  }

  priceTable(): PriceTable {
    return readSetting(this.ctx.store.db, priceTableSetting);
  }

  setPriceTable(t: PriceTable): PriceTable {
    const actor = this.ctx.operator();
    this.ctx.store.transaction(({ db }) => {
      writeSetting(db, priceTableSetting, t);
      recordAudit(db, actor, {
        action: 'campaigns.priceTable',
        subjectType: 'settings',
        subjectId: 'campaigns.priceTable',
        summary: `Price table changed (${t.currency})`,
        params: { currency: t.currency },
      });
    });
    return t;
  }
}

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
