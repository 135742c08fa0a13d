// Campaign recipients: campaign_recipients, one row per person a campaign addresses, with
// the outcome the escalation reached. The one row type and its converter to the report's
// RecipientReport (without deliveries), the reads the outbox rules and the report need,
// and every write; writes take the transaction and record exactly the rows they changed.
// Prepared statements only.
import type { RecipientOutcome, RecipientReport } from '@gdial/protocol';
import type { Reader, Tx } from './db';

/** A row of campaign_recipients as SQLite returns it. */
export interface RecipientRow {
  id: number;
  campaign_id: number;
  contact_id: number | null;
  display_name: string;
  language: 'sv' | 'en';
  outcome: RecipientOutcome;
  confirmed_at: string | null;
  confirmed_via: string | null;
  /** 0: the alert's own audience; k: alerted by escalation wave k. */
  wave: number;
}

/** The converter: a recipient row to the report's entry, its deliveries still to add. */
export const toRecipientReport = (r: RecipientRow): Omit<RecipientReport, 'deliveries'> => ({
  id: r.id,
  contactId: r.contact_id,
  displayName: r.display_name,
  outcome: r.outcome,
  confirmedAt: r.confirmed_at,
  confirmedVia: r.confirmed_via,
  wave: r.wave,
});

const IN_IDS = 'IN (SELECT value FROM json_each(?))';

// ── reads ──

export function getRecipient(r: Reader, id: number): RecipientRow | null {
  return r.statements.get<[number], RecipientRow>('SELECT * FROM campaign_recipients WHERE id = ?').get(id) ?? null;
}

/** A campaign's recipients whose outcome is still open (pending or in progress). */
export function openRecipientIds(r: Reader, campaignId: number): number[] {
  return r.statements
    .pluck<[number], number>("SELECT id FROM campaign_recipients WHERE campaign_id = ? AND outcome IN ('pending', 'in-progress')")
    .all(campaignId);
}

/** A campaign's recipients with no delivery row (by contact): their deliveries never reached this desktop. */
export function recipientsWithoutDeliveries(r: Reader, campaignId: number): Map<number, number> {
  const rows = r.statements
    .get<[number], { id: number; contact_id: number }>(
      `SELECT id, contact_id FROM campaign_recipients cr WHERE campaign_id = ? AND contact_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.recipient_id = cr.id)`,
    )
    .all(campaignId);
  return new Map(rows.map((x) => [x.contact_id, x.id]));
}

/** The contacts a campaign addressed who did not confirm (and did not opt out), still in the address book. */
export function unconfirmedContactIds(r: Reader, campaignId: number): number[] {
  return r.statements
    .pluck<[number], number>(
      "SELECT DISTINCT contact_id FROM campaign_recipients WHERE campaign_id = ? AND contact_id IS NOT NULL AND outcome NOT IN ('confirmed', 'opted-out') ORDER BY contact_id",
    )
    .all(campaignId);
}

/** How many of a campaign's recipients have each outcome. */
export function outcomeCounts(r: Reader, campaignId: number): { outcome: RecipientOutcome; n: number }[] {
  return r.statements
    .get<[number], { outcome: RecipientOutcome; n: number }>(
      'SELECT outcome, count(*) AS n FROM campaign_recipients WHERE campaign_id = ? GROUP BY outcome',
    )
    .all(campaignId);
}

/** How many recipients each escalation wave alerted (wave 0: the alert's own audience). */
export function waveSizes(r: Reader, campaignId: number): Map<number, number> {
  const rows = r.statements
    .get<[number], { wave: number; n: number }>('SELECT wave, count(*) AS n FROM campaign_recipients WHERE campaign_id = ? GROUP BY wave')
    .all(campaignId);
  return new Map(rows.map((x) => [x.wave, x.n]));
}

/**
 * What an escalation wave is decided on: the recipients alerted before it (waves below
 * `wave`) and how many of them had confirmed by `at` (ISO), so the count is the same
 * whenever it is taken.
 */
export function confirmedBefore(r: Reader, campaignId: number, wave: number, at: string): { recipients: number; confirmed: number } {
  const c = r.statements
    .get<[string, number, number], { n: number; c: number | null }>(
      'SELECT count(*) AS n, sum(confirmed_at IS NOT NULL AND confirmed_at <= ?) AS c FROM campaign_recipients WHERE campaign_id = ? AND wave < ?',
    )
    .get(at, campaignId, wave);
  return { recipients: c?.n ?? 0, confirmed: c?.c ?? 0 };
}

/** The contacts a campaign already addresses (an escalation wave alerts only people not among them). */
export function recipientContactIds(r: Reader, campaignId: number): Set<number> {
  return new Set(
    r.statements
      .pluck<[number], number>('SELECT contact_id FROM campaign_recipients WHERE campaign_id = ? AND contact_id IS NOT NULL')
      .all(campaignId),
  );
}

/**
 * One page of a campaign's recipients by id, optionally of one outcome, one person, or only
 * those changed since a watermark (one more than `limit` when there are more).
 */
export function recipientPage(
  r: Reader,
  campaignId: number,
  q: {
    outcome?: RecipientOutcome | undefined;
    cursor?: number | undefined;
    limit: number;
    recipientId?: number | undefined;
    /** Only these (written since a watermark): the recipients, and the recipients of the deliveries. */
    changed?: { deliveryIds: readonly number[]; recipientIds: readonly number[] } | undefined;
  },
): RecipientRow[] {
  const changed = q.changed;
  return r.statements
    .get<[object], RecipientRow>(
      `SELECT * FROM campaign_recipients WHERE campaign_id = @campaign AND id > @cursor AND (@outcome IS NULL OR outcome = @outcome)
         AND (@one IS NULL OR id = @one)
         AND (@recipients IS NULL OR id IN (SELECT value FROM json_each(@recipients))
              OR id IN (SELECT recipient_id FROM deliveries WHERE id IN (SELECT value FROM json_each(@deliveries))))
       ORDER BY id LIMIT @limit`,
    )
    .all({
      campaign: campaignId,
      cursor: q.cursor ?? 0,
      outcome: q.outcome ?? null,
      one: q.recipientId ?? null,
      recipients: changed ? JSON.stringify(changed.recipientIds) : null,
      deliveries: changed ? JSON.stringify(changed.deliveryIds) : '[]',
      limit: q.limit + 1,
    });
}

// ── writes ──

export function insertRecipient(
  tx: Tx,
  campaignId: number,
  contactId: number | null,
  displayName: string,
  language: 'sv' | 'en',
  wave = 0,
): number {
  const id = Number(
    tx.statements
      .get<[number, number | null, string, string, number]>(
        "INSERT INTO campaign_recipients (campaign_id, contact_id, display_name, language, outcome, wave) VALUES (?, ?, ?, ?, 'pending', ?)",
      )
      .run(campaignId, contactId, displayName, language, wave).lastInsertRowid,
  );
  tx.changes.record('campaign_recipients', [id], 'insert');
  return id;
}

export function setRecipientOutcome(tx: Tx, id: number, outcome: RecipientOutcome): void {
  if (
    tx.statements
      .get<[RecipientOutcome, number, RecipientOutcome]>('UPDATE campaign_recipients SET outcome = ? WHERE id = ? AND outcome <> ?')
      .run(outcome, id, outcome).changes > 0
  )
    tx.changes.record('campaign_recipients', [id], 'update', ['outcome']);
}

export function setRecipientConfirmed(tx: Tx, id: number, at: string, via: string): void {
  const changed = tx.statements
    .get<[{ id: number; at: string; via: string }]>(
      "UPDATE campaign_recipients SET outcome = 'confirmed', confirmed_at = @at, confirmed_via = @via WHERE id = @id AND (outcome, confirmed_at, confirmed_via) IS NOT ('confirmed', @at, @via) RETURNING id",
    )
    .get({ id, at, via });
  if (changed !== undefined) tx.changes.record('campaign_recipients', [id], 'update', ['outcome', 'confirmed_at', 'confirmed_via']);
}

/** Recipients whose first delivery went out: pending → in progress. */
export function markRecipientsInProgress(tx: Tx, ids: readonly number[]): void {
  const changed = tx.statements
    .pluck<[string], number>(
      `UPDATE campaign_recipients SET outcome = 'in-progress' WHERE id ${IN_IDS} AND outcome = 'pending' RETURNING id`,
    )
    .all(JSON.stringify(ids));
  for (const id of changed) tx.changes.record('campaign_recipients', [id], 'update', ['outcome']);
}

/** A cancelled campaign: every recipient still open is cancelled. */
export function cancelOpenRecipients(tx: Tx, campaignId: number): void {
  const changed = tx.statements
    .pluck<[number], number>(
      "UPDATE campaign_recipients SET outcome = 'cancelled' WHERE campaign_id = ? AND outcome IN ('pending', 'in-progress') RETURNING id",
    )
    .all(campaignId);
  for (const id of changed) tx.changes.record('campaign_recipients', [id], 'update', ['outcome']);
}
