// The console's wait per method (rpc-timeouts.ts) names only methods of the contract, and
// every other method waits the default.
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMEOUT_MS, methods, methodTimeoutsMs, timeoutOf, type MethodName } from '../src';

describe('method timeouts', () => {
  it('lists only methods of the contract, each with a positive wait', () => {
    for (const [name, ms] of Object.entries(methodTimeoutsMs)) {
      expect(Object.hasOwn(methods, name), name).toBe(true);
      expect(ms).toBeGreaterThan(0);
    }
  });

  it('gives the listed wait, and the default to the rest', () => {
    expect(timeoutOf('contacts.import.run')).toBe(1_800_000);
    const unlisted = (Object.keys(methods) as MethodName[]).filter((m) => !(m in methodTimeoutsMs));
    expect(unlisted).toContain('contacts.search');
    for (const m of unlisted) expect(timeoutOf(m)).toBe(DEFAULT_TIMEOUT_MS);
  });
});
