// Keeps the engine's utility process alive. The engine is where alerts are sent from, so a
// crash must not leave the operator with a console that silently does nothing: the
// process is restarted with growing delays, every window is re-wired to the new process,
// the UI is told at each step, and after too many crashes in a short time supervision
// stops with a clear reason instead of thrashing. Quitting asks the engine to persist
// what is in flight and waits for it, bounded, before the app exits.
//
// Electron is behind the small interfaces below so all of this runs in unit tests.
import type { Logger } from 'pino';
import {
  parseHostToMain,
  type HostStartOptions,
  type MainToHost,
  type StartBackup,
  type StartFailureReason,
  type VaultReply,
  type VaultRequest,
} from '../common/host-protocol';

/** The engine's utility process as the supervisor sees it. P is the port type (MessagePortMain). */
export interface EngineProcess<P> {
  post(message: MainToHost, ports?: P[]): void;
  onMessage(listener: (raw: unknown) => void): void;
  onExit(listener: (code: number) => void): void;
  kill(): void;
}

/** A UI window that talks to the engine over its own channel. */
export interface EngineClient<P> {
  readonly id: number;
  /** Hands the window its end of a fresh channel to the (new) engine process. */
  deliver(port: P): void;
  isAlive(): boolean;
}

export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SupervisionPolicy {
  /** Delay before the first restart; doubles for each further crash inside the window. */
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Crashes older than this are forgotten: a process that ran that long was healthy. */
  crashWindowMs: number;
  /** This many crashes inside the window and supervision gives up. */
  maxCrashesInWindow: number;
  /** A process that has not reported ready by then is killed and counts as a crash. */
  readyTimeoutMs: number;
  /** How long quitting waits for the engine to persist its state. */
  drainTimeoutMs: number;
  /** After a kill, how long to wait for the exit before giving up on it. */
  killGraceMs: number;
  /** How often a running engine is asked whether it is alive. */
  heartbeatIntervalMs: number;
  /**
   * An engine that has not answered for this long is stuck (an endless loop, a deadlock)
   * and is killed and restarted like a crash. Generous, because a big synchronous
   * database job may legitimately hold the event loop for a while.
   */
  unresponsiveAfterMs: number;
}

export const DEFAULT_POLICY: SupervisionPolicy = {
  initialBackoffMs: 500,
  maxBackoffMs: 15_000,
  crashWindowMs: 120_000,
  maxCrashesInWindow: 5,
  readyTimeoutMs: 60_000,
  drainTimeoutMs: 15_000,
  killGraceMs: 3_000,
  heartbeatIntervalMs: 10_000,
  unresponsiveAfterMs: 90_000,
};

export type CrashCause = { kind: 'exit'; code: number } | { kind: 'ready-timeout' } | { kind: 'unresponsive'; silentMs: number };

export type EngineStatus =
  | { state: 'starting'; restarts: number }
  | { state: 'running'; restarts: number; version: string }
  | { state: 'restarting'; restarts: number; delayMs: number; cause: CrashCause }
  | { state: 'failed'; failure: EngineFailure }
  | { state: 'stopping' }
  | { state: 'stopped' };

export type EngineFailure =
  | { kind: 'too-many-crashes'; crashes: number; windowMs: number; lastCause: CrashCause }
  | { kind: 'start-failed'; reason: StartFailureReason; message: string; backups: StartBackup[] };

export interface StopOutcome {
  /** True when the engine confirmed it had persisted its state before exiting. */
  drained: boolean;
}

export interface SupervisorDeps<P> {
  spawn(): EngineProcess<P>;
  createChannel(): { enginePort: P; clientPort: P };
  startOptions: HostStartOptions;
  timers: Timers;
  logger: Logger;
  policy?: Partial<SupervisionPolicy>;
  /** Answers the engine's requests to seal/open secrets with safeStorage. */
  vault(request: VaultRequest): Promise<VaultReply>;
}

interface Running<P> {
  proc: EngineProcess<P>;
  ready: boolean;
  exited: boolean;
  exitCode: number | null;
  readyTimer: unknown;
  /** Set when we killed it (not ready in time, or stuck), so the exit is reported as that. */
  killedFor: CrashCause | null;
  heartbeatTimer: unknown;
  lastSignOfLife: number;
  pingSeq: number;
  exitWaiters: (() => void)[];
  drainWaiters: (() => void)[];
}

export class EngineSupervisor<P> {
  private readonly policy: SupervisionPolicy;
  private readonly log: Logger;
  private current: Running<P> | null = null;
  private readonly clients = new Map<number, EngineClient<P>>();
  private readonly statusListeners = new Set<(s: EngineStatus) => void>();
  private readonly eventListeners = new Set<(name: string, payload: unknown) => void>();
  private crashTimes: number[] = [];
  private restarts = 0;
  private restartTimer: unknown = null;
  private stopping: Promise<StopOutcome> | null = null;
  /** The options of the next start only (a restore from a backup); then the usual ones again. */
  private nextStart: HostStartOptions | null = null;
  status: EngineStatus = { state: 'stopped' };

  constructor(private readonly deps: SupervisorDeps<P>) {
    this.policy = { ...DEFAULT_POLICY, ...deps.policy };
    this.log = deps.logger.child({ module: 'engine-supervisor' });
  }

  onStatus(listener: (s: EngineStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Engine events forwarded by the host (for the tray and OS notifications). */
  onEngineEvent(listener: (name: string, payload: unknown) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  start(): void {
    if (this.stopping) throw new Error('The engine supervisor is stopping and cannot start again.');
    if (this.current) return;
    this.spawnProcess();
  }

  /** After a give-up, lets the operator try again (menu/tray "restart engine"). */
  retry(): void {
    if (this.status.state !== 'failed' || this.stopping) return;
    const stale = this.current;
    this.current = null; // its exit, if it comes, is no longer ours to react to
    if (stale && !stale.exited) stale.proc.kill();
    this.crashTimes = [];
    this.spawnProcess();
  }

  /**
   * The engine could not read its database and offered backups: starts it again with one of
   * them (intact, as the failed start found it) put in place first. False when there is no
   * such failure or backup.
   */
  restoreBackup(name: string): boolean {
    const s = this.status;
    if (s.state !== 'failed' || s.failure.kind !== 'start-failed' || this.stopping) return false;
    if (!s.failure.backups.some((b) => b.name === name && b.intact)) return false;
    this.log.warn({ name }, 'restarting the engine on a backup, as the operator chose');
    this.nextStart = { ...this.deps.startOptions, restoreBackup: name };
    const stale = this.current;
    this.current = null;
    if (stale && !stale.exited) stale.proc.kill();
    this.crashTimes = [];
    this.spawnProcess();
    return true;
  }

  /**
   * Connects a window (again): called when its page asks for the engine. Replaces an
   * earlier registration of the same window; it is wired at once if the engine is up,
   * otherwise as soon as it is.
   */
  connectClient(client: EngineClient<P>): void {
    this.clients.set(client.id, client);
    if (this.current?.ready) this.wire(this.current, client);
  }

  disconnectClient(id: number): void {
    this.clients.delete(id);
  }

  /** Asks the engine to persist and exit; waits at most the drain timeout, then kills it. */
  stop(reason: string): Promise<StopOutcome> {
    this.stopping ??= this.doStop(reason);
    return this.stopping;
  }

  private async doStop(reason: string): Promise<StopOutcome> {
    if (this.restartTimer !== null) {
      this.deps.timers.clearTimeout(this.restartTimer);
      this.restartTimer = null;
    }
    const run = this.current;
    if (!run || run.exited) {
      this.setStatus({ state: 'stopped' });
      return { drained: false };
    }
    this.setStatus({ state: 'stopping' });
    this.deps.timers.clearTimeout(run.readyTimer);
    this.deps.timers.clearTimeout(run.heartbeatTimer);
    let drained = false;
    try {
      run.proc.post({ type: 'shutdown', reason });
      drained = await this.waitFor(run, 'drain', this.policy.drainTimeoutMs);
    } catch (err) {
      this.log.warn({ err }, 'could not ask the engine to shut down');
    }
    if (!run.exited) {
      // Either it drained and is about to exit, or it did not answer in time.
      const exited = await this.waitFor(run, 'exit', drained ? this.policy.killGraceMs : 0);
      if (!exited) {
        this.log.warn({ drained }, 'engine did not exit on its own; killing it');
        run.proc.kill();
        await this.waitFor(run, 'exit', this.policy.killGraceMs);
      }
    }
    if (!drained)
      this.log.error({ timeoutMs: this.policy.drainTimeoutMs }, 'engine did not confirm that it persisted its state before exit');
    this.current = null;
    this.setStatus({ state: 'stopped' });
    return { drained };
  }

  /** Resolves true when the awaited thing happens, false when the timeout passes first. */
  private waitFor(run: Running<P>, what: 'drain' | 'exit', timeoutMs: number): Promise<boolean> {
    if (run.exited) return Promise.resolve(what === 'exit');
    return new Promise((resolve) => {
      let settled = false;
      const settle = (v: boolean) => {
        if (settled) return;
        settled = true;
        this.deps.timers.clearTimeout(timer);
        resolve(v);
      };
      const timer = this.deps.timers.setTimeout(() => settle(false), timeoutMs);
      if (what === 'drain') {
        run.drainWaiters.push(() => settle(true));
        // The host exits with 0 only after the engine closed cleanly, so a clean exit
        // counts as drained even if the "drained" message was lost with the process;
        // any other exit before "drained" means it did not drain (crash or kill).
        run.exitWaiters.push(() => settle(run.exitCode === 0));
      } else {
        run.exitWaiters.push(() => settle(true));
      }
    });
  }

  private spawnProcess(): void {
    this.restartTimer = null;
    this.setStatus({ state: 'starting', restarts: this.restarts });
    let proc: EngineProcess<P>;
    try {
      proc = this.deps.spawn();
    } catch (err) {
      this.log.error({ err }, 'could not launch the engine process');
      this.crashed({ kind: 'exit', code: -1 });
      return;
    }
    const run: Running<P> = {
      proc,
      ready: false,
      exited: false,
      exitCode: null,
      readyTimer: null,
      killedFor: null,
      heartbeatTimer: null,
      lastSignOfLife: this.deps.timers.now(),
      pingSeq: 0,
      exitWaiters: [],
      drainWaiters: [],
    };
    this.current = run;
    proc.onMessage((raw) => this.onHostMessage(run, raw));
    proc.onExit((code) => this.onExit(run, code));
    run.readyTimer = this.deps.timers.setTimeout(() => {
      if (run.ready || run.exited) return;
      this.log.error({ timeoutMs: this.policy.readyTimeoutMs }, 'engine did not become ready in time; killing it');
      run.killedFor = { kind: 'ready-timeout' };
      proc.kill();
    }, this.policy.readyTimeoutMs);
    try {
      proc.post({ type: 'start', options: this.nextStart ?? this.deps.startOptions });
      this.nextStart = null;
    } catch (err) {
      this.log.error({ err }, 'could not send the start message to the engine');
      proc.kill();
    }
  }

  private onHostMessage(run: Running<P>, raw: unknown): void {
    const msg = parseHostToMain(raw);
    if (!msg) {
      this.log.warn('ignored a malformed message from the engine process');
      return;
    }
    run.lastSignOfLife = this.deps.timers.now();
    switch (msg.type) {
      case 'pong':
        return;
      case 'ready': {
        if (run !== this.current || run.ready) return;
        run.ready = true;
        this.deps.timers.clearTimeout(run.readyTimer);
        this.log.info({ version: msg.version, schemaVersion: msg.schemaVersion, restarts: this.restarts }, 'engine ready');
        if (this.stopping) return;
        this.setStatus({ state: 'running', restarts: this.restarts, version: msg.version });
        for (const client of [...this.clients.values()]) this.wire(run, client);
        this.scheduleHeartbeat(run);
        return;
      }
      case 'start-failed': {
        if (run !== this.current) return;
        // Restarting cannot fix a database from a newer GDial or an unreadable file.
        this.log.error({ reason: msg.reason, message: msg.message }, 'engine could not start');
        this.setStatus({
          state: 'failed',
          failure: { kind: 'start-failed', reason: msg.reason, message: msg.message, backups: msg.backups },
        });
        this.deps.timers.clearTimeout(run.readyTimer);
        return;
      }
      case 'engine-event':
        for (const l of this.eventListeners) {
          try {
            l(msg.name, msg.payload);
          } catch (err) {
            this.log.error({ err, event: msg.name }, 'an engine event listener failed');
          }
        }
        return;
      case 'drained':
        for (const w of run.drainWaiters.splice(0)) w();
        return;
      case 'vault-request': {
        const { id } = msg;
        this.deps.vault(msg.request).then(
          (reply) => this.replyVault(run, id, reply),
          (err: unknown) => this.replyVault(run, id, { ok: false, error: { code: 'FAILED', message: (err as Error).message } }),
        );
        return;
      }
      default: {
        const never: never = msg;
        return never;
      }
    }
  }

  private onExit(run: Running<P>, code: number): void {
    run.exited = true;
    run.exitCode = code;
    this.deps.timers.clearTimeout(run.readyTimer);
    this.deps.timers.clearTimeout(run.heartbeatTimer);
    for (const w of run.exitWaiters.splice(0)) w();
    if (run !== this.current || this.stopping) return;
    this.current = null;
    if (this.status.state === 'failed') return; // start-failed: it exited as asked; stay failed.
    this.crashed(run.killedFor ?? { kind: 'exit', code });
  }

  private crashed(cause: CrashCause): void {
    const now = this.deps.timers.now();
    this.crashTimes = this.crashTimes.filter((t) => now - t < this.policy.crashWindowMs);
    this.crashTimes.push(now);
    const crashes = this.crashTimes.length;
    if (crashes >= this.policy.maxCrashesInWindow) {
      this.log.error({ crashes, windowMs: this.policy.crashWindowMs, cause }, 'engine keeps crashing; giving up');
      this.setStatus({
        state: 'failed',
        failure: { kind: 'too-many-crashes', crashes, windowMs: this.policy.crashWindowMs, lastCause: cause },
      });
      return;
    }
    const delayMs = Math.min(this.policy.initialBackoffMs * 2 ** (crashes - 1), this.policy.maxBackoffMs);
    this.restarts += 1;
    this.log.warn({ cause, crashes, delayMs }, 'engine stopped unexpectedly; restarting');
    this.setStatus({ state: 'restarting', restarts: this.restarts, delayMs, cause });
    this.restartTimer = this.deps.timers.setTimeout(() => {
      if (!this.stopping) this.spawnProcess();
    }, delayMs);
  }

  private scheduleHeartbeat(run: Running<P>): void {
    run.heartbeatTimer = this.deps.timers.setTimeout(() => {
      if (run.exited || run !== this.current || this.stopping) return;
      const silentMs = this.deps.timers.now() - run.lastSignOfLife;
      if (silentMs >= this.policy.unresponsiveAfterMs) {
        this.log.error({ silentMs }, 'engine stopped answering; killing it');
        run.killedFor = { kind: 'unresponsive', silentMs };
        run.proc.kill();
        return;
      }
      try {
        run.proc.post({ type: 'ping', seq: ++run.pingSeq });
      } catch (err) {
        this.log.warn({ err }, 'could not ping the engine');
      }
      this.scheduleHeartbeat(run);
    }, this.policy.heartbeatIntervalMs);
  }

  private replyVault(run: Running<P>, id: number, reply: VaultReply): void {
    if (run.exited) return;
    try {
      run.proc.post({ type: 'vault-response', id, reply });
    } catch (err) {
      this.log.warn({ err }, 'could not answer a secret request from the engine');
    }
  }

  private wire(run: Running<P>, client: EngineClient<P>): void {
    if (!client.isAlive()) {
      this.clients.delete(client.id);
      return;
    }
    try {
      const { enginePort, clientPort } = this.deps.createChannel();
      run.proc.post({ type: 'connect', clientId: client.id }, [enginePort]);
      client.deliver(clientPort);
    } catch (err) {
      this.log.error({ err, clientId: client.id }, 'could not connect a window to the engine');
    }
  }

  private setStatus(s: EngineStatus): void {
    this.status = s;
    for (const l of this.statusListeners) {
      try {
        l(s);
      } catch (err) {
        this.log.error({ err }, 'an engine status listener failed');
      }
    }
  }
}
