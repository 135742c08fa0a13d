import { describe, expect, it } from 'vitest';
import { ftsQuery } from '../../src/contacts/search/search';
import { testContext } from './helpers';

function seeded() {
  const t = testContext();
  const people: [string, string, string, string?][] = [
    ['Åsa', 'Öberg', '070-123 45 67', 'asa.oberg@kommun.se'],
    ['Anna', 'Andersson', '0702223344', 'anna@example.se'],
    ['Örjan', 'Ek', '08-123 456 78'],
    ['Zlatan', 'Berg', '0703334455'],
    ['Ärla', 'Nilsson', '0704445566'],
    ['Adam', 'Åberg', '+44 7911 123456'],
  ];
  const ids = people.map(
    ([firstName, lastName, number, email]) =>
      t.contacts.create({ firstName, lastName, phones: [{ number }], emails: email ? [{ address: email }] : [], organisation: 'Kommunen' })
        .id,
  );
  return { t, ids };
}

const search = (t: ReturnType<typeof testContext>, query: string, extra: Record<string, unknown> = {}) =>
  t.contacts.search({ query, includeSubgroups: true, sort: 'name', limit: 100, ...extra });

describe('contact search', () => {
  it('finds a number by the digits an operator types', () => {
    const { t } = seeded();
    for (const q of ['0701234', '070-123 4', '+46701234', '46701234567', '0046 70 123', '(070) 1234']) {
      expect(
        search(t, q).items.map((i) => i.displayName),
        q,
      ).toEqual(['Åsa Öberg']);
    }
    expect(search(t, '08123').items.map((i) => i.displayName)).toEqual(['Örjan Ek']);
    expect(search(t, '07911').items.map((i) => i.displayName)).toEqual(['Adam Åberg']);
  });

  it('prefix-matches names, e-mails and organisation, folding diacritics', () => {
    const { t } = seeded();
    expect(search(t, 'öbe').items.map((i) => i.displayName)).toEqual(['Åsa Öberg']);
    expect(search(t, 'obe').items.map((i) => i.displayName)).toEqual(['Åsa Öberg']);
    expect(search(t, 'asa.ob').items.map((i) => i.displayName)).toEqual(['Åsa Öberg']);
    expect(search(t, 'an and').items.map((i) => i.displayName)).toEqual(['Anna Andersson']);
    expect(search(t, 'kommun').total).toBe(6);
    expect(search(t, '"; DROP TABLE contacts; --').total).toBe(0);
    expect(search(t, '*').total).toBe(6);
  });

  it('sorts A to Ö the Swedish way and pages with a stable cursor', () => {
    const { t } = seeded();
    const names: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = search(t, '', { limit: 2, cursor });
      // Counted for the first page and carried along by the cursor.
      expect(page.total).toBe(6);
      names.push(...page.items.map((i) => i.displayName));
      cursor = page.nextCursor;
      pages++;
      // A contact added mid-way that sorts before the cursor does not shift later pages.
      if (pages === 1) t.contacts.create({ firstName: 'Aaron', lastName: 'A' });
    } while (cursor);
    expect(pages).toBe(3);
    expect(search(t, '').total).toBe(7);
    expect(names).toEqual(['Adam Åberg', 'Anna Andersson', 'Zlatan Berg', 'Åsa Öberg', 'Ärla Nilsson', 'Örjan Ek']);
  });

  it('fetches the page at an offset, but not after a cursor at the same time', () => {
    const { t } = seeded();
    const all = search(t, '').items.map((i) => i.displayName);
    const page = search(t, '', { offset: 2, limit: 3 });
    expect(page.items.map((i) => i.displayName)).toEqual(all.slice(2, 5));
    expect(page.total).toBe(6);
    // The next page follows by cursor from there.
    expect(search(t, '', { cursor: page.nextCursor, limit: 3 }).items.map((i) => i.displayName)).toEqual(all.slice(5));
    expect(search(t, 'kommun', { offset: 5 }).items).toHaveLength(1);
    expect(search(t, '', { offset: 6 }).items).toEqual([]);
    expect(() => search(t, '', { offset: 1, cursor: page.nextCursor })).toThrow(/either after a cursor or at an offset/);
  });

  it('sorts by last change, newest first', async () => {
    const { t, ids } = seeded();
    // Timestamps have millisecond resolution; make the edit land after the last create.
    await new Promise((r) => setTimeout(r, 5));
    t.contacts.update(ids[2]!, { role: 'Jour' });
    const page = search(t, '', { sort: 'updated', limit: 2 });
    expect(page.items[0]?.displayName).toBe('Örjan Ek');
    const next = search(t, '', { sort: 'updated', limit: 10, cursor: page.nextCursor });
    expect(next.items).toHaveLength(4);
    expect(() => search(t, '', { sort: 'name', cursor: page.nextCursor })).toThrow(/different sort order/);
    expect(() => search(t, '', { cursor: 'garbage' })).toThrow(/cursor/);
  });

  it('filters by group (with or without subgroups) and by tag', () => {
    const { t, ids } = seeded();
    const parent = t.groups.create({ name: 'Kommunledning' });
    const child = t.groups.create({ name: 'Stab', parentId: parent.id });
    t.groups.addMembers(parent.id, [ids[0]!]);
    t.groups.addMembers(child.id, [ids[1]!, ids[2]!]);
    t.contacts.addTags([ids[1]!, ids[3]!], ['jour']);
    expect(search(t, '', { groupId: parent.id }).total).toBe(3);
    expect(search(t, '', { groupId: parent.id, includeSubgroups: false }).total).toBe(1);
    expect(search(t, 'anna', { groupId: parent.id }).items.map((i) => i.displayName)).toEqual(['Anna Andersson']);
    expect(search(t, '', { tag: 'jour' }).items.map((i) => i.displayName)).toEqual(['Anna Andersson', 'Zlatan Berg']);
    expect(search(t, 'jour').total).toBe(2);
    expect(search(t, '', { tag: 'jour', groupId: child.id }).total).toBe(1);
  });

  it('keeps the index in step with edits, tag changes and deletes', () => {
    const { t, ids } = seeded();
    t.contacts.update(ids[0]!, { phones: [{ number: '0709998877' }] });
    expect(search(t, '0701234').total).toBe(0);
    expect(search(t, '0709998').total).toBe(1);
    t.contacts.addTags([ids[0]!], ['Räddning']);
    expect(search(t, 'radd').total).toBe(1);
    t.contacts.removeTags([ids[0]!], ['Räddning']);
    expect(search(t, 'radd').total).toBe(0);
    t.contacts.delete([ids[0]!]);
    expect(search(t, 'öberg').total).toBe(0);
  });

  it('turns what the operator typed into a safe FTS query', () => {
    expect(ftsQuery('  ')).toBeNull();
    expect(ftsQuery('070-123 45')).toBe('"07012345"*');
    expect(ftsQuery('anna "x')).toBe('"anna"* AND """x"*');
    expect(ftsQuery('- ()')).toBeNull();
    expect(ftsQuery('+46 70')).toBe('"4670"*');
  });

  it('uses its indexes for the hot queries (EXPLAIN QUERY PLAN)', () => {
    const { t } = seeded();
    const plan = (sql: string, ...params: unknown[]) =>
      (t.store.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan('SELECT id FROM contacts c INDEXED BY contacts_sort_name ORDER BY sort_key, id LIMIT 100')).toMatch(
      /SCAN c USING (COVERING )?INDEX contacts_sort_name/,
    );
    expect(plan("SELECT id FROM contacts c WHERE (c.sort_key, c.id) > ('m', 1) ORDER BY sort_key, id LIMIT 100")).toMatch(
      /SEARCH c USING (COVERING )?INDEX contacts_sort_name/,
    );
    expect(plan('SELECT id FROM contacts c ORDER BY updated_at DESC, id DESC LIMIT 100')).toMatch(/contacts_sort_updated/);
    expect(plan('SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH \'"070"*\'')).toMatch(/VIRTUAL TABLE INDEX/);
    expect(plan("SELECT contact_id FROM contact_phones WHERE e164 = '+46701234567'")).toMatch(/contact_phones_e164/);
    expect(plan("SELECT contact_id FROM contact_emails WHERE address_key = 'a@b.se'")).toMatch(/contact_emails_key/);
    expect(plan("SELECT contact_id FROM contact_tags WHERE tag = 'jour'")).toMatch(/contact_tags_tag/);
    expect(plan('SELECT contact_id FROM group_members WHERE group_id IN (1,2)')).toMatch(
      /SEARCH group_members USING (COVERING )?INDEX|PRIMARY KEY/,
    );
    expect(plan('SELECT group_id FROM group_members WHERE contact_id = 1')).toMatch(/group_members_contact/);
    expect(plan("SELECT 1 FROM opt_outs WHERE channel = 'sms' AND address = '+46701234567'")).toMatch(/SEARCH opt_outs USING/);
    expect(plan('SELECT id FROM contact_groups WHERE parent_id = 1')).toMatch(/contact_groups_parent/);
  });
});
