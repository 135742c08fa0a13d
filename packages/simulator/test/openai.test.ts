import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startSimulator, type Simulator } from '../src';

let sim: Simulator;
let client: OpenAI;

beforeAll(async () => {
  sim = await startSimulator({ seed: 5, profile: 'fast' });
  client = new OpenAI({ apiKey: sim.credentials.openaiApiKey, baseURL: `${sim.url}/v1`, maxRetries: 0, timeout: 2_000 });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const translationFormat = {
  type: 'json_schema' as const,
  json_schema: {
    name: 'translation',
    strict: true,
    schema: {
      type: 'object',
      properties: { translation: { type: 'string' }, backTranslation: { type: 'string' } },
      required: ['translation', 'backTranslation'],
      additionalProperties: false,
    },
  },
};

describe('OpenAI-compatible endpoint', () => {
  it('answers a structured chat completion from the request and records the body as sent', async () => {
    const completion = await client.chat.completions.create({
      model: 'gdial-sim',
      messages: [
        { role: 'system', content: 'Översätt.' },
        { role: 'user', content: JSON.stringify({ text: 'Ring [TELEFON_1].', language: 'ar' }) },
      ],
      response_format: translationFormat,
    });
    expect(JSON.parse(completion.choices[0]!.message.content!)).toEqual({
      translation: '[ar] Ring [TELEFON_1].',
      backTranslation: 'Ring [TELEFON_1].',
    });
    expect(completion.usage!.total_tokens).toBeGreaterThan(0);
    expect(sim.openaiRequests()).toHaveLength(1);
    expect(sim.openaiRequests()[0]!.body).toContain('[TELEFON_1]');
  });

  it('streams a chat completion as server-sent events the SDK assembles', async () => {
    const stream = await client.chat.completions.create({
      model: 'gdial-sim',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: JSON.stringify({ text: 'Brand i hamnen. Stäng fönster.' }) }],
      response_format: { ...translationFormat, json_schema: { ...translationFormat.json_schema, name: 'easy_swedish' } },
    });
    let text = '';
    let usage = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage?.total_tokens ?? usage;
    }
    expect(JSON.parse(text)).toEqual({ text: 'Brand i hamnen.\nStäng fönster.' });
    expect(usage).toBeGreaterThan(0);
  });

  it('answers the Responses API, streamed and not, with refusals as content parts', async () => {
    const input = JSON.stringify({ text: 'Hej', language: 'en' });
    const format = { type: 'json_schema' as const, name: 'translation', strict: true, schema: translationFormat.json_schema.schema };
    const response = await client.responses.create({ model: 'gdial-sim', instructions: 'Översätt.', input, text: { format } });
    expect(JSON.parse(response.output_text)).toEqual({ translation: '[en] Hej', backTranslation: 'Hej' });
    const stream = await client.responses.create({ model: 'gdial-sim', input, text: { format }, stream: true });
    let streamed = '';
    for await (const event of stream) if (event.type === 'response.output_text.delta') streamed += event.delta;
    expect(streamed).toBe(response.output_text);
    sim.failOpenAi('refusal', 1);
    const refused = await client.responses.create({ model: 'gdial-sim', input, text: { format } });
    const part = (refused.output[0] as { content: { type: string }[] }).content[0]!;
    expect(part.type).toBe('refusal');
  });

  it('meets faults: malformed, schema-invalid, refusal, 429, 500, timeout, then answers again', async () => {
    const ask = () =>
      client.chat.completions.create({
        model: 'gdial-sim',
        messages: [{ role: 'user', content: JSON.stringify({ text: 'Hej', language: 'en' }) }],
        response_format: translationFormat,
      });
    sim.failOpenAi('malformed', 1);
    const malformed = (await ask()).choices[0]!.message.content!;
    expect(() => JSON.parse(malformed) as unknown).toThrow();
    sim.failOpenAi('schema-invalid', 1);
    expect(JSON.parse((await ask()).choices[0]!.message.content!)).not.toHaveProperty('translation');
    sim.failOpenAi('refusal', 1);
    const refused = (await ask()).choices[0]!.message;
    expect(refused.content).toBeNull();
    expect(refused.refusal).toMatch(/can't help/);
    sim.failOpenAi('rate-limit', 1);
    await expect(ask()).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    sim.failOpenAi('server-error', 1);
    await expect(ask()).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    sim.failOpenAi('timeout', 1);
    const quick = new OpenAI({ apiKey: sim.credentials.openaiApiKey, baseURL: `${sim.url}/v1`, maxRetries: 0, timeout: 200 });
    await expect(quick.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(
      OpenAI.APIConnectionTimeoutError,
    );
    expect(JSON.parse((await ask()).choices[0]!.message.content!)).toHaveProperty('translation', '[en] Hej');
  });

  it('refuses a wrong key with 401 and fills an unknown schema from its shape', async () => {
    const wrong = new OpenAI({ apiKey: 'sk-wrong', baseURL: `${sim.url}/v1`, maxRetries: 0 });
    await expect(wrong.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const completion = await client.chat.completions.create({
      model: 'gdial-sim',
      messages: [{ role: 'user', content: 'ord' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'other',
          schema: {
            type: 'object',
            properties: {
              a: { type: 'string' },
              n: { type: 'integer' },
              k: { type: 'string', enum: ['x', 'y'] },
              l: { type: 'array', items: { type: 'boolean' } },
            },
          },
        },
      },
    });
    expect(JSON.parse(completion.choices[0]!.message.content!)).toEqual({ a: 'ord', n: 1, k: 'x', l: [true] });
  });
});
