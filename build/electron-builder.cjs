// electron-builder configuration for the GDial desktop app. Run from apps/desktop:
//   npm run dist:win   → Windows NSIS installer, x64 + arm64
//   npm run dist:mac   → macOS DMG, x64 + arm64 (signing/notarisation: see docs/desktop.md)
// The project directory is apps/desktop (its package.json is the app's package.json);
// paths to other parts of the repository are relative to it.
//
// Layout inside the app (must match apps/desktop/src/main/paths.ts):
//   app.asar/dist/{main,preload,engine-host}/   the bundles (npm run build)
//   app.asar/ui/                                 the console (packages/ui/dist)
//   app.asar/workspace/packages/engine/drizzle/  the engine's SQL migrations (GDIAL_SOURCE_ROOT)
//   resources/resources/voices/                  bundled Piper voices (build/resources/voices)
//   resources/icons/                             tray icons (build/icons/tray-*.png, from make-icons.mjs)
// Native modules (better-sqlite3, onnxruntime-node) are unpacked from the asar, because
// the OS loads .node files from disk, and better-sqlite3 is rebuilt for Electron's ABI.

const onnxOtherPlatforms = {
  win: ['darwin', 'linux'],
  mac: ['win32', 'linux'],
};
const dropOnnxBinaries = (platforms) => platforms.map((p) => `!**/node_modules/onnxruntime-node/bin/napi-v*/${p}/**`);

/** @type {import('app-builder-lib').Configuration} */
const config = {
  appId: 'se.gdial.desktop',
  productName: 'GDial',
  copyright: 'Copyright © GDial contributors',
  directories: {
    output: 'release',
    buildResources: '../../build',
  },
  extraMetadata: { main: 'dist/main/main.js' },

  files: [
    'package.json',
    'dist/**/*',
    '!dist/**/*.map',
    { from: '../../packages/ui/dist', to: 'ui', filter: ['**/*'] },
    { from: '../../packages/engine/drizzle', to: 'workspace/packages/engine/drizzle', filter: ['**/*'] },
    // Our workspace packages are bundled into dist; their TypeScript sources are not needed.
    '!**/node_modules/@gdial/**',
    '!**/node_modules/**/{test,tests,__tests__,docs,example,examples}/**',
    '!**/node_modules/**/*.{md,markdown,ts.map,d.ts}',
  ],
  extraResources: [
    // Voices: node build/download-voices.mjs fills build/resources/voices (checksum-verified).
    { from: '../../build/resources/voices', to: 'resources/voices', filter: ['*.onnx', '*.onnx.json', '*.txt', '*.md'] },
    { from: '../../build/icons', to: 'icons', filter: ['tray-*.png'] },
  ],

  asar: true,
  asarUnpack: [
    '**/node_modules/better-sqlite3-multiple-ciphers/**',
    '**/node_modules/better-sqlite3/**',
    '**/node_modules/onnxruntime-node/**',
    '**/*.node',
  ],
  npmRebuild: true,
  buildDependenciesFromSource: false,
  nodeGypRebuild: false,

  protocols: [{ name: 'GDial', schemes: ['gdial'] }],

  win: {
    target: [{ target: 'nsis', arch: ['x64', 'arm64'] }],
    icon: 'icons/icon.png',
    files: dropOnnxBinaries(onnxOtherPlatforms.win),
  },
  nsis: {
    oneClick: false,
    perMachine: false,
    allowElevation: true,
    allowToChangeInstallationDirectory: true,
    createDesktopShortcut: true,
    createStartMenuShortcut: true,
    shortcutName: 'GDial',
    // The operator's database and recordings stay when the program is uninstalled.
    deleteAppDataOnUninstall: false,
    artifactName: 'GDial-Setup-${version}-${arch}.${ext}',
  },

  mac: {
    // The DMG is what operators install; the zip is what electron-updater downloads
    // (Squirrel.Mac updates from a zip, not a DMG).
    target: [
      { target: 'dmg', arch: ['x64', 'arm64'] },
      { target: 'zip', arch: ['x64', 'arm64'] },
    ],
    category: 'public.app-category.productivity',
    icon: 'icons/icon.png',
    hardenedRuntime: true,
    gatekeeperAssess: false,
    entitlements: 'entitlements.mac.plist',
    entitlementsInherit: 'entitlements.mac.plist',
    extendInfo: {
      NSMicrophoneUsageDescription:
        'GDial använder mikrofonen när du spelar in ett röstmeddelande. / GDial uses the microphone to record voice messages.',
    },
    files: dropOnnxBinaries(onnxOtherPlatforms.mac),
  },
  dmg: {
    artifactName: 'GDial-${version}-${arch}.${ext}',
  },

  // electron-updater: installers and latest*.yml go to a generic HTTPS folder. The app
  // reads the feed URL at run time (GDIAL_UPDATE_URL or updateFeedUrl in desktop.json);
  // set GDIAL_UPDATE_URL when building to also publish the update metadata for it.
  publish: process.env.GDIAL_UPDATE_URL ? [{ provider: 'generic', url: process.env.GDIAL_UPDATE_URL }] : null,
  electronUpdaterCompatibility: '>=2.16',
};

module.exports = config;
