// The RPC client's answers asked ahead (RpcClient.prefetch): the opening page's first data is
// asked once, taken by the page's own call, and never handed out when it may be wrong.
import { describe, expect, it } from 'vitest';
import type { ContactSummary, WireMessage } from '@gdial/protocol';
import { RpcClient, type ChannelHandlers } from '../src/rpc/client';
import { ContactWindow, PAGE_ROWS, firstPageRequest, type ContactPage } from '../src/pages/contacts/contactWindow';

/** A client over a fake engine that answers each request with `answer(method, n)` (n counts the requests). */
function engine(
  answer: (method: string, n: number) => { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } },
) {
  const sent: WireMessage[] = [];
  let handlers!: ChannelHandlers;
  const client = new RpcClient((h) => {
    handlers = h;
    queueMicrotask(() => h.onOpen());
    return {
      send: (m) => {
        sent.push(m);
        if (m.type !== 'req') return;
        const result = answer(m.method, sent.length);
        queueMicrotask(() => handlers.onMessage({ type: 'res', id: m.id, result }));
      },
      close: () => {},
    };
  });
  const event = (name: string) => handlers.onMessage({ type: 'event', name, payload: { reason: 'updated', ids: [] } });
  return { client, sent, event };
}

const page = (total: number): ContactPage => ({ items: [], nextCursor: null, total });
const settle = () => new Promise((r) => setTimeout(r, 0));
const search = { query: '', sort: 'name' as const, offset: 0, limit: 100 };

describe('RpcClient.prefetch', () => {
  it('asks once: the same call, whatever the order of its params, takes the answer', async () => {
    const e = engine((_m, n) => ({ ok: true, value: page(n) }));
    e.client.prefetch('contacts.search', search, ['contacts.changed']);
    await settle();
    const answer = await e.client.call('contacts.search', { limit: 100, offset: 0, sort: 'name', query: '' });
    expect(answer.total).toBe(1);
    expect(e.sent).toHaveLength(1);
    // Taken once: the next call asks the engine.
    expect((await e.client.call('contacts.search', search)).total).toBe(2);
  });

  it('a different call asks the engine', async () => {
    const e = engine((_m, n) => ({ ok: true, value: page(n) }));
    e.client.prefetch('contacts.search', search, ['contacts.changed']);
    expect((await e.client.call('contacts.search', { ...search, offset: 100 })).total).toBe(2);
  });

  it('a refused answer is not handed out: the call asks again', async () => {
    const e = engine((_m, n) =>
      n === 1 ? { ok: false, error: { code: 'UNAUTHENTICATED', message: 'no one signed in' } } : { ok: true, value: page(n) },
    );
    e.client.prefetch('contacts.search', search, ['contacts.changed']);
    expect((await e.client.call('contacts.search', search)).total).toBe(2);
    expect(e.sent).toHaveLength(2);
  });

  it('an answer asked before a change it names is dropped', async () => {
    const e = engine((_m, n) => ({ ok: true, value: page(n) }));
    e.client.prefetch('contacts.search', search, ['contacts.changed']);
    await settle();
    e.event('contacts.changed');
    expect(e.client.takeArrived('contacts.search', search)).toBeUndefined();
    expect((await e.client.call('contacts.search', search)).total).toBe(2);
  });

  it('takeArrived gives the answer only once it is here, and only once', async () => {
    const e = engine((_m, n) => ({ ok: true, value: page(n) }));
    e.client.prefetch('contacts.search', search, ['contacts.changed']);
    expect(e.client.takeArrived('contacts.search', search)).toBeUndefined();
    await settle();
    expect(e.client.takeArrived('contacts.search', search)?.total).toBe(1);
    expect(e.client.takeArrived('contacts.search', search)).toBeUndefined();
  });
});

describe('a contact window opened with its first page', () => {
  it('shows those rows at once and does not ask for them again', () => {
    const row = (id: number) => ({ id, displayName: `Kontakt ${id}` }) as ContactSummary;
    const asked: unknown[] = [];
    const first: ContactPage = { items: Array.from({ length: PAGE_ROWS }, (_, i) => row(i + 1)), nextCursor: null, total: 5000 };
    const win = new ContactWindow(
      async (r) => {
        asked.push(r);
        return page(5000);
      },
      undefined,
      first,
    );
    expect(win.total).toBe(5000);
    expect(win.row(0)?.id).toBe(1);
    win.show(0, 20);
    expect(asked[0]).toEqual({ offset: PAGE_ROWS, limit: PAGE_ROWS });
    expect(asked).not.toContainEqual(firstPageRequest());
  });
});
