// A profile is the simulated world: how fast providers answer and what happens to each
// recipient. Rules match recipients by a regular expression on the address (E.164 number,
// email address or Telegram chat id), so a test or a benchmark picks its world by choosing
// numbers ("ends in 0 fails", "ends in 7 does not answer").
import { z } from 'zod';
import type { Random } from './prng';

/** Milliseconds: a fixed value, uniform between min and max, or log-normal around a median. */
export const latencySchema = z.union([
  z.number().nonnegative(),
  z.object({ min: z.number().nonnegative(), max: z.number().nonnegative() }).refine((v) => v.max >= v.min, 'max must be ≥ min'),
  z.object({ median: z.number().positive(), sigma: z.number().nonnegative(), max: z.number().positive().optional() }),
]);
export type Latency = z.infer<typeof latencySchema>;

export function sampleLatency(latency: Latency, random: Random): number {
  if (typeof latency === 'number') return latency;
  if ('min' in latency) return latency.min + random.next() * (latency.max - latency.min);
  // Box–Muller; the log-normal keeps the long tail real networks have.
  const u = Math.max(random.next(), 1e-12);
  const v = random.next();
  const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  const value = latency.median * Math.exp(latency.sigma * normal);
  return latency.max === undefined ? value : Math.min(value, latency.max);
}

export const simChannels = ['sms', 'whatsapp', 'voice', 'email', 'telegram'] as const;
export type SimChannel = (typeof simChannels)[number];

export const answeredByValues = [
  'human',
  'machine_start',
  'machine_end_beep',
  'machine_end_silence',
  'machine_end_other',
  'fax',
  'unknown',
] as const;

const digitsSchema = z.string().regex(/^[0-9*#]*$/, 'digits are 0-9, * and #');

export const outcomeRuleSchema = z.object({
  /** Regular expression tested against the address without a `whatsapp:` prefix. */
  match: z.string().refine((s) => {
    try {
      new RegExp(s);
      return true;
    } catch {
      return false;
    }
  }, 'not a valid regular expression'),
  /** Channels the rule applies to; all when absent. */
  channels: z.array(z.enum(simChannels)).optional(),
  /** The API refuses the request synchronously with this Twilio error code. */
  rejectCode: z
    .union([z.literal(21211), z.literal(21408), z.literal(21610), z.literal(21614), z.literal(21611), z.literal(21612)])
    .optional(),
  /** The API fails with HTTP 500/20500 for this recipient (the message is not created). */
  serverError: z.boolean().optional(),
  /** Final message status and, for undelivered/failed, the asynchronous error code. */
  message: z
    .object({
      status: z.enum(['delivered', 'undelivered', 'failed', 'sent', 'read']),
      errorCode: z.number().int().optional(),
    })
    .optional(),
  call: z
    .object({
      outcome: z.enum(['answered', 'busy', 'no-answer', 'failed']),
      answeredBy: z.enum(answeredByValues).optional(),
      /** What the callee presses at each Gather in turn; "" or null presses nothing. The last entry repeats. */
      digits: z.union([digitsSchema, z.null(), z.array(z.union([digitsSchema, z.null()]))]).optional(),
      /** Seconds the callee stays on the line at most (hangs up early when shorter than the flow). */
      hangUpAfterSec: z.number().positive().optional(),
    })
    .optional(),
  email: z
    .object({
      outcome: z.enum(['delivered', 'bounce', 'blocked', 'dropped', 'deferred-then-delivered', 'deferred-then-bounce']),
      open: z.boolean().optional(),
      click: z.string().url().optional(),
      unsubscribe: z.boolean().optional(),
      spamreport: z.boolean().optional(),
    })
    .optional(),
  telegram: z.object({ outcome: z.enum(['ok', 'blocked', 'chat-not-found']) }).optional(),
  /** The person answers an SMS, WhatsApp or Telegram message with this text. */
  reply: z.string().optional(),
});
export type OutcomeRule = z.infer<typeof outcomeRuleSchema>;

export const profileSchema = z.object({
  name: z.string().default('custom'),
  latency: z
    .object({
      /** Time the REST APIs take to answer (makes API concurrency limits meaningful). */
      api: latencySchema.default(0),
      messageSent: latencySchema.default({ min: 20, max: 120 }),
      messageFinal: latencySchema.default({ median: 400, sigma: 0.6, max: 5000 }),
      reply: latencySchema.default({ min: 500, max: 2000 }),
      callRinging: latencySchema.default({ min: 100, max: 400 }),
      callAnswer: latencySchema.default({ min: 500, max: 2500 }),
      email: latencySchema.default({ min: 50, max: 400 }),
    })
    .prefault({}),
  /**
   * Real seconds per simulated second inside a call (Pause, Gather timeouts, speech).
   * 0 runs calls as fast as the webhooks answer; 1 is real time.
   */
  voiceTimeScale: z.number().min(0).max(1).default(0.02),
  limits: z
    .object({
      /** Outbound messages per second per sender; excess queues (Twilio) or is refused with 20429. */
      messagesPerSecondPerSender: z.number().positive().default(10),
      whatsappPerSecondPerSender: z.number().positive().default(80),
      callsPerSecondPerAccount: z.number().positive().default(1),
      /** 'queue' as Twilio does for senders; 'reject' answers 429/20429 at once. */
      overflow: z.enum(['queue', 'reject']).default('queue'),
      /** Seconds of backlog a sender's queue holds before refusing with 21611. */
      senderQueueSeconds: z.number().positive().default(14_400),
      /** Concurrent REST requests per account before 429/20429. */
      apiConcurrency: z.number().int().positive().default(1000),
      telegramPerSecondPerChat: z.number().positive().default(1),
      telegramBurstPerChat: z.number().int().positive().default(3),
      telegramPerSecond: z.number().positive().default(30),
      sendgridPerSecond: z.number().positive().default(10_000),
    })
    .prefault({}),
  callbacks: z
    .object({
      /** Off for huge benchmark runs that only measure the API. */
      enabled: z.boolean().default(true),
      /** Attempts per callback on non-2xx or connection failure, like the providers' bounded retries. */
      maxAttempts: z.number().int().min(1).max(20).default(6),
      retryBaseMs: z.number().int().nonnegative().default(200),
      timeoutMs: z.number().int().positive().default(15_000),
      /** Callbacks in flight at once across the simulator. */
      concurrency: z.number().int().positive().default(64),
      /** Keep a record of every callback attempt for the control API. */
      record: z.boolean().default(true),
      /** Records kept at most; the oldest are dropped first, so long runs stay bounded. */
      recordLimit: z.number().int().positive().default(200_000),
    })
    .prefault({}),
  sendgrid: z
    .object({
      batchSize: z.number().int().min(1).max(1000).default(100),
      batchIntervalMs: z.number().int().nonnegative().default(50),
    })
    .prefault({}),
  whatsapp: z.object({ enforceSessionWindow: z.boolean().default(true) }).prefault({}),
  /** Country prefixes the account may send to (Twilio geo permissions); others get 21408. "+" allows all. */
  allowedPrefixes: z
    .array(z.string().regex(/^\+\d*$/, 'a prefix like +46'))
    .default(['+46', '+47', '+45', '+358', '+354', '+44', '+49', '+1']),
  rules: z.array(outcomeRuleSchema).default([]),
});
export type Profile = z.infer<typeof profileSchema>;
export type ProfileInput = z.input<typeof profileSchema>;

/**
 * The default world: most people receive and press 1; the last digit of a number decides
 * the exceptions, so demos and tests can pick behaviour by choosing numbers.
 */
export const standardRules: OutcomeRule[] = [
  { match: '^\\+468', channels: ['sms', 'whatsapp'], rejectCode: 21614 },
  { match: '^\\+46709999', channels: ['sms', 'whatsapp', 'voice'], serverError: true },
  { match: '0$', channels: ['sms', 'whatsapp'], message: { status: 'undelivered', errorCode: 30003 } },
  { match: '0$', channels: ['voice'], call: { outcome: 'failed' } },
  { match: '1$', channels: ['sms', 'whatsapp'], reply: '1' },
  { match: '5$', channels: ['sms', 'whatsapp'], message: { status: 'failed', errorCode: 30005 } },
  { match: '6$', channels: ['voice'], call: { outcome: 'busy' } },
  { match: '7$', channels: ['voice'], call: { outcome: 'no-answer' } },
  { match: '8$', channels: ['voice'], call: { outcome: 'answered', answeredBy: 'machine_end_beep', digits: null } },
  { match: '9$', channels: ['voice'], call: { outcome: 'answered', answeredBy: 'human', digits: null } },
  { match: '^bounce', channels: ['email'], email: { outcome: 'bounce' } },
  { match: '^blocked', channels: ['email'], email: { outcome: 'blocked' } },
  { match: '^dropped', channels: ['email'], email: { outcome: 'dropped' } },
  { match: '^deferred', channels: ['email'], email: { outcome: 'deferred-then-delivered' } },
  { match: '^open', channels: ['email'], email: { outcome: 'delivered', open: true, click: 'https://example.org/info' } },
  { match: '^unsubscribe', channels: ['email'], email: { outcome: 'delivered', open: true, unsubscribe: true } },
  { match: '^-?\\d*0$', channels: ['telegram'], telegram: { outcome: 'blocked' } },
  { match: '^-?\\d*9$', channels: ['telegram'], telegram: { outcome: 'chat-not-found' } },
];

export const builtInProfiles: Record<string, ProfileInput> = {
  standard: { name: 'standard', rules: standardRules },
  /** Tests: same rules, near-zero latencies. */
  fast: {
    name: 'fast',
    rules: standardRules,
    latency: { messageSent: 1, messageFinal: { min: 1, max: 5 }, reply: 5, callRinging: 1, callAnswer: { min: 1, max: 5 }, email: 1 },
    voiceTimeScale: 0,
    limits: { callsPerSecondPerAccount: 50 },
    callbacks: { retryBaseMs: 20 },
    sendgrid: { batchIntervalMs: 5 },
  },
  /** Benchmarks measuring the API only: everything delivers, no limits, no callbacks. */
  throughput: {
    name: 'throughput',
    rules: [],
    latency: { messageSent: 0, messageFinal: 0, callRinging: 0, callAnswer: 0, email: 0 },
    limits: {
      messagesPerSecondPerSender: 1e9,
      whatsappPerSecondPerSender: 1e9,
      callsPerSecondPerAccount: 1e9,
      apiConcurrency: 1e6,
      sendgridPerSecond: 1e9,
      telegramPerSecond: 1e9,
      telegramPerSecondPerChat: 1e9,
      telegramBurstPerChat: 1e6,
    },
    callbacks: { enabled: false, record: false },
    allowedPrefixes: ['+'],
  },
};

export function parseProfile(input: ProfileInput | string | undefined): Profile {
  if (input === undefined) return profileSchema.parse(builtInProfiles.standard);
  if (typeof input === 'string') {
    const named = builtInProfiles[input];
    if (!named) throw new Error(`Unknown simulator profile "${input}". Known: ${Object.keys(builtInProfiles).join(', ')}`);
    return profileSchema.parse(named);
  }
  return profileSchema.parse(input);
}

export interface CompiledRule {
  rule: OutcomeRule;
  pattern: RegExp;
}

export const compileRules = (profile: Profile): CompiledRule[] => profile.rules.map((rule) => ({ rule, pattern: new RegExp(rule.match) }));

/** The first matching rule that defines `field` for this channel and address. */
export function ruleFor<K extends keyof OutcomeRule>(
  rules: CompiledRule[],
  channel: SimChannel,
  address: string,
  field: K,
): OutcomeRule[K] | undefined {
  for (const { rule, pattern } of rules) {
    if (rule[field] === undefined) continue;
    if (rule.channels && !rule.channels.includes(channel)) continue;
    if (pattern.test(address)) return rule[field];
  }
  return undefined;
}
