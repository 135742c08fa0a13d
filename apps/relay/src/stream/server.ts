// The desktop stream (WebSocket at /stream). A desktop says hello with its device token and
// the last sequence it applied; the relay replays the tenant's log after that sequence in
// order, then keeps sending new entries as they commit. Sending pauses while the socket's
// buffer is full (a slow desktop is read from the log later rather than held in memory), and
// a desktop whose cursor fell behind retention is told to resync instead of skipping events.
//
// Before its hello a connection is a stranger's: it must say hello within a few seconds, and
// anything else it sends closes it; connections are capped per address and in total, failed
// hellos are throttled per address, and no connection's send buffer may grow past a bound
// (a peer that pings and never reads is dropped). One connection is one session: a second
// hello closes it. A revoked or rotated device's streams are closed at once (closeDevice,
// called on every instance through the hub's notifications).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  relayClientMessageSchema,
  relayCloseCodes,
  type RelayErrorCode,
  type RelayLogEntry,
  type RelayServerMessage,
} from '@gdial/protocol';
import type { Logger } from 'pino';
import type { RelayConfig } from '../config';
import type { RelayMetrics } from '../ops/metrics';
import { FailureThrottle } from '../ops/rate-limit';
import type { RelayDb } from '../store/db';
import { logPosition, readEvents } from '../store/events';
import { syncEpoch } from '../store/sync';
import { authenticateDevice, currentDeviceTokens, recordAck, type AuthenticatedDevice } from '../store/tenants';
import type { EventHub, TenantSubscriber } from './hub';

/** What the stream is given by the composition (relay.ts). */
export interface StreamServices {
  config: Pick<
    RelayConfig,
    | 'revocationCheckMs'
    | 'heartbeatMs'
    | 'streamHighWaterBytes'
    | 'failedAuthBurst'
    | 'failedAuthPerSecond'
    | 'helloTimeoutMs'
    | 'streamMaxConnections'
    | 'streamMaxPerAddress'
  >;
  db: RelayDb;
  hub: EventHub;
  metrics: RelayMetrics;
  logger: Logger;
  isShuttingDown(): boolean;
}

/** A WebSocket frame as text, whatever shape `ws` delivered it in. */
const frameText = (data: RawData): string =>
  (Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString('utf8');

const READ_BATCH = 500;
/** Entries go out in messages of about this many bytes (at least one entry each). */
const MESSAGE_BYTES = 64 * 1024;
const ACK_FLUSH_MS = 1000;
/**
 * What a connection's send buffer may hold beyond the stream's high-water mark (one message
 * of entries plus control messages): past it the peer is not reading and is dropped.
 */
const SEND_SLACK_BYTES = 256 * 1024;

type SessionState = 'awaiting-hello' | 'authenticating' | 'open';

class DesktopStream implements TenantSubscriber {
  private device: AuthenticatedDevice | null = null;
  private state: SessionState = 'awaiting-hello';
  private sentSeq = 0;
  ackedSeq = 0;
  private persistedAck = 0;
  private pumping = false;
  private wanted = false;
  private closed = false;
  private lastHeard = Date.now();
  private unsubscribe: (() => void) | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private ackTimer: NodeJS.Timeout | undefined;
  private readonly helloTimer: NodeJS.Timeout;
  private log: Logger;

  constructor(
    private readonly ws: WebSocket,
    private readonly services: StreamServices,
    private readonly registry: Set<DesktopStream>,
    reqId: string,
    /** Told once when a hello is refused (the failed-hello throttle of the peer's address). */
    private readonly onHelloRefused: () => void,
    /** Told once when the socket closes (the connection caps). */
    private readonly onGone: () => void,
  ) {
    this.log = services.logger.child({ reqId, module: 'stream' });
    const helloMs = services.config.helloTimeoutMs;
    this.helloTimer = setTimeout(() => this.fail('unauthorized', `No hello within ${helloMs / 1000} s`), helloMs);
    ws.on('message', (data) => {
      this.onMessage(data).catch((err: unknown) => {
        this.log.error({ err }, 'handling a desktop message failed');
        this.fail('internal', 'The relay could not handle the message; reconnect');
      });
    });
    ws.on('close', () => this.onClose());
    ws.on('error', (err) => this.log.warn({ err }, 'desktop socket error'));
  }

  get deviceId(): string | null {
    return this.device?.deviceId ?? null;
  }
  get tenantSlug(): string | null {
    return this.device?.tenant.slug ?? null;
  }
  get tenantId(): string | null {
    return this.device?.tenant.id ?? null;
  }

  /** Sends when the socket is open and its buffer within bounds; drops a peer that does not read. */
  private send(message: RelayServerMessage): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > this.services.config.streamHighWaterBytes + SEND_SLACK_BYTES) {
      this.log.warn({ buffered: this.ws.bufferedAmount }, 'desktop does not read what it is sent; dropping the connection');
      this.ws.terminate();
      return;
    }
    this.ws.send(JSON.stringify(message));
  }

  private fail(code: RelayErrorCode, message: string): void {
    if (this.closing) return;
    this.closing = true;
    // Nothing more is sent on a stream being closed, whatever is in flight.
    this.closed = true;
    this.cleanup();
    this.log.warn({ code, reason: message }, 'closing desktop stream');
    this.send({ type: 'error', code, message });
    this.ws.close(
      code === 'unauthorized' ? relayCloseCodes.unauthorized : code === 'shutting-down' ? 1001 : relayCloseCodes.badMessage,
      code,
    );
  }

  private async onMessage(data: RawData): Promise<void> {
    if (this.closed) return;
    this.lastHeard = Date.now();
    // Before the session is open only a hello is read, and only one: anything else (a ping, a
    // second hello while the first is checked) closes the connection without an answer.
    if (this.state !== 'open' && this.state !== 'awaiting-hello') return this.fail('bad-message', 'Wait for welcome before sending');
    let parsed;
    try {
      parsed = relayClientMessageSchema.safeParse(JSON.parse(frameText(data)));
    } catch {
      parsed = null;
    }
    if (!parsed?.success) {
      this.fail('bad-message', 'Message is not valid JSON of the relay protocol');
      return;
    }
    const msg = parsed.data;
    if (this.state === 'awaiting-hello' && msg.type !== 'hello') return this.fail('unauthorized', 'hello first');
    switch (msg.type) {
      case 'hello':
        await this.onHello(msg.deviceToken, msg.lastSeq, msg.epoch);
        return;
      case 'ack':
        if (!this.device) return this.fail('unauthorized', 'hello first');
        if (msg.seq > this.sentSeq) return this.fail('bad-message', `ack ${msg.seq} is beyond what was sent (${this.sentSeq})`);
        this.ackedSeq = Math.max(this.ackedSeq, msg.seq);
        this.scheduleAckFlush();
        return;
      case 'ping':
        this.send({ type: 'pong', at: msg.at });
        return;
      case 'pong':
        return;
      default: {
        const unreachable: never = msg;
        return unreachable;
      }
    }
  }

  private async onHello(token: string, lastSeq: number, knownEpoch: string | undefined): Promise<void> {
    if (this.state !== 'awaiting-hello') return this.fail('bad-message', 'hello sent twice');
    this.state = 'authenticating';
    // The hello came in time; checking it is bounded by the database's own timeouts. (A slow
    // database must not look like a refused token, which tells a desktop to enrol again.)
    clearTimeout(this.helloTimer);
    if (this.services.isShuttingDown()) return this.fail('shutting-down', 'Relay is restarting');
    const device = await authenticateDevice(this.services.db, token);
    if (this.closed) return;
    if (!device) {
      this.onHelloRefused();
      return this.fail('unauthorized', 'Unknown or revoked device token');
    }
    this.device = device;
    this.log = this.log.child({ tenant: device.tenant.slug, deviceId: device.deviceId });
    const [position, epoch] = await Promise.all([
      logPosition(this.services.db, device.tenant.id),
      syncEpoch(this.services.db, device.tenant.id),
    ]);
    if (this.closed) return;
    if (this.revokedMeanwhile) return this.fail('unauthorized', 'The device was revoked or its token rotated');
    if (knownEpoch !== undefined && epoch.id !== '' && knownEpoch !== epoch.id) {
      // The database was restored from a backup: whatever the cursor says, the log after the
      // epoch's start is not the one this desktop read. It re-pushes, re-snapshots and resumes.
      this.log.warn({ lastSeq, knownEpoch, epoch: epoch.id, epochSeq: epoch.seq }, 'desktop from an earlier sync epoch; resync required');
      this.send({
        type: 'resync-required',
        lastSeq,
        prunedThrough: position.prunedThrough,
        headSeq: position.lastSeq,
        epoch: epoch.id,
        epochSeq: epoch.seq,
      });
      this.ws.close(relayCloseCodes.resyncRequired, 'resync-required');
      return;
    }
    if (lastSeq > position.lastSeq) {
      return this.fail(
        'cursor-ahead',
        `Desktop has applied ${lastSeq} but the relay's log ends at ${position.lastSeq}; was the relay database restored from an older backup?`,
      );
    }
    if (lastSeq < position.prunedThrough) {
      this.log.warn({ lastSeq, prunedThrough: position.prunedThrough }, 'desktop cursor is older than retention; resync required');
      this.send({ type: 'resync-required', lastSeq, prunedThrough: position.prunedThrough, headSeq: position.lastSeq });
      this.ws.close(relayCloseCodes.resyncRequired, 'resync-required');
      return;
    }
    this.sentSeq = lastSeq;
    this.ackedSeq = lastSeq;
    this.persistedAck = lastSeq;
    this.state = 'open';
    this.registry.add(this);
    this.send({
      type: 'welcome',
      tenant: device.tenant.slug,
      deviceId: device.deviceId,
      headSeq: position.lastSeq,
      heartbeatMs: this.services.config.heartbeatMs,
      epoch: epoch.id,
    });
    this.unsubscribe = this.services.hub.subscribe(device.tenant.id, this, position.lastSeq);
    this.startHeartbeat();
    this.log.info({ lastSeq, headSeq: position.lastSeq }, 'desktop connected');
    this.pump();
  }

  private startHeartbeat(): void {
    const every = this.services.config.heartbeatMs;
    this.heartbeat = setInterval(() => {
      if (Date.now() - this.lastHeard > every * 2.5) {
        this.log.warn('desktop silent for too long; dropping the connection');
        this.ws.terminate();
        return;
      }
      this.send({ type: 'ping', at: Date.now() });
    }, every);
    this.heartbeat.unref();
  }

  /** Set when the device is revoked while its hello is still being checked. */
  private revokedMeanwhile = false;

  /** The device was revoked or its token rotated: close before anything else is sent. */
  revoke(): void {
    this.revokedMeanwhile = true;
    if (this.state === 'open') this.fail('unauthorized', 'The device was revoked or its token rotated');
  }

  /** The device of an open session, with the token hash it said hello with. */
  get session(): { tenantId: string; id: string; tokenHash: string } | null {
    return this.state === 'open' && this.device && !this.closed
      ? { tenantId: this.device.tenant.id, id: this.device.deviceId, tokenHash: this.device.tokenHash }
      : null;
  }

  /** Whether this connection is (or is becoming) `deviceId`'s session. */
  isDevice(tenantId: string, deviceId: string): boolean {
    return this.device?.tenant.id === tenantId && this.device.deviceId === deviceId;
  }

  committed(entries: readonly RelayLogEntry[]): void {
    const firstSeq = entries[0]?.seq;
    if (firstSeq === undefined || this.closed) return;
    // Caught up and nothing read in flight: hand the fresh entries over without a read, as
    // long as the socket takes them; whatever is left is read from the log when it drains.
    if (!this.pumping && firstSeq === this.sentSeq + 1) {
      let i = 0;
      while (i < entries.length && this.ws.bufferedAmount < this.services.config.streamHighWaterBytes) i += this.sendSome(entries, i);
      if (i === entries.length) return;
    }
    if (entries.at(-1)!.seq > this.sentSeq) this.pump();
  }

  head(seq: number): void {
    if (seq > this.sentSeq) this.pump();
  }

  get bufferedBytes(): number {
    return this.ws.bufferedAmount;
  }

  /** Sends entries from `from` on, one message of about MESSAGE_BYTES; returns how many went. */
  private sendSome(entries: readonly RelayLogEntry[], from: number): number {
    const parts: string[] = [];
    let bytes = 0;
    let i = from;
    while (i < entries.length && (parts.length === 0 || bytes < MESSAGE_BYTES)) {
      const json = JSON.stringify(entries[i]);
      parts.push(json);
      bytes += json.length;
      i++;
    }
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(`{"type":"events","entries":[${parts.join(',')}]}`);
    this.sentSeq = entries[i - 1]!.seq;
    this.services.metrics.eventsPushed.inc({}, i - from);
    return i - from;
  }

  /** Reads from the log after `sentSeq` until caught up; re-runs if woken meanwhile. */
  private pump(): void {
    if (this.pumping) {
      this.wanted = true;
      return;
    }
    this.pumping = true;
    void (async () => {
      try {
        do {
          this.wanted = false;
          while (!this.closed && this.device) {
            const highWater = this.services.config.streamHighWaterBytes;
            if (this.ws.bufferedAmount >= highWater) {
              this.services.metrics.backpressureWaits.inc({});
              await waitForDrain(this.ws, highWater);
              continue;
            }
            const entries = await readEvents(this.services.db, this.device.tenant.id, this.sentSeq, READ_BATCH);
            if (entries.length === 0 || this.closed) break;
            // Message by message, pausing whenever the socket's buffer is full, so a batch of
            // large entries never lands in the buffer whole.
            for (let i = 0; i < entries.length && !this.closed;) {
              if (this.ws.bufferedAmount >= highWater) {
                this.services.metrics.backpressureWaits.inc({});
                await waitForDrain(this.ws, highWater);
                continue;
              }
              i += this.sendSome(entries, i);
            }
            if (entries.length < READ_BATCH) break;
          }
        } while (this.wanted && !this.closed);
      } catch (err) {
        this.log.error({ err }, 'reading the event log for a desktop failed');
        if (!this.closed) this.fail('internal', 'Reading the event log failed; reconnect');
      } finally {
        this.pumping = false;
      }
    })();
  }

  private scheduleAckFlush(): void {
    if (this.ackTimer) return;
    this.ackTimer = setTimeout(() => {
      this.ackTimer = undefined;
      void this.flushAck();
    }, ACK_FLUSH_MS);
    this.ackTimer.unref();
  }

  private async flushAck(): Promise<void> {
    if (!this.device || this.ackedSeq <= this.persistedAck) return;
    const seq = this.ackedSeq;
    try {
      await recordAck(this.services.db, this.device.tenant.id, this.device.deviceId, seq);
      this.persistedAck = seq;
    } catch (err) {
      this.log.warn({ err }, 'recording a desktop ack failed');
    }
  }

  private closing = false;
  private gone = false;

  /** Stops every timer and subscription; safe to call more than once. */
  private cleanup(): void {
    clearTimeout(this.helloTimer);
    clearInterval(this.heartbeat);
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.registry.delete(this);
  }

  private onClose(): void {
    if (this.gone) return;
    this.gone = true;
    this.closed = true;
    this.cleanup();
    this.onGone();
    if (this.device && this.state === 'open') {
      this.log.info({ sentSeq: this.sentSeq, ackedSeq: this.ackedSeq }, 'desktop disconnected');
      void this.flushAck();
    }
  }

  shutdown(): void {
    this.fail('shutting-down', 'Relay is restarting; reconnect');
  }
}

/** Resolves when the socket's send buffer is below half the high-water mark (or it closed). */
function waitForDrain(ws: WebSocket, highWater: number): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (ws.bufferedAmount < highWater / 2 || ws.readyState !== ws.OPEN) resolve();
      else setTimeout(check, 5);
    };
    check();
  });
}

/** Refuses an upgrade with a plain HTTP answer before any WebSocket handshake. */
function refuseUpgrade(socket: Duplex, status: 429 | 503, retryAfter: number): void {
  const reason = status === 429 ? 'Too Many Requests' : 'Service Unavailable';
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nRetry-After: ${retryAfter}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export class StreamServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly streams = new Set<DesktopStream>();
  /** Every connection from upgrade to close (before hello too), in total and per address. */
  private readonly pending = new Set<DesktopStream>();
  private total = 0;
  private readonly perAddress = new Map<string, number>();
  private readonly failedHellos: FailureThrottle;

  /** Behind the notifications (a lost one, or RELAY_LISTEN=false): open sessions re-checked on a timer. */
  private readonly revocationTimer: NodeJS.Timeout;

  constructor(private readonly services: StreamServices) {
    this.failedHellos = new FailureThrottle(services.config.failedAuthBurst, services.config.failedAuthPerSecond);
    services.hub.onDeviceRevoked = (tenantId, deviceId) => this.closeDevice(tenantId, deviceId);
    this.revocationTimer = setInterval(() => void this.recheckDevices(), services.config.revocationCheckMs);
    this.revocationTimer.unref();
    services.metrics.gauges = {
      connectedDesktops: () => this.streams.size,
      tenantLag: () => {
        const best = new Map<string, { id: string; acked: number }>();
        for (const s of this.streams) {
          if (!s.tenantSlug || !s.tenantId) continue;
          const prev = best.get(s.tenantSlug);
          if (!prev || s.ackedSeq > prev.acked) best.set(s.tenantSlug, { id: s.tenantId, acked: s.ackedSeq });
        }
        const lag = new Map<string, number>();
        for (const [slug, { id, acked }] of best) lag.set(slug, Math.max(0, services.hub.headOf(id) - acked));
        return lag;
      },
      bufferedBytes: () => {
        let sum = 0;
        for (const s of this.streams) sum += s.bufferedBytes;
        return sum;
      },
    };
  }

  /**
   * Upgrades a request to a desktop stream unless its address has used up its failed hellos
   * (429) or the connection caps are reached (503); `address` is the client as the rate
   * limits see it.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, reqId: string, address: string): void {
    const { streamMaxConnections, streamMaxPerAddress } = this.services.config;
    const wait = this.failedHellos.blocked(address);
    if (wait > 0) {
      this.services.metrics.rateLimited.inc({ group: 'stream-failed-hellos' });
      refuseUpgrade(socket, 429, wait);
      return;
    }
    const mine = this.perAddress.get(address) ?? 0;
    if (this.total >= streamMaxConnections || mine >= streamMaxPerAddress) {
      this.services.metrics.rateLimited.inc({ group: 'stream-connections' });
      refuseUpgrade(socket, 503, 5);
      return;
    }
    this.total++;
    this.perAddress.set(address, mine + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.total--;
      const left = (this.perAddress.get(address) ?? 1) - 1;
      if (left > 0) this.perAddress.set(address, left);
      else this.perAddress.delete(address);
    };
    socket.once('close', release);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const stream = new DesktopStream(
        ws,
        this.services,
        this.streams,
        reqId,
        () => this.failedHellos.failed(address),
        () => {
          this.pending.delete(stream);
          release();
        },
      );
      this.pending.add(stream);
    });
  }

  /** Closes every stream of a revoked (or rotated) device on this instance, at once. */
  closeDevice(tenantId: string, deviceId: string): number {
    let closed = 0;
    for (const s of this.pending) {
      if (s.isDevice(tenantId, deviceId)) {
        s.revoke();
        closed++;
      }
    }
    return closed;
  }

  /** Closes the sessions whose device was revoked or rotated meanwhile: one query per tenant with open sessions. */
  async recheckDevices(): Promise<void> {
    const byTenant = new Map<string, DesktopStream[]>();
    for (const s of this.streams) {
      const session = s.session;
      if (!session) continue;
      let list = byTenant.get(session.tenantId);
      if (!list) byTenant.set(session.tenantId, (list = []));
      list.push(s);
    }
    for (const [tenantId, streams] of byTenant) {
      try {
        const ids = streams.flatMap((s) => (s.session ? [s.session.id] : []));
        const current = await currentDeviceTokens(this.services.db, tenantId, ids);
        for (const s of streams) {
          const session = s.session;
          if (session && current.get(session.id) !== session.tokenHash) s.revoke();
        }
      } catch (err) {
        this.services.logger.warn({ err, tenantId }, 'checking connected devices for revocation failed');
      }
    }
  }

  /** Connections from upgrade to close, whether or not they said hello (for tests and metrics). */
  get connections(): number {
    return this.total;
  }

  get connected(): number {
    return this.streams.size;
  }

  /** Tells every desktop to reconnect (elsewhere) and waits for their sockets to close. */
  async close(): Promise<void> {
    clearInterval(this.revocationTimer);
    for (const s of this.streams) s.shutdown();
    const deadline = Date.now() + 3000;
    while (this.wss.clients.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
  }
}
