// The application menu in the operator's language. Built as plain data (Electron's
// MenuItemConstructorOptions) so its content is testable; roles give the OS-native
// behaviour for editing, windows and zoom, labels make them Swedish.
import type { MenuItemConstructorOptions } from 'electron';
import type { Language, Strings } from './i18n';

export interface MenuActions {
  restartEngine(): void;
  openLogs(): void;
  setLanguage(lang: Language): void;
  quit(): void;
}

export interface MenuContext {
  platform: NodeJS.Platform;
  language: Language;
  /** Reload and developer tools only in development builds. */
  developer: boolean;
  /** Offered when the engine has given up restarting on its own. */
  engineRestartable: boolean;
}

export function menuTemplate(s: Strings['menu'], ctx: MenuContext, act: MenuActions): MenuItemConstructorOptions[] {
  const mac = ctx.platform === 'darwin';
  const languageItems: MenuItemConstructorOptions[] = [
    { label: 'Svenska', type: 'radio', checked: ctx.language === 'sv', click: () => act.setLanguage('sv') },
    { label: 'English', type: 'radio', checked: ctx.language === 'en', click: () => act.setLanguage('en') },
  ];
  const engineItems: MenuItemConstructorOptions[] = [
    { label: s.restartEngine, enabled: ctx.engineRestartable, click: () => act.restartEngine() },
  ];

  const template: MenuItemConstructorOptions[] = [];
  if (mac) {
    template.push({
      label: 'GDial',
      submenu: [
        { role: 'about', label: s.about },
        { type: 'separator' },
        { label: s.language, submenu: languageItems },
        { type: 'separator' },
        { role: 'hide', label: s.hide },
        { role: 'hideOthers', label: s.hideOthers },
        { role: 'unhide', label: s.showAll },
        { type: 'separator' },
        { label: s.quit, accelerator: 'Command+Q', click: () => act.quit() },
      ],
    });
  }
  template.push({
    label: s.file,
    submenu: [
      ...engineItems,
      ...(mac
        ? []
        : [
            { type: 'separator' } as const,
            { label: s.language, submenu: languageItems },
            { type: 'separator' } as const,
            { label: s.quit, accelerator: 'Ctrl+Q', click: () => act.quit() },
          ]),
    ],
  });
  template.push({
    label: s.edit,
    submenu: [
      { role: 'undo', label: s.undo },
      { role: 'redo', label: s.redo },
      { type: 'separator' },
      { role: 'cut', label: s.cut },
      { role: 'copy', label: s.copy },
      { role: 'paste', label: s.paste },
      { role: 'selectAll', label: s.selectAll },
    ],
  });
  template.push({
    label: s.view,
    submenu: [
      ...(ctx.developer
        ? [
            { role: 'reload', label: s.reload } as const,
            { role: 'toggleDevTools', label: s.devTools } as const,
            { type: 'separator' } as const,
          ]
        : []),
      { role: 'resetZoom', label: s.actualSize },
      { role: 'zoomIn', label: s.zoomIn },
      { role: 'zoomOut', label: s.zoomOut },
      { type: 'separator' },
      { role: 'togglefullscreen', label: s.fullscreen },
    ],
  });
  template.push({
    label: s.window,
    submenu: [
      { role: 'minimize', label: s.minimize },
      { role: 'close', label: s.close },
    ],
  });
  template.push({
    role: 'help',
    label: s.help,
    submenu: [{ label: s.openLogs, click: () => act.openLogs() }, ...(mac ? [] : [{ role: 'about', label: s.about } as const])],
  });
  return template;
}
