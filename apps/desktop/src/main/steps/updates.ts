// Step "updates": electron-updater's autoUpdater behind the small Updater interface the
// tested UpdateScheduler drives (../updates.ts), checking in the background and telling the
// operator when an update waits to be installed on quit.
import electronUpdater from 'electron-updater';
import type { Logger } from 'pino';
import { UpdateScheduler, resolveUpdateFeed, type Updater } from '../updates';
import { realTimers, type MainContext } from './context';

function autoUpdaterOf(log: Logger): Updater {
  const { autoUpdater } = electronUpdater;
  autoUpdater.logger = {
    info: (m?: unknown) => log.info({ module: 'electron-updater' }, String(m)),
    warn: (m?: unknown) => log.warn({ module: 'electron-updater' }, String(m)),
    error: (m?: unknown) => log.warn({ module: 'electron-updater' }, String(m)),
  };
  return {
    get autoDownload() {
      return autoUpdater.autoDownload;
    },
    set autoDownload(v: boolean) {
      autoUpdater.autoDownload = v;
    },
    get autoInstallOnAppQuit() {
      return autoUpdater.autoInstallOnAppQuit;
    },
    set autoInstallOnAppQuit(v: boolean) {
      autoUpdater.autoInstallOnAppQuit = v;
    },
    setFeedURL: (o) => autoUpdater.setFeedURL(o),
    checkForUpdates: () => autoUpdater.checkForUpdates(),
    on(event: 'error' | 'update-downloaded', listener: ((error: Error) => void) | ((info: { version: string }) => void)) {
      if (event === 'error') autoUpdater.on('error', (err) => (listener as (error: Error) => void)(err));
      else autoUpdater.on('update-downloaded', (info) => (listener as (info: { version: string }) => void)(info));
    },
  };
}

export function startUpdates(ctx: MainContext, isPackaged: boolean, notifyReady: (version: string) => void): UpdateScheduler {
  const updates = new UpdateScheduler(
    autoUpdaterOf(ctx.log),
    resolveUpdateFeed({ env: process.env, configuredUrl: ctx.prefs.updateFeedUrl, isPackaged }),
    realTimers,
    ctx.log,
    notifyReady,
  );
  updates.start();
  return updates;
}
