// Lint for the whole workspace. Besides the usual type-aware rules it enforces the
// layering of docs/architecture.md: protocol imports nothing of ours, engine and ui import only
// protocol, simulator stands alone, the relay imports only protocol, apps wire things
// together (each of the desktop app's runtimes only what runs there); inside a package, the layers of eslint.layers.js (engine: store ← domain ←
// services ← rpc; relay: store ← ingest ← stream / http ← composition); import cycles are
// errors.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { layerZones } from './eslint.layers.js';

const ours = ['@gdial/protocol', '@gdial/engine', '@gdial/ui', '@gdial/simulator', '@gdial/relay', '@gdial/desktop'];
const onlyOurs = (allowed) => ({
  'no-restricted-imports': [
    'error',
    {
      paths: ours
        .filter((p) => !allowed.includes(p))
        .map((name) => ({
          name,
          message: `This package may import only ${allowed.join(', ') || 'nothing of ours'} (see docs/architecture.md).`,
        })),
    },
  ],
});

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/out/**',
      'artifacts/**',
      '.data/**',
      '**/drizzle/**',
      '**/*.js',
      '**/*.cjs',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          noWarnOnMultipleProjects: true,
          project: ['packages/*/tsconfig.json', 'apps/*/tsconfig.json', 'bench/tsconfig.json'],
        }),
      ],
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      // Async interface implementations without an await are normal here.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-relative-packages': 'error',
      'no-console': 'error',
      // The layers inside each package (eslint.layers.js).
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
    },
  },
  { files: ['packages/protocol/**'], rules: onlyOurs([]) },
  { files: ['packages/engine/src/**'], rules: onlyOurs(['@gdial/protocol']) },
  { files: ['packages/ui/**'], rules: onlyOurs(['@gdial/protocol']) },
  { files: ['packages/simulator/**'], rules: onlyOurs([]) },
  // The relay is a server of its own: it shares only the contract with the engine.
  { files: ['apps/relay/src/**'], rules: onlyOurs(['@gdial/protocol']) },
  // Inside the desktop app each runtime imports only what runs there: the engine lives in the
  // utility process (engine-host) or the browser host (web), never in the main process or the
  // preload, which see the engine only through the contract.
  { files: ['apps/desktop/src/main/**'], rules: onlyOurs(['@gdial/protocol']) },
  { files: ['apps/desktop/src/preload/**', 'apps/desktop/src/common/**'], rules: onlyOurs([]) },
  { files: ['apps/desktop/src/engine-host/**'], rules: onlyOurs(['@gdial/engine', '@gdial/protocol']) },
  // Engine tests exercise the adapters against the loopback simulator.
  { files: ['packages/engine/test/**'], rules: onlyOurs(['@gdial/protocol', '@gdial/simulator']) },
  // Command-line entry points and benchmarks talk to the terminal on purpose.
  { files: ['**/cli/**', 'bench/**', '**/src/main.ts', '**/scripts/**'], rules: { 'no-console': 'off' } },
);
