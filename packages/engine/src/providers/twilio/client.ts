// Builds the real twilio SDK client from settings. With `baseUrl` set (simulator, demo,
// tests, benchmarks) our RequestClient subclass rewrites every request's scheme/host/port
// and keeps path and query, which survives regions and edges (the SDK rewrites hosts after
// `client.api.baseUrl`). Keep-alive agents with enough sockets carry the dispatcher's
// concurrency without a TCP handshake per message.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { Agent, request as undiciRequest } from 'undici';
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

/**
 * The SDK's documented extension point for HTTP: it hands us method, URI, credentials,
 * headers, query and form data and expects status, headers and body back. We answer it
 * with undici (keep-alive connection pools) instead of the SDK's axios path, which costs
 * more CPU per request than the rest of the SDK together; behind an HTTP(S) proxy we fall
 * back to the SDK's own client, which knows proxies.
 */
class GDialRequestClient extends twilio.RequestClient {
  private readonly base: URL | null;
  private readonly dispatcher: Agent;
  private readonly timeoutMs: number;

  constructor(base: URL | null, opts: { maxSockets: number; timeout: number }) {
    super({
      keepAlive: true,
      maxSockets: opts.maxSockets,
      maxTotalSockets: opts.maxSockets * 2,
      maxFreeSockets: opts.maxSockets,
      timeout: opts.timeout,
    });
    this.base = base;
    this.timeoutMs = opts.timeout;
    // Honour the SDK's TWILIO_CA_BUNDLE (corporate TLS inspection) on our path too.
    const ca = process.env.TWILIO_CA_BUNDLE ? readFileSync(process.env.TWILIO_CA_BUNDLE) : undefined;
    this.dispatcher = new Agent({ connections: opts.maxSockets, keepAliveTimeout: 30_000, ...(ca ? { connect: { ca } } : {}) });
    // The SDK's own (proxy) path configures only an https agent; plain-http needs one too.
    this.axios.defaults.httpAgent = new http.Agent({ keepAlive: true, maxSockets: opts.maxSockets });
  }

  private authCache: { key: string; header: string } | null = null;
  private readonly proxyDecisions = new Map<string, boolean>();

  /** The proxy environment is read once per origin, not per message. */
  private viaProxy(uri: URL): boolean {
    let decision = this.proxyDecisions.get(uri.origin);
    if (decision === undefined) {
      decision = proxyFor(uri);
      this.proxyDecisions.set(uri.origin, decision);
    }
    return decision;
  }

  private basicAuth(username: string, password: string): string {
    const key = `${username}:${password}`;
    if (this.authCache?.key !== key) this.authCache = { key, header: `Basic ${Buffer.from(key).toString('base64')}` };
    return this.authCache.header;
  }

  override async request<TData>(opts: IRequestClient.RequestOptions<TData>): Promise<TwilioResponse<TData>> {
    const uri = new URL(opts.uri);
    if (this.base) {
      uri.protocol = this.base.protocol;
      uri.host = this.base.host;
    }
    if (this.viaProxy(uri)) return super.request<TData>({ ...opts, uri: uri.toString() });
    if (opts.params) {
      for (const [key, value] of Object.entries(opts.params as Record<string, unknown>)) appendParam(uri.searchParams, key, value);
    }
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(opts.headers ?? {})) if (typeof value === 'string') headers[key] = value;
    if (opts.username && opts.password) headers.Authorization = this.basicAuth(opts.username, opts.password);
    else if (opts.authStrategy) headers.Authorization = await opts.authStrategy.getAuthString();
    let body: string | undefined;
    if (opts.data !== undefined && opts.data !== null) {
      if (headers['Content-Type'] === 'application/json') body = JSON.stringify(opts.data);
      else {
        const form = new URLSearchParams();
        for (const [key, value] of Object.entries(opts.data as Record<string, unknown>)) appendParam(form, key, value);
        body = form.toString();
      }
    }
    const timeout = opts.timeout ?? this.timeoutMs;
    const response = await undiciRequest(uri, {
      method: opts.method.toUpperCase() as 'GET' | 'POST' | 'DELETE',
      headers,
      body,
      dispatcher: this.dispatcher,
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    const text = await response.body.text();
    return { statusCode: response.statusCode, body: text as TData, headers: response.headers };
  }
}

/** Repeated keys for arrays (StatusCallbackEvent), ISO strings for dates, like the SDK's qs settings. */
function appendParam(target: URLSearchParams, key: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value) appendParam(target, key, item);
    return;
  }
  const text =
    value instanceof Date
      ? value.toISOString()
      : typeof value === 'string'
        ? value
        : typeof value === 'number' || typeof value === 'boolean'
          ? String(value)
          : JSON.stringify(value);
  target.append(key, text);
}

/** True when the environment routes this URL through a proxy (HTTP(S)_PROXY minus NO_PROXY). */
function proxyFor(uri: URL): boolean {
  const proxy =
    uri.protocol === 'https:'
      ? (process.env.HTTPS_PROXY ?? process.env.https_proxy ?? process.env.HTTP_PROXY ?? process.env.http_proxy)
      : (process.env.HTTP_PROXY ?? process.env.http_proxy);
  if (!proxy) return false;
  const noProxy = (process.env.NO_PROXY ?? process.env.no_proxy ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const host = uri.hostname.toLowerCase();
  return !noProxy.some(
    (entry) => entry === '*' || host === entry.replace(/^\./, '') || host.endsWith(entry.startsWith('.') ? entry : `.${entry}`),
  );
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
