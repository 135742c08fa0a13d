// Every RPC method is a capability only if an operator can reach it: each method of the
// contract must be named (as a string literal, the way rpc.call and useQuery name them)
// somewhere in the console's source. Methods only a host calls (the desktop app's main
// process, the CLI) go in HOST_ONLY with the reason; an entry there that the console does
// name, or that the contract no longer has, fails too, so the list cannot go stale.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { methods } from '@gdial/protocol';

const HOST_ONLY: Readonly<Record<string, string>> = {
  // None today: system.shutdown is an event the engine sends, not a method.
};

const SRC = path.resolve(import.meta.dirname, '../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|tsx)$/.test(e.name) ? [p] : [];
  });
}

/** The contract's methods that none of the sources names as a string literal. */
export function unnamedMethods(names: readonly string[], sources: readonly string[]): string[] {
  const named = new Set<string>();
  for (const text of sources) for (const m of text.matchAll(/['"`]([a-zA-Z]+(?:\.[a-zA-Z]+)+)['"`]/g)) named.add(m[1]!);
  return names.filter((n) => !named.has(n));
}

describe('every RPC method is reachable from the console', () => {
  const names = Object.keys(methods);
  const sources = sourceFiles(SRC).map((f) => readFileSync(f, 'utf8'));

  it('finds the console sources', () => {
    expect(sources.length).toBeGreaterThan(50);
  });

  it('names every method of the contract except the host-only ones', () => {
    expect(unnamedMethods(names, sources).filter((n) => !(n in HOST_ONLY))).toEqual([]);
  });

  it('keeps the host-only list to methods the contract has and the console does not call', () => {
    for (const n of Object.keys(HOST_ONLY)) expect(names, `${n} is not in the contract`).toContain(n);
    const stillUnnamed = unnamedMethods(Object.keys(HOST_ONLY), sources);
    expect(stillUnnamed).toEqual(Object.keys(HOST_ONLY));
  });

  it('reports a method no source names (the check can fail)', () => {
    const calls = `rpc.call('contacts.get', { id }); useQuery("groups.list", {});`;
    expect(unnamedMethods(['contacts.get', 'groups.list', 'campaigns.delete'], [calls])).toEqual(['campaigns.delete']);
    // A name inside a longer one does not count: 'campaigns.priceTable.get' is not 'campaigns.priceTable'.
    expect(unnamedMethods(['campaigns.priceTable'], [`'campaigns.priceTable.get'`])).toEqual(['campaigns.priceTable']);
  });
});
