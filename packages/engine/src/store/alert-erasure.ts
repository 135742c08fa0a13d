// GDPR erasure of a person who was alerted: the contact goes (store/contacts.ts), and so does
// the person from every roll-call that named them. Their recipient rows keep the outcome but
// lose the name, their deliveries keep the statuses but lose the address, the message as
// rendered for them and the timeline's details (replies, provider texts); the merged sync states and the queued operations of
// those recipients and deliveries are scrubbed alike, each field keeping its stamp, so the
// scrub is no change to capture and merges the same everywhere. Runs where the erasure is
// made and where another desktop's erasure arrives; the relay scrubs its state and log too
// (apps/relay/src/store/sync.ts, scrubErasedPeople).
import { ERASED_ADDRESS, ERASED_NAME, scrubPersonFields, scrubPersonState, type SyncOp } from '@gdial/protocol';
import type { Tx } from './db';
import { localIdOf, readState, uidOf, writeState } from './sync';

const IN_IDS = 'IN (SELECT value FROM json_each(?))';

/** Completes both sets: the uid of every local row found, the local row of every uid found (a replica's or this desktop's own). */
function bindEach(tx: Tx, entity: 'recipient' | 'delivery', locals: Set<number>, uids: Set<string>): void {
  for (const id of locals) {
    const uid = uidOf(tx, entity, id);
    if (uid !== null) uids.add(uid);
  }
  for (const uid of uids) {
    const id = localIdOf(tx, entity, uid);
    if (id !== null) locals.add(id);
  }
}

/** Takes the person out of every alert that named them; `contact` is the erased contact's local id and uid (either may be unknown). */
export function erasePersonFromAlerts(tx: Tx, contact: { localId: number | null; uid: string | null }): void {
  const st = tx.statements;
  const recipients = new Set<number>();
  const recipientUids = new Set<string>();
  if (contact.localId !== null)
    for (const id of st.pluck<[number], number>('SELECT id FROM campaign_recipients WHERE contact_id = ?').all(contact.localId))
      recipients.add(id);
  if (contact.uid !== null)
    for (const uid of st
      .pluck<[string], string>(
        "SELECT entity_id FROM sync_state WHERE entity = 'recipient' AND json_extract(state, '$.fields.contact.v') = ?",
      )
      .all(contact.uid))
      recipientUids.add(uid);
  bindEach(tx, 'recipient', recipients, recipientUids);
  if (recipients.size === 0 && recipientUids.size === 0) return;

  const deliveries = new Set(
    st.pluck<[string], number>(`SELECT id FROM deliveries WHERE recipient_id ${IN_IDS}`).all(JSON.stringify([...recipients])),
  );
  const deliveryUids = new Set(
    st
      .pluck<[string], string>(
        `SELECT entity_id FROM sync_state WHERE entity = 'delivery' AND json_extract(state, '$.fields.recipient.v') ${IN_IDS}`,
      )
      .all(JSON.stringify([...recipientUids])),
  );
  bindEach(tx, 'delivery', deliveries, deliveryUids);

  // The rows (recorded, so the console re-reads them; capture finds nothing new in them).
  const recipientIds = JSON.stringify([...recipients]);
  const deliveryIds = JSON.stringify([...deliveries]);
  for (const id of st
    .pluck<[string, string], number>(`UPDATE campaign_recipients SET display_name = ? WHERE id ${IN_IDS} RETURNING id`)
    .all(ERASED_NAME, recipientIds))
    tx.changes.record('campaign_recipients', [id], 'update', ['display_name']);
  for (const id of st
    .pluck<[string, string], number>(
      `UPDATE deliveries SET address = ?, body = NULL, subject = NULL, html = NULL WHERE id ${IN_IDS} RETURNING id`,
    )
    .all(ERASED_ADDRESS, deliveryIds))
    tx.changes.record('deliveries', [id], 'update', ['address', 'body', 'subject', 'html']);
  for (const id of st
    .pluck<[string], number>(`UPDATE delivery_events SET detail = NULL WHERE detail IS NOT NULL AND delivery_id ${IN_IDS} RETURNING id`)
    .all(deliveryIds))
    tx.changes.record('delivery_events', [id], 'update', ['detail']);

  // Their merged states and queued operations.
  const scrubQueuedOps = (entity: 'recipient' | 'delivery', id: string) => {
    const queued = st
      .get<[string, string], { counter: number; op: string }>('SELECT counter, op FROM sync_outbox WHERE entity = ? AND entity_id = ?')
      .all(entity, id);
    for (const q of queued) {
      const op = JSON.parse(q.op) as SyncOp;
      if (!op.fields) continue;
      const scrubbed: SyncOp = { ...op, fields: scrubPersonFields(entity, op.fields) };
      st.get('UPDATE sync_outbox SET op = ? WHERE counter = ?').run(JSON.stringify(scrubbed), q.counter);
    }
  };
  for (const [entity, uids] of [
    ['recipient', recipientUids],
    ['delivery', deliveryUids],
  ] as const)
    for (const uid of uids) {
      const state = readState(tx, entity, uid);
      if (state) writeState(tx, scrubPersonState(state));
      scrubQueuedOps(entity, uid);
    }
}
