// The relay's composition root: opens the database (PostgreSQL or embedded PGlite), migrates
// it, builds each service once and hands it to the HTTP routes (http/app.ts) and the desktop
// stream, runs retention, and shuts down gracefully, letting in-flight commits finish before
// the database closes. `startRelay` is also how tests, benchmarks and the end-to-end suite
// run a relay in-process.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Logger } from 'pino';
import type { RelayConfig } from './config';
import { httpApp } from './http/app';
import { requestIdOf } from './http/middleware';
import type { HttpServices } from './http/services';
import { EventAppender } from './ingest/appender';
import { appendAuditToLog } from './ingest/auth-audit';
import { TenantCache } from './ingest/tenant-cache';
import { createLogger } from './log';
import { RelayMetrics } from './ops/metrics';
import { openPglite, openPostgres, type RelayDb } from './store/db';
import { lockDataDir } from './store/datadir-lock';
import { expireBurnMessages } from './store/burn';
import { pruneEvents } from './store/events';
import { migrate } from './store/migrate';
import { RelayAdmin } from './admin';
import { ApiKeys } from './auth/api-keys';
import { AuthAdmin } from './auth/admin-service';
import { owaspScrypt, type PasswordCost } from './auth/passwords';
import { AuthService } from './auth/service';
import { listTenants } from './store/tenants';
import { EventHub } from './stream/hub';
import { AlertRequests } from './alerts-api/service';
import { WebhookDispatcher } from './webhooks-out/dispatcher';
import { WebhookService } from './webhooks-out/service';
import { StreamServer } from './stream/server';

export const RELAY_VERSION = '0.1.0';

export interface StartRelayOptions {
  /** 32 bytes for AES-256-GCM of provider secrets. Required: there is no default key. */
  encryptionKey: Buffer;
  /** As configured at the providers; defaults to the listening http://host:port. */
  publicBaseUrl?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** PostgreSQL; without it, embedded PGlite in `dataDir` (in memory when `dataDir` is absent). */
  databaseUrl?: string;
  dataDir?: string;
  dbSchema?: string;
  dbAppRole?: string;
  retentionDays?: number;
  rateLimitPerSecond?: number;
  pollIntervalMs?: number;
  /** Default true; false = wake up on the poll only. */
  listen?: boolean;
  heartbeatMs?: number;
  /** Default 1 MiB. */
  streamHighWaterBytes?: number;
  logLevel?: string;
  logger?: Logger;
  /** Failed signature checks or hellos allowed at once per client (default 20), then `failedAuthPerSecond` (default 1). */
  failedAuthBurst?: number;
  failedAuthPerSecond?: number;
  /** Client-side bound on each request-path statement on PostgreSQL (default 10 s). */
  dbQueryTimeoutMs?: number;
  /** Open streams re-checked for revocation this often (default 10 s), behind the NOTIFY that closes them at once. */
  revocationCheckMs?: number;
  /** A stream must say hello within this many ms (default 5000). */
  helloTimeoutMs?: number;
  /** Stream connections in total (default 5000) and per client address (default 50). */
  streamMaxConnections?: number;
  streamMaxPerAddress?: number;
  /** Bearer token for /metrics; without it /metrics is not served. */
  metricsToken?: string;
  /** scrypt cost for new password hashes; OWASP's (N=2^17, r=8, p=1) unless a test lowers it. */
  passwordCost?: PasswordCost;
  /** Outgoing webhooks: private addresses allowed (tests, demo), and a test's clock, randomness and pacing. */
  webhooks?: WebhookOptions;
}

export interface WebhookOptions {
  allowPrivate?: boolean;
  now?: () => number;
  random?: () => number;
  pollMs?: number;
  timeoutMs?: number;
  maxResponseBytes?: number;
  perTenant?: number;
  /** Default true; false = nothing is sent until a test calls `webhooks.runOnce()`. */
  autoStart?: boolean;
}

export interface RelayHandle {
  /** Where this process listens, e.g. http://127.0.0.1:41234. */
  url: string;
  /** The URL providers are told to call (signatures are checked against it). */
  publicBaseUrl: string;
  port: number;
  /** Tenant, enrolment and credential administration (what the admin CLI does). */
  admin: RelayAdmin;
  metrics: RelayMetrics;
  db: RelayDb;
  /** Drops the events past retention now, as the hourly pass does, as if the time were `now`; returns how many went. */
  prune(now?: Date): Promise<number>;
  /** Identity: sign-in and sessions, and users, invitations, sessions and desktops (what the admin CLI uses too). */
  auth: AuthService;
  authAdmin: AuthAdmin;
  /** Outgoing webhooks' sender (`runOnce` sends what is due now). */
  webhooks: WebhookDispatcher;
  /** Stops accepting, finishes in-flight commits, closes desktops and the database. */
  close(): Promise<void>;
}

export function configFromOptions(opts: StartRelayOptions): RelayConfig {
  return {
    port: opts.port ?? 0,
    host: opts.host ?? '127.0.0.1',
    publicBaseUrl: (opts.publicBaseUrl ?? '').replace(/\/+$/, ''),
    databaseUrl: opts.databaseUrl,
    dataDir: opts.dataDir ?? 'memory://',
    dbSchema: opts.dbSchema ?? 'relay',
    dbAppRole: opts.dbAppRole ?? 'gdial_relay_app',
    encryptionKey: opts.encryptionKey,
    retentionDays: opts.retentionDays ?? 30,
    logLevel: opts.logLevel ?? 'silent',
    trustProxy: undefined,
    rateLimitPerSecond: opts.rateLimitPerSecond ?? 10_000,
    pollIntervalMs: opts.pollIntervalMs ?? 1000,
    listen: opts.listen ?? true,
    heartbeatMs: opts.heartbeatMs ?? 15_000,
    streamHighWaterBytes: opts.streamHighWaterBytes ?? 1024 * 1024,
    webhookBodyLimitBytes: 256 * 1024,
    mediaBodyLimitBytes: 25 * 1024 * 1024,
    failedAuthBurst: opts.failedAuthBurst ?? 20,
    failedAuthPerSecond: opts.failedAuthPerSecond ?? 1,
    dbQueryTimeoutMs: opts.dbQueryTimeoutMs ?? 10_000,
    revocationCheckMs: opts.revocationCheckMs ?? 10_000,
    helloTimeoutMs: opts.helloTimeoutMs ?? 5000,
    streamMaxConnections: opts.streamMaxConnections ?? 5000,
    streamMaxPerAddress: opts.streamMaxPerAddress ?? 50,
    metricsToken: opts.metricsToken,
    webhooksAllowPrivate: opts.webhooks?.allowPrivate ?? false,
  };
}

/**
 * The application role's database password, derived from the relay's encryption key: every
 * instance (and the admin CLI) computes the same one, and migrations set it on the role.
 */
export function appRolePassword(encryptionKey: Buffer, appRole: string): string {
  return createHmac('sha256', encryptionKey).update(`gdial-relay-db-app-role:${appRole}`).digest('base64url');
}

export async function openRelayDb(config: RelayConfig, logger: Logger): Promise<RelayDb> {
  if (config.databaseUrl) {
    return openPostgres({
      url: config.databaseUrl,
      schema: config.dbSchema,
      appRole: config.dbAppRole,
      appPassword: appRolePassword(config.encryptionKey, config.dbAppRole),
      queryTimeoutMs: config.dbQueryTimeoutMs,
      logger: logger.child({ module: 'db' }),
    });
  }
  if (config.dataDir.startsWith('memory://')) return openPglite({ dataDir: undefined, schema: config.dbSchema, appRole: config.dbAppRole });
  const lock = lockDataDir(config.dataDir);
  if (!lock.ok) throw new Error(lock.problem);
  try {
    const db = await openPglite({ dataDir: path.join(config.dataDir, 'pgdata'), schema: config.dbSchema, appRole: config.dbAppRole });
    const close = db.close.bind(db);
    return { ...db, close: () => close().finally(lock.release) };
  } catch (err) {
    lock.release();
    throw err;
  }
}

export async function startRelay(opts: StartRelayOptions): Promise<RelayHandle> {
  if (opts.encryptionKey.length !== 32) throw new Error('encryptionKey must be exactly 32 bytes');
  const config = configFromOptions(opts);
  return startRelayWithConfig(config, opts.logger ?? createLogger({ level: config.logLevel }), opts.passwordCost, opts.webhooks);
}

export async function startRelayWithConfig(
  config: RelayConfig,
  logger: Logger,
  passwordCost: PasswordCost = owaspScrypt,
  webhookOptions: WebhookOptions = {},
): Promise<RelayHandle> {
  const db = await openRelayDb(config, logger);
  try {
    const { applied } = await migrate(db);
    if (applied.length > 0) logger.info({ applied, schema: config.dbSchema, database: db.kind }, 'relay database migrated');
  } catch (err) {
    await db.close();
    throw err;
  }

  const metrics = new RelayMetrics();
  const hub = new EventHub(db, logger.child({ module: 'hub' }), config.pollIntervalMs, config.listen);
  let publicBaseUrl = config.publicBaseUrl;
  let shuttingDown = false;
  // The stream is built after the services; a revoked desktop's streams close through it.
  let closeDeviceStreams = (_tenantId: string, _deviceId: string): void => undefined;
  const appender = new EventAppender(db, hub, metrics);
  const auth = new AuthService(db, config.encryptionKey, passwordCost, Date.now, (tenantId, entry) =>
    appendAuditToLog({ db, appender }, tenantId, entry),
  );
  const authAdmin = new AuthAdmin(
    auth,
    () => publicBaseUrl,
    (tenantId, deviceId) => closeDeviceStreams(tenantId, deviceId),
  );
  const webhookDispatcher = new WebhookDispatcher({
    ...webhookOptions,
    db,
    encryptionKey: config.encryptionKey,
    logger: logger.child({ module: 'webhooks-out' }),
    allowPrivate: config.webhooksAllowPrivate,
    onDisabled: (tenantId, id, url) =>
      void webhookService.disabled(tenantId, id, url).catch((err: unknown) => logger.warn({ err }, 'webhook switch-off not audited')),
  });
  const webhookService = new WebhookService(
    db,
    config.encryptionKey,
    auth,
    config.webhooksAllowPrivate,
    () => webhookDispatcher.wake(),
    webhookOptions.now,
  );
  const services: HttpServices = {
    config,
    publicBaseUrl: () => publicBaseUrl,
    db,
    appender,
    tenants: new TenantCache(db, config.encryptionKey),
    metrics,
    logger,
    isShuttingDown: () => shuttingDown,
    auth,
    authAdmin,
    webhooks: webhookService,
    webhookEvents: { now: webhookOptions.now ?? Date.now, wake: () => webhookDispatcher.wake() },
    apiKeys: new ApiKeys(auth),
    alertRequests: new AlertRequests(db, appender, auth),
  };
  const stream = new StreamServer({ config, db, hub, metrics, logger, isShuttingDown: () => shuttingDown });
  closeDeviceStreams = (tenantId, deviceId) => void stream.closeDevice(tenantId, deviceId);

  const { handle, clientAddress } = httpApp(services, RELAY_VERSION);
  let inFlight = 0;
  const drained: Array<() => void> = [];
  const onClosed = () => {
    inFlight--;
    if (inFlight === 0) for (const d of drained.splice(0)) d();
  };
  const server: Server = createServer((req, res) => {
    inFlight++;
    res.once('close', onClosed);
    handle(req, res);
  });
  // Longer than a reverse proxy's idle upstream keep-alive, so the relay never closes a
  // connection the proxy is about to reuse.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/stream' || shuttingDown) {
      socket.destroy();
      return;
    }
    stream.handleUpgrade(req, socket, head, requestIdOf(req.headers['x-request-id']), clientAddress(req));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  if (!publicBaseUrl) publicBaseUrl = url;
  await hub.start();
  if (webhookOptions.autoStart !== false) webhookDispatcher.start();

  // Retention: drop events older than the window, per tenant, hourly.
  const prune = async (now = new Date()): Promise<number> => {
    const before = new Date(now.getTime() - config.retentionDays * 86_400_000);
    let total = 0;
    for (const tenant of await listTenants(db)) {
      const removed = await pruneEvents(db, tenant.id, before);
      if (removed > 0) logger.info({ tenant: tenant.slug, removed }, 'pruned events past retention');
      total += removed;
      const burnt = await expireBurnMessages(db, tenant.id, now);
      if (burnt > 0) logger.info({ tenant: tenant.slug, expired: burnt }, 'cleared burn messages past their expiry');
    }
    return total;
  };
  const pruneTimer = setInterval(() => void prune().catch((err: unknown) => logger.warn({ err }, 'pruning failed')), 3_600_000);
  pruneTimer.unref();

  logger.info({ url, publicBaseUrl, database: db.kind, schema: config.dbSchema }, 'relay listening');

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      shuttingDown = true;
      clearInterval(pruneTimer);
      server.close();
      server.closeIdleConnections();
      // In-flight webhooks finish their commit and get their 2xx before anything closes.
      const deadline = new Promise<void>((r) => setTimeout(r, 15_000).unref());
      if (inFlight > 0) await Promise.race([new Promise<void>((r) => drained.push(r)), deadline]);
      await Promise.race([services.appender.idle(), deadline]);
      await Promise.race([webhookDispatcher.close(), deadline]);
      server.closeAllConnections();
      await stream.close();
      await hub.stop();
      await db.close();
      logger.info('relay stopped');
    })());

  return {
    url,
    get publicBaseUrl() {
      return publicBaseUrl;
    },
    port,
    admin: new RelayAdmin(
      db,
      config.encryptionKey,
      () => publicBaseUrl,
      (slug) => services.tenants.invalidate(slug),
      (tenantId, deviceId) => stream.closeDevice(tenantId, deviceId),
    ),
    metrics,
    db,
    prune,
    auth,
    authAdmin,
    webhooks: webhookDispatcher,
    close,
  };
}
