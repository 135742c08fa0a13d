// Organisation sync's traffic with the relay: pushes the outbox (after every commit that
// queued an operation, and with backoff while the relay cannot be reached), takes the
// organisation's snapshot when this desktop joins or the relay no longer keeps its place in
// the log, and tells the console how far it is ("N ändringar väntar på att synkas").
// Operations from other desktops arrive through the relay stream and are applied by the
// connectivity (in the transaction that advances the stream's cursor).
import { alertOf, type EntityState, type OrganisationView, type SyncEntity, type SyncOp, type SyncStatus } from '@gdial/protocol';
import { liveAlerts } from '../store/alert-sync';
import { readSetting } from '../store/settings';
import { autoTakeOverSetting } from './leases';
import type { EngineContext } from '../context';
import { defaultBackoff, reconnectDelay } from '../relay-client/backoff';
import type { RelayApi } from '../relay-client';
import type { Reader, Tx } from '../store/db';
import { addressBookEmpty } from '../store/sync-snapshot';
import { ackOps, localIdOf, nextPushBatch, pendingCount, readSyncMeta, statesAfter, writeSyncMeta } from '../store/sync';
import type { Replica } from '../sync/replica';

const PUSH_BATCH = 500;
const SNAPSHOT_PAGE = 5_000;
/** States merged per transaction: a few pages (the next page is being read meanwhile). */
const SNAPSHOT_CHUNK = 25_000;
const REPUSH_PAGE = 1_000;
/**
 * A snapshot page the relay could not give (unreachable, a 5xx: a busy relay's query timed
 * out) is asked for again this many times, after 0.5, 1 and 2 s, before the snapshot fails;
 * the next attempt resumes after the last chunk written (SNAPSHOT_RESUME).
 */
const SNAPSHOT_PAGE_TRIES = 3;
/** sync_meta: where an unfinished snapshot stands (SnapshotResume as JSON). */
const SNAPSHOT_RESUME = 'snapshotResume';

/** Where an unfinished snapshot stands after the last chunk it wrote. */
interface SnapshotResume {
  /** The cursor of the next page to ask for. */
  cursor: string | undefined;
  /** The log sequence the snapshot's first page was read at (the log is followed from there). */
  seq: number;
  /** The relay's epoch: a snapshot of another relay or of a restored database starts over. */
  epoch: string;
  received: number;
  total: number;
  /** Whether the snapshot began into an empty address book (Replica.applyFreshStates). */
  fresh: boolean;
}

function readResume(r: Reader): SnapshotResume | null {
  const text = readSyncMeta(r, SNAPSHOT_RESUME);
  if (text === null) return null;
  const v = JSON.parse(text) as Partial<SnapshotResume>;
  return typeof v.cursor === 'string' && typeof v.seq === 'number' && typeof v.epoch === 'string' && typeof v.fresh === 'boolean'
    ? { cursor: v.cursor, seq: v.seq, epoch: v.epoch, received: v.received ?? 0, total: v.total ?? 0, fresh: v.fresh }
    : null;
}

export class SyncService {
  private api: RelayApi | null = null;
  private pushing = false;
  private again = false;
  private failures = 0;
  private retry: NodeJS.Timeout | null = null;
  private lastError: string | null = null;
  private snapshotProgress: SyncStatus['snapshot'] = null;
  private readonly idle: Array<() => void> = [];
  /** States merged per snapshot transaction (a test makes it small to see a snapshot resume). */
  snapshotChunk = SNAPSHOT_CHUNK;
  private readonly touched = new Set<SyncEntity>();
  private readonly templates = new Set<number>();
  private unsupported = false;
  private closed = false;
  /** Told when this desktop connects to a relay's sync API (what waits for it goes then). */
  private readonly attachHooks: (() => void)[] = [];
  /** Ends the push in flight when the stream finds the line to the relay silent. */
  private inFlight: AbortController | null = null;

  private readonly alerts = new Set<number>();
  private readonly approvals = new Set<number>();
  /** Prepared alerts another desktop changed, told to the console once the stream's transaction committed. */
  private readonly prepared = new Set<string>();
  private readonly segments = new Set<string>();
  private readonly schedules = new Set<string>();

  constructor(
    private readonly ctx: EngineContext,
    readonly replica: Replica,
    /** Another desktop's alerts changed here (their roll-call, status): the campaign service re-publishes them. */
    private readonly alertsChanged: (campaignIds: number[]) => void = () => {},
    /** Approval requests or decisions arrived (two-person rule): the approval service acts on them. */
    private readonly approvalsChanged: (campaignIds: number[]) => void = () => {},
  ) {
    ctx.store.afterCommit((changes) => {
      if (this.api && changes.size > 0 && this.replica.device !== null) this.schedulePush();
    });
  }

  /** The relay's API while this desktop is attached to an organisation. */
  get relayApi(): RelayApi | null {
    return this.api;
  }

  /** Connects to a relay's sync API (the stream's welcome said which device this is). */
  attach(api: RelayApi, deviceId: string): void {
    if (this.unsupported) return;
    this.api = api;
    this.replica.enable(deviceId);
    this.failures = 0;
    // Connected again: the relay answers now, so what waits goes at once, not when the
    // backoff of the failed pushes would have tried next (up to 30 s after a long cut).
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.schedulePush();
    this.announce();
    for (const hook of this.attachHooks) hook();
  }

  /** Runs `hook` whenever this desktop connects to a relay's sync API. */
  onAttach(hook: () => void): void {
    this.attachHooks.push(hook);
  }

  /**
   * The relay stream found the line silent (nothing heard within seconds): a push waiting on
   * the same path would only wait out its deadline, so it is given up now and retried with
   * the backoff (the relay acknowledges a repeated push again, it never applies it twice).
   */
  lineLost(): void {
    this.inFlight?.abort(new Error('the line to the relay is silent'));
  }

  /** Stops pushing (the relay was removed or replaced); the outbox keeps what waits. */
  detach(): void {
    this.api = null;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.announce();
  }

  status(): SyncStatus {
    const r = this.ctx.store.read;
    return {
      enabled: this.replica.device !== null,
      deviceId: this.replica.device,
      pending: pendingCount(r),
      lastSyncAt: readSyncMeta(r, 'lastSyncAt'),
      snapshot: this.snapshotProgress,
      lastError: this.lastError,
      autoTakeOver: readSetting(r, autoTakeOverSetting),
    };
  }

  /** Resolves when nothing waits to be pushed or a push has failed (tests, shutdown). */
  settled(): Promise<void> {
    if (!this.pushing && (pendingCount(this.ctx.store.read) === 0 || this.retry !== null || !this.api)) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private schedulePush(): void {
    if (this.pushing) {
      this.again = true;
      return;
    }
    if (this.retry) return; // the backoff decides when
    void this.pushAll();
  }

  private async pushAll(): Promise<void> {
    this.pushing = true;
    try {
      for (;;) {
        this.again = false;
        const api = this.api;
        if (!api || this.closed) break;
        const { ops } = this.ctx.store.transaction((tx) => nextPushBatch(tx, PUSH_BATCH), { origin: 'sync' });
        if (ops.length === 0) {
          if (!this.again) break;
          continue;
        }
        const ok = await this.pushBatch(api, ops);
        if (!ok) {
          this.failures++;
          const delay = reconnectDelay(this.failures, defaultBackoff);
          this.retry = setTimeout(() => {
            this.retry = null;
            this.schedulePush();
          }, delay);
          this.retry.unref?.();
          break;
        }
        this.failures = 0;
      }
    } finally {
      this.pushing = false;
      this.announce();
      for (const w of this.idle.splice(0)) w();
    }
  }

  private async pushBatch(api: RelayApi, ops: SyncOp[]): Promise<boolean> {
    const inFlight = new AbortController();
    this.inFlight = inFlight;
    const r = await api.pushSync(ops, undefined, inFlight.signal).finally(() => {
      if (this.inFlight === inFlight) this.inFlight = null;
    });
    if (this.closed) return true;
    if (!r.ok) {
      this.lastError = r.error.message;
      this.ctx.logger.child({ module: 'sync' }).warn({ err: r.error.message, pending: ops.length }, 'pushing sync operations failed');
      return false;
    }
    for (const x of r.value.rejected)
      this.ctx.logger.child({ module: 'sync' }).error({ counter: x.counter, reason: x.reason }, 'the relay refused a sync operation');
    this.lastError = null;
    this.ctx.store.transaction(
      (tx) => {
        ackOps(tx, r.value.ackedThrough);
        writeSyncMeta(tx, 'lastSyncAt', new Date().toISOString());
      },
      { origin: 'sync' },
    );
    return true;
  }

  /**
   * Takes the organisation's current state from the relay, page by page, a few pages merged in
   * each transaction (progress is shown meanwhile); returns the log sequence to follow
   * from, or null when the relay offers no organisation sync. Throws when the relay cannot
   * be read (the caller retries). Each transaction also records where the snapshot stands
   * (sync_meta `snapshotResume`), so a snapshot that failed, or an engine stopped in the middle
   * of one, resumes after the last chunk it wrote — on the set-based path if it began on it —
   * instead of reading everything again and merging it into an address book no longer empty.
   */
  async snapshot(api: RelayApi): Promise<number | null> {
    const resumed = readResume(this.ctx.store.read);
    let seq: number | null = resumed?.seq ?? null;
    let received = resumed?.received ?? 0;
    let total = resumed?.total ?? 0;
    // An empty address book (a first enrolment) takes the set-based path (Replica.applyFreshStates).
    let fresh = resumed ? resumed.fresh : this.beginSnapshot();
    let chunk: EntityState[] = [];
    this.snapshotProgress = { received, total: Math.max(total, received) };
    this.announce();
    // Like an import, a run of large commits: the log is copied back once at the end.
    const resumeCheckpoints = this.ctx.store.deferCheckpoints();
    // The next page is asked for as soon as this one's cursor is known, so the relay reads it
    // while this one is written here.
    let asked = resumed?.cursor; // the cursor of the page asked for
    let answered = false; // whether the relay gave any page of this run
    let retries = 0;
    let next: Promise<Awaited<ReturnType<RelayApi['syncSnapshot']>>> | null = api.syncSnapshot(asked, SNAPSHOT_PAGE);
    if (resumed) this.ctx.logger.child({ module: 'sync' }).info({ after: asked, received }, 'resuming the organisation snapshot');
    try {
      while (next) {
        const r = await next;
        next = null;
        if (!r.ok && r.error.status === 404 && !answered) {
          // A relay without organisation sync (an older version): this desktop stays on its own.
          this.unsupported = true;
          this.ctx.logger.child({ module: 'sync' }).warn('the relay does not offer organisation sync');
          return null;
        }
        if (!r.ok && (r.error.kind === 'network' || r.error.kind === 'relay') && retries < SNAPSHOT_PAGE_TRIES && !this.closed) {
          this.ctx.logger.child({ module: 'sync' }).warn({ err: r.error.message, after: asked }, 'a snapshot page failed; asking again');
          await new Promise((done) => setTimeout(done, 500 * 2 ** retries++));
          next = api.syncSnapshot(asked, SNAPSHOT_PAGE);
          continue;
        }
        // A resumed snapshot whose cursor the relay does not take (400), or whose relay is not
        // the one (or not the database) it read from: it starts over, or it would fail for good.
        const startOver = !answered && resumed !== null && (r.ok ? r.value.epoch !== resumed.epoch : r.error.status === 400);
        if (!r.ok && !startOver) throw new Error(`the organisation's snapshot could not be read: ${r.error.message}`);
        retries = 0;
        if (startOver) {
          this.ctx.logger.child({ module: 'sync' }).warn('the interrupted snapshot cannot go on at this relay; taking it from the start');
          this.ctx.store.transaction((tx) => writeSyncMeta(tx, SNAPSHOT_RESUME, null), { origin: 'sync' });
          fresh = this.beginSnapshot();
          seq = null;
          received = total = 0;
          next = api.syncSnapshot((asked = undefined), SNAPSHOT_PAGE);
          answered = true;
          continue;
        }
        if (!r.ok) throw new Error('unreachable: a failed page either starts the snapshot over or throws');
        const page = r.value;
        answered = true;
        seq ??= page.seq;
        if (page.next !== undefined) next = api.syncSnapshot((asked = page.next), SNAPSHOT_PAGE);
        total = page.total ?? total; // counted once, on the first page
        chunk.push(...page.states);
        if (chunk.length < this.snapshotChunk && page.next !== undefined) continue;
        const states = chunk;
        chunk = [];
        const at: SnapshotResume = { cursor: page.next, seq, epoch: page.epoch, received: received + states.length, total, fresh };
        this.ctx.store.transaction(
          (tx) => {
            if (fresh) this.replica.applyFreshStates(tx, states);
            else this.replica.applyStates(tx, states);
            if (page.next === undefined) {
              this.replica.finishSnapshot(tx);
              writeSyncMeta(tx, 'epoch', page.epoch);
              writeSyncMeta(tx, 'lastSyncAt', new Date().toISOString());
              writeSyncMeta(tx, SNAPSHOT_RESUME, null);
            } else writeSyncMeta(tx, SNAPSHOT_RESUME, JSON.stringify(at));
          },
          { origin: 'sync' },
        );
        received += states.length;
        this.snapshotProgress = { received, total: Math.max(total, received) };
        this.announce();
      }
      this.changedKinds(['contact', 'group']);
      this.alertsChanged(liveAlerts(this.ctx.store.read).map((a) => a.id));
      return seq ?? 0;
    } finally {
      // A page asked for before a failure is not waited for (its failure is the caller's retry's).
      next?.catch(() => {});
      void resumeCheckpoints();
      this.snapshotProgress = null;
      this.announce();
    }
  }

  /** A snapshot from the first page: whether it takes the set-based path (an empty address book). */
  private beginSnapshot(): boolean {
    const fresh = addressBookEmpty(this.ctx.store.read);
    if (fresh) this.ctx.store.transaction((tx) => this.replica.beginFreshSnapshot(tx), { origin: 'sync' });
    return fresh;
  }

  /**
   * The relay's database was restored from a backup (it has a new epoch): its log may lack
   * operations this desktop already applied, its own or others'. Every merged state held here
   * goes back to the relay page by page, where it is joined with the relay's and what the
   * relay had lost is logged for the other desktops. Throws when the relay cannot take them
   * (the caller retries; pushing a state again changes nothing).
   */
  async repush(api: RelayApi, epoch: string): Promise<number> {
    const log = this.ctx.logger.child({ module: 'sync' });
    let after: EntityState | null = null;
    let sent = 0;
    let restored = 0;
    for (;;) {
      const page = statesAfter(this.ctx.store.read, after, REPUSH_PAGE);
      if (page.length === 0) break;
      const r = await api.pushStates(epoch, page);
      if (!r.ok) throw new Error(`re-pushing this desktop's states into the relay's new epoch failed: ${r.error.message}`);
      sent += page.length;
      restored += r.value.restored;
      after = page.at(-1)!;
    }
    log.info({ epoch, sent, restored }, "re-pushed this desktop's states into the relay's new epoch");
    return restored;
  }

  /**
   * Applies another desktop's operation from the relay stream, inside the transaction that
   * advances the stream's cursor; `applied` tells the console once that transaction committed.
   */
  applyOp(tx: Tx, op: SyncOp): void {
    if (!this.replica.applyOp(tx, op)) return;
    this.noteApplied(tx, op);
  }

  /** A state the relay logged when a desktop re-pushed its states into a new epoch: merged like a snapshot's. */
  applyState(tx: Tx, state: EntityState): void {
    if (!this.replica.applyState(tx, state)) return;
    this.noteApplied(tx, state);
  }

  private noteApplied(tx: Tx, op: Pick<SyncOp, 'entity' | 'id'>): void {
    this.touched.add(op.entity);
    const alert = alertOf(op);
    if (alert !== null) {
      const local = localIdOf(tx, 'alert', alert);
      if (local !== null) this.alerts.add(local);
    }
    if (op.entity === 'template') {
      const local = localIdOf(tx, 'template', op.id);
      if (local !== null) this.templates.add(local);
    }
    if (op.entity === 'approval') {
      const local = localIdOf(tx, 'alert', op.id);
      if (local !== null) this.approvals.add(local);
    }
    if (op.entity === 'preparedAlert') this.prepared.add(op.id);
    if (op.entity === 'segment') this.segments.add(op.id);
    if (op.entity === 'schedule') this.schedules.add(op.id);
  }

  /** After the stream's transaction committed: the console re-reads what other desktops changed. */
  applied(): void {
    if (this.touched.size === 0) return;
    this.changedKinds([...this.touched]);
    this.touched.clear();
    for (const id of this.templates) this.ctx.events.emit('templates.changed', { id });
    this.templates.clear();
    if (this.alerts.size > 0) this.alertsChanged([...this.alerts]);
    this.alerts.clear();
    if (this.approvals.size > 0) this.approvalsChanged([...this.approvals]);
    this.approvals.clear();
    if (this.prepared.size > 0) this.ctx.events.emit('preparedAlerts.changed', { ids: [...this.prepared] });
    this.prepared.clear();
    if (this.segments.size > 0) this.ctx.events.emit('segments.changed', { ids: [...this.segments] });
    this.segments.clear();
    if (this.schedules.size > 0) this.ctx.events.emit('schedules.changed', { ids: [...this.schedules] });
    this.schedules.clear();
  }

  private changedKinds(kinds: readonly SyncEntity[]): void {
    const k = new Set(kinds);
    if (k.has('contact') || k.has('contactTag') || k.has('membership'))
      this.ctx.events.emit('contacts.changed', { reason: 'synced', ids: [] });
    if (k.has('group') || k.has('membership')) this.ctx.events.emit('groups.changed', { ids: [] });
    if (k.has('inbox')) this.ctx.events.emit('inbox.changed', { ids: [] });
  }

  /** The relay epoch the last snapshot came from; null before the first. */
  epoch(): string | null {
    return readSyncMeta(this.ctx.store.read, 'epoch');
  }

  /** The organisation's desktops, as the relay knows them. */
  async organisation(): Promise<{ ok: true; value: OrganisationView } | { ok: false; message: string }> {
    if (!this.api) return { ok: false, message: 'This desktop is not connected to an organisation on a relay' };
    const r = await this.api.organisation();
    return r.ok ? r : { ok: false, message: r.error.message };
  }

  announce(): void {
    if (this.closed) return;
    this.ctx.events.emit('sync.status', this.status());
  }

  /** Before the store closes: nothing is pushed or announced any more. */
  stop(): void {
    this.closed = true;
    this.detach();
  }
}
