// The desktop stream (WebSocket at /stream). A desktop says hello with its device token and
// the last sequence it applied; the relay replays the tenant's log after that sequence in
// order, then keeps sending new entries as they commit. Sending pauses while the socket's
// buffer is full (a slow desktop is read from the log later rather than held in memory), and
// a desktop whose cursor fell behind retention is told to resync instead of skipping events.
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
import type { RelayDb } from '../store/db';
import { logPosition, readEvents } from '../store/events';
import { authenticateDevice, recordAck, type AuthenticatedDevice } from '../store/tenants';
import type { EventHub, TenantSubscriber } from './hub';

/** What the stream is given by the composition (relay.ts). */
export interface StreamServices {
  config: Pick<RelayConfig, 'heartbeatMs' | 'streamHighWaterBytes'>;
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
const HELLO_TIMEOUT_MS = 10_000;
const ACK_FLUSH_MS = 1000;

class DesktopStream implements TenantSubscriber {
  private device: AuthenticatedDevice | null = null;
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
  ) {
    this.log = services.logger.child({ reqId, module: 'stream' });
    this.helloTimer = setTimeout(() => this.fail('unauthorized', 'No hello within 10 s'), HELLO_TIMEOUT_MS);
    ws.on('message', (data) => {
      this.onMessage(data).catch((err: unknown) => {
        this.log.error({ err }, 'handling a desktop message failed');
        this.fail('internal', 'The relay could not handle the message; reconnect');
      });
    });
    ws.on('close', () => this.onClose());
    ws.on('error', (err) => this.log.warn({ err }, 'desktop socket error'));
  }

  get tenantSlug(): string | null {
    return this.device?.tenant.slug ?? null;
  }
  get tenantId(): string | null {
    return this.device?.tenant.id ?? null;
  }

  private send(message: RelayServerMessage): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(message));
  }

  private fail(code: RelayErrorCode, message: string): void {
    this.log.warn({ code, reason: message }, 'closing desktop stream');
    this.send({ type: 'error', code, message });
    this.ws.close(
      code === 'unauthorized' ? relayCloseCodes.unauthorized : code === 'shutting-down' ? 1001 : relayCloseCodes.badMessage,
      code,
    );
  }

  private async onMessage(data: RawData): Promise<void> {
    this.lastHeard = Date.now();
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
    switch (msg.type) {
      case 'hello':
        await this.onHello(msg.deviceToken, msg.lastSeq);
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

  private async onHello(token: string, lastSeq: number): Promise<void> {
    if (this.device) return this.fail('bad-message', 'hello sent twice');
    clearTimeout(this.helloTimer);
    if (this.services.isShuttingDown()) return this.fail('shutting-down', 'Relay is restarting');
    const device = await authenticateDevice(this.services.db, token);
    if (!device) return this.fail('unauthorized', 'Unknown or revoked device token');
    this.device = device;
    this.log = this.log.child({ tenant: device.tenant.slug, deviceId: device.deviceId });
    const position = await logPosition(this.services.db, device.tenant.id);
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
    this.registry.add(this);
    this.send({
      type: 'welcome',
      tenant: device.tenant.slug,
      deviceId: device.deviceId,
      headSeq: position.lastSeq,
      heartbeatMs: this.services.config.heartbeatMs,
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

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.helloTimer);
    clearInterval(this.heartbeat);
    clearTimeout(this.ackTimer);
    this.unsubscribe?.();
    this.registry.delete(this);
    if (this.device) {
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

export class StreamServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly streams = new Set<DesktopStream>();

  constructor(private readonly services: StreamServices) {
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

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, reqId: string): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      new DesktopStream(ws, this.services, this.streams, reqId);
    });
  }

  get connected(): number {
    return this.streams.size;
  }

  /** Tells every desktop to reconnect (elsewhere) and waits for their sockets to close. */
  async close(): Promise<void> {
    for (const s of this.streams) s.shutdown();
    const deadline = Date.now() + 3000;
    while (this.wss.clients.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
  }
}
