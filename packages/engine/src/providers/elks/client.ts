// 46elks' REST API over fetch (plain HTTPS with Basic auth, form-encoded requests, JSON
// answers, plain-text errors). The base URL is configurable so the simulator can stand in.
// Errors are classified here, once: 401/402 mean this account cannot send (auth: the
// failover moves on), 403 is a refused parameter, 429 asks us to slow down, 5xx and
// transport failures are the path's.
import { mayHaveBeenCarriedOut, type SendError } from '../types';
import { classifyNetworkError } from '../network';

export interface ElksSettings {
  username: string;
  password: string;
  /** https://api.46elks.com when absent. */
  baseUrl?: string;
  timeoutMs?: number;
}

export type ElksAnswer<T> = { ok: true; body: T } | { ok: false; error: SendError; status: number | null };

/** 46elks gives no Retry-After; wait a second like after Twilio's 429. */
const RATE_LIMIT_BACKOFF_MS = 1_000;

export class ElksClient {
  private readonly base: string;
  private readonly authorization: string;

  constructor(private readonly settings: ElksSettings) {
    if (!settings.username || !settings.password) throw new Error('46elks needs an API username and password');
    this.base = (settings.baseUrl ?? 'https://api.46elks.com').replace(/\/+$/, '');
    this.authorization = `Basic ${Buffer.from(`${settings.username}:${settings.password}`).toString('base64')}`;
  }

  post<T>(path: string, params: Record<string, string | undefined>): Promise<ElksAnswer<T>> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) body.append(k, v);
    return this.request<T>('POST', path, body.toString());
  }

  get<T>(path: string): Promise<ElksAnswer<T>> {
    return this.request<T>('GET', path, null);
  }

  private async request<T>(method: 'GET' | 'POST', path: string, body: string | null): Promise<ElksAnswer<T>> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          authorization: this.authorization,
          ...(body !== null ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        ...(body !== null ? { body } : {}),
        signal: AbortSignal.timeout(this.settings.timeoutMs ?? 15_000),
      });
    } catch (error) {
      // A POST whose answer was lost may have been carried out: the dispatcher looks it up.
      const classified = classifyNetworkError(error);
      return { ok: false, error: method === 'GET' ? { ...classified, maybeSent: false } : classified, status: null };
    }
    const text = await res.text().catch(() => '');
    if (res.ok) {
      try {
        return { ok: true, body: JSON.parse(text) as T };
      } catch {
        return {
          ok: false,
          error: classifyElksError(502, `46elks answered ${res.status} with something that is not JSON`),
          status: res.status,
        };
      }
    }
    const error = classifyElksError(res.status, text.trim() || res.statusText);
    return { ok: false, error: method === 'GET' ? { ...error, maybeSent: false } : error, status: res.status };
  }
}

/** An HTTP error from 46elks in GDial's failure classes (the code is the HTTP status). */
export function classifyElksError(status: number, message: string): SendError {
  const base = { code: `elks:${status}`, message: `46elks: ${message}`, retryAfterMs: null, maybeSent: false };
  if (status === 401 || status === 402) return { ...base, class: 'auth' };
  if (status === 429) return { ...base, class: 'rate-limited', retryAfterMs: RATE_LIMIT_BACKOFF_MS };
  if (status >= 500) return { ...base, class: 'transient', maybeSent: mayHaveBeenCarriedOut(status) };
  if (status === 403 && /\bto\b/i.test(message)) return { ...base, class: 'invalid-recipient' };
  return { ...base, class: 'permanent' };
}

/** 46elks writes UTC times without a zone ("2026-12-07T03:12:45.123000"). */
export function elksDate(value: string | undefined): Date | null {
  if (!value) return null;
  const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(/(\.\d{3})\d*$/, '$1')}Z`);
  return Number.isNaN(t) ? null : new Date(t);
}
