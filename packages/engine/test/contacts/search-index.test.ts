// Search answers from the engine's in-memory index (search-index.ts). These tests hold it
// to the definition: contacts_fts (FTS5) for the words, SQL for the group and tag filters
// and the order. Random address books are searched with random queries, filters, sorts
// and page sizes, following every cursor, between random writes of every kind (each read
// back by the index before the next search), and every answer must equal the definition's.
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { summaryOf } from '@gdial/protocol';
import { createContactsModule, loadContacts } from '../../src/contacts';
import { parseQuery, searchContacts, type SearchParams } from '../../src/contacts/search/search';
import { prefixDistanceSlowly, typosOf } from '../../src/contacts/search/similar';
import { searchIndexTuning } from '../../src/contacts/search/tuning';
import { silentLogger } from '../../src/log';
import { compareBinary, foldTokens, foldTokensSlowly } from '../../src/store/contact-search-text';
import { contactSummaries } from '../../src/store/contact-queries';
import { deleteContacts } from '../../src/store/contacts';
import { loadMigrations, openStore } from '../../src/store/db';
import { subtreeIds } from '../../src/store/groups';
import { testContext } from './helpers';

type Ctx = ReturnType<typeof testContext>;
type Query = Omit<SearchParams, 'cursor' | 'offset' | 'limit'>;

/**
 * The definition: FTS5 for the words, SQL for the filters and the order; then (from the
 * search index, `forgiving`), in the same order, the contacts found only by forgiving typos: every word either matches in FTS5 or
 * (a word that may be misspelt) some token of the contact's document has the same first
 * letter and a prefix within the word's typos, by the plainly written distance.
 */
function definition(t: Ctx, q: Query, forgiving = true): number[] {
  const parsed = parseQuery(q.query);
  const exact = definedBy(t, q, parsed ? [parsed.match] : []);
  if (!forgiving || !parsed || !parsed.words.some((w) => typosOf(w) > 0)) return exact;
  const known = new Set(exact);
  const wordMatch = parsed.match.split(' AND ');
  const all = definedBy(t, q, []).filter((id) => !known.has(id));
  const fts = wordMatch.map((m) => new Set(definedBy(t, q, [m])));
  const docs = new Map(
    (t.store.sqlite.prepare('SELECT id, search_text FROM contacts').all() as { id: number; search_text: string | null }[]).map((r) => [
      r.id,
      (r.search_text ?? '').split(/\s+/).filter((x) => x !== ''),
    ]),
  );
  const similar = (word: string[], id: number) => {
    const typos = typosOf(word);
    return typos > 0 && docs.get(id)!.some((tok) => tok[0] === word[0]![0] && prefixDistanceSlowly(word[0]!, tok) <= typos);
  };
  return [...exact, ...all.filter((id) => parsed.words.every((w, i) => fts[i]!.has(id) || similar(w, id)))];
}

/** The contacts matching every FTS5 query in `matches` and the filters, in the query's order. */
function definedBy(t: Ctx, q: Query, matches: string[]): number[] {
  const conds: string[] = [];
  const params: Record<string, string> = {};
  matches.forEach((m, i) => {
    conds.push(`c.id IN (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH @match${i})`);
    params[`match${i}`] = m;
  });
  if (q.groupId !== undefined) {
    conds.push('c.id IN (SELECT contact_id FROM group_members WHERE group_id IN (SELECT value FROM json_each(@groups)))');
    params.groups = JSON.stringify(q.includeSubgroups ? subtreeIds(t.store.read, [q.groupId]) : [q.groupId]);
  }
  if (q.tag !== undefined) {
    conds.push('c.id IN (SELECT contact_id FROM contact_tags WHERE tag = @tag)');
    params.tag = q.tag;
  }
  const where = conds.length > 0 ? `WHERE ${conds.join(' AND ')}` : '';
  const order = q.sort === 'name' ? 'ORDER BY c.sort_key, c.id' : 'ORDER BY c.updated_at DESC, c.id DESC';
  return t.store.sqlite.prepare(`SELECT c.id FROM contacts c ${where} ${order}`).pluck().all(params) as number[];
}

/** Every page of a search, following cursors. */
function allPages(t: Ctx, q: Query, limit: number): { ids: number[]; total: number } {
  const ids: number[] = [];
  let cursor: string | null = null;
  let total = -1;
  for (let guard = 0; guard < 10_000; guard++) {
    const page = searchContacts(t.store.read, t.contacts.searchIndex, { ...q, cursor, limit });
    if (total === -1) total = page.total;
    else expect(page.total, 'later pages repeat the first count').toBe(total);
    ids.push(...page.ids);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return { ids, total };
}

function expectAsDefined(t: Ctx, q: Query, limit: number): void {
  // Until the index is built, contacts_fts answers, and it matches words exactly.
  const indexed = t.contacts.searchIndex.ready() || !searchIndexTuning.background;
  const expected = definition(t, q, indexed);
  const parsed = parseQuery(q.query);
  const exactTotal = definedBy(t, q, parsed ? [parsed.match] : []).length;
  expect(allPages(t, q, limit), JSON.stringify({ ...q, limit })).toEqual({ ids: expected, total: expected.length });
  // A page addressed by offset (a table's scroll position) is that slice of the whole answer.
  for (const offset of [0, 1, limit, expected.length - 1, expected.length, expected.length + 3].filter((o) => o >= 0)) {
    const page = searchContacts(t.store.read, t.contacts.searchIndex, { ...q, offset, limit });
    expect(page, JSON.stringify({ ...q, offset, limit })).toMatchObject({
      ids: expected.slice(offset, offset + limit),
      total: expected.length,
      exactTotal,
    });
  }
}

// Names with diacritics, hyphens, apostrophes, letters outside Latin-1, and sort keys where
// SQLite's order (code points) and JavaScript's (UTF-16 units) differ (𝔄 vs ﬁ).
const firstNames = [
  'Åsa',
  'Anna-Karin',
  'Anna',
  'Ann',
  'Örjan',
  'Zoë',
  "O'Brien",
  'Märta',
  'Lars',
  'Lars-Åke',
  'José',
  'Ægir',
  'Łukasz',
  'Björn',
  '𝔄da',
  'ﬁna',
  'Eva',
];
const lastNames = ['Öberg', 'Andersson', 'Ek', 'Müller', 'Ångström', 'Berg', 'Dvořák', 'Søndergaard', 'Region', null];
const orgs = ['Räddningstjänsten Syd', 'Region Skåne', 'SOS Alarm 112', 'Berg Region', null];
const tags = ['jour', 'ledning', 'Räddning', 'it', 'sjukvård'];
const domains = ['kommun.se', 'sms.se', 'region.se'];

const phone = fc.oneof(
  fc
    .tuple(fc.constantFrom('070', '072', '073', '076'), fc.integer({ min: 0, max: 9_999_999 }))
    .map(([p, n]) => `${p}${String(n).padStart(7, '0')}`),
  // Shared numbers (a switchboard) and a few near each other, for digit prefixes.
  fc.constantFrom('08-123 456 78', '0701234567', '0701234500', '+44 7911 123456'),
);
const contactFields = fc.record({
  firstName: fc.constantFrom(...firstNames),
  lastName: fc.constantFrom(...lastNames),
  organisation: fc.constantFrom(...orgs),
  phones: fc.array(phone, { maxLength: 2 }).map((ps) => [...new Set(ps)].map((number) => ({ number }))),
  emails: fc
    .array(
      fc.oneof(
        fc
          .tuple(fc.constantFrom('anna', 'lars.ek', 'asa-b', 'x'), fc.integer({ min: 0, max: 999 }), fc.constantFrom(...domains))
          .map(([l, n, d]) => `${l}${n}@${d}`),
        // Numbers in addresses: the same tokens as phone numbers, and longer than packs.
        fc.constantFrom('0701234567@sms.se', '1234567890123@sms.se'),
      ),
      { maxLength: 2 },
    )
    .map((es) => [...new Set(es)].map((address) => ({ address }))),
  tags: fc.subarray(tags, { maxLength: 2 }),
});

const words = [
  'a',
  'an',
  'ann',
  'anna',
  'anna-k',
  'anna k',
  'lars-å',
  'lars a',
  'ö',
  'öb',
  'obe',
  'ång',
  'angs',
  'zoe',
  'o brien',
  "o'b",
  'dvo',
  'søn',
  'aeg',
  'łuk',
  'jose',
  '𝔄',
  'ﬁ',
  'fi',
  'berg',
  'berg-region',
  'region',
  'region-skane',
  'syd',
  'sos alarm',
  '112',
  'rädd',
  'jour',
  'sjukv',
  'kommun',
  'sms.se',
  'anna1',
  'lars.ek1',
  '0',
  '07',
  '070',
  '0701234',
  '070-123 45',
  '+46 70',
  '4670',
  '46701234567',
  '0701234567',
  '1234567890',
  '1234567890123',
  '12345678901234',
  '08-123',
  '447911',
  'nomatch',
  // Misspelt: a letter missing, swapped, wrong or extra; two off in a long word.
  'andersn',
  'andresson',
  'anderssno',
  'obreg',
  'regoin',
  'kommnu',
  'mullr',
  'sondergard',
  'sondregaard',
  'dvorka',
  '',
  '*',
  '"',
  '-',
];
const query = fc.oneof(
  fc.constantFrom(...words),
  fc.tuple(fc.constantFrom(...words), fc.constantFrom(...words)).map(([a, b]) => `${a} ${b}`),
);

type Op =
  | { op: 'create'; fields: object }
  | { op: 'update'; pick: number; fields: object }
  | { op: 'delete'; pick: number }
  | { op: 'tagMany'; tag: string; every: number; add: boolean }
  | { op: 'dnc'; pick: number }
  | { op: 'members'; group: number; every: number; add: boolean }
  | { op: 'moveGroup'; group: number; parent: number | null }
  | { op: 'deleteGroup'; group: number }
  | { op: 'search'; query: string; group: number | null; sub: boolean; tag: string | null; sort: 'name' | 'updated'; limit: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 10, arbitrary: contactFields.map((fields) => ({ op: 'create' as const, fields })) },
  { weight: 6, arbitrary: fc.tuple(fc.nat(), contactFields).map(([pick, fields]) => ({ op: 'update' as const, pick, fields })) },
  { weight: 3, arbitrary: fc.nat().map((pick) => ({ op: 'delete' as const, pick })) },
  // Every n-th contact: many at once (read back in one pass) or a few (one by one).
  {
    weight: 3,
    arbitrary: fc
      .record({ tag: fc.constantFrom(...tags), every: fc.integer({ min: 1, max: 8 }), add: fc.boolean() })
      .map((r) => ({ op: 'tagMany' as const, ...r })),
  },
  { weight: 3, arbitrary: fc.nat().map((pick) => ({ op: 'dnc' as const, pick })) },
  {
    weight: 3,
    arbitrary: fc
      .record({ group: fc.nat(3), every: fc.integer({ min: 1, max: 8 }), add: fc.boolean() })
      .map((r) => ({ op: 'members' as const, ...r })),
  },
  { weight: 3, arbitrary: fc.record({ group: fc.nat(3), parent: fc.option(fc.nat(3)) }).map((r) => ({ op: 'moveGroup' as const, ...r })) },
  { weight: 1, arbitrary: fc.nat(3).map((group) => ({ op: 'deleteGroup' as const, group })) },
  {
    weight: 20,
    arbitrary: fc
      .record({
        query,
        group: fc.option(fc.nat(3)),
        sub: fc.boolean(),
        tag: fc.option(fc.constantFrom(...tags, 'none')),
        sort: fc.constantFrom('name' as const, 'updated' as const),
        limit: fc.constantFrom(1, 3, 10, 100),
      })
      .map((r) => ({ op: 'search' as const, ...r })),
  },
);

function run(t: Ctx, groupIds: number[], ops: Op[]): void {
  const ids = () => t.store.sqlite.prepare('SELECT id FROM contacts ORDER BY id').pluck().all() as number[];
  const some = (pick: number): number | undefined => {
    const all = ids();
    return all.length > 0 ? all[pick % all.length] : undefined;
  };
  const liveGroup = (i: number): number | undefined => (t.groups.list().some((g) => g.id === groupIds[i]) ? groupIds[i] : undefined);
  for (const o of ops) {
    switch (o.op) {
      case 'create':
        t.contacts.create(o.fields);
        break;
      case 'update': {
        const id = some(o.pick);
        if (id !== undefined) t.contacts.update(id, o.fields);
        break;
      }
      case 'delete': {
        const id = some(o.pick);
        if (id !== undefined) t.contacts.delete([id]);
        break;
      }
      case 'tagMany': {
        const chosen = ids().filter((_, i) => i % o.every === 0);
        if (chosen.length === 0) break;
        if (o.add) t.contacts.addTags(chosen, [o.tag]);
        else t.contacts.removeTags(chosen, [o.tag]);
        break;
      }
      case 'dnc': {
        const id = some(o.pick);
        if (id !== undefined) t.contacts.setDoNotContact([id], 'sms', true);
        break;
      }
      case 'members': {
        const g = liveGroup(o.group);
        const chosen = ids().filter((_, i) => i % o.every === 0);
        if (g === undefined || chosen.length === 0) break;
        if (o.add) t.groups.addMembers(g, chosen);
        else t.groups.removeMembers(g, chosen);
        break;
      }
      case 'moveGroup': {
        const g = liveGroup(o.group);
        const parent = o.parent === null ? null : liveGroup(o.parent);
        if (g === undefined || parent === undefined) break;
        try {
          t.groups.update(g, { parentId: parent });
        } catch {
          // Under itself: refused, as it should be.
        }
        break;
      }
      case 'deleteGroup': {
        const g = liveGroup(o.group);
        if (g !== undefined) t.groups.delete(g);
        break;
      }
      case 'search': {
        const q: Query = { query: o.query, includeSubgroups: o.sub, sort: o.sort };
        if (o.group !== null) q.groupId = groupIds[o.group];
        if (o.tag !== null) q.tag = o.tag;
        expectAsDefined(t, q, o.limit);
        break;
      }
      default: {
        const unexpected: never = o;
        throw new Error(`unknown op ${JSON.stringify(unexpected)}`);
      }
    }
  }
}

/** A page's summaries say what the full contacts say. */
function expectSummariesOfContacts(t: Ctx): void {
  const ids = (t.store.sqlite.prepare('SELECT id FROM contacts ORDER BY sort_key').pluck().all() as number[]).reverse();
  expect(contactSummaries(t.store.read, ids)).toEqual(loadContacts(t.store.read, ids).map(summaryOf));
}

function fresh(): { t: Ctx; groupIds: number[] } {
  const t = testContext();
  const top = t.groups.create({ name: 'Kommunen' }).id;
  const stab = t.groups.create({ name: 'Stab', parentId: top }).id;
  const ledning = t.groups.create({ name: 'Ledning', parentId: stab }).id;
  const jour = t.groups.create({ name: 'Jour' }).id;
  return { t, groupIds: [top, stab, ledning, jour] };
}

const shipped = { ...searchIndexTuning };
// Every search here is answered by the index itself (built when needed), unless a test
// says otherwise: in use, contacts_fts answers until a background build is done.
beforeEach(() => void Object.assign(searchIndexTuning, { background: false }));
afterEach(() => void Object.assign(searchIndexTuning, shipped));

/** Ways of working the index chooses between by size, forced so that a few dozen contacts take each. */
const tunings: Record<string, Partial<typeof searchIndexTuning>> = {
  'as shipped': {},
  'never building anew, re-reading in one pass and in small chunks, sorting matches, sorting new tokens in at once': {
    rebuildAfter: Infinity,
    oneByOne: 2,
    readChunk: 3,
    sortWhenOneIn: Infinity,
    tidyAfter: 2,
  },
  'building anew after a few writes, re-reading one by one, walking the order, never sorting new tokens in': {
    rebuildAfter: 4,
    oneByOne: Infinity,
    sortWhenOneIn: 0,
    tidyAfter: Infinity,
  },
  // Nothing here waits for the background build, so contacts_fts answers every search.
  'answered by contacts_fts while the index would build in the background': { background: true },
};

describe('search index', () => {
  it.each(Object.entries(tunings))('answers as FTS5 and SQL do, between writes of every kind (%s)', (_, tuning) => {
    Object.assign(searchIndexTuning, tuning);
    fc.assert(
      fc.property(
        fc.array(contactFields, { minLength: 5, maxLength: 60 }),
        fc.array(op, { minLength: 10, maxLength: 40 }),
        (initial, ops) => {
          const { t, groupIds } = fresh();
          initial.forEach((f, i) => t.contacts.create({ ...f, groupIds: [groupIds[i % groupIds.length]!] }));
          run(t, groupIds, ops);
          // And a last look at everything, every way.
          for (const w of ['', 'an', '07', 'berg-region'])
            for (const sort of ['name', 'updated'] as const)
              expectAsDefined(t, { query: w, includeSubgroups: true, sort, groupId: groupIds[0] }, 7);
          expectSummariesOfContacts(t);
          t.store.close();
        },
      ),
      { numRuns: 40 },
    );
  });

  it('builds in the background, a chunk a turn, while contacts_fts answers, and keeps every write made meanwhile', async () => {
    Object.assign(searchIndexTuning, { background: true, buildStep: 3, oneByOne: 2 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(contactFields, { minLength: 10, maxLength: 40 }),
        fc.array(op, { minLength: 5, maxLength: 20 }),
        async (initial, ops) => {
          const { t, groupIds } = fresh();
          initial.forEach((f, i) => t.contacts.create({ ...f, groupIds: [groupIds[i % groupIds.length]!] }));
          const index = t.contacts.searchIndex;
          expect(index.ready()).toBe(false);
          // The first search is answered at once, and starts the build.
          expectAsDefined(t, { query: 'an', includeSubgroups: true, sort: 'name' }, 5);
          const built = index.warm();
          let turns = 0;
          // One write a turn while it builds (searches among them are answered by contacts_fts).
          for (const o of ops) {
            await new Promise((resolve) => setImmediate(resolve));
            turns++;
            run(t, groupIds, [o]);
          }
          await built;
          expect(turns).toBeGreaterThan(0);
          expect(index.ready()).toBe(true);
          Object.assign(searchIndexTuning, { background: false });
          for (const w of ['', 'an', '07', 'berg-region', 'e']) {
            for (const sort of ['name', 'updated'] as const) {
              expectAsDefined(t, { query: w, includeSubgroups: true, sort }, 4);
              expectAsDefined(t, { query: w, includeSubgroups: true, sort, groupId: groupIds[0] }, 4);
            }
          }
          Object.assign(searchIndexTuning, { background: true });
          t.store.close();
        },
      ),
      { numRuns: 30 },
    );
  });

  it('finds phrases within one column only, as FTS5 does', () => {
    const t = testContext();
    const id = t.contacts.create({ firstName: 'Anna', lastName: 'Berg', organisation: 'Region Skåne' }).id;
    const search = (query: string) => t.contacts.search({ query, includeSubgroups: true, sort: 'name', limit: 10 });
    expect(search('berg').items.map((i) => i.id)).toEqual([id]);
    expect(search('region-sk').items.map((i) => i.id)).toEqual([id]);
    // The name ends with Berg and the organisation starts with Region: not a phrase.
    expect(search('berg-region').total).toBe(0);
    expect(definition(t, { query: 'berg-region', includeSubgroups: true, sort: 'name' })).toEqual([]);
  });

  it('orders names as SQLite does where UTF-16 order differs', () => {
    expect(compareBinary('\u{1D504}', '\uFB01')).toBeGreaterThan(0);
    expect('\u{1D504}' < '\uFB01').toBe(true);
    const t = testContext();
    for (const displayName of ['\uFB01na', '\u{1D504}da', 'zz', 'aa', '\uE000x']) t.contacts.create({ displayName, tags: ['x'] });
    expectAsDefined(t, { query: '', tag: 'x', includeSubgroups: true, sort: 'name' }, 2);
    // Added one by one after the index was built, too.
    for (const displayName of ['\u{1D504}a', '\uFB01a']) t.contacts.create({ displayName, tags: ['x'] });
    expectAsDefined(t, { query: '', tag: 'x', includeSubgroups: true, sort: 'name' }, 2);
  });

  it('finds numbers by any prefix, whatever their length', () => {
    const t = testContext();
    const a = t.contacts.create({ displayName: 'A', phones: [{ number: '0701234567' }], emails: [{ address: '0701234567@sms.se' }] }).id;
    const b = t.contacts.create({ displayName: 'B', emails: [{ address: '1234567890123@sms.se' }, { address: '007@x.se' }] }).id;
    const c = t.contacts.create({ displayName: 'C', phones: [{ number: '+44 7911 123456' }] }).id;
    const found = (query: string) => t.contacts.search({ query, includeSubgroups: true, sort: 'name', limit: 10 }).items.map((i) => i.id);
    for (const query of ['0', '07', '070', '44', '4', '1', '12345678901', '0701234567', '007 x'])
      expectAsDefined(t, { query, includeSubgroups: true, sort: 'name' }, 1);
    expect(found('07012')).toEqual([a]);
    expect(found('4670')).toEqual([a]);
    expect(found('1234567890')).toEqual([b]);
    expect(found('1234567890123')).toEqual([b]);
    expect(found('12345678901234')).toEqual([]);
    expect(found('447911')).toEqual([c]);
    // Changed and removed numbers are gone from the index.
    t.contacts.update(a, { phones: [{ number: '0709998877' }], emails: [] });
    expect(found('07012')).toEqual([]);
    expect(found('070999')).toEqual([a]);
    t.contacts.delete([b]);
    expect(found('123')).toEqual([]);
  });

  it('keeps answering right once contact ids no longer pack beside a number', () => {
    const t = testContext();
    const a = t.contacts.create({ displayName: 'A', phones: [{ number: '0701234567' }] }).id;
    expect(t.contacts.search({ query: '0701', includeSubgroups: true, sort: 'name', limit: 10 }).total).toBe(1);
    t.store.sqlite.prepare("UPDATE sqlite_sequence SET seq = 16777300 WHERE name = 'contacts'").run();
    const b = t.contacts.create({ displayName: 'B', phones: [{ number: '0701234500' }] }).id;
    expect(b).toBeGreaterThan(2 ** 24);
    for (const query of ['0701', '07012345', '0701234500', '46701234567'])
      expectAsDefined(t, { query, includeSubgroups: true, sort: 'name' }, 1);
    expect(t.contacts.search({ query: '0701', includeSubgroups: true, sort: 'name', limit: 10 }).items.map((i) => i.id)).toEqual([a, b]);
  });

  it('sees what another connection wrote to the same file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gdial-search-index-'));
    try {
      const file = path.join(dir, 'gdial.db');
      const t = testContext(file);
      t.contacts.create({ displayName: 'Anna' });
      expect(t.contacts.search({ query: 'ann', includeSubgroups: true, sort: 'name', limit: 10 }).total).toBe(1);
      // The CLI importing into the same database, say.
      const other = openStore(file, { logger: silentLogger() });
      const { contacts } = createContactsModule({ ...t.ctx, store: other });
      contacts.create({ displayName: 'Annika' });
      other.close();
      expect(t.contacts.search({ query: 'ann', includeSubgroups: true, sort: 'name', limit: 10 }).total).toBe(2);
      t.store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('forgets what a rolled-back transaction wrote', () => {
    const t = testContext();
    t.contacts.create({ displayName: 'Anna' });
    expect(t.contacts.search({ query: 'anna', includeSubgroups: true, sort: 'name', limit: 10 }).total).toBe(1);
    expect(() =>
      t.store.transaction((tx) => {
        deleteContacts(tx, t.store.sqlite.prepare('SELECT id FROM contacts').pluck().all() as number[]);
        // A search inside the transaction sees its writes…
        expect(t.contacts.search({ query: 'anna', includeSubgroups: true, sort: 'name', limit: 10 }).total).toBe(0);
        throw new Error('rolled back');
      }),
    ).toThrow('rolled back');
    // …and after the rollback, what is committed.
    expect(t.contacts.search({ query: 'anna', includeSubgroups: true, sort: 'name', limit: 10 }).total).toBe(1);
  });

  it('walks on when the matches cluster far down the sort order', () => {
    // 5,000 contacts, the 300 matching "zyx" all sorted last.
    const c = testContext();
    c.store.transaction(() => {
      for (let i = 0; i < 4700; i++) c.contacts.create({ firstName: `Aa${i}`, lastName: 'Berg' });
      for (let i = 0; i < 300; i++) c.contacts.create({ firstName: 'Zyx', lastName: `Ö${i}` });
    });
    expectAsDefined(c, { query: 'zyx', sort: 'name', includeSubgroups: true }, 50);
    expectAsDefined(c, { query: 'berg', sort: 'updated', includeSubgroups: true }, 500);
  });

  it('fills in the search text of contacts stored before it existed', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gdial-search-text-'));
    try {
      const file = path.join(dir, 'gdial.db');
      const c = testContext(file);
      const id = c.contacts.create({ firstName: 'Åsa', lastName: 'Öberg', phones: [{ number: '070-123 45 67' }] }).id;
      // As a database written before the data migration that fills it in (0013) has it.
      c.store.sqlite.prepare('UPDATE contacts SET search_text = NULL').run();
      const migrations = loadMigrations();
      const at = migrations.findIndex((m) => m.tag === '0013_contacts_search_text_fill');
      c.store.sqlite.pragma(`user_version = ${at}`);
      // The tables, columns, indexes and triggers later migrations created go too, so the upgrade can create them again.
      const columnsOf = (table: string) => (c.store.sqlite.pragma(`table_info(${table})`) as { name: string }[]).map((x) => x.name);
      // Indexes and triggers first: a column an index or trigger names cannot be dropped.
      const later = migrations.slice(at + 1).flatMap((m) => m.statements);
      for (const st of later) {
        for (const [, index] of st.matchAll(/CREATE (?:UNIQUE )?INDEX `(\w+)`/g)) c.store.sqlite.exec(`DROP INDEX IF EXISTS ${index}`);
        for (const [, trigger] of st.matchAll(/CREATE TRIGGER `(\w+)`/g)) c.store.sqlite.exec(`DROP TRIGGER IF EXISTS ${trigger}`);
      }
      for (const st of later) {
        for (const [, table, column] of st.matchAll(/ALTER TABLE `(\w+)` ADD `(\w+)`/g))
          if (columnsOf(table!).includes(column!)) c.store.sqlite.exec(`ALTER TABLE ${table} DROP COLUMN ${column}`);
        for (const [, table] of st.matchAll(/CREATE (?:VIRTUAL )?TABLE `(\w+)`/g)) c.store.sqlite.exec(`DROP TABLE IF EXISTS ${table}`);
      }
      c.store.close();
      // The upgrade fills it in.
      const { contacts, store } = testContext(file);
      expect(contacts.search({ query: 'öbe', sort: 'name', includeSubgroups: true, limit: 10 }).items.map((i) => i.id)).toEqual([id]);
      expect(store.sqlite.prepare('SELECT search_text FROM contacts WHERE id = ?').pluck().get(id)).toBe(
        ' asa oberg asa oberg\n\n\n\n 46701234567 0701234567',
      );
      store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the folded search text tokenises as contacts_fts does', () => {
    const { t } = fresh();
    fc.assert(
      fc.property(contactFields, (f) => {
        const id = t.contacts.create(f).id;
        const text = t.store.sqlite.prepare('SELECT search_text FROM contacts WHERE id = ?').pluck().get(id) as string;
        const match = t.store.sqlite.prepare('SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ?').pluck();
        for (const token of text.split(/[ \n]/).filter(Boolean)) expect(match.all(`"${token}"`), `${token} of #${id}`).toContain(id);
      }),
      { numRuns: 100 },
    );
  });
});

describe('folding', () => {
  it('folds character by character exactly as the whole-string definition does', () => {
    const chars = fc.oneof(
      fc.integer({ min: 0, max: 0x24f }).map((c) => String.fromCharCode(c)),
      fc.constantFrom('Å', 'ä', 'Ö', 'é', 'ß', 'İ', 'ǅ', 'Ω', 'ς', 'a\u0301', '\u0301', 'ﬁ', '①', '\u{1F600}', '-', ' ', '.', '@'),
    );
    fc.assert(
      fc.property(
        fc.array(chars, { maxLength: 24 }).map((a) => a.join('')),
        (text) => {
          expect(foldTokens(text)).toEqual(foldTokensSlowly(text));
        },
      ),
      { numRuns: 2000 },
    );
    expect(foldTokens('Åsa-Britt Öberg, anna.ek@x.se')).toEqual(['asa', 'britt', 'oberg', 'anna', 'ek', 'x', 'se']);
  });
});
