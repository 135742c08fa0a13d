// Step "tray and menu": the tray icon and its menu, the application menu (with the language
// switch), OS notifications for what the engine reports (alerts finishing, providers
// down, replies) and for the shell's own news, and the engine's status carried to every
// window, with a dialog when the engine cannot be brought back.
import path from 'node:path';
import { BrowserWindow, Menu, Notification, Tray, app, dialog, nativeImage, shell, type MessagePortMain, type NativeImage } from 'electron';
import { AlertActivity, type NotificationRequest } from '../activity';
import { strings, type Language, type Strings } from '../i18n';
import { IPC } from '../../common/ipc-channels';
import { menuTemplate } from '../menu';
import { savePreferences } from '../preferences';
import type { EngineStatus, EngineSupervisor } from '../supervisor';
import { engineStatusMessage, trayView, type TrayIcon } from '../tray-state';
import { realTimers, type MainContext } from './context';
import type { ConsoleWindow } from './window';

/** What the shell does about a new engine status besides showing it. */
export interface StatusEffects {
  /** The words the console shows with the status (null when it needs none). */
  message: string | null;
  /** The engine restarts: the running alerts it reported are no longer known. */
  forgetActivity: boolean;
  /** The engine could not be brought back: tell the operator out loud. */
  failure: { title: string; message: string } | null;
}

export function statusEffects(status: EngineStatus, text: Strings): StatusEffects {
  const message = engineStatusMessage(status, text.engine);
  return {
    message,
    forgetActivity: status.state === 'restarting',
    failure: status.state === 'failed' && message ? { title: text.notify.engineFailedTitle, message } : null,
  };
}

export class TrayAndMenu {
  readonly activity: AlertActivity;
  private tray: Tray | null = null;

  constructor(
    private readonly ctx: MainContext,
    private readonly supervisor: EngineSupervisor<MessagePortMain>,
    private readonly window: ConsoleWindow,
  ) {
    this.activity = new AlertActivity((n) => this.notify(n), ctx.text.notify, realTimers);
    this.activity.onChange(() => this.refreshTray());
    supervisor.onEngineEvent((name, payload) => this.activity.handleEngineEvent(name, payload));
    supervisor.onStatus((status) => this.onEngineStatus(status));
  }

  /** The engine's status as the console shows it. */
  statusForConsole(): EngineStatus & { message: string | null } {
    const status = this.supervisor.status;
    return { ...status, message: engineStatusMessage(status, this.ctx.text.engine) };
  }

  /** Shows the menu and the tray (once the app is ready). */
  show(): void {
    this.refreshMenu();
    this.tray = new Tray(this.trayImage('idle'));
    this.tray.on('click', () => this.window.focus());
    this.refreshTray();
  }

  notify(n: NotificationRequest): void {
    if (!Notification.isSupported()) return;
    const notification = new Notification({
      title: n.title,
      body: n.body,
      urgency: n.kind === 'providers-down' || n.kind === 'engine-failed' ? 'critical' : 'normal',
    });
    notification.on('click', () => {
      this.window.focus();
      if (n.route) this.window.sendRoute(n.route);
    });
    notification.show();
  }

  private onEngineStatus(status: EngineStatus): void {
    const { ctx } = this;
    const effects = statusEffects(status, ctx.text);
    for (const w of BrowserWindow.getAllWindows()) {
      if (!w.isDestroyed()) w.webContents.send(IPC.engineStatus, { ...status, message: effects.message });
    }
    if (effects.forgetActivity) this.activity.reset();
    if (effects.failure) {
      this.notify({ kind: 'engine-failed', title: effects.failure.title, body: effects.failure.message, route: null });
      const win = this.window.current;
      if (win) {
        void dialog.showMessageBox(win, {
          type: 'error',
          title: 'GDial',
          message: effects.failure.title,
          detail: `${effects.failure.message}\n\n${ctx.text.engine.logHint(ctx.logDir)}`,
        });
      }
    }
    this.refreshTray();
    this.refreshMenu();
  }

  private trayImage(icon: TrayIcon): NativeImage {
    const image = nativeImage.createFromPath(path.join(this.ctx.layout.iconsDir, `tray-${icon}.png`));
    if (image.isEmpty()) this.ctx.log.warn({ iconsDir: this.ctx.layout.iconsDir, icon }, 'tray icon missing');
    return image;
  }

  private refreshTray(): void {
    if (!this.tray) return;
    const text = this.ctx.text;
    const view = trayView(this.supervisor.status, this.activity.runningCount, text.tray);
    this.tray.setImage(this.trayImage(view.icon));
    this.tray.setToolTip(view.tooltip);
    this.tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: view.tooltip, enabled: false },
        { type: 'separator' },
        { label: text.tray.show, click: () => this.window.focus() },
        { label: text.tray.quit, click: () => app.quit() },
      ]),
    );
  }

  private refreshMenu(): void {
    const { ctx } = this;
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        menuTemplate(
          ctx.text.menu,
          {
            platform: process.platform,
            language: ctx.prefs.language,
            developer: !app.isPackaged,
            engineRestartable: this.supervisor.status.state === 'failed',
          },
          {
            restartEngine: () => this.supervisor.retry(),
            openLogs: () => void shell.openPath(ctx.logDir),
            setLanguage: (lang: Language) => this.setLanguage(lang),
            quit: () => app.quit(),
          },
        ),
      ),
    );
  }

  private setLanguage(lang: Language): void {
    const { ctx } = this;
    ctx.prefs.language = lang;
    ctx.text = strings(lang);
    this.activity.setTexts(ctx.text.notify);
    try {
      savePreferences(ctx.prefsFile, ctx.prefs);
    } catch (err) {
      ctx.log.warn({ err }, 'could not save the desktop preferences');
    }
    this.refreshMenu();
    this.refreshTray();
  }
}
