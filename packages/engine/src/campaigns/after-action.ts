// The after-action report of an alert: what the crisis room files afterwards. Every figure is
// read from the alert's deliveries, recipients, delivery events and audit — facts every
// desktop of the organisation holds — so the report is the same wherever it is made.
import { CONFIRM_BUCKETS_S, parseConfirmedVia, recipientOutcomes, type AfterActionReport, type RecipientOutcome } from '@gdial/protocol';
import { nearestRank } from '../store/analytics';
import { auditEntriesAbout } from '../store/audit';
import { confirmations, channelFigures, handedOver, providerErrorCodes, providerFigures } from '../store/after-action';
import type { Reader } from '../store/db';
import { historyFacts } from '../store/history';
import { outcomeCounts } from '../store/recipients';
import { buildHistory, recipientTimes } from './history';
import { costFigures, emptyTally, readPriceTable, tallySend } from './price-table';
import { recipientReports } from './report';

export { nearestRank };

export function afterActionReport(
  r: Reader,
  c: { id: number; startedAt: string | null; finishedAt: string | null },
  opts: { now: number; organisation: string | null },
): AfterActionReport {
  const outcomes = Object.fromEntries(recipientOutcomes.map((k) => [k, 0])) as Record<RecipientOutcome, number>;
  let recipients = 0;
  for (const x of outcomeCounts(r, c.id)) {
    outcomes[x.outcome] = x.n;
    recipients += x.n;
  }
  const facts = historyFacts(r, c.id);
  const started = c.startedAt === null ? null : Date.parse(c.startedAt);
  const history = buildHistory(c.id, facts, started, c.finishedAt === null ? opts.now : Date.parse(c.finishedAt));
  const times = recipientTimes(facts);

  // Time to confirm: from the first hand-over to the person (the alert's start when none is recorded).
  const confirmed = confirmations(r, c.id);
  const waits = confirmed
    .map((x) => {
      const from = times.get(x.id)?.firstSentAt ?? started;
      return from === null ? null : Math.max(0, (Date.parse(x.confirmed_at) - from) / 1000);
    })
    .filter((x): x is number => x !== null)
    .sort((a, b) => a - b);
  const distribution = new Array<number>(CONFIRM_BUCKETS_S.length + 1).fill(0);
  for (const w of waits) {
    const i = CONFIRM_BUCKETS_S.findIndex((b) => w <= b);
    distribution[i === -1 ? CONFIRM_BUCKETS_S.length : i]! += 1;
  }
  const oneDecimal = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

  const confirmedOn = new Map<string, number>();
  for (const x of confirmed) {
    const via = x.confirmed_via === null ? null : parseConfirmedVia(x.confirmed_via);
    // Bekräftad per telefon counts on the channel it was done on: the operator's call.
    const channel = via === null ? null : via.how === 'phone' ? 'phone' : via.channel;
    if (channel) confirmedOn.set(channel, (confirmedOn.get(channel) ?? 0) + 1);
  }
  const errors = providerErrorCodes(r, c.id);

  const audit = auditEntriesAbout(r, 'campaign', c.id).sort((a, b) => a.at.localeCompare(b.at) || a.id - b.id);
  const startEntry = audit.find((e) => e.action === 'campaign.start');
  const approval = audit.find((e) => /approve/i.test(e.action));

  const unreached = (['unreached', 'no-network'] as const).flatMap(
    (outcome) => recipientReports(r, c.id, { outcome, limit: Math.max(1, outcomes[outcome]) }).recipients,
  );

  return {
    campaignId: c.id,
    generatedAt: new Date(opts.now).toISOString(),
    organisation: opts.organisation,
    startedBy: startEntry?.actor ?? null,
    approvedBy: approval?.actor ?? null,
    recipients,
    outcomes,
    reached: [...times.values()].filter((t) => t.reachedAt !== null).length,
    confirmed: outcomes.confirmed,
    history,
    timeToConfirm: {
      confirmed: waits.length,
      medianSeconds: oneDecimal(nearestRank(waits, 0.5)),
      p90Seconds: oneDecimal(nearestRank(waits, 0.9)),
      distribution,
    },
    channels: channelFigures(r, c.id).map((x) => ({
      channel: x.channel,
      deliveries: x.deliveries,
      handedOver: x.handed_over,
      delivered: x.delivered,
      failed: x.failed,
      confirmed: confirmedOn.get(x.channel) ?? 0,
    })),
    providers: providerFigures(r, c.id).map((x) => ({
      provider: x.provider,
      handedOver: x.handed_over,
      delivered: x.delivered,
      failed: x.failed,
      errors: errors.filter((e) => e.provider === x.provider).map((e) => ({ code: e.code, count: e.n })),
    })),
    unreached,
    actions: audit,
    cost: costOf(r, c.id),
  };
}

function costOf(r: Reader, campaignId: number): AfterActionReport['cost'] {
  const prices = readPriceTable(r);
  const t = emptyTally();
  for (const d of handedOver(r, campaignId)) {
    // A call is billed only when answered.
    if (d.channel === 'voice' && d.state !== 'delivered') continue;
    tallySend(t, prices, d.channel, d.address, () => d.segments);
  }
  return { currency: prices.currency, ...costFigures(t) };
}
