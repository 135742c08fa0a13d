// Everything the simulator sends out to the application: status callbacks, inbound
// messages, event-webhook batches, Telegram updates (retried on non-2xx and connection
// failures with exponential backoff, bounded, as the providers do, because the relay only
// acknowledges what it has committed) and the voice engine's TwiML/audio fetches (one
// attempt each, like Twilio). Every attempt and its HTTP result is recorded for the control API.
import http from 'node:http';
import https from 'node:https';
import { EventEmitter } from 'node:events';
import type { Profile } from './profile';

export type OutboundKind =
  | 'twilio.message-status'
  | 'twilio.call-status'
  | 'twilio.inbound-message'
  | 'twilio.twiml'
  | 'twilio.gather'
  | 'twilio.audio'
  | 'sendgrid.events'
  | 'telegram.update'
  | 'elks.sms-status'
  | 'elks.inbound-sms'
  | 'elks.call-hangup'
  | 'elks.call-action'
  | 'elks.audio';

export interface OutboundAttempt {
  at: string;
  status: number | null;
  error: string | null;
  durationMs: number;
}

export interface OutboundRecord {
  id: number;
  kind: OutboundKind;
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  /** The exact bytes sent (form-encoded or JSON), for signature checks in tests. */
  body: string;
  /** Sid/id of the resource it is about (SM…, CA…, sg_message_id, update id). */
  subject: string | null;
  state: 'pending' | 'delivered' | 'failed';
  attempts: OutboundAttempt[];
}

export interface OutboundResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface OutboundRequest {
  kind: OutboundKind;
  method?: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  subject?: string | null;
}

const MAX_RESPONSE_BYTES = 20 * 1024 * 1024;

export class Outbound extends EventEmitter<{ record: [OutboundRecord]; settled: [OutboundRecord] }> {
  readonly records: OutboundRecord[] = [];
  private nextId = 1;
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 256 });
  private closed = false;

  constructor(private profile: () => Profile) {
    super();
  }

  /** Callbacks in flight or waiting for a retry. */
  get pending(): number {
    return this.active + this.waiting.length + this.timers.size;
  }

  /** Sends with bounded retries; resolves when delivered or given up. Never throws. */
  deliver(request: OutboundRequest): Promise<OutboundRecord> {
    const record = this.createRecord(request);
    return new Promise((resolve) => {
      const attempt = async (): Promise<void> => {
        const settings = this.profile().callbacks;
        const result = await this.withSlot(() => this.send(record));
        if (result && result.status >= 200 && result.status < 300) {
          record.state = 'delivered';
        } else if (record.attempts.length >= settings.maxAttempts || this.closed) {
          record.state = 'failed';
        } else {
          const delay = settings.retryBaseMs * 2 ** (record.attempts.length - 1);
          const timer = setTimeout(() => {
            this.timers.delete(timer);
            void attempt();
          }, delay);
          this.timers.add(timer);
          return;
        }
        this.emit('settled', record);
        resolve(record);
      };
      void attempt();
    });
  }

  /** One request, one attempt (TwiML and audio fetches); null when the connection failed. */
  async fetch(request: OutboundRequest): Promise<{ record: OutboundRecord; response: OutboundResponse | null }> {
    const record = this.createRecord(request);
    const response = await this.withSlot(() => this.send(record));
    record.state = response && response.status >= 200 && response.status < 300 ? 'delivered' : 'failed';
    this.emit('settled', record);
    return { record, response };
  }

  reset(): void {
    this.records.length = 0;
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private createRecord(request: OutboundRequest): OutboundRecord {
    const record: OutboundRecord = {
      id: this.nextId++,
      kind: request.kind,
      method: request.method ?? 'POST',
      url: request.url,
      headers: request.headers ?? {},
      body: request.body ?? '',
      subject: request.subject ?? null,
      state: 'pending',
      attempts: [],
    };
    const settings = this.profile().callbacks;
    if (settings.record) {
      this.records.push(record);
      // Drop the oldest tenth at once rather than one per push (shift is O(n)).
      if (this.records.length > settings.recordLimit) this.records.splice(0, Math.ceil(settings.recordLimit / 10));
    }
    this.emit('record', record);
    return record;
  }

  private async withSlot<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.profile().callbacks.concurrency) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  private send(record: OutboundRecord): Promise<OutboundResponse | null> {
    const started = Date.now();
    const finish = (status: number | null, error: string | null): void => {
      record.attempts.push({ at: new Date(started).toISOString(), status, error, durationMs: Date.now() - started });
    };
    return new Promise((resolve) => {
      let url: URL;
      try {
        url = new URL(record.url);
      } catch {
        finish(null, `invalid URL ${record.url}`);
        resolve(null);
        return;
      }
      const isHttps = url.protocol === 'https:';
      const body = record.method === 'POST' ? Buffer.from(record.body) : null;
      const req = (isHttps ? https : http).request(
        url,
        {
          method: record.method,
          agent: isHttps ? this.httpsAgent : this.httpAgent,
          timeout: this.profile().callbacks.timeoutMs,
          headers: {
            'user-agent': 'GDialProviderSimulator/1.0',
            ...(body ? { 'content-length': String(body.length) } : {}),
            ...record.headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
          });
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            finish(status, size > MAX_RESPONSE_BYTES ? 'response too large' : null);
            resolve({ status, headers: res.headers, body: Buffer.concat(chunks) });
          });
          res.on('error', (error) => {
            finish(null, error.message);
            resolve(null);
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (error) => {
        finish(null, error.message);
        resolve(null);
      });
      req.end(body ?? undefined);
    });
  }
}
