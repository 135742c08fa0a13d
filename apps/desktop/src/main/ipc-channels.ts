// IPC channel names between the main process and the preload (a copy of
// src/preload/channels.ts, which main may not import; a unit test keeps them equal).
export const IPC = {
  enginePortRequest: 'gdial:engine-port-request',
  enginePort: 'gdial:engine-port',
  engineStatus: 'gdial:engine-status',
  deepLink: 'gdial:deep-link',
  appVersion: 'gdial:app-version',
  openExternal: 'gdial:open-external',
  notify: 'gdial:notify',
} as const;
