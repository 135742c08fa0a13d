// The engine's end of the relay stream. It connects with this desktop's device token,
// resumes from the cursor the engine stored, and hands each event to the engine together
// with its sequence through `RelayCursorStore.applyAndAdvance`, which the engine implements
// as one SQLite transaction (apply the event + store the new cursor). That is what makes
// every event apply exactly once across crashes: after a crash the stored cursor says how
// far the applied events go, and the relay replays from there. On any trouble it
// reconnects with exponential backoff and jitter, and reports its state for the UI. While it
// waits to reconnect it probes the relay cheaply (GET /healthz, no database work, about twice
// a second with jitter): the moment a relay it saw down answers again, it reconnects then
// instead of when the backoff (up to 30 s) would have tried next.
//
// A line can die silently: packets dropped somewhere on the path, nothing closed, so no
// 'close' ever comes. While connected the client therefore pings the relay whenever it has
// heard nothing for `pingAfterMs` (the relay answers every ping with a pong) and drops the
// connection when it has heard nothing at all for `silenceMs`: a black-holed stream is noticed
// within about five seconds, not after the relay's missed heartbeats (~37 s). The state says
// so (`silent`), so the console can name it. Silence measured while this process's own event
// loop was blocked (a long synchronous apply) is not blamed on the relay.
import WebSocket, { type RawData } from 'ws';
import type { Logger } from 'pino';
import {
  relayCloseCodes,
  relayProtocolVersion,
  relayServerMessageSchema,
  type RelayClientMessage,
  type RelayEvent,
  type RelayLogEntry,
  type RelayServerMessage,
} from '@gdial/protocol';
import { defaultBackoff, reconnectDelay, type BackoffOptions } from './backoff';
import { relayBase } from './http';

/** A WebSocket frame as text, whatever shape `ws` delivered it in. */
const frameText = (data: RawData): string =>
  (Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString('utf8');

/** The engine's durable cursor: the last applied sequence and the transaction that advances it. */
export interface RelayCursorStore {
  /** Last sequence applied durably; 0 before the first event. */
  load(): number | Promise<number>;
  /**
   * Runs `apply` (one event, or a batch of consecutive ones ending at `seq`) and stores `seq`
   * as the cursor in the same transaction: both happen or neither does. Throwing rolls back;
   * the client reconnects and the events come again.
   */
  applyAndAdvance(seq: number, apply: () => void | Promise<void>): void | Promise<void>;
  /** The relay's sync epoch the stored state came from (told in the hello); null before the first snapshot. */
  epoch?(): string | null;
}

export type RelayConnectionState =
  | { status: 'stopped' }
  | { status: 'connecting'; offlineSince: string | null }
  | {
      status: 'connected';
      since: string;
      tenant: string;
      deviceId: string;
      headSeq: number;
      appliedSeq: number;
      epoch?: string | undefined;
    }
  | {
      status: 'reconnecting';
      attempt: number;
      retryAt: string;
      offlineSince: string;
      lastError: string;
      /** The last connection was dropped because nothing came from the relay within the deadline (a silent line). */
      silent?: boolean | undefined;
    }
  /** The relay no longer keeps events after our cursor: reconcile with providers, then `resync()`. */
  | {
      status: 'resync-required';
      since: string;
      lastSeq: number;
      prunedThrough: number;
      headSeq: number;
      /** The relay's new sync epoch and where its restored log ended, when that is why. */
      epoch?: { id: string; seq: number } | undefined;
    }
  /** The device token was refused (revoked or rotated): enrol again. */
  | { status: 'unauthorized'; since: string; message: string };

export interface RelayClientOptions {
  /** The relay's base URL (https://relay.example.se); the stream is at …/stream. */
  relayUrl: string;
  deviceToken: string;
  cursor: RelayCursorStore;
  /** The engine's provider-event entry point; runs inside `cursor.applyAndAdvance`. */
  apply: (event: RelayEvent, seq: number) => void | Promise<void>;
  logger: Logger;
  backoff?: BackoffOptions;
  /** While connected: nothing heard from the relay for this long sends a ping (default 1.5 s). */
  pingAfterMs?: number;
  /** While connected: nothing heard from the relay for this long drops the connection as a silent line (default 5 s). */
  silenceMs?: number;
  /** From the socket's opening: no welcome within this long drops the connection (default 15 s; the relay reads the database first). */
  welcomeMs?: number;
  /** Mean interval of the reachability probe while disconnected (jittered ±50 %); 0 turns it off. */
  probeMs?: number;
}

/** Default mean interval of the reachability probe. */
export const defaultProbeMs = 500;
/** Defaults of the silent-line detection (see the header). */
export const defaultPingAfterMs = 1_500;
export const defaultSilenceMs = 5_000;
export const defaultWelcomeMs = 15_000;

export type RelayStateListener = (state: RelayConnectionState) => void;

export class RelayClient {
  private ws: WebSocket | null = null;
  private running = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  /** Bumped whenever probing stops, so an answer to an older probe is ignored. */
  private probeRound = 0;
  private watchdog: NodeJS.Timeout | undefined;
  private lastHeard = 0;
  private lastPing = 0;
  private welcomed = false;
  private appliedSeq = 0;
  private offlineSince: string | null = null;
  private queue: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<RelayStateListener>();
  private current: RelayConnectionState = { status: 'stopped' };
  private readonly log: Logger;
  private readonly backoff: BackoffOptions;

  constructor(private readonly opts: RelayClientOptions) {
    this.log = opts.logger.child({ module: 'relay-client' });
    this.backoff = opts.backoff ?? defaultBackoff;
  }

  get state(): RelayConnectionState {
    return this.current;
  }

  /** Calls `listener` on every state change (and once now); returns an unsubscribe. */
  onState(listener: RelayStateListener): () => void {
    this.listeners.add(listener);
    listener(this.current);
    return () => this.listeners.delete(listener);
  }

  private setState(state: RelayConnectionState): void {
    this.current = state;
    for (const l of this.listeners) {
      try {
        l(state);
      } catch (err) {
        this.log.error({ err }, 'relay state listener failed');
      }
    }
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.attempt = 0;
    void this.connect();
  }

  /** After a resync-required: the engine has reconciled and stored a new cursor; start again from it. */
  resync(): void {
    if (this.current.status !== 'resync-required') return;
    this.start();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.reconnectTimer);
    this.stopProbe();
    clearInterval(this.watchdog);
    const ws = this.ws;
    this.ws = null;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close(1000, 'desktop stopping');
        setTimeout(() => {
          ws.terminate();
          resolve();
        }, 2000).unref();
      });
    }
    // Let an event being applied finish its transaction before the engine closes its store.
    await this.queue;
    this.setState({ status: 'stopped' });
  }

  private async connect(): Promise<void> {
    this.stopProbe();
    if (!this.running) return;
    this.setState({ status: 'connecting', offlineSince: this.offlineSince });
    try {
      this.appliedSeq = await this.opts.cursor.load();
    } catch (err) {
      this.scheduleReconnect(`cannot read the stored cursor: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const url = `${relayBase(this.opts.relayUrl).replace(/^http/, 'ws')}/stream`;
    let ws: WebSocket;
    try {
      ws = new WebSocket(url, { maxPayload: 16 * 1024 * 1024 });
    } catch (err) {
      this.scheduleReconnect(`cannot open ${url}: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    this.ws = ws;
    let closeReason = 'connection closed';
    let silent = false;
    // From here the relay has `welcomeMs` to open the socket and welcome us (a black-holed
    // path accepts nothing and refuses nothing), then the silent-line deadline applies.
    this.lastHeard = Date.now();
    this.welcomed = false;
    this.startWatchdog(ws, () => {
      silent = true;
      closeReason = this.welcomed
        ? `relay silent for ${this.opts.silenceMs ?? defaultSilenceMs} ms (a ping went unanswered)`
        : `relay silent: no welcome within ${this.opts.welcomeMs ?? defaultWelcomeMs} ms`;
    });
    ws.on('open', () => {
      const epoch = this.opts.cursor.epoch?.() ?? null;
      this.send(ws, {
        type: 'hello',
        protocol: relayProtocolVersion,
        deviceToken: this.opts.deviceToken,
        lastSeq: this.appliedSeq,
        ...(epoch === null ? {} : { epoch }),
      });
    });
    ws.on('message', (data) => {
      this.lastHeard = Date.now();
      let msg: RelayServerMessage;
      try {
        msg = relayServerMessageSchema.parse(JSON.parse(frameText(data)));
      } catch {
        closeReason = 'relay sent a message outside the protocol';
        this.log.error('relay sent a message outside the protocol; reconnecting');
        ws.terminate();
        return;
      }
      // Strictly one message after another: an event batch is applied before the next is looked at.
      this.queue = this.queue
        .then(() => this.onMessage(ws, msg))
        .catch((err: unknown) => {
          closeReason = `applying an event failed: ${err instanceof Error ? err.message : String(err)}`;
          this.log.error({ err }, 'applying a relay event failed; reconnecting to retry it');
          if (this.ws === ws) this.ws = null;
          ws.terminate();
        });
    });
    ws.on('error', (err) => {
      closeReason = err.message;
    });
    ws.on('close', (code, reason) => {
      clearInterval(this.watchdog);
      if (this.ws === ws) this.ws = null;
      if (!this.running || this.ws !== null) return;
      const text = reason.toString();
      if (code === relayCloseCodes.unauthorized) {
        this.running = false;
        this.setState({ status: 'unauthorized', since: new Date().toISOString(), message: text || 'device token refused' });
        this.log.warn('relay refused the device token; enrol this desktop again');
        return;
      }
      if (code === relayCloseCodes.resyncRequired) return; // handled from its message
      this.scheduleReconnect(text ? `${closeReason} (${code} ${text})` : `${closeReason} (${code})`, silent);
    });
  }

  private send(ws: WebSocket, msg: RelayClientMessage): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
  }

  /**
   * The silent-line check, every quarter of a second while the socket is open: before the
   * welcome the relay has `welcomeMs` to answer the hello; after it, a ping goes out whenever
   * nothing was heard for `pingAfterMs` and the connection is dropped when nothing was heard for
   * `silenceMs`. A tick that comes late means this process's event loop was blocked (a long
   * apply): whatever arrived meanwhile waits unread in the socket, so the relay is not blamed
   * for that time.
   */
  private startWatchdog(ws: WebSocket, onSilent: () => void): void {
    clearInterval(this.watchdog);
    const tickMs = 250;
    let lastTick = Date.now();
    this.watchdog = setInterval(() => {
      const now = Date.now();
      if (now - lastTick > tickMs * 4) this.lastHeard = Math.max(this.lastHeard, now - tickMs);
      lastTick = now;
      const quiet = now - this.lastHeard;
      const deadline = this.welcomed ? (this.opts.silenceMs ?? defaultSilenceMs) : (this.opts.welcomeMs ?? defaultWelcomeMs);
      if (quiet > deadline) {
        clearInterval(this.watchdog);
        this.log.warn({ quietMs: quiet, welcomed: this.welcomed }, 'relay silent for too long; dropping the connection');
        onSilent();
        ws.terminate();
        return;
      }
      if (
        this.welcomed &&
        quiet >= (this.opts.pingAfterMs ?? defaultPingAfterMs) &&
        now - this.lastPing >= (this.opts.pingAfterMs ?? defaultPingAfterMs)
      ) {
        this.lastPing = now;
        this.send(ws, { type: 'ping', at: now });
      }
    }, tickMs);
    this.watchdog.unref();
  }

  private async onMessage(ws: WebSocket, msg: RelayServerMessage): Promise<void> {
    if (this.ws !== ws) return; // a batch from a connection we already gave up on
    switch (msg.type) {
      case 'welcome':
        this.welcomed = true;
        this.attempt = 0;
        this.offlineSince = null;
        this.setState({
          status: 'connected',
          since: new Date().toISOString(),
          tenant: msg.tenant,
          deviceId: msg.deviceId,
          headSeq: msg.headSeq,
          appliedSeq: this.appliedSeq,
          epoch: msg.epoch,
        });
        this.log.info({ tenant: msg.tenant, appliedSeq: this.appliedSeq, headSeq: msg.headSeq }, 'relay stream connected');
        return;
      case 'events': {
        const fresh = msg.entries.filter((entry) => entry.seq > this.appliedSeq); // the rest was applied before a reconnect
        fresh.forEach((entry, i) => {
          if (entry.seq !== this.appliedSeq + 1 + i) throw new Error(`relay skipped from ${this.appliedSeq + i} to ${entry.seq}`);
        });
        // The whole batch in one transaction with the cursor: one commit for what arrived
        // together (a burst of provider events, another desktop's import), not one per event.
        if (fresh.length > 0) {
          await this.opts.cursor.applyAndAdvance(fresh.at(-1)!.seq, () => applyInOrder(fresh, this.opts.apply));
          this.appliedSeq = fresh.at(-1)!.seq;
        }
        this.send(ws, { type: 'ack', seq: this.appliedSeq });
        if (this.current.status === 'connected')
          this.current = { ...this.current, appliedSeq: this.appliedSeq, headSeq: Math.max(this.current.headSeq, this.appliedSeq) };
        return;
      }
      case 'resync-required':
        this.running = false;
        this.log.error(
          { lastSeq: msg.lastSeq, prunedThrough: msg.prunedThrough },
          'relay no longer has the events after our cursor; resync required',
        );
        this.setState({
          status: 'resync-required',
          since: new Date().toISOString(),
          lastSeq: msg.lastSeq,
          prunedThrough: msg.prunedThrough,
          headSeq: msg.headSeq,
          epoch: msg.epoch === undefined ? undefined : { id: msg.epoch, seq: msg.epochSeq ?? 0 },
        });
        return;
      case 'error':
        this.log.warn({ code: msg.code, message: msg.message }, 'relay reported an error');
        return;
      case 'ping':
        this.send(ws, { type: 'pong', at: msg.at });
        return;
      case 'pong':
        return;
      default: {
        const unreachable: never = msg;
        return unreachable;
      }
    }
  }

  private scheduleReconnect(reason: string, silent = false): void {
    if (!this.running) return;
    this.attempt++;
    this.offlineSince ??= new Date().toISOString();
    const delay = reconnectDelay(this.attempt, this.backoff);
    this.log.warn({ attempt: this.attempt, delayMs: delay, reason }, 'relay connection lost; reconnecting');
    this.setState({
      status: 'reconnecting',
      attempt: this.attempt,
      retryAt: new Date(Date.now() + delay).toISOString(),
      offlineSince: this.offlineSince,
      lastError: reason,
      ...(silent ? { silent: true } : {}),
    });
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.queue.then(() => this.connect()), delay);
    this.reconnectTimer.unref();
    this.startProbe();
  }

  /**
   * Probes the relay while waiting to reconnect. Only a relay that was seen unreachable and then
   * answers cuts the wait short: one that answers all along failed the stream for another reason
   * (an event that cannot be applied, a refusal), and the backoff stays in charge of it. The
   * jittered interval spreads the desktops that come back after a relay restart over a second.
   */
  private startProbe(): void {
    const every = this.opts.probeMs ?? defaultProbeMs;
    if (every <= 0 || this.probeTimer !== undefined) return;
    const round = ++this.probeRound;
    let sawDown = false;
    const next = (): void => {
      this.probeTimer = setTimeout(
        () => {
          void this.probeOnce(Math.max(250, every * 2)).then((up) => {
            if (round !== this.probeRound || !this.running || this.current.status !== 'reconnecting') return;
            if (!up) sawDown = true;
            else if (sawDown) {
              this.log.info('relay answers again; reconnecting now');
              this.stopProbe();
              clearTimeout(this.reconnectTimer);
              void this.queue.then(() => this.connect());
              return;
            }
            next();
          });
        },
        Math.round(every * (0.5 + Math.random())),
      );
      this.probeTimer.unref();
    };
    next();
  }

  private stopProbe(): void {
    this.probeRound++;
    clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
  }

  /** Whether the relay's process answers its liveness check within `timeoutMs`. */
  private async probeOnce(timeoutMs: number): Promise<boolean> {
    try {
      const res = await fetch(`${relayBase(this.opts.relayUrl)}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
      await res.body?.cancel();
      return res.ok;
    } catch {
      return false;
    }
  }
}

/** Applies entries in order; synchronously while every apply is (so it runs inside a synchronous transaction). */
function applyInOrder(
  entries: readonly RelayLogEntry[],
  apply: (event: RelayEvent, seq: number) => void | Promise<void>,
  from = 0,
): void | Promise<void> {
  for (let i = from; i < entries.length; i++) {
    const r = apply(entries[i]!.event, entries[i]!.seq);
    if (r instanceof Promise) return r.then(() => applyInOrder(entries, apply, i + 1));
  }
}
