// Steps "vault" and "engine utility process": the safeStorage vault that seals secrets for
// the engine, and the engine itself in a supervised utility process (restarted after a
// crash, drained on quit), its output going to the engine's log file.
import { MessageChannelMain, safeStorage, utilityProcess, type MessagePortMain, type ForkOptions } from 'electron';
import type { AppLayout } from '../paths';
import { SecretVault } from '../secrets/vault';
import { vaultService } from '../secrets/vault-service';
import { EngineSupervisor, type EngineProcess } from '../supervisor';
import { realTimers, type MainContext } from './context';

/** How the engine's utility process is started. */
export function engineForkOptions(layout: AppLayout, env: Record<string, string | undefined>): ForkOptions {
  return {
    serviceName: 'GDial engine',
    stdio: 'pipe',
    // Lets V8 optimise espeak-ng's word translator (see ESPEAK_TURBOFAN_FLAG in
    // packages/engine/src/tts/espeak.ts), set at start rather than by the engine at run time.
    execArgv: ['--max-optimized-bytecode-size=262144'],
    env: { ...env, GDIAL_SOURCE_ROOT: layout.sourceRoot },
  };
}

export function startVault(): SecretVault {
  return new SecretVault(safeStorage, process.platform);
}

export function engineSupervisor(ctx: MainContext, vault: SecretVault): EngineSupervisor<MessagePortMain> {
  const spawn = (): EngineProcess<MessagePortMain> => {
    const child = utilityProcess.fork(ctx.layout.engineHost, [], engineForkOptions(ctx.layout, process.env));
    child.stdout?.on('data', (chunk: Buffer) => ctx.engineLog.writeChunk(chunk));
    child.stderr?.on('data', (chunk: Buffer) => ctx.engineLog.writeChunk(chunk));
    return {
      post: (message, ports) => child.postMessage(message, ports),
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) =>
        child.on('exit', (code) => {
          ctx.engineLog.flushPartial();
          listener(code);
        }),
      kill: () => void child.kill(),
    };
  };
  return new EngineSupervisor<MessagePortMain>({
    spawn,
    createChannel: () => {
      const { port1, port2 } = new MessageChannelMain();
      return { enginePort: port1, clientPort: port2 };
    },
    startOptions: { dataDir: ctx.dataDir, resourcesDir: ctx.layout.resourcesDir },
    timers: realTimers,
    logger: ctx.log,
    vault: vaultService(vault, ctx.log),
  });
}
