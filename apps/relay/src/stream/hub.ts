// Wakes the streams of a tenant when its log grows. Commits made by this instance are handed
// over directly (with their entries, so a caught-up desktop gets them without a read);
// commits by other instances arrive as NOTIFY "tenant:seq"; and a poll of each watched
// tenant's head covers a lost notification, so a lost wake-up delays but never loses.
import type { RelayLogEntry } from '@gdial/protocol';
import type { Logger } from 'pino';
import type { CommitObserver } from '../ingest/appender';
import type { RelayDb } from '../store/db';
import { logPosition } from '../store/events';

export interface TenantSubscriber {
  /** Entries this instance just committed, in sequence order. */
  committed(entries: readonly RelayLogEntry[]): void;
  /** The tenant's log reaches at least `seq` (another instance, or the poll). */
  head(seq: number): void;
}

export class EventHub implements CommitObserver {
  private readonly subscribers = new Map<string, Set<TenantSubscriber>>();
  private readonly heads = new Map<string, number>();
  /** Local appends in flight per tenant, and notifications held back until they finish. */
  private readonly appending = new Map<string, number>();
  private readonly heldNotify = new Map<string, number>();
  private pollTimer: NodeJS.Timeout | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private stopped = false;
  private relistenTimer: NodeJS.Timeout | undefined;
  /** Told when any instance revoked a device or rotated its token ("device:<tenant>:<device>"). */
  onDeviceRevoked: (tenantId: string, deviceId: string) => void = () => undefined;

  constructor(
    private readonly db: RelayDb,
    private readonly log: Logger,
    private readonly pollIntervalMs: number,
    private readonly useListen = true,
  ) {}

  async start(): Promise<void> {
    if (this.useListen) await this.listen();
    this.schedulePoll();
  }

  private async listen(): Promise<void> {
    try {
      this.unlisten = await this.db.listen(
        (payload) => this.onNotify(payload),
        (err) => {
          this.log.warn({ err }, 'event notification connection lost; polling until it is back');
          void this.unlisten?.();
          this.unlisten = undefined;
          this.relisten();
        },
      );
    } catch (err) {
      this.log.warn({ err }, 'cannot listen for event notifications; polling until it works');
      this.relisten();
    }
  }

  private relisten(): void {
    if (this.stopped || this.relistenTimer) return;
    this.relistenTimer = setTimeout(() => {
      this.relistenTimer = undefined;
      if (!this.stopped) void this.listen();
    }, 2000);
    this.relistenTimer.unref();
  }

  private onNotify(payload: string): void {
    if (payload.startsWith('device:')) {
      const [, tenantId, deviceId] = payload.split(':');
      if (tenantId && deviceId) this.onDeviceRevoked(tenantId, deviceId);
      return;
    }
    const sep = payload.lastIndexOf(':');
    const tenantId = payload.slice(0, sep);
    const seq = Number(payload.slice(sep + 1));
    if (sep <= 0 || !Number.isSafeInteger(seq)) return;
    // Usually our own commit, arriving just before the append's own result: hold it until
    // that result has been handed over, so a caught-up stream is not sent to read the log.
    if ((this.appending.get(tenantId) ?? 0) > 0) {
      this.heldNotify.set(tenantId, Math.max(seq, this.heldNotify.get(tenantId) ?? 0));
      return;
    }
    this.advance(tenantId, seq);
  }

  /** The appender starts committing for `tenantId`. */
  appendStarted(tenantId: string): void {
    this.appending.set(tenantId, (this.appending.get(tenantId) ?? 0) + 1);
  }

  /** The appender finished (committed, with `committed` already called, or failed). */
  appendFinished(tenantId: string): void {
    const left = (this.appending.get(tenantId) ?? 1) - 1;
    if (left > 0) {
      this.appending.set(tenantId, left);
      return;
    }
    this.appending.delete(tenantId);
    const held = this.heldNotify.get(tenantId);
    if (held !== undefined) {
      this.heldNotify.delete(tenantId);
      this.advance(tenantId, held);
    }
  }

  private advance(tenantId: string, seq: number): void {
    if (seq > (this.heads.get(tenantId) ?? 0)) this.heads.set(tenantId, seq);
    for (const s of this.subscribers.get(tenantId) ?? []) s.head(seq);
  }

  private schedulePoll(): void {
    if (this.stopped) return;
    this.pollTimer = setTimeout(() => {
      void this.poll().finally(() => this.schedulePoll());
    }, this.pollIntervalMs);
    this.pollTimer.unref();
  }

  private async poll(): Promise<void> {
    for (const tenantId of [...this.subscribers.keys()]) {
      try {
        const { lastSeq } = await logPosition(this.db, tenantId);
        this.advance(tenantId, lastSeq);
      } catch (err) {
        this.log.warn({ err, tenantId }, 'polling the event log head failed');
      }
    }
  }

  /** Called by the appender after a commit on this instance. */
  committed(tenantId: string, entries: readonly RelayLogEntry[]): void {
    const last = entries.at(-1);
    if (!last) return;
    if (last.seq > (this.heads.get(tenantId) ?? 0)) this.heads.set(tenantId, last.seq);
    for (const s of this.subscribers.get(tenantId) ?? []) s.committed(entries);
  }

  subscribe(tenantId: string, subscriber: TenantSubscriber, headSeq: number): () => void {
    let set = this.subscribers.get(tenantId);
    if (!set) this.subscribers.set(tenantId, (set = new Set()));
    set.add(subscriber);
    if (headSeq > (this.heads.get(tenantId) ?? 0)) this.heads.set(tenantId, headSeq);
    return () => {
      set.delete(subscriber);
      if (set.size === 0) this.subscribers.delete(tenantId);
    };
  }

  headOf(tenantId: string): number {
    return this.heads.get(tenantId) ?? 0;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.pollTimer);
    clearTimeout(this.relistenTimer);
    await this.unlisten?.();
  }
}
