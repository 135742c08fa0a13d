// The code the console runs before the contact list's first rows (main.tsx, the console it loads
// and the Contacts page) builds no zod schema: building the contract's schemas took a large part
// of the console's start (issue #22). Follows the static, non-type imports from those modules
// through the console and the protocol package (a protocol name leads to the module that
// defines it) and fails naming the chain that reaches zod.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ui = path.resolve(__dirname, '../src');
const protocol = path.resolve(__dirname, '../../protocol/src');

/** Non-type imports of a module: [specifier, names] (names null for a side-effect or namespace import). */
function imports(file: string): [string, string[] | null][] {
  const text = readFileSync(file, 'utf8');
  const out: [string, string[] | null][] = [];
  for (const m of text.matchAll(
    /^(?:import|export)\s+(type\s+)?(?:\{([^}]*)\}|\*(?:\s+as\s+\w+)?|[\w$]+(?:\s*,\s*\{([^}]*)\})?)\s+from\s+'([^']+)'/gm,
  )) {
    if (m[1]) continue;
    const list = (m[2] ?? m[3] ?? '')
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n !== '' && !n.startsWith('type '))
      .map((n) => n.split(/\s+as\s+/)[0]!);
    if (m[2] !== undefined && list.length === 0) continue;
    out.push([m[4]!, m[2] !== undefined || m[3] !== undefined ? list : null]);
  }
  for (const m of text.matchAll(/^import\s+'([^']+)'/gm)) out.push([m[1]!, null]);
  return out;
}

function resolveFile(from: string, spec: string): string | null {
  const base = path.resolve(path.dirname(from), spec);
  for (const f of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')]) if (existsSync(f) && f.match(/\.tsx?$/)) return f;
  return null;
}

/** The protocol module that defines each exported name (not the ones that pass it on). */
const definedIn = new Map<string, string>();
for (const f of readdirSync(protocol).filter((f) => f.endsWith('.ts'))) {
  const text = readFileSync(path.join(protocol, f), 'utf8');
  for (const m of text.matchAll(/^export\s+(?:const|function|class|let)\s+([\w$]+)/gm)) definedIn.set(m[1]!, path.join(protocol, f));
}

function zodChain(roots: string[]): string[] | null {
  const seen = new Map<string, string | null>();
  const queue = roots.map((r) => path.join(ui, r));
  for (const r of queue) seen.set(r, null);
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const [spec, names] of imports(file)) {
      const next: string[] = [];
      if (spec === 'zod') {
        const chain = [file];
        for (let f = seen.get(file); f; f = seen.get(f)) chain.unshift(f);
        return chain.map((f) => path.relative(path.resolve(ui, '../..'), f));
      }
      if (spec === '@gdial/protocol') {
        for (const n of names ?? []) {
          const d = definedIn.get(n);
          expect(d, `${n} (imported by ${file}) is defined in no protocol module`).toBeDefined();
          next.push(d!);
        }
      } else if (spec.startsWith('.')) {
        const f = resolveFile(file, spec);
        if (f) next.push(f);
      }
      for (const f of next)
        if (!seen.has(f)) {
          seen.set(f, file);
          queue.push(f);
        }
    }
  }
  return null;
}

describe("the console's start", () => {
  it('reaches no zod schema before the contact list is shown', () => {
    expect(zodChain(['main.tsx', 'console.tsx', 'pages/contacts/ContactsPage.tsx'])).toBeNull();
  });

  it('would notice one (the sign-in schema of the protocol)', () => {
    expect(zodChain(['../../protocol/src/identity.ts'])).not.toBeNull();
  });
});
