// The database's backups as the operator sees them (Inställningar → Säkerhetskopior) and as
// the engine makes them: on a schedule (every few hours while it runs, and at start when the
// newest is older than that), before every schema upgrade, and on request. Each is checked
// before it counts (store/backup.ts); a failure is logged, remembered and shown, and never
// removes an earlier good backup. The service outlives a restore: the engine builds its other
// services anew on the restored database, this one goes on.
import type { BackupInfo, BackupOverview, CheckedBackup } from '@gdial/protocol';
import type { EngineContext, EventEmitter } from '../context';
import { DomainError } from '../errors';
import type { Logger } from '../log';
import { recordAudit } from '../store/audit';
import { BackupError, backupPath, checkDatabaseFile, createBackup, listBackups, restoreBackupFile } from '../store/backup';
import { storeNeedsUpgrade } from '../store/db';
import type { DatabaseKey } from '../store/encryption';

export interface BackupOptions {
  /** Hours between scheduled backups (default 6). */
  intervalHours?: number;
  /** How many backups are kept (default 14). */
  keep?: number;
}

interface Deps {
  dbPath: string;
  dir: string;
  key: DatabaseKey | undefined;
  logger: Logger;
  events: EventEmitter;
  /** The engine's current context (it changes when a backup is restored). */
  context: () => EngineContext | null;
  /** Swaps the database for a checked backup and starts the engine's services again on it. */
  restart: (name: string) => Promise<void>;
}

export class BackupService {
  readonly keep: number;
  readonly intervalHours: number;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<BackupInfo> | null = null;
  private lastFailure: { at: string; message: string } | null = null;
  private readonly log: Logger;

  constructor(
    private readonly deps: Deps,
    opts: BackupOptions = {},
  ) {
    this.keep = Math.max(1, Math.floor(opts.keep ?? 14));
    this.intervalHours = opts.intervalHours ?? 6;
    this.log = deps.logger.child({ module: 'backups' });
  }

  overview(): BackupOverview {
    const backups = this.list();
    const newest = backups[0]?.createdAt ?? '';
    return {
      backups,
      directory: this.deps.dir,
      keep: this.keep,
      intervalHours: this.intervalHours,
      lastFailure: this.lastFailure && this.lastFailure.at > newest ? this.lastFailure : null,
    };
  }

  /** Every backup, newest first, with whether SQLite finds it whole (one integrity check each). */
  async checked(): Promise<CheckedBackup[]> {
    const out: CheckedBackup[] = [];
    for (const b of this.list()) {
      const intact = await checkDatabaseFile(backupPath(this.deps.dir, b.name), this.deps.key).then(
        () => true,
        (err: unknown) => {
          this.log.warn({ err, name: b.name }, 'a backup is damaged');
          return false;
        },
      );
      out.push({ ...b, intact });
    }
    return out;
  }

  list(): BackupInfo[] {
    return listBackups(this.deps.dir, this.deps.key !== undefined);
  }

  /** Before the store is opened: a backup when opening it will upgrade its schema. */
  async beforeOpen(): Promise<void> {
    if (!storeNeedsUpgrade(this.deps.dbPath, { key: this.deps.key })) return;
    // Refusing to upgrade without a backup would leave the operator with no GDial at all;
    // a failed backup is logged loudly and the upgrade (itself one transaction) goes ahead.
    await this.make('pre-migration').catch(() => undefined);
  }

  /** A backup now, by the operator (audited). */
  async create(): Promise<BackupInfo> {
    try {
      const info = await this.make('manual');
      const ctx = this.deps.context();
      if (ctx) {
        ctx.store.transaction((tx) =>
          recordAudit(tx, ctx.operator(), {
            action: 'backup.created',
            subjectType: 'backup',
            subjectId: info.name,
            summary: `Säkerhetskopia ${info.name} gjord`,
            params: { name: info.name },
          }),
        );
      }
      return info;
    } catch (err) {
      if (err instanceof BackupError) throw new DomainError('UNAVAILABLE', err.message);
      throw err;
    }
  }

  /**
   * Checks the backup, then has the engine restart on it (after answering: the restart
   * waits for calls in flight, this one included). Throws when the backup is unusable.
   */
  async restore(name: string): Promise<{ restoring: true }> {
    let file: string;
    try {
      file = backupPath(this.deps.dir, name);
      await checkDatabaseFile(file, this.deps.key);
    } catch (err) {
      if (err instanceof BackupError) throw new DomainError('VALIDATION', err.message);
      throw err;
    }
    setImmediate(() => {
      this.deps.restart(name).catch((err: unknown) => {
        this.lastFailure = { at: new Date().toISOString(), message: `Återställningen misslyckades: ${(err as Error).message}` };
        this.log.error({ err, name }, 'restoring a backup failed; the engine runs on the database it had');
        this.deps.events.emit('backups.changed', {});
      });
    });
    return { restoring: true };
  }

  /**
   * Replaces the closed database with a backup (the engine's restart, or a restore at start):
   * the current database is backed up first when it can be read.
   */
  async replaceWith(name: string): Promise<void> {
    const file = backupPath(this.deps.dir, name);
    await this.make('pre-restore').catch((err: unknown) =>
      this.log.warn({ err }, 'the database being replaced could not be backed up first (damaged?); restoring anyway'),
    );
    await restoreBackupFile(this.deps.dbPath, file, this.deps.key);
    this.log.info({ name }, 'database restored from a backup');
  }

  /**
   * Starts the schedule: the first backup when the newest is an interval old, but not in
   * the first minute (or interval, if shorter), which belongs to starting up.
   */
  start(): void {
    const newest = this.list().find((b) => b.reason !== 'pre-restore');
    const due = newest ? Date.parse(newest.createdAt) + this.intervalMs() - Date.now() : 0;
    this.schedule(Math.max(Math.min(60_000, this.intervalMs()), due));
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Resolves once no backup is being made (call before closing the store). */
  async settled(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  private intervalMs(): number {
    return this.intervalHours * 3600_000;
  }

  private schedule(ms: number): void {
    this.stop();
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.make('scheduled')
        .catch(() => undefined)
        .finally(() => this.schedule(this.intervalMs()));
    }, ms);
    this.timer.unref?.();
  }

  private async make(reason: 'scheduled' | 'manual' | 'pre-migration' | 'pre-restore'): Promise<BackupInfo> {
    // One at a time: a second request waits for the first and then makes its own.
    while (this.running) await this.running.catch(() => undefined);
    const t0 = performance.now();
    const job = createBackup(this.deps.dbPath, { key: this.deps.key, dir: this.deps.dir, reason, keep: this.keep });
    this.running = job;
    try {
      const info = await job;
      this.log.info({ name: info.name, bytes: info.bytes, ms: Math.round(performance.now() - t0) }, 'backup made and checked');
      this.lastFailure = null;
      return info;
    } catch (err) {
      this.lastFailure = { at: new Date().toISOString(), message: (err as Error).message };
      this.log.error({ err, reason }, 'backup failed');
      throw err;
    } finally {
      this.running = null;
      this.deps.events.emit('backups.changed', {});
    }
  }
}
