// The reads behind one person's history across alerts: the alert rows that named the
// contact. Deliveries and their timelines come from deliveries.ts, replies from inbox.ts,
// opt-outs and audit entries from their own modules.
import type { RecipientOutcome } from '@gdial/protocol';
import type { Reader } from './db';

export interface PersonAlertRow {
  recipient_id: number;
  campaign_id: number;
  campaign_name: string;
  test_group_id: number | null;
  started_at: string | null;
  outcome: RecipientOutcome;
  confirmed_at: string | null;
  confirmed_via: string | null;
}

/** Every alert row that named the contact, newest alert first. */
export function alertsOfContact(r: Reader, contactId: number): PersonAlertRow[] {
  return r.statements
    .get<[number], PersonAlertRow>(
      `SELECT r.id AS recipient_id, c.id AS campaign_id, c.name AS campaign_name, c.test_group_id, c.started_at,
              r.outcome, r.confirmed_at, r.confirmed_via
         FROM campaign_recipients r JOIN campaigns c ON c.id = r.campaign_id
        WHERE r.contact_id = ? ORDER BY coalesce(c.started_at, '') DESC, r.id DESC`,
    )
    .all(contactId);
}
