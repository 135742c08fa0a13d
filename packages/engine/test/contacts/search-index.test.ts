// Search answers a page either by walking the sort index and testing each contact's folded
// search text, or by fetching the full-text matches and sorting them. Both must give the
// same pages for every query, filter, sort and cursor: these tests run each query both ways
// on data with diacritics, hyphens, apostrophes, e-mail addresses and phone numbers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createContactsModule } from '../../src/contacts';
import { GroupStore } from '../../src/contacts/group-store';
import { searchContacts, type SearchParams, type SearchStrategy } from '../../src/contacts/search';
import { foldTokens, foldTokensSlowly } from '../../src/contacts/search-text';
import { testContext } from './helpers';

const firstNames = ['Åsa', 'Anna-Karin', 'Örjan', 'Zoë', "O'Brien", 'Märta', 'Lars', 'Lars-Åke', 'José', 'Ægir', 'Łukasz', 'Ines', 'Björn'];
const lastNames = ['Öberg', 'Andersson', 'Ek', 'Müller', 'Ångström', 'Nilsson', 'Dvořák', 'Søndergaard', 'Lindqvist'];
const orgs = ['Räddningstjänsten Syd', 'Region Skåne', 'SOS Alarm 112', null];

function seeded(n: number) {
  const t = testContext();
  const groups = [t.groups.create({ name: 'Stab' }).id, t.groups.create({ name: 'Jour' }).id];
  for (let i = 0; i < n; i++) {
    const firstName = firstNames[(i * 7) % firstNames.length]!;
    const lastName = lastNames[(i * 5) % lastNames.length]!;
    t.contacts.create({
      firstName,
      lastName,
      organisation: orgs[i % orgs.length],
      phones: [{ number: `070${String(1_000_000 + i * 37).slice(0, 7)}` }],
      emails: i % 3 === 0 ? [] : [{ address: `${foldTokens(firstName).join('.')}.${i}@kommun.se` }],
      tags: i % 4 === 0 ? ['jour'] : [],
      groupIds: i % 2 === 0 ? [groups[0]!] : [groups[1]!],
    });
  }
  return { t, groups, gs: new GroupStore(t.store.sqlite) };
}

/** Every page of a search, following cursors, with one strategy. */
function allPages(t: ReturnType<typeof testContext>, gs: GroupStore, p: Omit<SearchParams, 'cursor'>, strategy: SearchStrategy) {
  const ids: number[] = [];
  let cursor: string | null = null;
  let total = -1;
  for (let guard = 0; guard < 1000; guard++) {
    const page = searchContacts(t.store.sqlite, gs, { ...p, cursor }, strategy);
    total = page.total;
    ids.push(...page.ids);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return { ids, total };
}

const queries = ['an', 'anna', 'anna-k', 'lars', 'lars-å', 'lars a', 'ost', 'ång', 'angs', 'zoe', 'zoë', 'o brien', "o'b", 'dvo', 'sond', 'søn', 'aegir', 'æg', 'lukasz', 'łuk', 'jose', 'josé', 'kommun', 'syd', '112', '0701', '070-100', '+46 70 100', 'ines.1', 'sos alarm', 'nomatch', ''];

describe('search strategies', () => {
  const { t, gs, groups } = seeded(300);

  it('the folded search text tokenises as contacts_fts does', () => {
    // Every token of every stored search text is found by the full-text index as itself.
    const rows = t.store.sqlite.prepare('SELECT id, search_text FROM contacts').all() as { id: number; search_text: string }[];
    const match = t.store.sqlite.prepare('SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ?').pluck();
    for (const r of rows.slice(0, 40)) {
      for (const token of r.search_text.trim().split(' ')) expect(match.all(`"${token}"`), `${token} of #${r.id}`).toContain(r.id);
    }
  });

  it('walking and fetching give the same pages for every query, filter, sort and page size', () => {
    for (const query of queries) {
      for (const sort of ['name', 'updated'] as const) {
        for (const filter of [{}, { groupId: groups[0]! }, { tag: 'jour' }]) {
          const p = { query, sort, includeSubgroups: true, limit: 7, ...filter };
          const walked = allPages(t, gs, p, 'walk');
          const fetched = allPages(t, gs, p, 'fetch');
          expect(walked, JSON.stringify(p)).toEqual(fetched);
          expect(walked.ids.length, JSON.stringify(p)).toBe(walked.total);
          expect(allPages(t, gs, p, 'auto'), JSON.stringify(p)).toEqual(fetched);
        }
      }
    }
  });

  it('agrees on arbitrary text, whatever its characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'aåäoöeéøæłn-\' .@1207+"*'), maxLength: 8 }), (query) => {
        const p = { query, sort: 'name' as const, includeSubgroups: true, limit: 500 };
        expect(allPages(t, gs, p, 'walk')).toEqual(allPages(t, gs, p, 'fetch'));
      }),
      { numRuns: 300 },
    );
  });

  it('walks on past its budget when the matches cluster far down the sort order', () => {
    // 5,000 contacts, the 300 matching "zyx" all sorted last: dense enough (6 %) to walk,
    // but the first 4,700 entries of the name index hold none of them.
    const c = testContext();
    const store = new GroupStore(c.store.sqlite);
    c.store.transaction(() => {
      for (let i = 0; i < 4700; i++) c.contacts.create({ firstName: `Aa${i}`, lastName: 'Berg' });
      for (let i = 0; i < 300; i++) c.contacts.create({ firstName: 'Zyx', lastName: `Ö${i}` });
    });
    const page = searchContacts(c.store.sqlite, store, { query: 'zyx', sort: 'name', includeSubgroups: true, limit: 50 });
    expect(page.total).toBe(300);
    expect(page.ids).toHaveLength(50);
    expect(page.ids).toEqual(searchContacts(c.store.sqlite, store, { query: 'zyx', sort: 'name', includeSubgroups: true, limit: 50 }, 'fetch').ids);
  });

  it('fills in the search text of contacts stored before it existed', () => {
    const c = testContext();
    const id = c.contacts.create({ firstName: 'Åsa', lastName: 'Öberg', phones: [{ number: '070-123 45 67' }] }).id;
    c.store.sqlite.prepare('UPDATE contacts SET search_text = NULL').run();
    // The module an upgraded engine starts with fills it in.
    const { contacts } = createContactsModule(c.ctx);
    expect(contacts.search({ query: 'öbe', sort: 'name', includeSubgroups: true, limit: 10 }).items.map((i) => i.id)).toEqual([id]);
    expect(c.store.sqlite.prepare('SELECT search_text FROM contacts WHERE id = ?').pluck().get(id)).toBe(' asa oberg asa oberg 46701234567 0701234567');
  });
});

describe('folding', () => {
  it('folds character by character exactly as the whole-string definition does', () => {
    const chars = fc.oneof(
      fc.integer({ min: 0, max: 0x24f }).map((c) => String.fromCharCode(c)),
      fc.constantFrom('Å', 'ä', 'Ö', 'é', 'ß', 'İ', 'ǅ', 'Ω', 'ς', 'a\u0301', '\u0301', 'ﬁ', '①', '\u{1F600}', '-', ' ', '.', '@'),
    );
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 24 }).map((a) => a.join('')), (text) => {
        expect(foldTokens(text)).toEqual(foldTokensSlowly(text));
      }),
      { numRuns: 2000 },
    );
    expect(foldTokens('Åsa-Britt Öberg, anna.ek@x.se')).toEqual(['asa', 'britt', 'oberg', 'anna', 'ek', 'x', 'se']);
  });
});
