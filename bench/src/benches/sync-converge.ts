// sync-converge: five desktops making random edits, one partitioned from the relay for 10 s
// while the others keep writing; converge_ms from the heal until all five are identical
// (goal ≤ 2,000 ms), baseline_ms the same traffic settling with no partition, in the same
// run. The desktops are engines in processes of their own behind cuttable proxies, so the
// measurement lives with the convergence harness (apps/desktop/test/harness/converge.ts);
// this runs it and prints its line. Options: --desktops N, --partition-ms N, --rate N
// (edits/s from each desktop), --contacts N.
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { BenchContext } from '../context';

const script = path.resolve(import.meta.dirname, '../../../apps/desktop/scripts/harness.ts');

export default async function (ctx: BenchContext): Promise<void> {
  const args = ['converge', ...Object.entries(ctx.options).flatMap(([k, v]) => [`--${k}`, v])];
  ctx.progress(`running the convergence harness: ${args.join(' ')}`);
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const line = out.trim().split('\n').at(-1);
  if (code !== 0 || !line) throw new Error(`the convergence harness failed (exit ${code})`);
  const { name: _name, ...row } = JSON.parse(line) as Record<string, unknown>;
  ctx.emit({ name: 'sync-converge', ...row });
}
