// The after-action report of one alert (Efterhandsrapport): what the crisis room files
// afterwards — who started and approved it, when, to whom, how; the curve; how fast people
// confirmed; outcome per channel and provider; everyone not reached with every attempt and
// its reason; what operators did; what it cost. The same view is printed to PDF (see
// reportPdf.ts), so it is laid out for paper as well as for the screen.
import { Alert, Anchor, Badge, Button, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { memo, useMemo, useRef, useState, type RefObject } from 'react';
import { CONFIRM_BUCKETS_S, type AfterActionReport as Report, type Campaign } from '@gdial/protocol';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useWords } from '../../components/labels';
import { ProgressChart } from '../../components/ProgressChart';
import { providerReasonText } from '../../components/providerReasons';
import { useFormat, useLanguage, useT } from '../../i18n';
import { useQuery, useRpc } from '../../rpc/react';
import { auditInRed, auditText, redRowStyle } from '../auditText';
import { reportPdf } from './reportPdf';
import { RepeatButtons } from './RepeatButtons';
import { UnreachedTable } from './UnreachedTable';
import { ReplySummary } from '../inbox/ReplyAi';

const dict = {
  sv: {
    title: 'Efterhandsrapport: {name}',
    back: '← Till larmet',
    loading: 'Hämtar rapporten…',
    pdf: 'Ladda ner PDF',
    pdfDone: 'PDF sparad: {f}',
    summary: 'Sammanfattning',
    organisation: 'Organisation',
    generated: 'Rapporten skapad',
    startedBy: 'Startat av',
    approvedBy: 'Godkänt av',
    notRecorded: 'inte registrerat',
    started: 'Startade',
    finished: 'Avslutades',
    running: 'pågår',
    mode: 'Test eller skarpt',
    test: 'TEST – bara testgruppen larmades',
    live: 'Skarpt larm',
    audience: 'Målgrupp',
    contacts: '{n} enskilda kontakter',
    plan: 'Kanaler och plan',
    step: '{i}. {ch}',
    stepAfter: '{i}. {ch} efter {s} s',
    recipients: 'Mottagare',
    outcome: 'Utfall',
    reachedLine: '{r} av {n} nådda, {c} bekräftade, {u} ej nådda',
    curve: 'Förlopp',
    ttc: 'Tid till bekräftelse',
    ttcLine: 'Median {m}, 90:e percentilen {p} ({c} bekräftelser). Räknat från första utskicket till personen.',
    ttcNone: 'Ingen har bekräftat.',
    upTo: 'Högst {t}',
    longer: 'Längre än {t}',
    people: 'Personer',
    perChannel: 'Utfall per kanal',
    channel: 'Kanal',
    deliveries: 'Utskick',
    handedOver: 'Lämnade till leverantör',
    delivered: 'Levererade',
    failed: 'Misslyckade',
    confirmedOn: 'Bekräftade här',
    perProvider: 'Utfall per leverantör',
    provider: 'Leverantör',
    errors: 'Felkoder',
    unreached: 'Ej nådda ({n})',
    unreachedNone: 'Alla nåddes.',
    actions: 'Operatörernas åtgärder',
    when: 'När',
    who: 'Vem',
    what: 'Vad',
    cost: 'Kostnad',
    costLine: 'SMS: {s} delar, {sc}. Samtal: {m} min, {cc}. WhatsApp: {w} meddelanden, {wc}. E-post: {e}. Totalt {t}.',
    costNote: 'Beräknat med organisationens prislista; samtal med uppskattade minuter per besvarat samtal.',
  },
  en: {
    title: 'After-action report: {name}',
    back: '← Back to the alert',
    loading: 'Fetching the report…',
    pdf: 'Download PDF',
    pdfDone: 'PDF saved: {f}',
    summary: 'Summary',
    organisation: 'Organisation',
    generated: 'Report generated',
    startedBy: 'Started by',
    approvedBy: 'Approved by',
    notRecorded: 'not recorded',
    started: 'Started',
    finished: 'Finished',
    running: 'running',
    mode: 'Test or live',
    test: 'TEST – only the test group was alerted',
    live: 'Live alert',
    audience: 'Audience',
    contacts: '{n} individual contacts',
    plan: 'Channels and plan',
    step: '{i}. {ch}',
    stepAfter: '{i}. {ch} after {s} s',
    recipients: 'Recipients',
    outcome: 'Outcome',
    reachedLine: '{r} of {n} reached, {c} confirmed, {u} not reached',
    curve: 'Progress',
    ttc: 'Time to confirm',
    ttcLine: 'Median {m}, 90th percentile {p} ({c} confirmations). Counted from the first send to the person.',
    ttcNone: 'Nobody confirmed.',
    upTo: 'At most {t}',
    longer: 'Longer than {t}',
    people: 'People',
    perChannel: 'Outcome per channel',
    channel: 'Channel',
    deliveries: 'Sends',
    handedOver: 'Handed to provider',
    delivered: 'Delivered',
    failed: 'Failed',
    confirmedOn: 'Confirmed here',
    perProvider: 'Outcome per provider',
    provider: 'Provider',
    errors: 'Error codes',
    unreached: 'Not reached ({n})',
    unreachedNone: 'Everyone was reached.',
    actions: 'Operators’ actions',
    when: 'When',
    who: 'Who',
    what: 'What',
    cost: 'Cost',
    costLine: 'SMS: {s} segments, {sc}. Calls: {m} min, {cc}. WhatsApp: {w} messages, {wc}. E-mail: {e}. Total {t}.',
    costNote: 'Priced with the organisation’s price table; calls at the estimated minutes per answered call.',
  },
};

/** "1 min 30 s", "45 s", "2 h 5 min". */
export function durationText(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) {
    const m = Math.floor(seconds / 60);
    const s = Math.round(seconds % 60);
    return s === 0 ? `${m} min` : `${m} min ${s} s`;
  }
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

export function AfterActionReportPage({ id }: { id: number }) {
  const t = useT(dict);
  const campaign = useQuery('campaigns.get', { id });
  const report = useQuery('campaigns.afterAction', { id });
  const groups = useQuery('groups.list', {});
  const groupNames = useMemo(() => new Map((groups.data?.groups ?? []).map((g) => [g.id, g.name])), [groups.data]);
  const error = campaign.error ?? report.error;
  if (error) return <ErrorAlert error={error} />;
  if (!campaign.data || !report.data)
    return (
      <Group>
        <Loader size="sm" />
        <Text>{t('loading')}</Text>
      </Group>
    );
  return <AfterActionView campaign={campaign.data} report={report.data} groupNames={groupNames} />;
}

function AfterActionView({ campaign, report, groupNames }: { campaign: Campaign; report: Report; groupNames: Map<number, string> }) {
  const t = useT(dict);
  const f = useFormat();
  const { language } = useLanguage();
  const sheet = useRef<HTMLDivElement>(null);
  const rpc = useRpc();
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const title = t('title', { name: campaign.name });

  const downloadPdf = () => {
    if (!sheet.current) return;
    setBusy(true);
    setError(null);
    setSaved(null);
    reportPdf({
      sheet: sheet.current,
      title,
      organisation: report.organisation,
      generatedAt: f.dateTime(report.generatedAt),
      language,
      campaignId: campaign.id,
    })
      // The export of a report is audited: the engine records who saved it once the file exists.
      .then(async (fileName) => {
        await rpc.call('campaigns.reportExported', { id: campaign.id, format: 'pdf' });
        setSaved(t('pdfDone', { f: fileName }));
      })
      .catch(setError)
      .finally(() => setBusy(false));
  };

  return (
    <Stack>
      <Group justify="space-between" className="no-print">
        <Anchor href={`#/campaigns/${campaign.id}`}>{t('back')}</Anchor>
        <Group>
          <RepeatButtons
            id={campaign.id}
            name={campaign.name}
            status={campaign.status}
            unconfirmed={report.recipients - report.confirmed}
          />
          <Button onClick={downloadPdf} loading={busy}>
            {t('pdf')}
          </Button>
        </Group>
      </Group>
      {saved && (
        <Alert color="green" className="no-print" role="status">
          {saved}
        </Alert>
      )}
      <ErrorAlert error={error} />
      <ReplySummary campaignId={campaign.id} />
      <ReportSheet sheetRef={sheet} campaign={campaign} report={report} groupNames={groupNames} />
    </Stack>
  );
}

/**
 * The report itself, the part printed to PDF. Drawn again only when the report changes, not
 * when the PDF button around it turns busy and back: a report can hold thousands of rows.
 */
const ReportSheet = memo(function ReportSheet({
  sheetRef,
  campaign,
  report,
  groupNames,
}: {
  sheetRef: RefObject<HTMLDivElement | null>;
  campaign: Campaign;
  report: Report;
  groupNames: Map<number, string>;
}) {
  const t = useT(dict);
  const f = useFormat();
  const words = useWords();
  const { language } = useLanguage();
  const money = (x: number) => new Intl.NumberFormat(f.locale, { style: 'currency', currency: report.cost.currency }).format(x);
  const s = campaign.settings;
  const audience = [
    ...s.audience.groupIds.map((g) => groupNames.get(g) ?? `#${g}`),
    ...(s.audience.contactIds.length > 0 ? [t('contacts', { n: f.number(s.audience.contactIds.length) })] : []),
  ].join(', ');
  const plan = s.steps
    .map((st, i) =>
      i > 0 && st.waitSeconds > 0
        ? t('stepAfter', { i: i + 1, ch: words.channel[st.channel], s: f.number(st.waitSeconds) })
        : t('step', { i: i + 1, ch: words.channel[st.channel] }),
    )
    .join(' → ');
  const ttc = report.timeToConfirm;
  const title = t('title', { name: campaign.name });
  const summary: [string, string][] = [
    [t('organisation'), report.organisation ?? '–'],
    [t('generated'), f.dateTime(report.generatedAt)],
    [t('startedBy'), report.startedBy ?? t('notRecorded')],
    [t('approvedBy'), report.approvedBy ?? t('notRecorded')],
    [t('started'), campaign.startedAt ? f.dateTime(campaign.startedAt) : '–'],
    [t('finished'), campaign.finishedAt ? f.dateTime(campaign.finishedAt) : t('running')],
    [t('mode'), campaign.testMode ? t('test') : t('live')],
    [t('audience'), audience || '–'],
    [t('plan'), plan],
    [t('recipients'), f.number(report.recipients)],
    [
      t('outcome'),
      t('reachedLine', {
        r: f.number(report.reached),
        n: f.number(report.recipients),
        c: f.number(report.confirmed),
        u: f.number(report.unreached.length),
      }),
    ],
  ];

  return (
    <Stack ref={sheetRef} gap="md" data-report-sheet aria-label={title}>
      <Group gap="sm">
        <Title order={2}>{title}</Title>
        {campaign.testMode && <Badge color="grape">TEST</Badge>}
      </Group>
      <section aria-label={t('summary')}>
        <Title order={3} size="h4">
          {t('summary')}
        </Title>
        <Table withRowBorders={false} verticalSpacing={2}>
          <Table.Tbody>
            {summary.map(([k, v]) => (
              <Table.Tr key={k}>
                <Table.Th scope="row" w={220}>
                  {k}
                </Table.Th>
                <Table.Td>{v}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </section>
      <section aria-label={t('curve')}>
        <Title order={3} size="h4">
          {t('curve')}
        </Title>
        <ProgressChart history={report.history} height={220} />
      </section>
      <section aria-label={t('ttc')}>
        <Title order={3} size="h4">
          {t('ttc')}
        </Title>
        {ttc.medianSeconds === null ? (
          <Text>{t('ttcNone')}</Text>
        ) : (
          <>
            <Text>
              {t('ttcLine', { m: durationText(ttc.medianSeconds), p: durationText(ttc.p90Seconds ?? 0), c: f.number(ttc.confirmed) })}
            </Text>
            <Table withTableBorder maw={420}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('ttc')}</Table.Th>
                  <Table.Th ta="right">{t('people')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {ttc.distribution.map((count, i) => (
                  <Table.Tr key={i}>
                    <Table.Td>
                      {i < CONFIRM_BUCKETS_S.length
                        ? t('upTo', { t: durationText(CONFIRM_BUCKETS_S[i]!) })
                        : t('longer', { t: durationText(CONFIRM_BUCKETS_S.at(-1)!) })}
                    </Table.Td>
                    <Table.Td ta="right">{f.number(count)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </>
        )}
      </section>
      <section aria-label={t('perChannel')}>
        <Title order={3} size="h4">
          {t('perChannel')}
        </Title>
        <Table withTableBorder>
          <Table.Thead>
            <Table.Tr>
              {(['channel', 'deliveries', 'handedOver', 'delivered', 'failed', 'confirmedOn'] as const).map((k) => (
                <Table.Th key={k}>{t(k)}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {report.channels.map((c) => (
              <Table.Tr key={c.channel}>
                <Table.Td>{words.channel[c.channel]}</Table.Td>
                <Table.Td>{f.number(c.deliveries)}</Table.Td>
                <Table.Td>{f.number(c.handedOver)}</Table.Td>
                <Table.Td>{f.number(c.delivered)}</Table.Td>
                <Table.Td>{f.number(c.failed)}</Table.Td>
                <Table.Td>{f.number(c.confirmed)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </section>
      <section aria-label={t('perProvider')}>
        <Title order={3} size="h4">
          {t('perProvider')}
        </Title>
        <Table withTableBorder>
          <Table.Thead>
            <Table.Tr>
              {(['provider', 'handedOver', 'delivered', 'failed', 'errors'] as const).map((k) => (
                <Table.Th key={k}>{t(k)}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {report.providers.map((p) => (
              <Table.Tr key={p.provider}>
                <Table.Td>{p.provider}</Table.Td>
                <Table.Td>{f.number(p.handedOver)}</Table.Td>
                <Table.Td>{f.number(p.delivered)}</Table.Td>
                <Table.Td>{f.number(p.failed)}</Table.Td>
                <Table.Td>
                  {p.errors
                    .map((e) => `${e.code} (${f.number(e.count)}): ${providerReasonText(e.code, null, language) ?? ''}`)
                    .join('; ') || '–'}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </section>
      <section aria-label={t('unreached', { n: f.number(report.unreached.length) })}>
        <Title order={3} size="h4">
          {t('unreached', { n: f.number(report.unreached.length) })}
        </Title>
        {report.unreached.length === 0 ? <Text>{t('unreachedNone')}</Text> : <UnreachedTable rows={report.unreached} />}
      </section>
      <section aria-label={t('actions')}>
        <Title order={3} size="h4">
          {t('actions')}
        </Title>
        <Table withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={180}>{t('when')}</Table.Th>
              <Table.Th w={180}>{t('who')}</Table.Th>
              <Table.Th>{t('what')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {report.actions.map((a) => {
              // An emergency override stands out in red, as in the audit view (and on paper).
              const red = auditInRed(a.action);
              return (
                <Table.Tr key={a.id} style={red ? redRowStyle : undefined}>
                  <Table.Td>{f.dateTime(a.at)}</Table.Td>
                  <Table.Td>{a.actor}</Table.Td>
                  <Table.Td c={red ? 'var(--gdial-error-text)' : undefined} fw={red ? 700 : undefined}>
                    {auditText(a, language).text}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </section>
      <section aria-label={t('cost')}>
        <Title order={3} size="h4">
          {t('cost')}
        </Title>
        <Text>
          {t('costLine', {
            s: f.number(report.cost.smsSegments),
            sc: money(report.cost.smsCost),
            m: f.number(report.cost.callMinutes),
            cc: money(report.cost.callCost),
            w: f.number(report.cost.whatsappMessages),
            wc: money(report.cost.whatsappCost),
            e: f.number(report.cost.emails),
            t: money(report.cost.total),
          })}
        </Text>
        <Text size="sm" c="dimmed">
          {t('costNote')}
        </Text>
      </section>
    </Stack>
  );
});
