// The alert's progress curve: how many were reached, confirmed, not reached and waiting for
// the network over time, from the engine's history (see progressHistory.ts). Drawn with
// @mantine/charts; a sentence with the latest counts names it for screen readers.
import { LineChart } from '@mantine/charts';
import { Text } from '@mantine/core';
import { memo } from 'react';
import type { CampaignHistory } from '@gdial/protocol';
import { useFormat, useT } from '../i18n';
import { chartRows } from './progressHistory';

const dict = {
  sv: {
    reached: 'Nådda',
    confirmed: 'Bekräftade',
    unreached: 'Ej nådda',
    held: 'Väntar på nät',
    summary: 'Diagram över förloppet: {r} nådda, {c} bekräftade, {u} ej nådda och {h} väntar på nät av {n}.',
    waiting: 'Diagrammet fylls i när larmet har startat.',
  },
  en: {
    reached: 'Reached',
    confirmed: 'Confirmed',
    unreached: 'Not reached',
    held: 'Waiting for network',
    summary: 'Progress chart: {r} reached, {c} confirmed, {u} not reached and {h} waiting for network of {n}.',
    waiting: 'The chart fills in once the alert has started.',
  },
};

/** Drawn again only when the history (read every few seconds) changes, not with every progress push around it. */
export const ProgressChart = memo(function ProgressChart({
  history,
  height = 200,
}: {
  history: CampaignHistory | undefined;
  height?: number;
}) {
  const t = useT(dict);
  const f = useFormat();
  const rows = history ? chartRows(history, f.locale) : [];
  const last = history?.points.at(-1);
  if (!history || !last || rows.length === 0)
    return (
      <Text size="sm" c="dimmed">
        {t('waiting')}
      </Text>
    );
  // Ticks at nobody, half and everyone: the scale reads the same for 10 and 10,000 people.
  const top = Math.max(2, history.recipients);
  const summary = t('summary', {
    r: f.number(last.reached),
    c: f.number(last.confirmed),
    u: f.number(last.unreached),
    h: f.number(last.held),
    n: f.number(history.recipients),
  });
  return (
    <figure style={{ margin: 0 }} aria-label={summary} role="img">
      <LineChart
        h={height}
        data={rows}
        dataKey="time"
        withLegend
        legendProps={{ verticalAlign: 'bottom' }}
        withDots={false}
        curveType="stepAfter"
        yAxisProps={{ domain: [0, top], ticks: [0, Math.round(top / 2), top], allowDecimals: false }}
        valueFormatter={(v) => f.number(v)}
        series={[
          { name: 'reached', label: t('reached'), color: 'blue.7' },
          { name: 'confirmed', label: t('confirmed'), color: 'green.8' },
          { name: 'unreached', label: t('unreached'), color: 'red.7' },
          { name: 'held', label: t('held'), color: 'orange.6', strokeDasharray: '6 3' },
        ]}
      />
      <Text size="xs" c="dimmed">
        {summary}
      </Text>
    </figure>
  );
});
