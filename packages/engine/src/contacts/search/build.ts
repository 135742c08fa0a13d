// What the search index holds (IndexState), and building it from the address book: every
// contact's search document (contacts.search_text) tokenised into the dictionary, the
// members of each group and tag, the contacts in name order and in order of last change.
// A build is a generator that pauses after each chunk of work, so the engine can build in
// the background with a turn of the event loop in between (see ContactSearchIndex.warm).
import type { Reader } from '../../store/db';
import { contactsAfter, contactsByTag, idsByName, idsByUpdated, membersByGroup } from '../../store/contact-search';
import { IdSet, wordsFor } from './bitsets';
import { SortOrder } from './orders';
import { NumberTokens, PACKABLE_IDS, withId, WordTokens, type DocumentTokens, type Posting } from './tokens';
import { searchIndexTuning } from './tuning';

export interface IndexState {
  // By contact id; undefined where there is no contact.
  sortKeys: (string | undefined)[];
  updatedAts: (string | undefined)[];
  /** contacts.search_text: one line per full-text column, each token preceded by a space. */
  docs: (string | undefined)[];
  count: number;
  /** Bitsets over contact ids are this many 32-bit words long. */
  words: number;
  wordTokens: WordTokens;
  numberTokens: NumberTokens;
  /** False once a contact id is too large to pack beside a number: number tokens are then words. */
  idsPack: boolean;
  groups: Map<number, IdSet>;
  tags: Map<string, IdSet>;
  byName: SortOrder;
  byUpdated: SortOrder;
}

function stateOf(parts: Omit<IndexState, 'byName' | 'byUpdated'>, byName: number[], byUpdated: number[]): IndexState {
  const state: IndexState = {
    ...parts,
    byName: new SortOrder((id) => state.sortKeys[id]!, false),
    byUpdated: new SortOrder((id) => state.updatedAts[id]!, true),
  };
  state.byName.reset(byName);
  state.byUpdated.reset(byUpdated);
  return state;
}

/** An index of no contacts. */
export const emptyState = (): IndexState =>
  stateOf(
    {
      sortKeys: [],
      updatedAts: [],
      docs: [],
      count: 0,
      words: 1,
      wordTokens: new WordTokens(),
      numberTokens: new NumberTokens(),
      idsPack: true,
      groups: new Map(),
      tags: new Map(),
    },
    [],
    [],
  );

/**
 * Reads the address book and builds an index of it, pausing (yield) after each chunk of
 * work; returns the index built. `tokens` is scratch space, reused between documents.
 */
export function* buildSteps(r: Reader, tokens: DocumentTokens): Generator<void, IndexState> {
  const sortKeys: (string | undefined)[] = [];
  const updatedAts: (string | undefined)[] = [];
  const docs: (string | undefined)[] = [];
  const ids: number[] = [];
  for (let after = 0; ;) {
    const chunk = contactsAfter(r, after, searchIndexTuning.readChunk);
    if (chunk.ids.length === 0) break;
    for (let i = 0; i < chunk.ids.length; i++) {
      const id = chunk.ids[i]!;
      sortKeys[id] = chunk.sortKeys[i]!;
      updatedAts[id] = chunk.updatedAts[i]!;
      docs[id] = chunk.docs[i] ?? '';
      ids.push(id);
    }
    after = chunk.ids[chunk.ids.length - 1]!;
  }
  const maxId = ids.length > 0 ? ids[ids.length - 1]! : 0;
  const wordCount = wordsFor(maxId);
  const idsPack = maxId < PACKABLE_IDS;

  const groups = new Map<number, IdSet>();
  for (const [group, members] of membersByGroup(r)) groups.set(group, IdSet.of(members, wordCount));
  const tags = new Map<string, IdSet>();
  for (const [tag, tagged] of contactsByTag(r)) tags.set(tag, IdSet.of(tagged, wordCount));
  // Read in the same turn as the contacts, so every part sees the same contacts (a write
  // can come between two turns, and is then read again, see ContactSearchIndex.warm).
  const byName = idsByName(r);
  const byUpdated = idsByUpdated(r);
  yield;

  const words = new Map<string, Posting>();
  let n = 0;
  let digits = new Uint8Array(1024);
  let values = new Float64Array(1024);
  let owners = new Int32Array(1024);
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k]!;
    tokens.read(docs[id]!, idsPack);
    for (const t of tokens.words) words.set(t, withId(words.get(t), id, wordCount));
    if (n + tokens.values.length > digits.length) {
      digits = grown(digits);
      values = grown(values);
      owners = grown(owners);
    }
    for (let i = 0; i < tokens.values.length; i++) {
      digits[n] = tokens.digits[i]!;
      values[n] = tokens.values[i]!;
      owners[n++] = id;
    }
    if ((k + 1) % searchIndexTuning.buildStep === 0) yield;
  }
  return stateOf(
    {
      sortKeys,
      updatedAts,
      docs,
      count: ids.length,
      words: wordCount,
      wordTokens: WordTokens.build(words),
      numberTokens: NumberTokens.build(digits, values, owners, n),
      idsPack,
      groups,
      tags,
    },
    byName,
    byUpdated,
  );
}

function grown<T extends Uint8Array | Float64Array | Int32Array>(a: T): T {
  const bigger = new (a.constructor as new (n: number) => T)(a.length * 2);
  bigger.set(a);
  return bigger;
}
