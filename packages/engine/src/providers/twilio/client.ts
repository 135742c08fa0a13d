// Builds the real twilio SDK client from settings. With `baseUrl` set (simulator, demo,
// tests, benchmarks) a RequestClient subclass rewrites every request's scheme/host/port and
// keeps path and query, which survives regions and edges (the SDK rewrites hosts after
// `client.api.baseUrl`). Keep-alive agents with enough sockets carry the dispatcher's
// concurrency without a TCP handshake per message.
import http from 'node:http';
import https from 'node:https';
import twilio from 'twilio';
import type IRequestClient from 'twilio/lib/base/RequestClient';
import type TwilioResponse from 'twilio/lib/http/response';

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  /** e.g. the simulator's URL; the real API when absent. */
  baseUrl?: string;
  /** Sockets per host (default 64). */
  maxSockets?: number;
  /** Per-request timeout in ms (default 15 000). */
  timeoutMs?: number;
}

export type TwilioClient = ReturnType<typeof twilio>;

class GDialRequestClient extends twilio.RequestClient {
  private readonly base: URL | null;

  constructor(base: URL | null, opts: { maxSockets: number; timeout: number }) {
    super({ keepAlive: true, maxSockets: opts.maxSockets, maxTotalSockets: opts.maxSockets * 2, maxFreeSockets: opts.maxSockets, timeout: opts.timeout });
    this.base = base;
    // The SDK only configures an https agent; plain-http loopback needs its own.
    this.axios.defaults.httpAgent = new http.Agent({ keepAlive: true, maxSockets: opts.maxSockets, maxFreeSockets: opts.maxSockets });
    if (base?.protocol === 'https:') {
      this.axios.defaults.httpsAgent = new https.Agent({ keepAlive: true, maxSockets: opts.maxSockets, maxFreeSockets: opts.maxSockets });
    }
  }

  override request<TData>(opts: IRequestClient.RequestOptions<TData>): Promise<TwilioResponse<TData>> {
    if (!this.base) return super.request<TData>(opts);
    const uri = new URL(opts.uri);
    uri.protocol = this.base.protocol;
    uri.host = this.base.host;
    return super.request<TData>({ ...opts, uri: uri.toString() });
  }
}

export function createTwilioClient(settings: TwilioSettings): TwilioClient {
  if (!/^AC[0-9a-fA-F]{32}$/.test(settings.accountSid)) throw new Error('Twilio account SID must be "AC" followed by 32 hex characters');
  if (!settings.authToken) throw new Error('Twilio auth token is missing');
  let base: URL | null = null;
  if (settings.baseUrl) {
    try {
      base = new URL(settings.baseUrl);
    } catch {
      throw new Error(`Twilio base URL is not a URL: ${settings.baseUrl}`);
    }
  }
  const httpClient = new GDialRequestClient(base, { maxSockets: settings.maxSockets ?? 64, timeout: settings.timeoutMs ?? 15_000 });
  return twilio(settings.accountSid, settings.authToken, { httpClient, accountSid: settings.accountSid });
}
