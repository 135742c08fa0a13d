// A snapshot taken into an empty address book is built set-based (Replica.applyFreshStates:
// a staging table, INSERT … SELECT, search documents once at the end). It must leave exactly
// what merging the same states one by one leaves: the same contacts (every column but the
// timestamps), numbers in order, addresses, tags, memberships, groups, search documents,
// uids and merged states, and the same states refused. Random states from fast-check:
// tombstones, erased people, do-not-contact, custom fields, ordered numbers, memberships of
// groups that exist or not, tags and pairs turned off, and contacts the codec must refuse
// (a number twice) or leave unstored (no name).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HybridClock, pairId, syncEntityOrder, type EntityState, type Json } from '@gdial/protocol';
import { silentLogger } from '../../src/log';
import { openStore, type Store } from '../../src/store/db';
import { sharedCodecs } from '../../src/sync/codecs';
import { Replica } from '../../src/sync/replica';
import { addressBookEmpty } from '../../src/store/sync-snapshot';
import { addTags } from '../../src/store/contacts';
import { localIdOf, pendingOps } from '../../src/store/sync';
import type { EntityCodec } from '../../src/sync/codec';

const contactIds = ['c-0', 'c-1', 'c-2', 'c-3', 'c-4', 'c-5', 'c-6', 'c-7', 'c-8', 'c-9'];
const groupIds = ['g-0', 'g-1', 'g-2'];
const tagNames = ['stab', 'Ledning', 'sjukvård', 'a|b'];

const text = fc.oneof(
  fc.string({ maxLength: 10 }),
  fc.constantFrom('Åsa Öberg', 'Émile Zola', 'Räddningstjänsten Syd', 'ﬁ', '  blank  ', 'Ünal', 'x\u2028y', 'quote"back\\slash'),
);
const phone = fc.record({
  e164: fc.constantFrom('+46701234567', '+46812345678', '+4640123456', '+4790000000'),
  label: fc.constantFrom('mobile', 'work', 'home', 'other'),
  kind: fc.constantFrom('mobile', 'fixedLine', 'unknown'),
  canSms: fc.boolean(),
});
const email = fc.record({
  address: fc.constantFrom('anna@example.se', 'Anna@Example.se ', 'bo@example.se', 'ÅSA@exempel.se'),
  label: fc.constantFrom('work', 'home', 'other'),
});
const dnc = fc.record(
  { voice: fc.boolean(), sms: fc.boolean(), email: fc.boolean(), whatsapp: fc.boolean(), telegram: fc.boolean() },
  { requiredKeys: [] },
);
const contactFields = fc.record(
  {
    displayName: fc.oneof({ weight: 8, arbitrary: text }, { weight: 1, arbitrary: fc.constant(null) }),
    firstName: fc.option(text),
    lastName: fc.option(text),
    organisation: fc.option(text),
    role: fc.option(text),
    notes: fc.option(text),
    language: fc.constantFrom('sv', 'en'),
    phones: fc.array(phone, { maxLength: 2 }),
    emails: fc.array(email, { maxLength: 2 }),
    whatsapp: fc.option(fc.constant('+46701234567')),
    telegramChatId: fc.option(fc.constant('123456')),
    customFields: fc.dictionary(fc.constantFrom('Befattning', 'Ort', 'nyckel "x"'), text, { maxKeys: 3 }),
    doNotContact: dnc,
  },
  { requiredKeys: ['displayName'] },
);

type Draft = { entity: EntityState['entity']; id: string; fields: Record<string, Json>; end?: 'deleted' | 'erased' };
const contactDraft = fc.record({
  id: fc.constantFrom(...contactIds),
  fields: contactFields,
  end: fc.oneof(
    { weight: 8, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constant('deleted' as const) },
    { weight: 1, arbitrary: fc.constant('erased' as const) },
  ),
});
const groupDraft = fc.record({
  id: fc.constantFrom(...groupIds),
  name: fc.constantFrom('Stab', 'Jour', 'stab'),
  deleted: fc.nat(4).map((n) => n === 0),
});
const pairDraft = (entity: 'contactTag' | 'membership') =>
  fc.record({
    entity: fc.constant(entity),
    id:
      entity === 'contactTag'
        ? fc.tuple(fc.constantFrom(...contactIds), fc.constantFrom(...tagNames)).map(([c, t]) => pairId(c, t))
        : fc.tuple(fc.constantFrom(...groupIds), fc.constantFrom(...contactIds)).map(([g, c]) => pairId(g, c)),
    present: fc.boolean(),
  });

const snapshot = fc
  .record({
    groups: fc.array(groupDraft, { minLength: 1, maxLength: 3, size: 'max' }),
    contacts: fc.array(contactDraft, { minLength: 1, maxLength: 10, size: 'max' }),
    pairs: fc.array(fc.oneof(pairDraft('contactTag'), pairDraft('membership')), { maxLength: 40, size: 'max' }),
    cuts: fc.array(fc.nat(60), { maxLength: 3 }),
  })
  .map(({ groups, contacts, pairs, cuts }) => {
    const drafts: Draft[] = [
      ...groups.map((g) => ({
        entity: 'group' as const,
        id: g.id,
        fields: { name: g.name, description: null, colour: null, parent: null },
        ...(g.deleted ? { end: 'deleted' as const } : {}),
      })),
      ...contacts.map((c) => ({
        entity: 'contact' as const,
        id: c.id,
        fields: c.fields,
        ...(c.end ? { end: c.end } : {}),
      })),
      ...pairs.map((p) => ({ entity: p.entity, id: p.id, fields: { present: p.present } })),
    ];
    // As the relay serves them: one state per entity, kind by kind, each kind by id.
    const byKey = new Map(drafts.map((d) => [`${d.entity}|${d.id}`, d]));
    const sorted = [...byKey.values()].sort((a, b) =>
      a.entity === b.entity ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : syncEntityOrder[a.entity] - syncEntityOrder[b.entity],
    );
    const clock = new HybridClock(() => 1_760_000_000_000);
    const stamp = (): string => `${clock.tick()}@dev-a`;
    const states = sorted.map((d): EntityState => {
      if (d.end) return { entity: d.entity, id: d.id, fields: {}, deleted: stamp(), ...(d.end === 'erased' ? { erased: true } : {}) };
      return { entity: d.entity, id: d.id, fields: Object.fromEntries(Object.entries(d.fields).map(([k, v]) => [k, { v, s: stamp() }])) };
    });
    return { states, cuts: [...new Set(cuts.map((c) => Math.min(c, states.length)))].sort((a, b) => a - b) };
  });

function replica(): { store: Store; replica: Replica; failed: string[] } {
  const store = openStore(':memory:', { logger: silentLogger() });
  const failed: string[] = [];
  return { store, replica: new Replica(store, sharedCodecs(), (_err, s) => failed.push(`${s.entity}:${s.id}`)), failed };
}

/** Everything a desktop holds of the address book, by uid (local ids may differ), timestamps aside. */
function picture(store: Store): Record<string, unknown[]> {
  const q = (sql: string) => store.sqlite.prepare(sql).all();
  const uid = (entity: string, col: string) => `(SELECT uid FROM sync_ids WHERE entity = '${entity}' AND local_id = ${col})`;
  return {
    contacts:
      q(`SELECT ${uid('contact', 'c.id')} AS uid, c.display_name, c.first_name, c.last_name, c.organisation, c.role, c.notes, c.language,
      c.whatsapp, c.telegram_chat_id, c.custom_fields, c.dnc_voice, c.dnc_sms, c.dnc_email, c.dnc_whatsapp, c.dnc_telegram, c.sort_key, c.search_text,
      f.name, f.organisation AS f_org, f.email, f.tag, f.phone
      FROM contacts c LEFT JOIN contacts_fts f ON f.rowid = c.id ORDER BY uid`),
    phones: q(
      `SELECT ${uid('contact', 'contact_id')} AS uid, e164, label, priority, kind, can_sms FROM contact_phones ORDER BY uid, priority`,
    ),
    emails: q(
      `SELECT ${uid('contact', 'contact_id')} AS uid, address, address_key, label, priority FROM contact_emails ORDER BY uid, priority`,
    ),
    tags: q(`SELECT ${uid('contact', 'contact_id')} AS uid, tag FROM contact_tags ORDER BY uid, tag`),
    members: q(`SELECT ${uid('group', 'group_id')} AS g, ${uid('contact', 'contact_id')} AS c FROM group_members ORDER BY g, c`),
    groups: q(`SELECT ${uid('group', 'id')} AS uid, name, name_key, description, colour FROM contact_groups ORDER BY uid`),
    ids: q('SELECT entity, uid FROM sync_ids ORDER BY entity, uid'),
    states: q('SELECT entity, entity_id, state FROM sync_state ORDER BY entity, entity_id'),
    clock: q(`SELECT value FROM sync_meta WHERE key = 'hlc'`),
    fts: q(`SELECT ${uid('contact', 'rowid')} AS uid FROM contacts_fts ORDER BY uid`),
  };
}

describe('a snapshot built set-based into an empty address book', () => {
  it('leaves what merging the same states one by one leaves', () => {
    // What the runs exercised, so the property cannot pass by generating nothing to build.
    const seen = { contacts: 0, phones: 0, emails: 0, tags: 0, upperTags: 0, members: 0, custom: 0, dnc: 0, refused: 0, erased: 0 };
    fc.assert(
      fc.property(snapshot, ({ states, cuts }) => {
        const one = replica();
        one.store.transaction(
          (tx) => {
            for (const s of states) one.replica.applyState(tx, s);
            one.replica.finishSnapshot(tx);
          },
          { origin: 'sync' },
        );
        const fresh = replica();
        expect(addressBookEmpty(fresh.store.read)).toBe(true);
        const bounds = [0, ...cuts, states.length];
        let changed = 0;
        for (let i = 1; i < bounds.length; i++)
          fresh.store.transaction(
            (tx) => {
              changed += fresh.replica.applyFreshStates(tx, states.slice(bounds[i - 1], bounds[i]));
              if (i === bounds.length - 1) fresh.replica.finishSnapshot(tx);
            },
            { origin: 'sync' },
          );
        try {
          expect(changed).toBe(states.length);
          const p = picture(fresh.store) as Record<string, Record<string, unknown>[]>;
          seen.contacts += p.contacts!.length;
          seen.phones += p.phones!.length;
          seen.emails += p.emails!.length;
          seen.tags += p.tags!.length;
          seen.upperTags += p.tags!.filter((t) => t.tag === 'Ledning').length;
          seen.members += p.members!.length;
          seen.custom += p.contacts!.filter((c) => c.custom_fields !== '{}').length;
          seen.dnc += p.contacts!.filter((c) => c.dnc_sms === 1).length;
          seen.refused += one.failed.length;
          seen.erased += states.filter((x) => x.erased).length;
          expect(p).toEqual(picture(one.store));
          expect(fresh.failed.sort()).toEqual(one.failed.sort());
        } finally {
          one.store.close();
          fresh.store.close();
        }
      }),
      { numRuns: 60 },
    );
    for (const [what, n] of Object.entries(seen)) expect(n, what).toBeGreaterThan(0);
  }, 120_000); // 60 runs of two stores each: near 30 s on a loaded machine

  it('takes a realistic page set-based: every contact, number, tag and membership, searchable', () => {
    const clock = new HybridClock(() => 1_760_000_000_000);
    const s = (_n: number) => `${clock.tick()}@dev-a`;
    const states: EntityState[] = [{ entity: 'group', id: 'g-1', fields: { name: { v: 'Stab', s: s(0) } } }];
    for (let i = 0; i < 50; i++)
      states.push({
        entity: 'contact',
        id: `c-${String(i).padStart(2, '0')}`,
        fields: {
          displayName: { v: `Person ${i}`, s: s(i) },
          phones: { v: [{ e164: `+4670100${String(i).padStart(4, '0')}`, label: 'mobile', kind: 'mobile', canSms: true }], s: s(i) },
        },
      });
    for (let i = 0; i < 50; i++)
      states.push({
        entity: 'contactTag',
        id: pairId(`c-${String(i).padStart(2, '0')}`, 'stab'),
        fields: { present: { v: true, s: s(100 + i) } },
      });
    for (let i = 0; i < 50; i += 2)
      states.push({
        entity: 'membership',
        id: pairId('g-1', `c-${String(i).padStart(2, '0')}`),
        fields: { present: { v: true, s: s(200 + i) } },
      });
    const r = replica();
    r.store.transaction(
      (tx) => {
        expect(r.replica.applyFreshStates(tx, states)).toBe(states.length);
        r.replica.finishSnapshot(tx);
      },
      { origin: 'sync' },
    );
    const n = (sql: string) => r.store.sqlite.prepare(sql).pluck().get();
    expect(n('SELECT count(*) FROM contacts')).toBe(50);
    expect(n('SELECT count(*) FROM contact_phones')).toBe(50);
    expect(n('SELECT count(*) FROM contact_tags')).toBe(50);
    expect(n('SELECT count(*) FROM group_members')).toBe(25);
    expect(n('SELECT count(*) FROM contacts WHERE search_text IS NULL')).toBe(0);
    expect(n(`SELECT count(*) FROM contacts_fts WHERE contacts_fts MATCH 'tag:stab'`)).toBe(50);
    expect(n('SELECT count(*) FROM sync_state')).toBe(states.length);
    expect(addressBookEmpty(r.store.read)).toBe(false);
    r.store.close();
  });

  it('spares enrolment reading the address book back, unless this desktop changed it after the snapshot', () => {
    const clock = new HybridClock(() => 1_760_000_000_000);
    const states: EntityState[] = [];
    for (let i = 0; i < 5; i++) {
      states.push({ entity: 'contact', id: `c-${i}`, fields: { displayName: { v: `Person ${i}`, s: `${clock.tick()}@dev-a` } } });
      states.push({ entity: 'contactTag', id: pairId(`c-${i}`, 'stab'), fields: { present: { v: true, s: `${clock.tick()}@dev-a` } } });
    }
    for (const edit of [false, true]) {
      const store = openStore(':memory:', { logger: silentLogger() });
      let read = 0;
      const codecs = sharedCodecs().map((c): EntityCodec => (c.entity === 'contact' ? { ...c, all: (tx) => (read++, c.all(tx)) } : c));
      const replica = new Replica(store, codecs);
      store.transaction(
        (tx) => {
          replica.beginFreshSnapshot(tx);
          replica.applyFreshStates(tx, states);
          replica.finishSnapshot(tx);
        },
        { origin: 'sync' },
      );
      if (edit) store.transaction((tx) => addTags(tx, [localIdOf(tx, 'contact', 'c-3')!], ['ny'], new Date().toISOString()));
      replica.enable('dev-b');
      expect(read).toBe(edit ? 1 : 0);
      // What this desktop did before it was enrolled is told to the organisation; what it received is not.
      const ops = pendingOps(store.read, 100).map((op) => `${op.entity}:${op.id}`);
      if (edit) expect(ops).toContain('contactTag:c-3|ny');
      else expect(ops).toEqual([]);
      store.close();
    }
  });
});
