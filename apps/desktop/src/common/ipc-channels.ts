// IPC channel names between the preload and the main process, in the one folder both
// runtimes may import (src/common: contracts only, no runtime code).
export const IPC = {
  /** preload → main (send): give this window a channel to the engine. */
  enginePortRequest: 'gdial:engine-port-request',
  /** main → preload (postMessage with one port): the window's end of a fresh engine channel. */
  enginePort: 'gdial:engine-port',
  /** main → preload: the engine's status (running, restarting, failed …). */
  engineStatus: 'gdial:engine-status',
  /** main → preload: a validated gdial:// route to open. */
  deepLink: 'gdial:deep-link',
  /** preload → main (invoke). */
  appVersion: 'gdial:app-version',
  openExternal: 'gdial:open-external',
  notify: 'gdial:notify',
  chooseVoiceFiles: 'gdial:choose-voice-files',
  printReportPdf: 'gdial:print-report-pdf',
  /** The engine could not read its database: start it on this backup instead. */
  restoreBackup: 'gdial:restore-backup',
} as const;
