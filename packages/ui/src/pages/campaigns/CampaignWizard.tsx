// The campaign wizard: audience → channel plan → message → schedule → review. The draft
// is saved when the operator reaches the review, so the planner can report on exactly
// what would be sent; starting needs the start dialog, while a test run (only the test
// group) is one click.
import { Alert, Box, Button, Group, Loader, Paper, Select, Stack, Stepper, Text, Title } from '@mantine/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Campaign, PlanReport } from '@gdial/protocol';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useT } from '../../i18n';
import { navigate } from '../../router';
import { useEvent, useQuery, useRpc } from '../../rpc/react';
import { CapFactsNote } from './CapFactsNote';
import { ReviewStep } from './ReviewStep';
import { SavePreparedButton } from './SavePreparedButton';
import { StartDialog } from './StartDialog';
import { useApprovalNeed, useStartOrSubmit } from './approvalNeed';
import { AudienceStep, MessageStep, PlanStep, ScheduleStep } from './WizardSteps';
import { WavesEditor } from './WavesEditor';
import { WIZARD_STEPS, fromCampaign, initialWizard, problemsFor, toFields, type WizardProblem, type WizardState } from './wizardState';
import { pageScope } from '../../components/pageScope';
import { RoleGuard } from '../../components/RoleGuard';

const dict = {
  sv: {
    title: 'Nytt larm',
    editTitle: 'Redigera larm',
    audience: 'Mottagare',
    plan: 'Kanaler',
    message: 'Meddelande',
    schedule: 'Tid',
    review: 'Granska och starta',
    next: 'Nästa',
    back: 'Tillbaka',
    planning: 'Räknar ut vem som får larmet…',
    replan: 'Räkna om',
    start: 'Starta larm…',
    schedule_: 'Schemalägg larm…',
    submit: 'Skicka för godkännande…',
    test: 'Testkörning (bara testgruppen)',
    testGroup: 'Testgrupp',
    testHelp: 'En testkörning skickar samma meddelande, men bara till medlemmarna i testgruppen.',
    noTestGroup: 'Skapa en grupp för test (t.ex. "Test") för att kunna provköra.',
    testing: 'Startar testkörningen…',
    draftSaved: 'Utkastet är sparat.',
    blocked: 'Åtgärda det som står i rött innan larmet kan startas.',
    'no-audience': 'Välj minst en grupp eller tagg.',
    'no-steps': 'Lägg till minst ett steg.',
    'bad-digits': 'Knappen ska vara en siffra 0–9, * eller #.',
    'no-keywords': 'Ange minst ett svar som bekräftar.',
    'no-template': 'Välj en mall.',
    'no-name': 'Ge larmet ett namn.',
    'template-lacks-channel': 'Mallen saknar text för en kanal i planen.',
    'no-time': 'Ange datum och tid.',
    'time-past': 'Tiden har redan passerat.',
    'no-cron': 'Schemat ska ha fem fält.',
    'wave-no-group': 'Välj minst en grupp för varje våg.',
    'wave-bad-threshold': 'Gränsen för en våg ska vara ett heltal från 1 (och högst 100 för procent).',
    'wave-order': 'Vågorna ska komma i tidsordning, minst 1 minut efter start.',
    'wave-needs-confirm': 'Vågor bygger på bekräftelser: slå på "Be mottagarna bekräfta".',
    cancelWizard: 'Avbryt',
  },
  en: {
    title: 'New alert',
    editTitle: 'Edit alert',
    audience: 'Recipients',
    plan: 'Channels',
    message: 'Message',
    schedule: 'Time',
    review: 'Review and start',
    next: 'Next',
    back: 'Back',
    planning: 'Working out who gets the alert…',
    replan: 'Recalculate',
    start: 'Start alert…',
    schedule_: 'Schedule alert…',
    submit: 'Submit for approval…',
    test: 'Test run (test group only)',
    testGroup: 'Test group',
    testHelp: 'A test run sends the same message, but only to the members of the test group.',
    noTestGroup: 'Create a group for testing (e.g. "Test") to do test runs.',
    testing: 'Starting the test run…',
    draftSaved: 'The draft is saved.',
    blocked: 'Fix what is shown in red before the alert can start.',
    'no-audience': 'Choose at least one group or tag.',
    'no-steps': 'Add at least one step.',
    'bad-digits': 'The key must be a digit 0–9, * or #.',
    'no-keywords': 'Give at least one reply that confirms.',
    'no-template': 'Choose a template.',
    'no-name': 'Give the alert a name.',
    'template-lacks-channel': 'The template has no text for a channel in the plan.',
    'no-time': 'Give a date and time.',
    'time-past': 'That time has already passed.',
    'no-cron': 'The schedule needs five fields.',
    'wave-no-group': 'Choose at least one group for each wave.',
    'wave-bad-threshold': "A wave's threshold is a whole number from 1 (and at most 100 for a percentage).",
    'wave-order': 'Waves come in time order, at least 1 minute after the start.',
    'wave-needs-confirm': 'Waves depend on confirmations: turn on "Ask recipients to confirm".',
    cancelWizard: 'Cancel',
  },
};

export function CampaignWizard({ draft }: { draft: Campaign | null }) {
  const t = useT(dict);
  const rpc = useRpc();
  const [s, setS] = useState<WizardState>(() => (draft ? fromCampaign(draft) : initialWizard()));
  const [active, setActive] = useState(0);
  const [shown, setShown] = useState<WizardProblem[]>([]);
  const [draftId, setDraftId] = useState<number | null>(draft?.id ?? null);
  const [plan, setPlan] = useState<PlanReport | null>(null);
  const [planning, setPlanning] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [starting, setStarting] = useState(false);
  const [testGroupId, setTestGroupId] = useState<string | null>(null);
  const [testBusy, setTestBusy] = useState(false);

  const groups = useQuery('groups.list', {});
  const tags = useQuery('contacts.tags', {});
  const templates = useQuery('templates.list', {});
  // Another window (or the import) may add groups, tags or templates while the wizard is open.
  useEvent('groups.changed', () => groups.reload());
  useEvent('contacts.changed', () => tags.reload());
  useEvent('templates.changed', () => templates.reload());
  const groupList = useMemo(() => groups.data?.groups ?? [], [groups.data]);
  const needs = useApprovalNeed(plan, { vma: s.vma, testGroupId: null });
  const startOrSubmit = useStartOrSubmit();
  const rule = useQuery('campaigns.approvals', {}).data?.rule;
  const templateList = templates.data?.templates ?? [];
  const template = templateList.find((x) => x.id === s.templateId) ?? null;

  useEffect(() => {
    if (testGroupId === null) {
      // The organisation's test group first: test alerts to it need no second operator.
      const g = groupList.find((x) => x.id === rule?.testGroupId) ?? groupList.find((x) => /test/i.test(x.name));
      if (g) setTestGroupId(String(g.id));
    }
  }, [groupList, testGroupId, rule?.testGroupId]);

  const set = (p: Partial<WizardState>) => {
    setS((cur) => ({ ...cur, ...p }));
    setShown([]);
  };
  const step = WIZARD_STEPS[active]!;
  const stepRef = useRef<HTMLDivElement>(null);
  const startRef = useRef<HTMLButtonElement>(null);
  // Each step begins with the focus on its first field, so the keyboard never drops to the
  // page: the first step too, as the wizard opens (N on the overview, then type the group).
  useEffect(() => {
    const first = stepRef.current?.querySelector<HTMLElement>(
      'input:not([type="hidden"]):not([disabled]), textarea:not([disabled]), select:not([disabled]), button:not([disabled]), [tabindex="0"]',
    );
    first?.focus();
  }, [active]);

  const saveAndPlan = async () => {
    setPlanning(true);
    setError(null);
    setPlan(null);
    try {
      const fields = toFields(s);
      const saved =
        draftId === null ? await rpc.call('campaigns.create', fields) : await rpc.call('campaigns.update', { id: draftId, fields });
      setDraftId(saved.id);
      setPlan(await rpc.call('campaigns.plan', { id: saved.id }));
    } catch (e) {
      setError(e);
    } finally {
      setPlanning(false);
    }
  };

  const goTo = (i: number) => {
    // Going forward needs every step on the way to be complete.
    for (let k = active; k < i; k++) {
      const problems = problemsFor(WIZARD_STEPS[k]!, s, template);
      if (problems.length > 0) {
        setActive(k);
        setShown(problems);
        return;
      }
    }
    setShown([]);
    setActive(i);
    if (WIZARD_STEPS[i] === 'review') void saveAndPlan();
  };

  const runTest = async () => {
    if (!testGroupId) return;
    setTestBusy(true);
    setError(null);
    try {
      const created = await rpc.call('campaigns.create', toFields(s, { testGroupId: Number(testGroupId), namePrefix: 'TEST – ' }));
      const started = await rpc.call('campaigns.start', {
        id: created.id,
        ...(plan?.templateApproved === false ? { unapprovedReason: 'Testkörning till testgruppen' } : {}),
      });
      navigate('campaigns', started.campaign.id);
    } catch (e) {
      setError(e);
    } finally {
      setTestBusy(false);
    }
  };

  const labels = [t('audience'), t('plan'), t('message'), t('schedule'), t('review')];
  const scheduled = s.schedule.kind !== 'now';
  const canStart = plan !== null && plan.blockers.length === 0 && plan.recipients > 0 && draftId !== null;
  // On the review, once it is in and nothing stops the start, the focus is on "Starta larm…".
  useEffect(() => {
    if (step === 'review' && canStart) startRef.current?.focus();
  }, [step, canStart]);

  return (
    <Stack maw={1000} className={pageScope}>
      <Group justify="space-between">
        <Title order={2}>{draft ? t('editTitle') : t('title')}</Title>
        <Button variant="subtle" onClick={() => navigate('campaigns')}>
          {t('cancelWizard')}
        </Button>
      </Group>
      <CapFactsNote cap={s.cap} />
      <Stepper active={active} onStepClick={(i) => (i < active ? goTo(i) : undefined)} allowNextStepsSelect={false} size="sm">
        {labels.map((l) => (
          <Stepper.Step key={l} label={l} />
        ))}
      </Stepper>
      <Title order={3} size="h3">
        {labels[active]}
      </Title>

      <div ref={stepRef}>
        {step === 'audience' && <AudienceStep s={s} set={set} groups={groupList} tags={tags.data?.tags ?? []} />}
        {step === 'plan' && (
          <>
            <PlanStep s={s} set={set} />
            <WavesEditor waves={s.waves} onChange={(waves) => set({ waves })} groups={groupList} />
          </>
        )}
        {step === 'message' && <MessageStep s={s} set={set} templates={templateList} />}
        {step === 'schedule' && <ScheduleStep s={s} set={set} />}
        {step === 'review' &&
          (planning ? (
            <Group>
              <Loader size="sm" />
              <Text role="status">{t('planning')}</Text>
            </Group>
          ) : plan ? (
            <ReviewStep plan={plan} burnHours={s.burn ? s.burnHours : null} />
          ) : null)}
      </div>

      {shown.length > 0 && (
        <Alert color="red" role="alert">
          {shown.map((p) => (
            <div key={p}>{t(p)}</div>
          ))}
        </Alert>
      )}
      <ErrorAlert error={error} />

      {/* The way on stays in sight: at 1366×768 a long step scrolls under it. */}
      <Box
        pos="sticky"
        bottom={0}
        py="sm"
        bg="var(--mantine-color-body)"
        style={{ borderTop: '1px solid var(--mantine-color-default-border)', zIndex: 5 }}
      >
        <Group justify="space-between">
          <Button variant="default" size="md" onClick={() => goTo(active - 1)} disabled={active === 0}>
            {t('back')}
          </Button>
          {step !== 'review' ? (
            <Button size="md" onClick={() => goTo(active + 1)}>
              {t('next')}
            </Button>
          ) : (
            <Group>
              <Button variant="default" onClick={() => void saveAndPlan()} loading={planning}>
                {t('replan')}
              </Button>
              {plan && (
                <RoleGuard method={needs.length > 0 ? 'campaigns.submitForApproval' : 'campaigns.start'}>
                  {(refused) => (
                    <Button
                      ref={startRef}
                      color={needs.length > 0 ? 'orange' : 'red'}
                      size="lg"
                      onClick={() => setStarting(true)}
                      disabled={!canStart || refused}
                    >
                      {needs.length > 0 ? t('submit') : scheduled ? t('schedule_') : t('start')}
                    </Button>
                  )}
                </RoleGuard>
              )}
            </Group>
          )}
        </Group>
      </Box>

      {step === 'review' && plan && (
        <Paper withBorder p="md">
          <Stack>
            {!canStart && plan.blockers.length > 0 && (
              <Text c="var(--gdial-error-text)" fw={600}>
                {t('blocked')}
              </Text>
            )}
            <Group align="flex-end" justify="space-between">
              <Group align="flex-end">
                <Select
                  label={t('testGroup')}
                  description={groupList.length ? t('testHelp') : t('noTestGroup')}
                  data={groupList.map((g) => ({ value: String(g.id), label: g.name }))}
                  value={testGroupId}
                  onChange={setTestGroupId}
                  w={320}
                />
                <RoleGuard method="campaigns.start">
                  {(refused) => (
                    <Button
                      variant="light"
                      size="md"
                      onClick={() => void runTest()}
                      disabled={!testGroupId || plan.blockers.length > 0 || refused}
                      loading={testBusy}
                    >
                      {t('test')}
                    </Button>
                  )}
                </RoleGuard>
              </Group>
              <SavePreparedButton fields={toFields(s)} />
            </Group>
          </Stack>
        </Paper>
      )}

      {plan && draftId !== null && (
        <StartDialog
          opened={starting}
          recipients={plan.recipients}
          testMode={false}
          scheduled={scheduled}
          templateApproved={plan.templateApproved}
          needsApproval={needs}
          onClose={() => setStarting(false)}
          onStart={(unapprovedReason) => startOrSubmit(draftId, needs, unapprovedReason).then((started) => navigate('campaigns', started))}
        />
      )}
    </Stack>
  );
}
