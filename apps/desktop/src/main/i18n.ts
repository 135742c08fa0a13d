// The main process's own words (menu, tray, OS notifications, dialogs) in Swedish, the
// default, and English. The console has its own translations; these are the few texts
// the operating system shows outside the window.
export type Language = 'sv' | 'en';

export const DEFAULT_LANGUAGE: Language = 'sv';

export function isLanguage(v: unknown): v is Language {
  return v === 'sv' || v === 'en';
}

export interface Strings {
  menu: {
    file: string;
    edit: string;
    view: string;
    window: string;
    help: string;
    language: string;
    restartEngine: string;
    openLogs: string;
    about: string;
    quit: string;
    reload: string;
    devTools: string;
    actualSize: string;
    zoomIn: string;
    zoomOut: string;
    fullscreen: string;
    undo: string;
    redo: string;
    cut: string;
    copy: string;
    paste: string;
    selectAll: string;
    minimize: string;
    close: string;
    hide: string;
    hideOthers: string;
    showAll: string;
  };
  tray: { idle: string; alerting: (n: number) => string; engineProblem: string; show: string; quit: string };
  notify: {
    campaignFinishedTitle: (id: number) => string;
    campaignFinishedBody: (confirmed: number, recipients: number, unreached: number) => string;
    providersDownTitle: string;
    providersDownBody: (providers: string[]) => string;
    replyTitle: (from: string) => string;
    repliesTitle: (n: number) => string;
    repliesBody: string;
    engineFailedTitle: string;
  };
  engine: {
    restarting: (seconds: number) => string;
    tooManyCrashes: (crashes: number, minutes: number) => string;
    newerDatabase: string;
    unreadableDatabase: string;
    migrationFailed: string;
    wrongKey: string;
    keyUnavailable: string;
    startFailed: string;
    logHint: (dir: string) => string;
  };
  quitWhileAlerting: { title: string; message: (n: number) => string; quit: string; stay: string };
  updates: { readyTitle: string; readyBody: (version: string) => string };
}

const sv: Strings = {
  menu: {
    file: 'Arkiv',
    edit: 'Redigera',
    view: 'Visa',
    window: 'Fönster',
    help: 'Hjälp',
    language: 'Språk',
    restartEngine: 'Starta om motorn',
    openLogs: 'Öppna loggmappen',
    about: 'Om GDial',
    quit: 'Avsluta GDial',
    reload: 'Läs in igen',
    devTools: 'Utvecklarverktyg',
    actualSize: 'Verklig storlek',
    zoomIn: 'Zooma in',
    zoomOut: 'Zooma ut',
    fullscreen: 'Helskärm',
    undo: 'Ångra',
    redo: 'Gör om',
    cut: 'Klipp ut',
    copy: 'Kopiera',
    paste: 'Klistra in',
    selectAll: 'Markera allt',
    minimize: 'Minimera',
    close: 'Stäng fönster',
    hide: 'Göm GDial',
    hideOthers: 'Göm övriga',
    showAll: 'Visa alla',
  },
  tray: {
    idle: 'GDial – inget larm pågår',
    alerting: (n) => (n === 1 ? 'GDial – 1 larm pågår' : `GDial – ${n} larm pågår`),
    engineProblem: 'GDial – motorn är inte igång',
    show: 'Visa GDial',
    quit: 'Avsluta',
  },
  notify: {
    campaignFinishedTitle: (id) => `Kampanj #${id} är klar`,
    campaignFinishedBody: (c, r, u) => `${c} av ${r} har bekräftat.` + (u > 0 ? ` ${u} nåddes inte.` : ''),
    providersDownTitle: 'Utskick försenas',
    providersDownBody: (p) => `${p.join(', ')} svarar inte just nu. GDial försöker igen automatiskt.`,
    replyTitle: (from) => `Nytt svar från ${from}`,
    repliesTitle: (n) => `${n} nya svar`,
    repliesBody: 'Öppna inkorgen i GDial för att läsa dem.',
    engineFailedTitle: 'GDial kan inte skicka utskick',
  },
  engine: {
    restarting: (s) => `Motorn stannade oväntat och startas om om ${s} s.`,
    tooManyCrashes: (c, m) =>
      `Motorn har stannat ${c} gånger på ${m} minuter och startas inte om automatiskt. Välj "Starta om motorn" i menyn, och kontakta support om det händer igen.`,
    newerDatabase: 'Databasen är skapad av en nyare version av GDial. Uppdatera GDial; databasen har inte ändrats.',
    unreadableDatabase: 'Databasen kunde inte läsas. Den har inte ändrats. Återställ från senaste säkerhetskopian eller kontakta support.',
    migrationFailed: 'Databasen kunde inte uppgraderas. Inget har ändrats. Kontakta support och bifoga loggfilerna.',
    wrongKey:
      'Databasen kan inte låsas upp med den här datorns nyckel: nyckeln är fel eller filen är skadad. Den har inte ändrats. Återställ den senaste säkerhetskopian (gdial backup restore) eller kontakta support.',
    keyUnavailable: 'Databasens krypteringsnyckel kunde inte hämtas, så GDial startar inte.',
    startFailed: 'Motorn kunde inte starta.',
    logHint: (d) => `Loggfiler: ${d}`,
  },
  quitWhileAlerting: {
    title: 'Larm pågår',
    message: (n) => `${n === 1 ? 'Ett larm pågår' : `${n} larm pågår`}. Om du avslutar pausas utskicken tills GDial startas igen.`,
    quit: 'Avsluta ändå',
    stay: 'Fortsätt köra',
  },
  updates: { readyTitle: 'Uppdatering klar', readyBody: (v) => `GDial ${v} installeras när du avslutar programmet.` },
};

const en: Strings = {
  menu: {
    file: 'File',
    edit: 'Edit',
    view: 'View',
    window: 'Window',
    help: 'Help',
    language: 'Language',
    restartEngine: 'Restart engine',
    openLogs: 'Open log folder',
    about: 'About GDial',
    quit: 'Quit GDial',
    reload: 'Reload',
    devTools: 'Developer tools',
    actualSize: 'Actual size',
    zoomIn: 'Zoom in',
    zoomOut: 'Zoom out',
    fullscreen: 'Full screen',
    undo: 'Undo',
    redo: 'Redo',
    cut: 'Cut',
    copy: 'Copy',
    paste: 'Paste',
    selectAll: 'Select all',
    minimize: 'Minimize',
    close: 'Close window',
    hide: 'Hide GDial',
    hideOthers: 'Hide others',
    showAll: 'Show all',
  },
  tray: {
    idle: 'GDial – no alert running',
    alerting: (n) => (n === 1 ? 'GDial – 1 alert running' : `GDial – ${n} alerts running`),
    engineProblem: 'GDial – the engine is not running',
    show: 'Show GDial',
    quit: 'Quit',
  },
  notify: {
    campaignFinishedTitle: (id) => `Campaign #${id} finished`,
    campaignFinishedBody: (c, r, u) => `${c} of ${r} confirmed.` + (u > 0 ? ` ${u} could not be reached.` : ''),
    providersDownTitle: 'Sending is delayed',
    providersDownBody: (p) => `${p.join(', ')} ${p.length === 1 ? 'is' : 'are'} not responding. GDial keeps retrying.`,
    replyTitle: (from) => `New reply from ${from}`,
    repliesTitle: (n) => `${n} new replies`,
    repliesBody: 'Open the inbox in GDial to read them.',
    engineFailedTitle: 'GDial cannot send',
  },
  engine: {
    restarting: (s) => `The engine stopped unexpectedly and restarts in ${s} s.`,
    tooManyCrashes: (c, m) =>
      `The engine stopped ${c} times in ${m} minutes and is not restarted automatically. Choose "Restart engine" in the menu, and contact support if it happens again.`,
    newerDatabase: 'The database was written by a newer GDial. Update GDial; the database has not been changed.',
    unreadableDatabase: 'The database could not be read. It has not been changed. Restore the latest backup or contact support.',
    migrationFailed: 'The database could not be upgraded. Nothing was changed. Contact support and attach the log files.',
    wrongKey:
      "The database cannot be unlocked with this computer's key: the key is wrong or the file is damaged. It has not been changed. Restore the latest backup (gdial backup restore) or contact support.",
    keyUnavailable: "The database's encryption key could not be obtained, so GDial does not start.",
    startFailed: 'The engine could not start.',
    logHint: (d) => `Log files: ${d}`,
  },
  quitWhileAlerting: {
    title: 'Alert running',
    message: (n) => `${n === 1 ? 'An alert is' : `${n} alerts are`} running. Quitting pauses sending until GDial is started again.`,
    quit: 'Quit anyway',
    stay: 'Keep running',
  },
  updates: { readyTitle: 'Update ready', readyBody: (v) => `GDial ${v} will be installed when you quit.` },
};

export function strings(lang: Language): Strings {
  switch (lang) {
    case 'sv':
      return sv;
    case 'en':
      return en;
    default: {
      const never: never = lang;
      return never;
    }
  }
}
