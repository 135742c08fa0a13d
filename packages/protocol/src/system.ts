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

export const auditEntrySchema = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  subjectType: z.string(),
  subjectId: z.string().nullable(),
  summary: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const systemMethods = {
  'system.info': method(z.object({}), engineInfoSchema),
  'system.setOperator': method(z.object({ name: z.string().trim().min(1, 'Operator name is required').max(100) }), z.object({ operator: z.string() })),
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
