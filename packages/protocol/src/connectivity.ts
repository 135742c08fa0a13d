// How the engine reaches the outside world: the relay stream and the configured providers.
// The console shows this on the dashboard and in settings; an operator must be able to see
// at a glance whether alerts can go out and whether statuses are coming back.
import { z } from 'zod';
import { method } from './rpc-core';
import { channels } from './contacts';

export const relayStatuses = [
  'not-configured',
  'stopped',
  'connecting',
  'connected',
  'reconnecting',
  'resync-required',
  'unauthorized',
] as const;

export const relayStateSchema = z.object({
  status: z.enum(relayStatuses),
  url: z.string().nullable(),
  /** When the current status began (connected since, refused since…). */
  since: z.string().nullable(),
  /** When the connection was last lost, while it is not back. */
  offlineSince: z.string().nullable(),
  /** The last problem in words, e.g. why a reconnect is needed. */
  detail: z.string().nullable(),
  /** The next reconnect attempt, while reconnecting. */
  retryAt: z.string().nullable(),
  /** While reconnecting: the connection was dropped because nothing came from the relay within seconds (a silent line, packets lost on the way). */
  silent: z.boolean().optional(),
});
export type RelayState = z.infer<typeof relayStateSchema>;

export const channelStatusSchema = z.object({
  channel: z.enum(channels),
  configured: z.boolean(),
  /** "twilio", "sendgrid", "telegram", or null when the channel has no provider. */
  provider: z.string().nullable(),
});

export const connectivityStatusSchema = z.object({
  demo: z.boolean(),
  relay: relayStateSchema,
  channels: z.array(channelStatusSchema),
});
export type ConnectivityStatus = z.infer<typeof connectivityStatusSchema>;

// ── configuring providers and the relay ─────────────────────────────────────────────────
// The non-secret parts are stored by the engine as they are; the secrets (auth token, API
// key, bot token, device token) only sealed by the host's secure storage, and they never
// travel back: the console sees whether each is set and since when.

export const failoverProviders = ['twilio', 'elks'] as const;
export type FailoverProvider = (typeof failoverProviders)[number];

/**
 * Which provider carries SMS and voice first when both Twilio and 46elks are on (the other
 * takes over when its path fails), and each sender's throughput: Twilio sends 10 SMS/s per
 * number outside North America and places 1 call/s per account by default; 46elks' defaults
 * here are the same order (raise them when the account allows more).
 */
export const failoverSettingsSchema = z.object({
  primary: z.enum(failoverProviders).default('twilio'),
  twilioSmsPerSecond: z.number().positive().max(1000).default(10),
  twilioCallsPerSecond: z.number().positive().max(100).default(1),
  elksSmsPerSecond: z.number().positive().max(1000).default(10),
  elksCallsPerSecond: z.number().positive().max(100).default(1),
});
export type FailoverSettings = z.infer<typeof failoverSettingsSchema>;

/** Whether a secret is stored (sealed), and when it was last set. */
export const secretStateSchema = z.object({ set: z.boolean(), setAt: z.string().nullable() });
export type SecretState = z.infer<typeof secretStateSchema>;

/** The saved configuration as the console shows it: everything except the secrets' values. */
export const connectivityConfigSchema = z.object({
  relay: z.object({
    /** The relay's base URL as this computer reaches it; '' when no relay is set up. */
    url: z.string(),
    /** Where the providers reach the relay, when not at `url` ('' = same as url). */
    publicUrl: z.string(),
    /** The organisation's name (slug) on the relay. */
    tenant: z.string(),
    deviceToken: secretStateSchema,
  }),
  twilio: z.object({
    enabled: z.boolean(),
    accountSid: z.string(),
    from: z.string(),
    whatsappFrom: z.string(),
    authToken: secretStateSchema,
  }),
  sendgrid: z.object({ enabled: z.boolean(), from: z.string(), fromName: z.string(), apiKey: secretStateSchema }),
  telegram: z.object({ enabled: z.boolean(), botToken: secretStateSchema }),
  /** 46elks: SMS and voice, a second provider Twilio fails over to (or the first). */
  elks: z.object({
    enabled: z.boolean(),
    /** The API username (u…). */
    username: z.string(),
    /** The number SMS and calls come from (a number on the 46elks account). */
    from: z.string(),
    password: secretStateSchema,
    /** The secret the relay checks in 46elks' callback URLs (from the relay administrator). */
    callbackSecret: secretStateSchema,
  }),
  failover: failoverSettingsSchema,
});
export type ConnectivityConfig = z.infer<typeof connectivityConfigSchema>;

/**
 * Where the connectivity in use comes from: the configuration saved here, the host (the
 * browser host's environment variables, which take precedence), the demo world, or nowhere.
 */
export const connectivitySources = ['saved', 'host', 'demo', 'none'] as const;
export type ConnectivitySource = (typeof connectivitySources)[number];

export const connectivitySetupSchema = z.object({
  source: z.enum(connectivitySources),
  /** False when the host fixes the connectivity or secrets cannot be stored here; `readOnlyReason` says why. */
  editable: z.boolean(),
  /**
   * host: set by the host's environment variables; demo: simulated providers;
   * no-secure-storage: this host has no secure storage at all (the browser host);
   * key-store-unavailable: the operating system's key store cannot be used right now.
   */
  readOnlyReason: z.enum(['host', 'demo', 'no-secure-storage', 'key-store-unavailable']).nullable(),
  /** Whether this host can seal secrets, and if not, why (a sentence). */
  secureStorage: z.object({ available: z.boolean(), message: z.string().nullable() }),
  /**
   * Why a saved configuration is not in use: its secrets could not be opened (the OS key
   * store changed), it lacks secrets, or this host cannot open secrets at all. `fields`
   * names the secrets concerned ("twilio.authToken"); `message` says it in a sentence.
   */
  problem: z
    .object({ kind: z.enum(['cannot-open', 'incomplete', 'no-secure-storage']), fields: z.array(z.string()), message: z.string() })
    .nullable(),
  saved: connectivityConfigSchema,
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
  /** The environment variables the host reads its connectivity from, and which are set (never their values); null when the host reads none. */
  environment: z.array(z.object({ name: z.string(), set: z.boolean() })).nullable(),
});
export type ConnectivitySetup = z.infer<typeof connectivitySetupSchema>;

/** A secret in a save: '' or absent keeps the saved one, null removes it, text replaces it. */
const secretInputSchema = z.string().max(8192).nullable().optional();

/**
 * What the console sends to save. Only shapes and lengths are checked here; the rules
 * (URL, tenant, SID, E.164 and token formats, what is required when a provider is on)
 * are the engine's, which reports every field at fault at once.
 */
export const connectivityConfigInputSchema = z.object({
  relay: z.object({
    url: z.string().max(2048).default(''),
    publicUrl: z.string().max(2048).default(''),
    tenant: z.string().max(200).default(''),
    deviceToken: secretInputSchema,
  }),
  twilio: z.object({
    enabled: z.boolean(),
    accountSid: z.string().max(200).default(''),
    from: z.string().max(200).default(''),
    whatsappFrom: z.string().max(200).default(''),
    authToken: secretInputSchema,
  }),
  sendgrid: z.object({
    enabled: z.boolean(),
    from: z.string().max(320).default(''),
    fromName: z.string().max(200).default(''),
    apiKey: secretInputSchema,
  }),
  telegram: z.object({ enabled: z.boolean(), botToken: secretInputSchema }),
  elks: z
    .object({
      enabled: z.boolean().default(false),
      username: z.string().max(200).default(''),
      from: z.string().max(200).default(''),
      password: secretInputSchema,
      callbackSecret: secretInputSchema,
    })
    .prefault({}),
  failover: failoverSettingsSchema.prefault({}),
});
export type ConnectivityConfigInput = z.input<typeof connectivityConfigInputSchema>;

export const relayCheckSchema = z.object({
  /** The relay answered its health check. */
  reachable: z.boolean(),
  /** The relay's version, when it said. */
  version: z.string().nullable(),
  latencyMs: z.number().int().nonnegative().nullable(),
  /** What went wrong, in words, when not reachable. */
  message: z.string().nullable(),
});
export type RelayCheck = z.infer<typeof relayCheckSchema>;

export const connectivityMethods = {
  'connectivity.status': method(z.object({}), connectivityStatusSchema),
  'connectivity.setup': method(z.object({}), connectivitySetupSchema),
  /** Validates, seals the secrets, stores everything in one transaction, then restarts the relay stream and providers with it. */
  'connectivity.saveSetup': method(
    connectivityConfigInputSchema,
    z.object({ setup: connectivitySetupSchema, status: connectivityStatusSchema }),
  ),
  /** Opens the saved configuration again and uses it (after the OS key store is back). */
  'connectivity.reloadSetup': method(z.object({}), z.object({ setup: connectivitySetupSchema, status: connectivityStatusSchema })),
  /** Asks a relay's health endpoint whether it answers (before or after saving its address). */
  'connectivity.checkRelay': method(z.object({ url: z.string().max(2048) }), relayCheckSchema),
};

export const connectivityEvents = {
  'connectivity.changed': connectivityStatusSchema,
};
