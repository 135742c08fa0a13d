// The architecture tests of each package (packages/engine/test/architecture,
// apps/relay/test/layers.test.ts, apps/desktop/test/layers.test.ts) declare their cases
// with `layerCases`: each case lints a one-line import, placed (virtually) in a file at a
// given place in the repository, with only the layer rule and the zones of
// eslint.layers.js that the workspace lint uses. An import that points up a layer must be
// refused with one message; one that points down must pass.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { layerZones } from '../eslint.layers.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** `violations(file, source)`: the layer rule's messages for `source` placed at `file` (relative to the repository root). */
export function layerLinter() {
  const eslint = new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser },
        plugins: { 'import-x': importX },
        settings: {
          'import-x/resolver-next': [
            createTypeScriptImportResolver({
              noWarnOnMultipleProjects: true,
              project: ['packages/*/tsconfig.json', 'apps/*/tsconfig.json'],
            }),
          ],
        },
        rules: { 'import-x/no-restricted-paths': ['error', { zones: layerZones }] },
      },
    ],
  });
  return async (file, source) => {
    const [result] = await eslint.lintText(source, { filePath: path.join(root, file) });
    return (result?.messages ?? []).filter((m) => m.ruleId === 'import-x/no-restricted-paths').map((m) => m.message);
  };
}

/**
 * Declares the tests of one package's layers. A case is [what, file, module, name]: the
 * file at `file` imports `name` from `module` (a real module, so the import resolves).
 */
export function layerCases(title, { refused, allowed }) {
  const source = (module, name) => `import { ${name} } from '${module}';\nexport const x = ${name};\n`;
  describe(title, () => {
    let violations;
    beforeAll(() => {
      violations = layerLinter();
    });
    it.each(refused)('refuses: %s', async (_what, file, module, name) => {
      expect(await violations(file, source(module, name))).toHaveLength(1);
    });
    it.each(allowed)('allows: %s', async (_what, file, module, name) => {
      expect(await violations(file, source(module, name))).toEqual([]);
    });
  });
}
