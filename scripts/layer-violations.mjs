// For the architecture tests of each package (packages/engine/test/architecture,
// apps/relay/test, apps/desktop/test): lints a small source text as if it were a file at a
// given place in the repository, with only the layer rule and the zones of eslint.layers.js
// that the workspace lint uses, and returns the rule's messages. A test places an import
// that points up a layer and expects a message, and one that points down and expects none.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import tseslint from 'typescript-eslint';
import { layerZones } from '../eslint.layers.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Resolves to `violations(file, source)`: `file` is relative to the repository root. */
export async function layerLinter() {
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
