// "Granska och starta" for a draft that did not come through the wizard: one made from a
// prepared alert, or by sending a past alert again (to everyone or to those who did not
// answer). The same review as the wizard's last step — head count, who is not reached and
// why, cost, warnings, what stops the start — and the same start dialog with the typed
// head count. The start button has the focus once the review is in, so the keyboard path is
// Enter, the count, Enter. Nothing is sent from here without the start dialog.
import { Badge, Button, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import type { PlanReport } from '@gdial/protocol';
import { ErrorAlert } from '../../components/ErrorAlert';
import { TestBanner } from '../../components/TestBanner';
import { useT } from '../../i18n';
import { navigate } from '../../router';
import { useQuery, useRpc } from '../../rpc/react';
import { ReviewStep } from './ReviewStep';
import { SavePreparedButton } from './SavePreparedButton';
import { StartDialog } from './StartDialog';
import { useApprovalNeed, useStartOrSubmit } from './approvalNeed';
import { pageScope } from '../../components/pageScope';
import { RoleGuard } from '../../components/RoleGuard';

const dict = {
  sv: {
    title: 'Granska och starta: {name}',
    loading: 'Hämtar larmet…',
    planning: 'Räknar fram vilka som får larmet…',
    start: 'Starta larm…',
    schedule: 'Schemalägg larm…',
    submit: 'Skicka för godkännande…',
    edit: 'Ändra i guiden',
    discard: 'Släng utkastet',
    blocked: 'Åtgärda det som står i rött innan larmet kan startas. Tryck "Ändra i guiden".',
    nobody: 'Ingen får larmet med den här planen. Tryck "Ändra i guiden" för att välja mottagare.',
    test: 'TEST',
  },
  en: {
    title: 'Review and start: {name}',
    loading: 'Fetching the alert…',
    planning: 'Working out who gets the alert…',
    start: 'Start alert…',
    schedule: 'Schedule alert…',
    submit: 'Submit for approval…',
    edit: 'Change in the wizard',
    discard: 'Discard the draft',
    blocked: 'Fix what is shown in red before the alert can start. Press "Change in the wizard".',
    nobody: 'Nobody gets the alert with this plan. Press "Change in the wizard" to choose recipients.',
    test: 'TEST',
  },
};

export function ReviewAndStart({ id }: { id: number }) {
  const t = useT(dict);
  const rpc = useRpc();
  const campaign = useQuery('campaigns.get', { id });
  const [plan, setPlan] = useState<PlanReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [starting, setStarting] = useState(false);
  const startRef = useRef<HTMLButtonElement>(null);
  const c = campaign.data;
  const needs = useApprovalNeed(plan, { vma: c?.settings.vma ?? false, testGroupId: c?.settings.testGroupId ?? null });
  const startOrSubmit = useStartOrSubmit();

  useEffect(() => {
    if (!c) return;
    // Only a draft is reviewed here; anything else already has its own page.
    if (c.status !== 'draft') {
      navigate('campaigns', id);
      return;
    }
    let live = true;
    rpc.call('campaigns.plan', { id }).then(
      (p) => live && setPlan(p),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [rpc, id, c]);

  const canStart = plan !== null && plan.blockers.length === 0 && plan.recipients > 0;
  useEffect(() => {
    if (canStart) startRef.current?.focus();
  }, [canStart]);

  if (!c)
    return campaign.error ? (
      <ErrorAlert error={campaign.error} />
    ) : (
      <Group>
        <Loader size="sm" />
        <Text>{t('loading')}</Text>
      </Group>
    );

  const test = c.settings.testGroupId !== null;
  const scheduled = c.settings.schedule.kind !== 'now';
  return (
    <Stack maw={1000} className={pageScope}>
      <Group gap="sm">
        <Title order={2}>{t('title', { name: c.name })}</Title>
        {test && (
          <Badge color="grape" size="lg">
            {t('test')}
          </Badge>
        )}
      </Group>
      {test && <TestBanner />}
      <ErrorAlert error={error} />
      {plan ? (
        <ReviewStep plan={plan} />
      ) : (
        !error && (
          <Group>
            <Loader size="sm" />
            <Text role="status">{t('planning')}</Text>
          </Group>
        )
      )}
      {plan && (
        <Paper withBorder p="md">
          <Stack>
            {plan.blockers.length > 0 && (
              <Text c="var(--gdial-error-text)" fw={600}>
                {t('blocked')}
              </Text>
            )}
            {plan.blockers.length === 0 && plan.recipients === 0 && (
              <Text c="var(--gdial-error-text)" fw={600}>
                {t('nobody')}
              </Text>
            )}
            <Group justify="space-between">
              <Group>
                <Button variant="default" onClick={() => navigate('campaigns', id, 'edit')}>
                  {t('edit')}
                </Button>
                <SavePreparedButton fields={c.settings} />
                <Button
                  variant="subtle"
                  color="red"
                  onClick={() => void rpc.call('campaigns.delete', { id }).then(() => navigate('dashboard'), setError)}
                >
                  {t('discard')}
                </Button>
              </Group>
              <RoleGuard method={needs.length > 0 ? 'campaigns.submitForApproval' : 'campaigns.start'}>
                {(refused) => (
                  <Button
                    ref={startRef}
                    color={needs.length > 0 ? 'orange' : 'red'}
                    size="lg"
                    onClick={() => setStarting(true)}
                    disabled={!canStart || refused}
                  >
                    {needs.length > 0 ? t('submit') : scheduled ? t('schedule') : t('start')}
                  </Button>
                )}
              </RoleGuard>
            </Group>
          </Stack>
        </Paper>
      )}
      {plan && (
        <StartDialog
          opened={starting}
          recipients={plan.recipients}
          testMode={test}
          scheduled={scheduled}
          templateApproved={plan.templateApproved}
          needsApproval={needs}
          onClose={() => setStarting(false)}
          onStart={(unapprovedReason) => startOrSubmit(id, needs, unapprovedReason).then((started) => navigate('campaigns', started))}
        />
      )}
    </Stack>
  );
}
