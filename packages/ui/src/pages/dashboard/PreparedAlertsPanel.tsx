// The overview's prepared alerts (larmmallar): one button per prepared alert that makes a
// new draft from its plan and opens "Granska och starta" — choose, review, type the head
// count, start. Each can be removed after a confirmation; new ones are saved from the
// wizard's review ("Spara som larmmall…"). Each shows where its pre-approval stands and
// has the button to ask for it, or to review a request waiting (PreparedApproval.tsx).
import { Button, Group, Paper, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { useState } from 'react';
import type { PreparedAlert } from '@gdial/protocol';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useWords } from '../../components/labels';
import { useNotify } from '../../components/useNotify';
import { useT } from '../../i18n';
import { navigate } from '../../router';
import { useEvent, useQuery, useRpc } from '../../rpc/react';
import { PreparedApprovalBadge, PreparedApprovalButton, PreparedDecisionDialog } from './PreparedApproval';

const dict = {
  sv: {
    title: 'Larmmallar',
    intro: 'Förberedda larm. Välj ett, granska och skriv antalet mottagare – sedan går det ut.',
    empty: 'Inga larmmallar ännu. Gör ett larm i guiden och tryck "Spara som larmmall…" när du granskar det.',
    use: 'Larma: {name}',
    steps: '{channels}',
    remove: 'Ta bort',
    removeLabel: 'Ta bort larmmallen {name}',
    removeTitle: 'Ta bort larmmallen {name}?',
    removeBody: 'Larmmallen försvinner från Översikt. Larm som redan gjorts av den påverkas inte.',
    removeConfirm: 'Ta bort larmmallen',
    removed: 'Larmmallen {name} togs bort.',
    test: 'TEST',
  },
  en: {
    title: 'Prepared alerts',
    intro: 'Alerts made ready in advance. Choose one, review it and type the number of recipients – then it goes out.',
    empty: 'No prepared alerts yet. Make an alert in the wizard and press "Save as prepared alert…" when you review it.',
    use: 'Alert: {name}',
    steps: '{channels}',
    remove: 'Remove',
    removeLabel: 'Remove the prepared alert {name}',
    removeTitle: 'Remove the prepared alert {name}?',
    removeBody: 'The prepared alert disappears from the Overview. Alerts already made from it are not affected.',
    removeConfirm: 'Remove the prepared alert',
    removed: 'The prepared alert {name} was removed.',
    test: 'TEST',
  },
};

export function PreparedAlertsPanel() {
  const t = useT(dict);
  const rpc = useRpc();
  const words = useWords();
  const notify = useNotify();
  const list = useQuery('preparedAlerts.list', {});
  useEvent('preparedAlerts.changed', () => list.reload());
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [removing, setRemoving] = useState<PreparedAlert | null>(null);
  const [deciding, setDeciding] = useState<PreparedAlert | null>(null);
  const prepared = list.data?.preparedAlerts ?? [];

  const use = (p: PreparedAlert) => {
    setBusy(p.id);
    setError(null);
    rpc
      .call('preparedAlerts.use', { id: p.id })
      .then((draft) => navigate('campaigns', draft.id, 'review'), setError)
      .finally(() => setBusy(null));
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="prepared-title">
      <Stack gap="sm">
        <Title order={2} size="h3" id="prepared-title">
          {t('title')}
        </Title>
        <Text size="sm">{prepared.length ? t('intro') : t('empty')}</Text>
        <ErrorAlert error={list.error ?? error} />
        {prepared.map((p) => (
          <Group key={p.id} justify="space-between" wrap="nowrap">
            <UnstyledButton onClick={() => use(p)} disabled={busy !== null} aria-label={t('use', { name: p.name })} style={{ flex: 1 }}>
              <Paper p="sm" radius="md" withBorder style={{ borderLeft: '6px solid var(--mantine-color-red-7)' }}>
                <Group justify="space-between" wrap="nowrap">
                  <Stack gap={0}>
                    <Text fw={700} size="lg">
                      {p.name}
                      {p.fields.testGroupId !== null && ` · ${t('test')}`}
                    </Text>
                    <Text size="sm">
                      {p.fields.steps.map((s) => words.channel[s.channel]).join(' → ')}
                      {p.description ? ` · ${p.description}` : ''}
                    </Text>
                    <Group mt={4}>
                      <PreparedApprovalBadge p={p} />
                    </Group>
                  </Stack>
                  <Text fw={700} c="red.8" aria-hidden>
                    {busy === p.id ? '…' : '›'}
                  </Text>
                </Group>
              </Paper>
            </UnstyledButton>
            <Stack gap={4} align="flex-end">
              <PreparedApprovalButton p={p} onDecide={setDeciding} />
              <Button
                variant="subtle"
                color="red"
                size="compact-sm"
                aria-label={t('removeLabel', { name: p.name })}
                onClick={() => setRemoving(p)}
              >
                {t('remove')}
              </Button>
            </Stack>
          </Group>
        ))}
      </Stack>
      <PreparedDecisionDialog p={deciding} onClose={() => setDeciding(null)} />
      {removing && (
        <ConfirmDialog
          opened
          title={t('removeTitle', { name: removing.name })}
          confirmLabel={t('removeConfirm')}
          onClose={() => setRemoving(null)}
          onConfirm={() =>
            rpc.call('preparedAlerts.delete', { id: removing.id }).then(() => {
              notify.done(t('removed', { name: removing.name }));
            })
          }
        >
          <Text>{t('removeBody')}</Text>
        </ConfirmDialog>
      )}
    </Paper>
  );
}
