import { describe, expect, it } from 'vitest';
import type { ContactSummary } from '@gdial/protocol';
import { ContactWindow, KEPT_PAGES, PAGE_ROWS, type ContactPage, type PageRequest } from '../src/pages/contacts/contactWindow';

const contact = (id: number): ContactSummary => ({
  id,
  displayName: `Kontakt ${id}`,
  organisation: null,
  role: null,
  phone: null,
  phoneCount: 0,
  email: null,
  tags: [],
  groupIds: [],
  doNotContact: { voice: false, sms: false, email: false, whatsapp: false, telegram: false },
  updatedAt: '2026-01-01T00:00:00.000Z',
});

/** A search answer of `count` contacts, addressable by offset or walked by a cursor (the next offset). */
function store(count: number, fail?: { atCall: number }) {
  const calls: PageRequest[] = [];
  const pending: (() => void)[] = [];
  let hold = false;
  const load = async (request: PageRequest): Promise<ContactPage> => {
    calls.push(request);
    if (hold) await new Promise<void>((resolve) => pending.push(resolve));
    if (fail && calls.length === fail.atCall) throw new Error('engine went away');
    const from = 'offset' in request ? request.offset : request.cursor === null ? 0 : Number(request.cursor);
    const to = Math.min(count, from + request.limit);
    const items = Array.from({ length: Math.max(0, to - from) }, (_, i) => contact(from + i + 1));
    return { items, nextCursor: to < count ? String(to) : null, total: count };
  };
  return {
    load,
    calls,
    offsets: () => calls.flatMap((c) => ('offset' in c ? [c.offset] : [])),
    /** Holds answers back until release(). */
    holdAnswers: () => void (hold = true),
    release: () => {
      hold = false;
      for (const r of pending.splice(0)) r();
    },
  };
}

const settled = () => new Promise((r) => setTimeout(r, 0));
async function idle(w: ContactWindow) {
  for (let i = 0; i < 10; i++) await settled();
  void w;
}

describe('ContactWindow', () => {
  it('fetches the first page alone, then the rows in view and the pages ahead of them', async () => {
    const s = store(100_000);
    const w = new ContactWindow(s.load);
    w.show(0, 0);
    await idle(w);
    expect(s.offsets()).toEqual([0]);
    expect(w.total).toBe(100_000);
    expect(w.row(0)!.id).toBe(1);
    w.show(0, 15);
    await idle(w);
    // Ahead in the direction of scrolling, nothing behind the top.
    expect(s.offsets()).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800]);
  });

  it('fetches the page at a scrollbar jump directly, not the pages before it', async () => {
    const s = store(100_000);
    const w = new ContactWindow(s.load);
    w.show(0, 15);
    await idle(w);
    const before = s.calls.length;
    w.show(50_010, 50_025);
    await idle(w);
    const after = s.offsets().slice(before);
    expect(after[0]).toBe(50_000);
    expect(Math.min(...after)).toBeGreaterThanOrEqual(49_800);
    expect(w.row(50_010)!.id).toBe(50_011);
    expect(w.row(50_025)!.id).toBe(50_026);
  });

  it('fetches further ahead the faster the list moves, and no further after a jump', async () => {
    const s = store(100_000);
    let now = 0;
    const w = new ContactWindow(s.load, () => now);
    // A fast fling: 150 rows per 100 ms (1,500 rows/s).
    for (let first = 0; first <= 1_500; first += 150) {
      w.show(first, first + 15);
      now += 100;
      await idle(w);
    }
    // 2.5 s of travel at that speed is beyond the 8 pages a slow scroll fetches ahead: up to 24.
    expect(Math.max(...s.offsets())).toBe((15 + 24) * 100);
    const fetched = s.calls.length;
    // A jump is not a speed: the usual 8 pages ahead of where it landed.
    w.show(60_000, 60_015);
    await idle(w);
    expect(Math.max(...s.offsets().slice(fetched))).toBe(60_000 + 8 * 100);
  });

  it('prefetches upwards when scrolling up', async () => {
    const s = store(100_000);
    const w = new ContactWindow(s.load);
    w.show(50_010, 50_025);
    await idle(w);
    w.show(50_000, 50_015);
    await idle(w);
    expect(s.offsets()).toContain(49_200);
    expect(s.offsets()).not.toContain(51_500);
  });

  it('forgets queued pages the operator has scrolled past, and fetches the rows in view first', async () => {
    const s = store(100_000);
    const w = new ContactWindow(s.load);
    s.holdAnswers();
    w.show(0, 15);
    w.show(90_000, 90_015);
    s.release();
    await idle(w);
    // Two were under way already; the rest of the top's prefetch was dropped.
    expect(s.offsets().filter((o) => o < 1000)).toEqual([0]);
    expect(s.offsets()[1]).toBe(90_000);
  });

  it('keeps a bounded number of pages however far one scrolls', async () => {
    const s = store(100_000);
    const w = new ContactWindow(s.load);
    for (let first = 0; first < 100_000; first += 2500) {
      w.show(first, first + 15);
      await idle(w);
      expect(w.heldRows).toBeLessThanOrEqual(KEPT_PAGES * PAGE_ROWS);
      // What is in view is there.
      expect(w.row(first)!.id).toBe(first + 1);
    }
  });

  it('ends at the last contact and says an empty search is complete', async () => {
    const s = store(250);
    const w = new ContactWindow(s.load);
    w.show(240, 249);
    await idle(w);
    expect(w.row(249)!.id).toBe(250);
    expect(w.row(250)).toBeUndefined();
    expect(Math.max(...s.offsets())).toBe(200);
    const empty = new ContactWindow(store(0).load);
    expect(empty.waiting).toBe(true);
    empty.show(0, 0);
    await idle(empty);
    expect(empty.total).toBe(0);
    expect(empty.complete).toBe(true);
    expect(empty.waiting).toBe(false);
  });

  it('keeps what it has on a failure and fetches the missing pages on retry', async () => {
    const s = store(1000, { atCall: 2 });
    const w = new ContactWindow(s.load);
    w.show(0, 0);
    await idle(w);
    w.show(0, 15);
    await idle(w);
    expect(w.error).toBeInstanceOf(Error);
    expect(w.row(0)!.id).toBe(1);
    w.retry();
    await idle(w);
    expect(w.error).toBeNull();
    expect(w.row(150)!.id).toBe(151);
  });

  it('finds rows, notifies subscribers and replaces a row in place', async () => {
    const s = store(10);
    const w = new ContactWindow(s.load);
    let seen = 0;
    w.subscribe(() => seen++);
    w.show(0, 9);
    await idle(w);
    expect(seen).toBeGreaterThan(0);
    expect(w.indexOf(3)).toBe(2);
    expect(w.indexOf(99)).toBe(-1);
    const v = w.version;
    expect(w.replace({ ...contact(3), displayName: 'Ny' })).toBe(true);
    expect(w.row(2)!.displayName).toBe('Ny');
    expect(w.version).toBeGreaterThan(v);
    expect(w.replace(contact(99))).toBe(false);
  });

  it('collects every match by cursor for selecting all, without keeping them', async () => {
    const s = store(1234);
    const w = new ContactWindow(s.load);
    const progress: number[] = [];
    const all = await w.collectAll((done, total) => {
      expect(total).toBe(1234);
      progress.push(done);
    });
    expect(all.map((r) => r.id)).toEqual(Array.from({ length: 1234 }, (_, i) => i + 1));
    expect(progress).toEqual([500, 1000, 1234]);
    expect(w.heldRows).toBe(0);
  });

  it('stops fetching once disposed', async () => {
    const s = store(10_000);
    const w = new ContactWindow(s.load);
    s.holdAnswers();
    w.show(0, 15);
    w.dispose();
    s.release();
    await idle(w);
    expect(s.calls.length).toBeLessThanOrEqual(2);
    expect(w.row(0)).toBeUndefined();
  });
});
