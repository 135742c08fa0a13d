// Settings → Organisation: whether this workstation shares the organisation's data through
// the relay, how many of its changes wait to reach the relay and when it last synced, the
// first snapshot's progress while a new workstation joins, and the organisation's
// workstations (online or not, last seen, the alerts each sends), and whether alerts are
// taken over automatically when the workstation sending them stops answering.
import { Alert, Badge, Button, Group, Progress, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { SyncStatus } from '@gdial/protocol';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useLanguage, useT } from '../../i18n';
import { useEvent, useQuery, useRpc } from '../../rpc/react';
import type { RpcError } from '../../rpc/client';

const dict = {
  sv: {
    title: 'Organisation',
    off: 'Den här arbetsplatsen delar inte data med någon organisation. Anslut den till organisationens relä ovan, så delar den kontakter, grupper, mallar, larm med rollcall, spärrlista, priser och händelselogg med organisationens övriga arbetsplatser.',
    synced: 'Allt är synkat.',
    pending: '{n} ändringar väntar på att synkas.',
    pendingOne: '1 ändring väntar på att synkas.',
    lastSync: 'Senast synkat {at}.',
    never: 'Inte synkat ännu.',
    failing: 'Reläet kan inte nås just nu. Ändringarna sparas här och skickas när det går igen.',
    snapshot: 'Hämtar organisationens data: {received} av {total}',
    workstations: 'Organisationens arbetsplatser',
    refresh: 'Uppdatera',
    name: 'Namn',
    state: 'Status',
    seen: 'Senast sedd',
    online: 'Ansluten',
    offline: 'Inte ansluten',
    self: '(den här)',
    noOrg: 'Listan kan inte hämtas: {reason}',
    runs: 'Skickar larm',
    autoTakeOver: 'Ta över larm automatiskt',
    autoTakeOverHelp:
      'När arbetsplatsen som skickar ett larm slutar svara (ungefär 15 sekunder utan livstecken) tar en annan arbetsplats över det av sig själv. Annars visas knappen Ta över i larmet. Gäller hela organisationen.',
  },
  en: {
    title: 'Organisation',
    off: "This workstation shares no data with an organisation. Connect it to the organisation's relay above and it shares contacts, groups, templates, alerts with their roll-call, the opt-out list, prices and the audit log with the organisation's other workstations.",
    synced: 'Everything is synced.',
    pending: '{n} changes are waiting to be synced.',
    pendingOne: '1 change is waiting to be synced.',
    lastSync: 'Last synced {at}.',
    never: 'Not synced yet.',
    failing: 'The relay cannot be reached right now. Changes are kept here and sent when it can.',
    snapshot: "Fetching the organisation's data: {received} of {total}",
    workstations: "The organisation's workstations",
    refresh: 'Refresh',
    name: 'Name',
    state: 'Status',
    seen: 'Last seen',
    online: 'Connected',
    offline: 'Not connected',
    self: '(this one)',
    noOrg: 'The list cannot be fetched: {reason}',
    runs: 'Sending alerts',
    autoTakeOver: 'Take alerts over automatically',
    autoTakeOverHelp:
      'When the workstation sending an alert stops answering (about 15 seconds without a sign of life), another workstation takes it over by itself. Otherwise the alert shows a Take over button. Applies to the whole organisation.',
  },
};

export function OrganisationSection() {
  const t = useT(dict);
  const { language } = useLanguage();
  const initial = useQuery('sync.status', {});
  const [live, setLive] = useState<SyncStatus | null>(null);
  useEvent('sync.status', setLive);
  const status = live ?? initial.data;
  const rpc = useRpc();
  const [settingError, setSettingError] = useState<RpcError | null>(null);
  const setAutoTakeOver = (enabled: boolean) => {
    setSettingError(null);
    rpc.call('sync.setAutoTakeOver', { enabled }).then(setLive, setSettingError);
  };
  const org = useQuery('sync.organisation', {}, { enabled: status?.enabled === true });
  const time = (iso: string) =>
    new Date(iso).toLocaleString(language === 'sv' ? 'sv-SE' : 'en-GB', { dateStyle: 'short', timeStyle: 'medium' });

  return (
    <Stack component="section" aria-labelledby="org-title" gap="sm">
      <Title order={3} id="org-title">
        {t('title')}
      </Title>
      <ErrorAlert error={initial.error} />
      {status && !status.enabled && <Text>{t('off')}</Text>}
      {status?.enabled && (
        <Stack gap={4} role="status">
          <Text fw={600}>
            {status.pending === 0 ? t('synced') : status.pending === 1 ? t('pendingOne') : t('pending', { n: status.pending })}
          </Text>
          <Text size="sm" c="dimmed">
            {status.lastSyncAt ? t('lastSync', { at: time(status.lastSyncAt) }) : t('never')}
          </Text>
          {status.lastError && status.pending > 0 && (
            <Alert color="yellow" variant="light">
              {t('failing')}
            </Alert>
          )}
        </Stack>
      )}
      {status?.snapshot && (
        <Stack gap={4}>
          <Text size="sm">{t('snapshot', { received: status.snapshot.received, total: status.snapshot.total })}</Text>
          <Progress
            value={status.snapshot.total === 0 ? 0 : (100 * status.snapshot.received) / status.snapshot.total}
            aria-label={t('snapshot', { received: status.snapshot.received, total: status.snapshot.total })}
          />
        </Stack>
      )}
      {status?.enabled && (
        <Stack gap={4}>
          <Switch
            checked={status.autoTakeOver}
            onChange={(e) => setAutoTakeOver(e.currentTarget.checked)}
            label={t('autoTakeOver')}
            description={t('autoTakeOverHelp')}
          />
          <ErrorAlert error={settingError} />
        </Stack>
      )}
      {status?.enabled && (
        <Stack gap="xs">
          <Group justify="space-between">
            <Title order={4}>{t('workstations')}</Title>
            <Button variant="default" size="xs" onClick={org.reload} loading={org.loading}>
              {t('refresh')}
            </Button>
          </Group>
          {org.error && <Text c="red">{t('noOrg', { reason: org.error.message })}</Text>}
          {org.data && (
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('name')}</Table.Th>
                  <Table.Th>{t('state')}</Table.Th>
                  <Table.Th>{t('seen')}</Table.Th>
                  <Table.Th>{t('runs')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {org.data.devices.map((d) => (
                  <Table.Tr key={d.deviceId}>
                    <Table.Td>
                      {d.name} {d.deviceId === status.deviceId ? t('self') : ''}
                    </Table.Td>
                    <Table.Td>
                      <Badge color={d.online ? 'green' : 'gray'} variant="light">
                        {d.online ? t('online') : t('offline')}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{d.lastSeenAt ? time(d.lastSeenAt) : '–'}</Table.Td>
                    <Table.Td>{d.runs.length > 0 ? d.runs.join(', ') : '–'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Stack>
      )}
    </Stack>
  );
}
