// The desktop app's runtime rules (eslint.layers.js) refuse what they should: a file of one
// runtime (main, preload, web, engine-host) importing another runtime's module is refused,
// and every runtime may import the shared contracts in src/common, which import none of them.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

type Violations = (file: string, source: string) => Promise<string[]>;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
let violations: Violations;

beforeAll(async () => {
  const { layerLinter } = (await import(pathToFileURL(path.join(root, 'scripts/layer-violations.mjs')).href)) as {
    layerLinter: () => Promise<Violations>;
  };
  violations = await layerLinter();
});

const src = (file: string) => `apps/desktop/src/${file}`;
const importing = (from: string, name: string) => `import { ${name} } from '${from}';\nexport const x = ${name};\n`;

describe('desktop runtimes', () => {
  const refused: [string, string, string][] = [
    ['main imports the engine host', src('main/fixture.ts'), importing('../engine-host/host', 'runEngineHost')],
    ['main imports the preload', src('main/fixture.ts'), importing('../preload/bridge', 'installBridge')],
    ['main imports the web host', src('main/fixture.ts'), importing('../web/host', 'startConsole')],
    ['the preload imports main', src('preload/fixture.ts'), importing('../main/security/origin', 'isAppUrl')],
    ['the engine host imports main', src('engine-host/fixture.ts'), importing('../main/secrets/vault', 'SecretVault')],
    ['the web host imports the engine host', src('web/fixture.ts'), importing('../engine-host/host', 'runEngineHost')],
    ['a renderer imports main', src('renderer/fixture.ts'), importing('../main/i18n', 'strings')],
    ['common imports main', src('common/fixture.ts'), importing('../main/supervisor', 'EngineSupervisor')],
    ['common imports the engine host', src('common/fixture.ts'), importing('../engine-host/host', 'runEngineHost')],
  ];
  it.each(refused)('refuses: %s', async (_what, file, source) => {
    expect(await violations(file, source)).toHaveLength(1);
  });

  const allowed: [string, string, string][] = [
    ['main imports the host messages', src('main/fixture.ts'), importing('../common/host-protocol', 'parseHostToMain')],
    ['the engine host imports the host messages', src('engine-host/fixture.ts'), importing('../common/host-protocol', 'parseMainToHost')],
    ['the preload imports the channel names', src('preload/fixture.ts'), importing('../common/ipc-channels', 'IPC')],
    ['main imports its own modules', src('main/fixture.ts'), importing('./supervisor', 'EngineSupervisor')],
  ];
  it.each(allowed)('allows: %s', async (_what, file, source) => {
    expect(await violations(file, source)).toEqual([]);
  });
});
