// The engine's single entry: open the store, build the services, serve RPC over whatever
// transports the host attaches. Hosts (Electron utility process, browser host, tests)
// differ only in where the data lives and how clients connect.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ApprovalRuleInput, EngineInfo } from '@gdial/protocol';
import type { CampaignServiceOptions } from './campaigns/service';
import type { EngineContext } from './context';
import { createLogger, type Logger } from './log';
import { createHandlers } from './rpc/handlers';
import { RpcServer, type Transport } from './rpc/server';
import { buildServices, type EngineServices } from './services';
import type { ConnectivitySettings } from './services/connectivity';
import type { SecretSealer } from './services/connectivity/secrets';
import { BackupService, type BackupOptions } from './services/backups';
import type { HealthOptions } from './services/health/service';
import { prepareDatabaseKey, type StoreEncryption } from './services/database-key';
import type { DemoLogin, HostUser, IdentityOptions } from './services/identity/service';
import { SYSTEM_ACTOR } from './services/identity/service';
import { recordAudit } from './store/audit';
import { backupsDirOf } from './store/backup';
import { openStore, StoreOpenError, type OpenStoreOptions, type Store } from './store/db';
import type { EncryptProgress } from './store/encryption';

export interface EngineOptions {
  /** Directory for the database, audio and the user's voices; created if missing. */
  dataDir: string;
  /** Defaults to `<dataDir>/gdial.db`; ':memory:' for tests. */
  databasePath?: string;
  resourcesDir?: string | null;
  logger?: Logger;
  /**
   * A user signed in at start without a password: tests, benchmarks and tools that drive the
   * engine directly. Hosts serving a console leave it out, so the operator signs in.
   */
  signedIn?: HostUser;
  /** Demo mode: accounts created on first start, shown on the sign-in page; the first is signed in at start. */
  demoAccounts?: DemoLogin[];
  /** This desktop's name in approval requests and their audit (the computer's name by default). */
  desktopName?: string;
  /**
   * The two-person rule to start with when the organisation has none stored yet (tests,
   * benchmarks and tools whose alerts are not about approvals); a stored rule, or one the
   * organisation shares later, wins.
   */
  approvalRule?: ApprovalRuleInput;
  /** The identity service's clock, scrypt cost and organisation sign-in (tests plug in their own). */
  identity?: Pick<IdentityOptions, 'now' | 'kdf' | 'organisation' | 'relayFetch'>;
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
  /** Backups: hours between scheduled ones and how many are kept. */
  backups?: BackupOptions;
  /** A backup (by name, from `<data dir>/backups`) to put in place of the database before opening it. */
  restoreBackup?: string;
  /** An AI server fixed by the host (demo: the simulator's OpenAI-compatible endpoint), used instead of the settings' server and key. */
  aiServer?: { baseUrl: string; apiKey: string };
  /** Overrides for the campaign service (tests and benchmarks: senders, dispatcher timings). */
  campaigns?: CampaignServiceOptions;
  /** The health rules' clock, interval and disk (tests). */
  health?: HealthOptions;
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

  // Services get the emitter before the RPC server exists; it forwards once it does.
  const forward: { to: RpcServer | null } = { to: null };
  const events: EngineContext['events'] = { emit: (name, payload) => forward.to?.emit(name, payload) };
  let running: Running | null = null;
  const backups = new BackupService(
    {
      dbPath,
      dir: backupsDirOf(dbPath),
      key,
      logger,
      events,
      context: () => running?.ctx ?? null,
      restart: (name) => restart(name),
    },
    opts.backups,
  );
  if (dbPath !== ':memory:') {
    if (opts.restoreBackup) await backups.replaceWith(opts.restoreBackup);
    await backups.beforeOpen();
  }

  // Opens the store and builds every service on it: at start, and again after a restore.
  const boot = async (): Promise<Running> => {
    const store = await openOrOfferBackup(dbPath, { logger, key }, backups);
    const built: { services: EngineServices | null } = { services: null };
    const ctx: EngineContext = {
      store,
      logger,
      events,
      dataDir: opts.dataDir,
      resourcesDir: opts.resourcesDir ?? null,
      demo: opts.demo ?? false,
      startedAt: new Date(),
      // Whoever is signed in; the system's name for what runs by itself while nobody is.
      operator: () => built.services?.identity.actor() ?? SYSTEM_ACTOR,
    };
    const services = buildServices(ctx, {
      identity: { ...opts.identity, signedIn: opts.signedIn, demoAccounts: opts.demoAccounts },
      connectivity: opts.connectivity,
      connectivityEnvironment: opts.connectivityEnvironment,
      secrets: opts.secrets,
      backups,
      ...(opts.campaigns ? { campaigns: opts.campaigns } : {}),
      ...(opts.health ? { health: opts.health } : {}),
      desktopName: opts.desktopName,
      aiServer: opts.aiServer,
    });
    built.services = services;
    // Reconciles deliveries a previous run left in flight, then dispatches and arms schedules.
    await services.campaigns.open();
    if (opts.approvalRule) services.approvals.seedRule(opts.approvalRule);
    services.approvals.settle();
    services.leases.start();
    // A host that configures providers (or lets the operator do it) refuses alerts no provider can send.
    if (opts.connectivity || opts.secrets) services.campaigns.requireConfiguredProviders();
    services.connectivity.begin(await services.setup.initialSettings());
    services.health.start();
    // After connectivity: a joined desktop signs in at its relay. A restored database starts
    // signed out (its accounts may differ): the operator signs in again.
    await services.identity.open();
    // A relay session a crash left behind (sealed in the settings) is ended there.
    services.relayAuth.endLeftover().catch((err: unknown) => logger.warn({ err }, 'ending a leftover relay session failed'));
    return { store, ctx, services };
  };
  const halt = async (r: Running) => {
    await r.services.health.stop();
    r.services.leases.stop();
    r.services.apiAlerts.stop();
    await r.services.apiAlerts.settled();
    r.services.relayAuth.stop();
    r.services.sync.stop();
    await r.services.connectivity.stop();
    await r.services.campaigns.close();
    await r.services.tts.close();
    r.services.audioMedia.close();
    await backups.settled();
    await r.store.settled();
    r.store.close();
  };

  running = await boot();
  const server = new RpcServer(createHandlers(running.services, running.ctx), {
    logger,
    // While a restore swaps the database the server is paused and answers nothing.
    authorise: (method) => running?.services.identity.authorise(method) ?? null,
    validateOutputs: opts.validateOutputs ?? false,
  });
  forward.to = server;
  // Loads espeak and the default voice in the background so the operator's first
  // "listen" is quick; startup does not wait for it.
  running.services.tts.warmUp().catch((err: unknown) => logger.warn({ err }, 'speech warm-up failed; synthesis will load on first use'));
  if (dbPath !== ':memory:') backups.start();
  logger.info({ dbPath, schemaVersion: running.store.schemaVersion, encrypted: running.store.encrypted }, 'engine started');

  // A restore from the console: every session stays, calls wait out the swap.
  const restart = async (name: string) => {
    await server.pause('GDial återställer databasen från en säkerhetskopia och startar om; försök igen om en stund.');
    const was = running!;
    running = null;
    await halt(was);
    let failure: Error | null = null;
    try {
      await backups.replaceWith(name);
    } catch (err) {
      failure = err instanceof Error ? err : new Error(String(err));
    }
    running = await boot();
    server.resume(createHandlers(running.services, running.ctx));
    if (failure) throw failure;
    const ctx = running.ctx;
    ctx.store.transaction((tx) =>
      recordAudit(tx, ctx.operator(), {
        action: 'backup.restored',
        subjectType: 'backup',
        subjectId: name,
        summary: `Databasen återställd från säkerhetskopian ${name}`,
        params: { name },
      }),
    );
    server.emit('system.restored', { name });
  };

  return {
    rpc: server,
    get context() {
      return current().ctx;
    },
    get services() {
      return current().services;
    },
    connect: (t) => server.attach(t),
    async info() {
      const res = await server.call('system.info', {});
      if (!res.ok) throw new Error(res.error.message);
      return res.value as EngineInfo;
    },
    async close() {
      server.emit('system.shutdown', { reason: 'engine stopping' });
      await server.drain();
      backups.stop();
      if (running) await halt(running);
      logger.info('engine stopped');
    },
  };

  function current(): Running {
    if (!running) throw new Error('the engine is restarting on a restored database');
    return running;
  }
}

interface Running {
  store: Store;
  ctx: EngineContext;
  services: EngineServices;
}

/** Opens the store; a database that cannot be read offers the backups (checked) to restore instead. */
async function openOrOfferBackup(dbPath: string, opts: OpenStoreOptions, backups: BackupService): Promise<Store> {
  try {
    return openStore(dbPath, opts);
  } catch (err) {
    if (err instanceof StoreOpenError && (err.reason === 'unreadable' || err.reason === 'wrong-key') && dbPath !== ':memory:')
      err.offerBackups(await backups.checked());
    throw err;
  }
}
