// Handlers for templates, campaigns and the reply inbox. Domain rules live in
// ../../campaigns; these only translate between the contract and the service, and record
// template changes in the audit log in the same transaction as the change.
import type { EngineContext } from '../../context';
import type { EngineServices } from '../../services';
import { recipientReports, campaignCsv, sendTimes } from '../../campaigns/report';
import { loadContacts } from '../../campaigns/audience';
import {
  approveTemplate,
  createTemplate,
  deleteTemplate,
  listTemplateIds,
  loadTemplate,
  renderMessage,
  templateToDto,
  updateTemplate,
} from '../../campaigns/templates';
import { DomainError, notFound } from '../../errors';
import { recordAudit } from '../../store/audit';
import { sqliteOf } from '../../campaigns/outbox';
import type { HandlersFor } from '../server';

export function campaignsHandlers({
  campaigns,
  ctx,
}: Pick<EngineServices, 'campaigns'> & { ctx: EngineContext }): HandlersFor<'templates.' | 'campaigns.' | 'inbox.'> {
  const svc = () => campaigns;
  const store = ctx.store;
  const templateInUse = (id: number): boolean =>
    sqliteOf(store.db)
      .prepare("SELECT 1 FROM campaigns WHERE template_id = ? AND status IN ('draft', 'scheduled', 'running', 'paused') LIMIT 1")
      .get(id) !== undefined;

  return {
    'templates.list': () => ({ templates: listTemplateIds(store.db).map((id) => templateToDto(store.db, id)) }),
    'templates.get': ({ id }) => templateToDto(store.db, id),
    'templates.create': (fields) => {
      const id = store.transaction(({ db }) => {
        const id = createTemplate(db, fields);
        recordAudit(db, ctx.operator(), {
          action: 'template.create',
          subjectType: 'template',
          subjectId: id,
          summary: `Created template "${fields.name}"`,
          params: { name: fields.name },
        });
        return id;
      });
      ctx.events.emit('templates.changed', { id });
      return templateToDto(store.db, id);
    },
    'templates.update': ({ id, fields }) => {
      store.transaction(({ db }) => {
        updateTemplate(db, id, fields);
        recordAudit(db, ctx.operator(), {
          action: 'template.update',
          subjectType: 'template',
          subjectId: id,
          summary: `Changed template "${fields.name}" (back to draft)`,
          params: { name: fields.name },
        });
      });
      ctx.events.emit('templates.changed', { id });
      return templateToDto(store.db, id);
    },
    'templates.approve': ({ id }) => {
      const actor = ctx.operator();
      store.transaction(({ db }) => {
        approveTemplate(db, id, actor);
        recordAudit(db, actor, {
          action: 'template.approve',
          subjectType: 'template',
          subjectId: id,
          summary: `Approved template ${id}`,
          params: { id },
        });
      });
      ctx.events.emit('templates.changed', { id });
      return templateToDto(store.db, id);
    },
    'templates.delete': ({ id }) => {
      store.transaction(({ db }) => {
        deleteTemplate(db, id, templateInUse(id));
        recordAudit(db, ctx.operator(), {
          action: 'template.delete',
          subjectType: 'template',
          subjectId: id,
          summary: `Deleted template ${id}`,
          params: { id },
        });
      });
      ctx.events.emit('templates.changed', { id });
      return { deleted: true as const };
    },
    'templates.preview': ({ templateId, contactId, channel, language }) => {
      const t = loadTemplate(store.db, templateId);
      if (!t) throw notFound('Template', templateId);
      const c = loadContacts(store.read, [contactId])[0];
      if (!c) throw notFound('Contact', contactId);
      const rendered = renderMessage(t, channel, language ?? c.language, c, {
        campaignName: '(förhandsvisning)',
        operator: ctx.operator(),
        now: new Date(),
      });
      if (!rendered) throw new DomainError('PRECONDITION', `Template "${t.name}" has no ${channel} content`);
      return rendered;
    },

    'campaigns.list': (q) => ({ campaigns: svc().list(q) }),
    'campaigns.get': ({ id }) => svc().get(id),
    'campaigns.create': (fields) => svc().create(fields),
    'campaigns.update': ({ id, fields }) => svc().update(id, fields),
    'campaigns.delete': ({ id }) => {
      svc().delete(id);
      return { deleted: true as const };
    },
    'campaigns.plan': ({ id }) => svc().plan(id),
    'campaigns.start': ({ id, unapprovedReason }) => svc().start(id, unapprovedReason),
    'campaigns.pause': ({ id }) => svc().pause(id),
    'campaigns.resume': ({ id }) => svc().resume(id),
    'campaigns.cancel': ({ id, reason }) => svc().cancel(id, reason),
    'campaigns.progress': ({ id }) => svc().progressOf(id),
    'campaigns.report': ({ id, outcome, cursor, limit }) => {
      const campaign = svc().get(id);
      const { recipients, nextCursor } = recipientReports(store.db, id, { outcome, cursor, limit });
      const times = sendTimes(store.db, id);
      const started = campaign.startedAt ? Date.parse(campaign.startedAt) : null;
      const after = (t: number | null) => (t === null || started === null ? null : Math.round((t - started) / 100) / 10);
      const { settings: _s, approvalReason: _a, ...summary } = campaign;
      return {
        campaign: summary,
        progress: svc().progressOf(id),
        firstSentAfterSeconds: after(times.first),
        lastSentAfterSeconds: after(times.last),
        recipients,
        nextCursor,
      };
    },
    'campaigns.exportCsv': ({ id }) => {
      const c = svc().get(id);
      const { csv, rows } = campaignCsv(store.db, id);
      const safe =
        c.name
          .replace(/[^\p{L}\p{N} _-]+/gu, '')
          .trim()
          .replace(/\s+/g, '_') || `kampanj-${id}`;
      return { fileName: `${safe}-${id}.csv`, csv, rows };
    },
    'campaigns.priceTable.get': () => svc().priceTable(),
    'campaigns.priceTable.set': (t) => svc().setPriceTable(t),

    'inbox.list': (q) => ({ messages: svc().listInbox(q) }),
    'inbox.markHandled': ({ ids, handled }) => ({ changed: svc().markInbox(ids, handled) }),
  };
}
