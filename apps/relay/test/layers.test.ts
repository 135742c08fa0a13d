// The relay's layer rules (eslint.layers.js) refuse what they should: each case places an
// import of a real module of a layer above in a file of a lower one and expects the rule
// to fire (scripts/layer-violations.mjs); imports that point down must pass. And SQL stays
// in the store.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

type Case = [what: string, file: string, module: string, name: string];
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const { layerCases } = (await import(pathToFileURL(path.join(root, 'scripts/layer-violations.mjs')).href)) as {
  layerCases: (title: string, cases: { refused: Case[]; allowed: Case[] }) => void;
};

const src = (file: string) => `apps/relay/src/${file}`;

layerCases('relay layers', {
  refused: [
    ['the store imports ingest', src('store/fixture.ts'), '../ingest/appender', 'EventAppender'],
    ['the store imports the HTTP routes', src('store/fixture.ts'), '../http/app', 'httpApp'],
    ['ingest imports the stream', src('ingest/fixture.ts'), '../stream/hub', 'EventHub'],
    ['ingest imports the HTTP routes', src('ingest/fixture.ts'), '../http/webhooks', 'webhookEndpoint'],
    ['ingest imports the composition', src('ingest/fixture.ts'), '../relay', 'startRelay'],
    ['the stream imports the HTTP routes', src('stream/fixture.ts'), '../http/middleware', 'requestIdOf'],
    ['the HTTP routes import the stream', src('http/fixture.ts'), '../stream/server', 'StreamServer'],
    ['the HTTP routes import the composition', src('http/fixture.ts'), '../admin', 'RelayAdmin'],
    ['ops imports the store', src('ops/fixture.ts'), '../store/events', 'readEvents'],
    ['auth imports the HTTP routes', src('auth/fixture.ts'), '../http/app', 'httpApp'],
    ['auth imports ingest', src('auth/fixture.ts'), '../ingest/appender', 'EventAppender'],
    ['the store imports auth', src('store/fixture.ts'), '../auth/rules', 'routeRules'],
    ['the logger imports the HTTP routes', src('log.ts'), './http/app', 'httpApp'],
  ],
  allowed: [
    ['ingest imports the store', src('ingest/fixture.ts'), '../store/events', 'appendEvents'],
    ['the stream imports ingest', src('stream/fixture.ts'), '../ingest/appender', 'EventAppender'],
    ['the HTTP routes import ingest', src('http/fixture.ts'), '../ingest/twilio', 'verifyTwilio'],
    ['the HTTP routes import ops', src('http/fixture.ts'), '../ops/rate-limit', 'RateLimiter'],
    ['auth imports the store', src('auth/fixture.ts'), '../store/users', 'listUsers'],
    ['the HTTP routes import auth', src('http/fixture.ts'), '../auth/rules', 'ruleFor'],
    ['the composition imports the stream', src('cli/fixture.ts'), '../stream/server', 'StreamServer'],
  ],
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
