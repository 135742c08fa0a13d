// The browser host: runs the engine in this Node process and serves the console to a
// browser on 127.0.0.1, with RPC over a WebSocket. Only pages served by this host may
// connect (Origin and Host are checked), so another website open in the same browser
// cannot drive the engine through localhost. When the database cannot be read it serves the
// start error page (recovery.ts) instead, until a backup is restored.
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { startEngine, StoreOpenError, type Engine, type EngineOptions, type Logger } from '@gdial/engine';
import type { HostConnectivity } from './config';
import { DEMO_ACCOUNTS, joinDemoWorld, startDemoWorld, type DemoWorld } from './demo';
import { readForm, recoveryLanguage, recoveryPage, sendHtml, type RecoveryState } from './recovery';
import { printReport, ReportPrinter } from './report-pdf';
import { staticHandler } from './static';
import { webSocketTransport } from './ws-transport';

export interface WebHostOptions extends EngineOptions {
  port: number;
  host?: string;
  /** Directory of the built console; defaults to @gdial/ui's dist. */
  uiDir?: string;
  logger: Logger;
}

export interface WebHost {
  url: string;
  /** The engine (throws while the start error page is served). */
  readonly engine: Engine;
  /** The database could not be read: the start error page is served until a backup is restored. */
  readonly recovering: boolean;
  close(): Promise<void>;
}

export function defaultUiDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@gdial/ui/package.json')), 'dist');
}

export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const hostName = opts.host ?? '127.0.0.1';
  const serveStatic = staticHandler(opts.uiDir ?? defaultUiDir());
  const log = opts.logger.child({ module: 'web-host' });
  // A database that cannot be read: the start error page offers its backups instead of the console.
  let engine: Engine | null = null;
  let recovery: RecoveryState | null = null;
  try {
    engine = await startEngine(opts);
  } catch (err) {
    if (!(err instanceof StoreOpenError) || err.backups.length === 0) throw err;
    log.error({ reason: err.reason, backups: err.backups.length }, 'the database cannot be read; serving the start error page');
    recovery = { reason: err.reason, message: err.message, backups: err.backups, failure: null };
  }
  let restoring: Promise<void> | null = null;
  const restore = async (name: string): Promise<void> => {
    try {
      engine = await startEngine({ ...opts, restoreBackup: name });
      recovery = null;
      log.info({ name }, 'started on a restored backup');
    } catch (err) {
      log.error({ err, name }, 'restoring a backup at start failed');
      if (recovery) recovery.failure = err instanceof Error ? err.message : String(err);
    }
  };

  const printer = new ReportPrinter();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'POST' && url.pathname === '/report.pdf' && !recovery) {
      // Only the console this host served may ask (as for its socket): it sends its own rendered report.
      if (!fromConsole(req.headers.host, req.headers.origin)) {
        res.writeHead(403).end();
        return;
      }
      void printReport(req, res, printer, log);
      return;
    }
    if (!recovery) return serveStatic(req, res);
    if (req.method === 'POST' && url.pathname === '/recovery/restore') {
      // Only the page this host served may ask (the same Host/Origin check as the console's socket).
      if (!fromConsole(req.headers.host, req.headers.origin)) {
        res.writeHead(403).end();
        return;
      }
      void readForm(req).then(async (form) => {
        const name = form?.get('name') ?? '';
        const state = recovery;
        if (state && !state.backups.some((b) => b.name === name && b.intact)) state.failure = `${name}: not an intact backup`;
        else await (restoring ??= restore(name).finally(() => (restoring = null)));
        res.writeHead(303, { location: `/?lang=${recoveryLanguage(req)}` }).end();
      });
      return;
    }
    sendHtml(res, 503, recoveryPage(recovery, recoveryLanguage(req)));
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 * 1024 });
  let port = opts.port;
  /** Whether a request comes from a page this host served (Host and Origin are ours). */
  const fromConsole = (host: string | undefined, origin: string | undefined): boolean => {
    const allowedHosts = new Set([`${hostName}:${port}`, `localhost:${port}`, `127.0.0.1:${port}`]);
    return host !== undefined && allowedHosts.has(host) && origin !== undefined && [...allowedHosts].some((h) => origin === `http://${h}`);
  };

  server.on('upgrade', (req, socket, head) => {
    const origin = req.headers.origin;
    const current = engine;
    if (new URL(req.url ?? '/', 'http://x').pathname !== '/rpc' || !fromConsole(req.headers.host, origin) || !current) {
      log.warn({ origin, host: req.headers.host }, 'refused a WebSocket connection from outside the console');
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => current.connect(webSocketTransport(ws)));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, hostName, () => resolve());
  });
  const addr = server.address();
  if (addr && typeof addr === 'object') port = addr.port;
  const url = `http://${hostName}:${port}`;
  log.info({ url }, 'console served');

  return {
    url,
    get engine(): Engine {
      if (!engine) throw new Error('the database cannot be read; the start error page is served');
      return engine;
    },
    get recovering() {
      return recovery !== null;
    },
    async close() {
      for (const c of wss.clients) c.close(1001, 'host stopping');
      await new Promise<void>((r) => server.close(() => r()));
      await restoring;
      await printer.close();
      await engine?.close();
    },
  };
}

export interface ConsoleOptions extends Omit<WebHostOptions, 'connectivity' | 'demo'> {
  connectivity: HostConnectivity;
  /** Simulator profile in demo mode ("standard" unless a test wants "fast"). */
  demoProfile?: string;
  /** Join the demo world another console runs, from its data dir (a second workstation of the demo organisation). */
  joinDemo?: string;
}

export interface ConsoleHost extends WebHost {
  demo: DemoWorld | null;
}

/** The console as `npm start` runs it: demo world (when not live) + engine + web host. */
export async function startConsole(opts: ConsoleOptions): Promise<ConsoleHost> {
  const { connectivity, demoProfile, joinDemo, ...rest } = opts;
  if (joinDemo !== undefined && connectivity.mode === 'demo') {
    const joined = await joinDemoWorld({
      dataDir: opts.dataDir,
      joinDataDir: joinDemo,
      name: `Demo ${path.basename(opts.dataDir)}`,
      logger: opts.logger,
    });
    const host = await startWebHost({ ...rest, demo: true, demoAccounts: DEMO_ACCOUNTS, connectivity: joined });
    return withDemo(host, null);
  }
  const demo =
    connectivity.mode === 'demo'
      ? await startDemoWorld({ dataDir: opts.dataDir, logger: opts.logger, ...(demoProfile ? { profile: demoProfile } : {}) })
      : null;
  try {
    // The environment's (or the demo world's) connectivity takes precedence over what is saved in settings.
    const host = await startWebHost({
      ...rest,
      demo: demo !== null,
      ...(demo ? { demoAccounts: DEMO_ACCOUNTS } : {}),
      connectivity: demo ? demo.connectivity : connectivity.mode === 'live' ? connectivity.settings : {},
      // Demo: AI answered by the simulator, never by a real model.
      ...(demo ? { aiServer: { baseUrl: `${demo.simulator.url}/v1`, apiKey: demo.simulator.credentials.openaiApiKey } } : {}),
      ...(connectivity.environment ? { connectivityEnvironment: connectivity.environment } : {}),
    });
    return withDemo(host, demo);
  } catch (err) {
    await demo?.close();
    throw err;
  }
}

/** The host with its demo world; the engine is read through (it changes after a restore at start). */
function withDemo(host: WebHost, demo: DemoWorld | null): ConsoleHost {
  return {
    url: host.url,
    get engine() {
      return host.engine;
    },
    get recovering() {
      return host.recovering;
    },
    demo,
    async close() {
      await host.close();
      await demo?.close();
    },
  };
}
