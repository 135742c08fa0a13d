// The engine's single entry: open the store, build the services, serve RPC over whatever
// transports the host attaches. Hosts (Electron utility process, browser host, tests)
// differ only in where the data lives and how clients connect.
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EngineInfo } from '@gdial/protocol';
import type { CampaignServiceOptions } from './campaigns/service';
import type { EngineContext } from './context';
import { createLogger, type Logger } from './log';
import { createHandlers } from './rpc/handlers';
import { RpcServer, type Transport } from './rpc/server';
import { buildServices, type EngineServices } from './services';
import type { ConnectivitySettings } from './services/connectivity';
import type { SecretSealer } from './services/connectivity/secrets';
import { prepareDatabaseKey, type StoreEncryption } from './services/database-key';
import { savedOperator } from './services/system';
import { openStore } from './store/db';
import type { EncryptProgress } from './store/encryption';

export interface EngineOptions {
  /** Directory for the database, audio and the user's voices; created if missing. */
  dataDir: string;
  /** Defaults to `<dataDir>/gdial.db`; ':memory:' for tests. */
  databasePath?: string;
  resourcesDir?: string | null;
  logger?: Logger;
  /** Operator name used until one is set through the UI; defaults to the OS user. */
  operator?: string;
  /** True when the host runs against the provider simulator. */
  demo?: boolean;
  validateOutputs?: boolean;
  /**
   * Providers and relay fixed by the host (the browser host's environment, demo mode,
   * tests). When they configure anything they take precedence over the configuration saved
   * in settings, which can then not be changed from the console.
   */
  connectivity?: ConnectivitySettings;
  /** The environment variables `connectivity` was read from and whether each is set (never values), for the settings page. */
  connectivityEnvironment?: { name: string; set: boolean }[];
  /**
   * The host's secure storage (the desktop app: safeStorage in the main process). With it,
   * providers and relay can be configured from the console and their secrets are stored
   * sealed; without it the engine refuses to store secrets at all.
   */
  secrets?: SecretSealer;
  /**
   * The database encrypted at rest: 'sealed' (the desktop app: a key made once and sealed by
   * `secrets`, refused when the OS key store is missing) or a key the host holds (64 hex
   * digits: GDIAL_DB_KEY). A plaintext database is encrypted in place on start. Absent: plaintext.
   */
  encryption?: StoreEncryption;
  /** Progress of encrypting a plaintext database on start. */
  onEncryptProgress?: (p: EncryptProgress) => void;
  /** Overrides for the campaign service (tests and benchmarks: senders, dispatcher timings). */
  campaigns?: CampaignServiceOptions;
}

export interface Engine {
  readonly rpc: RpcServer;
  readonly context: EngineContext;
  /** The services the composition root built (for hosts and tests that call them directly). */
  readonly services: EngineServices;
  /** Serves a client (UI window, test) over a transport. */
  connect(transport: Transport): number;
  info(): Promise<EngineInfo>;
  /** Stops taking calls, lets work in flight persist, closes the database. */
  close(): Promise<void>;
}

export async function startEngine(opts: EngineOptions): Promise<Engine> {
  const logger = opts.logger ?? createLogger();
  mkdirSync(opts.dataDir, { recursive: true });
  const dbPath = opts.databasePath ?? path.join(opts.dataDir, 'gdial.db');
  const key = await prepareDatabaseKey(dbPath, opts.encryption, { secrets: opts.secrets, logger, onProgress: opts.onEncryptProgress });
  const store = openStore(dbPath, { logger, key });
  let operator = savedOperator(store.read) ?? opts.operator ?? safeUserName();

  // Services get the emitter before the RPC server exists; it forwards once it does.
  const forward: { to: RpcServer | null } = { to: null };
  const ctx: EngineContext = {
    store,
    logger,
    events: { emit: (name, payload) => forward.to?.emit(name, payload) },
    dataDir: opts.dataDir,
    resourcesDir: opts.resourcesDir ?? null,
    demo: opts.demo ?? false,
    startedAt: new Date(),
    operator: () => operator,
  };
  const services = buildServices(ctx, {
    setOperator: (n) => (operator = n),
    connectivity: opts.connectivity,
    connectivityEnvironment: opts.connectivityEnvironment,
    secrets: opts.secrets,
    ...(opts.campaigns ? { campaigns: opts.campaigns } : {}),
  });
  const server = new RpcServer(createHandlers(services, ctx), {
    logger,
    validateOutputs: opts.validateOutputs ?? false,
  });
  forward.to = server;
  // Reconciles deliveries a previous run left in flight, then dispatches and arms schedules.
  await services.campaigns.open();
  // A host that configures providers (or lets the operator do it) refuses alerts no provider can send.
  if (opts.connectivity || opts.secrets) services.campaigns.requireConfiguredProviders();
  services.connectivity.begin(await services.setup.initialSettings());
  // Loads espeak and the default voice in the background so the operator's first
  // "listen" is quick; startup does not wait for it.
  services.tts.warmUp().catch((err: unknown) => logger.warn({ err }, 'speech warm-up failed; synthesis will load on first use'));
  logger.info({ dbPath, schemaVersion: store.schemaVersion, encrypted: store.encrypted }, 'engine started');

  return {
    rpc: server,
    context: ctx,
    services,
    connect: (t) => server.attach(t),
    async info() {
      const res = await server.call('system.info', {});
      if (!res.ok) throw new Error(res.error.message);
      return res.value as EngineInfo;
    },
    async close() {
      server.emit('system.shutdown', { reason: 'engine stopping' });
      await server.drain();
      services.sync.stop();
      await services.connectivity.stop();
      await services.campaigns.close();
      await services.tts.close();
      await store.settled();
      store.close();
      logger.info('engine stopped');
    },
  };
}

function safeUserName(): string {
  try {
    return os.userInfo().username || 'operator';
  } catch {
    return 'operator';
  }
}
