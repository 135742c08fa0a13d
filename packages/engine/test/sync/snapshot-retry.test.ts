// A snapshot page the relay cannot give for a moment (a busy relay's query timed out: a 5xx;
// the line dropped) is asked for again, from the same cursor, before the snapshot gives up:
// a snapshot that fails starts again from its first page, into an address book no longer
// empty, and merges everything state by state. A relay that keeps failing still fails the
// snapshot (the caller retries it later); a refusal is not asked again. The relay here is a
// fake fetch speaking the snapshot route (the real route is tested in apps/relay and end to
// end in apps/desktop/test/sync.test.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { HybridClock, type EntityState } from '@gdial/protocol';
import { RelayApi } from '../../src/relay-client';
import { SyncService } from '../../src/services/sync';
import { sharedCodecs } from '../../src/sync/codecs';
import { Replica } from '../../src/sync/replica';
import { makeEnv, type TestEnv } from '../campaigns/helpers';

const envs: TestEnv[] = [];
afterEach(() => {
  for (const e of envs.splice(0)) e.close();
});

const clock = new HybridClock(() => 1_760_000_000_000);
const contacts: EntityState[] = Array.from({ length: 25 }, (_, i) => ({
  entity: 'contact',
  id: `c-${String(i).padStart(2, '0')}`,
  fields: { displayName: { v: `Person ${i}`, s: `${clock.tick()}@dev-a` } },
}));

/** The snapshot route over `contacts`, 10 a page; `failures(after)` says how a page's request fails, if it does. */
function fakeRelay(failures: (after: string | undefined, ask: number) => 'down' | number | null) {
  const asked: (string | undefined)[] = [];
  const fetchImpl = (async (input: string | URL) => {
    const url = new URL(input.toString());
    const after = url.searchParams.get('after') ?? undefined;
    asked.push(after);
    const fail = failures(after, asked.filter((a) => a === after).length);
    if (fail === 'down') throw new Error('socket hang up');
    if (fail !== null)
      return new Response(JSON.stringify({ error: { code: fail === 503 ? 'unavailable' : 'validation', message: `HTTP ${fail}` } }), {
        status: fail,
        headers: { 'content-type': 'application/json' },
      });
    const from = after === undefined ? 0 : Number(after);
    const states = contacts.slice(from, from + 10);
    const page = {
      seq: 7,
      epoch: 'e-1',
      states,
      ...(from + 10 < contacts.length ? { next: String(from + 10) } : {}),
      ...(after === undefined ? { total: contacts.length } : {}),
    };
    return new Response(JSON.stringify(page), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { asked, api: new RelayApi('http://relay.test', 'device-token', fetchImpl) };
}

function desktop(): { env: TestEnv; sync: SyncService } {
  const env = makeEnv();
  envs.push(env);
  return { env, sync: new SyncService(env.ctx, new Replica(env.store, sharedCodecs())) };
}

const stored = (env: TestEnv): number => env.store.sqlite.prepare('SELECT count(*) FROM contacts').pluck().get() as number;

describe('a snapshot page the relay could not give', () => {
  it('is asked for again from the same cursor, and the snapshot completes', async () => {
    const { env, sync } = desktop();
    // The second page fails twice (a 503, then the line drops), then comes.
    const relay = fakeRelay((after, ask) => (after === '10' ? (ask === 1 ? 503 : ask === 2 ? 'down' : null) : null));
    await expect(sync.snapshot(relay.api)).resolves.toBe(7);
    expect(relay.asked).toEqual([undefined, '10', '10', '10', '20']);
    expect(stored(env)).toBe(25);
  });

  it('fails the snapshot when the relay keeps failing, and is not asked again after a refusal', async () => {
    const busy = desktop();
    const down = fakeRelay((after) => (after === '20' ? 503 : null));
    await expect(busy.sync.snapshot(down.api)).rejects.toThrow(/snapshot could not be read: HTTP 503/);
    expect(down.asked.filter((a) => a === '20')).toHaveLength(4); // once and three times again

    const refused = desktop();
    const bad = fakeRelay((after) => (after === '10' ? 400 : null));
    await expect(refused.sync.snapshot(bad.api)).rejects.toThrow(/snapshot could not be read: HTTP 400/);
    expect(bad.asked).toEqual([undefined, '10']);
  });
});
