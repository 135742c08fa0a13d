// The campaign report: per-recipient outcome with every delivery and its timeline, paged
// for the UI, and a CSV export (one line per delivery) for the after-action review.
import { csvCell, type RecipientOutcome, type RecipientReport } from '@gdial/protocol';
import type { Reader } from '../store/db';
import { csvRows, deliveryReportsOf, sendTimes } from '../store/deliveries';
import { recipientPage, toRecipientReport } from '../store/recipients';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function recipientReports(
  r: Reader,
  campaignId: number,
  q: { outcome?: RecipientOutcome | undefined; cursor?: number | undefined; limit: number },
): { recipients: RecipientReport[]; nextCursor: number | null } {
  const recs = recipientPage(r, campaignId, q);
  const page = recs.slice(0, q.limit);
  const deliveries = deliveryReportsOf(
    r,
    page.map((x) => x.id),
  );
  return {
    recipients: page.map((x) => ({ ...toRecipientReport(x), deliveries: deliveries.get(x.id) ?? [] })),
    nextCursor: recs.length > q.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

export { sendTimes };

/** Semicolon-separated with a BOM, which is what Swedish Excel opens without asking. */
export function campaignCsv(r: Reader, campaignId: number): { csv: string; rows: number } {
  const rows = csvRows(r, campaignId);
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
