import { describe, expect, it } from 'vitest';
import type { ContactSummary } from '@gdial/protocol';
import { ContactWindow, type ContactPage } from '../src/pages/contacts/contactWindow';

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

/** A paged store of `count` contacts whose cursor is the next offset. */
function store(count: number, fail?: { atCall: number }) {
  const calls: { cursor: string | null; limit: number }[] = [];
  const load = async (cursor: string | null, limit: number): Promise<ContactPage> => {
    calls.push({ cursor, limit });
    if (fail && calls.length === fail.atCall) throw new Error('engine went away');
    const from = cursor === null ? 0 : Number(cursor);
    const to = Math.min(count, from + limit);
    const items = Array.from({ length: to - from }, (_, i) => contact(from + i + 1));
    return { items, nextCursor: to < count ? String(to) : null, total: count };
  };
  return { load, calls };
}

describe('ContactWindow', () => {
  it('fetches pages in order until the requested row is there', async () => {
    const s = store(1000);
    const w = new ContactWindow(s.load);
    await w.whenLoaded(450);
    expect(w.loadedCount).toBeGreaterThanOrEqual(450);
    expect(w.total).toBe(1000);
    expect(w.rows.map((r) => r.id).slice(0, 3)).toEqual([1, 2, 3]);
    // Each page continued from the cursor the previous one returned.
    expect(s.calls[0]!.cursor).toBeNull();
    for (let i = 1; i < s.calls.length; i++) expect(Number(s.calls[i]!.cursor)).toBeGreaterThan(0);
    expect(new Set(w.rows.map((r) => r.id)).size).toBe(w.loadedCount);
  });

  it('uses bigger pages for long jumps and stops at the end', async () => {
    const s = store(2500);
    const w = new ContactWindow(s.load);
    await w.whenLoaded(2500);
    expect(w.complete).toBe(true);
    expect(w.loadedCount).toBe(2500);
    expect(s.calls.some((c) => c.limit === 500)).toBe(true);
    const before = s.calls.length;
    w.request(5000);
    await w.whenLoaded(5000);
    expect(s.calls.length).toBe(before);
  });

  it('resolves at once for an empty result', async () => {
    const s = store(0);
    const w = new ContactWindow(s.load);
    await w.whenLoaded(100);
    expect(w.total).toBe(0);
    expect(w.complete).toBe(true);
  });

  it('keeps what it has on a failure and continues from there on retry', async () => {
    const s = store(1000, { atCall: 2 });
    const w = new ContactWindow(s.load);
    await expect(w.whenLoaded(600)).rejects.toThrow('engine went away');
    expect(w.error).toBeInstanceOf(Error);
    const kept = w.loadedCount;
    expect(kept).toBeGreaterThan(0);
    w.retry();
    await w.whenLoaded(600);
    expect(w.error).toBeNull();
    expect(w.rows[kept]!.id).toBe(kept + 1);
  });

  it('notifies subscribers and replaces a row in place', async () => {
    const s = store(10);
    const w = new ContactWindow(s.load);
    let seen = 0;
    w.subscribe(() => seen++);
    await w.whenLoaded(10);
    expect(seen).toBeGreaterThan(0);
    const v = w.version;
    expect(w.replace({ ...contact(3), displayName: 'Ny' })).toBe(true);
    expect(w.rows[2]!.displayName).toBe('Ny');
    expect(w.version).toBeGreaterThan(v);
    expect(w.replace(contact(99))).toBe(false);
  });

  it('stops fetching and rejects waiters once disposed', async () => {
    const s = store(10_000);
    const w = new ContactWindow(s.load);
    const waiting = w.whenLoaded(10_000);
    w.dispose();
    await expect(waiting).rejects.toThrow(/replaced/);
    const calls = s.calls.length;
    await new Promise((r) => setTimeout(r, 10));
    expect(s.calls.length).toBeLessThanOrEqual(calls + 1);
  });
});
