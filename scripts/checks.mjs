// The static part of `npm test`: typecheck, lint (eslint + prettier) and the console's build, run
// side by side instead of one after another. Typechecking runs seven TypeScript programs at once
// and keeps both cores busy; typed eslint is one single-threaded process (about two minutes) and
// the build mostly one more, so run in turn they left a core idle for most of the time. Each
// one's output is printed whole when it ends, with how long it took; the script fails if any did.
import { spawn } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const checks = [
  ['typecheck', ['run', 'typecheck']],
  ['lint', ['run', 'lint']],
  ['build of the console', ['run', 'build', '-w', '@gdial/ui']],
];

const started = Date.now();
const results = await Promise.all(
  checks.map(
    ([name, args]) =>
      new Promise((resolve) => {
        const t0 = Date.now();
        const child = spawn('npm', args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
        const out = [];
        child.stdout.on('data', (b) => out.push(b));
        child.stderr.on('data', (b) => out.push(b));
        child.on('close', (code, signal) => {
          const seconds = ((Date.now() - t0) / 1000).toFixed(0);
          const ok = code === 0;
          process.stdout.write(`\n── ${name}: ${ok ? 'passed' : `FAILED (${signal ?? `exit ${code}`})`} in ${seconds} s ──\n`);
          process.stdout.write(Buffer.concat(out));
          resolve(ok);
        });
      }),
  ),
);
const failed = checks.filter((_, i) => !results[i]).map(([name]) => name);
process.stdout.write(
  `\nStatic checks ${failed.length ? `failed: ${failed.join(', ')}` : 'passed'} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
);
process.exit(failed.length ? 1 : 0);
