// The reply inbox: inbox_messages, the replies no rule understood (not a confirmation, not
// a stop word), for an operator to read. The one row type and its converter to the
// contract's InboxMessage, the list with the names it shows, and every write; writes take
// the transaction and record exactly the rows they changed. Prepared statements only.
import { createHash } from 'node:crypto';
import type { Channel, InboxMessage } from '@gdial/protocol';
import type { Reader, Tx } from './db';
import { bindUid } from './sync';

/** A row of inbox_messages as SQLite returns it. */
export interface InboxRow {
  id: number;
  received_at: string;
  channel: Channel;
  from_address: string;
  text: string;
  campaign_id: number | null;
  recipient_id: number | null;
  contact_id: number | null;
  handled: number;
  handled_by: string | null;
  handled_at: string | null;
  assigned_to: string | null;
  assigned_name: string | null;
}

/** The converter: a row with the names of its campaign and contact to the contract's InboxMessage. */
export const toInboxMessage = (r: InboxRow, campaignName: string | null, displayName: string | null): InboxMessage => ({
  id: r.id,
  receivedAt: r.received_at,
  channel: r.channel,
  from: r.from_address,
  text: r.text,
  campaignId: r.campaign_id,
  campaignName,
  recipientId: r.recipient_id,
  contactId: r.contact_id,
  displayName,
  handled: r.handled === 1,
  handledBy: r.handled_by,
  handledAt: r.handled_at,
});

// ── reads ──

/** Messages, newest first, optionally only (un)handled ones or one campaign's. */
export function listInbox(
  r: Reader,
  q: { handled?: boolean | undefined; campaignId?: number | undefined; contactId?: number | undefined; limit: number },
): InboxMessage[] {
  const rows = r.statements
    .get<
      [{ handled: number | null; campaign: number | null; contact: number | null; limit: number }],
      InboxRow & { campaign_name: string | null; contact_name: string | null }
    >(
      `SELECT i.*, c.name AS campaign_name, p.display_name AS contact_name
         FROM inbox_messages i LEFT JOIN campaigns c ON c.id = i.campaign_id LEFT JOIN contacts p ON p.id = i.contact_id
        WHERE (@handled IS NULL OR i.handled = @handled) AND (@campaign IS NULL OR i.campaign_id = @campaign) AND (@contact IS NULL OR i.contact_id = @contact)
        ORDER BY i.id DESC LIMIT @limit`,
    )
    .all({
      handled: q.handled === undefined ? null : q.handled ? 1 : 0,
      campaign: q.campaignId ?? null,
      contact: q.contactId ?? null,
      limit: q.limit,
    });
  return rows.map((x) => toInboxMessage(x, x.campaign_name, x.contact_name));
}

// ── writes ──

export interface NewInboxMessage {
  /** The provider event the reply came in with: every desktop that applies it names the item alike. */
  eventKey: string;
  receivedAt: string;
  channel: Channel;
  from: string;
  text: string;
  campaignId: number | null;
  recipientId: number | null;
  contactId: number | null;
}

export function insertInboxMessage(tx: Tx, m: NewInboxMessage): number {
  // A new message joins its conversation's assignment (the latest message of the same person on the channel).
  const id = Number(
    tx.statements
      .get(
        `INSERT INTO inbox_messages (received_at, channel, from_address, text, campaign_id, recipient_id, contact_id, assigned_to, assigned_name)
         SELECT @at, @channel, @from, @text, @campaign, @recipient, @contact, t.assigned_to, t.assigned_name
           FROM (SELECT NULL) LEFT JOIN (
             SELECT assigned_to, assigned_name FROM inbox_messages
              WHERE channel = @channel AND (contact_id = @contact OR (@contact IS NULL AND contact_id IS NULL AND from_address = @from))
              ORDER BY id DESC LIMIT 1) t`,
      )
      .run({
        at: m.receivedAt,
        channel: m.channel,
        from: m.from,
        text: m.text,
        campaign: m.campaignId,
        recipient: m.recipientId,
        contact: m.contactId,
      }).lastInsertRowid,
  );
  tx.changes.record('inbox_messages', [id], 'insert');
  bindUid(tx, 'inbox', inboxUid(m.eventKey), id);
  return id;
}

/** An inbox item's uid across the organisation: a digest of its provider event's key (which may name a number). */
export const inboxUid = (eventKey: string): string => `in-${createHash('sha256').update(eventKey).digest('base64url').slice(0, 32)}`;

/** What organisation sync shares of an inbox item: whether it is handled, by whom and when, and who it is assigned to. */
// A type, not an interface: it is the sync codec's Fields as it is.
export type InboxShared = {
  handled: boolean;
  handledBy: string | null;
  handledAt: string | null;
  assignedTo: string | null;
  assignedName: string | null;
};

/** A message's shared state; undefined when it is not here. */
export function inboxHandled(r: Reader, id: number): InboxShared | undefined {
  const row = r.statements
    .get<
      [number],
      { handled: number; handled_by: string | null; handled_at: string | null; assigned_to: string | null; assigned_name: string | null }
    >('SELECT handled, handled_by, handled_at, assigned_to, assigned_name FROM inbox_messages WHERE id = ?')
    .get(id);
  return row
    ? {
        handled: row.handled === 1,
        handledBy: row.handled_by,
        handledAt: row.handled_at,
        assignedTo: row.assigned_to,
        assignedName: row.assigned_name,
      }
    : undefined;
}

/** Sets a message's shared state as another desktop made it (organisation sync); true when it changed. */
export function writeInboxHandled(tx: Tx, id: number, h: InboxShared): boolean {
  const changed = tx.statements
    .get(
      `UPDATE inbox_messages SET handled = @handled, handled_by = @by, handled_at = @at, assigned_to = @to, assigned_name = @name
        WHERE id = @id AND (handled <> @handled OR handled_by IS NOT @by OR handled_at IS NOT @at OR assigned_to IS NOT @to OR assigned_name IS NOT @name)
        RETURNING id`,
    )
    .get({ handled: h.handled ? 1 : 0, by: h.handledBy, at: h.handledAt, to: h.assignedTo, name: h.assignedName, id });
  if (changed === undefined) return false;
  tx.changes.record('inbox_messages', [id], 'update', ['handled', 'handled_by', 'handled_at', 'assigned_to', 'assigned_name']);
  return true;
}

/** The messages someone marked handled or assigned (what a desktop shares when it first joins). */
export const handledInboxIds = (r: Reader): number[] =>
  r.statements
    .pluck<[], number>('SELECT id FROM inbox_messages WHERE handled = 1 OR handled_by IS NOT NULL OR assigned_to IS NOT NULL ORDER BY id')
    .all();

/** Marks messages (un)handled; those already so are left alone. Returns how many changed. */
export function markInbox(tx: Tx, ids: readonly number[], handled: boolean, by: string, at: string): number {
  const changed = tx.statements
    .pluck<[number, string | null, string | null, string, number], number>(
      'UPDATE inbox_messages SET handled = ?, handled_by = ?, handled_at = ? WHERE id IN (SELECT value FROM json_each(?)) AND handled <> ? RETURNING id',
    )
    .all(handled ? 1 : 0, handled ? by : null, handled ? at : null, JSON.stringify(ids), handled ? 1 : 0);
  for (const id of changed) tx.changes.record('inbox_messages', [id], 'update', ['handled', 'handled_by', 'handled_at']);
  return changed.length;
}

export interface EarlyReply {
  message_id: number;
  text: string;
  channel: string;
  from_address: string;
  received_at: string;
  delivery_id: number;
  recipient_id: number;
  campaign_id: number;
  sent_at: number | null;
}

/**
 * Unhandled replies that matched nothing, from the address of a delivery known to have gone out in a running alert
 * (campaigns/late-matches.ts decides which of them confirm).
 */
export function earlyReplies(tx: Tx, of: { deliveryId: number } | { campaignId: number }): EarlyReply[] {
  const byDelivery = 'deliveryId' in of;
  return tx.statements
    .get<[number], EarlyReply>(
      `SELECT m.id AS message_id, m.text, m.channel, m.from_address, m.received_at,
              d.id AS delivery_id, d.recipient_id, d.campaign_id, d.sent_at
         FROM deliveries d
         JOIN campaigns c ON c.id = d.campaign_id
         JOIN campaign_recipients r ON r.id = d.recipient_id
         JOIN inbox_messages m ON m.from_address = d.address COLLATE NOCASE
        WHERE ${byDelivery ? 'd.id = ?' : 'd.campaign_id = ?'}
          AND (d.sent_at IS NOT NULL OR d.provider_rank > 0)
          AND c.status IN ('running', 'paused')
          AND r.outcome NOT IN ('confirmed', 'opted-out', 'cancelled')
          AND m.handled = 0 AND m.campaign_id IS NULL
          AND (m.channel = d.channel OR (m.channel = 'sms' AND d.channel = 'voice'))
        ORDER BY m.received_at, m.id`,
    )
    .all(byDelivery ? of.deliveryId : of.campaignId);
}
