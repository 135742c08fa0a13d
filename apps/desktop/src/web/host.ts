// The browser host: runs the engine in this Node process and serves the console to a
// browser on 127.0.0.1, with RPC over a WebSocket. Only pages served by this host may
// connect (Origin and Host are checked), so another website open in the same browser
// cannot drive the engine through localhost.
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { startEngine, type Engine, type EngineOptions, type Logger } from '@gdial/engine';
import type { HostConnectivity } from './config';
import { DEMO_ACCOUNTS, joinDemoWorld, startDemoWorld, type DemoWorld } from './demo';
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
  engine: Engine;
  close(): Promise<void>;
}

export function defaultUiDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@gdial/ui/package.json')), 'dist');
}

export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const hostName = opts.host ?? '127.0.0.1';
  const serveStatic = staticHandler(opts.uiDir ?? defaultUiDir());
  const engine = await startEngine(opts);
  const log = opts.logger.child({ module: 'web-host' });

  const server: Server = createServer(serveStatic);
  const wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 * 1024 });
  let port = opts.port;

  server.on('upgrade', (req, socket, head) => {
    const allowedHosts = new Set([`${hostName}:${port}`, `localhost:${port}`, `127.0.0.1:${port}`]);
    const origin = req.headers.origin;
    const okHost = req.headers.host !== undefined && allowedHosts.has(req.headers.host);
    const okOrigin = origin !== undefined && [...allowedHosts].some((h) => origin === `http://${h}`);
    if (new URL(req.url ?? '/', 'http://x').pathname !== '/rpc' || !okHost || !okOrigin) {
      log.warn({ origin, host: req.headers.host }, 'refused a WebSocket connection from outside the console');
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => engine.connect(webSocketTransport(ws)));
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
    engine,
    async close() {
      for (const c of wss.clients) c.close(1001, 'host stopping');
      await new Promise<void>((r) => server.close(() => r()));
      await engine.close();
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
    return { ...host, demo: null };
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
      ...(connectivity.environment ? { connectivityEnvironment: connectivity.environment } : {}),
    });
    return {
      ...host,
      demo,
      async close() {
        await host.close();
        await demo?.close();
      },
    };
  } catch (err) {
    await demo?.close();
    throw err;
  }
}
