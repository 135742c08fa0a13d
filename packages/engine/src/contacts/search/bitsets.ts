// Sets of contact ids for the search index: bitsets over contact ids (a search is a few set
// operations on them, the count of a match a popcount), and IdSet, the contacts under one
// token, group or tag, a sorted list while they are few and a bitset once that is smaller.
export const wordsFor = (maxId: number): number => (maxId >>> 5) + 1;

export function popcount(bits: Uint32Array): number {
  let n = 0;
  for (let i = 0; i < bits.length; i++) {
    let v = bits[i]!;
    if (v === 0) continue;
    v -= (v >>> 1) & 0x55555555;
    v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
    n += (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }
  return n;
}

export const hasBit = (bits: Uint32Array, id: number): boolean => ((bits[id >>> 5] ?? 0) & (1 << (id & 31))) !== 0;

/** The ids whose bits are set, ascending. */
export function idsOf(bits: Uint32Array): number[] {
  const out: number[] = [];
  for (let w = 0; w < bits.length; w++) {
    let v = bits[w]!;
    while (v !== 0) {
      const low = v & -v;
      out.push((w << 5) + 31 - Math.clz32(low));
      v ^= low;
    }
  }
  return out;
}

export function andInto(target: Uint32Array, bits: Uint32Array): void {
  for (let i = 0; i < target.length; i++) target[i]! &= bits[i] ?? 0;
}

/**
 * The contacts under one token, group or tag: a sorted list while they are few, a bitset
 * once a list would take more room (a common first name, a large group).
 */
export class IdSet {
  private list: number[] | null = [];
  private bits: Uint32Array | null = null;
  size = 0;

  add(id: number, words: number): void {
    if (this.bits) {
      const w = id >>> 5;
      if (w >= this.bits.length) {
        const bigger = new Uint32Array(Math.max(words, w + 1));
        bigger.set(this.bits);
        this.bits = bigger;
      }
      const m = 1 << (id & 31);
      if ((this.bits[w]! & m) === 0) {
        this.bits[w]! |= m;
        this.size++;
      }
      return;
    }
    const list = this.list!;
    // Ids mostly come in ascending order (building, importing): appending is the common case.
    if (list.length === 0 || list[list.length - 1]! < id) list.push(id);
    else {
      const at = lowerBound(list, id);
      if (list[at] === id) return;
      list.splice(at, 0, id);
    }
    this.size++;
    // A list entry takes 4 bytes or more, a bitset one bit per possible id.
    if (list.length > 64 && list.length > words) {
      this.bits = new Uint32Array(words);
      for (const x of list) this.bits[x >>> 5]! |= 1 << (x & 31);
      this.list = null;
    }
  }

  delete(id: number): void {
    if (this.bits) {
      const w = id >>> 5;
      const m = 1 << (id & 31);
      if (w < this.bits.length && (this.bits[w]! & m) !== 0) {
        this.bits[w]! &= ~m;
        this.size--;
      }
      return;
    }
    const list = this.list!;
    const at = lowerBound(list, id);
    if (list[at] !== id) return;
    list.splice(at, 1);
    this.size--;
  }

  orInto(target: Uint32Array): void {
    if (this.bits) {
      const n = Math.min(target.length, this.bits.length);
      for (let i = 0; i < n; i++) target[i]! |= this.bits[i]!;
      return;
    }
    for (const id of this.list!) target[id >>> 5]! |= 1 << (id & 31);
  }

  static of(ids: readonly number[], words: number): IdSet {
    const set = new IdSet();
    for (const id of ids) set.add(id, words);
    return set;
  }
}

/**
 * The first index whose value is not below `key`: for strings in JavaScript's order (that of
 * Array.prototype.sort), for numbers in numeric order.
 */
export function lowerBound<T extends number | string>(sorted: ArrayLike<T>, key: T): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
