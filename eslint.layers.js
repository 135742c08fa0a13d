// The layers inside each package, as zones for import-x/no-restricted-paths: a zone's
// `target` may not import from its `from`. Shared by eslint.config.js and by the tests that
// show each rule refuses a deliberate violation (packages/engine/test/architecture).
//
// Engine: store ← domain (contacts, campaigns, tts, audio, providers, relay-client)
//         ← services (the composition root, connectivity, system) ← rpc ← entry (engine.ts, cli).
// The base files (log.ts, errors.ts, context.ts) sit under the store and import none of these.

const engine = (p) => `./packages/engine/src/${p}`;
const engineDomains = ['contacts', 'campaigns', 'tts', 'audio', 'providers', 'relay-client'].map(engine);
const engineEntries = [engine('engine.ts'), engine('index.ts'), engine('cli')];

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
  // Desktop app: its runtimes stay apart.
  { target: './apps/desktop/src/main', from: ['./apps/desktop/src/preload', './apps/desktop/src/renderer', './apps/desktop/src/web'] },
  { target: './apps/desktop/src/preload', from: ['./apps/desktop/src/main', './apps/desktop/src/renderer', './apps/desktop/src/web'] },
  { target: './apps/desktop/src/renderer', from: ['./apps/desktop/src/main', './apps/desktop/src/preload', './apps/desktop/src/web'] },
  { target: './apps/desktop/src/web', from: ['./apps/desktop/src/main', './apps/desktop/src/preload', './apps/desktop/src/renderer'] },
];
