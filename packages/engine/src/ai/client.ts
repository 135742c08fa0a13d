// One structured question to an OpenAI-compatible server through the official `openai` SDK:
// Chat Completions with a strict JSON schema (the route every compatible server — llama.cpp,
// Ollama, vLLM — speaks), the answer checked with zod. Servers differ in how well they keep
// to a schema, so an answer that is refused, not JSON or not of the schema's shape is asked
// for once more (saying what was wrong); a second such answer is reported as a refusal code.
// Network failures, 429 and timeouts are not retried here: the operator sees them at once
// and can try again (the console never waits on AI for anything else).
import OpenAI from 'openai';
import { refusal } from '@gdial/protocol';
import { z } from 'zod';
import { DomainError } from '../errors';

export interface AiEndpoint {
  /** null: the OpenAI API. */
  baseUrl: string | null;
  apiKey: string | null;
  timeoutMs: number;
}

export interface AskInput<T> {
  model: string;
  /** The schema's name, as the server sees it (the simulator answers by it). */
  name: string;
  schema: z.ZodType<T>;
  system: string;
  /** The user message, already redacted. */
  user: string;
  /**
   * A check of the parsed answer beyond its shape (an SMS longer than its budget): the
   * problem in a sentence for the model, or null. A second failing answer is returned as it
   * is, for the operator to edit.
   */
  check?: (value: T) => string | null;
}

export interface Answer<T> {
  value: T;
  model: string;
  promptTokens: number;
  completionTokens: number;
  /** Exactly what was sent and received, for the audit's hashes. */
  sent: string;
  received: string;
}

/** What one try returned, before it is judged. */
type Attempt<T> = { ok: true; value: T; raw: string } | { ok: false; kind: 'refused' | 'malformed'; problem: string; raw: string };

export async function ask<T>(endpoint: AiEndpoint, input: AskInput<T>): Promise<Answer<T>> {
  const client = new OpenAI({
    apiKey: endpoint.apiKey ?? 'no-key',
    baseURL: endpoint.baseUrl ?? 'https://api.openai.com/v1',
    maxRetries: 0,
    timeout: endpoint.timeoutMs,
  });
  const jsonSchema = z.toJSONSchema(input.schema) as Record<string, unknown>;
  delete jsonSchema.$schema;
  const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
    { role: 'system', content: input.system },
    { role: 'user', content: input.user },
  ];
  let promptTokens = 0;
  let completionTokens = 0;
  let model = input.model;
  const received: string[] = [];
  let last: Attempt<T> | null = null;
  for (let attempt = 0; attempt < 2; attempt++) {
    const completion = await call(client, endpoint, {
      model: input.model,
      messages,
      response_format: { type: 'json_schema', json_schema: { name: input.name, strict: true, schema: jsonSchema } },
    });
    promptTokens += completion.usage?.prompt_tokens ?? 0;
    completionTokens += completion.usage?.completion_tokens ?? 0;
    model = completion.model || model;
    const message = completion.choices[0]?.message;
    last = judge(input.schema, message?.content ?? null, message?.refusal ?? null);
    received.push(last.raw);
    const sent = JSON.stringify(messages);
    const done = (value: T): Answer<T> => ({ value, model, promptTokens, completionTokens, sent, received: received.join('\n') });
    if (last.ok) {
      const problem = input.check?.(last.value) ?? null;
      if (problem === null || attempt === 1) return done(last.value);
      messages.push({ role: 'assistant', content: last.raw }, { role: 'user', content: problem });
      continue;
    }
    messages.push(
      { role: 'assistant', content: last.raw || '(inget svar)' },
      { role: 'user', content: `${last.problem} Svara igen, endast med JSON enligt schemat.` },
    );
  }
  const failed = last as Extract<Attempt<T>, { ok: false }>;
  throw new AiFailure(failed.kind, model, promptTokens, completionTokens);
}

function judge<T>(schema: z.ZodType<T>, content: string | null, refused: string | null): Attempt<T> {
  if (refused) return { ok: false, kind: 'refused', problem: 'Du avböjde att svara.', raw: refused };
  if (!content) return { ok: false, kind: 'malformed', problem: 'Svaret var tomt.', raw: '' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return { ok: false, kind: 'malformed', problem: 'Svaret var inte giltig JSON.', raw: content };
  }
  const result = schema.safeParse(parsed);
  if (!result.success) return { ok: false, kind: 'malformed', problem: 'Svaret följde inte JSON-schemat.', raw: content };
  return { ok: true, value: result.data, raw: content };
}

async function call(
  client: OpenAI,
  endpoint: AiEndpoint,
  body: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming,
): Promise<OpenAI.Chat.ChatCompletion> {
  try {
    return await client.chat.completions.create(body);
  } catch (err) {
    if (err instanceof OpenAI.APIConnectionTimeoutError)
      throw new DomainError(
        'TIMEOUT',
        'the AI did not answer in time',
        undefined,
        refusal('ai.timeout', { seconds: Math.round(endpoint.timeoutMs / 1000) }),
      );
    if (err instanceof OpenAI.RateLimitError)
      throw new DomainError('UNAVAILABLE', 'the AI server asks us to slow down', undefined, refusal('ai.rate-limited'));
    if (err instanceof OpenAI.APIError) {
      const message = err.status ? `HTTP ${err.status}: ${err.message}` : err.message;
      throw new DomainError('UNAVAILABLE', `the AI server failed: ${message}`, undefined, refusal('ai.unreachable', { message }));
    }
    throw err;
  }
}

/** Two answers refused or not of the asked-for shape; the tokens they cost still count. */
export class AiFailure extends Error {
  constructor(
    readonly kind: 'refused' | 'malformed',
    readonly model: string,
    readonly promptTokens: number,
    readonly completionTokens: number,
  ) {
    super(kind === 'refused' ? `the model ${model} refused twice` : `the model ${model} answered outside the schema twice`);
  }

  toDomainError(): DomainError {
    return new DomainError('UNAVAILABLE', this.message, undefined, refusal(`ai.${this.kind}`, { model: this.model }));
  }
}
