// The electron-builder configuration: valid against electron-builder's own schema, and
// carrying what the packaged app relies on (targets, native modules outside the asar,
// voices, migrations, the console, the update feed, the deep-link scheme). Packaging
// itself needs the Electron binary and cannot run here; see docs/desktop.md.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Configuration } from 'electron-builder';
import { resolveLayout } from '../src/main/paths';
import type { TrayIcon } from '../src/main/tray-state';

const require = createRequire(import.meta.url);
const configPath = path.resolve(import.meta.dirname, '../../../build/electron-builder.cjs');

function loadConfig(env: Record<string, string | undefined> = {}): Configuration {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
  try {
    delete require.cache[configPath];
    return require(configPath) as Configuration;
  } finally {
    process.env = saved;
  }
}

// electron-builder's validator, resolved through electron-builder's own dependencies.
const builderRequire = createRequire(require.resolve('electron-builder'));
const { validateConfiguration } = builderRequire('app-builder-lib/out/util/config/config') as {
  validateConfiguration: (config: Configuration, logger: unknown) => Promise<void>;
};
const { DebugLogger } = builderRequire('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

type Target = { target: string; arch: string[] };
const fileSets = (files: unknown): { from?: string; to?: string }[] =>
  Array.isArray(files) ? files.filter((f): f is { from: string; to: string } => typeof f === 'object' && f !== null) : [];

describe('electron-builder configuration', { timeout: 60_000 }, () => {
  const config = loadConfig({ GDIAL_UPDATE_URL: undefined });

  it("passes electron-builder's schema validation", async () => {
    await expect(validateConfiguration(structuredClone(config), new DebugLogger(false))).resolves.toBeUndefined();
    const broken = { ...structuredClone(config), nsis: { oneClick: 'sometimes' } } as unknown as Configuration;
    await expect(validateConfiguration(broken, new DebugLogger(false))).rejects.toThrow(/nsis/);
  });

  it('builds a Windows NSIS installer and a macOS DMG (plus the update zip), each for x64 and arm64', () => {
    expect(config.win?.target).toEqual([{ target: 'nsis', arch: ['x64', 'arm64'] }] satisfies Target[]);
    expect(config.mac?.target).toEqual([
      { target: 'dmg', arch: ['x64', 'arm64'] },
      { target: 'zip', arch: ['x64', 'arm64'] }, // what electron-updater downloads on macOS
    ] satisfies Target[]);
    expect(config.mac?.hardenedRuntime).toBe(true);
    expect(config.mac?.extendInfo).toHaveProperty('NSMicrophoneUsageDescription');
  });

  it('keeps native modules out of the asar and rebuilds them for Electron', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/node_modules/better-sqlite3/**', '**/node_modules/onnxruntime-node/**']));
    expect(config.npmRebuild).toBe(true);
  });

  it('ships the console, the migrations and the voices where the app looks for them', () => {
    const files = fileSets(config.files);
    const extra = fileSets(config.extraResources);
    // Compare with the packaged layout the main process computes.
    const layout = resolveLayout({ isPackaged: true, mainBundleDir: '/R/app.asar/dist/main', resourcesPath: '/R' });
    const ui = files.find((f) => f.from?.endsWith('packages/ui/dist'));
    expect(path.posix.join('/R/app.asar', ui!.to!)).toBe(layout.uiDir);
    const migrations = files.find((f) => f.from?.endsWith('packages/engine/drizzle'));
    expect(path.posix.join('/R/app.asar', migrations!.to!)).toBe(path.posix.join(layout.sourceRoot, 'packages/engine/drizzle'));
    const voices = extra.find((f) => f.from?.endsWith('build/resources/voices'));
    expect(path.posix.join('/R', voices!.to!)).toBe(path.posix.join(layout.resourcesDir, 'voices'));
    const icons = extra.find((f) => f.from?.endsWith('build/icons'));
    expect(path.posix.join('/R', icons!.to!)).toBe(layout.iconsDir);
    expect(config.files).toEqual(expect.arrayContaining(['dist/**/*', 'package.json']));
    expect(config.extraMetadata).toMatchObject({ main: 'dist/main/main.js' });
  });

  it('has the tray icons the main process loads, at 1x and 2x', () => {
    const iconsDir = path.resolve(import.meta.dirname, '../../../build/icons');
    for (const icon of ['idle', 'alerting', 'problem'] satisfies TrayIcon[]) {
      for (const file of [`tray-${icon}.png`, `tray-${icon}@2x.png`]) {
        expect(readFileSync(path.join(iconsDir, file)).subarray(0, 8)).toEqual(
          Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
        );
      }
    }
    expect(config.win?.icon).toBe('icons/icon.png');
    expect(readFileSync(path.join(iconsDir, 'icon.png')).readUInt32BE(16)).toBeGreaterThanOrEqual(512); // PNG width
  });

  it('registers the gdial:// scheme', () => {
    expect(config.protocols).toEqual([{ name: 'GDial', schemes: ['gdial'] }]);
  });

  it('publishes update metadata to a generic feed when GDIAL_UPDATE_URL is set at build time', () => {
    expect(config.publish).toBeNull();
    expect(loadConfig({ GDIAL_UPDATE_URL: 'https://updates.example.se/gdial/' }).publish).toEqual([
      { provider: 'generic', url: 'https://updates.example.se/gdial/' },
    ]);
  });
});
