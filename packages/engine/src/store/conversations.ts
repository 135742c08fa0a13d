// Conversations: the inbox's messages grouped by person and channel, and the messages that
// went out to that person (an alert's deliveries, and answers written in the console, which
// are deliveries of a `reply` campaign). A thread is a contact on a channel, or an unknown
// sender's address on it; SMS threads also show the voice calls to the person's numbers.
// Assignment and handled state live on the thread's inbound messages (store/inbox.ts shares
// them with the organisation). Every query of the threads is here; prepared statements only.
import type { Channel, ConversationEntry, ConversationKey, ConversationSummary, DeliveryState } from '@gdial/protocol';
import type { Reader, Tx } from './db';

/** The condition naming a thread's inbound messages (alias `i`), with @channel, @contact and @address bound. */
const IN_THREAD = `i.channel = @channel AND (i.contact_id = @contact OR (@contact IS NULL AND i.contact_id IS NULL AND i.from_address = @address))`;

const keyParams = (k: ConversationKey) => ({ channel: k.channel, contact: k.contactId, address: k.address });

interface SummaryRow {
  channel: Channel;
  contact_id: number | null;
  from_address: string;
  received_at: string;
  text: string;
  n: number;
  unhandled: number;
  assigned_to: string | null;
  assigned_name: string | null;
  display_name: string | null;
  campaign_id: number | null;
  campaign_name: string | null;
}

const toSummary = (r: SummaryRow): ConversationSummary => ({
  key: { channel: r.channel, contactId: r.contact_id, address: r.contact_id === null ? r.from_address : null },
  displayName: r.display_name,
  address: r.from_address,
  lastAt: r.received_at,
  lastText: r.text,
  messages: r.n,
  unhandled: r.unhandled,
  assignedTo: r.assigned_to,
  assignedName: r.assigned_name,
  campaignId: r.campaign_id,
  campaignName: r.campaign_name,
});

const SUMMARY_SELECT = `SELECT m.channel, m.contact_id, m.from_address, m.received_at, m.text, t.n, t.unhandled, m.assigned_to, m.assigned_name,
              p.display_name, a.id AS campaign_id, a.name AS campaign_name
         FROM t JOIN inbox_messages m ON m.id = t.last_id
         LEFT JOIN contacts p ON p.id = m.contact_id
         LEFT JOIN campaigns a ON a.id = (
           SELECT i.campaign_id FROM inbox_messages i
            WHERE i.channel = t.channel AND i.contact_id IS t.contact_id AND (t.contact_id IS NOT NULL OR i.from_address = t.address)
              AND i.campaign_id IS NOT NULL ORDER BY i.id DESC LIMIT 1)`;

/** Threads, the latest message first; optionally only (un)handled ones, or those assigned to a user. */
export function listConversations(
  r: Reader,
  q: { handled?: boolean | undefined; assignedTo?: string | undefined; limit: number },
): ConversationSummary[] {
  return r.statements
    .get<[{ handled: number | null; assigned: string | null; limit: number }], SummaryRow>(
      `WITH t AS (
         SELECT channel, contact_id, CASE WHEN contact_id IS NULL THEN from_address END AS address,
                MAX(id) AS last_id, COUNT(*) AS n, SUM(handled = 0) AS unhandled
           FROM inbox_messages GROUP BY channel, contact_id, CASE WHEN contact_id IS NULL THEN from_address END)
       ${SUMMARY_SELECT}
        WHERE (@handled IS NULL OR (t.unhandled = 0) = @handled) AND (@assigned IS NULL OR m.assigned_to = @assigned)
        ORDER BY t.last_id DESC LIMIT @limit`,
    )
    .all({
      handled: q.handled === undefined ? null : q.handled ? 1 : 0,
      assigned: q.assignedTo ?? null,
      limit: q.limit,
    })
    .map(toSummary);
}

/** One thread's summary, or null when it has no inbound message here. */
export function conversationSummary(r: Reader, k: ConversationKey): ConversationSummary | null {
  const row = r.statements
    .get<[ReturnType<typeof keyParams>], SummaryRow>(
      `WITH t AS (
         SELECT @channel AS channel, @contact AS contact_id, @address AS address, MAX(i.id) AS last_id, COUNT(*) AS n, SUM(i.handled = 0) AS unhandled
           FROM inbox_messages i WHERE ${IN_THREAD} HAVING COUNT(*) > 0)
       ${SUMMARY_SELECT}`,
    )
    .get(keyParams(k));
  return row ? toSummary(row) : null;
}

interface EntryRow {
  direction: 'in' | 'out';
  at_ms: number;
  at_iso: string | null;
  channel: Channel;
  address: string;
  text: string | null;
  inbox_id: number | null;
  handled: number | null;
  delivery_id: number | null;
  campaign_id: number | null;
  campaign_name: string | null;
  kind: 'alert' | 'reply' | null;
  state: DeliveryState | null;
  provider_status: string | null;
  error: string | null;
  by: string | null;
}

/**
 * A thread's messages, oldest first (the latest `limit`): what the person wrote, and what went
 * to them on the channel (SMS also the calls to their numbers) — messages handed over to a
 * provider, and every answer written in the console whatever became of it.
 */
export function conversationEntries(r: Reader, k: ConversationKey, limit: number): ConversationEntry[] {
  const rows = r.statements
    .get<[ReturnType<typeof keyParams> & { limit: number }], EntryRow>(
      `SELECT * FROM (
         SELECT 'in' AS direction, CAST((julianday(i.received_at) - 2440587.5) * 86400000 AS INTEGER) AS at_ms, i.received_at AS at_iso,
                i.channel, i.from_address AS address, i.text, i.id AS inbox_id, i.handled, NULL AS delivery_id,
                i.campaign_id, a.name AS campaign_name, NULL AS kind, NULL AS state, NULL AS provider_status, NULL AS error, NULL AS by
           FROM inbox_messages i LEFT JOIN campaigns a ON a.id = i.campaign_id
          WHERE ${IN_THREAD}
         UNION ALL
         SELECT 'out', COALESCE(d.sent_at, CAST((julianday(c.started_at) - 2440587.5) * 86400000 AS INTEGER), 0), NULL,
                d.channel, d.address, COALESCE(d.body, d.subject), NULL, NULL, d.id,
                c.id, c.name, c.kind, d.state, d.provider_status, d.error, CASE WHEN c.kind = 'reply' THEN c.created_by END
           FROM deliveries d JOIN campaign_recipients rc ON rc.id = d.recipient_id JOIN campaigns c ON c.id = d.campaign_id
          WHERE (d.channel = @channel OR (@channel = 'sms' AND d.channel = 'voice'))
            AND (d.sent_at IS NOT NULL OR c.kind = 'reply')
            AND (rc.contact_id = @contact OR (@contact IS NULL AND d.address = @address COLLATE NOCASE)))
        ORDER BY at_ms DESC, direction DESC LIMIT @limit`,
    )
    .all({ ...keyParams(k), limit });
  return rows.reverse().map((x) => ({
    direction: x.direction,
    at: x.at_iso ?? new Date(x.at_ms).toISOString(),
    channel: x.channel,
    address: x.address,
    text: x.text ?? '',
    inboxId: x.inbox_id,
    handled: x.handled === null ? null : x.handled === 1,
    deliveryId: x.delivery_id,
    campaignId: x.campaign_id,
    campaignName: x.campaign_name,
    kind: x.kind,
    state: x.state,
    providerStatus: x.provider_status,
    error: x.error,
    by: x.by,
  }));
}

/** The ids of a thread's inbound messages, optionally only the (un)handled ones. */
export function conversationInboxIds(r: Reader, k: ConversationKey, handled?: boolean): number[] {
  return r.statements
    .pluck<[ReturnType<typeof keyParams> & { handled: number | null }], number>(
      `SELECT i.id FROM inbox_messages i WHERE ${IN_THREAD} AND (@handled IS NULL OR i.handled = @handled) ORDER BY i.id`,
    )
    .all({ ...keyParams(k), handled: handled === undefined ? null : handled ? 1 : 0 });
}

/** Assigns every inbound message of a thread to a user (or to nobody); returns how many changed. */
export function assignConversation(tx: Tx, k: ConversationKey, to: { id: string; name: string } | null): number {
  const changed = tx.statements
    .pluck<[ReturnType<typeof keyParams> & { to: string | null; name: string | null }], number>(
      `UPDATE inbox_messages AS i SET assigned_to = @to, assigned_name = @name
        WHERE ${IN_THREAD} AND (i.assigned_to IS NOT @to OR i.assigned_name IS NOT @name) RETURNING id`,
    )
    .all({ ...keyParams(k), to: to?.id ?? null, name: to?.name ?? null });
  tx.changes.recordMany(
    'inbox_messages',
    changed.map((id) => [id]),
    'update',
    ['assigned_to', 'assigned_name'],
  );
  return changed.length;
}
