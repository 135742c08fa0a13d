// Analytics across alerts (the console's Analys page): chooses the alerts that started in a
// range of Swedish days and match the filters, then reads their figures with SQL aggregates
// (store/analytics.ts). Time to confirm and costs follow the after-action report's rules, so
// one alert's figures here equal its report's. The outcome figures fold from one pass of
// tallies (channel × provider × state × error code), counted on a covering index.
import { campaignFieldsSchema, type Analytics, type Channel } from '@gdial/protocol';
import type { z } from 'zod';
import type { analyticsFilterSchema } from '@gdial/protocol';
import {
  billedSends,
  confirmationFigures,
  outcomeTallies,
  startedAlerts,
  type ConfirmationRow,
  type OutcomeTallyRow,
} from '../store/analytics';
import type { Reader } from '../store/db';
import { listGroups, subtreeIds } from '../store/groups';
import { costFigures, emptyTally, readPriceTable, tallySend, type CostTally } from './price-table';
import { TIME_ZONE } from './scheduler';

type Filter = z.output<typeof analyticsFilterSchema>;

/** The day (YYYY-MM-DD) an instant falls on in Swedish time. */
export const swedishDay = (iso: string): string => new Date(iso).toLocaleDateString('sv-SE', { timeZone: TIME_ZONE });

/** Every day from `from` to `to` inclusive (calendar days, no time zone involved). */
function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  // A year and a half of days at most, so a mistyped range cannot build a huge chart.
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end && out.length < 550; t += 86_400_000)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

const secondsOf = (ms: number | null) => (ms === null ? null : Math.round(ms / 100) / 10);
const figures = (x: ConfirmationRow | undefined) => ({
  recipients: x?.recipients ?? 0,
  confirmed: x?.confirmed ?? 0,
  medianSeconds: secondsOf(x?.median_ms ?? null),
  p90Seconds: secondsOf(x?.p90_ms ?? null),
});

interface SelectedAlert {
  id: number;
  name: string;
  startedAt: string;
  testMode: boolean;
  groupIds: number[];
}

function selectAlerts(r: Reader, f: Filter): SelectedAlert[] {
  const inGroup = f.groupId === null ? null : new Set(subtreeIds(r, [f.groupId]));
  return startedAlerts(r).flatMap((row) => {
    const day = swedishDay(row.started_at);
    const testMode = row.test_group_id !== null;
    if (day < f.from || day > f.to || (f.mode === 'test' && !testMode) || (f.mode === 'live' && testMode)) return [];
    const settings = campaignFieldsSchema.parse(JSON.parse(row.settings));
    const groupIds = [...new Set([...settings.audience.groupIds, ...settings.waves.flatMap((w) => w.audience.groupIds)])];
    if (inGroup && !groupIds.some((g) => inGroup.has(g))) return [];
    if (f.channel !== null && !settings.steps.some((s) => s.channel === f.channel)) return [];
    return [{ id: row.id, name: row.name, startedAt: row.started_at, testMode, groupIds }];
  });
}

export function alertAnalytics(r: Reader, f: Filter): Analytics {
  const alerts = selectAlerts(r, f);
  const ids = alerts.map((a) => a.id);
  const prices = readPriceTable(r);

  const groupNames = new Map(listGroups(r).map((g) => [g.id, g.name]));
  const groupPairs = alerts.flatMap((a) => a.groupIds.filter((g) => groupNames.has(g)).map((g) => [a.id, g] as const));
  const alertsPerGroup = new Map<number, number>();
  for (const [, g] of groupPairs) alertsPerGroup.set(g, (alertsPerGroup.get(g) ?? 0) + 1);
  // Per alert and per group in one query, so each person's wait is worked out once.
  const [alertFigures = [], groupFigures = []] = confirmationFigures(r, [alerts.map((a) => [a.id, a.id] as const), groupPairs]);
  const perAlert = new Map(alertFigures.map((x) => [x.key, x]));

  const perDay = new Map(daysBetween(f.from, f.to).map((d) => [d, { day: d, live: 0, test: 0 }]));
  for (const a of alerts) {
    const d = perDay.get(swedishDay(a.startedAt));
    if (d) d[a.testMode ? 'test' : 'live'] += 1;
  }

  return {
    from: f.from,
    to: f.to,
    alerts: alerts.map((a) => ({ id: a.id, name: a.name, startedAt: a.startedAt, testMode: a.testMode, ...figures(perAlert.get(a.id)) })),
    perDay: [...perDay.values()],
    groups: groupFigures
      .map((x) => ({ groupId: x.key, name: groupNames.get(x.key) ?? '', alerts: alertsPerGroup.get(x.key) ?? 0, ...figures(x) }))
      .sort((a, b) => a.name.localeCompare(b.name, 'sv')),
    ...outcomeFigures(outcomeTallies(r, ids, f.channel)),
    costs: monthlyCosts(r, alerts, f.channel, prices),
    currency: prices.currency,
  };
}

/** Text order as SQLite's BINARY collation has it (code units; the keys are ASCII). */
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Outcomes per channel, per provider and per error code, folded from the tallies (a few rows, not deliveries). */
function outcomeFigures(tallies: readonly OutcomeTallyRow[]): Pick<Analytics, 'channels' | 'providers' | 'errors'> {
  const channels = new Map<Channel, Analytics['channels'][number]>();
  const providers = new Map<string, Analytics['providers'][number]>();
  const errors = new Map<string, Analytics['errors'][number]>();
  for (const t of tallies) {
    const delivered = t.state === 'delivered' ? t.n : 0;
    const failed = t.state === 'failed' ? t.n : 0;
    const c = channels.get(t.channel) ?? { channel: t.channel, deliveries: 0, handedOver: 0, delivered: 0, failed: 0 };
    c.deliveries += t.n;
    c.handedOver += t.handed_over;
    c.delivered += delivered;
    c.failed += failed;
    channels.set(t.channel, c);
    if (t.provider === null) continue;
    const p = providers.get(t.provider) ?? { provider: t.provider, handedOver: 0, delivered: 0, failed: 0 };
    p.handedOver += t.handed_over;
    p.delivered += delivered;
    p.failed += failed;
    providers.set(t.provider, p);
    if (t.state !== 'failed' || t.error_code === null) continue;
    const key = JSON.stringify([t.provider, t.error_code]);
    const e = errors.get(key) ?? { provider: t.provider, code: t.error_code, count: 0 };
    e.count += t.n;
    errors.set(key, e);
  }
  return {
    channels: [...channels.values()].sort((a, b) => byText(a.channel, b.channel)),
    providers: [...providers.values()].sort((a, b) => byText(a.provider, b.provider)),
    errors: [...errors.values()].sort((a, b) => b.count - a.count || byText(a.provider, b.provider) || byText(a.code, b.code)),
  };
}

function monthlyCosts(r: Reader, alerts: readonly SelectedAlert[], channel: Channel | null, prices: ReturnType<typeof readPriceTable>) {
  const monthOf = new Map(alerts.map((a) => [a.id, swedishDay(a.startedAt).slice(0, 7)]));
  const months = new Map<string, CostTally>();
  for (const s of billedSends(
    r,
    alerts.map((a) => a.id),
    channel,
  )) {
    const month = monthOf.get(s.campaign_id)!;
    const one = emptyTally();
    tallySend(one, prices, s.channel, s.address, () => s.segments);
    const t = months.get(month) ?? emptyTally();
    for (const k of Object.keys(t) as (keyof CostTally)[]) t[k] += one[k] * s.n;
    months.set(month, t);
  }
  return [...months.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([month, t]) => ({ month, ...costFigures(t) }));
}
