// Automatic updates through electron-updater from a generic feed (a folder of
// latest.yml / latest-mac.yml and installers on any HTTPS server). The feed URL comes
// from GDIAL_UPDATE_URL or the desktop preferences file, so an organisation can host its
// own. Checks start well after launch and never block it; a failed check (offline, feed
// down) is logged and retried later, never shown as a crash — GDial must keep working
// offline. Downloaded updates install when the operator quits, never mid-alert.
import type { Logger } from 'pino';
import type { Timers } from './supervisor';

export type UpdateFeed = { enabled: true; url: string } | { enabled: false; reason: string };

export function resolveUpdateFeed(opts: {
  env: Record<string, string | undefined>;
  configuredUrl: unknown;
  isPackaged: boolean;
}): UpdateFeed {
  if (!opts.isPackaged) return { enabled: false, reason: 'development build' };
  if ((opts.env.GDIAL_UPDATES ?? '').toLowerCase() === 'off') return { enabled: false, reason: 'turned off by GDIAL_UPDATES=off' };
  const raw = opts.env.GDIAL_UPDATE_URL || (typeof opts.configuredUrl === 'string' ? opts.configuredUrl : '');
  if (!raw) return { enabled: false, reason: 'no update feed configured (GDIAL_UPDATE_URL or updateFeedUrl in the preferences)' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { enabled: false, reason: `the update feed "${raw}" is not a URL` };
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    return { enabled: false, reason: 'the update feed must use https (plain http only on this computer, for testing)' };
  }
  if (url.username || url.password || url.search || url.hash)
    return { enabled: false, reason: 'the update feed URL may not carry credentials, a query or a fragment' };
  return { enabled: true, url: url.href.endsWith('/') ? url.href : `${url.href}/` };
}

/** The part of electron-updater's autoUpdater used here. */
export interface Updater {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdates(): Promise<unknown>;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown;
}

export interface UpdateSchedule {
  firstCheckAfterMs: number;
  intervalMs: number;
}

export const DEFAULT_SCHEDULE: UpdateSchedule = { firstCheckAfterMs: 60_000, intervalMs: 6 * 60 * 60_000 };

export class UpdateScheduler {
  private timer: unknown = null;
  private stopped = false;
  private readonly log: Logger;
  checks = 0;
  failures = 0;

  constructor(
    private readonly updater: Updater,
    private readonly feed: UpdateFeed,
    private readonly timers: Timers,
    logger: Logger,
    private readonly onDownloaded: (version: string) => void,
    private readonly schedule: UpdateSchedule = DEFAULT_SCHEDULE,
  ) {
    this.log = logger.child({ module: 'updates' });
  }

  /** Returns at once; the first check runs later. */
  start(): void {
    if (!this.feed.enabled) {
      this.log.info({ reason: this.feed.reason }, 'automatic updates are off');
      return;
    }
    this.updater.autoDownload = true;
    this.updater.autoInstallOnAppQuit = true;
    this.updater.setFeedURL({ provider: 'generic', url: this.feed.url });
    this.updater.on('error', (err) => this.log.warn({ err: err.message }, 'update check failed; will retry later'));
    this.updater.on('update-downloaded', (info) => {
      this.log.info({ version: info.version }, 'update downloaded; installs on quit');
      this.onDownloaded(info.version);
    });
    this.log.info({ feed: this.feed.url }, 'automatic updates on');
    this.next(this.schedule.firstCheckAfterMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private next(ms: number): void {
    if (this.stopped) return;
    this.timer = this.timers.setTimeout(() => void this.check(), ms);
  }

  private async check(): Promise<void> {
    this.checks++;
    try {
      await this.updater.checkForUpdates();
    } catch (err) {
      this.failures++;
      this.log.warn({ err: (err as Error).message }, 'update check failed; will retry later');
    }
    this.next(this.schedule.intervalMs);
  }
}
