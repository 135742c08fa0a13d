// Search that forgives a typo: the distance written for speed equals the one written
// plainly, and through contacts.search a misspelt name finds the person, after everyone the
// words match exactly, with the count of exact matches beside the total.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PrefixDistance, prefixDistanceSlowly, typosFor } from '../../src/contacts/search/similar';
import { searchIndexTuning } from '../../src/contacts/search/tuning';
import { testContext } from './helpers';

describe('the typo distance', () => {
  it('says "within" exactly when the plain distance to some prefix is at most the typos allowed', () => {
    const distance = new PrefixDistance();
    const letters = fc.constantFrom(...'abnosjäö');
    const word = fc.array(letters, { minLength: 1, maxLength: 10 }).map((a) => a.join(''));
    fc.assert(
      fc.property(word, word, fc.integer({ min: 0, max: 2 }), (w, t, max) => {
        expect(distance.within(w, t, max), `${w} ~ ${t} within ${max}`).toBe(prefixDistanceSlowly(w, t) <= max);
      }),
      { numRuns: 5000 },
    );
  });

  it('forgives nothing below five letters, one from five, two from nine', () => {
    expect(['anna', 'berg', 'andersn', 'jonson', 'sondregaard'].map(typosFor)).toEqual([0, 0, 1, 1, 2]);
    expect(prefixDistanceSlowly('andersn', 'andersson')).toBe(1); // a prefix, "anderss", is one off
    expect(prefixDistanceSlowly('andresson', 'andersson')).toBe(1); // swapped neighbours
  });
});

describe('contacts.search forgives a typo', () => {
  function seeded() {
    Object.assign(searchIndexTuning, { background: false });
    const t = testContext();
    const names: [string, string][] = [
      ['Anna', 'Andersson'],
      ['Bo', 'Andersen'],
      ['Cia', 'Jonsson'],
      ['Dan', 'Johnson'],
      ['Eva', 'Jonson'],
      ['Fia', 'Berg'],
    ];
    for (const [firstName, lastName] of names) t.contacts.create({ firstName, lastName });
    return t;
  }
  const names = (t: ReturnType<typeof testContext>, query: string) => {
    const page = t.contacts.search({ query, includeSubgroups: true, sort: 'name', limit: 50 });
    return { names: page.items.map((c) => c.displayName), total: page.total, exactTotal: page.exactTotal };
  };

  it('"Andersn" finds Andersson and Andersen; "Jonson" finds Jonson first, then Jonsson and Johnson', () => {
    const t = seeded();
    expect(names(t, 'Andersn')).toEqual({ names: ['Anna Andersson', 'Bo Andersen'], total: 2, exactTotal: 0 });
    expect(names(t, 'jonson')).toEqual({ names: ['Eva Jonson', 'Cia Jonsson', 'Dan Johnson'], total: 3, exactTotal: 1 });
    // Both words must match, each exactly or forgiven.
    expect(names(t, 'anna andersn')).toEqual({ names: ['Anna Andersson'], total: 1, exactTotal: 0 });
    expect(names(t, 'fia andersn')).toEqual({ names: [], total: 0, exactTotal: 0 });
  });

  it('forgives no typo in a short word, a number or a wrong first letter', () => {
    const t = seeded();
    expect(names(t, 'Berh')).toEqual({ names: [], total: 0, exactTotal: 0 });
    expect(names(t, 'Onsson')).toEqual({ names: [], total: 0, exactTotal: 0 });
  });

  it('pages through the exact matches and then the forgiven ones, by offset and by cursor', () => {
    const t = seeded();
    const byOffset = [0, 1, 2].map(
      (offset) => t.contacts.search({ query: 'jonson', includeSubgroups: true, sort: 'name', offset, limit: 1 }).items[0]!.displayName,
    );
    expect(byOffset).toEqual(['Eva Jonson', 'Cia Jonsson', 'Dan Johnson']);
    const byCursor: string[] = [];
    let cursor: string | null = null;
    do {
      const page = t.contacts.search({ query: 'jonson', includeSubgroups: true, sort: 'name', limit: 1, cursor });
      byCursor.push(...page.items.map((c) => c.displayName));
      expect(page).toMatchObject({ total: 3, exactTotal: 1 });
      cursor = page.nextCursor;
    } while (cursor);
    expect(byCursor).toEqual(byOffset);
  });
});
