// Step "paths and logging": where the data, the preferences and the logs live, the two
// rotating log files (the main process's and the engine's output), the preferences and the
// texts in the operator's language, and the last-resort handlers for errors nothing caught.
import path from 'node:path';
import { app, dialog } from 'electron';
import { strings } from '../i18n';
import { createMainLogger } from '../log/logger';
import { RotatingFileStream } from '../log/rotating-file';
import { resolveLayout } from '../paths';
import { loadPreferences } from '../preferences';
import type { MainContext } from './context';

const LOG_FILE_BYTES = 5 * 1024 * 1024;
const LOG_FILES_KEPT = 5;

export interface DesktopPaths {
  /** The engine's database, audio and voices (GDIAL_DATA_DIR overrides, e.g. for tests). */
  dataDir: string;
  prefsFile: string;
  mainLogFile: string;
  engineLogFile: string;
}

export function desktopPaths(opts: { env: Record<string, string | undefined>; userData: string; logDir: string }): DesktopPaths {
  return {
    dataDir: opts.env.GDIAL_DATA_DIR ?? path.join(opts.userData, 'data'),
    prefsFile: path.join(opts.userData, 'desktop.json'),
    mainLogFile: path.join(opts.logDir, 'main.log'),
    engineLogFile: path.join(opts.logDir, 'engine.log'),
  };
}

export function startPathsAndLogging(mainBundleDir: string): MainContext {
  const layout = resolveLayout({ isPackaged: app.isPackaged, mainBundleDir, resourcesPath: process.resourcesPath });
  const logDir = app.getPath('logs');
  const paths = desktopPaths({ env: process.env, userData: app.getPath('userData'), logDir });
  const logFile = (file: string) => new RotatingFileStream({ file, maxBytes: LOG_FILE_BYTES, maxFiles: LOG_FILES_KEPT });
  const mainLog = logFile(paths.mainLogFile);
  const engineLog = logFile(paths.engineLogFile);
  const log = createMainLogger({ destination: mainLog, alsoToStdout: !app.isPackaged });
  const loaded = loadPreferences(paths.prefsFile);
  if (loaded.problem) log.warn({ problem: loaded.problem }, 'desktop preferences were not usable');
  const ctx: MainContext = {
    layout,
    log,
    logDir,
    mainLog,
    engineLog,
    dataDir: paths.dataDir,
    prefsFile: paths.prefsFile,
    prefs: loaded.prefs,
    text: strings(loaded.prefs.language),
  };

  process.on('uncaughtException', (err) => {
    log.fatal({ err }, 'uncaught exception in the main process');
    dialog.showErrorBox('GDial', `${err.message}\n\n${ctx.text.engine.logHint(logDir)}`);
  });
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection in the main process'));

  log.info(
    { version: app.getVersion(), electron: process.versions.electron, platform: process.platform, packaged: app.isPackaged },
    'GDial starting',
  );
  return ctx;
}
