// Health alerts where the operator looks: the notification centre in the header (a button
// with how many wait for an acknowledgement, opening the list) and a panel on Översikt.
// An alert fires while its condition holds and resolves by itself; it stays listed until
// it has resolved and someone acknowledged it, so nothing that came and went is missed.
// Acknowledging is an alert operator's act, named in the audit log.
import { Alert, Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { HealthAlert } from '@gdial/protocol';
import { ErrorAlert } from '../../components/ErrorAlert';
import { HeaderDrawer } from '../../components/HeaderDrawer';
import { RoleGuard } from '../../components/RoleGuard';
import { useFormat, useLanguage, useT } from '../../i18n';
import { useConnectionState, useEvent, useQuery, useRpc } from '../../rpc/react';
import { describeHealthAlert } from './healthWords';

const dict = {
  sv: {
    centre: 'Hälsolarm',
    centreLabel: 'Hälsolarm: {n} att kvittera',
    centreNone: 'Hälsolarm: inga att kvittera',
    title: 'Hälsolarm',
    none: 'Inga hälsolarm. GDial, leverantörerna och reläet mår bra.',
    firing: 'Pågår',
    resolved: 'Över',
    acknowledged: 'Kvitterat av {who} {when}',
    since: 'Sedan {first}, senast {last}',
    resolvedAt: 'Över sedan {when}',
    acknowledge: 'Kvittera',
    acknowledgeLabel: 'Kvittera {title}',
    explain:
      'Ett hälsolarm pågår så länge problemet finns och går över av sig självt. Det ligger kvar här tills det är över och någon har kvitterat det.',
  },
  en: {
    centre: 'Health alerts',
    centreLabel: 'Health alerts: {n} to acknowledge',
    centreNone: 'Health alerts: none to acknowledge',
    title: 'Health alerts',
    none: 'No health alerts. GDial, the providers and the relay are well.',
    firing: 'Firing',
    resolved: 'Resolved',
    acknowledged: 'Acknowledged by {who} {when}',
    since: 'Since {first}, last seen {last}',
    resolvedAt: 'Resolved since {when}',
    acknowledge: 'Acknowledge',
    acknowledgeLabel: 'Acknowledge {title}',
    explain:
      'A health alert fires while the problem lasts and resolves by itself. It stays here until it has resolved and someone has acknowledged it.',
  },
};

/** The listed health alerts, kept current by the engine's `health.changed` event. */
function useHealthAlerts() {
  const connection = useConnectionState();
  const list = useQuery('health.list', {}, { enabled: connection === 'open' });
  useEvent('health.changed', () => list.reload());
  const alerts = list.data?.alerts ?? [];
  return { alerts, unacknowledged: alerts.filter((a) => a.acknowledgedAt === null).length, error: list.error, reload: list.reload };
}

function HealthAlertItem({ alert, onDone }: { alert: HealthAlert; onDone: () => void }) {
  const t = useT(dict);
  const f = useFormat();
  const { language } = useLanguage();
  const rpc = useRpc();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const words = describeHealthAlert(alert, language, f.number);
  const firing = alert.state === 'firing';
  const acknowledge = () => {
    setBusy(true);
    setError(null);
    rpc
      .call('health.acknowledge', { id: alert.id })
      .then(onDone, setError)
      .finally(() => setBusy(false));
  };
  return (
    <Alert
      color={firing ? (alert.acknowledgedAt ? 'orange' : 'red') : 'gray'}
      variant="light"
      role={firing && !alert.acknowledgedAt ? 'alert' : undefined}
      title={
        <Group gap="xs">
          <Badge color={firing ? '#b02525' : '#495057'} variant="filled">
            {t(firing ? 'firing' : 'resolved')}
          </Badge>
          {/* The body's colour: Mantine's tinted title colour on the tinted background is below 4.5:1. */}
          <Text fw={700} span c="var(--mantine-color-text)">
            {words.title}
          </Text>
        </Group>
      }
    >
      <Stack gap={4}>
        <Text size="sm">{words.seen}</Text>
        <Text size="sm">{words.advice}</Text>
        <Text size="xs" c="dimmed">
          {t('since', { first: f.dateTime(alert.firstSeen), last: f.dateTime(alert.lastSeen) })}
          {alert.resolvedAt && ` · ${t('resolvedAt', { when: f.dateTime(alert.resolvedAt) })}`}
        </Text>
        {alert.acknowledgedAt ? (
          <Text size="xs">{t('acknowledged', { who: alert.acknowledgedBy ?? '', when: f.dateTime(alert.acknowledgedAt) })}</Text>
        ) : (
          <Group>
            <RoleGuard method="health.acknowledge">
              {(refused) => (
                <Button
                  size="compact-sm"
                  onClick={acknowledge}
                  loading={busy}
                  disabled={refused}
                  aria-label={t('acknowledgeLabel', { title: words.title })}
                >
                  {t('acknowledge')}
                </Button>
              )}
            </RoleGuard>
          </Group>
        )}
        <ErrorAlert error={error} />
      </Stack>
    </Alert>
  );
}

function HealthAlertList({ alerts, reload }: { alerts: HealthAlert[]; reload: () => void }) {
  const t = useT(dict);
  if (alerts.length === 0) return <Text c="dimmed">{t('none')}</Text>;
  return (
    <Stack gap="xs">
      {alerts.map((a) => (
        <HealthAlertItem key={a.id} alert={a} onDone={reload} />
      ))}
    </Stack>
  );
}

/** The notification centre's button in the header, and its drawer. */
export function HealthCentre() {
  const t = useT(dict);
  const { alerts, unacknowledged, error, reload } = useHealthAlerts();
  const firing = alerts.some((a) => a.state === 'firing' && a.acknowledgedAt === null);
  return (
    <HeaderDrawer
      label={t('centre')}
      ariaLabel={unacknowledged > 0 ? t('centreLabel', { n: unacknowledged }) : t('centreNone')}
      count={unacknowledged}
      // Filled red while something fires unacknowledged (white on #b02525 is 5.9:1), quiet otherwise.
      color={firing ? '#b02525' : undefined}
      title={t('title')}
      explain={t('explain')}
      error={error}
    >
      {() => <HealthAlertList alerts={alerts} reload={reload} />}
    </HeaderDrawer>
  );
}

/** Översikt's panel: the same list, shown while there is anything in it. */
export function HealthPanel() {
  const t = useT(dict);
  const { alerts, error, reload } = useHealthAlerts();
  if (alerts.length === 0 && !error) return null;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="health-alerts-title">
      <Stack gap="xs">
        <Title order={2} size="h4" id="health-alerts-title">
          {t('title')}
        </Title>
        <ErrorAlert error={error} />
        <HealthAlertList alerts={alerts} reload={reload} />
      </Stack>
    </Paper>
  );
}
