// The facts an alert's progress history is derived from: every delivery event of the alert
// with its recipient, each delivery's hand-over time (kept on the row, not as an event) and
// each recipient's outcome. Both are synced between desktops, so a replica reads the same
// facts and derives the same history. Read in one pass over the alert's deliveries.
import type { RecipientOutcome } from '@gdial/protocol';
import type { Reader } from './db';

export interface HistoryEventRow {
  recipient_id: number;
  delivery_id: number;
  at: number;
  kind: string;
  detail: string | null;
}

export interface HistoryRecipientRow {
  id: number;
  outcome: RecipientOutcome;
}

export interface HistorySendRow {
  recipient_id: number;
  delivery_id: number;
  sent_at: number;
}

export interface HistoryFacts {
  recipients: HistoryRecipientRow[];
  events: HistoryEventRow[];
  sends: HistorySendRow[];
}

export function historyFacts(r: Reader, campaignId: number): HistoryFacts {
  return {
    recipients: r.statements
      .get<[number], HistoryRecipientRow>('SELECT id, outcome FROM campaign_recipients WHERE campaign_id = ?')
      .all(campaignId),
    events: r.statements
      .get<[number], HistoryEventRow>(
        `SELECT d.recipient_id, e.delivery_id, e.at, e.kind, e.detail
           FROM deliveries d JOIN delivery_events e ON e.delivery_id = d.id
          WHERE d.campaign_id = ?`,
      )
      .all(campaignId),
    sends: r.statements
      .get<[number], HistorySendRow>(
        'SELECT recipient_id, id AS delivery_id, sent_at FROM deliveries WHERE campaign_id = ? AND sent_at IS NOT NULL',
      )
      .all(campaignId),
  };
}
