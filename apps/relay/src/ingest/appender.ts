// Commits verified webhooks to the tenant's log. Requests for one tenant that arrive while
// a commit is in flight are gathered into the next transaction (group commit): the
// sequence is gap-free because appends lock the tenant's counter row until commit, so one
// transaction per webhook would cap a tenant at one commit per disk flush.
//
// One batch per tenant is in flight at a time. A second one (waiting on the counter row's
// lock inside Postgres) saved a round trip per commit but halved the batches, and every
// commit costs a function call, a WAL flush, a notification and a desktop message; on a
// busy machine those cost the webhooks' latency more than the round trip saved.
//
// A batch that Postgres refuses because of what one event holds (a data or constraint
// error, e.g. a NUL character jsonb cannot store) is retried event by event, so only that
// event fails and the others of its batch are committed and acknowledged as usual.
import type { RelayLogEntry } from '@gdial/protocol';
import type { RelayMetrics } from '../ops/metrics';
import type { RelayDb } from '../store/db';
import { appendEvents, type AppendItem, type AppendOutcome } from '../store/events';

/**
 * Told about each commit of this instance (the stream's hub): when one starts, what it
 * committed (before any webhook of it is answered), and when it is over, committed or not.
 */
export interface CommitObserver {
  appendStarted(tenantId: string): void;
  committed(tenantId: string, entries: readonly RelayLogEntry[]): void;
  appendFinished(tenantId: string): void;
}

interface Pending {
  item: AppendItem;
  resolve: (outcome: AppendOutcome) => void;
  reject: (err: unknown) => void;
}

const MAX_BATCH = 256;

/** SQLSTATE classes that blame the statement's data, not the database: 22 data exception, 23 integrity, 54 limits. */
export const blamesData = (err: unknown): boolean => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(22|23|54)/.test(code);
};

export class EventAppender {
  private readonly queues = new Map<string, Pending[]>();
  private readonly flushing = new Set<string>();
  private readonly idleWaiters: Array<() => void> = [];
  /** When each tenant's commit in flight started (performance.now()). */
  private readonly commitStarted = new Map<string, number>();

  constructor(
    private readonly db: RelayDb,
    private readonly hub: CommitObserver,
    private readonly metrics: RelayMetrics,
  ) {}

  /** Resolves once the event is committed (or recognised as a duplicate of a committed one). */
  append(tenantId: string, item: AppendItem): Promise<AppendOutcome> {
    return new Promise((resolve, reject) => {
      let queue = this.queues.get(tenantId);
      if (!queue) this.queues.set(tenantId, (queue = []));
      queue.push({ item, resolve, reject });
      if (!this.flushing.has(tenantId)) void this.flush(tenantId);
    });
  }

  private async flush(tenantId: string): Promise<void> {
    this.flushing.add(tenantId);
    try {
      for (;;) {
        const queue = this.queues.get(tenantId);
        if (!queue || queue.length === 0) break;
        const batch = queue.splice(0, MAX_BATCH);
        try {
          await this.commit(tenantId, batch);
        } catch (err) {
          if (batch.length === 1 || !blamesData(err)) {
            for (const p of batch) p.reject(err);
            continue;
          }
          for (const p of batch) await this.commit(tenantId, [p]).catch((one: unknown) => p.reject(one));
        }
      }
    } finally {
      this.flushing.delete(tenantId);
      if (this.queues.get(tenantId)?.length === 0) this.queues.delete(tenantId);
      if (this.flushing.size === 0) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /** Commits one batch and settles its events; throws, settling none, when the transaction failed. */
  private async commit(tenantId: string, batch: Pending[]): Promise<void> {
    const started = performance.now();
    this.commitStarted.set(tenantId, started);
    this.hub.appendStarted(tenantId);
    try {
      const outcomes = await appendEvents(
        this.db,
        tenantId,
        batch.map((p) => p.item),
      );
      this.metrics.commitSeconds.observe((performance.now() - started) / 1000);
      if (outcomes.length !== batch.length) throw new Error(`append returned ${outcomes.length} outcomes for ${batch.length} events`);
      const fresh: RelayLogEntry[] = [];
      outcomes.forEach((o, i) => {
        if (!o.duplicate) fresh.push({ seq: o.seq, event: batch[i]!.item.event });
      });
      this.hub.committed(tenantId, fresh);
      outcomes.forEach((o, i) => batch[i]!.resolve(o));
    } finally {
      this.commitStarted.delete(tenantId);
      this.hub.appendFinished(tenantId);
    }
  }

  /** How long the oldest commit in flight has been waiting for the database, in ms (0 = none). */
  stalledMs(): number {
    let oldest = Infinity;
    for (const t of this.commitStarted.values()) oldest = Math.min(oldest, t);
    return oldest === Infinity ? 0 : performance.now() - oldest;
  }

  /** Resolves when no commit is in flight (graceful shutdown). */
  idle(): Promise<void> {
    return this.flushing.size === 0 ? Promise.resolve() : new Promise((r) => this.idleWaiters.push(r));
  }
}
