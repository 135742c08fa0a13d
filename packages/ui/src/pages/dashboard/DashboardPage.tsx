// The overview an operator lands on: what is running right now (with live progress and a
// chart of reached and confirmed over time), what ran recently, unanswered replies, and
// whether the parts GDial depends on are healthy. The one big action is "New alert" (or
// the N key); prepared alerts start from here in a few actions.
import { Alert, Anchor, Badge, Button, Group, Paper, Progress, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import {
  apiKeyOfActor,
  isCampaignOver,
  isCampaignUnderway,
  type CampaignProgress,
  type CampaignSummary,
  type RelayState,
} from '@gdial/protocol';
import { ErrorAlert } from '../../components/ErrorAlert';
import { campaignStatusColour, useWords } from '../../components/labels';
import { ProgressChart } from '../../components/ProgressChart';
import { TestBanner } from '../../components/TestBanner';
import { reachedCount, useCampaignHistory } from '../../components/progressHistory';
import { useFormat, useT } from '../../i18n';
import { navigate } from '../../router';
import { PendingApprovalsPanel } from './PendingApprovalsPanel';
import { PreparedAlertsPanel } from './PreparedAlertsPanel';
import { HealthPanel } from '../health/HealthAlerts';
import { useConnectionState, useEvent, useQuery, useRpc } from '../../rpc/react';
import { useConnectivity } from '../../components/useConnectivity';
import { CampaignTable } from '../campaigns/CampaignsPage';
import { pageScope } from '../../components/pageScope';
import { RoleGuard } from '../../components/RoleGuard';

const dict = {
  sv: {
    title: 'Översikt',
    newAlert: 'Nytt larm',
    running: 'Pågående larm',
    runBy: 'Körs av {o}',
    viaApi: 'Startat via API-nyckeln ”{k}”',
    noneRunning: 'Inga larm pågår just nu.',
    recent: 'Senaste larmen',
    noneRecent: 'Inga larm har skickats ännu.',
    confirmed: 'Bekräftade {c} av {n}',
    reached: 'Nådda {r} av {n}',
    throughput: '{n} utskick/s',
    open: 'Öppna {n}',
    test: 'TEST',
    health: 'Systemstatus',
    engine: 'GDial-motorn',
    engineOk: 'Ansluten',
    engineDown: 'Ingen kontakt – försöker igen',
    providers: 'Leverantörer',
    providersOk: 'Inga fel rapporterade',
    providersDown: 'Svarar inte: {p}',
    providersIdle: 'Visas när ett larm pågår',
    relay: 'Relä (svar och samtalsstatus)',
    relayOk: 'Anslutet',
    relayConnecting: 'Ansluter…',
    relayDown: 'Ingen kontakt',
    relaySilent: 'Tyst linje – återansluter',
    relayOff: 'Inte inställt',
    relayRefused: 'Nekad',
    relayResync: 'Stäms av',
    relayDownHelp: 'Larm går ut, men bekräftelser visas först när kontakten är tillbaka.',
    held: 'Väntar på nät ({c}): {n} personer har inte fått något ännu. GDial skickar så fort nätet är tillbaka; öppna larmet för att hoppa över kanalen eller avbryta.',
    relayOffHelp: 'Bekräftelser och svar kan inte tas emot. Se Inställningar.',
    noChannels: 'Ingen kanal har en leverantör – inga larm kan gå ut. Se Inställningar.',
    channelsReady: 'Kanaler som kan användas: {c}',
    demo: 'Demoläge: en simulerad leverantör svarar. Inga riktiga samtal eller SMS skickas.',
    inbox: 'Obehandlade svar',
    inboxNone: 'Inga obehandlade svar.',
    inboxSome: '{n} svar väntar på att någon läser dem.',
    toInbox: 'Till inkorgen',
    scheduled: 'Schemalagda',
    startsAt: 'startar {t}',
  },
  en: {
    title: 'Overview',
    newAlert: 'New alert',
    running: 'Running alerts',
    runBy: 'Run by {o}',
    viaApi: 'Started through the API key "{k}"',
    noneRunning: 'No alerts are running right now.',
    recent: 'Recent alerts',
    noneRecent: 'No alerts have been sent yet.',
    confirmed: 'Confirmed {c} of {n}',
    reached: 'Reached {r} of {n}',
    throughput: '{n} sends/s',
    open: 'Open {n}',
    test: 'TEST',
    health: 'System status',
    engine: 'GDial engine',
    engineOk: 'Connected',
    engineDown: 'No contact – retrying',
    providers: 'Providers',
    providersOk: 'No failures reported',
    providersDown: 'Not answering: {p}',
    providersIdle: 'Shown while an alert runs',
    relay: 'Relay (replies and call status)',
    relayOk: 'Connected',
    relayConnecting: 'Connecting…',
    relayDown: 'No contact',
    relaySilent: 'Silent line – reconnecting',
    relayOff: 'Not set up',
    relayRefused: 'Refused',
    relayResync: 'Reconciling',
    relayDownHelp: 'Alerts go out, but confirmations appear only once the connection is back.',
    held: 'Waiting for the network ({c}): {n} people have not been sent anything yet. GDial sends as soon as the network is back; open the alert to skip the channel or cancel.',
    relayOffHelp: 'Confirmations and replies cannot be received. See Settings.',
    noChannels: 'No channel has a provider – no alerts can go out. See Settings.',
    channelsReady: 'Channels that can be used: {c}',
    demo: 'Demo mode: a simulated provider answers. No real calls or SMS are sent.',
    inbox: 'Unhandled replies',
    inboxNone: 'No unhandled replies.',
    inboxSome: '{n} replies are waiting for someone to read them.',
    toInbox: 'To the inbox',
    scheduled: 'Scheduled',
    startsAt: 'starts {t}',
  },
};

function RunningCard({ campaign, progress }: { campaign: CampaignSummary; progress: CampaignProgress | undefined }) {
  const { history } = useCampaignHistory(campaign.id);
  const t = useT(dict);
  const f = useFormat();
  const words = useWords();
  const n = progress?.recipients ?? campaign.recipients;
  const confirmed = progress?.confirmed ?? campaign.confirmed;
  const reached = progress ? reachedCount(progress) : confirmed;
  const status = progress?.status ?? campaign.status;
  const pct = (x: number) => (n === 0 ? 0 : (x / n) * 100);
  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="xs">
        <Group justify="space-between">
          <Group gap="xs">
            <Title order={3} size="h4">
              {campaign.name}
            </Title>
            {campaign.testMode && <Badge color="grape">{t('test')}</Badge>}
            <Badge color={campaignStatusColour(status)}>{words.campaignStatus[status]}</Badge>
            {apiKeyOfActor(campaign.createdBy) !== null && (
              <Badge color="orange" variant="light">
                {t('viaApi', { k: apiKeyOfActor(campaign.createdBy) ?? '' })}
              </Badge>
            )}
            {campaign.remoteOwner && (
              <Badge color="blue" variant="light">
                {t('runBy', { o: campaign.remoteOwner })}
              </Badge>
            )}
          </Group>
          <Button onClick={() => navigate('campaigns', campaign.id)} aria-label={t('open', { n: campaign.name })}>
            {t('open', { n: '' }).trim()}
          </Button>
        </Group>
        {campaign.testMode && <TestBanner compact />}
        <Text fw={600}>{t('confirmed', { c: f.number(confirmed), n: f.number(n) })}</Text>
        <Progress value={pct(confirmed)} color="green" size="xl" aria-label={t('confirmed', { c: confirmed, n })} />
        <Text size="sm">{t('reached', { r: f.number(reached), n: f.number(n) })}</Text>
        <Progress value={pct(reached)} color="blue" size="md" aria-label={t('reached', { r: reached, n })} />
        {progress && (
          <Text size="sm" c="dimmed">
            {t('throughput', { n: f.number(Math.round(progress.throughputPerSecond * 10) / 10) })}
          </Text>
        )}
        <ProgressChart history={history} height={140} />
      </Stack>
    </Paper>
  );
}

function RelayBadge({ status, silent }: { status: RelayState['status']; silent: boolean }) {
  const t = useT(dict);
  switch (status) {
    case 'connected':
      return <Badge color="green">{t('relayOk')}</Badge>;
    case 'connecting':
      return (
        <Badge color="yellow" autoContrast>
          {t('relayConnecting')}
        </Badge>
      );
    case 'reconnecting':
      return <Badge color="red">{t(silent ? 'relaySilent' : 'relayDown')}</Badge>;
    case 'not-configured':
    case 'stopped':
      return <Badge color="gray">{t('relayOff')}</Badge>;
    case 'unauthorized':
      return <Badge color="red">{t('relayRefused')}</Badge>;
    case 'resync-required':
      return <Badge color="orange">{t('relayResync')}</Badge>;
    default: {
      const never: never = status;
      return never;
    }
  }
}

export function DashboardPage() {
  const t = useT(dict);
  const f = useFormat();
  const rpc = useRpc();
  const connection = useConnectionState();
  const connectivity = useConnectivity().status;
  const words = useWords();
  const info = useQuery('system.info', {});
  const list = useQuery('campaigns.list', { limit: 20 });
  const inbox = useQuery('inbox.list', { handled: false, limit: 500 });
  const [progress, setProgress] = useState<Record<number, CampaignProgress>>({});
  useEvent('campaigns.changed', () => list.reload());
  useEvent('inbox.received', () => inbox.reload());
  useEvent('inbox.changed', () => inbox.reload());
  useEvent('campaigns.progress', (p) => {
    setProgress((cur) => ({ ...cur, [p.campaignId]: p }));
  });

  const campaigns = list.data?.campaigns ?? [];
  const running = campaigns.filter((c) => isCampaignUnderway(c.status));
  const scheduled = campaigns.filter((c) => c.status === 'scheduled');
  const recent = campaigns.filter((c) => isCampaignOver(c.status)).slice(0, 8);
  const runningIds = running.map((c) => c.id).join(',');

  // Seed progress for campaigns that were running before this page opened.
  useEffect(() => {
    for (const id of runningIds.split(',').filter(Boolean).map(Number)) {
      rpc.call('campaigns.progress', { id }).then(
        (p) => setProgress((cur) => (cur[id] ? cur : { ...cur, [id]: p })),
        () => {},
      );
    }
  }, [rpc, runningIds]);

  // N starts a new alert from the overview (not while typing in a field).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'n' && e.key !== 'N') return;
      if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      const el = e.target as HTMLElement | null;
      if (el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName))) return;
      if (document.querySelector('[role="dialog"]')) return;
      e.preventDefault();
      navigate('campaigns', 'new');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const down = [...new Set(running.flatMap((c) => progress[c.id]?.unavailableProviders ?? []))];
  // Väntar på nät: channels whose path is down, with how many people of the running alerts wait on them.
  const held = running.flatMap((c) => progress[c.id]?.held ?? []);
  const heldChannels = [...new Set(held.map((h) => words.channel[h.channel]))];
  const heldWaiting = held.reduce((n, h) => n + h.waiting, 0);
  const unhandled = inbox.data?.messages.length ?? 0;

  return (
    <Stack className={pageScope}>
      <Group justify="space-between">
        <Title order={2}>{t('title')}</Title>
        <RoleGuard method="campaigns.create">
          {(refused) => (
            <Button size="xl" color="red" onClick={() => navigate('campaigns', 'new')} aria-keyshortcuts="N" disabled={refused}>
              {t('newAlert')}
            </Button>
          )}
        </RoleGuard>
      </Group>
      {info.data?.demo && <Alert color="orange">{t('demo')}</Alert>}
      <ErrorAlert error={list.error} />
      <HealthPanel />
      <PendingApprovalsPanel />
      <PreparedAlertsPanel />

      <Title order={2} size="h3">
        {t('running')}
      </Title>
      {held.length > 0 && (
        <Alert color="orange" role="alert">
          {t('held', { c: heldChannels.join(', '), n: f.number(heldWaiting) })}
        </Alert>
      )}
      {running.length === 0 ? (
        <Text size="lg" c="dimmed">
          {t('noneRunning')}
        </Text>
      ) : (
        <SimpleGrid cols={{ base: 1, lg: 2 }}>
          {running.map((c) => (
            <RunningCard key={c.id} campaign={c} progress={progress[c.id]} />
          ))}
        </SimpleGrid>
      )}
      {scheduled.length > 0 && (
        <Stack gap={4}>
          <Title order={2} size="h4">
            {t('scheduled')}
          </Title>
          {scheduled.map((c) => (
            <Text key={c.id}>
              <Anchor href={`#/campaigns/${c.id}`}>{c.name}</Anchor> – {t('startsAt', { t: c.nextRunAt ? f.dateTime(c.nextRunAt) : '–' })}
            </Text>
          ))}
        </Stack>
      )}

      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Paper withBorder p="md">
          <Title order={2} size="h4" mb="xs">
            {t('health')}
          </Title>
          <Stack gap={6}>
            <Group justify="space-between">
              <Text>{t('engine')}</Text>
              <Badge color={connection === 'open' ? 'green' : 'red'}>{connection === 'open' ? t('engineOk') : t('engineDown')}</Badge>
            </Group>
            <Group justify="space-between">
              <Text>{t('providers')}</Text>
              <Badge color={down.length ? 'red' : running.length ? 'green' : 'gray'}>
                {down.length ? t('providersDown', { p: down.join(', ') }) : running.length ? t('providersOk') : t('providersIdle')}
              </Badge>
            </Group>
            <Group justify="space-between" wrap="nowrap">
              <Text>{t('relay')}</Text>
              {connectivity ? (
                <RelayBadge status={connectivity.relay.status} silent={connectivity.relay.silent === true} />
              ) : (
                <Text size="sm" c="dimmed">
                  …
                </Text>
              )}
            </Group>
            {connectivity && connectivity.relay.status !== 'connected' && connectivity.relay.status !== 'connecting' && (
              <Text size="sm" c="var(--gdial-warn-text)">
                {connectivity.relay.status !== 'reconnecting'
                  ? t('relayOffHelp')
                  : held.length === 0
                    ? t('relayDownHelp')
                    : t('held', { c: heldChannels.join(', '), n: f.number(heldWaiting) })}
              </Text>
            )}
            {connectivity &&
              (connectivity.channels.some((ch) => ch.configured) ? (
                <Text size="sm">
                  {t('channelsReady', {
                    c: connectivity.channels
                      .filter((ch) => ch.configured)
                      .map((ch) => words.channel[ch.channel])
                      .join(', '),
                  })}
                </Text>
              ) : (
                <Alert color="red" role="alert">
                  {t('noChannels')}
                </Alert>
              ))}
          </Stack>
        </Paper>
        <Paper withBorder p="md">
          <Title order={2} size="h4" mb="xs">
            {t('inbox')}
          </Title>
          <Text size="lg" fw={unhandled ? 700 : 400}>
            {unhandled ? t('inboxSome', { n: f.number(unhandled) }) : t('inboxNone')}
          </Text>
          {unhandled > 0 && (
            <Button mt="sm" variant="light" onClick={() => navigate('inbox')}>
              {t('toInbox')}
            </Button>
          )}
        </Paper>
      </SimpleGrid>

      <Title order={2} size="h3">
        {t('recent')}
      </Title>
      {recent.length === 0 ? <Text c="dimmed">{t('noneRecent')}</Text> : <CampaignTable campaigns={recent} label={t('recent')} />}
    </Stack>
  );
}
