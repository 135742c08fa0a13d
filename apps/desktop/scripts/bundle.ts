// Builds the Electron side of the desktop app into apps/desktop/dist:
//   dist/main/main.js                 main process (ESM)
//   dist/preload/preload.cjs          preload (CommonJS: sandboxed preloads cannot be ESM)
//   dist/engine-host/engine-host.js   the engine's utility process (ESM)
// Our workspace packages (@gdial/*) are TypeScript sources, so they are bundled in; every
// other package stays external and is loaded from node_modules (native modules such as
// better-sqlite3 and onnxruntime-node must be, and electron-builder rebuilds them for
// Electron). Workspace code that finds files next to its source via import.meta.url gets
// that URL rewritten to its original repository path under GDIAL_SOURCE_ROOT, which the
// main process sets to the repository (development) or the packaged copy (production).
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Plugin } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
export const desktopDir = path.resolve(here, '..');
export const repoRoot = path.resolve(desktopDir, '../..');
const outDir = path.join(desktopDir, 'dist');

/** Bundle @gdial/* and relative imports; leave every other package to node_modules. */
const externalThirdParty: Plugin = {
  name: 'external-third-party',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@gdial/')) return undefined;
      return { path: args.path, external: true };
    });
  },
};

/** import.meta.url in workspace sources → the URL of the same file under GDIAL_SOURCE_ROOT. */
const sourceRelativeUrls: Plugin = {
  name: 'source-relative-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /[\\/]packages[\\/].*\.tsx?$/ }, async (args) => {
      const { readFile } = await import('node:fs/promises');
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const rel = path.relative(repoRoot, args.path).split(path.sep).join('/');
      return {
        contents: text.replaceAll('import.meta.url', `__gdialSourceUrl(${JSON.stringify(rel)})`),
        loader: args.path.endsWith('x') ? 'tsx' : 'ts',
      };
    });
  },
};

const SOURCE_URL_BANNER = [
  "import { pathToFileURL as __gdialPathToFileURL } from 'node:url';",
  "import { join as __gdialJoin } from 'node:path';",
  'const __gdialSourceUrl = (rel) => {',
  '  const root = process.env.GDIAL_SOURCE_ROOT;',
  "  if (!root) throw new Error('GDIAL_SOURCE_ROOT is not set; the main process sets it when it starts the engine.');",
  '  return __gdialPathToFileURL(__gdialJoin(root, rel)).href;',
  '};',
].join('\n');

export function bundleOptions(): Record<'main' | 'preload' | 'engineHost', BuildOptions> {
  const common: BuildOptions = {
    bundle: true,
    platform: 'node',
    target: 'node22',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [externalThirdParty],
    // Never keepNames: it inserts helper calls into functions, and the preload's page-world
    // function must stay self-contained to survive Electron's serialisation.
    keepNames: false,
  };
  return {
    main: {
      ...common,
      entryPoints: [path.join(desktopDir, 'src/main/main.ts')],
      outfile: path.join(outDir, 'main/main.js'),
      format: 'esm',
    },
    preload: {
      ...common,
      entryPoints: [path.join(desktopDir, 'src/preload/preload.ts')],
      outfile: path.join(outDir, 'preload/preload.cjs'),
      format: 'cjs',
      platform: 'browser',
      target: 'chrome140',
      // A sandboxed preload may require only 'electron' (and a few Node shims); nothing else.
      external: ['electron'],
      plugins: [],
    },
    engineHost: {
      ...common,
      entryPoints: [path.join(desktopDir, 'src/engine-host/engine-host.ts')],
      outfile: path.join(outDir, 'engine-host/engine-host.js'),
      format: 'esm',
      plugins: [externalThirdParty, sourceRelativeUrls],
      banner: { js: SOURCE_URL_BANNER },
    },
  };
}

export async function bundleAll(): Promise<void> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const opts = bundleOptions();
  await Promise.all([build(opts.main), build(opts.preload), build(opts.engineHost)]);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  bundleAll().then(
    () => console.log(`desktop bundle written to ${path.relative(process.cwd(), outDir) || outDir} in ${Date.now() - started} ms`),
    (err: unknown) => {
      console.error(`desktop bundle failed: ${(err as Error).message}`);
      process.exit(1);
    },
  );
}
