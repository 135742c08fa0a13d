// An answer written in a conversation, as the outbox knows it: a campaign of kind `reply`
// with one recipient (the person) and one delivery to the address they last wrote from,
// written running in one transaction. The dispatcher sends it like any alert's message —
// the channel's provider list (Twilio or 46elks for SMS), rate limits, holds while the path
// is down, status callbacks — and the campaign completes when the delivery settles; there
// is no second sender. WhatsApp's 24-hour rule decides between free text and the approved
// content template (the same rule the dispatcher applies at the claim, whatsapp-window.ts).
import { randomBytes } from 'node:crypto';
import {
  refusal,
  smsSegments,
  type BurnOption,
  type Channel,
  type ConversationKey,
  type ConversationSummary,
  type ReplyMode,
} from '@gdial/protocol';
import { loadContacts } from '../contacts';
import { DomainError, notFound } from '../errors';
import { recordAudit } from '../store/audit';
import { insertCampaign, updateCampaign } from '../store/campaigns';
import type { Reader, Tx } from '../store/db';
import { insertDelivery } from '../store/deliveries';
import { insertRecipient } from '../store/recipients';
import { getTemplate, listTemplateIds } from '../store/templates';
import { lastWhatsAppInbound } from '../store/whatsapp-sessions';
import { approveTemplate, createTemplate, loadTemplate, renderMessage, renderWhatsAppContent, type VariableSource } from './templates';
import { insideWhatsAppWindow, WHATSAPP_WINDOW_MS } from './whatsapp-window';

/** The actor of the built-in template (its text is the product's, not an operator's). */
const BUILT_IN = 'GDial';

/**
 * What a reply campaign names as its template when the answer is free text: a campaign row
 * needs one. Its text is never sent (the answer is frozen on the delivery).
 */
const REPLY_TEMPLATE = {
  name: 'Svar i konversation',
  description: 'Inbyggd mall för svar som skrivs i en konversation; svarets text skrivs i konsolen.',
  variants: { sv: { sms: 'Svar från {{organisation}}.' } },
  fallbacks: { organisation: 'oss' },
};

/** How an answer to this thread may go out now, and until when free text may on WhatsApp. */
export function replyModeOf(
  r: Reader,
  key: ConversationKey,
  address: string,
  now: number,
): { mode: ReplyMode; windowEndsAt: string | null } {
  switch (key.channel) {
    case 'voice':
      return { mode: 'unavailable', windowEndsAt: null };
    case 'whatsapp': {
      const last = lastWhatsAppInbound(r, address);
      return insideWhatsAppWindow(last, now)
        ? { mode: 'free-form', windowEndsAt: new Date(last! + WHATSAPP_WINDOW_MS).toISOString() }
        : { mode: 'template-only', windowEndsAt: null };
    }
    case 'sms':
    case 'email':
    case 'telegram':
      return { mode: 'free-form', windowEndsAt: null };
  }
}

function replyTemplateId(tx: Tx): number {
  const found = listTemplateIds(tx)
    .map((id) => getTemplate(tx, id)!)
    .find((t) => t.name === REPLY_TEMPLATE.name && t.description === REPLY_TEMPLATE.description);
  if (found) return found.id;
  const id = createTemplate(tx, REPLY_TEMPLATE);
  approveTemplate(tx, id, BUILT_IN);
  recordAudit(tx, BUILT_IN, {
    action: 'template.create',
    subjectType: 'template',
    subjectId: id,
    summary: `Created template "${REPLY_TEMPLATE.name}" (built in: named by answers written in conversations)`,
    params: { name: REPLY_TEMPLATE.name },
  });
  return id;
}

export interface ReplyInput {
  text?: string | undefined;
  templateId?: number | undefined;
  /** Engångsmeddelande: the answer goes out as a link that shows it once (burn/outgoing.ts). */
  burn?: BurnOption | undefined;
}

export interface WrittenReply {
  campaignId: number;
  deliveryId: number;
  mode: 'free-form' | 'template';
}

/** Writes the answer's campaign, recipient and delivery (due now) and audits it; the caller wakes the dispatcher. */
export function writeReply(tx: Tx, s: ConversationSummary, input: ReplyInput, actor: string, now: number): WrittenReply {
  const key = s.key;
  const channel: Channel = key.channel;
  const name = s.displayName ?? s.address;
  const { mode } = replyModeOf(tx, key, s.address, now);
  if (mode === 'unavailable')
    throw new DomainError('PRECONDITION', `Cannot answer by ${channel}`, undefined, refusal('conversation.cannot-reply', { channel }));
  const contact = key.contactId !== null ? loadContacts(tx, [key.contactId])[0] : undefined;
  const language = contact?.language ?? 'sv';
  const who: VariableSource = contact ?? {
    firstName: null,
    lastName: null,
    displayName: s.address,
    organisation: null,
    role: null,
    customFields: {},
  };
  const campaignName = `Svar till ${name}`;
  let body: string | null = null;
  let subject: string | null = null;
  let content: { contentSid: string; variables: Record<string, string> } | null = null;
  let templateName: string | null = null;
  let templateId: number;
  if (input.templateId !== undefined) {
    const t = loadTemplate(tx, input.templateId);
    if (!t) throw notFound('Template', input.templateId);
    templateName = t.name;
    templateId = t.id;
    const ctx = { campaignName, operator: actor, now: new Date(now) };
    if (mode === 'template-only') {
      const c = renderWhatsAppContent(t, language, who, ctx);
      if (!c)
        throw new DomainError(
          'PRECONDITION',
          `Template "${t.name}" has no WhatsApp content template for outside the 24-hour window`,
          undefined,
          refusal('conversation.whatsapp-template-needed', { template: t.name }),
        );
      content = { contentSid: c.contentSid, variables: c.variables };
    } else {
      const m = renderMessage(t, channel, language, who, ctx);
      if (!m?.text)
        throw new DomainError(
          'PRECONDITION',
          `Template "${t.name}" has no ${channel} content`,
          undefined,
          refusal('template.no-content', { name: t.name, channel }),
        );
      body = m.text;
      subject = m.subject;
    }
  } else {
    if (mode === 'template-only')
      throw new DomainError(
        'PRECONDITION',
        `More than 24 hours since ${name} wrote on WhatsApp: only an approved content template may go`,
        undefined,
        refusal('conversation.whatsapp-window-closed', { name }),
      );
    body = input.text!;
    templateId = replyTemplateId(tx);
  }
  // A WhatsApp content template carries its own approved text, never a link in its place.
  if (input.burn && content)
    throw new DomainError(
      'PRECONDITION',
      `More than 24 hours since ${name} wrote on WhatsApp: a one-time message cannot go as a template`,
      undefined,
      refusal('conversation.whatsapp-window-closed', { name }),
    );
  if (channel === 'email' && subject === null) subject = s.campaignName ? `Sv: ${s.campaignName}` : 'Svar på ditt meddelande';
  const at = new Date(now).toISOString();
  const campaignId = insertCampaign(tx, {
    kind: 'reply',
    name: campaignName,
    parentId: null,
    priority: 0,
    templateId,
    testGroupId: null,
    settings: {
      name: campaignName,
      templateId,
      audience: key.contactId !== null ? { contactIds: [key.contactId] } : {},
      steps: [{ channel, condition: 'always' }],
      confirmation: { enabled: false },
      ...(input.burn ? { burn: input.burn } : {}),
    },
    approvalReason: null,
    createdBy: actor,
  });
  updateCampaign(tx, campaignId, { status: 'running', started_at: at, updated_at: at });
  const recipientId = insertRecipient(tx, campaignId, key.contactId, name, language);
  const deliveryId = insertDelivery(tx, {
    campaignId,
    recipientId,
    stepIndex: 0,
    channel,
    address: s.address,
    token: `${campaignId.toString(36)}-${randomBytes(9).toString('base64url')}`,
    state: 'queued',
    priority: 0,
    dueAt: now,
    waitSeconds: 0,
    condition: 'always',
    fallThrough: false,
    body,
    // What an SMS answer is billed as, like an alert's (the delivery tallies and costs read it).
    segments: channel === 'sms' && body !== null ? smsSegments(body).segments : 0,
    subject,
    html: null,
    audioId: null,
    voiceId: null,
    content,
  });
  recordAudit(tx, actor, {
    action: 'conversation.replied',
    subjectType: 'campaign',
    subjectId: campaignId,
    summary: `Answered ${name} (${channel})${templateName ? ` with template "${templateName}"` : ''}`,
    params: { person: name, channel, ...(templateName ? { template: templateName } : {}) },
  });
  return { campaignId, deliveryId, mode: content ? 'template' : 'free-form' };
}
