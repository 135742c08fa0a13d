// What the main process's steps (this folder, run in order by ../main.ts) share: where the
// app's parts and data are, the logs, the operator's preferences and the texts in their
// language (replaced in place when they switch language, so every step reads the current
// ones).
import type { Logger } from 'pino';
import type { Strings } from '../i18n';
import type { RotatingFileStream } from '../log/rotating-file';
import type { AppLayout } from '../paths';
import type { DesktopPreferences } from '../preferences';
import type { Timers } from '../supervisor';

export interface MainContext {
  layout: AppLayout;
  log: Logger;
  logDir: string;
  mainLog: RotatingFileStream;
  engineLog: RotatingFileStream;
  dataDir: string;
  prefsFile: string;
  prefs: DesktopPreferences;
  text: Strings;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};
