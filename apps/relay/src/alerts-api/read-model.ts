// What the REST API shows of an alert, from the organisation's synced state at the relay (the
// alert, its recipients and deliveries as the dispatching desktop pushed them): its state,
// counts derived from the recipients and deliveries, the roll-call page by page, and the
// after-action figures.
import { valuesOf, type ApiAlertReport, type ApiAlertView, type ApiRollcallPage, type Json } from '@gdial/protocol';
import { readAlert, readDeliveries, readRecipients, type DeliveryFacts } from '../store/alert-reads';
import type { RelayDb } from '../store/db';

const str = (v: Json | undefined): string | null => (typeof v === 'string' ? v : null);

/** The alert's state and counts, or nulls when sync does not hold it (yet, or any more). */
export async function alertAndCounts(
  db: RelayDb,
  tenantId: string,
  alertId: string,
): Promise<{ alert: ApiAlertView['alert']; counts: ApiAlertView['counts'] }> {
  const { state, people, deliveries } = await readAlert(db, tenantId, alertId);
  if (!state || state.deleted !== undefined) return { alert: null, counts: null };
  const f = valuesOf(state);
  return {
    alert: {
      id: alertId,
      name: str(f.name),
      status: str(f.status),
      startedAt: str(f.startedAt),
      finishedAt: str(f.finishedAt),
      cancelReason: str(f.cancelReason),
    },
    counts: { ...people, deliveries },
  };
}

/** Delivery states from least to most advanced: a person's channel is that of their most advanced delivery. */
const deliveryRank = ['waiting', 'queued', 'sending', 'sent', 'cancelled', 'skipped', 'failed', 'delivered'];

function channelByRecipient(deliveries: readonly DeliveryFacts[]): Map<string, string> {
  const best = new Map<string, { channel: string; rank: number }>();
  for (const d of deliveries) {
    if (!d.recipient || !d.channel) continue;
    const rank = deliveryRank.indexOf(d.state ?? '');
    const had = best.get(d.recipient);
    if (!had || rank > had.rank) best.set(d.recipient, { channel: d.channel, rank });
  }
  return new Map([...best].map(([k, v]) => [k, v.channel]));
}

const confirmationOf = (v: Json | undefined): { at: string | null; via: string | null } =>
  v && typeof v === 'object' && !Array.isArray(v) ? { at: str(v.at), via: str(v.via) } : { at: null, via: null };

/** One page of the roll-call, in the recipients' id order (`after`: the last id of the previous page). */
export async function rollcallPage(
  db: RelayDb,
  tenantId: string,
  alertId: string,
  after: string | undefined,
  limit: number,
): Promise<ApiRollcallPage> {
  const rows = await readRecipients(db, tenantId, alertId, after, limit + 1);
  const page = rows.slice(0, limit);
  const channels = channelByRecipient(
    await readDeliveries(
      db,
      tenantId,
      alertId,
      page.map((r) => r.id),
    ),
  );
  const entries = page.map((r) => {
    const f = valuesOf(r.state);
    const c = confirmationOf(f.confirmed);
    return {
      id: r.id,
      contactId: str(f.contact),
      name: str(f.displayName),
      status: str(f.outcome) ?? 'pending',
      channel: channels.get(r.id) ?? null,
      confirmedAt: c.at,
      confirmedVia: c.via,
    };
  });
  return { alertId, entries, ...(rows.length > limit ? { next: page.at(-1)!.id } : {}) };
}

const pct = (n: number, of: number): number => (of === 0 ? 0 : Math.round((1000 * n) / of) / 10);

/** The after-action figures of an alert, from its synced state. */
export async function reportOf(db: RelayDb, tenantId: string, alertId: string, test: boolean): Promise<ApiAlertReport | null> {
  const { alert, counts } = await alertAndCounts(db, tenantId, alertId);
  if (!alert || !counts) return null;
  const outcomes: Record<string, number> = {};
  const confirmedAt: number[] = [];
  for (const r of await readRecipients(db, tenantId, alertId, undefined, null)) {
    const f = valuesOf(r.state);
    const o = str(f.outcome) ?? 'pending';
    outcomes[o] = (outcomes[o] ?? 0) + 1;
    const at = confirmationOf(f.confirmed).at;
    if (at) confirmedAt.push(Date.parse(at));
  }
  const channels: ApiAlertReport['channels'] = {};
  for (const d of await readDeliveries(db, tenantId, alertId)) {
    const c = (channels[d.channel ?? 'unknown'] ??= { deliveries: 0, delivered: 0, failed: 0 });
    c.deliveries++;
    if (d.state === 'delivered') c.delivered++;
    if (d.state === 'failed') c.failed++;
  }
  const start = alert.startedAt ? Date.parse(alert.startedAt) : null;
  const end = alert.finishedAt ? Date.parse(alert.finishedAt) : null;
  const sorted = confirmedAt.sort((a, b) => a - b);
  const since = (t: number | undefined): number | null => (start === null || t === undefined ? null : Math.max(0, (t - start) / 1000));
  return {
    alertId,
    name: alert.name,
    status: alert.status,
    test,
    startedAt: alert.startedAt,
    finishedAt: alert.finishedAt,
    durationSeconds: start !== null && end !== null ? (end - start) / 1000 : null,
    counts,
    outcomes,
    channels,
    firstConfirmationSeconds: since(sorted[0]),
    medianConfirmationSeconds: since(sorted[Math.floor((sorted.length - 1) / 2)]),
    confirmedPercent: pct(counts.confirmed, counts.recipients),
    reachedPercent: pct(counts.reached, counts.recipients),
  };
}
