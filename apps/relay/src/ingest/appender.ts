// Commits verified webhooks to the tenant's log. Requests for one tenant that arrive while
// commits are in flight are gathered into the next transaction (group commit): the
// sequence is gap-free because appends lock the tenant's counter row until commit, so one
// transaction per webhook would cap a tenant at one commit per disk flush. Two batches
// per tenant may be in flight: the second waits on the row lock inside Postgres and
// proceeds the moment the first commits, instead of a network round trip later.
import type { RelayLogEntry } from '@gdial/protocol';
import type { RelayMetrics } from '../ops/metrics';
import type { RelayDb } from '../store/db';
import { appendEvents, type AppendItem, type AppendOutcome } from '../store/events';
import type { EventHub } from '../stream/hub';

interface Pending {
  item: AppendItem;
  resolve: (outcome: AppendOutcome) => void;
  reject: (err: unknown) => void;
}

const MAX_BATCH = 256;
const MAX_IN_FLIGHT = 2;

export class EventAppender {
  private readonly queues = new Map<string, Pending[]>();
  private readonly flushing = new Map<string, number>();
  private readonly idleWaiters: Array<() => void> = [];

  constructor(
    private readonly db: RelayDb,
    private readonly hub: EventHub,
    private readonly metrics: RelayMetrics,
  ) {}

  /** Resolves once the event is committed (or recognised as a duplicate of a committed one). */
  append(tenantId: string, item: AppendItem): Promise<AppendOutcome> {
    return new Promise((resolve, reject) => {
      let queue = this.queues.get(tenantId);
      if (!queue) this.queues.set(tenantId, (queue = []));
      queue.push({ item, resolve, reject });
      if ((this.flushing.get(tenantId) ?? 0) < MAX_IN_FLIGHT) void this.flush(tenantId);
    });
  }

  private async flush(tenantId: string): Promise<void> {
    this.flushing.set(tenantId, (this.flushing.get(tenantId) ?? 0) + 1);
    try {
      for (;;) {
        const queue = this.queues.get(tenantId);
        if (!queue || queue.length === 0) break;
        const batch = queue.splice(0, MAX_BATCH);
        const started = performance.now();
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
        } catch (err) {
          for (const p of batch) p.reject(err);
        } finally {
          this.hub.appendFinished(tenantId);
        }
      }
    } finally {
      const left = (this.flushing.get(tenantId) ?? 1) - 1;
      if (left > 0) this.flushing.set(tenantId, left);
      else {
        this.flushing.delete(tenantId);
        if (this.queues.get(tenantId)?.length === 0) this.queues.delete(tenantId);
      }
      if (this.flushing.size === 0) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /** Resolves when no commit is in flight (graceful shutdown). */
  idle(): Promise<void> {
    return this.flushing.size === 0 ? Promise.resolve() : new Promise((r) => this.idleWaiters.push(r));
  }
}
