// The desktop's pick-up of alerts other systems asked for through the relay's REST API
// (protocol's api-alerts.ts, docs/api.md). The relay's log says a request waits (or asks to
// be cancelled), and every connect looks too; this desktop then lists the open requests,
// claims each waiting one (the relay gives it to exactly one desktop), makes the alert from the
// prepared alert in the API key's name and starts it — or, when the two-person rule asks for
// it, submits it for a second person's approval with the key as the one who asked (not when
// the prepared alert was pre-approved by two people and its audience has not grown since). It then
// follows the alert and reports each step back (running, completed, cancelled, refused with a
// reason in Swedish and English), and cancels it when the key asks. A CAP message (POST
// /api/v1/cap) becomes a draft alert with the console's own CAP import instead, in the key's
// name: it is never started here; an operator reviews and starts it under the usual rules.
import {
  apiKeyActor,
  approvalNeeded,
  campaignFieldsSchema,
  fillPlaceholders,
  type ApiAlertRequest,
  type ApiAlertRequestUpdate,
  type CampaignStatus,
} from '@gdial/protocol';
import { z } from 'zod';
import type { ApprovalService } from '../campaigns/approvals';
import type { CapService } from '../cap/service';
import type { CampaignService } from '../campaigns/service';
import type { EngineContext } from '../context';
import { DomainError } from '../errors';
import type { RelayApi } from '../relay-client';
import { getCampaign } from '../store/campaigns';
import { getPreparedAlert } from '../store/prepared-alerts';
import { readSetting, writeSetting, type SettingDef } from '../store/settings';
import { uidFor } from '../sync/codecs/contacts';

/** This desktop's requests it took and follows: request id → its alert and the last step reported. */
const followedSetting: SettingDef<Record<string, Followed>> = {
  key: 'apiAlerts.followed',
  schema: z.record(z.string(), z.object({ campaignId: z.number().int().positive(), alertId: z.string(), reported: z.string() })),
  fallback: {},
};

interface Followed {
  campaignId: number;
  /** The alert's organisation-wide uid (the API's alertId). */
  alertId: string;
  /** The last step the relay took ('accepted' until the first report went through). */
  reported: string;
}

/** While it follows alerts, this desktop looks at them this often (their steps reach the API within it). */
const FOLLOW_MS = 1000;

export interface ApiAlertDeps {
  ctx: EngineContext;
  campaigns: CampaignService;
  approvals: ApprovalService;
  cap: CapService;
  /** Runs `fn` with another actor (IdentityService.actAs). */
  actAs: <T>(name: string, fn: () => T) => T;
  api: () => RelayApi | null;
  device: () => string | null;
}

type Step = ApiAlertRequestUpdate['status'];

const stepOf = (status: CampaignStatus): Step | null =>
  status === 'draft'
    ? 'draft'
    : status === 'awaiting-approval'
      ? 'awaiting-approval'
      : status === 'running' || status === 'paused' || status === 'scheduled'
        ? 'running'
        : status === 'completed'
          ? 'completed'
          : status === 'cancelled'
            ? 'cancelled'
            : status === 'rejected'
              ? 'refused'
              : null;

/** Why this desktop could not start the alert, in Swedish and English. */
function refusalOf(err: unknown, desktop: string): { sv: string; en: string } {
  const en = err instanceof Error ? err.message : String(err);
  const code = err instanceof DomainError ? err.refusal?.code : undefined;
  const sv =
    code === 'campaign.template-unapproved'
      ? 'Larmmallens meddelandemall är inte godkänd: godkänn den i konsolen (Meddelandemallar) innan larmet kan startas via API.'
      : code === 'campaign.blocked'
        ? `Larmet kan inte starta: ${en.replace(/^Campaign "[^"]*" cannot start: /, '')}`
        : `Arbetsplatsen ${desktop} kunde inte starta larmet: ${en}`;
  return { sv, en };
}

export class ApiAlertPickup {
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly deps: ApiAlertDeps) {}

  /** Looks for open requests and follows the alerts it started (coalesced: one look at a time, and one more if asked meanwhile). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.run()
      .catch((err: unknown) => this.deps.ctx.logger.warn({ err }, 'looking at the API alert requests failed; retried on the next wake-up'))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.wake();
        } else this.schedule();
      });
  }

  /** Waits for the look in progress (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private followed() {
    return readSetting(this.deps.ctx.store.read, followedSetting);
  }

  private schedule(): void {
    if (this.timer || this.stopped || Object.keys(this.followed()).length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.wake();
    }, FOLLOW_MS);
    this.timer.unref();
  }

  private async run(): Promise<void> {
    const api = this.deps.api();
    const me = this.deps.device();
    if (!api || !me) return;
    const open = await api.alertRequests();
    if (open.ok)
      for (const r of open.value.requests) {
        if (r.status === 'waiting-for-desktop') {
          const claim = await api.claimAlertRequest(r.id);
          if (claim.ok && claim.value.claimed) await this.take(api, claim.value.request);
        } else if (r.status === 'cancelling' && r.claimedBy?.deviceId === me) await this.cancel(r);
      }
    await this.follow(api);
  }

  private remember(requestId: string, f: Followed | null): void {
    this.deps.ctx.store.transaction((tx) => {
      const all = { ...readSetting(tx, followedSetting) };
      if (f === null) delete all[requestId];
      else all[requestId] = f;
      writeSetting(tx, followedSetting, all);
    });
  }

  /** Makes the alert from the prepared alert in the key's name and starts it, or submits it for approval. */
  private async take(api: RelayApi, r: ApiAlertRequest): Promise<void> {
    const { ctx, campaigns, approvals } = this.deps;
    const actor = apiKeyActor(r.requestedBy.keyName);
    const log = ctx.logger.child({ module: 'api-alerts', request: r.id });
    let campaignId: number | null = null;
    try {
      const step = this.deps.actAs(actor, (): Step => {
        if (r.cap) {
          // The console's CAP import, as a file dropped on it would be: a draft for an operator to start.
          campaignId = this.deps.cap.import(r.cap.xml, `API: ${r.cap.sender} ${r.cap.identifier}`).id;
          return 'draft';
        }
        if (!r.preparedAlert) throw new DomainError('VALIDATION', 'The request names neither a prepared alert nor a CAP message');
        const p = getPreparedAlert(ctx.store.read, r.preparedAlert.id);
        if (!p) throw new DomainError('NOT_FOUND', `The prepared alert "${r.preparedAlert.name}" is not on this desktop (deleted since?)`);
        const testGroupId = r.test ? (p.fields.testGroupId ?? approvals.rule().testGroupId) : p.fields.testGroupId;
        if (r.test && testGroupId === null)
          throw new DomainError(
            'PRECONDITION',
            `A test alert needs a test group: neither the prepared alert "${p.name}" nor the organisation's two-person rule names one`,
          );
        const fields = campaignFieldsSchema.parse({
          ...p.fields,
          name: fillPlaceholders(p.fields.name, r.variables),
          testGroupId,
          schedule: { kind: 'now' },
        });
        const c = campaigns.create(fields);
        campaignId = c.id;
        const plan = campaigns.plan(c.id);
        // A prepared alert two people approved at preparation starts directly, as long as its audience is no larger than
        // what they approved: nobody types the head count here, so a grown audience goes to a second person again.
        const preApproved = plan.preApproved !== null && plan.recipients <= plan.preApproved.people;
        const reasons = approvalNeeded({ recipients: plan.recipients, vma: fields.vma, testGroupId, preApproved }, approvals.rule());
        if (reasons.length > 0) {
          approvals.submit(c.id, undefined, undefined, {
            id: `api-key:${r.requestedBy.keyId}`,
            name: actor,
            desktop: approvals.desktopName,
          });
          return 'awaiting-approval';
        }
        campaigns.start(c.id);
        return 'running';
      });
      const id = campaignId!;
      const alertId = ctx.store.transaction((tx) => uidFor(tx, 'alert', id));
      // Followed before the first report: if that does not get through, the next look reports it.
      this.remember(r.id, { campaignId: id, alertId, reported: 'accepted' });
      log.info(
        { campaignId: id, step },
        step === 'draft' ? 'made a draft alert of a CAP message another system sent' : 'started an alert another system asked for',
      );
      await this.follow(api);
    } catch (err) {
      log.warn({ err }, 'an alert another system asked for could not start');
      const id: number | null = campaignId;
      if (id !== null && getCampaign(ctx.store.read, id)?.status === 'draft') this.deps.actAs(actor, () => campaigns.delete(id));
      await this.report(api, r.id, { status: 'refused', reason: refusalOf(err, approvals.desktopName) });
    }
  }

  private async cancel(r: ApiAlertRequest): Promise<void> {
    const f = this.followed()[r.id];
    if (!f) return;
    const status = getCampaign(this.deps.ctx.store.read, f.campaignId)?.status;
    // A draft (from a CAP message) nobody started cannot be cancelled: the key withdraws it, and the request ends cancelled.
    if (status === 'draft') this.deps.actAs(apiKeyActor(r.requestedBy.keyName), () => this.deps.campaigns.delete(f.campaignId));
    else if (status && stepOf(status) !== 'completed' && status !== 'cancelled' && status !== 'rejected')
      await this.deps.actAs(apiKeyActor(r.requestedBy.keyName), () =>
        this.deps.campaigns.cancel(f.campaignId, r.reason?.sv ?? `Avbrutet via ${apiKeyActor(r.requestedBy.keyName)}`),
      );
  }

  /** Reports each followed alert's step when it changed; forgets it once final. */
  private async follow(api: RelayApi): Promise<void> {
    for (const [requestId, f] of Object.entries(this.followed())) {
      const c = getCampaign(this.deps.ctx.store.read, f.campaignId);
      const step = c ? stepOf(c.status) : 'cancelled';
      if (step === null || step === f.reported) continue;
      const reason =
        step === 'refused'
          ? { sv: 'En andra person avslog larmet i konsolen.', en: 'A second person rejected the alert in the console.' }
          : undefined;
      const done = await this.report(api, requestId, { status: step, alertId: f.alertId, ...(reason ? { reason } : {}) });
      if (!done) continue;
      const final = step === 'completed' || step === 'cancelled' || step === 'refused';
      this.remember(requestId, final ? null : { ...f, reported: step });
    }
  }

  /** True when the relay took the step (or will never take it: the request is final or not this desktop's). */
  private async report(api: RelayApi, id: string, update: ApiAlertRequestUpdate): Promise<boolean> {
    const r = await api.reportAlertRequest(id, update);
    if (r.ok) return true;
    if (r.error.kind === 'refused') {
      this.deps.ctx.logger.warn(
        { request: id, step: update.status, err: r.error.message },
        'the relay did not take a step of an API alert request',
      );
      return true;
    }
    return false;
  }
}
