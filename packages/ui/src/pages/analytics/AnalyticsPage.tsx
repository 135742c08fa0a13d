// Analys: how the organisation's alerts went over a period. The operator picks a date range
// and filters (group, channel, test or live); the engine computes every figure (see
// analytics.overview) over the alerts of every desktop, and each table can be saved as CSV.
import { BarChart } from '@mantine/charts';
import { Alert, Anchor, Badge, Group, Loader, SegmentedControl, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { analyticsModes, channels, type Analytics, type AnalyticsFilter, type Channel } from '@gdial/protocol';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useWords } from '../../components/labels';
import { providerReasonText } from '../../components/providerReasons';
import { useFormat, useLanguage, useT } from '../../i18n';
import { useQuery } from '../../rpc/react';
import { durationText } from '../campaigns/AfterActionReport';
import { FigureTable, type Column } from './FigureTable';

const dict = {
  sv: {
    title: 'Analys',
    intro:
      'Larmen som startade under perioden, från alla arbetsplatser i organisationen. Tid till bekräftelse räknas från första utskicket till personen.',
    from: 'Från och med',
    to: 'Till och med',
    group: 'Grupp',
    allGroups: 'Alla grupper',
    channel: 'Kanal',
    allChannels: 'Alla kanaler',
    mode: 'Test eller skarpt',
    all: 'Alla',
    live: 'Skarpa',
    test: 'Test',
    loading: 'Räknar…',
    summary: '{a} larm, {n} mottagare, {c} bekräftade ({r}).',
    noAlerts:
      'Inga larm startade under perioden med de valda filtren. Välj en längre period eller ta bort ett filter; bara larm som har startats räknas, inte utkast.',
    perDay: 'Larm över tid',
    perDayEmpty: 'Inga larm under perioden.',
    day: 'Dag',
    liveAlerts: 'Skarpa larm',
    testAlerts: 'Testlarm',
    perAlert: 'Bekräftelse per larm',
    alert: 'Larm',
    started: 'Startade',
    kind: 'Typ',
    kindLive: 'Skarpt',
    kindTest: 'Test',
    recipients: 'Mottagare',
    confirmed: 'Bekräftade',
    rate: 'Andel bekräftade',
    median: 'Median tid till bekräftelse',
    p90: '90:e percentilen',
    perGroup: 'Bekräftelse per grupp',
    perGroupNote: 'Mottagarna i larmen som riktades till gruppen.',
    perGroupEmpty: 'Inget av larmen riktades till en grupp (bara enskilda kontakter).',
    groupCol: 'Grupp',
    alerts: 'Larm',
    perChannel: 'Utfall per kanal',
    perChannelEmpty: 'Larmen har inga utskick.',
    deliveries: 'Utskick',
    handedOver: 'Lämnade till leverantör',
    delivered: 'Levererade',
    failed: 'Misslyckade',
    deliveredRate: 'Andel levererade',
    failedRate: 'Andel misslyckade',
    perProvider: 'Utfall per leverantör',
    perProviderEmpty: 'Inget utskick lämnades till en leverantör.',
    provider: 'Leverantör',
    errors: 'Felkoder från leverantörerna',
    errorsEmpty: 'Inga misslyckade utskick med felkod under perioden.',
    code: 'Kod',
    reason: 'Skäl',
    count: 'Antal',
    costs: 'Kostnad per månad',
    costsNote: 'Beräknat med organisationens prislista; samtal med uppskattade minuter per besvarat samtal. Månaden larmet startade.',
    costsEmpty: 'Inget som kostar lämnades till en leverantör.',
    month: 'Månad',
    smsSegments: 'SMS-delar',
    smsCost: 'SMS ({cur})',
    callMinutes: 'Samtalsminuter',
    callCost: 'Samtal ({cur})',
    whatsapp: 'WhatsApp-meddelanden',
    whatsappCost: 'WhatsApp ({cur})',
    emails: 'E-post',
    total: 'Totalt ({cur})',
    chartAlerts: 'Stapeldiagram: {n} larm under perioden, flest på en dag {m}.',
    chartRate: 'Stapeldiagram över andel levererade per kanal.',
    chartCost: 'Stapeldiagram över kostnad per månad, totalt {t}.',
  },
  en: {
    title: 'Analytics',
    intro:
      'The alerts that started in the period, from every workstation of the organisation. Time to confirm counts from the first send to the person.',
    from: 'From',
    to: 'To (inclusive)',
    group: 'Group',
    allGroups: 'All groups',
    channel: 'Channel',
    allChannels: 'All channels',
    mode: 'Test or live',
    all: 'All',
    live: 'Live',
    test: 'Test',
    loading: 'Counting…',
    summary: '{a} alerts, {n} recipients, {c} confirmed ({r}).',
    noAlerts:
      'No alert started in the period with these filters. Choose a longer period or remove a filter; only started alerts count, not drafts.',
    perDay: 'Alerts over time',
    perDayEmpty: 'No alerts in the period.',
    day: 'Day',
    liveAlerts: 'Live alerts',
    testAlerts: 'Test alerts',
    perAlert: 'Confirmation per alert',
    alert: 'Alert',
    started: 'Started',
    kind: 'Kind',
    kindLive: 'Live',
    kindTest: 'Test',
    recipients: 'Recipients',
    confirmed: 'Confirmed',
    rate: 'Confirmation rate',
    median: 'Median time to confirm',
    p90: '90th percentile',
    perGroup: 'Confirmation per group',
    perGroupNote: 'The recipients of the alerts aimed at the group.',
    perGroupEmpty: 'None of the alerts was aimed at a group (only individual contacts).',
    groupCol: 'Group',
    alerts: 'Alerts',
    perChannel: 'Outcome per channel',
    perChannelEmpty: 'The alerts have no sends.',
    deliveries: 'Sends',
    handedOver: 'Handed to provider',
    delivered: 'Delivered',
    failed: 'Failed',
    deliveredRate: 'Delivered rate',
    failedRate: 'Failed rate',
    perProvider: 'Outcome per provider',
    perProviderEmpty: 'Nothing was handed to a provider.',
    provider: 'Provider',
    errors: 'Providers’ error codes',
    errorsEmpty: 'No failed sends with an error code in the period.',
    code: 'Code',
    reason: 'Reason',
    count: 'Count',
    costs: 'Cost per month',
    costsNote: 'Priced with the organisation’s price table; calls at the estimated minutes per answered call. The month the alert started.',
    costsEmpty: 'Nothing that costs was handed to a provider.',
    month: 'Month',
    smsSegments: 'SMS segments',
    smsCost: 'SMS ({cur})',
    callMinutes: 'Call minutes',
    callCost: 'Calls ({cur})',
    whatsapp: 'WhatsApp messages',
    whatsappCost: 'WhatsApp ({cur})',
    emails: 'E-mail',
    total: 'Total ({cur})',
    chartAlerts: 'Bar chart: {n} alerts in the period, at most {m} on one day.',
    chartRate: 'Bar chart of the delivered rate per channel.',
    chartCost: 'Bar chart of the cost per month, {t} in all.',
  },
};

/** A local calendar day as YYYY-MM-DD. */
const dayOf = (d: Date) => d.toLocaleDateString('sv-SE');

export function defaultRange(now = new Date()): { from: string; to: string } {
  const from = new Date(now);
  from.setDate(from.getDate() - 29);
  return { from: dayOf(from), to: dayOf(now) };
}

/** A share as a whole percentage with one decimal, or null when there is nothing to divide. */
const share = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 1000) / 10);

export function AnalyticsPage() {
  const t = useT(dict);
  const words = useWords();
  const [filter, setFilter] = useState<Required<AnalyticsFilter>>(() => ({ ...defaultRange(), groupId: null, channel: null, mode: 'all' }));
  const groups = useQuery('groups.list', {});
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(filter.from) && /^\d{4}-\d{2}-\d{2}$/.test(filter.to);
  const q = useQuery('analytics.overview', filter, { enabled: valid });
  const set = (change: Partial<AnalyticsFilter>) => setFilter((f) => ({ ...f, ...change }));

  return (
    <Stack>
      <Title order={2}>{t('title')}</Title>
      <Text size="sm" c="dimmed">
        {t('intro')}
      </Text>
      <Group align="end" wrap="wrap">
        <TextInput type="date" label={t('from')} value={filter.from} onChange={(e) => set({ from: e.currentTarget.value })} />
        <TextInput type="date" label={t('to')} value={filter.to} onChange={(e) => set({ to: e.currentTarget.value })} />
        <Select
          label={t('group')}
          placeholder={t('allGroups')}
          clearable
          searchable
          data={(groups.data?.groups ?? []).map((g) => ({ value: String(g.id), label: g.name }))}
          value={filter.groupId === null ? null : String(filter.groupId)}
          onChange={(v) => set({ groupId: v === null ? null : Number(v) })}
        />
        <Select
          label={t('channel')}
          placeholder={t('allChannels')}
          clearable
          data={channels.map((c) => ({ value: c, label: words.channel[c] }))}
          value={filter.channel}
          onChange={(v) => set({ channel: (v as Channel | null) ?? null })}
        />
        <div>
          <Text size="sm" fw={500} id="analytics-mode">
            {t('mode')}
          </Text>
          <SegmentedControl
            aria-labelledby="analytics-mode"
            value={filter.mode}
            onChange={(v) => set({ mode: v as (typeof analyticsModes)[number] })}
            data={analyticsModes.map((m) => ({ value: m, label: t(m) }))}
          />
        </div>
      </Group>
      <ErrorAlert error={q.error} />
      {q.loading && !q.data ? (
        <Group>
          <Loader size="sm" />
          <Text>{t('loading')}</Text>
        </Group>
      ) : (
        q.data && <Figures a={q.data} />
      )}
    </Stack>
  );
}

function Figures({ a }: { a: Analytics }) {
  const t = useT(dict);
  const f = useFormat();
  const words = useWords();
  const { language } = useLanguage();
  const pct = (x: number | null) => (x === null ? '–' : `${f.number(x)} %`);
  const dur = (x: number | null) => (x === null ? '–' : durationText(x));
  const cur = a.currency;
  const money = (x: number) => new Intl.NumberFormat(f.locale, { style: 'currency', currency: cur }).format(x);
  const recipients = a.alerts.reduce((s, x) => s + x.recipients, 0);
  const confirmed = a.alerts.reduce((s, x) => s + x.confirmed, 0);
  const range = `${a.from}_${a.to}`;
  const file = (name: string) => `${name}_${range}`;

  const confirmationColumns = <
    Row extends { recipients: number; confirmed: number; medianSeconds: number | null; p90Seconds: number | null },
  >(): Column<Row>[] => [
    { header: t('recipients'), value: (r) => r.recipients, show: (r) => f.number(r.recipients), numeric: true },
    { header: t('confirmed'), value: (r) => r.confirmed, show: (r) => f.number(r.confirmed), numeric: true },
    {
      header: `${t('rate')} (%)`,
      value: (r) => share(r.confirmed, r.recipients),
      show: (r) => pct(share(r.confirmed, r.recipients)),
      numeric: true,
    },
    { header: `${t('median')} (s)`, value: (r) => r.medianSeconds, show: (r) => dur(r.medianSeconds), numeric: true },
    { header: `${t('p90')} (s)`, value: (r) => r.p90Seconds, show: (r) => dur(r.p90Seconds), numeric: true },
  ];
  const outcomeColumns = <Row extends { handedOver: number; delivered: number; failed: number }>(): Column<Row>[] => [
    { header: t('handedOver'), value: (r) => r.handedOver, show: (r) => f.number(r.handedOver), numeric: true },
    { header: t('delivered'), value: (r) => r.delivered, show: (r) => f.number(r.delivered), numeric: true },
    { header: t('failed'), value: (r) => r.failed, show: (r) => f.number(r.failed), numeric: true },
    {
      header: `${t('deliveredRate')} (%)`,
      value: (r) => share(r.delivered, r.handedOver),
      show: (r) => pct(share(r.delivered, r.handedOver)),
      numeric: true,
    },
    {
      header: `${t('failedRate')} (%)`,
      value: (r) => share(r.failed, r.handedOver),
      show: (r) => pct(share(r.failed, r.handedOver)),
      numeric: true,
    },
  ];
  const busiest = Math.max(0, ...a.perDay.map((d) => d.live + d.test));
  const costTotal = a.costs.reduce((s, m) => s + m.total, 0);

  return (
    <Stack gap="lg">
      {a.alerts.length === 0 ? (
        <Alert color="gray" role="status">
          {t('noAlerts')}
        </Alert>
      ) : (
        <Text fw={500} role="status">
          {t('summary', {
            a: f.number(a.alerts.length),
            n: f.number(recipients),
            c: f.number(confirmed),
            r: pct(share(confirmed, recipients)),
          })}
        </Text>
      )}
      <FigureTable
        title={t('perDay')}
        file={file(t('perDay'))}
        rows={a.alerts.length === 0 ? [] : a.perDay}
        empty={t('perDayEmpty')}
        columns={[
          { header: t('day'), value: (r) => r.day },
          { header: t('liveAlerts'), value: (r) => r.live, numeric: true },
          { header: t('testAlerts'), value: (r) => r.test, numeric: true },
        ]}
      >
        <figure role="img" aria-label={t('chartAlerts', { n: f.number(a.alerts.length), m: f.number(busiest) })} style={{ margin: 0 }}>
          <BarChart
            h={200}
            data={a.perDay}
            dataKey="day"
            type="stacked"
            withLegend
            legendProps={{ verticalAlign: 'bottom' }}
            yAxisProps={{ allowDecimals: false }}
            series={[
              { name: 'live', label: t('liveAlerts'), color: 'red.7' },
              { name: 'test', label: t('testAlerts'), color: 'grape.6' },
            ]}
          />
        </figure>
      </FigureTable>
      <FigureTable
        title={t('perAlert')}
        file={file(t('perAlert'))}
        rows={a.alerts}
        empty={t('noAlerts')}
        columns={[
          { header: t('alert'), value: (r) => r.name, show: (r) => <Anchor href={`#/campaigns/${r.id}/report`}>{r.name}</Anchor> },
          { header: t('started'), value: (r) => f.dateTime(r.startedAt) },
          {
            header: t('kind'),
            value: (r) => (r.testMode ? t('kindTest') : t('kindLive')),
            show: (r) => (r.testMode ? <Badge color="grape">TEST</Badge> : t('kindLive')),
          },
          ...confirmationColumns<Analytics['alerts'][number]>(),
        ]}
      />
      <FigureTable
        title={t('perGroup')}
        file={file(t('perGroup'))}
        rows={a.groups}
        empty={a.alerts.length === 0 ? t('noAlerts') : t('perGroupEmpty')}
        columns={[
          { header: t('groupCol'), value: (r) => r.name },
          { header: t('alerts'), value: (r) => r.alerts, numeric: true },
          ...confirmationColumns<Analytics['groups'][number]>(),
        ]}
      >
        <Text size="xs" c="dimmed">
          {t('perGroupNote')}
        </Text>
      </FigureTable>
      <FigureTable
        title={t('perChannel')}
        file={file(t('perChannel'))}
        rows={a.channels}
        empty={a.alerts.length === 0 ? t('noAlerts') : t('perChannelEmpty')}
        columns={[
          { header: t('channel'), value: (r) => words.channel[r.channel] },
          { header: t('deliveries'), value: (r) => r.deliveries, show: (r) => f.number(r.deliveries), numeric: true },
          ...outcomeColumns<Analytics['channels'][number]>(),
        ]}
      >
        <figure role="img" aria-label={t('chartRate')} style={{ margin: 0 }}>
          <BarChart
            h={160}
            data={a.channels.map((c) => ({
              channel: words.channel[c.channel],
              delivered: share(c.delivered, c.handedOver) ?? 0,
              failed: share(c.failed, c.handedOver) ?? 0,
            }))}
            dataKey="channel"
            yAxisProps={{ domain: [0, 100] }}
            valueFormatter={(v) => `${f.number(v)} %`}
            withLegend
            legendProps={{ verticalAlign: 'bottom' }}
            series={[
              { name: 'delivered', label: t('deliveredRate'), color: 'green.8' },
              { name: 'failed', label: t('failedRate'), color: 'red.7' },
            ]}
          />
        </figure>
      </FigureTable>
      <FigureTable
        title={t('perProvider')}
        file={file(t('perProvider'))}
        rows={a.providers}
        empty={a.alerts.length === 0 ? t('noAlerts') : t('perProviderEmpty')}
        columns={[{ header: t('provider'), value: (r) => r.provider }, ...outcomeColumns<Analytics['providers'][number]>()]}
      />
      <FigureTable
        title={t('errors')}
        file={file(t('errors'))}
        rows={a.errors}
        empty={a.alerts.length === 0 ? t('noAlerts') : t('errorsEmpty')}
        columns={[
          { header: t('provider'), value: (r) => r.provider },
          { header: t('code'), value: (r) => r.code },
          { header: t('reason'), value: (r) => providerReasonText(r.code, null, language) },
          { header: t('count'), value: (r) => r.count, show: (r) => f.number(r.count), numeric: true },
        ]}
      />
      <FigureTable
        title={t('costs')}
        file={file(t('costs'))}
        rows={a.costs}
        empty={a.alerts.length === 0 ? t('noAlerts') : t('costsEmpty')}
        columns={[
          { header: t('month'), value: (r) => r.month },
          { header: t('smsSegments'), value: (r) => r.smsSegments, show: (r) => f.number(r.smsSegments), numeric: true },
          { header: t('smsCost', { cur }), value: (r) => r.smsCost, show: (r) => money(r.smsCost), numeric: true },
          { header: t('callMinutes'), value: (r) => r.callMinutes, show: (r) => f.number(r.callMinutes), numeric: true },
          { header: t('callCost', { cur }), value: (r) => r.callCost, show: (r) => money(r.callCost), numeric: true },
          { header: t('whatsapp'), value: (r) => r.whatsappMessages, show: (r) => f.number(r.whatsappMessages), numeric: true },
          { header: t('whatsappCost', { cur }), value: (r) => r.whatsappCost, show: (r) => money(r.whatsappCost), numeric: true },
          { header: t('emails'), value: (r) => r.emails, show: (r) => f.number(r.emails), numeric: true },
          { header: t('total', { cur }), value: (r) => r.total, show: (r) => money(r.total), numeric: true },
        ]}
      >
        <Text size="xs" c="dimmed">
          {t('costsNote')}
        </Text>
        <figure role="img" aria-label={t('chartCost', { t: money(costTotal) })} style={{ margin: 0 }}>
          <BarChart
            h={160}
            data={a.costs}
            dataKey="month"
            valueFormatter={money}
            series={[{ name: 'total', label: t('total', { cur }), color: 'blue.7' }]}
          />
        </figure>
      </FigureTable>
    </Stack>
  );
}
