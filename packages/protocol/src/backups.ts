// Methods and events about the database's backups: encrypted copies made on a schedule,
// before every schema upgrade and on request, each checked by SQLite before it counts;
// restoring one replaces the database (after a backup of the current one) and the engine
// starts again on it.
import { z } from 'zod';
import { method } from './rpc-core';

export const backupReasons = ['scheduled', 'manual', 'pre-migration', 'pre-restore'] as const;
export type BackupReason = (typeof backupReasons)[number];

/** A backup file's name: gdial-<UTC time>-<reason>.db, nothing else (no paths). */
export const backupNameSchema = z
  .string()
  .regex(/^gdial-\d{8}T\d{6}\d{3}Z-(scheduled|manual|pre-migration|pre-restore)\.db$/, 'Not the name of a GDial backup');

export const backupInfoSchema = z.object({
  name: backupNameSchema,
  createdAt: z.string(),
  reason: z.enum(backupReasons),
  bytes: z.number().int().nonnegative(),
  /** Encrypted with the database's key (every backup of an encrypted database is). */
  encrypted: z.boolean(),
});
export type BackupInfo = z.infer<typeof backupInfoSchema>;

/** A backup offered when the database cannot be read at start: with whether SQLite found it whole. */
export const checkedBackupSchema = backupInfoSchema.extend({ intact: z.boolean() });
export type CheckedBackup = z.infer<typeof checkedBackupSchema>;

export const backupOverviewSchema = z.object({
  backups: z.array(backupInfoSchema),
  /** Where they are kept (beside the database). */
  directory: z.string(),
  /** How many are kept; older ones are removed once a new one is checked. */
  keep: z.number().int().positive(),
  /** Hours between scheduled backups. */
  intervalHours: z.number().positive(),
  /** The last scheduled or manual backup that failed, with why, if it is newer than the last good one. */
  lastFailure: z.object({ at: z.string(), message: z.string() }).nullable(),
});
export type BackupOverview = z.infer<typeof backupOverviewSchema>;

export const backupsMethods = {
  'backups.list': method(z.object({}), backupOverviewSchema),
  'backups.create': method(z.object({}), backupInfoSchema),
  /**
   * Replaces the database with a backup after checking it and backing up the current one;
   * the engine then starts again on it and announces `system.restored`. Answers before the
   * swap (calls made meanwhile wait or are refused as the engine restarts).
   */
  'backups.restore': method(z.object({ name: backupNameSchema }), z.object({ restoring: z.literal(true) })),
};

export const backupsEvents = {
  /** The database was replaced by a backup and the engine runs on it: clients reload what they show. */
  'system.restored': z.object({ name: backupNameSchema }),
  /** A backup was made (scheduled, manual, before an upgrade) or one failed. */
  'backups.changed': z.object({}),
};
