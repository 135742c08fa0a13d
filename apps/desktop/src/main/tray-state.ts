// What the tray icon shows: an alert running (red), the engine not running (warning) or
// quiet (normal), with a tooltip saying so in words.
import type { Strings } from './i18n';
import type { EngineStatus } from './supervisor';

export type TrayIcon = 'idle' | 'alerting' | 'problem';

export interface TrayView {
  icon: TrayIcon;
  tooltip: string;
}

export function trayView(engine: EngineStatus, runningAlerts: number, s: Strings['tray']): TrayView {
  switch (engine.state) {
    case 'failed':
    case 'restarting':
      return { icon: 'problem', tooltip: s.engineProblem };
    case 'starting':
    case 'running':
    case 'stopping':
    case 'stopped':
      return runningAlerts > 0 ? { icon: 'alerting', tooltip: s.alerting(runningAlerts) } : { icon: 'idle', tooltip: s.idle };
    default: {
      const never: never = engine;
      return never;
    }
  }
}

/** The message for the UI and dialogs about a supervision state that needs words. */
export function engineStatusMessage(status: EngineStatus, s: Strings['engine']): string | null {
  switch (status.state) {
    case 'restarting':
      return s.restarting(Math.ceil(status.delayMs / 1000));
    case 'failed': {
      const f = status.failure;
      switch (f.kind) {
        case 'too-many-crashes':
          return s.tooManyCrashes(f.crashes, Math.round(f.windowMs / 60_000));
        case 'start-failed':
          switch (f.reason) {
            case 'newer-version':
              return s.newerDatabase;
            case 'unreadable':
              return s.unreadableDatabase;
            case 'migration-failed':
              return s.migrationFailed;
            case 'wrong-key':
              return s.wrongKey;
            case 'plaintext':
            case 'key-unavailable':
              return `${s.keyUnavailable} ${f.message}`;
            case 'unknown':
              return `${s.startFailed} ${f.message}`;
            default: {
              const never: never = f.reason;
              return never;
            }
          }
        default: {
          const never: never = f;
          return never;
        }
      }
    }
    case 'starting':
    case 'running':
    case 'stopping':
    case 'stopped':
      return null;
    default: {
      const never: never = status;
      return never;
    }
  }
}
