// The campaign planner: from the audience and the channel plan to one delivery per
// recipient × step × address, with the reasons anyone is left out, the variables people
// lack, the cost estimate, and the blockers that stop a start. `planCampaign` only reads;
// `writePlan` inserts the outbox rows inside the caller's (start) transaction.
import { randomBytes } from 'node:crypto';
import {
  audienceSchema,
  refusal,
  smsSegments,
  type Refusal,
  type Channel,
  type CampaignSettings,
  type EscalationStep,
  type ExclusionReason,
  type PlanReport,
  type PriceTable,
  type WhatsAppApproval,
} from '@gdial/protocol';
import { burnSmsBodyForCounting } from '../burn/outgoing';
import { optOutLookup, reach } from '../contacts';
import type { Reader, Tx } from '../store/db';
import { insertDelivery } from '../store/deliveries';
import { insertRecipient } from '../store/recipients';
import { resolveAudience, type AudienceContact } from './audience';
import { emptyTally, tallySend } from './price-table';
import { hasChannel, renderMessage, renderWhatsAppContent, templateVoiceId, type RenderContext, type TemplateData } from './templates';

export interface PlannedDelivery {
  stepIndex: number;
  step: EscalationStep;
  channel: Channel;
  address: string;
  body: string | null;
  /** The SMS segments the body is billed as (an SMS; 0 for other channels). */
  segments: number;
  subject: string | null;
  html: string | null;
  audioId: string | null;
  /** For a typed voice message: the voice the template chose (null: the default voice). */
  voiceId: string | null;
  /** WhatsApp: the approved content template with its variables for this person. */
  content: { contentSid: string; variables: Record<string, string> } | null;
}

export interface PlannedRecipient {
  contact: AudienceContact;
  deliveries: PlannedDelivery[];
}

export interface Plan {
  report: PlanReport;
  recipients: PlannedRecipient[];
}

const SAMPLE_LIMIT = 200;

export interface PlanInput {
  settings: CampaignSettings;
  template: TemplateData;
  prices: PriceTable;
  render: RenderContext;
  /**
   * WhatsApp's verdict on a content template as last listed from the provider: 'missing'
   * when the account no longer has it, null when it could not be asked (nothing listed yet).
   */
  whatsAppApproval?: (contentSid: string) => WhatsAppApproval | 'missing' | null;
}

export function planCampaign(r: Reader, input: PlanInput): Plan {
  const { settings, template, prices } = input;
  const audience = resolveAudience(r, settings.audience, settings.testGroupId);
  const optOuts = optOutLookup(r);
  const excludedCount = new Map<ExclusionReason, number>();
  const samples: PlanReport['exclusionSamples'] = [];
  const exclude = (contactId: number, displayName: string, reason: ExclusionReason, detail: string) => {
    excludedCount.set(reason, (excludedCount.get(reason) ?? 0) + 1);
    if (samples.length < SAMPLE_LIMIT) samples.push({ contactId, displayName, reason, detail });
  };
  for (const e of audience.excluded)
    exclude(e.id, e.displayName, e.reason, e.reason === 'excluded' ? 'Excluded by the audience rules' : 'Test mode: not in the test group');

  const blockers: string[] = [];
  const blockerRefusals: Refusal[] = [];
  const warnings: string[] = [];
  // A deleted segment must stop the start, never quietly alert fewer people.
  for (const id of audience.missingSegments) {
    blockers.push(`Segment ${id} of the audience no longer exists: choose the audience again`);
    blockerRefusals.push(refusal('plan.segment-missing', { segment: id }));
  }
  settings.steps.forEach((s, i) => {
    const has = (['sv', 'en'] as const).some((l) => template.variants[l] && hasChannel(template.variants[l], s.channel));
    if (!has) {
      blockers.push(`Step ${i + 1} sends ${s.channel} but template "${template.name}" has no ${s.channel} content`);
      blockerRefusals.push(refusal('plan.step-without-content', { step: i + 1, channel: s.channel, template: template.name }));
    }
  });
  settings.steps.forEach((s, i) => {
    if (s.channel !== 'whatsapp') return;
    // Business-initiated WhatsApp needs a content template WhatsApp approved: free-form text
    // reaches only people who wrote within 24 hours, and fails (63016) for everyone else.
    for (const l of ['sv', 'en'] as const) {
      const c = template.variants[l];
      if (!c || !hasChannel(c, 'whatsapp')) continue;
      const bound = c.whatsappContent;
      if (!bound) {
        blockers.push(`Step ${i + 1} sends WhatsApp, but template "${template.name}" has no approved WhatsApp content template (${l})`);
        blockerRefusals.push(refusal('plan.whatsapp-without-content', { step: i + 1, template: template.name }));
        return;
      }
      const approval = input.whatsAppApproval?.(bound.contentSid) ?? null;
      if (approval === null) {
        const note = `WhatsApp's approval of "${bound.name}" could not be checked now; it was approved when chosen`;
        if (!warnings.includes(note)) warnings.push(note);
      } else if (approval !== 'approved') {
        blockers.push(`Step ${i + 1} sends WhatsApp with content template "${bound.name}", which WhatsApp has not approved (${approval})`);
        blockerRefusals.push(
          refusal('plan.whatsapp-content-unapproved', { step: i + 1, template: template.name, content: bound.name, approval }),
        );
        return;
      }
    }
  });
  if (
    settings.confirmation.enabled &&
    !settings.steps.some((s) => s.channel === 'voice' || s.channel === 'sms' || s.channel === 'whatsapp' || s.channel === 'telegram')
  ) {
    warnings.push('Confirmation is on but no step can be confirmed (e-mail only)');
  }

  const stepReports = settings.steps.map((s, index) => ({
    index,
    channel: s.channel,
    recipients: 0,
    deliveries: 0,
    duplicateAddresses: 0,
    optedOut: 0,
    doNotContact: 0,
    noAddress: 0,
  }));
  const takenPerStep = settings.steps.map(() => new Set<string>());
  const missing: PlanReport['missingVariables'] = [];
  const recipients: PlannedRecipient[] = [];
  const cost = { ...emptyTally(), minTotal: 0, maxTotal: 0 };
  const unpriced = new Set<string>();

  for (const c of audience.contacts) {
    const usedPhones = new Set<string>();
    const usedEmails = new Set<string>();
    const planned: PlannedDelivery[] = [];
    const lacks = new Map<string, Set<Channel>>();
    let anyAddress = false;
    let allDnc = true;
    let allOptedOut = true;
    let allDuplicate = true;
    settings.steps.forEach((step, stepIndex) => {
      const rep = stepReports[stepIndex]!;
      // Who can be reached where is the contacts domain's rule (reachability).
      const reachable = reach(c, step.channel, optOuts, step.numbers, { phones: usedPhones, emails: usedEmails });
      if (reachable.doNotContact) {
        rep.doNotContact++;
        return;
      }
      allDnc = false;
      if (reachable.addresses.length === 0) {
        rep.noAddress++;
        return;
      }
      anyAddress = true;
      const rendered = renderMessage(template, step.channel, c.language, c, input.render);
      const content = step.channel === 'whatsapp' ? renderWhatsAppContent(template, c.language, c, input.render) : null;
      for (const v of [...(rendered?.missing ?? []), ...(content?.missing ?? [])])
        (lacks.get(v) ?? lacks.set(v, new Set()).get(v)!).add(step.channel);
      // What an SMS is billed as (its rendering counted it; no text, no segments); stored per delivery for the tallies and costs.
      // An engångsmeddelande's SMS carries the link message, not the text: that is what is billed.
      const segments =
        step.channel !== 'sms' || !rendered?.sms
          ? 0
          : settings.burn && rendered.text
            ? smsSegments(burnSmsBodyForCounting(rendered.language)).segments
            : rendered.sms.segments;
      let stepCount = 0;
      for (const { address: key, sendTo: address, blocked } of reachable.addresses) {
        if (step.channel === 'voice' || step.channel === 'sms') usedPhones.add(key);
        if (step.channel === 'email') usedEmails.add(key);
        if (blocked === 'optOut') {
          rep.optedOut++;
          continue;
        }
        allOptedOut = false;
        if (takenPerStep[stepIndex]!.has(key)) {
          rep.duplicateAddresses++;
          continue;
        }
        allDuplicate = false;
        takenPerStep[stepIndex]!.add(key);
        planned.push({
          stepIndex,
          step,
          channel: step.channel,
          address,
          body: rendered?.text ?? null,
          segments,
          subject: rendered?.subject ?? null,
          html: rendered?.html ?? null,
          audioId: rendered?.audioId ?? null,
          voiceId: step.channel === 'voice' && rendered ? templateVoiceId(template, rendered.language) : null,
          content: content && { contentSid: content.contentSid, variables: content.variables },
        });
        stepCount++;
        // Cost: the first step always runs; later ones only maybe.
        const first = stepIndex === 0;
        const { amount, unpriced: noPrice } = tallySend(cost, prices, step.channel, address, () => segments);
        if (noPrice !== null) unpriced.add(noPrice);
        cost.maxTotal += amount;
        if (first) cost.minTotal += amount;
      }
      if (stepCount > 0) {
        rep.recipients++;
        rep.deliveries += stepCount;
      }
    });
    if (lacks.size > 0) {
      const channelsLacking = new Set<Channel>();
      lacks.forEach((chs) => chs.forEach((ch) => channelsLacking.add(ch)));
      missing.push({ contactId: c.id, displayName: c.displayName, variables: [...lacks.keys()], channels: [...channelsLacking] });
    }
    if (planned.length === 0) {
      if (allDnc) exclude(c.id, c.displayName, 'do-not-contact', 'Marked do-not-contact for every channel of the plan');
      else if (!anyAddress) exclude(c.id, c.displayName, 'no-address', `No address for ${settings.steps.map((s) => s.channel).join('/')}`);
      else if (allOptedOut) exclude(c.id, c.displayName, 'opted-out', 'Every address has opted out');
      else if (allDuplicate) exclude(c.id, c.displayName, 'duplicate-address', 'Every address is already used by another recipient');
      else exclude(c.id, c.displayName, 'opted-out', 'No address left after opt-outs and duplicates');
      continue;
    }
    recipients.push({ contact: c, deliveries: planned });
  }

  if (missing.length > 0) {
    blockers.push(
      `${missing.length} recipient(s) lack values for template variables (e.g. ${missing[0]!.displayName}: ${missing[0]!.variables.join(', ')}); add a fallback to the template or fill in the contacts`,
    );
    blockerRefusals.push(
      refusal('plan.missing-variables', {
        count: missing.length,
        example: missing[0]!.displayName,
        variables: missing[0]!.variables.join(', '),
      }),
    );
  }
  if (recipients.length === 0) {
    blockers.push('Nobody in the audience can be reached by this plan');
    blockerRefusals.push(refusal('plan.nobody-reachable'));
  }
  if (unpriced.size) warnings.push(`No price for ${[...unpriced].join(', ')}; their cost is not included`);
  if (template.status !== 'approved')
    warnings.push(`Template "${template.name}" is not approved; starting it needs a reason for the audit log`);

  // Escalation waves alert only people not already alerted before them (up to: reachability is decided when a wave fires).
  const taken = new Set(recipients.map((x) => x.contact.id));
  const waves = settings.waves.map((w, index) => {
    let people = 0;
    for (const c of resolveAudience(r, audienceSchema.parse(w.audience), settings.testGroupId).contacts)
      if (!taken.has(c.id)) {
        taken.add(c.id);
        people++;
      }
    return { index, afterMinutes: w.afterMinutes, fewerThan: w.fewerThan, unit: w.unit, people };
  });

  const round2 = (n: number) => Math.round(n * 100) / 100;
  const report: PlanReport = {
    selected: audience.selectedCount,
    recipients: recipients.length,
    deliveries: recipients.reduce((n, r) => n + r.deliveries.length, 0),
    excluded: [...excludedCount.entries()].map(([reason, count]) => ({ reason, count })),
    exclusionSamples: samples,
    missingVariables: missing.slice(0, 1000),
    steps: stepReports,
    cost: {
      currency: prices.currency,
      smsSegments: cost.smsSegments,
      smsCost: round2(cost.smsCost),
      callMinutes: round2(cost.callMinutes),
      callCost: round2(cost.callCost),
      emails: cost.emails,
      whatsappMessages: cost.whatsappMessages,
      whatsappCost: round2(cost.whatsappCost),
      maxTotal: round2(cost.maxTotal),
      minTotal: round2(cost.minTotal),
      unpricedCountries: [...unpriced],
    },
    templateApproved: template.status === 'approved',
    waves,
    segments: audience.segments,
    blockers,
    blockerRefusals,
    warnings,
    preApproved: null,
  };
  return { report, recipients };
}

/**
 * Writes the recipients and every delivery row of a plan (first-step rows due now, later
 * steps waiting). Runs inside the start transaction (or an escalation wave's, `wave` > 0):
 * all rows or none. After a take-over (`resume`), a person who already has a recipient row
 * gets only the deliveries, and every row is looked up at the provider before it is sent.
 */
export function writePlan(
  tx: Tx,
  campaignId: number,
  priority: number,
  plan: Pick<Plan, 'recipients'>,
  now: number,
  wave = 0,
  resume?: { recipientOf: ReadonlyMap<number, number> },
): { recipients: number; deliveries: number } {
  const total = plan.recipients.reduce((n, r) => n + r.deliveries.length, 0);
  const random = randomBytes(total * 9);
  let k = 0;
  let deliveriesWritten = 0;
  for (const r of plan.recipients) {
    const recipientId =
      resume?.recipientOf.get(r.contact.id) ??
      insertRecipient(tx, campaignId, r.contact.id, r.contact.displayName, r.contact.language, wave);
    // A recipient without an address for step 1 starts at the first step they have.
    const firstStep = Math.min(...r.deliveries.map((d) => d.stepIndex));
    for (const d of r.deliveries) {
      const token = `${campaignId.toString(36)}-${random.subarray(k * 9, k * 9 + 9).toString('base64url')}`;
      k++;
      const first = d.stepIndex === firstStep;
      insertDelivery(tx, {
        campaignId,
        recipientId,
        stepIndex: d.stepIndex,
        channel: d.channel,
        address: d.address,
        token,
        state: first ? 'queued' : 'waiting',
        priority,
        dueAt: first ? now : null,
        waitSeconds: d.step.waitSeconds,
        condition: d.step.condition,
        fallThrough: d.step.fallThroughWhenUnavailable,
        body: d.body,
        segments: d.segments,
        subject: d.subject,
        html: d.html,
        audioId: d.audioId,
        voiceId: d.voiceId,
        content: d.content,
        lookUp: resume !== undefined,
      });
      deliveriesWritten++;
    }
  }
  return { recipients: plan.recipients.length, deliveries: deliveriesWritten };
}
