// The layer rules of eslint.layers.js refuse what they should: each case lints a small
// source text placed (virtually) in one layer that imports a real module of a layer above
// it, with the same zones the workspace lint uses (scripts/layer-violations.mjs), and
// expects the rule to fire; the allowed direction is linted too and must pass.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

type Violations = (file: string, source: string) => Promise<string[]>;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
let violations: Violations;

beforeAll(async () => {
  const { layerLinter } = (await import(pathToFileURL(path.join(root, 'scripts/layer-violations.mjs')).href)) as {
    layerLinter: () => Promise<Violations>;
  };
  violations = await layerLinter();
});

describe('engine layers', () => {
  const cases: [string, string, string][] = [
    [
      'store imports a domain',
      'packages/engine/src/store/fixture.ts',
      "import { CampaignService } from '../campaigns/service';\nexport const x = CampaignService;\n",
    ],
    [
      'store imports a service',
      'packages/engine/src/store/fixture.ts',
      "import { SystemService } from '../services/system';\nexport const x = SystemService;\n",
    ],
    [
      'a domain imports an RPC handler',
      'packages/engine/src/contacts/fixture.ts',
      "import { createHandlers } from '../rpc/handlers';\nexport const x = createHandlers;\n",
    ],
    [
      'a domain imports the composition root',
      'packages/engine/src/campaigns/fixture.ts',
      "import { buildServices } from '../services';\nexport const x = buildServices;\n",
    ],
    [
      'a service imports an RPC handler',
      'packages/engine/src/services/fixture.ts',
      "import { createHandlers } from '../rpc/handlers';\nexport const x = createHandlers;\n",
    ],
    [
      'an RPC handler imports the engine entry',
      'packages/engine/src/rpc/fixture.ts',
      "import { startEngine } from '../engine';\nexport const x = startEngine;\n",
    ],
  ];
  it.each(cases)('refuses: %s', async (_what, file, source) => {
    expect(await violations(file, source)).toHaveLength(1);
  });

  it('allows imports that point down', async () => {
    expect(
      await violations(
        'packages/engine/src/rpc/fixture.ts',
        "import { buildServices } from '../services';\nexport const x = buildServices;\n",
      ),
    ).toEqual([]);
    expect(
      await violations(
        'packages/engine/src/services/fixture.ts',
        "import { CampaignService } from '../campaigns/service';\nexport const x = CampaignService;\n",
      ),
    ).toEqual([]);
    expect(
      await violations(
        'packages/engine/src/campaigns/fixture.ts',
        "import { openStore } from '../store/db';\nexport const x = openStore;\n",
      ),
    ).toEqual([]);
  });
});
