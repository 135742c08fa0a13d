// The Alerts page: every campaign, newest first, with its state and how many confirmed;
// #/campaigns/new opens the wizard, #/campaigns/<id> the live view, #/campaigns/<id>/edit
// a draft in the wizard, #/campaigns/<id>/review a draft's review and start (prepared
// alerts and repeated alerts come this way).
import { Anchor, Badge, Button, Group, Loader, Progress, Stack, Table, Text, Title } from '@mantine/core';
import { apiKeyOfActor, type CampaignSummary } from '@gdial/protocol';
import { ErrorAlert } from '../../components/ErrorAlert';
import { campaignStatusColour, useWords } from '../../components/labels';
import { useFormat, useT } from '../../i18n';
import { navigate, type Route } from '../../router';
import { useEvent, useQuery } from '../../rpc/react';
import { AfterActionReportPage } from './AfterActionReport';
import { CampaignLiveView } from './CampaignLiveView';
import { CampaignWizard } from './CampaignWizard';
import { useCapImport } from './CapImport';
import { ReviewAndStart } from './ReviewAndStart';
import { pageScope } from '../../components/pageScope';
import { RoleGuard } from '../../components/RoleGuard';

const dict = {
  sv: {
    title: 'Larm',
    newAlert: 'Nytt larm',
    vma: 'VMA-underlag…',
    name: 'Namn',
    status: 'Status',
    confirmed: 'Bekräftade',
    created: 'Skapat',
    by: 'Av',
    empty: 'Inga larm ännu. Tryck på "Nytt larm" för att skicka det första.',
    table: 'Larm',
    test: 'TEST',
    loading: 'Hämtar…',
    ofTotal: '{c} av {n}',
    fromCapViaApi: 'Från CAP via API-nyckeln ”{k}”',
  },
  en: {
    title: 'Alerts',
    newAlert: 'New alert',
    vma: 'VMA underlag…',
    name: 'Name',
    status: 'Status',
    confirmed: 'Confirmed',
    created: 'Created',
    by: 'By',
    empty: 'No alerts yet. Press "New alert" to send the first one.',
    table: 'Alerts',
    test: 'TEST',
    loading: 'Fetching…',
    ofTotal: '{c} of {n}',
    fromCapViaApi: 'From CAP through the API key "{k}"',
  },
};

export function CampaignsPage({ route }: { route: Route }) {
  const [target, sub] = route.params;
  if (target === 'new') return <CampaignWizard draft={null} />;
  if (target && sub === 'edit') return <DraftWizard id={Number(target)} />;
  if (target && sub === 'review') return <ReviewAndStart id={Number(target)} />;
  if (target && sub === 'report') return <AfterActionReportPage id={Number(target)} />;
  if (target) return <CampaignLiveView key={target} id={Number(target)} />;
  return <CampaignList />;
}

function DraftWizard({ id }: { id: number }) {
  const t = useT(dict);
  const q = useQuery('campaigns.get', { id });
  if (q.error) return <ErrorAlert error={q.error} />;
  if (!q.data) return <Loader aria-label={t('loading')} />;
  return <CampaignWizard draft={q.data} />;
}

export function CampaignTable({ campaigns, label }: { campaigns: readonly CampaignSummary[]; label: string }) {
  const t = useT(dict);
  // A draft another system sent as CAP names the key it came through; otherwise who made it.
  const byWords = (c: CampaignSummary): string => {
    const key = c.fromCap ? apiKeyOfActor(c.createdBy) : null;
    return key === null ? c.createdBy : t('fromCapViaApi', { k: key });
  };
  const f = useFormat();
  const words = useWords();
  return (
    <Table highlightOnHover aria-label={label} verticalSpacing="sm">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('name')}</Table.Th>
          <Table.Th>{t('status')}</Table.Th>
          <Table.Th w="30%">{t('confirmed')}</Table.Th>
          <Table.Th>{t('created')}</Table.Th>
          <Table.Th>{t('by')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {campaigns.map((c) => (
          <Table.Tr key={c.id}>
            <Table.Td>
              <Group gap="xs">
                <Anchor href={`#/campaigns/${c.id}`}>{c.name}</Anchor>
                {c.testMode && (
                  <Badge size="sm" color="grape">
                    {t('test')}
                  </Badge>
                )}
              </Group>
            </Table.Td>
            <Table.Td>
              <Badge color={campaignStatusColour(c.status)}>{words.campaignStatus[c.status]}</Badge>
            </Table.Td>
            <Table.Td>
              <Stack gap={2}>
                <Progress
                  value={c.recipients ? (c.confirmed / c.recipients) * 100 : 0}
                  color="green"
                  size="md"
                  aria-label={`${t('confirmed')} ${c.name}`}
                />
                <Text size="xs">{t('ofTotal', { c: f.number(c.confirmed), n: f.number(c.recipients) })}</Text>
              </Stack>
            </Table.Td>
            <Table.Td>{f.dateTime(c.createdAt)}</Table.Td>
            <Table.Td>{byWords(c)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function CampaignList() {
  const t = useT(dict);
  const q = useQuery('campaigns.list', { limit: 200 });
  useEvent('campaigns.changed', () => q.reload());
  const campaigns = q.data?.campaigns ?? [];
  const cap = useCapImport();
  return cap.dropZone(
    <Stack className={pageScope}>
      <Group justify="space-between">
        <Title order={2}>{t('title')}</Title>
        <Group>
          {cap.button}
          <Button size="lg" variant="default" onClick={() => navigate('vma')}>
            {t('vma')}
          </Button>
          <RoleGuard method="campaigns.create">
            {(refused) => (
              <Button size="lg" color="red" onClick={() => navigate('campaigns', 'new')} disabled={refused}>
                {t('newAlert')}
              </Button>
            )}
          </RoleGuard>
        </Group>
      </Group>
      {cap.status}
      <ErrorAlert error={q.error} />
      {q.loading && !q.data ? (
        <Loader aria-label={t('loading')} />
      ) : campaigns.length === 0 ? (
        <Text size="lg">{t('empty')}</Text>
      ) : (
        <CampaignTable campaigns={campaigns} label={t('table')} />
      )}
    </Stack>,
  );
}
