// An OpenAI-compatible language model for tests and the demo: the Chat Completions and Responses
// routes the official `openai` SDK calls (streaming included), answering deterministically from
// the request instead of from a model. GDial's AI tasks name their JSON schema (alert_draft,
// easy_swedish, translation, reply_classes, reply_summary); each has a plain transform of the
// request's data (echo-based, so the placeholders GDial sends come back and tests can check
// what was sent). Any other schema is filled from its shape. Faults make the next answers
// malformed, schema-invalid, refused, rate-limited (429), failing (500) or never answered.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, readBody, sendJson } from './http';

export const openAiFaults = ['malformed', 'schema-invalid', 'refusal', 'rate-limit', 'server-error', 'timeout'] as const;
export type OpenAiFault = (typeof openAiFaults)[number];

/** One request the endpoint received, with its body exactly as sent. */
export interface OpenAiRequest {
  path: string;
  model: string | null;
  body: string;
  at: string;
}

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: unknown[];
  required?: string[];
}

interface Answer {
  /** The assistant's text (JSON for a structured request); null when refused. */
  content: string | null;
  refusal: string | null;
}

const REFUSAL = "I'm sorry, but I can't help with that request.";

export class OpenAiSim {
  readonly requests: OpenAiRequest[] = [];
  private faults: { kind: OpenAiFault; remaining: number }[] = [];
  private counter = 0;
  private readonly hanging = new Set<ServerResponse>();

  constructor(private readonly apiKey: () => string) {}

  /** The next `times` requests (every one if omitted) meet `kind`; null clears. */
  fail(kind: OpenAiFault | null, times = Number.POSITIVE_INFINITY): void {
    this.faults = kind === null ? [] : [...this.faults, { kind, remaining: times }];
  }

  reset(): void {
    this.requests.length = 0;
    this.faults = [];
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
  }

  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (req.headers.authorization !== `Bearer ${this.apiKey()}`) {
      return sendOpenAiError(res, 401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
    }
    if (req.method === 'GET' && path === '/v1/models') {
      return sendJson(res, 200, { object: 'list', data: [{ id: 'gdial-sim', object: 'model', created: 0, owned_by: 'gdial' }] });
    }
    if (req.method !== 'POST' || (path !== '/v1/chat/completions' && path !== '/v1/responses'))
      throw new HttpError(404, `Nothing simulated at ${req.method} ${path}`);
    const raw = (await readBody(req)).toString('utf8');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return sendOpenAiError(res, 400, 'We could not parse the JSON body of your request.', 'invalid_request_error', null);
    }
    const model = typeof body.model === 'string' ? body.model : null;
    this.requests.push({ path, model, body: raw, at: new Date().toISOString() });
    if (!model) return sendOpenAiError(res, 400, 'you must provide a model parameter', 'invalid_request_error', null);

    const fault = this.takeFault();
    if (fault === 'rate-limit')
      return sendOpenAiError(res, 429, 'Rate limit reached for requests.', 'requests', 'rate_limit_exceeded', { 'retry-after': '1' });
    if (fault === 'server-error')
      return sendOpenAiError(res, 500, 'The server had an error while processing your request.', 'server_error', null);
    if (fault === 'timeout') {
      // Never answered; the client's timeout ends it (reset and close end it here).
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return;
    }
    const id = ++this.counter;
    if (path === '/v1/chat/completions') {
      const messages = Array.isArray(body.messages) ? (body.messages as { role?: string; content?: unknown }[]) : [];
      const format = body.response_format as { type?: string; json_schema?: { name?: string; schema?: JsonSchema } } | undefined;
      const schema = format?.type === 'json_schema' ? format.json_schema : undefined;
      const answer = applyFault(fault, answerFor(userTextOf(messages), schema?.name ?? null, schema?.schema ?? null));
      const usage = { prompt_tokens: tokens(raw), completion_tokens: tokens(answer.content ?? answer.refusal ?? ''), total_tokens: 0 };
      usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
      if (body.stream === true) return streamChat(res, id, model, answer, usage, includeUsage(body));
      return sendJson(res, 200, {
        id: `chatcmpl-sim${id}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: answer.content, refusal: answer.refusal },
            logprobs: null,
            finish_reason: 'stop',
          },
        ],
        usage,
      });
    }
    // Responses API: `instructions` + `input` (a string or messages), `text.format` for structure.
    const input = body.input;
    const userText =
      typeof input === 'string' ? input : Array.isArray(input) ? userTextOf(input as { role?: string; content?: unknown }[]) : '';
    const format = (body.text as { format?: { type?: string; name?: string; schema?: JsonSchema } } | undefined)?.format;
    const structured = format?.type === 'json_schema' ? format : undefined;
    const answer = applyFault(fault, answerFor(userText, structured?.name ?? null, structured?.schema ?? null));
    const usage = { input_tokens: tokens(raw), output_tokens: tokens(answer.content ?? answer.refusal ?? ''), total_tokens: 0 };
    usage.total_tokens = usage.input_tokens + usage.output_tokens;
    const response = responseObject(id, model, answer, usage);
    if (body.stream === true) return streamResponse(res, response, answer);
    return sendJson(res, 200, response);
  }

  private takeFault(): OpenAiFault | null {
    const next = this.faults[0];
    if (!next) return null;
    if (--next.remaining <= 0) this.faults.shift();
    return next.kind;
  }
}

function sendOpenAiError(
  res: ServerResponse,
  status: number,
  message: string,
  type: string,
  code: string | null,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { error: { message, type, param: null, code } }, headers);
}

/**
 * The text of the first user message (content as a string or as parts): the task's data. A
 * retry appends the rejected answer and what was wrong with it; the data stays first.
 */
function userTextOf(messages: { role?: string; content?: unknown }[]): string {
  const user = messages.find((m) => m.role === 'user');
  if (!user) return '';
  if (typeof user.content === 'string') return user.content;
  if (Array.isArray(user.content))
    return (user.content as { text?: unknown }[]).map((p) => (typeof p.text === 'string' ? p.text : '')).join('');
  return '';
}

/** A rough token count (four characters a token), enough for budgets to move. */
function tokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function includeUsage(body: Record<string, unknown>): boolean {
  return (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
}

function applyFault(fault: OpenAiFault | null, answer: Answer): Answer {
  switch (fault) {
    case 'malformed':
      return { content: (answer.content ?? '{}').slice(0, Math.max(1, Math.floor((answer.content ?? '{}').length / 2))), refusal: null };
    case 'schema-invalid':
      return { content: JSON.stringify({ unexpected: 'this is not what the schema asked for' }), refusal: null };
    case 'refusal':
      return { content: null, refusal: REFUSAL };
    case null:
    case 'rate-limit':
    case 'server-error':
    case 'timeout':
      return answer;
  }
}

/** The deterministic answer: a task's transform of the user's JSON, or the schema filled. */
export function answerFor(userText: string, schemaName: string | null, schema: JsonSchema | null): Answer {
  if (!schemaName) return { content: `Simulerat svar: ${userText}`, refusal: null };
  let data: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(userText) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) data = parsed as Record<string, unknown>;
  } catch {
    data = { text: userText };
  }
  const task = tasks[schemaName];
  const value = task ? task(data) : fill(schema ?? {}, userText);
  return { content: JSON.stringify(value), refusal: null };
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

const tasks: Record<string, (data: Record<string, unknown>) => unknown> = {
  alert_draft: (d) => {
    const notes = str(d.notes).trim().replace(/\s+/g, ' ');
    const parts = notes
      .split(/[,;.]/)
      .map((p) => p.trim())
      .filter(Boolean);
    const [what = notes, ...rest] = parts;
    const advice = rest.length ? rest.join('. ') : 'Följ myndigheternas råd';
    const learnMore = 'Mer information: krisinformation.se och P4. Frågor: 113 13.';
    const max = typeof d.smsMaxChars === 'number' && d.smsMaxChars > 0 ? d.smsMaxChars : 160;
    let sms = `VIKTIGT: ${cap(what)}. ${cap(advice)}. ${learnMore}`;
    if (sms.length > max) sms = `VIKTIGT: ${cap(what)}. ${cap(advice)}. Info: krisinformation.se`;
    if (sms.length > max) sms = sms.slice(0, max);
    const vars = Array.isArray(d.variables) ? (d.variables as unknown[]).map(str).filter(Boolean) : [];
    const greeting = vars.includes('förnamn') ? 'Hej {{förnamn}}. ' : '';
    return {
      sms,
      voice: `${greeting}Det här är ett viktigt meddelande. ${cap(what)}. ${cap(advice)}. ${learnMore}`,
      emailSubject: `Viktigt meddelande: ${cap(what)}`.slice(0, 120),
      emailBody: `${greeting}\nVad har hänt: ${cap(what)}.\nVad ska du göra: ${cap(advice)}.\n${learnMore}`.trim(),
    };
  },
  easy_swedish: (d) => {
    const sentences = str(d.text)
      .split(/(?<=[.!?])\s+/)
      .map((s) => s.trim())
      .filter(Boolean);
    return { text: sentences.join('\n') };
  },
  translation: (d) => ({ translation: `[${str(d.language)}] ${str(d.text)}`, backTranslation: str(d.text) }),
  reply_classes: (d) => {
    const replies = Array.isArray(d.replies) ? (d.replies as { id?: unknown; text?: unknown }[]) : [];
    return {
      replies: replies.map((r) => {
        const text = str(r.text).trim();
        return { id: r.id, category: classify(text), summary: `Svar: ${text.slice(0, 60)}` };
      }),
    };
  },
  reply_summary: (d) => {
    const replies = Array.isArray(d.replies) ? (d.replies as { text?: unknown; category?: unknown }[]) : [];
    const help = replies.filter((r) => classify(str(r.text)) === 'behöver-hjälp').length;
    const questions = replies.filter((r) => classify(str(r.text)) === 'fråga').length;
    return { summary: `${replies.length} svar: ${help} behöver hjälp, ${questions} frågor.` };
  },
};

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The simulated model's reading of a reply: a few Swedish words, nothing more. */
function classify(text: string): string {
  const t = text.toLowerCase();
  if (/hjälp|instängd|skadad|brinner|kan inte ta mig|akut/.test(t)) return 'behöver-hjälp';
  if (t.includes('?')) return 'fråga';
  if (/^(ok|ja|mottaget|uppfattat|tack|jag är säker|vi är säkra|allt bra)/.test(t)) return 'bekräftelse';
  return 'övrigt';
}

/** A value of the schema's shape: strings echo the request, enums take their first value. */
function fill(schema: JsonSchema, text: string): unknown {
  if (schema.enum?.length) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type ?? 'string') {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries(schema.properties ?? {})) out[key] = fill(sub, text);
      return out;
    }
    case 'array':
      return [fill(schema.items ?? {}, text)];
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    default:
      return text;
  }
}

function chunksOf(text: string, size = 24): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function sse(res: ServerResponse, data: unknown, event?: string): void {
  res.write(`${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
}

function streamChat(
  res: ServerResponse,
  id: number,
  model: string,
  answer: Answer,
  usage: Record<string, number>,
  withUsage: boolean,
): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  const base = { id: `chatcmpl-sim${id}`, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model };
  const chunk = (delta: Record<string, unknown>, finish: string | null) =>
    sse(res, { ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
  chunk({ role: 'assistant', content: '' }, null);
  if (answer.refusal !== null) chunk({ refusal: answer.refusal }, null);
  for (const piece of chunksOf(answer.content ?? '')) chunk({ content: piece }, null);
  chunk({}, 'stop');
  if (withUsage) sse(res, { ...base, choices: [], usage });
  sse(res, '[DONE]');
  res.end();
}

function responseObject(id: number, model: string, answer: Answer, usage: Record<string, number>): Record<string, unknown> {
  const content =
    answer.refusal !== null
      ? [{ type: 'refusal', refusal: answer.refusal }]
      : [{ type: 'output_text', text: answer.content ?? '', annotations: [], logprobs: [] }];
  return {
    id: `resp_sim${id}`,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: 'completed',
    error: null,
    incomplete_details: null,
    model,
    output: [{ type: 'message', id: `msg_sim${id}`, status: 'completed', role: 'assistant', content }],
    parallel_tool_calls: false,
    tool_choice: 'auto',
    tools: [],
    usage,
  };
}

function streamResponse(res: ServerResponse, response: Record<string, unknown>, answer: Answer): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  let seq = 0;
  const event = (type: string, data: Record<string, unknown>) => sse(res, { type, sequence_number: seq++, ...data }, type);
  const itemId = (response.output as { id: string }[])[0]!.id;
  event('response.created', { response: { ...response, status: 'in_progress', output: [] } });
  if (answer.content !== null) {
    for (const delta of chunksOf(answer.content))
      event('response.output_text.delta', { item_id: itemId, output_index: 0, content_index: 0, delta, logprobs: [] });
    event('response.output_text.done', { item_id: itemId, output_index: 0, content_index: 0, text: answer.content, logprobs: [] });
  }
  event('response.completed', { response });
  res.end();
}
