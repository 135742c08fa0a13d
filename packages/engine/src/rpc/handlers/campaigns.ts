// Handlers for templates, campaigns, prepared alerts and the reply inbox. Domain rules live in
// ../../campaigns; these only translate between the contract and the services (which
// audit and announce every change in the change's own transaction).
import type { EngineContext } from '../../context';
import type { EngineServices } from '../../services';
import { afterActionReport } from '../../campaigns/after-action';
import { readHistory } from '../../campaigns/history';
import { recipientReports, sendTimes } from '../../campaigns/report';
import { campaignCsv } from '../../campaigns/report-csv';
import { confirmByPhone } from '../../campaigns/phone-confirm';
import type { HandlersFor } from '../server';
import { recordAudit } from '../../store/audit';

export function campaignsHandlers({
  campaigns,
  approvals,
  templates,
  preparedAlerts,
  connectivity,
  rollCalls,
  ctx,
}: Pick<EngineServices, 'campaigns' | 'rollCalls' | 'approvals' | 'templates' | 'preparedAlerts' | 'connectivity'> & {
  ctx: EngineContext;
}): HandlersFor<'templates.' | 'campaigns.' | 'inbox.' | 'preparedAlerts.' | 'telegram.'> {
  const svc = () => campaigns;
  const read = ctx.store.read;
  // A plan with a WhatsApp step checks WhatsApp's current approval of its content template.
  // A template that sends people their Telegram link needs the bot's name.
  const approvalsFor = async (id: number) => {
    const { settings } = svc().get(id);
    if (settings.steps.some((s) => s.channel === 'whatsapp')) await svc().whatsAppContent.refresh();
    await svc().telegramLinks.beforePlanning(settings.templateId);
  };

  return {
    'templates.list': () => ({ templates: templates.list() }),
    'templates.get': ({ id }) => templates.get(id),
    'templates.create': (fields) => templates.create(fields),
    'templates.update': ({ id, fields }) => templates.update(id, fields),
    'templates.approve': ({ id }) => templates.approve(id),
    'templates.delete': ({ id }) => {
      templates.delete(id);
      return { deleted: true as const };
    },
    'templates.preview': ({ templateId, contactId, channel, language }) => templates.preview(templateId, contactId, channel, language),
    'templates.whatsappContent': () => svc().whatsAppContent.list(),
    'telegram.link': ({ contactId }) => svc().telegramLinks.linkFor(contactId),
    'telegram.linkAlert': (input) => svc().telegramLinks.linkAlert(input, (fields) => svc().create(fields)),

    'campaigns.list': (q) => ({ campaigns: svc().list(q) }),
    'campaigns.get': ({ id }) => svc().get(id),
    'campaigns.create': (fields) => svc().create(fields),
    'campaigns.update': ({ id, fields }) => svc().update(id, fields),
    'campaigns.delete': ({ id }) => {
      svc().delete(id);
      return { deleted: true as const };
    },
    'campaigns.plan': async ({ id }) => {
      await approvalsFor(id);
      return svc().plan(id);
    },
    'campaigns.repeat': ({ id, audience, name }) => preparedAlerts.repeat(id, audience, name),
    'preparedAlerts.list': () => ({ preparedAlerts: preparedAlerts.list() }),
    'preparedAlerts.save': (input) => preparedAlerts.save(input),
    'preparedAlerts.delete': ({ id }) => {
      preparedAlerts.delete(id);
      return { deleted: true as const };
    },
    'preparedAlerts.use': ({ id }) => preparedAlerts.use(id),
    'preparedAlerts.requestApproval': ({ id }) => preparedAlerts.requestApproval(id),
    'preparedAlerts.approve': ({ id, comment }) => preparedAlerts.approve(id, comment),
    'preparedAlerts.reject': ({ id, comment }) => preparedAlerts.reject(id, comment),
    'campaigns.start': async ({ id, unapprovedReason }) => {
      await approvalsFor(id);
      return svc().start(id, unapprovedReason);
    },
    'campaigns.approvals': ({ campaignId }) => ({ approvals: approvals.list(campaignId), rule: approvals.rule() }),
    'campaigns.submitForApproval': async ({ id, unapprovedReason }) => {
      await approvalsFor(id);
      return approvals.submit(id, unapprovedReason);
    },
    'campaigns.approve': ({ id, comment }) => approvals.approve(id, comment),
    'campaigns.reject': ({ id, comment }) => approvals.reject(id, comment),
    'campaigns.override': async ({ id, reason }) => {
      await approvalsFor(id);
      return approvals.override(id, reason);
    },
    'campaigns.approvalRule.set': (rule) => approvals.setRule(rule),
    'campaigns.pause': ({ id }) => svc().pause(id),
    'campaigns.resume': ({ id }) => svc().resume(id),
    'campaigns.cancel': ({ id, reason }) => svc().cancel(id, reason),
    'campaigns.skipHeld': ({ id, channel }) => svc().skipHeld(id, channel),
    'campaigns.confirmByPhone': ({ id, recipientId, note }) => {
      const now = Date.now();
      const done = ctx.store.transaction((tx) => confirmByPhone(tx, { campaignId: id, recipientId, note }, ctx.operator(), now));
      // As after a confirmation from a provider: the alert's progress moves, the dispatcher looks (it may be done now).
      svc().afterProviderEvents({
        applied: 1,
        duplicates: 0,
        unmatched: 0,
        campaignIds: new Set([id]),
        inbox: [],
        becameDue: false,
        linkedContacts: [],
      });
      return done;
    },
    'campaigns.progress': ({ id }) => svc().progressOf(id),
    'campaigns.report': ({ id, outcome, recipientId, changedSince, events, cursor, limit }) => {
      const campaign = svc().get(id);
      // Before the recipients: what changes while they are read is in the next answer. A
      // watermark the journal no longer reaches back to is answered with everyone.
      const watermark = rollCalls.watermark();
      const changed = changedSince ? (rollCalls.since(changedSince) ?? undefined) : undefined;
      const { recipients, nextCursor } = recipientReports(read, id, { outcome, recipientId, changed, events, cursor, limit });
      const times = sendTimes(read, id);
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
        watermark,
      };
    },
    'campaigns.exportCsv': ({ id, view, language }) => {
      const c = svc().get(id);
      const { csv, rows } = campaignCsv(read, id, { view, language, now: Date.now() });
      reportExported(ctx, c, 'csv', rows);
      const safe =
        c.name
          .replace(/[^\p{L}\p{N} _-]+/gu, '')
          .trim()
          .replace(/\s+/g, '_') || `kampanj-${id}`;
      const suffix = view === 'people' ? (language === 'sv' ? '-personer' : '-people') : '';
      return { fileName: `${safe}-${id}${suffix}.csv`, csv, rows };
    },
    'campaigns.reportExported': ({ id, format }) => ({ auditId: reportExported(ctx, svc().get(id), format, null) }),
    'campaigns.history': ({ id }) => readHistory(read, svc().get(id), Date.now()),
    'campaigns.afterAction': ({ id }) =>
      afterActionReport(read, svc().get(id), { now: Date.now(), organisation: connectivity.currentRelay()?.tenant || null }),
    'campaigns.priceTable.get': () => svc().priceTable(),
    'campaigns.priceTable.set': (t) => svc().setPriceTable(t),

    'inbox.list': (q) => ({ messages: svc().listInbox(q) }),
    'inbox.markHandled': ({ ids, handled }) => ({ changed: svc().markInbox(ids, handled) }),
  };
}

/** An alert's report left the console (CSV from the engine, PDF printed by the host): audited with who took it. */
function reportExported(ctx: EngineContext, c: { id: number; name: string }, format: 'csv' | 'pdf', rows: number | null): number {
  return ctx.store.transaction((tx) =>
    recordAudit(tx, ctx.operator(), {
      action: 'campaign.reportExported',
      subjectType: 'campaign',
      subjectId: c.id,
      summary: `Exported the report of "${c.name}" as ${format.toUpperCase()}${rows === null ? '' : ` (${rows} rows)`}`,
      params: { id: c.id, name: c.name, format },
    }),
  );
}
