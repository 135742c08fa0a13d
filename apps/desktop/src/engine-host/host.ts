// The engine's side of the utility process: starts the engine when main says so, serves
// every window over the MessagePort main hands it, forwards engine events to main (for the
// tray and OS notifications), and on shutdown lets work in flight persist, closes the
// database and reports "drained" before exiting. The engine's secrets (provider credentials,
// the relay token) are sealed and opened by main's safeStorage vault over the parent port.
// Electron's port objects are behind the small interfaces below so this runs in unit tests
// with Node's own MessageChannel.
import type { Engine, EngineOptions, Logger, Transport } from '@gdial/engine';
import { StoreOpenError } from '@gdial/engine';
import type { WireMessage } from '@gdial/protocol';
import { parseMainToHost, type HostToMain, type StartFailureReason } from '../common/host-protocol';
import { VaultClient } from './vault-client';
import { vaultSealer } from './vault-sealer';

/** The engine's end of one window's channel (Electron's MessagePortMain). */
export interface ClientPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  postMessage(message: unknown): void;
  start(): void;
  close(): void;
}

/** process.parentPort in the utility process. */
export interface ParentChannel {
  postMessage(message: HostToMain): void;
  onMessage(listener: (data: unknown, ports: ClientPort[]) => void): void;
}

export interface EngineHostDeps {
  parent: ParentChannel;
  /** Gets the engine's options with `secrets` backed by main's safeStorage vault. */
  startEngine(opts: EngineOptions): Promise<Engine>;
  logger: Logger;
  exit(code: number): void;
  /** How long a secret request to main may take (default 10 s). */
  vaultTimeoutMs?: number;
}

export function portTransport(port: ClientPort): Transport {
  let closed = false;
  return {
    send(message: WireMessage) {
      if (!closed) port.postMessage(message);
    },
    onMessage(handler) {
      port.on('message', (e) => handler(e.data));
      port.start();
    },
    onClose(handler) {
      port.on('close', () => {
        closed = true;
        handler();
      });
    },
  };
}

export function runEngineHost(deps: EngineHostDeps): void {
  const log = deps.logger.child({ module: 'engine-host' });
  let engine: Promise<Engine> | null = null;
  let shuttingDown = false;
  const ports: ClientPort[] = [];
  const vault = new VaultClient((m) => deps.parent.postMessage(m), deps.vaultTimeoutMs);

  const failureReason = (err: unknown): StartFailureReason => (err instanceof StoreOpenError ? err.reason : 'unknown');

  const start = (opts: EngineOptions) => {
    // Provider credentials and the relay token are sealed and opened by main's safeStorage.
    // The database is encrypted under a key sealed by the same vault; no key store, no start.
    engine = deps.startEngine({ ...opts, logger: deps.logger, secrets: vaultSealer(vault), encryption: 'sealed' });
    engine.then(
      async (e) => {
        // Main's own session: it only listens, for the tray and OS notifications.
        e.connect({
          send(m) {
            if (m.type === 'event') deps.parent.postMessage({ type: 'engine-event', name: m.name, payload: m.payload });
          },
          onMessage() {},
          onClose() {},
        });
        const info = await e.info();
        deps.parent.postMessage({
          type: 'ready',
          version: info.version,
          schemaVersion: info.schemaVersion,
          databasePath: info.databasePath,
        });
      },
      (err: unknown) => {
        log.error({ err }, 'engine could not start');
        // A database that cannot be read offers its backups, each checked, for the console to restore one.
        const backups =
          err instanceof StoreOpenError
            ? err.backups.map(({ name, createdAt, reason, intact }) => ({ name, createdAt, reason, intact }))
            : [];
        deps.parent.postMessage({ type: 'start-failed', reason: failureReason(err), message: (err as Error).message, backups });
        deps.exit(1);
      },
    );
  };

  const shutdown = async (reason: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info({ reason }, 'shutting down');
    let code = 0;
    if (engine) {
      try {
        await (await engine).close();
        deps.parent.postMessage({ type: 'drained' });
      } catch (err) {
        log.error({ err }, 'engine did not close cleanly');
        code = 1;
      }
    } else {
      deps.parent.postMessage({ type: 'drained' });
    }
    for (const p of ports.splice(0)) p.close();
    vault.failAll('GDial is shutting down.');
    deps.exit(code);
  };

  deps.parent.onMessage((data, transferred) => {
    const msg = parseMainToHost(data);
    if (!msg) {
      log.warn('ignored a malformed message from the main process');
      return;
    }
    switch (msg.type) {
      case 'start':
        if (engine) {
          log.warn('ignored a second start message');
          return;
        }
        start({
          dataDir: msg.options.dataDir,
          resourcesDir: msg.options.resourcesDir,
          ...(msg.options.restoreBackup ? { restoreBackup: msg.options.restoreBackup } : {}),
        });
        return;
      case 'connect': {
        const port = transferred[0];
        if (!port) {
          log.warn({ clientId: msg.clientId }, 'connect message without a port');
          return;
        }
        if (!engine || shuttingDown) {
          port.close();
          return;
        }
        ports.push(port);
        engine.then(
          (e) => {
            const session = e.connect(portTransport(port));
            log.info({ clientId: msg.clientId, session }, 'window connected');
          },
          () => port.close(),
        );
        return;
      }
      case 'shutdown':
        void shutdown(msg.reason);
        return;
      case 'vault-response':
        vault.receive(msg.id, msg.reply);
        return;
      case 'ping':
        deps.parent.postMessage({ type: 'pong', seq: msg.seq });
        return;
      default: {
        const never: never = msg;
        return never;
      }
    }
  });
}
