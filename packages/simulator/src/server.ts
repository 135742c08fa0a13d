// The simulator's HTTP server: one port serving the Twilio, 46elks, SendGrid and Telegram APIs and
// the control API under /_sim. `startSimulator` is the entry point for tests, benchmarks,
// demo mode and `npm run simulator`.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SimCore, type SimConfig, type SimCredentials, type SimNotice } from './core';
import { HttpError, basicAuth, contentType, parseForm, readBody, sendJson, type FormParams } from './http';
import { log } from './log';
import { Outbound, type OutboundRecord } from './outbound';
import { builtInProfiles, parseProfile, sampleLatency, type Profile, type ProfileInput } from './profile';
import { seedFrom } from './prng';
import { SendGrid, type SimEmail } from './sendgrid';
import { Telegram, type SimTelegramMessage } from './telegram';
import { ElksApi } from './elks/api';
import { type SimElksCall } from './elks/calls';
import { ElksApiError, apiFailureOf, sendElksError } from './elks/common';
import { elksSmsJson, type SimElksSms } from './elks/sms';
import { TwilioCalls, callJson, type SimCall } from './twilio/calls';
import { API_VERSION, TwilioApiError, sendTwilioError } from './twilio/common';
import { TwilioMessages, messageJson, notFound, type SimMessage } from './twilio/messages';
import { TwilioContent, type ApprovalStatus, type SimContent } from './twilio/content';
import { OpenAiSim, openAiFaults, type OpenAiFault, type OpenAiRequest } from './openai';

export interface SimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Same seed, same ids, keys and random draws. */
  seed?: number | string;
  /** A built-in profile name ("standard", "fast", "throughput") or a profile object. */
  profile?: ProfileInput | string;
  credentials?: Partial<SimCredentials>;
  config?: Partial<SimConfig>;
}

export interface Simulator {
  url: string;
  port: number;
  host: string;
  credentials: SimCredentials & { sendgridPublicKey: string };
  config: SimConfig;
  profile(): Profile;
  setProfile(profile: ProfileInput | string): Profile;
  configure(config: Partial<SimConfig>): SimConfig;
  messages(): SimMessage[];
  calls(): SimCall[];
  emails(): SimEmail[];
  telegramMessages(): SimTelegramMessage[];
  /** The bot's answers to button presses (answerCallbackQuery). */
  telegramAnswers(): { callbackQueryId: string; text: string | null }[];
  elksMessages(): SimElksSms[];
  /** Adds a Content API template (WhatsApp approval "approved" unless said otherwise). */
  addContent(input: {
    friendlyName: string;
    body: string;
    language?: string;
    variables?: Record<string, string>;
    whatsappStatus?: ApprovalStatus;
  }): SimContent;
  elksCalls(): SimElksCall[];
  /** Requests the OpenAI-compatible endpoint received, bodies exactly as sent. */
  openaiRequests(): OpenAiRequest[];
  /** The next `times` OpenAI requests (all if omitted) meet a fault; null clears. */
  failOpenAi(kind: OpenAiFault | null, times?: number): void;
  /** An SMS from a person to one of our 46elks numbers. */
  injectElksSms(input: { from: string; to: string; message: string }): Promise<SimElksSms>;
  callbacks(): OutboundRecord[];
  injectInboundMessage(input: { from: string; to: string; body: string; profileName?: string }): Promise<SimMessage>;
  injectTelegramUpdate(input: {
    chatId: string;
    text?: string;
    callbackData?: string;
    replyToMessageId?: number;
  }): Promise<Record<string, unknown>>;
  /** Posts waiting SendGrid events now instead of at the batch interval. */
  flushEmailEvents(): void;
  /** Resolves with the first notice `match` accepts, or rejects after `timeoutMs`. */
  waitFor(match: (notice: SimNotice) => boolean, timeoutMs?: number): Promise<SimNotice>;
  /** Resolves when `condition()` holds, re-checked on every notice and outbound result. */
  until(condition: () => boolean, timeoutMs?: number): Promise<void>;
  onNotice(listener: (notice: SimNotice) => void): () => void;
  reset(): void;
  close(): Promise<void>;
}

export const DEFAULT_CREDENTIALS: SimCredentials = {
  accountSid: 'AC00000000000000000000000000000001',
  authToken: 'sim_auth_token_0000000000000000',
  sendgridApiKey: 'SG.simulator.key',
  telegramBotToken: '7000000001:SIMULATOR-bot-token',
  elksUsername: 'u00000000000000000000000000000001',
  elksPassword: 'SIMULATOR46ELKSPASSWORD000000001',
  openaiApiKey: 'sk-simulator-0000000000000000',
};

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1';
  const seed = typeof options.seed === 'string' ? seedFrom(options.seed) : (options.seed ?? 1) >>> 0;
  const credentials: SimCredentials = { ...DEFAULT_CREDENTIALS, ...options.credentials };
  const config: SimConfig = {
    inboundMessageUrl: null,
    sendgridEventWebhookUrl: null,
    telegramWebhookUrl: null,
    telegramSecretToken: null,
    elksSmsUrl: null,
    twilioFailure: null,
    elksFailure: null,
    ...options.config,
  };
  let profile = parseProfile(options.profile);
  const outbound = new Outbound(() => profile);
  const core = new SimCore(seed, profile, credentials, config, outbound, '');
  const content = new TwilioContent(core);
  const messages = new TwilioMessages(core, content);
  const calls = new TwilioCalls(core);
  const sendgrid = new SendGrid(core);
  const telegram = new Telegram(core);
  const elks = new ElksApi(core);
  const openai = new OpenAiSim(() => credentials.openaiApiKey);
  let inFlight = 0;
  let apiRequests = 0;

  const setProfile = (input: ProfileInput | string): Profile => {
    profile = parseProfile(input);
    core.setProfile(profile);
    return profile;
  };

  const handleTwilio = async (req: IncomingMessage, res: ServerResponse, parts: string[], query: URLSearchParams): Promise<void> => {
    // parts: ['2010-04-01', 'Accounts', AC…, resource(.json), [sid.json]]
    const failure = apiFailureOf(config.twilioFailure);
    const auth = basicAuth(req);
    if (failure === 'auth-rejected' || !auth || auth.user !== credentials.accountSid || auth.password !== credentials.authToken) {
      throw new TwilioApiError(401, 20003, 'Authenticate');
    }
    if (failure === 'server-error') throw new TwilioApiError(503, 20500, 'Service Unavailable');
    if (failure === 'lost-answer') {
      if (req.method !== 'POST') throw new TwilioApiError(504, 20504, 'Gateway Timeout');
      // The request is handled (a message goes out); only its answer is lost on the way back.
      await handleTwilioRequest(req, null, parts, query);
      throw new TwilioApiError(504, 20504, 'Gateway Timeout');
    }
    return handleTwilioRequest(req, res, parts, query);
  };

  /** Twilio's REST API itself; `res` null: the answer is dropped (lost-answer). */
  const handleTwilioRequest = async (
    req: IncomingMessage,
    res: ServerResponse | null,
    parts: string[],
    query: URLSearchParams,
  ): Promise<void> => {
    const reply = (status: number, body: unknown): void => {
      if (res) sendJson(res, status, body);
    };
    if (parts[2] !== credentials.accountSid)
      throw new TwilioApiError(404, 20404, `The requested resource ${new URL(req.url ?? '/', 'http://x').pathname} was not found`);
    if (inFlight > profile.limits.apiConcurrency) {
      throw new TwilioApiError(429, 20429, 'Too Many Requests', { 'Twilio-Concurrent-Requests': String(inFlight) });
    }
    const apiLatency = profile.latency.api;
    if (apiLatency !== 0) await core.sleep(sampleLatency(apiLatency, core.randomFor(`api:${++apiRequests}`)));
    const resource = parts[3] ?? '';
    const sid = parts[4]?.replace(/\.json$/, '');
    const method = req.method ?? 'GET';
    const form = method === 'POST' ? await readForm(req) : {};
    if (resource === 'Messages.json' && sid === undefined) {
      if (method === 'POST') return reply(201, messageJson(messages.create(form)));
      if (method === 'GET') {
        const list = messages.list({
          to: query.get('To') ?? undefined,
          from: query.get('From') ?? undefined,
          dateSent: query.get('DateSent') ?? undefined,
          dateSentAfter: query.get('DateSent>') ?? query.get('DateSent>=') ?? undefined,
          dateSentBefore: query.get('DateSent<') ?? query.get('DateSent<=') ?? undefined,
        });
        return reply(200, page('messages', list.map(messageJson), req, query));
      }
    }
    if (resource === 'Messages' && sid !== undefined) {
      if (method === 'GET') {
        const m = messages.fetch(sid);
        if (!m) throw notFound(credentials.accountSid, 'Messages', sid);
        return reply(200, messageJson(m));
      }
      if (method === 'POST') return reply(200, messageJson(messages.update(sid, form)));
    }
    if (resource === 'Calls.json' && sid === undefined) {
      if (method === 'POST') return reply(201, callJson(calls.create(form)));
      if (method === 'GET') {
        const list = calls.list({
          to: query.get('To') ?? undefined,
          from: query.get('From') ?? undefined,
          status: query.get('Status') ?? undefined,
          startTimeAfter: query.get('StartTime>') ?? undefined,
          startTimeBefore: query.get('StartTime<') ?? undefined,
        });
        return reply(200, page('calls', list.map(callJson), req, query));
      }
    }
    if (resource === 'Calls' && sid !== undefined) {
      if (method === 'GET') {
        const c = calls.fetch(sid);
        if (!c) throw notFound(credentials.accountSid, 'Calls', sid);
        return reply(200, callJson(c));
      }
      if (method === 'POST') return reply(200, callJson(calls.update(sid, form)));
    }
    throw new TwilioApiError(404, 20404, `The requested resource ${new URL(req.url ?? '/', 'http://x').pathname} was not found`);
  };

  const handleControl = async (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> => {
    const method = req.method ?? 'GET';
    const limit = Math.max(1, Math.min(100_000, Number(query.get('limit') ?? 1000)));
    const readJson = async (): Promise<Record<string, unknown>> => {
      const raw = await readBody(req);
      if (raw.length === 0) return {};
      try {
        return JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        throw new HttpError(400, 'Body is not valid JSON');
      }
    };
    const tail = <T>(list: T[]): T[] => list.slice(-limit);
    switch (`${method} ${path}`) {
      case 'GET /_sim/info':
        return sendJson(res, 200, {
          url: sim.url,
          seed,
          profile: profile.name,
          profiles: Object.keys(builtInProfiles),
          credentials: sim.credentials,
          config,
        });
      case 'GET /_sim/profile':
        return sendJson(res, 200, profile);
      case 'PUT /_sim/profile': {
        const body = await readJson();
        try {
          return sendJson(res, 200, setProfile(typeof body.use === 'string' ? body.use : body));
        } catch (error) {
          throw new HttpError(400, `Invalid profile: ${(error as Error).message}`);
        }
      }
      case 'PUT /_sim/config': {
        const body = await readJson();
        for (const key of Object.keys(body)) {
          if (!(key in config)) throw new HttpError(400, `Unknown config key "${key}". Known: ${Object.keys(config).join(', ')}`);
          const value = body[key];
          if (value !== null && typeof value !== 'string') throw new HttpError(400, `Config "${key}" must be a string or null`);
          if (key.endsWith('Failure') && value !== null && apiFailureOf(value) === null)
            throw new HttpError(400, `Config "${key}" is "server-error", "auth-rejected", "lost-answer" or null`);
        }
        Object.assign(config, body);
        return sendJson(res, 200, config);
      }
      case 'GET /_sim/messages': {
        const to = query.get('to');
        return sendJson(
          res,
          200,
          tail([...messages.messages.values()].filter((m) => !to || m.to === to)).map((m) => ({
            ...messageJson(m),
            channel: m.channel,
            status_callback: m.statusCallback,
          })),
        );
      }
      case 'GET /_sim/calls':
        return sendJson(
          res,
          200,
          tail([...calls.calls.values()]).map((c) => ({ ...callJson(c), log: c.log, status_callback: c.statusCallback })),
        );
      case 'GET /_sim/emails':
        return sendJson(res, 200, tail([...sendgrid.emails.values()]));
      case 'POST /_sim/content': {
        const body = await readJson();
        if (typeof body.friendlyName !== 'string' || typeof body.body !== 'string')
          throw new HttpError(
            400,
            'Expected {"friendlyName": "…", "body": "Hej {{1}}", "whatsappStatus": "approved" | "pending" | "rejected"}',
          );
        const status = typeof body.whatsappStatus === 'string' ? (body.whatsappStatus as ApprovalStatus) : 'approved';
        return sendJson(res, 201, content.json(content.add({ friendlyName: body.friendlyName, body: body.body, whatsappStatus: status })));
      }
      case 'GET /_sim/elks/sms':
        return sendJson(res, 200, tail([...elks.sms.messages.values()]).map(elksSmsJson));
      case 'GET /_sim/elks/calls':
        return sendJson(res, 200, tail([...elks.calls.calls.values()]));
      case 'POST /_sim/inbound/elks-sms': {
        const body = await readJson();
        if (typeof body.from !== 'string' || typeof body.to !== 'string' || typeof body.message !== 'string')
          throw new HttpError(400, 'Expected {"from": "+46…", "to": "+46…", "message": "…"}');
        return sendJson(res, 201, elksSmsJson(await elks.sms.inject({ from: body.from, to: body.to, message: body.message })));
      }
      case 'GET /_sim/openai/requests':
        return sendJson(res, 200, tail(openai.requests));
      case 'PUT /_sim/openai/fault': {
        const body = await readJson();
        const kind = body.kind ?? null;
        if (kind !== null && !openAiFaults.includes(kind as OpenAiFault))
          throw new HttpError(400, `"kind" is one of ${openAiFaults.join(', ')} or null`);
        const times = typeof body.times === 'number' && body.times > 0 ? body.times : undefined;
        openai.fail(kind as OpenAiFault | null, times);
        return sendJson(res, 200, { ok: true });
      }
      case 'GET /_sim/telegram':
        return sendJson(res, 200, tail(telegram.messages));
      case 'GET /_sim/callbacks': {
        const kind = query.get('kind');
        return sendJson(res, 200, tail(outbound.records.filter((r) => !kind || r.kind === kind)));
      }
      case 'GET /_sim/stats':
        return sendJson(res, 200, stats());
      case 'GET /_sim/sendgrid/public-key':
        return sendJson(res, 200, { publicKey: sendgrid.publicKeyBase64 });
      case 'POST /_sim/sendgrid/flush':
        sendgrid.flush();
        return sendJson(res, 200, { ok: true });
      case 'POST /_sim/inbound/message': {
        const body = await readJson();
        if (typeof body.from !== 'string' || typeof body.to !== 'string' || typeof body.body !== 'string')
          throw new HttpError(400, 'Expected {"from": "+46…" or "whatsapp:+46…", "to": "…", "body": "…"}');
        const m = await messages.inject({ from: body.from, to: body.to, body: body.body });
        return sendJson(res, 201, messageJson(m));
      }
      case 'POST /_sim/inbound/telegram': {
        const body = await readJson();
        if (typeof body.chatId !== 'string' && typeof body.chatId !== 'number')
          throw new HttpError(400, 'Expected {"chatId": "…", "text": "…"} or {"chatId", "callbackData"}');
        if (typeof body.text !== 'string' && typeof body.callbackData !== 'string')
          throw new HttpError(400, 'Either "text" or "callbackData" is required');
        const update = await telegram.inject({
          chatId: String(body.chatId),
          text: typeof body.text === 'string' ? body.text : undefined,
          callbackData: typeof body.callbackData === 'string' ? body.callbackData : undefined,
          replyToMessageId: typeof body.replyToMessageId === 'number' ? body.replyToMessageId : undefined,
        });
        return sendJson(res, 201, update);
      }
      case 'POST /_sim/reset':
        reset();
        return sendJson(res, 200, { ok: true });
      default:
        throw new HttpError(404, `No control endpoint ${method} ${path}`);
    }
  };

  const stats = () => {
    const count = <T>(items: Iterable<T>, key: (t: T) => string): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
      return out;
    };
    return {
      messages: count(messages.messages.values(), (m) => m.status),
      elksSms: count(elks.sms.messages.values(), (m) => m.status),
      elksCalls: count(elks.calls.calls.values(), (c) => c.state),
      calls: count(calls.calls.values(), (c) => c.status),
      emails: count(sendgrid.emails.values(), (e) => e.status),
      telegram: telegram.messages.length,
      callbacks: count(outbound.records, (r) => r.state),
      pendingCallbacks: outbound.pending,
    };
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://simulator.local');
    const path = url.pathname;
    if (path.startsWith(`/${API_VERSION}/Accounts/`)) {
      inFlight++;
      try {
        await handleTwilio(req, res, path.slice(1).split('/'), url.searchParams);
      } finally {
        inFlight--;
      }
      return;
    }
    if (path.startsWith('/_sim/')) return handleControl(req, res, path, url.searchParams);
    if (path.startsWith('/a1/')) return elks.handle(req, res, path, url.searchParams);
    if (path === '/v1/chat/completions' || path === '/v1/responses' || path === '/v1/models') return openai.handle(req, res, path);
    if (path.startsWith('/v1/Content') && req.method === 'GET') {
      const auth = basicAuth(req);
      if (!auth || auth.user !== credentials.accountSid || auth.password !== credentials.authToken)
        throw new TwilioApiError(401, 20003, 'Authenticate');
      const r = content.handle(path, url.searchParams);
      return sendJson(res, r.status, r.body);
    }
    if (path === '/v3/mail/send' && req.method === 'POST') return sendgrid.handleSend(req, res, await readBody(req));
    if (path === '/v3/messages' && req.method === 'GET') return sendgrid.handleActivityList(req, res, url.searchParams);
    if (path.startsWith('/v3/messages/') && req.method === 'GET')
      return sendgrid.handleActivityGet(req, res, decodeURIComponent(path.slice(13)));
    const bot = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(path);
    if (bot) return telegram.handle(req, res, bot[1]!, bot[2]!, url.searchParams, await readBody(req));
    if (path.startsWith('/v3/')) return sendJson(res, 404, { errors: [{ message: 'resource not found', field: null, help: null }] });
    throw new HttpError(404, `Nothing simulated at ${req.method} ${path}`);
  };

  const server = http.createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof TwilioApiError) return sendTwilioError(res, error);
      if (error instanceof ElksApiError) return sendElksError(res, error);
      if (error instanceof HttpError) return sendJson(res, error.status, { error: error.message });
      log.error({ err: error, url: req.url }, 'simulator request failed');
      sendJson(res, 500, { error: 'Internal simulator error', detail: (error as Error).message });
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const displayHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const baseUrl = `http://${displayHost}:${port}`;
  core.baseUrl = baseUrl;

  const reset = (): void => {
    core.cancelTimers();
    messages.reset();
    calls.reset();
    sendgrid.reset();
    telegram.reset();
    elks.reset();
    content.reset();
    openai.reset();
    outbound.reset();
  };

  const until = (condition: () => boolean, timeoutMs = 10_000): Promise<void> =>
    new Promise((resolve, reject) => {
      if (condition()) return resolve();
      const check = (): void => {
        if (!condition()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`Simulator condition not met within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        core.off('notice', check);
        outbound.off('settled', check);
      };
      core.on('notice', check);
      outbound.on('settled', check);
    });

  const sim: Simulator = {
    url: baseUrl,
    port,
    host,
    credentials: { ...credentials, sendgridPublicKey: sendgrid.publicKeyBase64 },
    config,
    profile: () => profile,
    setProfile,
    configure: (patch) => Object.assign(config, patch),
    messages: () => [...messages.messages.values()],
    calls: () => [...calls.calls.values()],
    emails: () => [...sendgrid.emails.values()],
    telegramMessages: () => [...telegram.messages],
    telegramAnswers: () => [...telegram.answers],
    elksMessages: () => [...elks.sms.messages.values()],
    addContent: (input) => content.add(input),
    elksCalls: () => [...elks.calls.calls.values()],
    openaiRequests: () => [...openai.requests],
    failOpenAi: (kind, times) => openai.fail(kind, times),
    injectElksSms: (input) => elks.sms.inject(input),
    callbacks: () => [...outbound.records],
    injectInboundMessage: (input) => messages.inject(input),
    injectTelegramUpdate: (input) => telegram.inject(input),
    flushEmailEvents: () => sendgrid.flush(),
    waitFor: (match, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const listener = (notice: SimNotice): void => {
          if (!match(notice)) return;
          clearTimeout(timer);
          core.off('notice', listener);
          resolve(notice);
        };
        const timer = setTimeout(() => {
          core.off('notice', listener);
          reject(new Error(`No matching simulator notice within ${timeoutMs} ms`));
        }, timeoutMs);
        core.on('notice', listener);
      }),
    until,
    onNotice: (listener) => {
      core.on('notice', listener);
      return () => core.off('notice', listener);
    },
    reset,
    close: async () => {
      core.cancelTimers();
      openai.reset();
      outbound.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return sim;
}

async function readForm(req: IncomingMessage): Promise<FormParams> {
  const raw = await readBody(req);
  const type = contentType(req);
  if (raw.length && type !== 'application/x-www-form-urlencoded')
    throw new TwilioApiError(400, 20001, `Unsupported Content-Type ${type}; use application/x-www-form-urlencoded`);
  return parseForm(raw.toString('utf8'));
}

/** Twilio's list envelope with PageToken paging (the SDK follows next_page_uri). */
function page(key: string, items: unknown[], req: IncomingMessage, query: URLSearchParams): Record<string, unknown> {
  const pageSize = Math.max(1, Math.min(1000, Number(query.get('PageSize') ?? 50)));
  const pageNumber = Math.max(0, Number(query.get('Page') ?? 0));
  const token = query.get('PageToken');
  const start = token?.startsWith('PA') ? Number(token.slice(2)) || 0 : pageNumber * pageSize;
  const slice = items.slice(start, start + pageSize);
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const withPage = (p: number, offset: number): string => {
    const q = new URLSearchParams(query);
    q.set('PageSize', String(pageSize));
    q.set('Page', String(p));
    q.set('PageToken', `PA${offset}`);
    return `${path}?${q.toString()}`;
  };
  const current = Math.floor(start / pageSize);
  return {
    [key]: slice,
    end: start + slice.length - 1,
    first_page_uri: withPage(0, 0),
    next_page_uri: start + pageSize < items.length ? withPage(current + 1, start + pageSize) : null,
    page: current,
    page_size: pageSize,
    previous_page_uri: start > 0 ? withPage(Math.max(0, current - 1), Math.max(0, start - pageSize)) : null,
    start,
    uri: `${path}?${query.toString()}`,
  };
}
