// Prepared alerts (larmmallar): an alert's whole plan saved under a name, and the three
// ways an operator gets a new draft alert without going through the wizard — from a
// prepared alert, by repeating a past alert to everyone, or by repeating it only to those
// who did not confirm. Each draft then goes through the same review and head-count
// confirmation as any alert (CampaignService.plan and start); nothing here sends.
import { randomUUID } from 'node:crypto';
import {
  campaignFieldsSchema,
  preparedAlertInputSchema,
  type Campaign,
  type CampaignSettings,
  type PreparedAlert,
  type PreparedAlertInput,
  type ResendAudience,
} from '@gdial/protocol';
import type { EngineContext } from '../context';
import { invalid, notFound } from '../errors';
import { recordAudit } from '../store/audit';
import { deletePreparedAlert, getPreparedAlert, listPreparedAlerts, putPreparedAlert } from '../store/prepared-alerts';
import { unconfirmedContactIds } from '../store/recipients';
import type { CampaignService } from './service';

/** At most this many people in the audience of an alert to those who did not answer. */
const MAX_REPEAT_CONTACTS = 100_000;

export class PreparedAlertService {
  constructor(
    private readonly ctx: EngineContext,
    private readonly campaigns: CampaignService,
  ) {}

  list(): PreparedAlert[] {
    return listPreparedAlerts(this.ctx.store.read);
  }

  save(input: PreparedAlertInput): PreparedAlert {
    const { id, description, fields } = preparedAlertInputSchema.parse(input);
    const actor = this.ctx.operator();
    const now = new Date().toISOString();
    const saved = this.ctx.store.transaction((tx) => {
      // The same checks as an alert's own plan: the template and the test group exist, a cron is valid.
      this.campaigns.checkFields(tx, fields);
      const before = id === undefined ? null : getPreparedAlert(tx, id);
      if (id !== undefined && !before) throw notFound('Prepared alert', id);
      const p: PreparedAlert = {
        id: before?.id ?? randomUUID(),
        name: fields.name,
        description: description ?? null,
        fields,
        createdAt: before?.createdAt ?? now,
        createdBy: before?.createdBy ?? actor,
        updatedAt: now,
        updatedBy: actor,
      };
      putPreparedAlert(tx, p);
      recordAudit(tx, actor, {
        action: 'preparedAlert.saved',
        subjectType: 'preparedAlert',
        subjectId: null,
        summary: `${before ? 'Changed' : 'Saved'} prepared alert "${p.name}"`,
        params: { name: p.name },
      });
      return p;
    });
    this.ctx.events.emit('preparedAlerts.changed', { ids: [saved.id] });
    return saved;
  }

  delete(id: string): void {
    const actor = this.ctx.operator();
    this.ctx.store.transaction((tx) => {
      const p = getPreparedAlert(tx, id);
      if (!p) throw notFound('Prepared alert', id);
      deletePreparedAlert(tx, id);
      recordAudit(tx, actor, {
        action: 'preparedAlert.deleted',
        subjectType: 'preparedAlert',
        subjectId: null,
        summary: `Deleted prepared alert "${p.name}"`,
        params: { name: p.name },
      });
    });
    this.ctx.events.emit('preparedAlerts.changed', { ids: [id] });
  }

  /** A new draft alert with the prepared alert's plan. */
  use(id: string): Campaign {
    const p = getPreparedAlert(this.ctx.store.read, id);
    if (!p) throw notFound('Prepared alert', id);
    return this.campaigns.create(p.fields);
  }

  /** A new draft alert with a past alert's plan, to everyone again or only to those who did not confirm. */
  repeat(campaignId: number, audience: ResendAudience, name?: string): Campaign {
    const past = this.campaigns.get(campaignId);
    const fields: CampaignSettings = { ...past.settings, name: name ?? past.settings.name, schedule: { kind: 'now' } };
    if (audience === 'all') return this.campaigns.create(fields);
    const ids = unconfirmedContactIds(this.ctx.store.read, campaignId);
    if (ids.length === 0) throw invalid([{ path: 'audience', message: 'Everyone confirmed: there is nobody left to alert' }]);
    if (ids.length > MAX_REPEAT_CONTACTS)
      throw invalid([{ path: 'audience', message: `More than ${MAX_REPEAT_CONTACTS} did not confirm; alert their groups instead` }]);
    return this.campaigns.create(
      campaignFieldsSchema.parse({
        ...fields,
        // Exactly the people who did not confirm, as they were then: the groups may have changed since.
        audience: { contactIds: ids },
      }),
    );
  }
}
