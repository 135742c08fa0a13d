// A stored campaign's plan: its template, prices and render context handed to the planner,
// and the blocker for channels no provider can send. The start transaction plans the
// alert's audience with it; an escalation wave plans its own audience the same way. The
// report says whether the plan is a pre-approved prepared alert's (pre-approval.ts).
import { refusal, type CampaignSettings, type Channel, type WhatsAppApproval } from '@gdial/protocol';
import { DomainError } from '../errors';
import type { StoredCampaign } from '../store/campaigns';
import type { Reader } from '../store/db';
import { planCampaign, type Plan } from './planner';
import { preApprovalOf } from './pre-approval';
import { readPriceTable } from './price-table';
import { loadTemplate } from './templates';

export interface PlanningContext {
  operator: string;
  whatsAppApproval: (contentSid: string) => WhatsAppApproval | 'missing' | null;
  /** Set when a step's channel without a provider blocks the start: whether the channel has one. */
  hasSender: ((channel: Channel) => boolean) | null;
  /** A contact's t.me link for {{telegram_link}} (campaigns/telegram-links.ts); made in the start transaction when missing. */
  telegramLink?: (db: Reader, contactId: number) => string | null;
}

export function planStoredCampaign(db: Reader, r: StoredCampaign, settings: CampaignSettings, pc: PlanningContext): Plan {
  const template = loadTemplate(db, r.templateId);
  if (!template)
    throw new DomainError(
      'PRECONDITION',
      `Template ${r.templateId} of campaign "${r.name}" no longer exists`,
      undefined,
      refusal('campaign.template-missing', { name: r.name, templateId: r.templateId }),
    );
  const plan = planCampaign(db, {
    settings,
    template,
    prices: readPriceTable(db),
    render: {
      campaignName: r.name,
      operator: pc.operator,
      now: new Date(),
      ...(pc.telegramLink ? { telegramLink: (id: number) => pc.telegramLink!(db, id) } : {}),
    },
    whatsAppApproval: pc.whatsAppApproval,
  });
  // Never accept an alert that nothing can send: deliveries would only wait in the queue.
  const { hasSender } = pc;
  const unconfigured = hasSender ? [...new Set(settings.steps.map((s) => s.channel))].filter((ch) => !hasSender(ch)) : [];
  if (unconfigured.length > 0) {
    plan.report.blockers.push(`No provider is configured for ${unconfigured.join(', ')}: configure it in Settings before starting`);
    plan.report.blockerRefusals.push(refusal('plan.no-provider', { channels: unconfigured.join(', ') }));
  }
  // A plan two people approved at preparation needs no second approval for its head count (approvals.ts).
  plan.report.preApproved = preApprovalOf(db, settings);
  return plan;
}
