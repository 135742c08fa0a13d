// All SQL lives in the store layer: no SQL text, prepared statement, pragma or drizzle query
// outside `store/` in the engine's and the relay's sources (tests and migrations aside —
// the engine's migrations are under store/, the relay's SQL files are not TypeScript).
// The scan runs over a fixture too, which holds each kind of violation once, to show it
// finds them; the fixture's own store/ folder shows that SQL there passes.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../../..');

/** Statements in string literals. */
const sqlText =
  /['"`]\s*(SELECT\s|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s|ALTER\s|DROP\s|PRAGMA\s|WITH\s+RECURSIVE\s|GRANT\s|LISTEN\s|NOTIFY\s)/i;
/**
 * Calls that run SQL: better-sqlite3's prepare/pragma, drizzle's sql tag, the better-sqlite3
 * handle under a drizzle one, the drizzle tables (a query needs them), and the relay's
 * database calls.
 */
const sqlCall =
  /\.(prepare|pragma)\s*(<[^>]*>)?\(|\bsql`|\$client\b|from\s+['"](\.\.?\/)+(store\/)?schema['"]|\.(query|appQuery|withTenant|asOwner)\s*(<[^>]*>)?\(/;

const withoutComments = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );

/** Every line with SQL in a TypeScript file under `dir` but outside its `store/` folder. */
function sqlOutsideStore(dir: string): string[] {
  const store = path.join(dir, 'store') + path.sep;
  return sources(dir)
    .filter((f) => !f.startsWith(store))
    .flatMap((f) =>
      withoutComments(readFileSync(f, 'utf8'))
        .split('\n')
        .map((line, i) => ({ line, at: `${path.relative(root, f)}:${i + 1}` }))
        .filter(({ line }) => sqlText.test(line) || sqlCall.test(line))
        .map(({ at, line }) => `${at}: ${line.trim()}`),
    );
}

describe('SQL lives in the store layer', () => {
  it('finds none outside packages/engine/src/store', () => {
    expect(sqlOutsideStore(path.join(root, 'packages/engine/src'))).toEqual([]);
  });

  it('finds none outside apps/relay/src/store', () => {
    expect(sqlOutsideStore(path.join(root, 'apps/relay/src'))).toEqual([]);
  });

  it('finds every kind of violation in a fixture, and none in its store folder', () => {
    const found = sqlOutsideStore(path.join(here, 'fixtures/sql-outside-store'));
    const lines = found.map((f) => f.replace(/^.*?\.ts:(\d+): .*$/, '$1'));
    expect(found.every((f) => f.includes('/campaigns/bad.ts:'))).toBe(true);
    // One finding per violating line of the fixture (each is marked with a comment there).
    const marked = readFileSync(path.join(here, 'fixtures/sql-outside-store/campaigns/bad.ts'), 'utf8')
      .split('\n')
      .flatMap((l, i) => (l.includes('// violation') ? [String(i + 1)] : []));
    expect(marked.length).toBeGreaterThanOrEqual(8);
    expect(lines).toEqual(marked);
  });
});
