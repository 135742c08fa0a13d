// Preload of every console window (bundled to CommonJS: sandboxed preloads cannot be ES
// modules). It only installs the bridge; see bridge.ts for what the page gets.
import { contextBridge, ipcRenderer } from 'electron';
import { installBridge } from './bridge';

installBridge({
  contextBridge: {
    executeInMainWorld: (script) => {
      contextBridge.executeInMainWorld(script);
    },
  },
  ipcRenderer,
  window,
  createChannel: () => new MessageChannel(),
});
