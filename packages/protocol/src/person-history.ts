// One person's history across alerts: every alert they were in with each attempt and its
// timeline, the replies they sent, opt-outs of their addresses and changes to their record
// (from the audit). The GDPR personal-data export carries it.
import { z } from 'zod';
import { deliveryReportSchema, inboxMessageSchema, recipientOutcomeSchema } from './campaigns';
import { channelSchema, contactSchema, optOutSchema } from './contacts';
import { method } from './rpc-core';
import { auditEntrySchema } from './system';

const id = z.number().int().positive();

/** One alert the person was in: how it went for them, with every delivery and its events. */
export const personAlertSchema = z.object({
  campaignId: id,
  campaignName: z.string(),
  testMode: z.boolean(),
  startedAt: z.string().nullable(),
  outcome: recipientOutcomeSchema,
  confirmedAt: z.string().nullable(),
  confirmedVia: z.string().nullable(),
  deliveries: z.array(deliveryReportSchema),
});
export type PersonAlert = z.infer<typeof personAlertSchema>;

export const personHistorySchema = z.object({
  contactId: id,
  alerts: z.array(personAlertSchema),
  /** Replies from the person (matched to them), handled or not. */
  inbox: z.array(inboxMessageSchema),
  /** Opt-outs recorded for any of the contact's addresses. */
  optOuts: z.array(optOutSchema),
  /** Audit entries about this contact (changes to the record, exports). */
  audit: z.array(auditEntrySchema),
});
export type PersonHistory = z.infer<typeof personHistorySchema>;

/** Where an entry of the timeline belongs: the alert it happened in, when it happened in one. */
const inAlert = { at: z.string(), campaignId: id.nullable(), campaignName: z.string().nullable() };

/**
 * One line of a person's timeline, newest first in the contact drawer: an alert started for
 * them, each thing that happened to one of its deliveries (handed over, a provider status, a
 * failure with its code), their confirmation, a reply, an opt-out, a change to their record.
 */
export const personTimelineEntrySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('alert'), ...inAlert, testMode: z.boolean(), outcome: recipientOutcomeSchema }),
  z.object({
    kind: z.literal('attempt'),
    ...inAlert,
    deliveryId: id,
    stepIndex: z.number().int().nonnegative(),
    channel: channelSchema,
    address: z.string(),
    provider: z.string().nullable(),
    /** The delivery event's kind as the engine records it ("sent", "status", "failed", "retry", …). */
    event: z.string(),
    detail: z.string().nullable(),
    /** On a failure: the provider's code and reason, which the console words in Swedish. */
    errorCode: z.string().nullable(),
    error: z.string().nullable(),
  }),
  z.object({ kind: z.literal('confirmed'), ...inAlert, via: z.string().nullable() }),
  z.object({
    kind: z.literal('reply'),
    ...inAlert,
    channel: channelSchema,
    text: z.string(),
    handled: z.boolean(),
    handledBy: z.string().nullable(),
  }),
  z.object({ kind: z.literal('opt-out'), ...inAlert, channel: channelSchema, address: z.string(), source: optOutSchema.shape.source }),
  z.object({
    kind: z.literal('record'),
    ...inAlert,
    action: z.string(),
    actor: z.string(),
    summary: z.string(),
    params: auditEntrySchema.shape.params,
  }),
]);
export type PersonTimelineEntry = z.infer<typeof personTimelineEntrySchema>;

export const personTimelineSchema = z.object({
  contactId: id,
  /** Newest first, at most the limit asked for. */
  entries: z.array(personTimelineEntrySchema),
  /** How many entries the whole timeline has: more than `entries` when it was capped. */
  total: z.number().int().nonnegative(),
});
export type PersonTimeline = z.infer<typeof personTimelineSchema>;

export const personalDataExportSchema = z.object({
  exportedAt: z.string(),
  contact: contactSchema,
  groups: z.array(z.object({ id, name: z.string() })),
  /** Opt-outs recorded for any of the contact's addresses. */
  optOuts: z.array(optOutSchema),
  /** Audit entries about this contact. */
  audit: z.array(auditEntrySchema),
  /** Every alert the person was in, with each delivery (address, status, timeline). */
  alerts: z.array(personAlertSchema),
  /** Replies the person sent. */
  inbox: z.array(inboxMessageSchema),
});
export type PersonalDataExport = z.infer<typeof personalDataExportSchema>;

export const personHistoryMethods = {
  'contacts.history': method(z.object({ id, limit: z.number().int().min(1).max(5000).default(50) }), personTimelineSchema),
  'contacts.exportPersonalData': method(z.object({ id }), personalDataExportSchema),
};
