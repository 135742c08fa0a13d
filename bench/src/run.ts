// `npm run bench -- NAME [--key value …]`: runs bench/src/benches/NAME.ts and prints one
// JSON object per line on stdout (progress goes to stderr). Benchmarks compare against a
// baseline measured in the same run and print the ratio; they are never part of `npm test`.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { benchStore, type BenchContext } from './context';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'benches');
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .sort();

const [name, ...rest] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  process.stderr.write(
    `${name ? `Unknown benchmark "${name}". ` : ''}Usage: npm run bench -- NAME [--option value]\nAvailable: ${available.join(', ')}\n`,
  );
  process.exit(2);
}

const options: Record<string, string> = {};
for (let i = 0; i < rest.length; i++) {
  const key = rest[i];
  if (key?.startsWith('--')) options[key.slice(2)] = rest[i + 1] ?? 'true';
}

if (options.encrypt === 'true') benchStore.key = randomBytes(32).toString('hex');

const ctx: BenchContext = {
  options,
  emit: (row) => process.stdout.write(`${JSON.stringify({ bench: name, ...row })}\n`),
  progress: (msg) => process.stderr.write(`[${name}] ${msg}\n`),
};
const mod = (await import(path.join(dir, `${name}.ts`))) as { default: (ctx: BenchContext) => Promise<void> };
await mod.default(ctx);
process.exit(0);
