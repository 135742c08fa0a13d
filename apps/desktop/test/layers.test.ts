// The desktop app's runtime rules (eslint.layers.js) refuse what they should: a file of one
// runtime (main, preload, web, engine-host) importing another runtime's module is refused,
// and every runtime may import the shared contracts in src/common, which import none of them.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type Case = [what: string, file: string, module: string, name: string];
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const { layerCases } = (await import(pathToFileURL(path.join(root, 'scripts/layer-violations.mjs')).href)) as {
  layerCases: (title: string, cases: { refused: Case[]; allowed: Case[] }) => void;
};

const src = (file: string) => `apps/desktop/src/${file}`;

layerCases('desktop runtimes', {
  refused: [
    ['main imports the engine host', src('main/fixture.ts'), '../engine-host/host', 'runEngineHost'],
    ['main imports the preload', src('main/fixture.ts'), '../preload/bridge', 'installBridge'],
    ['main imports the web host', src('main/fixture.ts'), '../web/host', 'startConsole'],
    ['the preload imports main', src('preload/fixture.ts'), '../main/security/origin', 'isAppUrl'],
    ['the engine host imports main', src('engine-host/fixture.ts'), '../main/secrets/vault', 'SecretVault'],
    ['the web host imports the engine host', src('web/fixture.ts'), '../engine-host/host', 'runEngineHost'],
    ['a renderer imports main', src('renderer/fixture.ts'), '../main/i18n', 'strings'],
    ['common imports main', src('common/fixture.ts'), '../main/supervisor', 'EngineSupervisor'],
    ['common imports the engine host', src('common/fixture.ts'), '../engine-host/host', 'runEngineHost'],
  ],
  allowed: [
    ['main imports the host messages', src('main/fixture.ts'), '../common/host-protocol', 'parseHostToMain'],
    ['the engine host imports the host messages', src('engine-host/fixture.ts'), '../common/host-protocol', 'parseMainToHost'],
    ['the preload imports the channel names', src('preload/fixture.ts'), '../common/ipc-channels', 'IPC'],
    ['main imports its own modules', src('main/fixture.ts'), './supervisor', 'EngineSupervisor'],
  ],
});
