// Where the shell finds its parts. Development (`npm run desktop`) runs the bundles from
// apps/desktop/dist inside the repository; a packaged app has them in app.asar, with the
// console, the engine's migrations and the voices placed by electron-builder
// (build/electron-builder.cjs). Both layouts are computed from the main bundle's folder.
import path from 'node:path';

export interface AppLayout {
  preload: string;
  engineHost: string;
  /** The built console (packages/ui/dist). */
  uiDir: string;
  /** Root under which workspace sources' import.meta.url-relative files are found (GDIAL_SOURCE_ROOT). */
  sourceRoot: string;
  /** Bundled voices and other read-only engine resources. */
  resourcesDir: string;
  /** Tray and window icons. */
  iconsDir: string;
}

export function resolveLayout(opts: { isPackaged: boolean; mainBundleDir: string; resourcesPath: string }): AppLayout {
  // dist/main → the app root (apps/desktop in development, app.asar when packaged).
  const appRoot = path.resolve(opts.mainBundleDir, '..', '..');
  const common = {
    preload: path.join(appRoot, 'dist', 'preload', 'preload.cjs'),
    engineHost: path.join(appRoot, 'dist', 'engine-host', 'engine-host.js'),
  };
  if (opts.isPackaged) {
    return {
      ...common,
      uiDir: path.join(appRoot, 'ui'),
      sourceRoot: path.join(appRoot, 'workspace'),
      resourcesDir: path.join(opts.resourcesPath, 'resources'),
      iconsDir: path.join(opts.resourcesPath, 'icons'),
    };
  }
  const repoRoot = path.resolve(appRoot, '..', '..');
  return {
    ...common,
    uiDir: path.join(repoRoot, 'packages', 'ui', 'dist'),
    sourceRoot: repoRoot,
    resourcesDir: path.join(repoRoot, 'build', 'resources'),
    iconsDir: path.join(repoRoot, 'build', 'icons'),
  };
}
