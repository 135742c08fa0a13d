// Methods and events about the engine itself: what it is, who is operating it.
import { z } from 'zod';
import { method } from './rpc-core';

export const engineInfoSchema = z.object({
  version: z.string(),
  dataDir: z.string(),
  databasePath: z.string(),
  schemaVersion: z.number().int(),
  operator: z.string(),
  startedAt: z.string(),
  demo: z.boolean(),
});
export type EngineInfo = z.infer<typeof engineInfoSchema>;

/** Every kind of audit entry the engine writes (the console phrases each in its language). */
export const auditActions = [
  'contact.created',
  'contact.updated',
  'contacts.deleted',
  'contacts.tagged',
  'contacts.untagged',
  'contacts.doNotContact',
  'contact.erased',
  'contacts.imported',
  'optOut.added',
  'optOut.removed',
  'group.created',
  'group.updated',
  'group.deleted',
  'group.membersAdded',
  'group.membersRemoved',
  'campaign.create',
  'campaign.update',
  'campaign.delete',
  'campaign.schedule',
  'campaign.start',
  'campaign.start-unapproved',
  'campaign.pause',
  'campaign.resume',
  'campaign.takeOver',
  'campaign.submit-approval',
  'campaign.approve',
  'campaign.reject',
  'campaign.override',
  'campaigns.approvalRule',
  'sync.autoTakeOver',
  'campaign.cancel',
  'campaign.complete',
  'campaign.schedule-failed',
  'campaign.skip-held',
  'campaign.give-up',
  'campaign.wave',
  'inbox.handled',
  'inbox.unhandled',
  'conversation.assigned',
  'conversation.released',
  'conversation.replied',
  'campaigns.priceTable',
  'preparedAlert.saved',
  'preparedAlert.deleted',
  'preparedAlert.approval-requested',
  'preparedAlert.approved',
  'preparedAlert.rejected',
  'preparedAlert.approval-voided',
  'campaign.start-preapproved',
  'segment.saved',
  'segment.deleted',
  'schedule.saved',
  'schedule.deleted',
  'template.create',
  'template.update',
  'template.approve',
  'template.delete',
  'voice.install',
  'voice.remove',
  'voice.default',
  'audio.record',
  'operator.set',
  'connectivity.configure',
  'backup.created',
  'backup.restored',
  'health.acknowledged',
  'health.thresholds',
  'session.signIn',
  'session.signInFailed',
  'session.lockout',
  'session.lock',
  'session.signOut',
  'session.settings',
  'user.created',
  'user.roleChanged',
  'user.removed',
  'organisation.invited',
  'organisation.userChanged',
  'organisation.sessionRevoked',
  'organisation.deviceRevoked',
  'session.invitationAccepted',
  'cap.imported',
  'vma.underlag',
  'contact.personalDataExported',
  'contacts.exported',
  'campaign.reportExported',
  /** Bekräftad per telefon: an operator called the person and marked them confirmed by hand, with a note. */
  'campaign.confirmedByPhone',
  /** The AI was asked: task, model and hashes of the prompt and answer as sent (never their text). */
  'ai.used',
  'ai.settingsChanged',
] as const;
export type AuditAction = (typeof auditActions)[number];

export const auditEntrySchema = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  subjectType: z.string(),
  subjectId: z.string().nullable(),
  summary: z.string(),
  /** What the summary says, as values by name (absent in entries written before they existed). */
  params: z.record(z.string(), z.union([z.string(), z.number()])).nullable(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const systemMethods = {
  'system.info': method(z.object({}), engineInfoSchema),
  'system.setOperator': method(
    z.object({ name: z.string().trim().min(1, 'Operator name is required').max(100) }),
    z.object({ operator: z.string() }),
  ),
  'audit.list': method(
    z.object({
      beforeId: z.number().int().positive().optional(),
      limit: z.number().int().min(1).max(500).default(100),
      subjectType: z.string().optional(),
    }),
    z.object({ entries: z.array(auditEntrySchema), nextBeforeId: z.number().int().nullable() }),
  ),
};

export const systemEvents = {
  /** The engine is about to stop; clients should show it and stop sending. */
  'system.shutdown': z.object({ reason: z.string() }),
};
