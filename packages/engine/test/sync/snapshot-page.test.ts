// A snapshot's page merged at once (Replica.applyStates: no savepoint per state, a page's tags
// written together) must leave exactly what merging its states one by one leaves: the same
// rows, tags, memberships, search documents and merged states, and a state this desktop
// cannot store logged and left without losing the rest of its page.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HybridClock, pairId, type EntityState, type Json } from '@gdial/protocol';
import { silentLogger } from '../../src/log';
import { openStore, type Store } from '../../src/store/db';
import { sharedCodecs } from '../../src/sync/codecs';
import { Replica } from '../../src/sync/replica';

const dir = mkdtempSync(path.join(tmpdir(), 'gdial-snapshot-page-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const clock = new HybridClock(() => 1_760_000_000_000);
const state = (entity: EntityState['entity'], id: string, fields: Record<string, Json>): EntityState => ({
  entity,
  id,
  fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, { v, s: `${clock.tick()}@dev-a` }])),
});

/** A page as the relay serves it: groups, contacts, then their tags and memberships; one contact this desktop cannot store. */
function page(): EntityState[] {
  const states: EntityState[] = [state('group', 'g-1', { name: 'Stab', description: null, colour: null, parent: null })];
  const contacts = Array.from({ length: 30 }, (_, i) => `c-${String(i).padStart(2, '0')}`);
  for (const [i, c] of contacts.entries())
    states.push(
      state('contact', c, {
        displayName: `Person ${i}`,
        organisation: i % 2 ? 'Räddningstjänsten' : null,
        phones: [{ e164: `+4670100${String(i).padStart(4, '0')}`, label: 'mobile', kind: 'mobile', canSms: true }],
      }),
    );
  states.push(state('contact', 'c-broken', { displayName: 'Trasig', phones: 'not a list of numbers' }));
  for (const [i, c] of contacts.entries()) {
    states.push(state('contactTag', pairId(c, 'stab'), { present: true }));
    if (i % 3 === 0) states.push(state('contactTag', pairId(c, 'sjukvård'), { present: true }));
    if (i % 5 === 0) states.push(state('contactTag', pairId(c, 'gammal'), { present: false }));
    if (i % 2 === 0) states.push(state('membership', pairId('g-1', c), { present: true }));
  }
  return states;
}

function replicaIn(name: string): { store: Store; replica: Replica; failed: string[] } {
  const store = openStore(path.join(dir, `${name}.db`), { logger: silentLogger() });
  const failed: string[] = [];
  return { store, replica: new Replica(store, sharedCodecs(), (_err, s) => failed.push(`${s.entity}:${s.id}`)), failed };
}

/** What a desktop holds of the address book, by uid (local ids may differ). */
function picture(store: Store): unknown {
  const q = (sql: string) => store.sqlite.prepare(sql).all();
  return {
    contacts: q(`SELECT s.uid, c.display_name, c.organisation, c.search_text, c.sort_key, f.name, f.tag, f.phone
      FROM contacts c JOIN sync_ids s ON s.entity = 'contact' AND s.local_id = c.id JOIN contacts_fts f ON f.rowid = c.id ORDER BY s.uid`),
    phones: q(
      `SELECT s.uid, p.e164, p.priority FROM contact_phones p JOIN sync_ids s ON s.entity = 'contact' AND s.local_id = p.contact_id ORDER BY s.uid`,
    ),
    tags: q(
      `SELECT s.uid, t.tag FROM contact_tags t JOIN sync_ids s ON s.entity = 'contact' AND s.local_id = t.contact_id ORDER BY s.uid, t.tag`,
    ),
    members: q(`SELECT s.uid FROM group_members m JOIN sync_ids s ON s.entity = 'contact' AND s.local_id = m.contact_id ORDER BY s.uid`),
    states: q('SELECT entity, entity_id, state FROM sync_state ORDER BY entity, entity_id'),
    found: q(`SELECT s.uid FROM contacts_fts JOIN sync_ids s ON s.entity = 'contact' AND s.local_id = contacts_fts.rowid
      WHERE contacts_fts MATCH 'tag:sjukv*' ORDER BY s.uid`),
  };
}

describe('a snapshot page merged at once', () => {
  it('leaves what merging its states one by one leaves, and logs the one state it cannot store', () => {
    const states = page();
    const one = replicaIn('one-by-one');
    one.store.transaction((tx) => states.forEach((s) => one.replica.applyState(tx, s)), { origin: 'sync' });
    const paged = replicaIn('paged');
    const changed = paged.store.transaction((tx) => paged.replica.applyStates(tx, states), { origin: 'sync' });

    expect(changed).toBe(states.length);
    expect(paged.failed).toEqual(['contact:c-broken']);
    expect(one.failed).toEqual(['contact:c-broken']);
    const expected = picture(one.store) as { contacts: unknown[]; tags: unknown[]; found: unknown[] };
    expect(expected.contacts).toHaveLength(30);
    expect(expected.tags).toHaveLength(30 + 10);
    expect(expected.found).toHaveLength(10);
    expect(picture(paged.store)).toEqual(expected);

    // The same page again changes nothing.
    expect(paged.store.transaction((tx) => paged.replica.applyStates(tx, states), { origin: 'sync' })).toBe(0);
    expect(picture(paged.store)).toEqual(expected);
    one.store.close();
    paged.store.close();
  });
});
