// A snapshot page the relay cannot give for a moment (a busy relay's query timed out: a 5xx;
// the line dropped) is asked for again, from the same cursor, before the snapshot gives up.
// A relay that keeps failing still fails the snapshot (the caller retries it later); a
// refusal is not asked again. A snapshot taken again after a failure (or after the engine
// stopped) resumes after the last chunk it wrote, on the set-based path it began on, unless
// the relay's epoch is not the one it read from: then it starts over. The relay here is a
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
function fakeRelay(failures: (after: string | undefined, ask: number) => 'down' | number | null, epoch = 'e-1') {
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
      epoch,
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

/** Another SyncService on the same database (an engine started again), a chunk per page; with a spy on the set-based path. */
function again(env: TestEnv): { sync: SyncService; fresh: string[] } {
  const replica = new Replica(env.store, sharedCodecs());
  const fresh: string[] = [];
  const apply = replica.applyFreshStates.bind(replica);
  replica.applyFreshStates = (tx, states) => {
    fresh.push(...states.map((s) => s.id));
    return apply(tx, states);
  };
  const sync = new SyncService(env.ctx, replica);
  sync.snapshotChunk = 10;
  return { sync, fresh };
}

const stored = (env: TestEnv): number => env.store.sqlite.prepare('SELECT count(*) FROM contacts').pluck().get() as number;
const searchable = (env: TestEnv): number =>
  env.store.sqlite.prepare('SELECT count(*) FROM contacts WHERE search_text IS NOT NULL').pluck().get() as number;
const resumeMark = (env: TestEnv): unknown =>
  env.store.sqlite.prepare("SELECT value FROM sync_meta WHERE key = 'snapshotResume'").pluck().get();

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

describe('a snapshot that failed after writing some of its chunks', () => {
  it('resumes after the last chunk written, on the set-based path it began on, when taken again', async () => {
    const { env } = desktop();
    const first = again(env);
    const down = fakeRelay((after) => (after === '20' ? 400 : null));
    await expect(first.sync.snapshot(down.api)).rejects.toThrow(/HTTP 400/);
    expect(stored(env)).toBe(20); // two chunks of ten committed, the third never came
    expect(resumeMark(env)).not.toBeUndefined();

    // The engine starts again: the snapshot goes on from the third page, not from the first.
    const second = again(env);
    const up = fakeRelay(() => null);
    await expect(second.sync.snapshot(up.api)).resolves.toBe(7); // the sequence of the first page read
    expect(up.asked).toEqual(['20']);
    expect(second.fresh).toEqual(contacts.slice(20).map((c) => c.id));
    expect(stored(env)).toBe(25);
    expect(searchable(env)).toBe(25); // every search document written once the last page was in
    expect(resumeMark(env)).toBeUndefined();
    expect(second.sync.epoch()).toBe('e-1');
  });

  it('starts over when the relay is not the one the snapshot was read from (another epoch)', async () => {
    const { env } = desktop();
    const first = again(env);
    await expect(first.sync.snapshot(fakeRelay((after) => (after === '10' ? 400 : null)).api)).rejects.toThrow(/HTTP 400/);
    expect(stored(env)).toBe(10);

    const second = again(env);
    const restored = fakeRelay(() => null, 'e-2');
    await expect(second.sync.snapshot(restored.api)).resolves.toBe(7);
    expect(restored.asked).toEqual(['10', undefined, '10', '20']);
    expect(second.fresh).toEqual([]); // the address book was no longer empty: merged state by state
    expect(stored(env)).toBe(25);
    expect(searchable(env)).toBe(25);
    expect(second.sync.epoch()).toBe('e-2');
    expect(resumeMark(env)).toBeUndefined();
  });

  it('starts over when the relay refuses the recorded cursor, instead of failing for good', async () => {
    const { env } = desktop();
    await expect(again(env).sync.snapshot(fakeRelay((after) => (after === '20' ? 400 : null)).api)).rejects.toThrow(/HTTP 400/);
    expect(stored(env)).toBe(20);

    const second = again(env);
    const refusing = fakeRelay((after, ask) => (after === '20' && ask === 1 ? 400 : null));
    await expect(second.sync.snapshot(refusing.api)).resolves.toBe(7);
    expect(refusing.asked).toEqual(['20', undefined, '10', '20']);
    expect(stored(env)).toBe(25);
    expect(searchable(env)).toBe(25);
    expect(resumeMark(env)).toBeUndefined();
  });
});
