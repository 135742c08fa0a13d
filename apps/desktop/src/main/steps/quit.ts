// Step "quit flow": closing the last window or quitting during an alert asks first, then
// the engine is drained before the app exits (the decisions are ../quit-flow.ts's; this
// wires them to Electron's events and dialogs).
import { app, dialog, type MessagePortMain } from 'electron';
import { QuitFlow } from '../quit-flow';
import type { EngineSupervisor } from '../supervisor';
import type { UpdateScheduler } from '../updates';
import type { MainContext } from './context';
import type { ConsoleWindow } from './window';

export interface QuitDeps {
  supervisor: EngineSupervisor<MessagePortMain>;
  window: ConsoleWindow;
  runningAlerts(): number;
  /** The update checks, once started. */
  updates(): UpdateScheduler | null;
}

export function startQuitFlow(ctx: MainContext, deps: QuitDeps): QuitFlow {
  const quitFlow: QuitFlow = new QuitFlow({
    runningAlerts: () => deps.runningAlerts(),
    confirmQuit: async (running) => {
      const q = ctx.text.quitWhileAlerting;
      const options = {
        type: 'warning' as const,
        title: q.title,
        message: q.message(running),
        buttons: [q.stay, q.quit],
        defaultId: 0,
        cancelId: 0,
      };
      const win = deps.window.current;
      const { response } = win ? await dialog.showMessageBox(win, options) : await dialog.showMessageBox(options);
      return response === 1;
    },
    stopEngine: () =>
      deps.supervisor.stop('GDial is quitting').then(
        (outcome) => ctx.log.info({ drained: outcome.drained }, 'engine stopped; quitting'),
        (err: unknown) => ctx.log.error({ err }, 'stopping the engine failed; quitting anyway'),
      ),
    exit: () => {
      if (quitFlow.state === 'done') {
        deps.updates()?.stop();
        ctx.mainLog.close();
        ctx.engineLog.close();
      }
      app.quit();
    },
  });
  app.on('before-quit', (event) => {
    if (!quitFlow.beforeQuit()) event.preventDefault();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  return quitFlow;
}
