// The live view of one campaign: a big state line, the numbers that matter (confirmed,
// waiting, not reached), the chart, throughput, pause/resume/cancel, the report export,
// and the roll-call: everyone, searchable, with each person's history one click away.
import { Alert, Anchor, Badge, Button, Group, Loader, Paper, Progress, SimpleGrid, Stack, Text, Textarea, Title } from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import { campaignAllows, type CampaignProgress, type Channel, type RecipientReport } from '@gdial/protocol';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { campaignStatusColour, useWords } from '../../components/labels';
import { ProgressChart } from '../../components/ProgressChart';
import { TestBanner } from '../../components/TestBanner';
import { reachedCount, useCampaignHistory } from '../../components/progressHistory';
import { useFormat, useLanguage, useT } from '../../i18n';
import { navigate } from '../../router';
import { useRpc } from '../../rpc/react';
import { ApprovalPanel, useApproval } from './ApprovalPanel';
import { DeleteCampaignButton } from './DeleteCampaignButton';
import { HeldBanner } from './HeldBanner';
import { WavesPanel } from './WavesPanel';
import { OwnerBanner, useAlertOwner } from './OwnerBanner';
import { providerLabel, RecipientTimeline } from './RecipientTimeline';
import { RepeatButtons } from './RepeatButtons';
import { CapExportButton } from './CapExportButton';
import { CsvExportMenu } from './CsvExportMenu';
import { personStateColour, personStateWords } from './personStateWords';
import { bucketCounts, personStates, stateCounts, type RollCallFilter } from './rollCall';
import { RollCallSection } from './RollCallSection';
import { useCampaignLive } from './useCampaignLive';
import { pageScope } from '../../components/pageScope';
import { RoleGuard } from '../../components/RoleGuard';

/** The share of the bar (%) a section needs before its label fits without being cut. */
const MIN_LABELLED_PCT = 14;

const dict = {
  sv: {
    back: '← Alla larm',
    loading: 'Hämtar larmet…',
    test: 'TESTKÖRNING',
    confirmed: 'Bekräftade',
    waiting: 'Inte klara än',
    failed: 'Ej nådda',
    all: 'Alla',
    ofTotal: 'av {n}',
    reached: 'Nådda',
    throughput: '{n} utskick per sekund',
    eta: 'Klart om ungefär {t}',
    etaHeld: 'Klar-tid okänd: väntar på nät',
    pause: 'Pausa',
    resume: 'Fortsätt',
    cancel: 'Stoppa larmet…',
    vma: 'VMA-underlag…',
    cancelTitle: 'Stoppa larmet?',
    cancelBody: 'Inget mer skickas och pågående samtal läggs på. Det som redan skickats går inte att ta tillbaka.',
    cancelConfirm: 'Stoppa larmet',
    cancelKeep: 'Fortsätt larmet',
    cancelReason: 'Skäl (valfritt, sparas i händelseloggen)',
    s_running: 'Larmet pågår',
    s_paused: 'Larmet är pausat – inget skickas förrän du trycker Fortsätt',
    s_scheduled: 'Schemalagt – startar {t}',
    s_draft: 'Utkast – inte startat',
    s_completed: 'Klart: {c} av {n} bekräftade',
    s_cancelled: 'Avbrutet',
    s_awaiting: 'Väntar på att en annan larmoperatör godkänner larmet – inget har skickats',
    s_rejected: 'Avslaget – inget skickades',
    edit: 'Fortsätt redigera',
    unavailable:
      '{p} svarar inte. GDial försöker igen automatiskt, och finns en reservväg går utskicken genom den under tiden. Kontrollera nätet och leverantörsinställningarna.',
    carriedLabel: 'Reservväg',
    carried: 'Reservväg – {c} gick ut genom {list}.',
    carriedOne: '{n} via {p}',
    and: 'och',
    duplicates: '{n} utskick kan ha gått ut två gånger efter ett avbrott. Se förloppet för de berörda.',
    rollCall: 'Upprop',
    pausing: 'Pausar larmet…',
    resuming: 'Larmet fortsätter…',
    chart: 'Förlopp',
    afterAction: 'Efterhandsrapport',
    states: 'Läget per person',
  },
  en: {
    back: '← All alerts',
    loading: 'Fetching the alert…',
    test: 'TEST RUN',
    confirmed: 'Confirmed',
    waiting: 'Not done yet',
    failed: 'Not reached',
    all: 'All',
    ofTotal: 'of {n}',
    reached: 'Reached',
    throughput: '{n} sends per second',
    eta: 'Done in about {t}',
    etaHeld: 'Finish time unknown: waiting for the network',
    pause: 'Pause',
    resume: 'Resume',
    cancel: 'Stop the alert…',
    vma: 'VMA underlag…',
    cancelTitle: 'Stop the alert?',
    cancelBody: 'Nothing more is sent and calls in progress are hung up. What has been sent cannot be taken back.',
    cancelConfirm: 'Stop the alert',
    cancelKeep: 'Keep the alert going',
    cancelReason: 'Reason (optional, kept in the audit log)',
    s_running: 'The alert is running',
    s_paused: 'The alert is paused – nothing is sent until you press Resume',
    s_scheduled: 'Scheduled – starts {t}',
    s_draft: 'Draft – not started',
    s_completed: 'Done: {c} of {n} confirmed',
    s_cancelled: 'Cancelled',
    s_awaiting: 'Waiting for another alert operator to approve the alert – nothing has been sent',
    s_rejected: 'Rejected – nothing was sent',
    edit: 'Continue editing',
    unavailable:
      '{p} is not answering. GDial retries automatically, and where there is a second provider the sends go through it meanwhile. Check the network and the provider settings.',
    carriedLabel: 'Failover',
    carried: 'Failover – {c} went out through {list}.',
    carriedOne: '{n} via {p}',
    and: 'and',
    duplicates: '{n} sends may have gone out twice after an interruption. See the history of those affected.',
    rollCall: 'Roll-call',
    pausing: 'Pausing the alert…',
    resuming: 'Resuming the alert…',
    chart: 'Progress',
    afterAction: 'After-action report',
    states: 'Where each person stands',
  },
};

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  if (seconds < 3600) return `${Math.ceil(seconds / 60)} min`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

export function CampaignLiveView({ id }: { id: number }) {
  const t = useT(dict);
  const f = useFormat();
  const words = useWords();
  const rpc = useRpc();
  const live = useCampaignLive(id);
  const { history } = useCampaignHistory(id);
  const owner = useAlertOwner(id);
  const approval = useApproval(id);
  /** Another workstation runs it: shown live, changed only there (or after Ta över). */
  const here = owner?.remote !== true;
  const [selected, setSelected] = useState<RecipientReport | null>(null);
  const [busy, setBusy] = useState(false);
  /** Pausa or Fortsätt pressed and not yet answered: said at once, before the engine answers. */
  const [switching, setSwitching] = useState<'pause' | 'resume' | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [cancelOpen, setCancelOpen] = useState(false);
  const [cancelReason, setCancelReason] = useState('');

  const { campaign, progress } = live;
  const confirmationEnabled = campaign?.settings.confirmation?.enabled ?? true;
  const counts = progress ? bucketCounts(progress.outcomes, confirmationEnabled) : { confirmed: 0, waiting: 0, failed: 0 };
  const { language } = useLanguage();
  const heldChannels = useMemo(() => new Set<string>((progress?.held ?? []).map((h) => h.channel)), [progress?.held]);
  const states = progress
    ? stateCounts(
        progress.outcomes,
        progress.held.reduce((n, h) => n + h.waiting, 0),
        confirmationEnabled,
      )
    : null;
  const total = progress?.recipients ?? campaign?.recipients ?? 0;
  const filterLabels = useMemo<Record<RollCallFilter, string>>(
    () => ({
      all: `${t('all')} (${f.number(total)})`,
      confirmed: `${t('confirmed')} (${f.number(counts.confirmed)})`,
      waiting: `${t('waiting')} (${f.number(counts.waiting)})`,
      failed: `${t('failed')} (${f.number(counts.failed)})`,
    }),
    [t, f, total, counts.confirmed, counts.waiting, counts.failed],
  );
  // The roll-call's lines come without the deliveries' histories: the person opened is read whole.
  const selectedLine = selected ? (live.recipients.find((r) => r.id === selected.id) ?? selected) : null;
  const [selectedWhole, setSelectedWhole] = useState<RecipientReport | null>(null);
  useEffect(() => {
    if (!selectedLine) return setSelectedWhole(null);
    let current = true;
    rpc.call('campaigns.report', { id, recipientId: selectedLine.id, limit: 1 }).then(
      (r) => current && setSelectedWhole(r.recipients[0] ?? selectedLine),
      () => current && setSelectedWhole(selectedLine),
    );
    return () => {
      current = false;
    };
  }, [rpc, id, selectedLine]);
  const selectedFresh = selectedWhole && selectedWhole.id === selected?.id ? selectedWhole : null;

  if (!campaign)
    return live.error ? (
      <ErrorAlert error={live.error} />
    ) : (
      <Group>
        <Loader size="sm" />
        <Text>{t('loading')}</Text>
      </Group>
    );

  const status = progress?.status ?? campaign.status;
  const act = (call: Promise<unknown>) => {
    setBusy(true);
    setActionError(null);
    call.then(() => live.reload(), setActionError).finally(() => setBusy(false));
  };
  /**
   * Pausa and Fortsätt: the button answers in the click's frame, and the engine's answer (the
   * alert with its new status) is shown as it arrives, without reading the roll-call again
   * (its changes follow by the watermark like any other, once the answer is in).
   */
  const switchRun = (what: 'pause' | 'resume') => {
    setSwitching(what);
    setActionError(null);
    live
      .control(() => rpc.call(what === 'pause' ? 'campaigns.pause' : 'campaigns.resume', { id }))
      .then(live.applyAnswer, setActionError)
      .finally(() => setSwitching(null));
  };

  const stateLine =
    switching === 'pause'
      ? t('pausing')
      : switching === 'resume'
        ? t('resuming')
        : status === 'running'
          ? t('s_running')
          : status === 'paused'
            ? t('s_paused')
            : status === 'scheduled'
              ? t('s_scheduled', { t: campaign.nextRunAt ? f.dateTime(campaign.nextRunAt) : '–' })
              : status === 'draft'
                ? t('s_draft')
                : status === 'completed'
                  ? t('s_completed', { c: f.number(progress?.confirmed ?? campaign.confirmed), n: f.number(total) })
                  : status === 'awaiting-approval'
                    ? t('s_awaiting')
                    : status === 'rejected'
                      ? t('s_rejected')
                      : t('s_cancelled');
  const pct = (n: number) => (total === 0 ? 0 : (n / total) * 100);

  return (
    <Stack className={pageScope}>
      <Group justify="space-between">
        <Anchor href="#/campaigns">{t('back')}</Anchor>
        <Group>
          {status !== 'draft' && status !== 'scheduled' && (
            <Button variant="default" onClick={() => navigate('campaigns', id, 'report')}>
              {t('afterAction')}
            </Button>
          )}
          <CsvExportMenu id={id} />
          <CapExportButton id={id} />
          <Button variant="default" onClick={() => navigate('vma', id)}>
            {t('vma')}
          </Button>
        </Group>
      </Group>
      <Group gap="sm">
        <Title order={2}>{campaign.name}</Title>
        {campaign.testMode && (
          <Badge color="grape" size="lg">
            {t('test')}
          </Badge>
        )}
        <Badge size="lg" color={campaignStatusColour(status)}>
          {words.campaignStatus[status]}
        </Badge>
      </Group>

      {campaign.testMode && <TestBanner />}
      <OwnerBanner campaignId={id} owner={owner} onTaken={live.reload} />
      {approval && <ApprovalPanel approval={approval} onChanged={live.reload} />}
      <Paper p="md" radius="md" bg={`${campaignStatusColour(status)}.1`} c="var(--mantine-color-black)">
        <Group justify="space-between">
          <Text fz={24} fw={800} role="status" aria-live="polite">
            {stateLine}
          </Text>
          <Group>
            {here && campaignAllows(status, 'pause') && (
              <RoleGuard method="campaigns.pause">
                {(refused) => (
                  <Button
                    size="md"
                    color="yellow"
                    autoContrast
                    onClick={() => switchRun('pause')}
                    loading={switching === 'pause'}
                    disabled={refused}
                  >
                    {t('pause')}
                  </Button>
                )}
              </RoleGuard>
            )}
            {here && campaignAllows(status, 'resume') && (
              <RoleGuard method="campaigns.resume">
                {(refused) => (
                  <Button size="md" onClick={() => switchRun('resume')} loading={switching === 'resume'} disabled={refused}>
                    {t('resume')}
                  </Button>
                )}
              </RoleGuard>
            )}
            {here && campaignAllows(status, 'cancel') && (
              <RoleGuard method="campaigns.cancel">
                {(refused) => (
                  <Button size="md" color="red" variant="outline" onClick={() => setCancelOpen(true)} disabled={refused}>
                    {t('cancel')}
                  </Button>
                )}
              </RoleGuard>
            )}
            {here && campaignAllows(status, 'edit') && (
              <Button size="md" onClick={() => navigate('campaigns', id, 'edit')}>
                {t('edit')}
              </Button>
            )}
            <RepeatButtons id={id} name={campaign.name} status={status} unconfirmed={counts.waiting + counts.failed} />
            <DeleteCampaignButton id={id} name={campaign.name} status={status} />
          </Group>
        </Group>
      </Paper>

      <ErrorAlert error={actionError ?? live.error} />
      {progress && progress.unavailableProviders.length > 0 && (
        <Alert color="red" role="alert">
          {t('unavailable', { p: progress.unavailableProviders.map(providerLabel).join(', ') })}
        </Alert>
      )}
      {progress && status !== 'completed' && status !== 'cancelled' && (
        <HeldBanner
          held={progress.held}
          busy={busy}
          onSkip={here ? (channel) => act(rpc.call('campaigns.skipHeld', { id, channel })) : null}
          onCancel={here && campaignAllows(status, 'cancel') ? () => setCancelOpen(true) : null}
        />
      )}
      {progress && <Carriers carriers={progress.carriers} failedOver={progress.unavailableProviders.length > 0} />}
      {progress && progress.possibleDuplicates > 0 && <Alert color="orange">{t('duplicates', { n: progress.possibleDuplicates })}</Alert>}

      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        {(['confirmed', 'waiting', 'failed'] as const).map((b) => (
          <Paper key={b} withBorder p="md">
            <Text size="sm" fw={600}>
              {t(b)}
            </Text>
            <Text fz={40} fw={800} c={b === 'confirmed' ? 'var(--gdial-ok-text)' : b === 'failed' ? 'var(--gdial-error-text)' : 'blue.8'}>
              {f.number(counts[b])}
            </Text>
            <Text size="sm" c="dimmed">
              {t('ofTotal', { n: f.number(total) })}
            </Text>
          </Paper>
        ))}
      </SimpleGrid>

      {progress && (
        <Paper withBorder p="md">
          <Stack gap={6}>
            <Progress.Root size={28}>
              {(['confirmed', 'failed'] as const).map((b) => (
                <Progress.Section
                  key={b}
                  value={pct(counts[b])}
                  color={b === 'confirmed' ? 'green' : 'red'}
                  aria-label={`${t(b)}: ${f.number(counts[b])}`}
                >
                  {/* A label in a sliver of bar is cut to "B…": it shows once its words fit. */}
                  {pct(counts[b]) >= MIN_LABELLED_PCT && <Progress.Label>{t(b)}</Progress.Label>}
                </Progress.Section>
              ))}
            </Progress.Root>
            <Group gap="lg">
              <Text size="sm">
                {t('reached')}: {f.number(reachedCount(progress))}
              </Text>
              <Text size="sm">{t('throughput', { n: f.number(Math.round(progress.throughputPerSecond * 10) / 10) })}</Text>
              {progress.etaSeconds !== null && status === 'running' && (
                <Text size="sm">{t('eta', { t: duration(progress.etaSeconds) })}</Text>
              )}
              {progress.held.length > 0 && status === 'running' && <Text size="sm">{t('etaHeld')}</Text>}
            </Group>
            {states && (
              <Group gap="md" aria-label={t('states')}>
                {personStates
                  .filter((st) => states[st] > 0)
                  .map((st) => (
                    <Badge key={st} color={personStateColour[st]} variant="light" size="lg">
                      {personStateWords[language][st]}: {f.number(states[st])}
                    </Badge>
                  ))}
              </Group>
            )}
            <Title order={3} size="h5" mt="xs">
              {t('chart')}
            </Title>
            <ProgressChart history={history} />
          </Stack>
        </Paper>
      )}

      {progress && <WavesPanel waves={progress.waves} settings={campaign.settings} />}

      <Title order={3}>{t('rollCall')}</Title>
      <RollCallSection
        recipients={live.recipients}
        filterLabels={filterLabels}
        heldChannels={heldChannels}
        confirmationEnabled={confirmationEnabled}
        onSelect={setSelected}
      />

      <RecipientTimeline
        recipient={selectedFresh}
        onClose={() => setSelected(null)}
        followUp={{ campaignId: id, here, onConfirmed: live.reload }}
      />
      <ConfirmDialog
        opened={cancelOpen}
        title={t('cancelTitle')}
        confirmLabel={t('cancelConfirm')}
        cancelLabel={t('cancelKeep')}
        onClose={() => setCancelOpen(false)}
        onConfirm={() =>
          rpc.call('campaigns.cancel', { id, ...(cancelReason.trim() ? { reason: cancelReason.trim() } : {}) }).then((c) => {
            live.setCampaign(c);
            live.reload();
          })
        }
      >
        <Text>{t('cancelBody')}</Text>
        <Textarea
          label={t('cancelReason')}
          value={cancelReason}
          onChange={(e) => setCancelReason(e.currentTarget.value)}
          autosize
          minRows={2}
        />
      </ConfirmDialog>
    </Stack>
  );
}

/**
 * After a failover: which provider carried how many of a channel's sends, shown when a
 * channel went through more than one, or while a provider is unavailable.
 */
function Carriers({ carriers, failedOver }: { carriers: CampaignProgress['carriers']; failedOver: boolean }) {
  const t = useT(dict);
  const words = useWords();
  const byChannel = new Map<Channel, CampaignProgress['carriers']>();
  for (const c of carriers) byChannel.set(c.channel, [...(byChannel.get(c.channel) ?? []), c]);
  const split = [...byChannel].filter(([, list]) => list.length > 1 || failedOver);
  if (split.length === 0) return null;
  return (
    <Alert color="blue" role="status" aria-label={t('carriedLabel')}>
      {split.map(([channel, list]) => {
        const parts = list.map((c) => t('carriedOne', { n: c.count, p: providerLabel(c.provider) }));
        const joined = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} ${t('and')} ${parts.at(-1)}` : parts.join('');
        return (
          <Text key={channel} size="sm">
            {t('carried', { c: words.channel[channel], list: joined })}
          </Text>
        );
      })}
    </Alert>
  );
}
