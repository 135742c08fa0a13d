// Runs the provider simulator in its own process for benchmarks, as it would run beside a
// deployed app, so the simulator and the client being measured do not share one event loop.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { DEFAULT_CREDENTIALS, type SimCredentials } from '@gdial/simulator';

export interface SimulatorProcess {
  url: string;
  credentials: SimCredentials;
  stop(): Promise<void>;
}

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../packages/simulator/src/main.ts');

/** Starts `packages/simulator/src/main.ts` on a free port with the given built-in profile. */
export async function startSimulatorProcess(profile = 'throughput', seed = 1): Promise<SimulatorProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, SIM_PORT: '0', SIM_PROFILE: profile, SIM_SEED: String(seed) },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  // The IPC channel ties the simulator's life to ours: it exits when we disconnect or die.
  const stdout = child.stdout!;
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`Simulator did not start within 30 s; output: ${out}`)), 30_000);
    stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Simulator exited with ${code}; output: ${out}`));
    });
  });
  stdout.resume();
  return {
    url,
    credentials: DEFAULT_CREDENTIALS,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
