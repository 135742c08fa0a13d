// The set-based half of taking an organisation's snapshot into a replica that holds no
// address book yet (a first enrolment, a resync of an empty desktop): a chunk's contacts,
// tags and memberships are written raw into a staging table and built into contacts,
// contact_phones, contact_emails, contact_tags, group_members, sync_ids and sync_state with
// a few INSERT … SELECT statements over json_extract / json_each, instead of a read, a merge
// and a handful of statements per entity. The contacts' search documents are left NULL
// (contacts_search_text_missing) and written once, when the snapshot ends
// (fillSearchDocuments in contacts.ts): a contact's tags arrive after it, so writing its
// document with the contact would write it twice.
//
// What it writes is what the codecs (src/sync/codecs/contacts.ts) write for the same states
// into an empty replica; the replica sends here only states it checked that the codecs
// would store as they are (src/sync/replica.ts), and the snapshot-page tests compare both
// paths on random states.
import type Database from 'better-sqlite3-multiple-ciphers';
import { emailKey, swedishSortKey } from './contacts';
import type { Reader, Tx } from './db';

/** What the staging statements need from JavaScript: the keys SQLite cannot compute as the store does. */
const withFunctions = new WeakSet<Database.Database>();
function registerFunctions(sqlite: Database.Database): void {
  if (withFunctions.has(sqlite)) return;
  sqlite.function('gdial_sort_key', { deterministic: true }, (name: unknown) => swedishSortKey(String(name)));
  sqlite.function('gdial_email_key', { deterministic: true }, (address: unknown) => emailKey(String(address)));
  withFunctions.add(sqlite);
}

/** Whether this desktop holds no address book and no shared state of one: a snapshot may take the set-based path. */
export function addressBookEmpty(r: Reader): boolean {
  return (
    r.statements
      .pluck<[], number>(
        `SELECT NOT EXISTS (SELECT 1 FROM contacts)
            AND NOT EXISTS (SELECT 1 FROM sync_state WHERE entity IN ('contact', 'contactTag', 'membership'))`,
      )
      .get() === 1
  );
}

export interface StagedState {
  entity: 'contact' | 'contactTag' | 'membership';
  id: string;
  /** The state's JSON as sync_state keeps it. */
  json: string;
}

/** Puts states in the staging table (created on first use, per connection). */
export function stageStates(tx: Tx, states: readonly StagedState[]): void {
  tx.sqlite.exec(
    'CREATE TEMP TABLE IF NOT EXISTS sync_stage (n INTEGER PRIMARY KEY, entity TEXT NOT NULL, entity_id TEXT NOT NULL, state TEXT NOT NULL)',
  );
  const insert = tx.statements.get('INSERT INTO temp.sync_stage (entity, entity_id, state) VALUES (?, ?, ?)');
  for (const s of states) insert.run(s.entity, s.id, s.json);
}

/**
 * The staged states whose entity already has a merged state here (an operator's edit during
 * the snapshot made one): they are taken off the stage, for the caller to merge one by one.
 */
export function unstageKnown(tx: Tx): string[] {
  return tx.statements
    .pluck<[], string>(
      `DELETE FROM temp.sync_stage WHERE n IN (
         SELECT s.n FROM temp.sync_stage s JOIN sync_state x ON x.entity = s.entity AND x.entity_id = s.entity_id)
       RETURNING state`,
    )
    .all();
}

const field = (name: string): string => `json_extract(state, '$.fields.${name}.v')`;
const PRESENT = `json_type(s.state, '$.fields.present.v') = 'true'`;
const LEFT = `substr(s.entity_id, 1, instr(s.entity_id, '|') - 1)`;
const RIGHT = `substr(s.entity_id, instr(s.entity_id, '|') + 1)`;

/**
 * Builds the staged states into the tables and empties the stage: contacts (with their local
 * ids bound to their uids), their numbers and addresses in order, then the tags and
 * memberships whose contact and group exist here, and the merged states. Returns how many
 * states it wrote.
 */
export function buildStaged(tx: Tx, now: string): number {
  registerFunctions(tx.sqlite);
  const st = tx.statements;
  // Local ids for the new contacts, after every id contacts ever used (AUTOINCREMENT); each
  // state parsed once, into SQLite's binary JSON, not once per json_extract.
  tx.sqlite.exec(
    `CREATE TEMP TABLE IF NOT EXISTS sync_stage_contacts (local_id INTEGER PRIMARY KEY, uid TEXT NOT NULL, state BLOB NOT NULL)`,
  );
  st.get(
    `INSERT INTO temp.sync_stage_contacts (local_id, uid, state)
     SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'contacts'), 0), coalesce((SELECT max(id) FROM contacts), 0))
              + row_number() OVER (ORDER BY n), entity_id, jsonb(state)
       FROM temp.sync_stage WHERE entity = 'contact' ORDER BY n`,
  ).run();
  const contacts = st
    .pluck<[{ now: string }], number>(
      `INSERT INTO contacts (id, display_name, first_name, last_name, organisation, role, notes, language, whatsapp, telegram_chat_id,
                             custom_fields, dnc_voice, dnc_sms, dnc_email, dnc_whatsapp, dnc_telegram, street, postcode, town, municipality, lat, lon,
                             sort_key, search_text, created_at, updated_at)
       SELECT local_id, ${field('displayName')}, ${field('firstName')}, ${field('lastName')}, ${field('organisation')}, ${field('role')},
              ${field('notes')}, coalesce(${field('language')}, 'sv'), ${field('whatsapp')}, ${field('telegramChatId')},
              CASE WHEN json_type(state, '$.fields.customFields.v') = 'object'
                    AND EXISTS (SELECT 1 FROM json_each(state, '$.fields.customFields.v'))
                   THEN json_extract(state, '$.fields.customFields.v') ELSE '{}' END,
              coalesce(json_extract(state, '$.fields.doNotContact.v.voice'), 0), coalesce(json_extract(state, '$.fields.doNotContact.v.sms'), 0),
              coalesce(json_extract(state, '$.fields.doNotContact.v.email'), 0), coalesce(json_extract(state, '$.fields.doNotContact.v.whatsapp'), 0),
              coalesce(json_extract(state, '$.fields.doNotContact.v.telegram'), 0),
              json_extract(state, '$.fields.address.v.street'), json_extract(state, '$.fields.address.v.postcode'),
              json_extract(state, '$.fields.address.v.town'), json_extract(state, '$.fields.address.v.municipality'),
              json_extract(state, '$.fields.address.v.lat'), json_extract(state, '$.fields.address.v.lon'),
              gdial_sort_key(${field('displayName')}), NULL, @now, @now
         FROM temp.sync_stage_contacts ORDER BY local_id
       RETURNING id`,
    )
    .all({ now });
  tx.changes.recordMany(
    'contacts',
    contacts.map((id) => [id]),
    'insert',
  );
  st.get(`INSERT INTO sync_ids (entity, uid, local_id) SELECT 'contact', uid, local_id FROM temp.sync_stage_contacts`).run();
  const phones = st
    .pluck<[], number>(
      `INSERT INTO contact_phones (contact_id, e164, label, priority, kind, can_sms)
       SELECT c.local_id, p.value ->> 'e164', p.value ->> 'label', p.key, p.value ->> 'kind', p.value ->> 'canSms'
         FROM temp.sync_stage_contacts c, json_each(c.state, '$.fields.phones.v') p
        ORDER BY c.local_id, p.key
       RETURNING id`,
    )
    .all();
  tx.changes.recordMany(
    'contact_phones',
    phones.map((id) => [id]),
    'insert',
  );
  const emails = st
    .pluck<[], number>(
      `INSERT INTO contact_emails (contact_id, address, address_key, label, priority)
       SELECT c.local_id, e.value ->> 'address', gdial_email_key(e.value ->> 'address'), e.value ->> 'label', e.key
         FROM temp.sync_stage_contacts c, json_each(c.state, '$.fields.emails.v') e
        ORDER BY c.local_id, e.key
       RETURNING id`,
    )
    .all();
  tx.changes.recordMany(
    'contact_emails',
    emails.map((id) => [id]),
    'insert',
  );
  st.get('DELETE FROM temp.sync_stage_contacts').run();

  // Tags and memberships of contacts (and groups) stored here; the others wait in their state.
  const tags = st
    .get<[], { id: number; tag: string }>(
      `INSERT OR IGNORE INTO contact_tags (contact_id, tag)
       SELECT c.id, ${RIGHT} FROM temp.sync_stage s
         JOIN sync_ids i ON i.entity = 'contact' AND i.uid = ${LEFT}
         JOIN contacts c ON c.id = i.local_id
        WHERE s.entity = 'contactTag' AND ${PRESENT}
        ORDER BY s.n
       RETURNING contact_id AS id, tag`,
    )
    .all();
  for (const t of tags) tx.changes.record('contact_tags', [t.id, t.tag], 'insert');
  if (tags.length > 0) {
    // A contact that gained a tag: its last change moves, and its search document is written again at the end.
    const ids = JSON.stringify([...new Set(tags.map((t) => t.id))]);
    st.get(
      'DELETE FROM contacts_fts WHERE rowid IN (SELECT c.id FROM contacts c, json_each(?) j WHERE c.id = j.value AND c.search_text IS NOT NULL)',
    ).run(ids);
    const moved = st
      .pluck<[{ now: string; ids: string }], number>(
        `UPDATE contacts SET updated_at = @now, search_text = NULL
          WHERE id IN (SELECT value FROM json_each(@ids)) AND (updated_at IS NOT @now OR search_text IS NOT NULL) RETURNING id`,
      )
      .all({ now, ids });
    tx.changes.recordMany(
      'contacts',
      moved.map((id) => [id]),
      'update',
      ['updated_at', 'search_text'],
    );
  }
  const members = st
    .get<[{ now: string }], { g: number; c: number }>(
      `INSERT OR IGNORE INTO group_members (group_id, contact_id, added_at)
       SELECT g.id, c.id, @now FROM temp.sync_stage s
         JOIN sync_ids gi ON gi.entity = 'group' AND gi.uid = ${LEFT}
         JOIN contact_groups g ON g.id = gi.local_id
         JOIN sync_ids ci ON ci.entity = 'contact' AND ci.uid = ${RIGHT}
         JOIN contacts c ON c.id = ci.local_id
        WHERE s.entity = 'membership' AND ${PRESENT}
        ORDER BY s.n
       RETURNING group_id AS g, contact_id AS c`,
    )
    .all({ now });
  for (const m of members) tx.changes.record('group_members', [m.g, m.c], 'insert');
  if (members.length > 0) {
    const touched = st
      .pluck<[{ now: string; ids: string }], number>(
        'UPDATE contact_groups SET updated_at = @now WHERE id IN (SELECT value FROM json_each(@ids)) AND updated_at IS NOT @now RETURNING id',
      )
      .all({ now, ids: JSON.stringify([...new Set(members.map((m) => m.g))]) });
    tx.changes.recordMany(
      'contact_groups',
      touched.map((id) => [id]),
      'update',
      ['updated_at'],
    );
  }
  const states = st
    .get('INSERT INTO sync_state (entity, entity_id, state) SELECT entity, entity_id, state FROM temp.sync_stage ORDER BY n')
    .run().changes;
  st.get('DELETE FROM temp.sync_stage').run();
  return states;
}
