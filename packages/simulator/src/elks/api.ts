// The 46elks REST API as the simulator serves it under /a1: Basic auth with the API
// username and password, form-encoded bodies, JSON answers and plain-text errors. The
// control API can make the whole API fail (500s, or refused credentials) to test failover.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimCore } from '../core';
import { basicAuth, contentType, parseForm, readBody, sendJson, type FormParams } from '../http';
import { sampleLatency } from '../profile';
import { ElksCalls, elksCallJson } from './calls';
import { ElksApiError, apiFailureOf } from './common';
import { ElksSms, elksSmsJson } from './sms';

export class ElksApi {
  readonly sms: ElksSms;
  readonly calls: ElksCalls;
  private requests = 0;

  constructor(private readonly core: SimCore) {
    this.sms = new ElksSms(core);
    this.calls = new ElksCalls(core);
  }

  reset(): void {
    this.sms.reset();
    this.calls.reset();
  }

  async handle(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> {
    const { core } = this;
    const failure = apiFailureOf(core.config.elksFailure);
    const auth = basicAuth(req);
    if (
      failure === 'auth-rejected' ||
      !auth ||
      auth.user !== core.credentials.elksUsername ||
      auth.password !== core.credentials.elksPassword
    )
      throw new ElksApiError(401, 'Authorization failed');
    if (failure === 'server-error') throw new ElksApiError(503, 'Service temporarily unavailable');
    if (failure === 'lost-answer') {
      if (req.method !== 'POST') throw new ElksApiError(504, 'Gateway Timeout');
      // The request is handled (an SMS goes out, a call is placed); only its answer is lost.
      await this.serve(req, null, path, query);
      throw new ElksApiError(504, 'Gateway Timeout');
    }
    return this.serve(req, res, path, query);
  }

  /** The API itself; `res` null: the answer is dropped (lost-answer). */
  private async serve(req: IncomingMessage, res: ServerResponse | null, path: string, query: URLSearchParams): Promise<void> {
    const { core } = this;
    const reply = (status: number, body: unknown): void => {
      if (res) sendJson(res, status, body);
    };
    const latency = core.profile.latency.api;
    if (latency !== 0) await core.sleep(sampleLatency(latency, core.randomFor(`elks:${++this.requests}`)));
    const method = req.method ?? 'GET';
    const parts = path.split('/').filter(Boolean); // ['a1', 'sms' | 'calls', id?]
    const resource = parts[1]?.toLowerCase();
    const id = parts[2];
    if (resource === 'sms' && id === undefined) {
      if (method === 'POST') return reply(200, elksSmsJson(this.sms.create(await readForm(req))));
      if (method === 'GET') {
        const page = this.sms.list({
          to: query.get('to') ?? undefined,
          end: query.get('end') ?? undefined,
          limit: query.has('limit') ? Number(query.get('limit')) : undefined,
        });
        return reply(200, { data: page.data.map(elksSmsJson), ...(page.next ? { next: page.next } : {}) });
      }
    }
    if (resource === 'sms' && id !== undefined && method === 'GET') {
      const m = this.sms.fetch(id);
      if (!m) throw new ElksApiError(404, 'Not found');
      return reply(200, elksSmsJson(m));
    }
    if (resource === 'calls' && id === undefined) {
      if (method === 'POST') return reply(200, elksCallJson(this.calls.create(await readForm(req))));
      if (method === 'GET') return reply(200, { data: this.calls.list({ to: query.get('to') ?? undefined }).map(elksCallJson) });
    }
    if (resource === 'calls' && id !== undefined && method === 'GET') {
      const c = this.calls.fetch(id);
      if (!c) throw new ElksApiError(404, 'Not found');
      return reply(200, elksCallJson(c));
    }
    throw new ElksApiError(404, 'Not found');
  }
}

async function readForm(req: IncomingMessage): Promise<FormParams> {
  const raw = await readBody(req);
  if (raw.length && contentType(req) !== 'application/x-www-form-urlencoded')
    throw new ElksApiError(403, 'Unsupported content type; post application/x-www-form-urlencoded');
  return parseForm(raw.toString('utf8'));
}
