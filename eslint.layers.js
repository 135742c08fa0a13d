// The layers inside each package, as zones for import-x/no-restricted-paths: a zone's
// `target` may not import from its `from`. Shared by eslint.config.js and by the tests that
// show each rule refuses a deliberate violation (packages/engine/test/architecture).
//
// Engine: store ← domain (contacts, campaigns, tts, audio, providers, relay-client, sync, burn)
//         ← services (the composition root, connectivity, system) ← rpc ← entry (engine.ts, cli).
// The base files (log.ts, errors.ts, context.ts) sit under the store and import none of these.
//
// Relay: store (SQL on Postgres/PGlite) ← ingest (provider webhooks verified and parsed,
//        one module per provider, appended to the log) and auth (identity: imports only the
//        store and the base) ← stream (the desktops' WebSocket) and
//        http (the routes) side by side, neither importing the other ← the composition
//        (relay.ts, admin.ts, main.ts, index.ts, cli). The base (config.ts, log.ts, ops/:
//        metrics and rate limits) sits under the store and imports none of these. The
//        appender tells the stream's hub about commits through an interface it declares
//        (apps/relay/src/ingest/appender.ts CommitObserver), so that arrow points down too.
//
// Desktop app: one folder per runtime. main (Electron's main process), preload (the
// sandboxed bridge), renderer (none yet: the console is packages/ui), web (the browser host,
// plain Node) and engine-host (the engine's utility process) import none of each other;
// common holds what two runtimes must agree on (IPC channel names, the main ↔ engine-host
// messages) and imports none of them.

const engine = (p) => `./packages/engine/src/${p}`;
const engineDomains = ['contacts', 'campaigns', 'tts', 'audio', 'providers', 'relay-client', 'sync', 'burn', 'ai'].map(engine);
const engineEntries = [engine('engine.ts'), engine('index.ts'), engine('cli')];

const relay = (p) => `./apps/relay/src/${p}`;
const relayBase = [relay('config.ts'), relay('log.ts'), relay('ops')];
const relayComposition = [relay('relay.ts'), relay('admin.ts'), relay('main.ts'), relay('index.ts'), relay('cli')];

const desktop = (p) => `./apps/desktop/src/${p}`;
const desktopRuntimes = ['main', 'preload', 'renderer', 'web', 'engine-host'];
const desktopZones = desktopRuntimes.map((runtime) => ({
  target: desktop(runtime),
  from: desktopRuntimes.filter((other) => other !== runtime).map(desktop),
  message: `The desktop app's runtimes stay apart: ${runtime} imports no other runtime's folder (shared contracts live in src/common).`,
}));

export const layerZones = [
  // Engine
  {
    target: engine('store'),
    from: [...engineDomains, engine('services'), engine('rpc'), ...engineEntries],
    message: 'The store layer imports no domain, service or RPC code (see docs/architecture.md).',
  },
  {
    target: [engine('log.ts'), engine('errors.ts'), engine('context.ts')],
    from: [...engineDomains, engine('services'), engine('rpc'), ...engineEntries],
    message: 'The engine base files import no domain, service or RPC code.',
  },
  {
    target: engineDomains,
    from: [engine('services'), engine('rpc'), ...engineEntries],
    message: 'A domain never imports services, RPC handlers or the engine entry (see docs/architecture.md).',
  },
  {
    target: engine('services'),
    from: [engine('rpc'), ...engineEntries],
    message: 'Services do not import RPC handlers or the engine entry (see docs/architecture.md).',
  },
  {
    target: engine('rpc'),
    from: engineEntries,
    message: 'RPC handlers do not import the engine entry or the CLI.',
  },
  // Relay
  {
    target: relayBase,
    from: [relay('store'), relay('ingest'), relay('auth'), relay('stream'), relay('http'), ...relayComposition],
    message: 'The relay base (config, log, ops) imports no store, ingest, stream, HTTP or composition code (see docs/architecture.md).',
  },
  {
    target: relay('store'),
    from: [relay('ingest'), relay('auth'), relay('stream'), relay('http'), ...relayComposition],
    message: "The relay's store imports no ingest, stream, HTTP or composition code (see docs/architecture.md).",
  },
  {
    target: relay('ingest'),
    from: [relay('stream'), relay('http'), ...relayComposition],
    message: "The relay's ingest imports no stream, HTTP or composition code (see docs/architecture.md).",
  },
  {
    target: relay('auth'),
    from: [relay('ingest'), relay('stream'), relay('http'), ...relayComposition],
    message: "The relay's identity code (auth) imports only the store and the base (see docs/architecture.md).",
  },
  {
    target: relay('stream'),
    from: [relay('http'), ...relayComposition],
    message: "The relay's stream imports no HTTP or composition code (see docs/architecture.md).",
  },
  {
    target: relay('http'),
    from: [relay('stream'), ...relayComposition],
    message: "The relay's HTTP routes import no stream or composition code (see docs/architecture.md).",
  },
  // Desktop app
  ...desktopZones,
  {
    target: desktop('common'),
    from: desktopRuntimes.map(desktop),
    message: "The desktop app's common contracts import no runtime's folder.",
  },
];
