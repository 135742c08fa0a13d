// The address book's search index, held in memory by the engine (what it holds: build.ts;
// how it answers: query.ts). It answers what contacts_fts and the SQL filters answer; the
// tests compare the two on random data.
//
// It keeps in step with the database through the store's one seam for changes: after
// every committed transaction it notes the contacts the transaction changed (their rows,
// tags or memberships) and reads them again before the next search, so it holds what was
// committed whatever the write was; a rolled-back transaction changed nothing. A write by
// another connection (the CLI on the same file) shows in PRAGMA data_version, and the
// index is then built anew. It holds what is committed only: a search inside a
// transaction is answered by SQL (see search.ts).
import type { ChangeSet } from '../../store/changes';
import { dataVersion, searchEntries } from '../../store/contact-search';
import type { Reader, Store } from '../../store/db';
import { IdSet, wordsFor } from './bitsets';
import { buildSteps, emptyState, type IndexState } from './build';
import { Bitsets, runQuery, type IndexAnswer, type IndexQuery } from './query';
import { DocumentTokens, PACKABLE_IDS } from './tokens';
import { searchIndexTuning } from './tuning';

export class ContactSearchIndex {
  private state: IndexState = emptyState();
  private readonly tokens = new DocumentTokens();
  private readonly bitsets = new Bitsets();
  private built = false;
  /** The background build under way (warm()). */
  private building: Promise<void> | null = null;
  /** Counts invalidations: a background build that saw one started reading too early. */
  private generation = 0;
  private dataVersion = -1;
  private readonly stale = new Set<number>();

  constructor(private readonly store: Pick<Store, 'read' | 'afterCommit'>) {
    store.afterCommit((changes) => this.committed(changes));
  }

  private get r(): Reader {
    return this.store.read;
  }

  /** A transaction committed these changes: the contacts they touch are read again before the next search. */
  committed(changes: ChangeSet): void {
    const ids: number[] = [];
    for (const c of changes.all()) {
      // Phones and e-mails change with the contact's row (its search document): nothing more to note.
      if (c.table === 'contacts' || c.table === 'contact_tags') ids.push(c.key[0] as number);
      else if (c.table === 'group_members') ids.push(c.key[1] as number);
      else if (c.table === 'contact_groups' && c.op === 'delete') this.groupDeleted(c.key[0] as number);
    }
    if (ids.length > 0) this.changed(ids);
  }

  /** These contacts were written: created, changed, deleted, tagged, added to or removed from groups. */
  changed(ids: Iterable<number>): void {
    if (!this.built && !this.building) return;
    for (const id of ids) this.stale.add(id);
    if (this.stale.size > Math.max(searchIndexTuning.rebuildAfter, this.state.count >>> 3)) this.invalidate();
  }

  /** A group was deleted, and with it its memberships. */
  private groupDeleted(id: number): void {
    this.state.groups.delete(id);
    // A background build may have read the group before it went: read again.
    if (this.building) this.generation++;
  }

  /** Anything may have changed: build anew before the next search. */
  invalidate(): void {
    this.built = false;
    this.stale.clear();
    this.generation++;
  }

  /** Whether a search now is answered from memory, without building the index first. */
  ready(): boolean {
    return this.built && dataVersion(this.r) === this.dataVersion;
  }

  /**
   * Builds the index in the background, a chunk at a time with a turn of the event loop
   * in between, so no call waits half a second for it (100,000 contacts take ~0.5 s).
   * Writes meanwhile are noted as usual and read again before the first search that uses
   * it; a write by another connection, or so many writes that the index is dropped, makes
   * it start over.
   */
  warm(): Promise<void> {
    this.building ??= (async () => {
      try {
        while (!this.ready()) {
          const generation = this.generation;
          const version = dataVersion(this.r);
          this.stale.clear();
          const steps = buildSteps(this.r, this.tokens);
          let step = steps.next();
          for (; !step.done; step = steps.next()) await new Promise((resolve) => setImmediate(resolve));
          if (generation !== this.generation || version !== dataVersion(this.r)) continue;
          // Not the stale contacts: those were written while it read, and are read again.
          this.state = step.value;
          this.built = true;
          this.dataVersion = version;
        }
      } finally {
        this.building = null;
      }
    })();
    return this.building;
  }

  search(q: IndexQuery): IndexAnswer {
    this.sync();
    return runQuery(this.state, q, this.bitsets);
  }

  // ── keeping in step with the database ──

  private sync(): void {
    const version = dataVersion(this.r);
    if (version !== this.dataVersion) this.built = false;
    if (this.built && this.stale.size > 0) this.refresh();
    // Not built yet, changed too much, or by another connection.
    if (!this.built) this.build();
    this.dataVersion = version;
    this.state.wordTokens.tidy();
    this.state.numberTokens.tidy();
  }

  private build(): void {
    this.generation++;
    const steps = buildSteps(this.r, this.tokens);
    let step = steps.next();
    while (!step.done) step = steps.next();
    this.stale.clear();
    this.state = step.value;
    this.built = true;
  }

  /** Reads the contacts written since the last search and puts them in their places. */
  private refresh(): void {
    const s = this.state;
    const ids = [...this.stale];
    this.stale.clear();
    const oneByOne = ids.length <= searchIndexTuning.oneByOne;
    if (!oneByOne) {
      const gone = new Uint32Array(s.words);
      for (const id of ids) if (s.docs[id] !== undefined) gone[id >>> 5]! |= 1 << (id & 31);
      s.byName.removeAll(gone);
      s.byUpdated.removeAll(gone);
    }
    for (const id of ids) this.remove(id, oneByOne);
    const added: number[] = [];
    const chunk = searchIndexTuning.readChunk;
    for (let i = 0; i < ids.length; i += chunk) {
      const read = searchEntries(this.r, ids.slice(i, i + chunk));
      for (const [id, sortKey, updatedAt, doc] of read.contacts) if (this.add(id, sortKey, updatedAt, doc ?? '', oneByOne)) added.push(id);
      for (const [id, group] of read.members) memberSet(s.groups, group).add(id, s.words);
      for (const [id, tag] of read.tags) memberSet(s.tags, tag).add(id, s.words);
    }
    if (!oneByOne) {
      s.byName.insertAll(added);
      s.byUpdated.insertAll([...added]);
    }
  }

  /** Puts a contact in (and, one by one, in the sort orders); false if the index has to be built anew instead. */
  private add(id: number, sortKey: string, updatedAt: string, doc: string, inOrders: boolean): boolean {
    const s = this.state;
    if (id >= PACKABLE_IDS && s.idsPack) {
      // Beyond what packs beside a number: build anew, with number tokens as words.
      this.built = false;
      return false;
    }
    if (id >>> 5 >= s.words) s.words = wordsFor(Math.max(id, s.words * 64));
    s.sortKeys[id] = sortKey;
    s.updatedAts[id] = updatedAt;
    s.docs[id] = doc;
    s.count++;
    const tokens = this.tokens.read(doc, s.idsPack);
    for (const t of tokens.words) s.wordTokens.add(t, id, s.words);
    for (let i = 0; i < tokens.values.length; i++) s.numberTokens.add(tokens.digits[i]!, tokens.values[i]!, id);
    if (inOrders) {
      s.byName.insert(sortKey, id);
      s.byUpdated.insert(updatedAt, id);
    }
    return true;
  }

  /**
   * Takes a contact out of everything (and, one by one, out of the sort orders). Its groups
   * and tags are found by asking each: a contact holds no list of them.
   */
  private remove(id: number, fromOrders: boolean): void {
    const s = this.state;
    const doc = s.docs[id];
    if (doc === undefined) return;
    if (fromOrders) {
      s.byName.remove(s.sortKeys[id]!, id);
      s.byUpdated.remove(s.updatedAts[id]!, id);
    }
    const tokens = this.tokens.read(doc, s.idsPack);
    for (const t of tokens.words) s.wordTokens.delete(t, id);
    for (let i = 0; i < tokens.values.length; i++) s.numberTokens.delete(tokens.digits[i]!, tokens.values[i]!, id);
    for (const set of s.groups.values()) set.delete(id);
    for (const set of s.tags.values()) set.delete(id);
    s.sortKeys[id] = undefined;
    s.updatedAts[id] = undefined;
    s.docs[id] = undefined;
    s.count--;
  }
}

function memberSet<K>(sets: Map<K, IdSet>, key: K): IdSet {
  let set = sets.get(key);
  if (!set) sets.set(key, (set = new IdSet()));
  return set;
}
