// The one entry point for provider events (status callbacks, keypresses, replies,
// opt-outs) into the campaign engine. `applyProviderEvents` is pure database work with no
// I/O, so the relay client can run it inside the same SQLite transaction that stores its
// stream cursor; each event is applied once (its key is remembered) and statuses only
// move forward (ranked, applied as a max), so any order and any duplication of the same
// events gives the same final states.
import type Database from 'better-sqlite3';
import {
  confirmationSchema,
  deliveryStateForRank,
  isFinalRank,
  rankOf,
  SUCCESS_RANK,
  formatConfirmedVia,
  formatEventDetail,
  formatStatusDetail,
  type Confirmation,
  type DeliveryState,
  type InboxMessage,
  type ProviderEvent,
} from '@gdial/protocol';
import type { Db } from '../store/db';
import { confirmRecipient, optOutRecipient, progressRecipient, sqliteOf } from './outbox';

export interface AppliedEvents {
  applied: number;
  duplicates: number;
  /** Events that matched no delivery we know (another installation's, or very old). */
  unmatched: number;
  /** Campaigns whose progress changed. */
  campaignIds: Set<number>;
  /** Replies that went to the inbox, to announce once the transaction has committed. */
  inbox: InboxMessage[];
  /** A later step became due now: the dispatcher should look. */
  becameDue: boolean;
}

interface MatchRow {
  id: number;
  campaign_id: number;
  recipient_id: number;
  channel: string;
  address: string;
  state: DeliveryState;
  provider_rank: number;
  answered_by: string | null;
  sent_at: number | null;
  finished_at: number | null;
}

const cache = new WeakMap<Database.Database, ReturnType<typeof prepare>>();

function prepare(s: Database.Database) {
  const cols = 'id, campaign_id, recipient_id, channel, address, state, provider_rank, answered_by, sent_at, finished_at';
  return {
    remember: s.prepare<[string, number]>('INSERT OR IGNORE INTO applied_provider_events (event_key, applied_at) VALUES (?, ?)'),
    byToken: s.prepare<[string], MatchRow>(`SELECT ${cols} FROM deliveries WHERE token = ?`),
    byProviderId: s.prepare<[string], MatchRow>(`SELECT ${cols} FROM deliveries WHERE provider_id = ? ORDER BY id DESC LIMIT 1`),
    latestTo: s.prepare<[string, string], MatchRow>(
      `SELECT ${cols
        .split(', ')
        .map((c) => `d.${c}`)
        .join(', ')} FROM deliveries d JOIN campaigns c ON c.id = d.campaign_id
        WHERE d.address = ? COLLATE NOCASE AND d.channel IN (SELECT value FROM json_each(?)) AND (d.sent_at IS NOT NULL OR d.provider_rank > 0)
          AND c.status IN ('running', 'paused', 'completed', 'cancelled')
        ORDER BY (c.status = 'running') DESC, d.sent_at DESC, d.id DESC LIMIT 1`,
    ),
    status: s.prepare<[number, string, number, string | null, string | null, number, string | null, number]>(
      `UPDATE deliveries SET
          provider_status = CASE WHEN provider_rank < ? THEN ? ELSE provider_status END,
          provider_rank = MAX(provider_rank, ?),
          error_code = COALESCE(?, error_code), error = COALESCE(?, error),
          sent_at = COALESCE(sent_at, ?),
          answered_by = COALESCE(answered_by, ?)
        WHERE id = ?`,
    ),
    setState: s.prepare<[DeliveryState, number | null, number]>(
      'UPDATE deliveries SET state = ?, finished_at = COALESCE(finished_at, ?), sending_since = NULL WHERE id = ?',
    ),
    after: s.prepare<[number], { provider_rank: number; answered_by: string | null }>(
      'SELECT provider_rank, answered_by FROM deliveries WHERE id = ?',
    ),
    event: s.prepare<[number, number, string, string | null]>(
      'INSERT INTO delivery_events (delivery_id, at, kind, detail) VALUES (?, ?, ?, ?)',
    ),
    settings: s.prepare<[number], { settings: string }>('SELECT settings FROM campaigns WHERE id = ?'),
    optOut: s.prepare<[string, string, string, string | null]>(
      'INSERT OR IGNORE INTO opt_outs (channel, address, source, note) VALUES (?, ?, ?, ?)',
    ),
    optIn: s.prepare<[string, string]>("DELETE FROM opt_outs WHERE channel = ? AND address = ? AND source IN ('reply', 'provider')"),
    recipientContact: s.prepare<[number], { contact_id: number | null; display_name: string }>(
      'SELECT contact_id, display_name FROM campaign_recipients WHERE id = ?',
    ),
    campaignName: s.prepare<[number], string>('SELECT name FROM campaigns WHERE id = ?').pluck(),
    contactByPhone: s.prepare<[string], { id: number; display_name: string }>(
      'SELECT c.id, c.display_name FROM contact_phones p JOIN contacts c ON c.id = p.contact_id WHERE p.e164 = ? LIMIT 1',
    ),
    inbox: s.prepare<[string, string, string, string, number | null, number | null, number | null], { id: number }>(
      'INSERT INTO inbox_messages (received_at, channel, from_address, text, campaign_id, recipient_id, contact_id) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id',
    ),
  };
}

function stmts(db: Db) {
  const s = sqliteOf(db);
  let p = cache.get(s);
  if (!p) {
    p = prepare(s);
    cache.set(s, p);
  }
  return p;
}

/** Replies are compared trimmed, without trailing punctuation, case-insensitively. */
export const normalizeReply = (text: string): string =>
  text
    .trim()
    .replace(/[.!?,;:)\s]+$/u, '')
    .toLocaleUpperCase('sv');

const DEFAULT_CONFIRMATION = confirmationSchema.parse({});

/**
 * Applies provider events inside the caller's transaction. No I/O: callers wake the
 * dispatcher and publish progress after committing (see CampaignService.handleProviderEvents).
 */
export function applyProviderEvents(db: Db, events: readonly ProviderEvent[], now: number = Date.now()): AppliedEvents {
  const st = stmts(db);
  const result: AppliedEvents = { applied: 0, duplicates: 0, unmatched: 0, campaignIds: new Set(), inbox: [], becameDue: false };
  const confirmations = new Map<number, Confirmation>();
  const confirmationOf = (campaignId: number): Confirmation => {
    let c = confirmations.get(campaignId);
    if (!c) {
      const row = st.settings.get(campaignId);
      const parsed = row ? (JSON.parse(row.settings) as { confirmation?: unknown }) : {};
      c = confirmationSchema.parse(parsed.confirmation ?? {});
      confirmations.set(campaignId, c);
    }
    return c;
  };
  const find = (token: string | null, providerId: string | null): MatchRow | undefined =>
    (token ? st.byToken.get(token) : undefined) ?? (providerId ? st.byProviderId.get(providerId) : undefined);

  for (const ev of events) {
    if (st.remember.run(`${ev.type}|${ev.eventKey}`, now).changes === 0) {
      result.duplicates++;
      continue;
    }
    result.applied++;
    const at = Date.parse(ev.occurredAt);
    const when = Number.isFinite(at) ? at : now;
    switch (ev.type) {
      case 'status': {
        const row = find(ev.deliveryToken, ev.providerId);
        if (!row) {
          result.unmatched++;
          break;
        }
        const rank = rankOf(ev.status);
        const failing = isFinalRank(rank) && rank < SUCCESS_RANK;
        const answered = ev.status === 'answered' || ev.status === 'completed' ? (ev.answeredBy ?? 'unknown') : (ev.answeredBy ?? null);
        st.status.run(
          rank,
          ev.status,
          rank,
          failing ? (ev.failure?.code ?? null) : null,
          failing ? (ev.failure?.message ?? null) : null,
          when,
          answered,
          row.id,
        );
        const after = st.after.get(row.id)!;
        if (row.state !== 'skipped' && row.state !== 'cancelled' && row.state !== 'waiting') {
          const next = deliveryStateForRank(after.provider_rank, after.answered_by !== null);
          // Also moves a row queued again after a crash out of the queue: the provider has it.
          const settled = next === 'delivered' || next === 'failed';
          if (next !== row.state || settled) st.setState.run(next, settled ? when : null, row.id);
        }
        const detail = formatStatusDetail({
          status: ev.status,
          answeredBy: ev.answeredBy ?? null,
          failure: ev.failure ? { code: ev.failure.code, message: ev.failure.message } : null,
        });
        st.event.run(row.id, when, 'status', detail);
        if (progressRecipient(db, row.recipient_id, now)) result.becameDue = true;
        result.campaignIds.add(row.campaign_id);
        break;
      }
      case 'dtmf': {
        const row = find(ev.deliveryToken, ev.providerId);
        if (!row) {
          result.unmatched++;
          break;
        }
        const conf = confirmationOf(row.campaign_id);
        const confirms = conf.enabled && ev.digits !== '' && conf.dtmfDigits.includes(ev.digits.slice(0, 1));
        st.event.run(
          row.id,
          when,
          'dtmf',
          formatEventDetail(ev.digits === '' ? { kind: 'no-key' } : { kind: 'pressed', digits: ev.digits, confirmed: confirms }),
        );
        if (confirms)
          confirmRecipient(
            db,
            row.recipient_id,
            new Date(when),
            formatConfirmedVia({ how: 'key', digits: ev.digits, channel: 'voice', address: row.address }),
            now,
          );
        result.campaignIds.add(row.campaign_id);
        break;
      }
      case 'reply': {
        const channels = ev.channel === 'whatsapp' ? ['whatsapp'] : ev.channel === 'telegram' ? ['telegram'] : ['sms', 'voice'];
        const row = find(ev.deliveryToken, null) ?? st.latestTo.get(ev.from, JSON.stringify(channels));
        const conf = row ? confirmationOf(row.campaign_id) : DEFAULT_CONFIRMATION;
        const text = normalizeReply(ev.text);
        const isStop = conf.stopKeywords.some((k) => normalizeReply(k) === text);
        const isConfirm = conf.enabled && conf.keywords.some((k) => normalizeReply(k) === text);
        if (isStop) {
          st.optOut.run(ev.channel, ev.from, 'reply', `replied "${ev.text.slice(0, 40)}"`);
          if (row) {
            st.event.run(row.id, when, 'reply', formatEventDetail({ kind: 'opted-out-by-reply', text }));
            optOutRecipient(db, row.recipient_id, now);
            progressRecipient(db, row.recipient_id, now);
            result.campaignIds.add(row.campaign_id);
          }
        } else if (isConfirm && row) {
          st.event.run(row.id, when, 'reply', formatEventDetail({ kind: 'replied', text, confirmed: true }));
          confirmRecipient(
            db,
            row.recipient_id,
            new Date(when),
            formatConfirmedVia({ how: 'reply', text, channel: ev.channel, address: ev.from }),
            now,
          );
          result.campaignIds.add(row.campaign_id);
        } else {
          const who = row ? st.recipientContact.get(row.recipient_id) : undefined;
          const contact = who?.contact_id != null ? { id: who.contact_id, display_name: who.display_name } : st.contactByPhone.get(ev.from);
          const receivedAt = new Date(when).toISOString();
          const ins = st.inbox.get(
            receivedAt,
            ev.channel,
            ev.from,
            ev.text,
            row?.campaign_id ?? null,
            row?.recipient_id ?? null,
            contact?.id ?? null,
          )!;
          if (row) st.event.run(row.id, when, 'reply', formatEventDetail({ kind: 'unrecognised-reply' }));
          result.inbox.push({
            id: ins.id,
            receivedAt,
            channel: ev.channel,
            from: ev.from,
            text: ev.text,
            campaignId: row?.campaign_id ?? null,
            campaignName: row ? (st.campaignName.get(row.campaign_id) ?? null) : null,
            recipientId: row?.recipient_id ?? null,
            contactId: contact?.id ?? null,
            displayName: contact?.display_name ?? null,
            handled: false,
            handledBy: null,
            handledAt: null,
          });
          if (row) result.campaignIds.add(row.campaign_id);
        }
        break;
      }
      case 'opt-out': {
        st.optOut.run(
          ev.channel,
          ev.channel === 'email' ? ev.address.toLowerCase() : ev.address,
          ev.reason === 'stop-keyword' ? 'reply' : 'provider',
          ev.reason,
        );
        const row = find(ev.deliveryToken, ev.providerId) ?? st.latestTo.get(ev.address, JSON.stringify([ev.channel]));
        if (row) {
          st.event.run(row.id, when, 'opt-out', ev.reason);
          optOutRecipient(db, row.recipient_id, now);
          progressRecipient(db, row.recipient_id, now);
          result.campaignIds.add(row.campaign_id);
        }
        break;
      }
      case 'opt-in':
        st.optIn.run(ev.channel, ev.address);
        break;
      case 'engagement': {
        const row = find(ev.deliveryToken, ev.providerId);
        if (row) {
          st.event.run(row.id, when, ev.action, ev.url);
          result.campaignIds.add(row.campaign_id);
        } else result.unmatched++;
        break;
      }
      default: {
        const never: never = ev;
        throw new Error(`unknown provider event ${JSON.stringify(never)}`);
      }
    }
  }
  return result;
}
