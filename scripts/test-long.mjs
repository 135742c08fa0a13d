// `npm run test:long`: the full-size forms of the slow scenario tests. In `npm test` (CI) each runs
// a bounded form; with GDIAL_LONG=1 it runs at the size it was written for. The files are those
// that read GDIAL_LONG, so a new long form needs nothing here. Extra arguments go to vitest
// (e.g. `npm run test:long -- --project engine`).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const files = [];
for (const top of ['packages', 'apps']) {
  for (const rel of readdirSync(path.join(root, top), { recursive: true })) {
    const file = path.join(top, String(rel));
    if (file.includes('node_modules') || !/\.(test|e2e)\.ts$/.test(file)) continue;
    if (readFileSync(path.join(root, file), 'utf8').includes('GDIAL_LONG')) files.push(file);
  }
}
files.sort();
process.stdout.write(`Long forms (GDIAL_LONG=1):\n${files.map((f) => `  ${f}`).join('\n')}\n`);

const run = (cmd, args, env = process.env) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
// The browser tests serve the built console.
if (files.some((f) => f.endsWith('.e2e.ts'))) run('npm', ['run', 'build', '-w', '@gdial/ui']);
run('npx', ['vitest', 'run', ...files, ...process.argv.slice(2)], { ...process.env, GDIAL_LONG: '1' });
