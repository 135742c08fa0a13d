// The pages of a contact search the table holds: pages addressed by their position in the
// answer (the engine's offset), so the rows at any scroll position, after a scrollbar jump
// too, are fetched directly without the pages before them. The pages around the rows in
// view are fetched first, then those ahead in the direction of scrolling; a bounded number
// of pages is kept, the least recently seen dropped first. One window belongs to one search
// (query, filters, sort); a new search makes a new window.
import type { ContactSummary } from '@gdial/protocol';

export interface ContactPage {
  items: ContactSummary[];
  nextCursor: string | null;
  total: number;
  /** Of total, the matches where every word matched exactly; the rest (last) forgave a typo. */
  exactTotal?: number;
}

/** A page at a position (offset), or the page after a cursor (walking the whole answer). */
export type PageRequest = { offset: number; limit: number } | { cursor: string | null; limit: number };
export type PageLoader = (request: PageRequest) => Promise<ContactPage>;

/** Rows per page: a screenful or two, so a page arrives quickly. */
export const PAGE_ROWS = 100;
/** The request for the answer's first page (what the list asks first, and the console ahead of it). */
export const firstPageRequest = (): { offset: number; limit: number } => ({ offset: 0, limit: PAGE_ROWS });

/** Pages fetched beyond the rows in view, ahead in the direction of scrolling and behind it. */
const AHEAD_PAGES = 8;
const BEHIND_PAGES = 2;
/**
 * However fast the list moves, the pages ahead cover this long of travel at its speed (a fling
 * or a held Page Down outruns a fixed number of pages), up to MAX_AHEAD_PAGES.
 */
const LEAD_MS = 2500;
const MAX_AHEAD_PAGES = 24;
/** Pages kept (4,000 rows): enough for the view and its surroundings, bounded however far one scrolls. */
export const KEPT_PAGES = 40;
/** Fetches under way at once: the rows in view are not queued behind a long prefetch. */
const PARALLEL = 2;
/** Walking the whole answer (selecting everyone): the biggest page the engine gives. */
const WALK_PAGE = 500;

export class ContactWindow {
  total: number | null = null;
  /** Of total, the exact matches (the rows before the ones found by forgiving a typo). */
  exactTotal: number | null = null;
  error: unknown = null;
  /** Bumped on every change, for useSyncExternalStore. */
  version = 0;
  /** Page number → its rows; Map order is the order pages were last seen (oldest first). */
  private readonly pages = new Map<number, ContactSummary[]>();
  private readonly loading = new Set<number>();
  /** Pages still to fetch, most wanted first. */
  private queue: number[] = [];
  private wanted = new Set<number>();
  private lastFirst = 0;
  /** When the view last moved, and how fast (rows per ms, smoothed): how far ahead to fetch. */
  private lastShownAt: number | null = null;
  private speed = 0;
  private disposed = false;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly load: PageLoader,
    private readonly clock: () => number = () => performance.now(),
    /** The answer's first page (firstPageRequest) when it is already here. */
    first?: ContactPage,
  ) {
    if (first) this.accept(0, first);
  }

  /** Whether the search has answered (its count is known). */
  get complete(): boolean {
    return this.total !== null;
  }

  /** Whether the first answer is still awaited. */
  get waiting(): boolean {
    return this.total === null && this.error === null;
  }

  /** The rows held now (for tests and figures). */
  get heldRows(): number {
    let n = 0;
    for (const p of this.pages.values()) n += p.length;
    return n;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;

  /** The row at `index`, if its page is here. */
  row(index: number): ContactSummary | undefined {
    return this.pages.get(Math.floor(index / PAGE_ROWS))?.[index % PAGE_ROWS];
  }

  /** Where a contact is in the answer, if its page is here; -1 if not. */
  indexOf(id: number): number {
    for (const [n, rows] of this.pages) {
      const i = rows.findIndex((r) => r.id === id);
      if (i >= 0) return n * PAGE_ROWS + i;
    }
    return -1;
  }

  /**
   * The table shows rows first…last: fetch their pages first, then those ahead in the
   * direction the operator scrolls, then a few behind. Pages no longer wanted and not yet
   * asked for are forgotten, so a fast scroll does not queue up pages it left behind.
   */
  show(first: number, last: number): void {
    const forward = first >= this.lastFirst;
    const now = this.clock();
    if (this.lastShownAt !== null && now > this.lastShownAt) {
      const rowsPerMs = Math.abs(first - this.lastFirst) / (now - this.lastShownAt);
      // A jump (the scrollbar dragged) is not a speed: only steady movement counts.
      const steady = Math.abs(first - this.lastFirst) <= PAGE_ROWS * 2;
      this.speed = steady ? 0.7 * this.speed + 0.3 * rowsPerMs : 0;
    }
    this.lastShownAt = now;
    this.lastFirst = first;
    const aheadPages = Math.min(MAX_AHEAD_PAGES, Math.max(AHEAD_PAGES, Math.ceil((this.speed * LEAD_MS) / PAGE_ROWS)));
    const lastPage = this.total === null ? Math.floor(last / PAGE_ROWS) : Math.max(0, Math.ceil(this.total / PAGE_ROWS) - 1);
    const from = Math.floor(first / PAGE_ROWS);
    const to = Math.min(Math.floor(last / PAGE_ROWS), lastPage);
    const order: number[] = [];
    for (let p = from; p <= to; p++) order.push(p);
    const ahead = forward ? 1 : -1;
    const start = forward ? to : from;
    for (let k = 1; k <= aheadPages; k++) order.push(start + ahead * k);
    for (let k = 1; k <= BEHIND_PAGES; k++) order.push(start - ahead * (to - from + k));
    const inRange = order.filter((p) => p >= 0 && p <= lastPage);
    this.wanted = new Set(inRange);
    // Seen now: move to the end of the keeping order.
    for (let p = from; p <= to; p++) {
      const rows = this.pages.get(p);
      if (rows) {
        this.pages.delete(p);
        this.pages.set(p, rows);
      }
    }
    this.queue = inRange.filter((p) => !this.pages.has(p) && !this.loading.has(p));
    this.pump();
  }

  /** After a failed fetch: try the wanted pages again. */
  retry(): void {
    this.error = null;
    this.queue = [...this.wanted].filter((p) => !this.pages.has(p) && !this.loading.has(p));
    this.changed();
    this.pump();
  }

  /** Puts a fresher copy of a row in place (after an edit), keeping its position. */
  replace(summary: ContactSummary): boolean {
    for (const rows of this.pages.values()) {
      const i = rows.findIndex((r) => r.id === summary.id);
      if (i >= 0) {
        rows[i] = summary;
        this.changed();
        return true;
      }
    }
    return false;
  }

  /**
   * Every match of the search (selecting all), walked by cursor in big pages; `progress`
   * hears how many so far. Not kept in the window.
   */
  async collectAll(progress: (done: number, total: number) => void): Promise<ContactSummary[]> {
    const all: ContactSummary[] = [];
    let cursor: string | null = null;
    for (;;) {
      const page = await this.load({ cursor, limit: WALK_PAGE });
      if (this.disposed) throw new Error('The search was replaced by a newer one.');
      all.push(...page.items);
      progress(all.length, Math.max(page.total, all.length));
      cursor = page.nextCursor;
      if (cursor === null || page.items.length === 0) return all;
    }
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
    this.queue = [];
  }

  private pump(): void {
    while (!this.disposed && this.error === null && this.loading.size < PARALLEL && this.queue.length > 0) {
      const p = this.queue.shift()!;
      this.loading.add(p);
      void this.fetch(p);
    }
  }

  private async fetch(p: number): Promise<void> {
    try {
      const page = await this.load({ offset: p * PAGE_ROWS, limit: PAGE_ROWS });
      if (this.disposed) return;
      this.accept(p, page);
    } catch (e) {
      if (this.disposed) return;
      this.error = e;
    } finally {
      this.loading.delete(p);
    }
    if (this.disposed) return;
    this.changed();
    this.pump();
  }

  private accept(p: number, page: ContactPage): void {
    this.pages.set(p, page.items);
    // The count may change while scrolling (contacts added or deleted meanwhile).
    this.total = page.items.length < PAGE_ROWS ? Math.min(page.total, p * PAGE_ROWS + page.items.length) : page.total;
    this.exactTotal = Math.min(page.exactTotal ?? page.total, this.total);
    this.evict();
  }

  /** Drops the least recently seen pages beyond what is kept, never one that is wanted now. */
  private evict(): void {
    if (this.pages.size <= KEPT_PAGES) return;
    for (const p of this.pages.keys()) {
      if (this.pages.size <= KEPT_PAGES) break;
      if (!this.wanted.has(p)) this.pages.delete(p);
    }
  }

  private changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }
}
