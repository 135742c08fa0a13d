// The relay's configuration, read from the environment once at start and validated, so a
// missing public URL or a malformed encryption key stops the process with a sentence that
// names the variable instead of failing on the first webhook.
import path from 'node:path';
import { z } from 'zod';

export interface RelayConfig {
  port: number;
  host: string;
  /** The URL providers call, as configured at Twilio/SendGrid/Telegram (scheme, host, optional path prefix). */
  publicBaseUrl: string;
  /** PostgreSQL connection string; absent = embedded PGlite in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** Schema holding the relay's tables (lets several deployments or test runs share a database). */
  dbSchema: string;
  /** Role the request path runs as: not the owner, no BYPASSRLS, so RLS applies. */
  dbAppRole: string;
  /** 32-byte key for AES-256-GCM encryption of provider secrets. */
  encryptionKey: Buffer;
  retentionDays: number;
  logLevel: string;
  /** Express `trust proxy` value, so rate limits see the client address behind a reverse proxy. */
  trustProxy: string | undefined;
  /** Public endpoints: sustained requests per second per client address (burst is twice this). */
  rateLimitPerSecond: number;
  /** Fallback poll for other instances' commits when a notification is lost. */
  pollIntervalMs: number;
  /** LISTEN for other instances' commits; off behind a transaction-pooling proxy (polling only). */
  listen: boolean;
  heartbeatMs: number;
  /** A desktop's stream stops sending while this many bytes wait in its socket's buffer. */
  streamHighWaterBytes: number;
  webhookBodyLimitBytes: number;
  mediaBodyLimitBytes: number;
  /** Failed signature checks (per client address and tenant) or device hellos (per address) allowed at once… */
  failedAuthBurst: number;
  /** …and then per second on average; beyond that the client is refused with 429 until it refills. */
  failedAuthPerSecond: number;
  /** Client-side bound on each request-path statement (PostgreSQL): a silently dead connection fails after this. */
  dbQueryTimeoutMs: number;
  /** Open stream sessions are re-checked for revocation this often (behind the NOTIFY that closes them at once). */
  revocationCheckMs: number;
  /** A new stream connection must say hello within this many ms. */
  helloTimeoutMs: number;
  /** Stream connections (before hello too) in total, and from one client address. */
  streamMaxConnections: number;
  streamMaxPerAddress: number;
  /** Bearer token that /metrics requires; absent = /metrics is not served. */
  metricsToken: string | undefined;
  /**
   * Outgoing webhooks may reach private, loopback and link-local addresses (and http to
   * loopback). Off in production: only tests and the demo, whose receivers are local, set it.
   */
  webhooksAllowPrivate: boolean;
}

const identifier = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier (a-z, 0-9, _)');

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().min(1).default('0.0.0.0'),
  RELAY_PUBLIC_URL: z
    .string({ error: 'is required: the public https URL providers call, e.g. https://relay.example.se' })
    .url('must be an absolute URL, e.g. https://relay.example.se')
    .refine((u) => /^https?:$/.test(new URL(u).protocol), 'must be http(s)')
    .refine((u) => !new URL(u).search && !new URL(u).hash, 'must not contain a query or fragment'),
  DATABASE_URL: z.string().url('must be a postgres:// connection URL').optional(),
  RELAY_DATA_DIR: z.string().min(1).default(path.join('.data', 'relay')),
  RELAY_DB_SCHEMA: identifier.default('relay'),
  RELAY_DB_APP_ROLE: identifier.default('gdial_relay_app'),
  RELAY_ENCRYPTION_KEY: z
    .string({ error: 'is required: 32 random bytes in base64 (openssl rand -base64 32)' })
    .refine((k) => Buffer.from(k, 'base64').length === 32, 'must be 32 bytes in base64 (openssl rand -base64 32)'),
  RELAY_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  RELAY_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  RELAY_TRUST_PROXY: z.string().min(1).optional(),
  RELAY_RATE_LIMIT_PER_SECOND: z.coerce.number().int().min(1).default(500),
  RELAY_POLL_INTERVAL_MS: z.coerce.number().int().min(50).default(1000),
  RELAY_LISTEN: z.enum(['true', 'false'], { error: 'must be true or false' }).default('true'),
  RELAY_HEARTBEAT_MS: z.coerce.number().int().min(100).default(15_000),
  RELAY_DB_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  RELAY_STREAM_MAX_CONNECTIONS: z.coerce.number().int().min(1).default(5000),
  RELAY_STREAM_MAX_PER_ADDRESS: z.coerce.number().int().min(1).default(50),
  RELAY_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters (openssl rand -hex 24)').optional(),
  RELAY_WEBHOOKS_ALLOW_PRIVATE: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'),
});

export type ConfigResult = { ok: true; config: RelayConfig } | { ok: false; problems: string[] };

export function loadConfig(env: Record<string, string | undefined>): ConfigResult {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`) };
  }
  const e = parsed.data;
  return {
    ok: true,
    config: {
      port: e.PORT,
      host: e.HOST,
      publicBaseUrl: e.RELAY_PUBLIC_URL.replace(/\/+$/, ''),
      databaseUrl: e.DATABASE_URL,
      dataDir: path.resolve(e.RELAY_DATA_DIR),
      dbSchema: e.RELAY_DB_SCHEMA,
      dbAppRole: e.RELAY_DB_APP_ROLE,
      encryptionKey: Buffer.from(e.RELAY_ENCRYPTION_KEY, 'base64'),
      retentionDays: e.RELAY_RETENTION_DAYS,
      logLevel: e.RELAY_LOG_LEVEL,
      trustProxy: e.RELAY_TRUST_PROXY,
      rateLimitPerSecond: e.RELAY_RATE_LIMIT_PER_SECOND,
      pollIntervalMs: e.RELAY_POLL_INTERVAL_MS,
      listen: e.RELAY_LISTEN === 'true',
      heartbeatMs: e.RELAY_HEARTBEAT_MS,
      streamHighWaterBytes: 1024 * 1024,
      webhookBodyLimitBytes: 256 * 1024,
      mediaBodyLimitBytes: 25 * 1024 * 1024,
      failedAuthBurst: 20,
      failedAuthPerSecond: 1,
      dbQueryTimeoutMs: e.RELAY_DB_QUERY_TIMEOUT_MS,
      revocationCheckMs: 10_000,
      helloTimeoutMs: 5000,
      streamMaxConnections: e.RELAY_STREAM_MAX_CONNECTIONS,
      streamMaxPerAddress: e.RELAY_STREAM_MAX_PER_ADDRESS,
      metricsToken: e.RELAY_METRICS_TOKEN,
      webhooksAllowPrivate: e.RELAY_WEBHOOKS_ALLOW_PRIVATE === 'true',
    },
  };
}
