// The campaign service: what the RPC handlers, the scheduler and the relay client call.
// It owns the lifecycle of a campaign (draft → scheduled → running ⇄ paused → completed /
// cancelled), writes the whole outbox in the start transaction, arms schedules (a time or
// a cron in Europe/Stockholm, kept in the database so they survive restarts), and is the
// non-transactional wrapper around the provider-event entry point.
import {
  refusal,
  campaignFieldsSchema,
  campaignTransition,
  FINAL_RANK,
  type AuditAction,
  type Campaign,
  type CampaignFields,
  type CampaignProgress,
  type CampaignSettings,
  type CampaignStatus,
  type CampaignSummary,
  type Channel,
  type InboxMessage,
  type PlanReport,
  type PriceTable,
  type ProviderEvent,
} from '@gdial/protocol';
import type { EngineContext } from '../context';
import { DomainError, invalid, notFound } from '../errors';
import type { Logger } from '../log';
import { recordAudit } from '../store/audit';
import {
  getCampaign,
  insertCampaign,
  deleteCampaign,
  listCampaigns,
  recipientCounts,
  toCampaign,
  toCampaignSummary,
  updateCampaign,
  campaignsWithStatus,
  type StoredCampaign,
} from '../store/campaigns';
import type { Reader, Tx } from '../store/db';
import { cancelUnsentDeliveries, liveCallIds, shiftPriority } from '../store/deliveries';
import { remoteOwner, requireRunHere } from './remote';
import { requireSecondPerson } from './approvals';
import { existingGroupIds } from '../store/groups';
import { listInbox, markInbox } from '../store/inbox';
import { openRecipientIds, cancelOpenRecipients } from '../store/recipients';
import { Dispatcher, PAUSED_BAND, type DispatcherOptions, type RateLimit } from './dispatcher';
import { applyProviderEvents, type AppliedEvents } from './events';
import { progressRecipient } from './outbox';
import { writePlan, type Plan } from './planner';
import { planStoredCampaign } from './planning';
import { resumeTakenOver } from './takeover';
import { chainOf, type CallFlowHost, type CallFlowSpec, type ChannelSender, type ChannelSenders } from './ports';
import { isCampaignDone, ProgressPublisher } from './progress';
import { nextStatus, requireTransition } from './lifecycle';
import { skipHeldChannel } from './giving-up';
import { readPriceTable, savePriceTable } from './price-table';
import { loadTemplate } from './templates';
import { WaveRunner } from './waves';
import { CampaignScheduler, nextRunOf, TIME_ZONE, validateCron } from './scheduler';
import { WhatsAppContentCatalog } from './whatsapp-content';
import { TelegramLinks } from './telegram-links';

export interface CampaignServiceOptions {
  senders?: ChannelSenders;
  flows?: CallFlowHost | null;
  /** Renders a voice script with the offline TTS and returns the audio asset id. */
  synthesiseVoice?: (script: string, language: 'sv' | 'en', voiceId: string | null) => Promise<string>;
  dispatcher?: Partial<Omit<DispatcherOptions, 'store' | 'senders' | 'flows' | 'logger' | 'onActivity'>>;
}

export class CampaignService {
  readonly dispatcher: Dispatcher;
  readonly progress: ProgressPublisher;
  /** The WhatsApp account's content templates and their approval (the planner's check). */
  readonly whatsAppContent = new WhatsAppContentCatalog(() => this.senders);
  /** Contacts' t.me links to the alerting bot. */
  readonly telegramLinks: TelegramLinks;
  private readonly log: Logger;
  private senders: ChannelSenders;
  private flows: CallFlowHost | null;
  private readonly scheduler: CampaignScheduler;
  private readonly waves: WaveRunner;
  /** Set by hosts that configure providers: refuse to start what no provider can send. */
  private requireProviders = false;
  private readonly synthesiseVoice: CampaignServiceOptions['synthesiseVoice'];

  constructor(
    private readonly ctx: EngineContext,
    opts: CampaignServiceOptions = {},
  ) {
    this.log = ctx.logger.child({ module: 'campaigns' });
    this.senders = opts.senders ?? { get: () => null };
    this.flows = opts.flows ?? null;
    this.synthesiseVoice = opts.synthesiseVoice;
    this.telegramLinks = new TelegramLinks(ctx, () => this.senders);
    this.progress = new ProgressPublisher({
      reader: ctx.store.read,
      publish: (p) => ctx.events.emit('campaigns.progress', p),
      onDone: (id) => this.completeIfDone(id),
      unavailable: () => this.dispatcher.unavailableProviders(),
      holds: () => this.dispatcher.holds.all(),
      onError: (err) => this.log.warn({ err }, 'could not publish campaign progress'),
      clock: opts.dispatcher?.clock,
    });
    this.dispatcher = new Dispatcher({
      ...opts.dispatcher,
      store: ctx.store,
      // Providers can be (re)configured while the engine runs.
      senders: { get: (ch): ChannelSender | null => this.senders.get(ch), chain: (ch) => chainOf(this.senders, ch) },
      flows: { register: (spec) => this.registerFlow(spec) },
      logger: ctx.logger,
      onActivity: (ids, handedOver) => this.progress.markDirty(ids, handedOver),
      onPolledEvents: (events) => void this.handleProviderEvents(events),
      // Every running alert's banner changes when a channel is held or released.
      onHold: () => this.progress.markDirty(campaignsWithStatus(ctx.store.read, 'running').map((r) => r.id)),
    });
    this.scheduler = new CampaignScheduler({
      ctx,
      log: this.log,
      launch: (id, actor, via) => void this.launch(id, actor, null, via),
      changed: (id, status) => ctx.events.emit('campaigns.changed', { id, status }),
    });
    const wake = (id: number) => (this.dispatcher.wake(), this.progress.markDirty([id]));
    this.waves = new WaveRunner({
      ctx,
      log: this.log,
      clock: opts.dispatcher?.clock ?? Date.now,
      plan: (tx, c, s) => this.makePlan(tx, c, s),
      decided: wake,
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

  /** From now on a campaign whose steps use a channel without a provider cannot start. */
  requireConfiguredProviders(): void {
    this.requireProviders = true;
  }

  setChannels(
    senders: ChannelSenders,
    flows: CallFlowHost | null,
    providerRates?: Record<string, Partial<Record<Channel, RateLimit>> | undefined>,
  ): void {
    this.senders = senders;
    this.flows = flows;
    if (providerRates) this.dispatcher.setProviderRates(providerRates);
    this.dispatcher.providersChanged();
    void this.dispatcher.reconcile().then(() => this.dispatcher.wake());
  }

  /** Reconciles what a previous run left in flight, starts dispatching and arms schedules. */
  async open(): Promise<void> {
    await this.dispatcher.start();
    this.scheduler.open();
    this.waves.open();
    // Campaigns that finished while we were away (their last callbacks applied at start).
    this.progress.markDirty(campaignsWithStatus(this.ctx.store.read, 'running').map((r) => r.id));
  }

  /** Another desktop's alert changed here (organisation sync), or one changed hands: the console re-reads it. */
  remoteChanged(ids: readonly number[]): void {
    for (const c of ids.map((id) => getCampaign(this.ctx.store.read, id)))
      if (c) this.ctx.events.emit('campaigns.changed', { id: c.id, status: c.status });
    this.progress.markDirty(ids);
  }

  /** A taken-over alert: what its former owner may have left undone is planned (campaigns/takeover.ts), then it is dispatched while what was in flight is looked up. */
  async afterTakeOver(id: number): Promise<void> {
    const planError = (err: unknown) => this.log.error({ err, campaignId: id }, 'could not plan the people a taken-over alert lacks');
    this.ctx.store.transaction((tx) => resumeTakenOver(tx, id, (db, c, s) => this.makePlan(db, c, s), Date.now(), planError));
    this.remoteChanged([id]);
    this.waves.arm();
    this.dispatcher.wake();
    await this.dispatcher
      .reconcile()
      .catch((err: unknown) => this.log.error({ err, campaignId: id }, 'reconciling a taken-over alert failed'));
  }

  async close(): Promise<void> {
    this.scheduler.close();
    this.waves.close();
    await this.dispatcher.stop();
    this.progress.close();
  }

  // ── campaigns: definition ─────────────────────────────────────────────────────────────

  private row(r: Reader, id: number): StoredCampaign {
    const c = getCampaign(r, id);
    if (!c) throw notFound('Campaign', id);
    return c;
  }

  /** A campaign this desktop may change: not another desktop's alert. */
  private ownRow(r: Reader, id: number): StoredCampaign {
    return requireRunHere(r, this.row(r, id));
  }

  get(id: number): Campaign {
    const r = this.ctx.store.read;
    return toCampaign(this.row(r, id), recipientCounts(r, id), remoteOwner(r, id));
  }

  list(q: { status?: CampaignStatus | undefined; limit: number }): CampaignSummary[] {
    const r = this.ctx.store.read;
    return listCampaigns(r, q).map((c) => toCampaignSummary(c, recipientCounts(r, c.id), remoteOwner(r, c.id)));
  }

  /** Refuses a plan whose template or test group does not exist or whose cron is invalid. */
  checkFields(db: Reader, fields: CampaignSettings): void {
    const issues = [];
    if (!loadTemplate(db, fields.templateId)) issues.push({ path: 'templateId', message: `Template ${fields.templateId} does not exist` });
    if (fields.schedule.kind === 'cron') {
      const err = validateCron(fields.schedule.cron);
      if (err) issues.push({ path: 'schedule.cron', message: err });
    }
    if (fields.testGroupId !== null) {
      if (!existingGroupIds(db, [fields.testGroupId]).has(fields.testGroupId))
        issues.push({ path: 'testGroupId', message: `Group ${fields.testGroupId} does not exist` });
    }
    if (issues.length) throw invalid(issues);
  }

  create(input: CampaignFields): Campaign {
    const fields = campaignFieldsSchema.parse(input);
    const actor = this.ctx.operator();
    const id = this.ctx.store.transaction((tx) => {
      this.checkFields(tx, fields);
      const id = insertCampaign(tx, {
        name: fields.name,
        parentId: null,
        priority: fields.priority === 'alert' ? 0 : 1,
        templateId: fields.templateId,
        testGroupId: fields.testGroupId,
        settings: fields,
        approvalReason: null,
        createdBy: actor,
      });
      recordAudit(tx, actor, {
        action: 'campaign.create',
        subjectType: 'campaign',
        subjectId: id,
        summary: `Created campaign "${fields.name}"`,
        params: { name: fields.name },
      });
      return id;
    });
    this.ctx.events.emit('campaigns.changed', { id, status: 'draft' });
    return this.get(id);
  }

  update(id: number, input: CampaignFields): Campaign {
    const fields = campaignFieldsSchema.parse(input);
    const actor = this.ctx.operator();
    this.ctx.store.transaction((tx) => {
      const r = this.ownRow(tx, id);
      const status = nextStatus(r, 'edit');
      this.checkFields(tx, fields);
      updateCampaign(tx, id, {
        name: fields.name,
        priority: fields.priority === 'alert' ? 0 : 1,
        template_id: fields.templateId,
        test_group_id: fields.testGroupId,
        settings: fields,
        // A changed schedule must be armed again by start.
        status,
        next_run_at: null,
        updated_at: new Date().toISOString(),
      });
      recordAudit(tx, actor, {
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
    this.ctx.store.transaction((tx) => {
      const r = this.ownRow(tx, id);
      requireTransition(r, 'delete');
      deleteCampaign(tx, id);
      recordAudit(tx, actor, {
        action: 'campaign.delete',
        subjectType: 'campaign',
        subjectId: id,
        summary: `Deleted campaign "${r.name}"`,
        params: { name: r.name },
      });
    });
  }

  // ── planning and starting ─────────────────────────────────────────────────────────────

  private makePlan(db: Reader, r: StoredCampaign, settings = campaignFieldsSchema.parse(r.settings)): Plan {
    return planStoredCampaign(db, r, settings, {
      operator: this.ctx.operator(),
      whatsAppApproval: (sid) => this.whatsAppContent.approval(sid),
      hasSender: this.requireProviders ? (ch) => this.senders.get(ch) !== null : null,
      telegramLink: (db, contactId) => this.telegramLinks.urlFor(db, contactId),
    });
  }

  plan(id: number): PlanReport {
    const r = this.ctx.store.read;
    return this.makePlan(r, this.row(r, id)).report;
  }

  /** Starts now or arms the schedule; `approvedBy`: the second operator who approved it (approvals.ts). */
  start(id: number, unapprovedReason?: string, approvedBy?: string): { campaign: Campaign; plan: PlanReport } {
    const actor = approvedBy ?? this.ctx.operator();
    const r0 = this.row(this.ctx.store.read, id);
    const settings = campaignFieldsSchema.parse(r0.settings);
    if (settings.schedule.kind === 'now') {
      const plan = this.launch(id, actor, unapprovedReason ?? null, approvedBy === undefined ? 'start' : 'approved');
      return { campaign: this.get(id), plan };
    }
    const report = this.ctx.store.transaction((tx) => {
      const r = this.ownRow(tx, id);
      const via = approvedBy === undefined ? 'schedule' : 'approved-schedule';
      const status = nextStatus(r, via);
      const plan = this.makePlan(tx, r);
      this.checkApproval(r, plan.report, unapprovedReason ?? r.approvalReason);
      requireSecondPerson(tx, r, plan.report, via, actor);
      const next = nextRunOf(settings, Date.now());
      if (next === null)
        throw new DomainError('PRECONDITION', 'The schedule has no future run', undefined, refusal('campaign.no-future-run'));
      updateCampaign(tx, id, {
        status,
        next_run_at: next,
        approval_reason: unapprovedReason ?? null,
        updated_at: new Date().toISOString(),
      });
      recordAudit(tx, actor, {
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
    this.scheduler.arm();
    return { campaign: this.get(id), plan: report };
  }

  checkApproval(r: StoredCampaign, report: PlanReport, reason: string | null): void {
    if (report.blockers.length) {
      throw new DomainError(
        'PRECONDITION',
        `Campaign "${r.name}" cannot start: ${report.blockers.join('; ')}`,
        { blockers: report.blockers, missingVariables: report.missingVariables.slice(0, 200) },
        refusal('campaign.blocked', { name: r.name }),
        report.blockerRefusals,
      );
    }
    if (!report.templateApproved && !reason) {
      throw new DomainError(
        'PRECONDITION',
        'The template is not approved. Approve it, or give a reason for using it unapproved (it goes into the audit log).',
        undefined,
        refusal('campaign.template-unapproved'),
      );
    }
  }

  /**
   * The start transaction: plan, write every recipient and delivery row, mark running, audit.
   * Everything lands together or nothing does.
   */
  private launch(id: number, actor: string, unapprovedReason: string | null, via: 'start' | 'due' | 'approved'): PlanReport {
    const now = Date.now();
    const report = this.ctx.store.transaction((tx) => {
      const r = this.ownRow(tx, id);
      const status = nextStatus(r, via);
      const plan = this.makePlan(tx, r);
      const reason = unapprovedReason ?? r.approvalReason;
      this.checkApproval(r, plan.report, reason);
      requireSecondPerson(tx, r, plan.report, via, actor);
      const written = writePlan(tx, id, r.priority, plan, now);
      updateCampaign(tx, id, {
        status,
        started_at: new Date(now).toISOString(),
        next_run_at: null,
        approval_reason: reason,
        updated_at: new Date(now).toISOString(),
      });
      recordAudit(tx, actor, {
        action: 'campaign.start',
        subjectType: 'campaign',
        subjectId: id,
        summary: `Started "${r.name}": ${written.recipients} recipients, ${written.deliveries} deliveries${r.testGroupId !== null ? ' (test mode)' : ''}`,
        params: { name: r.name, recipients: written.recipients, deliveries: written.deliveries, test: r.testGroupId !== null ? 1 : 0 },
      });
      if (!plan.report.templateApproved) {
        recordAudit(tx, actor, {
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
    this.waves.arm();
    this.dispatcher.wake();
    this.progress.markDirty([id]);
    return report;
  }

  pause(id: number): Campaign {
    return this.setRunState(id, 'pause', 'campaign.pause', (tx) => shiftPriority(tx, id, PAUSED_BAND, 'pause'));
  }

  resume(id: number): Campaign {
    const c = this.setRunState(id, 'resume', 'campaign.resume', (tx) => shiftPriority(tx, id, PAUSED_BAND, 'resume'));
    this.waves.arm();
    this.dispatcher.wake();
    return c;
  }

  private setRunState(id: number, what: 'pause' | 'resume', action: AuditAction, rows: (tx: Tx) => void): Campaign {
    const actor = this.ctx.operator();
    const to = this.ctx.store.transaction((tx) => {
      const r = this.ownRow(tx, id);
      const to = nextStatus(r, what);
      updateCampaign(tx, id, { status: to, updated_at: new Date().toISOString() });
      rows(tx);
      recordAudit(tx, actor, {
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
    const calls = this.ctx.store.transaction((tx) => {
      const r = this.ownRow(tx, id);
      const status = nextStatus(r, 'cancel');
      updateCampaign(tx, id, {
        status,
        cancel_reason: reason ?? null,
        finished_at: new Date(now).toISOString(),
        next_run_at: null,
        updated_at: new Date(now).toISOString(),
      });
      const notSent = cancelUnsentDeliveries(tx, id, now, reason ?? 'campaign cancelled');
      cancelOpenRecipients(tx, id);
      const live = liveCallIds(tx, id, FINAL_RANK);
      recordAudit(tx, actor, {
        action: 'campaign.cancel',
        subjectType: 'campaign',
        subjectId: id,
        summary: `Cancelled "${r.name}": ${notSent} deliveries not sent, ${live.length} calls hung up${reason ? `. Reason: ${reason}` : ''}`,
        params: { name: r.name, notSent, hungUp: live.length, reason: reason ?? '' },
      });
      return live;
    });
    this.ctx.events.emit('campaigns.changed', { id, status: 'cancelled' });
    this.progress.markDirty([id]);
    await this.dispatcher.hangUpCalls(calls);
    return this.get(id);
  }

  /** Väntar på nät: the people waiting on a held channel move on to their next step now (audited). */
  skipHeld(id: number, channel: Channel): Campaign {
    const actor = this.ctx.operator();
    const now = Date.now();
    const lookingUp = this.dispatcher.waitingForLookUp();
    this.ctx.store.transaction((tx) => skipHeldChannel(tx, this.ownRow(tx, id), channel, actor, now, lookingUp));
    this.progress.markDirty([id]);
    this.dispatcher.wake();
    return this.get(id);
  }

  private completeIfDone(id: number): void {
    let done = false;
    this.ctx.store.transaction((tx) => {
      const r = getCampaign(tx, id);
      if (!r || remoteOwner(tx, id) !== null || campaignTransition(r.status, 'finish') === null || !isCampaignDone(tx, id)) return;
      // Recipients whose last row just settled may still read in-progress.
      for (const o of openRecipientIds(tx, id)) progressRecipient(tx, o, Date.now());
      updateCampaign(tx, id, { status: nextStatus(r, 'finish'), finished_at: new Date().toISOString() });
      recordAudit(tx, 'GDial', {
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

  /** Starts every scheduled campaign whose time has come (also those missed while GDial was closed). */
  runDueSchedules(): void {
    this.scheduler.runDue();
  }

  // ── provider events ───────────────────────────────────────────────────────────────────

  /** The entry point for callers without a transaction of their own (tests, direct webhooks). */
  handleProviderEvents(events: readonly ProviderEvent[]): AppliedEvents {
    const result = this.ctx.store.transaction((tx) => applyProviderEvents(tx, events));
    this.afterProviderEvents(result);
    return result;
  }

  /** To call after committing a transaction that ran `applyProviderEvents` (the relay client). */
  afterProviderEvents(result: AppliedEvents): void {
    if (result.becameDue) this.dispatcher.wake();
    else if (result.applied > 0) this.dispatcher.wake();
    this.progress.markDirty(result.campaignIds);
    for (const m of result.inbox) this.ctx.events.emit('inbox.received', m);
    if (result.linkedContacts.length) this.ctx.events.emit('contacts.changed', { reason: 'updated', ids: result.linkedContacts });
  }

  // ── reading ───────────────────────────────────────────────────────────────────────────

  progressOf(id: number): CampaignProgress {
    const p = this.progress.read(id);
    if (!p) throw notFound('Campaign', id);
    return p;
  }

  listInbox(q: { handled?: boolean | undefined; campaignId?: number | undefined; limit: number }): InboxMessage[] {
    return listInbox(this.ctx.store.read, q);
  }

  markInbox(ids: number[], handled: boolean): number {
    const actor = this.ctx.operator();
    return this.ctx.store.transaction((tx) => {
      const changed = markInbox(tx, ids, handled, actor, new Date().toISOString());
      recordAudit(tx, actor, {
        action: handled ? 'inbox.handled' : 'inbox.unhandled',
        subjectType: 'inbox',
        subjectId: ids.join(',').slice(0, 200),
        summary: `Marked ${changed} replies ${handled ? 'handled' : 'not handled'}`,
        params: { count: changed },
      });
      return changed;
    });
  }

  priceTable(): PriceTable {
    return readPriceTable(this.ctx.store.read);
  }

  setPriceTable(t: PriceTable): PriceTable {
    return savePriceTable(this.ctx, t);
  }
}
