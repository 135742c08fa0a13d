// Group commit, on embedded PGlite and on PostgreSQL: concurrent webhooks of a tenant share
// transactions, each is acknowledged only after the transaction holding it committed, the
// sequence stays gap-free, an event Postgres refuses fails alone while the others of its
// batch are committed, and a failure of the database itself fails the batch once.
import { webhookOf } from '@gdial/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RelayLogEntry } from '@gdial/protocol';
import { webhookItem } from '../src/ingest/webhook';
import { EventAppender } from '../src/ingest/appender';
import { RelayMetrics } from '../src/ops/metrics';
import type { RelayDb } from '../src/store/db';
import { readEvents } from '../src/store/events';
import { backends } from './helpers';
import { addTenant, startTestRelay, type RelayFixture } from './setup';

/** The appender over `db`, recording commits (statements returned) and what reached the hub. */
function recordingAppender(db: RelayDb) {
  const log: string[] = [];
  const pushed: RelayLogEntry[] = [];
  let statements = 0;
  const recorded: RelayDb = {
    ...db,
    appQuery: async <R>(text: string, params?: unknown[], name?: string) => {
      statements++;
      const rows = await db.appQuery<R>(text, params, name);
      log.push(`commit ${(params![1] as string[]).join(',')}`);
      return rows;
    },
  };
  const hub = {
    appendStarted: () => undefined,
    appendFinished: () => undefined,
    committed: (_t: string, entries: readonly RelayLogEntry[]) => void pushed.push(...entries),
  };
  const appender = new EventAppender(recorded, hub, new RelayMetrics());
  return { appender, log, pushed, statements: () => statements };
}

const item = (key: string, body: unknown = { n: key }) => webhookItem('telegram.update', key, {}, body);

describe.each(backends)('group commit on %s', (backend) => {
  let fx: RelayFixture;
  let tenantId: string;
  beforeAll(async () => {
    fx = await startTestRelay(backend);
    await addTenant(fx.relay, 'batch-org');
    tenantId = (await fx.relay.admin.listTenants()).find((t) => t.slug === 'batch-org')!.id;
  }, 120_000);
  afterAll(async () => fx?.stop(), 60_000);

  it('batches concurrent events, acknowledges each after its commit, and keeps the sequence gap-free', async () => {
    const { appender, log, pushed, statements } = recordingAppender(fx.relay.db);
    const keys = Array.from({ length: 60 }, (_, i) => `a:${i}`);
    const outcomes = await Promise.all(
      keys.map((k) =>
        appender.append(tenantId, item(k)).then((o) => {
          log.push(`ack ${k}`);
          return o;
        }),
      ),
    );
    expect(statements()).toBeLessThan(keys.length); // shared transactions
    for (const k of keys) {
      const committed = log.findIndex((l) => l.startsWith('commit ') && l.slice(7).split(',').includes(k));
      expect(committed, k).toBeGreaterThanOrEqual(0);
      expect(log.indexOf(`ack ${k}`), k).toBeGreaterThan(committed);
    }
    const seqs = outcomes.map((o) => o.seq).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: keys.length }, (_, i) => seqs[0]! + i));
    expect(outcomes.every((o) => !o.duplicate)).toBe(true);
    expect(pushed.map((e) => e.seq)).toEqual(seqs); // handed to desktops in order
    const stored = await readEvents(fx.relay.db, tenantId, seqs[0]! - 1, 1000);
    expect(stored.map((e) => webhookOf(e.event).eventKey).sort()).toEqual([...keys].sort());
  });

  it('fails only the event Postgres refuses; the others of its batch are committed without a gap', async () => {
    const { appender, pushed } = recordingAppender(fx.relay.db);
    const before = (await readEvents(fx.relay.db, tenantId, 0, 10_000)).at(-1)?.seq ?? 0;
    // A key text cannot hold (only a forged request could carry one).
    const keys = Array.from({ length: 30 }, (_, i) => (i === 7 ? 'b:7\u0000' : `b:${i}`));
    const settled = await Promise.allSettled(keys.map((k, i) => appender.append(tenantId, item(k, { n: i }))));
    const failed = settled.flatMap((s, i) => (s.status === 'rejected' ? [keys[i]] : []));
    expect(failed).toEqual(['b:7\u0000']);
    expect((settled[7] as PromiseRejectedResult).reason).toMatchObject({ code: expect.stringMatching(/^22/) as string });
    const seqs = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value.seq] : [])).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 29 }, (_, i) => before + 1 + i));
    expect(pushed.map((e) => e.seq)).toEqual(seqs);
    const stored = await readEvents(fx.relay.db, tenantId, before, 1000);
    expect(stored.map((e) => e.seq)).toEqual(seqs);
  });

  it('stores an event whose text holds characters jsonb cannot (NUL, half a surrogate pair), with U+FFFD in their place', async () => {
    const { appender } = recordingAppender(fx.relay.db);
    const odd = { text: 'nul \u0000 byte', half: 'x\ud800y', 'key\u0000': 'v', list: ['\udc00'], plain: 'back\\u0000slash', pair: '😀' };
    const outcome = await appender.append(tenantId, item('e:0', odd));
    const [stored] = await readEvents(fx.relay.db, tenantId, outcome.seq - 1, 1);
    expect(webhookOf(stored!.event).body).toEqual({
      text: 'nul \ufffd byte',
      half: 'x\ufffdy',
      'key\ufffd': 'v',
      list: ['\ufffd'],
      plain: 'back\\u0000slash',
      pair: '😀',
    });
  });

  it('recognises a duplicate inside one batch and against the log', async () => {
    const { appender } = recordingAppender(fx.relay.db);
    // The first append is committed alone; the three after it wait for it and share a batch.
    const [, first, again, old] = await Promise.all(['c:0', 'c:1', 'c:1', 'a:0'].map((k) => appender.append(tenantId, item(k))));
    expect(first!.duplicate).toBe(false);
    expect(again).toEqual({ eventKey: 'c:1', seq: first!.seq, duplicate: true });
    expect(old!.duplicate).toBe(true);
  });

  it('fails the whole batch once when the database itself refuses, without retrying event by event', async () => {
    const { appender, statements } = recordingAppender(fx.relay.db);
    const noCounter = '00000000-0000-4000-8000-00000000dead';
    const settled = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => appender.append(noCounter, item(`d:${i}`))));
    expect(settled.every((s) => s.status === 'rejected')).toBe(true);
    expect(statements()).toBeLessThan(10);
    await appender.idle();
  });
});
