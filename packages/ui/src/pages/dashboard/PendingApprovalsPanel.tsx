// Översikt's "Väntar på godkännande": every alert of the organisation that waits for a second
// operator (the two-person rule), whichever desktop submitted it, kept current through sync.
// Each opens the alert, where it is reviewed and approved or rejected. Prepared alerts whose
// author asked for pre-approval are listed too; each opens the decision dialog. The panel
// is there only while something waits; the notifier (ApprovalNotifier) tells operators on
// any page.
import { useState } from 'react';
import type { PreparedAlert } from '@gdial/protocol';
import { Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useFormat, useT } from '../../i18n';
import { navigate } from '../../router';
import { useEvent, useQuery } from '../../rpc/react';
import { useSession } from '../../session';
import { PreparedDecisionDialog } from './PreparedApproval';

const dict = {
  sv: {
    title: 'Väntar på godkännande',
    intro: 'Larm som en annan larmoperatör måste granska och godkänna innan de startar.',
    line: '{n} {n|mottagare|mottagare} · skickat av {who} på {desktop} {at}',
    mine: 'ditt eget',
    vma: 'VMA',
    review: 'Granska {name}',
    reviewShort: 'Granska',
    prepared: 'Larmmall',
    preparedLine: 'förhandsgodkännande · {n} {n|person|personer} · begärt av {who} på {desktop} {at}',
    reviewPrepared: 'Granska larmmallen {name}',
  },
  en: {
    title: 'Awaiting approval',
    intro: 'Alerts another alert operator must review and approve before they start.',
    line: '{n} {n|recipient|recipients} · submitted by {who} at {desktop} {at}',
    mine: 'your own',
    vma: 'VMA',
    review: 'Review {name}',
    reviewShort: 'Review',
    prepared: 'Prepared alert',
    preparedLine: 'pre-approval · {n} {n|person|people} · asked by {who} at {desktop} {at}',
    reviewPrepared: 'Review the prepared alert {name}',
  },
};

export function PendingApprovalsPanel() {
  const t = useT(dict);
  const f = useFormat();
  const me = useSession().state?.user?.id ?? null;
  const list = useQuery('campaigns.approvals', {});
  useEvent('campaigns.approvals', () => list.reload());
  useEvent('campaigns.changed', () => list.reload());
  const preparedList = useQuery('preparedAlerts.list', {});
  useEvent('preparedAlerts.changed', () => preparedList.reload());
  const [deciding, setDeciding] = useState<PreparedAlert | null>(null);
  const pending = list.data?.approvals ?? [];
  const prepared = (preparedList.data?.preparedAlerts ?? []).filter((p) => p.approvalState === 'pending');
  if (pending.length === 0 && prepared.length === 0) return null;
  return (
    <Paper withBorder p="md" radius="md" style={{ borderColor: 'var(--mantine-color-orange-6)', borderWidth: 3 }}>
      <Stack gap="xs">
        <Title order={2} size="h3">
          {t('title')} ({pending.length + prepared.length})
        </Title>
        <Text c="dimmed">{t('intro')}</Text>
        {pending.map((a) => (
          <Group key={a.campaignId} justify="space-between">
            <Stack gap={0}>
              <Group gap="xs">
                <Text fw={700}>{a.campaignName}</Text>
                {a.vma && <Badge color="red">{t('vma')}</Badge>}
                {a.requestedBy.id === me && (
                  <Badge variant="outline" color="gray">
                    {t('mine')}
                  </Badge>
                )}
              </Group>
              <Text size="sm">
                {t('line', {
                  n: f.number(a.recipients),
                  who: a.requestedBy.name,
                  desktop: a.requestedBy.desktop,
                  at: f.dateTime(a.requestedAt),
                })}
              </Text>
            </Stack>
            <Button color="orange" onClick={() => navigate('campaigns', a.campaignId)} aria-label={t('review', { name: a.campaignName })}>
              {t('reviewShort')}
            </Button>
          </Group>
        ))}
        {prepared.map((p) => (
          <Group key={p.id} justify="space-between">
            <Stack gap={0}>
              <Group gap="xs">
                <Text fw={700}>{p.name}</Text>
                <Badge color="orange">{t('prepared')}</Badge>
                {p.approval!.requestedBy.id === me && (
                  <Badge variant="outline" color="gray">
                    {t('mine')}
                  </Badge>
                )}
              </Group>
              <Text size="sm">
                {t('preparedLine', {
                  n: f.number(p.approval!.people),
                  who: p.approval!.requestedBy.name,
                  desktop: p.approval!.requestedBy.desktop,
                  at: f.dateTime(p.approval!.requestedAt),
                })}
              </Text>
            </Stack>
            <Button color="orange" onClick={() => setDeciding(p)} aria-label={t('reviewPrepared', { name: p.name })}>
              {t('reviewShort')}
            </Button>
          </Group>
        ))}
      </Stack>
      <PreparedDecisionDialog p={deciding} onClose={() => setDeciding(null)} />
    </Paper>
  );
}
