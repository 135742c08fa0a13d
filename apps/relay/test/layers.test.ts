// The relay's layer rules (eslint.layers.js) refuse what they should: each case lints a
// small source text placed (virtually) in one layer that imports a real module of a layer
// above it and expects the rule to fire; imports that point down must pass.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

type Violations = (file: string, source: string) => Promise<string[]>;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
let violations: Violations;

beforeAll(async () => {
  const { layerLinter } = (await import(pathToFileURL(path.join(root, 'scripts/layer-violations.mjs')).href)) as {
    layerLinter: () => Promise<Violations>;
  };
  violations = await layerLinter();
});

const src = (file: string) => `apps/relay/src/${file}`;
const importing = (from: string, name: string) => `import { ${name} } from '${from}';\nexport const x = ${name};\n`;

describe('relay layers', () => {
  const refused: [string, string, string][] = [
    ['the store imports ingest', src('store/fixture.ts'), importing('../ingest/appender', 'EventAppender')],
    ['the store imports the HTTP routes', src('store/fixture.ts'), importing('../http/app', 'httpApp')],
    ['ingest imports the stream', src('ingest/fixture.ts'), importing('../stream/hub', 'EventHub')],
    ['ingest imports the HTTP routes', src('ingest/fixture.ts'), importing('../http/webhooks', 'webhookEndpoint')],
    ['ingest imports the composition', src('ingest/fixture.ts'), importing('../relay', 'startRelay')],
    ['the stream imports the HTTP routes', src('stream/fixture.ts'), importing('../http/middleware', 'requestIdOf')],
    ['the HTTP routes import the stream', src('http/fixture.ts'), importing('../stream/server', 'StreamServer')],
    ['the HTTP routes import the composition', src('http/fixture.ts'), importing('../admin', 'RelayAdmin')],
    ['ops imports the store', src('ops/fixture.ts'), importing('../store/events', 'readEvents')],
    ['the logger imports the HTTP routes', src('log.ts'), importing('./http/app', 'httpApp')],
  ];
  it.each(refused)('refuses: %s', async (_what, file, source) => {
    expect(await violations(file, source)).toHaveLength(1);
  });

  const allowed: [string, string, string][] = [
    ['ingest imports the store', src('ingest/fixture.ts'), importing('../store/events', 'appendEvents')],
    ['the stream imports ingest', src('stream/fixture.ts'), importing('../ingest/appender', 'EventAppender')],
    ['the HTTP routes import ingest', src('http/fixture.ts'), importing('../ingest/twilio', 'verifyTwilio')],
    ['the HTTP routes import ops', src('http/fixture.ts'), importing('../ops/rate-limit', 'RateLimiter')],
    ['the composition imports the stream', src('cli/fixture.ts'), importing('../stream/server', 'StreamServer')],
  ];
  it.each(allowed)('allows: %s', async (_what, file, source) => {
    expect(await violations(file, source)).toEqual([]);
  });
});

describe('SQL lives in the store', () => {
  // Statements in string literals, and calls that run SQL on the relay's database handle.
  const sqlText = /['"`]\s*(SELECT\s|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s|ALTER\s|DROP\s|GRANT\s|LISTEN\s|NOTIFY\s)/i;
  const sqlCall = /\.(query|appQuery|withTenant|asOwner)\s*(<[^>]*>)?\(/;
  const withoutComments = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  const sources = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
    );

  it('finds no SQL text or SQL call outside apps/relay/src/store', () => {
    const relaySrc = path.join(root, 'apps/relay/src');
    const found = sources(relaySrc)
      .filter((f) => !f.startsWith(path.join(relaySrc, 'store') + path.sep))
      .flatMap((f) =>
        withoutComments(readFileSync(f, 'utf8'))
          .split('\n')
          .map((line, i) => ({ line, at: `${path.relative(root, f)}:${i + 1}` }))
          .filter(({ line }) => sqlText.test(line) || sqlCall.test(line))
          .map(({ at, line }) => `${at}: ${line.trim()}`),
      );
    expect(found).toEqual([]);
  });

  it('would find one', () => {
    expect(sqlText.test("const q = 'SELECT id FROM tenants';")).toBe(true);
    expect(sqlCall.test('await db.withTenant(id, (q) => q.query<{ id: string }>(text));')).toBe(true);
  });
});
