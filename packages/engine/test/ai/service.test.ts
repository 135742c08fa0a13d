// AI assistance against the simulator's OpenAI-compatible endpoint, through the real
// `openai` SDK: off by default and then nothing is sent; the key sealed; what is sent
// redacted (property-tested over the request bodies the simulator received) and the answer
// restored; malformed, schema-invalid and refused answers retried once, then a plain
// refusal; 429 and timeouts reported; the month's budget enforced; every use recorded per
// user and audited by hashes, never by text; replies classified as suggestions.
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultAiSettings, type AiSettings } from '@gdial/protocol';
import { startSimulator, type Simulator } from '@gdial/simulator';
import { AiService } from '../../src/ai/service';
import { DomainError } from '../../src/errors';
import { sealedAiKeyVault } from '../../src/services/ai-key';
import { insertInboxMessage } from '../../src/store/inbox';
import { addContact, makeEnv, type TestEnv } from '../campaigns/helpers';
import { fakeSealer } from '../support/sealer';
import { emailArb, personnummerArb, phoneArb } from './arbitraries';

let sim: Simulator;
let env: TestEnv;
let ai: AiService;
let sealer: ReturnType<typeof fakeSealer>;

beforeAll(async () => {
  sim = await startSimulator({ seed: 18, profile: 'fast' });
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.reset();
  env = makeEnv();
  sealer = fakeSealer();
  ai = new AiService(env.ctx, { vault: sealedAiKeyVault(env.store, sealer.sealer, env.ctx.logger), timeoutMs: 300 });
});
afterEach(() => env.close());

const on = (patch: Partial<AiSettings> = {}): Promise<unknown> =>
  ai.saveSettings({
    ...defaultAiSettings,
    enabled: true,
    baseUrl: `${sim.url}/v1`,
    pricePerMillionInput: 20,
    pricePerMillionOutput: 80,
    ...patch,
    apiKey: sim.credentials.openaiApiKey,
  });

async function refusalOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DomainError) return err.refusal?.code;
    throw err;
  }
  return undefined;
}

const auditRows = () =>
  env.store.sqlite.prepare("SELECT actor, action, summary, params FROM audit_log WHERE action LIKE 'ai.%' ORDER BY id").all() as {
    actor: string;
    action: string;
    summary: string;
    params: string;
  }[];

describe('AI assistance', () => {
  it('is off by default: every task is refused before anything is sent', async () => {
    expect((await ai.status()).settings.enabled).toBe(false);
    expect(await refusalOf(ai.draftAlert({ notes: 'brand i hamnen', smsSegments: 1, variables: [] }))).toBe('ai.off');
    expect(await refusalOf(ai.simplify({ text: 'Text.' }))).toBe('ai.off');
    expect(await refusalOf(ai.translate({ text: 'Text.', language: 'ar' }))).toBe('ai.off');
    expect(await refusalOf(ai.classifyReplies({ limit: 10 }))).toBe(undefined); // nothing to classify, nothing asked
    expect(sim.openaiRequests()).toHaveLength(0);
  });

  it('keeps the key sealed, asks for one for the OpenAI API itself, and refuses to store one without secure storage', async () => {
    await on();
    const stored = env.store.sqlite.prepare("SELECT value FROM settings WHERE key = 'ai.apiKeySealed'").get() as { value: string };
    expect(stored.value).not.toContain(sim.credentials.openaiApiKey);
    expect((await ai.status()).keySet).toBe(true);
    await ai.saveSettings({ ...defaultAiSettings, enabled: true, apiKey: null });
    expect(await refusalOf(ai.simplify({ text: 'Text.' }))).toBe('ai.no-key');
    sealer.state.unavailable = 'no keyring';
    await expect(ai.saveSettings({ ...defaultAiSettings, apiKey: 'sk-x' })).rejects.toThrow(/secure storage/);
  });

  it('drafts an alert in MSB order within the SMS budget, with phone numbers and e-mails never sent and restored in the answer', async () => {
    await on();
    const res = await ai.draftAlert({
      notes: 'brand Ystad hamn, rök, håll fönster stängda, ring 070-123 45 67 eller skriv till rddj@ystad.se',
      smsSegments: 2,
      variables: ['förnamn'],
    });
    const body = sim.openaiRequests()[0]!.body;
    expect(body).not.toContain('070-123 45 67');
    expect(body).not.toContain('rddj@ystad.se');
    expect(body).toContain('[TELEFON_1]');
    expect(res.draft.sms).toMatch(/^VIKTIGT: Brand Ystad hamn\./);
    expect(res.draft.sms).toContain('krisinformation.se');
    expect(res.draft.sms.length).toBeLessThanOrEqual(306);
    expect(res.draft.voice).toContain('070-123 45 67');
    expect(res.draft.emailBody).toContain('rddj@ystad.se');
    expect(res.draft.voice).toContain('{{förnamn}}');
    expect(res.use.model).toBe(defaultAiSettings.models.draft);
    expect(res.use.promptTokens).toBeGreaterThan(0);
    expect(res.use.cost).toBeGreaterThan(0);
    const [usage] = ai.usage(10);
    expect(usage).toMatchObject({ user: 'Test Operatör', task: 'draft', model: res.use.model });
    const audit = auditRows().at(-1)!;
    expect(audit.action).toBe('ai.used');
    const params = JSON.parse(audit.params) as Record<string, string | number>;
    expect(params.promptHash).toMatch(/^[0-9a-f]{64}$/);
    expect(params.answerHash).toMatch(/^[0-9a-f]{64}$/);
    expect(params.hidden).toBe(2);
    expect(JSON.stringify(audit)).not.toMatch(/070|rddj|Ystad/);
  });

  it('sends no phone number, e-mail address or personnummer in any request body (property, through the SDK)', async () => {
    await on({ monthlyTokenBudget: 100_000_000 });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(phoneArb, emailArb, personnummerArb), { minLength: 1, maxLength: 4 }), async (secrets) => {
        sim.reset();
        const text = `Kontakta ${secrets.join(' eller ')} om du behöver hjälp.`;
        const res = await ai.translate({ text, language: 'en' });
        const body = sim.openaiRequests()[0]!.body;
        for (const s of secrets) expect(body).not.toContain(s);
        expect(body).not.toMatch(/\d(?:[\s\-/()+]{0,2}\d){6,}/);
        expect(res.backTranslation).toBe(text);
        expect(res.translation).toBe(`[en] ${text}`);
      }),
      { numRuns: 25 },
    );
  });

  it('retries a malformed, schema-invalid or refused answer once, then refuses plainly; tokens of failed tries still count', async () => {
    await on();
    sim.failOpenAi('malformed', 1);
    expect((await ai.simplify({ text: 'Stanna inne. Stäng fönster.' })).text).toBe('Stanna inne.\nStäng fönster.');
    expect(sim.openaiRequests()).toHaveLength(2);
    expect(sim.openaiRequests()[1]!.body).toContain('inte giltig JSON');
    sim.failOpenAi('schema-invalid', 2);
    expect(await refusalOf(ai.simplify({ text: 'Text.' }))).toBe('ai.malformed');
    sim.failOpenAi('refusal', 2);
    expect(await refusalOf(ai.translate({ text: 'Text.', language: 'so' }))).toBe('ai.refused');
    expect(ai.usage(10).map((u) => u.task)).toEqual(['translate', 'simplify', 'simplify']);
    expect(auditRows().filter((a) => a.summary.includes('no usable answer'))).toHaveLength(2);
  });

  it('reports 429, a failing server and a timeout as refusals, without retrying', async () => {
    await on();
    sim.failOpenAi('rate-limit', 1);
    expect(await refusalOf(ai.simplify({ text: 'Text.' }))).toBe('ai.rate-limited');
    sim.failOpenAi('server-error', 1);
    expect(await refusalOf(ai.simplify({ text: 'Text.' }))).toBe('ai.unreachable');
    sim.failOpenAi('timeout', 1);
    expect(await refusalOf(ai.simplify({ text: 'Text.' }))).toBe('ai.timeout');
    expect(sim.openaiRequests()).toHaveLength(3);
    expect((await ai.simplify({ text: 'Text.' })).text).toBe('Text.');
  });

  it("refuses once the month's token budget is used, before sending anything", async () => {
    await on({ monthlyTokenBudget: 50 });
    await ai.simplify({ text: 'En ganska lång text om vad som har hänt i hamnen i Ystad i kväll.' });
    const sent = sim.openaiRequests().length;
    const status = await ai.status();
    expect(status.monthTokens).toBeGreaterThanOrEqual(50);
    expect(await refusalOf(ai.simplify({ text: 'Text.' }))).toBe('ai.budget');
    expect(sim.openaiRequests()).toHaveLength(sent);
    await on({ monthlyTokenBudget: 0 });
    expect(await refusalOf(ai.translate({ text: 'Text.', language: 'en' }))).toBe('ai.budget');
  });

  it("suggests classes for replies with the senders' names hidden, stores them as suggestions and summarises an alert's replies", async () => {
    await on();
    const anna = addContact(env.store, { name: 'Anna Berg', phones: ['+46701234561'] });
    const campaignId = (
      env.store.sqlite
        .prepare(
          "INSERT INTO campaigns (name, status, priority, template_id, settings, created_by) VALUES ('Brand', 'running', 0, ?, '{}', 'Test') RETURNING id",
        )
        .get((env.store.sqlite.prepare("INSERT INTO templates (name) VALUES ('T') RETURNING id").get() as { id: number }).id) as {
        id: number;
      }
    ).id;
    const texts = ['Vi är instängda, Anna Berg här, hjälp!', 'Vem betalar?', 'ok mottaget', 'Fint väder idag'];
    const ids = env.store.transaction((tx) =>
      texts.map((text, i) =>
        insertInboxMessage(tx, {
          eventKey: `k${i}`,
          receivedAt: new Date().toISOString(),
          channel: 'sms',
          from: '+46701234561',
          text,
          campaignId,
          recipientId: null,
          contactId: anna,
        }),
      ),
    );
    const res = await ai.classifyReplies({ campaignId, limit: 50 });
    expect(res.suggestions.map((s) => s.category)).toEqual(['behöver-hjälp', 'fråga', 'bekräftelse', 'övrigt']);
    expect(res.suggestions[0]!.summary).toContain('Anna Berg');
    const body = sim.openaiRequests()[0]!.body;
    expect(body).not.toContain('Anna Berg');
    expect(body).not.toContain(`"id":${ids[0]}`);
    expect(
      ai
        .replySuggestions(ids)
        .map((s) => s.inboxId)
        .sort(),
    ).toEqual([...ids].sort());
    // Nothing is left to classify; the inbox itself is unchanged (nothing handled by the AI).
    expect((await ai.classifyReplies({ campaignId, limit: 50 })).suggestions).toEqual([]);
    expect(env.store.sqlite.prepare('SELECT COUNT(*) AS n FROM inbox_messages WHERE handled = 1').get()).toEqual({ n: 0 });
    const summary = await ai.summariseReplies({ campaignId });
    expect(summary).toMatchObject({ summary: '4 svar: 1 behöver hjälp, 1 frågor.', replies: 4 });
    expect(await refusalOf(ai.summariseReplies({ campaignId: 9999 }))).toBe('not-found');
  });
});
