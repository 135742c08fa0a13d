// The search index's sort orders: contact ids by name and by last change, as SQLite's sort
// indexes hold them (SQLite's BINARY order, compareBinary), kept in order as contacts change.
import { compareBinary } from '../../store/contact-search-text';
import { hasBit } from './bitsets';

/**
 * Contact ids in one sort order, as the SQL indexes contacts_sort_name (sort_key, id
 * ascending) and contacts_sort_updated (updated_at, id, read descending) hold them.
 */
export class SortOrder {
  private ids = new Int32Array(0);
  length = 0;

  constructor(
    private readonly keyOf: (id: number) => string,
    private readonly descending: boolean,
  ) {}

  /** Negative when (key, id) comes before contact `other` in this order. */
  compare(key: string, id: number, other: number): number {
    const c = compareBinary(key, this.keyOf(other)) || id - other;
    return this.descending ? -c : c;
  }

  /** Takes the ids in SQLite's order, checking it is this order (sorting them if not). */
  reset(ids: number[]): void {
    let ordered = true;
    for (let i = 1; i < ids.length && ordered; i++) ordered = this.compare(this.keyOf(ids[i - 1]!), ids[i - 1]!, ids[i]!) < 0;
    if (!ordered) ids.sort((a, b) => this.compare(this.keyOf(a), a, b));
    this.ids = Int32Array.from(ids);
    this.length = ids.length;
  }

  at(i: number): number {
    return this.ids[i]!;
  }

  /** The position of the first contact after (key, id) in this order. */
  after(key: string, id: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(key, id, this.ids[mid]!) >= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Removes a contact, found by the key it was placed with. */
  remove(key: string, id: number): void {
    let at = this.after(key, id) - 1;
    if (at < 0 || this.ids[at] !== id) at = this.ids.subarray(0, this.length).indexOf(id);
    if (at < 0) return;
    this.ids.copyWithin(at, at + 1, this.length);
    this.length--;
  }

  /** Removes every contact whose bit is set, in one pass. */
  removeAll(gone: Uint32Array): void {
    let k = 0;
    for (let i = 0; i < this.length; i++) {
      const id = this.ids[i]!;
      if (!hasBit(gone, id)) this.ids[k++] = id;
    }
    this.length = k;
  }

  /**
   * Inserts many contacts (whose keys keyOf already gives) in one pass: each one's place
   * found by binary search, the runs between them copied whole.
   */
  insertAll(ids: number[]): void {
    ids.sort((a, b) => this.compare(this.keyOf(a), a, b));
    const merged = new Int32Array(Math.max(16, (this.length + ids.length) * 2));
    let from = 0;
    let k = 0;
    for (const id of ids) {
      const at = this.after(this.keyOf(id), id);
      merged.set(this.ids.subarray(from, at), k);
      k += at - from;
      from = at;
      merged[k++] = id;
    }
    merged.set(this.ids.subarray(from, this.length), k);
    this.length += ids.length;
    this.ids = merged;
  }

  insert(key: string, id: number): void {
    const at = this.after(key, id);
    if (this.length === this.ids.length) {
      const bigger = new Int32Array(Math.max(16, this.length * 2));
      bigger.set(this.ids.subarray(0, this.length));
      this.ids = bigger;
    }
    this.ids.copyWithin(at + 1, at, this.length);
    this.ids[at] = id;
    this.length++;
  }
}
