// The slice of a contact search the table has fetched so far. The engine pages by cursor,
// so rows are fetched in order: scrolling far ahead (or dragging the scrollbar) fetches
// the pages in between one after another while the table shows placeholders. One window
// belongs to one search (query, filters, sort); a new search makes a new window.
import type { ContactSummary } from '@gdial/protocol';

export interface ContactPage {
  items: ContactSummary[];
  nextCursor: string | null;
  total: number;
}

export type PageLoader = (cursor: string | null, limit: number) => Promise<ContactPage>;

/** Small pages keep the first paint fast; big ones make long jumps take fewer round trips. */
const NEAR_PAGE = 200;
const FAR_PAGE = 500;

export class ContactWindow {
  /** Rows fetched so far, in search order. Mutated in place; watch `version`. */
  readonly rows: ContactSummary[] = [];
  total: number | null = null;
  error: unknown = null;
  /** Bumped on every change, for useSyncExternalStore. */
  version = 0;
  private cursor: string | null = null;
  private exhausted = false;
  private wanted = 1;
  private loading = false;
  private disposed = false;
  private readonly listeners = new Set<() => void>();
  private readonly waiters: { end: number; resolve: () => void; reject: (e: unknown) => void }[] = [];

  constructor(private readonly load: PageLoader) {}

  get loadedCount(): number {
    return this.rows.length;
  }

  get complete(): boolean {
    return this.exhausted;
  }

  get busy(): boolean {
    return this.loading;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;

  /** Asks for the rows before index `end` to be fetched (no-op if they are). */
  request(end: number): void {
    if (end > this.wanted) this.wanted = end;
    void this.pump();
  }

  /** Resolves once the rows before `end` (or all rows, if fewer) are fetched. */
  whenLoaded(end: number): Promise<void> {
    if (this.satisfied(end)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ end, resolve, reject });
      this.request(end);
    });
  }

  /** After a failed fetch: try again from where it stopped. */
  retry(): void {
    this.error = null;
    this.changed();
    void this.pump();
  }

  /** Puts a fresher copy of a row in place (after an edit), keeping its position. */
  replace(summary: ContactSummary): boolean {
    const i = this.rows.findIndex((r) => r.id === summary.id);
    if (i < 0) return false;
    this.rows[i] = summary;
    this.changed();
    return true;
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
    for (const w of this.waiters.splice(0)) w.reject(new Error('The search was replaced by a newer one.'));
  }

  private satisfied(end: number): boolean {
    return this.exhausted || (this.total !== null && this.rows.length >= Math.min(end, this.total));
  }

  private async pump(): Promise<void> {
    if (this.loading || this.disposed || this.error) return;
    this.loading = true;
    this.changed();
    try {
      while (!this.disposed && !this.exhausted && !this.satisfied(this.wanted)) {
        const missing = this.wanted - this.rows.length;
        const page = await this.load(this.cursor, missing > NEAR_PAGE ? FAR_PAGE : NEAR_PAGE);
        if (this.disposed) return;
        for (const item of page.items) this.rows.push(item);
        this.total = Math.max(page.total, this.rows.length);
        this.cursor = page.nextCursor;
        if (page.nextCursor === null || page.items.length === 0) {
          this.exhausted = true;
          // The count may have shrunk while paging (contacts deleted meanwhile).
          this.total = this.rows.length;
        }
        this.settleWaiters();
        this.changed();
      }
    } catch (e) {
      if (this.disposed) return;
      this.error = e;
      for (const w of this.waiters.splice(0)) w.reject(e);
    } finally {
      this.loading = false;
      if (!this.disposed) this.changed();
    }
  }

  private settleWaiters(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i]!;
      if (this.satisfied(w.end)) {
        this.waiters.splice(i, 1);
        w.resolve();
      }
    }
  }

  private changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }
}
