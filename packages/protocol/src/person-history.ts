// One person's history across alerts: every alert they were in with each attempt and its
// timeline, the replies they sent, opt-outs of their addresses and changes to their record
// (from the audit). The GDPR personal-data export carries it.
import { z } from 'zod';
import { deliveryReportSchema, inboxMessageSchema, recipientOutcomeSchema } from './campaigns';
import { contactSchema, optOutSchema } from './contacts';
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
  'contacts.exportPersonalData': method(z.object({ id }), personalDataExportSchema),
};
