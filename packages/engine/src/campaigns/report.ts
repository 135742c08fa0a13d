// The campaign report: per-recipient outcome with every delivery and its timeline, paged
// for the UI, and a CSV export (one line per delivery) for the after-action review.
import type { DeliveryReport, DeliveryState, RecipientOutcome, RecipientReport } from '@gdial/protocol';
import type { Db } from '../store/db';
import { sqliteOf } from './outbox';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

interface DeliverySql {
  id: number;
  recipient_id: number;
  step_index: number;
  channel: DeliveryReport['channel'];
  address: string;
  state: DeliveryState;
  provider_status: string | null;
  attempts: number;
  error: string | null;
  possible_duplicate: number;
  provider: string | null;
  provider_id: string | null;
  sent_at: number | null;
  finished_at: number | null;
}

export function recipientReports(
  db: Db,
  campaignId: number,
  q: { outcome?: RecipientOutcome | undefined; cursor?: number | undefined; limit: number },
): { recipients: RecipientReport[]; nextCursor: number | null } {
  const s = sqliteOf(db);
  const recs = s
    .prepare(
      `SELECT id, contact_id, display_name, outcome, confirmed_at, confirmed_via FROM campaign_recipients
        WHERE campaign_id = ? AND id > ? AND (? IS NULL OR outcome = ?) ORDER BY id LIMIT ?`,
    )
    .all(campaignId, q.cursor ?? 0, q.outcome ?? null, q.outcome ?? null, q.limit + 1) as {
    id: number;
    contact_id: number | null;
    display_name: string;
    outcome: RecipientOutcome;
    confirmed_at: string | null;
    confirmed_via: string | null;
  }[];
  const page = recs.slice(0, q.limit);
  const ids = JSON.stringify(page.map((r) => r.id));
  const dels = s
    .prepare(
      `SELECT id, recipient_id, step_index, channel, address, state, provider_status, attempts, error, possible_duplicate, provider, provider_id, sent_at, finished_at
         FROM deliveries WHERE recipient_id IN (SELECT value FROM json_each(?)) ORDER BY recipient_id, step_index, id`,
    )
    .all(ids) as DeliverySql[];
  const events = s
    .prepare(
      `SELECT e.delivery_id, e.at, e.kind, e.detail FROM delivery_events e JOIN deliveries d ON d.id = e.delivery_id
        WHERE d.recipient_id IN (SELECT value FROM json_each(?)) ORDER BY e.delivery_id, e.at, e.id`,
    )
    .all(ids) as { delivery_id: number; at: number; kind: string; detail: string | null }[];
  const evBy = new Map<number, DeliveryReport['events']>();
  for (const e of events) {
    const list = evBy.get(e.delivery_id) ?? [];
    list.push({ at: new Date(e.at).toISOString(), kind: e.kind, detail: e.detail });
    evBy.set(e.delivery_id, list);
  }
  const delBy = new Map<number, DeliveryReport[]>();
  for (const d of dels) {
    if (d.sent_at !== null) {
      // The hand-over is recorded on the row itself (the hot path writes no separate event).
      const list = evBy.get(d.id) ?? [];
      list.push({
        at: new Date(d.sent_at).toISOString(),
        kind: 'sent',
        detail: d.provider_id ? `${d.provider ?? 'provider'} ${d.provider_id}` : null,
      });
      list.sort((a, b) => a.at.localeCompare(b.at));
      evBy.set(d.id, list);
    }
    const list = delBy.get(d.recipient_id) ?? [];
    list.push({
      id: d.id,
      stepIndex: d.step_index,
      channel: d.channel,
      address: d.address,
      state: d.state,
      providerStatus: d.provider_status,
      attempts: d.attempts,
      error: d.error,
      possibleDuplicate: d.possible_duplicate === 1,
      sentAt: iso(d.sent_at),
      finishedAt: iso(d.finished_at),
      events: evBy.get(d.id) ?? [],
    });
    delBy.set(d.recipient_id, list);
  }
  return {
    recipients: page.map((r) => ({
      id: r.id,
      contactId: r.contact_id,
      displayName: r.display_name,
      outcome: r.outcome,
      confirmedAt: r.confirmed_at,
      confirmedVia: r.confirmed_via,
      deliveries: delBy.get(r.id) ?? [],
    })),
    nextCursor: recs.length > q.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

export function sendTimes(db: Db, campaignId: number): { first: number | null; last: number | null } {
  const r = sqliteOf(db)
    .prepare('SELECT MIN(sent_at) AS first, MAX(sent_at) AS last FROM deliveries WHERE campaign_id = ?')
    .get(campaignId) as {
    first: number | null;
    last: number | null;
  };
  return r;
}

const csvCell = (v: string | number | null | undefined): string => {
  const s = v === null || v === undefined ? '' : String(v);
  // Leading = + - @ would be run as formulas by spreadsheet programs.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[";\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** Semicolon-separated with a BOM, which is what Swedish Excel opens without asking. */
export function campaignCsv(db: Db, campaignId: number): { csv: string; rows: number } {
  const rows = sqliteOf(db)
    .prepare(
      `SELECT r.id AS recipient_id, r.display_name, r.contact_id, r.outcome, r.confirmed_at, r.confirmed_via,
              d.step_index, d.channel, d.address, d.state, d.provider_status, d.attempts, d.error, d.possible_duplicate, d.sent_at, d.finished_at
         FROM campaign_recipients r LEFT JOIN deliveries d ON d.recipient_id = r.id
        WHERE r.campaign_id = ? ORDER BY r.id, d.step_index, d.id`,
    )
    .all(campaignId) as (DeliverySql & {
    display_name: string;
    contact_id: number | null;
    outcome: string;
    confirmed_at: string | null;
    confirmed_via: string | null;
  })[];
  const header = [
    'recipient_id',
    'name',
    'contact_id',
    'outcome',
    'confirmed_at',
    'confirmed_via',
    'step',
    'channel',
    'address',
    'state',
    'provider_status',
    'attempts',
    'error',
    'possible_duplicate',
    'sent_at',
    'finished_at',
  ];
  const lines = [header.join(';')];
  for (const r of rows) {
    lines.push(
      [
        r.recipient_id,
        r.display_name,
        r.contact_id,
        r.outcome,
        r.confirmed_at,
        r.confirmed_via,
        r.step_index === null ? '' : r.step_index + 1,
        r.channel,
        r.address,
        r.state,
        r.provider_status,
        r.attempts,
        r.error,
        r.possible_duplicate ? 'yes' : '',
        iso(r.sent_at),
        iso(r.finished_at),
      ]
        .map(csvCell)
        .join(';'),
    );
  }
  return { csv: `\uFEFF${lines.join('\r\n')}\r\n`, rows: rows.length };
}
