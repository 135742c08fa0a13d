// Outgoing webhooks' events, produced from what organisation sync already brings the relay:
// the merged states of an organisation's alerts and their recipients, whichever desktop runs
// the alert. Runs inside the transaction that merges a push (store/sync.ts mergeEntities),
// comparing each changed state with the one before it, so an event is written to the outbox
// exactly when its change commits: a relay restart cannot lose it, and a re-pushed operation
// (which merges to no change) cannot produce it again. Each event has a stable key per alert
// (e.g. `<alert>:completed`, `<alert>:progress:confirmed:50`), and the outbox keeps one row per
// subscription and key.
import {
  alertOf,
  valuesOf,
  webhookProgressKinds,
  type EntityState,
  type Json,
  type WebhookEventType,
  type WebhookPayload,
} from '@gdial/protocol';
import type { SqlExecutor } from '../store/db';
import { crossedThresholds, messageId, percentOf, type Counts } from './model';
import {
  alertState,
  enabledSubscriptions,
  enqueueDeliveries,
  lockAlertEvents,
  recipientCounts,
  type NewDelivery,
  type SubscriptionRow,
} from '../store/webhooks-out';

/** What a push tells outgoing webhooks: the clock their events are stamped with, and that new ones wait. */
export interface WebhookEvents {
  now(): number;
  wake(): void;
}

const keyOf = (s: Pick<EntityState, 'entity' | 'id'>): string => `${s.entity}\u0000${s.id}`;

const str = (v: Json | undefined): string | null => (typeof v === 'string' ? v : null);

interface Hold {
  channel: string;
  since: string | null;
}

const holdsOf = (state: EntityState | undefined): Hold[] => {
  const v = state?.fields.held?.v;
  if (!Array.isArray(v)) return [];
  return v.flatMap((h) =>
    h && typeof h === 'object' && !Array.isArray(h) && typeof h.channel === 'string'
      ? [{ channel: h.channel, since: typeof h.since === 'string' ? h.since : null }]
      : [],
  );
};

/** A recipient's part in the counts: whether it is live, confirmed, reached (confirmed counts as reached). */
function contribution(state: EntityState | undefined): Counts {
  if (!state || state.deleted !== undefined) return { recipients: 0, confirmed: 0, reached: 0 };
  const outcome = state.fields.outcome?.v;
  return {
    recipients: 1,
    confirmed: outcome === 'confirmed' ? 1 : 0,
    reached: outcome === 'confirmed' || outcome === 'reached' ? 1 : 0,
  };
}

export function alertSummary(id: string, state: EntityState | undefined): NonNullable<WebhookPayload['data']['alert']> {
  const f = state && state.deleted === undefined ? valuesOf(state) : {};
  return {
    id,
    name: str(f.name),
    status: str(f.status),
    startedAt: str(f.startedAt),
    finishedAt: str(f.finishedAt),
    cancelReason: str(f.cancelReason),
    held: holdsOf(state),
  };
}

interface AlertEvent {
  type: WebhookEventType;
  key: string;
  progress?: WebhookPayload['data']['progress'];
  /** Only subscriptions whose progress step this threshold is a multiple of. */
  step?: number;
}

/**
 * Writes the webhook events these merged changes make to the outbox, in the merging
 * transaction. `before` holds the states as they were (absent: new).
 */
export async function produceWebhookEvents(
  q: SqlExecutor,
  tenantId: string,
  changed: readonly EntityState[],
  before: ReadonlyMap<string, EntityState>,
  now: Date,
): Promise<number> {
  const touched = new Map<string, EntityState[]>();
  for (const s of changed) {
    if (s.entity !== 'alert' && s.entity !== 'recipient') continue;
    const alert = alertOf(s);
    if (alert === null) continue;
    touched.set(alert, [...(touched.get(alert) ?? []), s]);
  }
  if (touched.size === 0) return 0;
  const subscriptions = await enabledSubscriptions(q, tenantId);
  if (subscriptions.length === 0) return 0;
  let written = 0;
  for (const alert of [...touched.keys()].sort()) {
    // One alert's events at a time across concurrent pushes: the counts below then include every committed change.
    await lockAlertEvents(q, tenantId, alert);
    const states = touched.get(alert)!;
    const alertAfter = states.find((s) => s.entity === 'alert') ?? (await alertState(q, tenantId, alert));
    const alertBefore = before.get(keyOf({ entity: 'alert', id: alert }));
    const events: AlertEvent[] = [];

    if (states.some((s) => s.entity === 'alert') && alertAfter && alertAfter.deleted === undefined) {
      const was = alertBefore && alertBefore.deleted === undefined ? valuesOf(alertBefore) : {};
      const is = valuesOf(alertAfter);
      if (str(is.startedAt) !== null && str(was.startedAt) === null) events.push({ type: 'alert.started', key: `${alert}:started` });
      const prevHolds = new Set(holdsOf(alertBefore).map((h) => `${h.channel}@${h.since}`));
      for (const h of holdsOf(alertAfter))
        if (!prevHolds.has(`${h.channel}@${h.since}`))
          events.push({ type: 'alert.held', key: `${alert}:held:${h.channel}:${h.since ?? ''}` });
      if (is.status === 'completed' && was.status !== 'completed') events.push({ type: 'alert.completed', key: `${alert}:completed` });
      if (is.status === 'cancelled' && was.status !== 'cancelled') events.push({ type: 'alert.cancelled', key: `${alert}:cancelled` });
    }

    const counts = await recipientCounts(q, tenantId, alert);
    const recipients = states.filter((s) => s.entity === 'recipient');
    if (recipients.length > 0) {
      const prior = { ...counts };
      for (const s of recipients) {
        const a = contribution(s);
        const b = contribution(before.get(keyOf(s)));
        prior.recipients += b.recipients - a.recipients;
        prior.confirmed += b.confirmed - a.confirmed;
        prior.reached += b.reached - a.reached;
      }
      const steps = [...new Set(subscriptions.filter((s) => s.events.includes('alert.progress')).map((s) => s.progressStep))];
      for (const kind of webhookProgressKinds) {
        const was = percentOf(prior[kind], prior.recipients);
        const is = percentOf(counts[kind], counts.recipients);
        const thresholds = new Set(steps.flatMap((step) => crossedThresholds(was, is, step)));
        for (const t of [...thresholds].sort((x, y) => x - y))
          events.push({
            type: 'alert.progress',
            key: `${alert}:progress:${kind}:${t}`,
            progress: { kind, threshold: t, percent: is },
          });
      }
    }
    if (events.length === 0) continue;

    const summary = alertSummary(alert, alertAfter);
    const rows: NewDelivery[] = [];
    for (const sub of subscriptions)
      for (const e of events) {
        if (!wants(sub, e)) continue;
        const payload: WebhookPayload = {
          type: e.type,
          timestamp: now.toISOString(),
          data: { alert: summary, counts, ...(e.progress ? { progress: e.progress } : {}) },
        };
        rows.push({
          id: messageId(sub.id, e.key),
          subscriptionId: sub.id,
          eventKey: e.key,
          eventType: e.type,
          alertId: alert,
          payload,
        });
      }
    written += await enqueueDeliveries(q, tenantId, rows, now);
  }
  return written;
}

const wants = (sub: SubscriptionRow, e: AlertEvent): boolean =>
  sub.events.includes(e.type) &&
  (e.type !== 'alert.progress' || (e.progress !== undefined && e.progress.threshold % sub.progressStep === 0));
