// The campaign report: per-recipient outcome with every delivery and its timeline, paged
// for the UI (the CSV files are in report-csv.ts).
import type { RecipientReport } from '@gdial/protocol';
import type { Reader } from '../store/db';
import { deliveryReportsOf, sendTimes } from '../store/deliveries';
import { recipientPage, toRecipientReport } from '../store/recipients';

export function recipientReports(
  r: Reader,
  campaignId: number,
  q: Parameters<typeof recipientPage>[2] & { events?: boolean | undefined },
): { recipients: RecipientReport[]; nextCursor: number | null } {
  const recs = recipientPage(r, campaignId, q);
  const page = recs.slice(0, q.limit);
  const deliveries = deliveryReportsOf(
    r,
    page.map((x) => x.id),
    q.events ?? true,
  );
  return {
    recipients: page.map((x) => ({ ...toRecipientReport(x), deliveries: deliveries.get(x.id) ?? [] })),
    nextCursor: recs.length > q.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

export { sendTimes };
