// The last barrier before people's phones ring: names how many will be alerted, and for a
// live alert above the threshold asks for that number to be typed. An unapproved template
// needs a reason, which goes into the audit log. An alert that needs a second operator
// (the two-person rule) is not started from here but submitted for approval, and says why.
// The safe choice has the focus.
import { Alert, Button, Group, List, Modal, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useState } from 'react';
import type { ApprovalReason } from '@gdial/protocol';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useFormat, useT } from '../../i18n';
import { needsTypedConfirmation, typedCountMatches } from './wizardState';
import { pageScope } from '../../components/pageScope';

const dict = {
  sv: {
    titleLive: 'Starta larmet nu?',
    titleScheduled: 'Schemalägg larmet?',
    titleTest: 'Starta en testkörning?',
    bodyLive: 'Larmet går ut till {n} {n|person|personer} direkt. Det går inte att ta tillbaka det som redan skickats.',
    bodyScheduled: 'Larmet går ut till {n} {n|person|personer} vid den schemalagda tiden.',
    bodyTest: 'Bara de {n} personerna i testgruppen får meddelandet.',
    type: 'Skriv antalet mottagare ({n}) för att bekräfta',
    typeWrong: 'Skriv exakt {n}.',
    reason: 'Skäl till att använda en mall som inte är godkänd',
    reasonHelp: 'Sparas i händelseloggen.',
    close: 'Stäng',
    cancel: 'Avbryt – skicka inget',
    startLive: 'Starta larm till {n} {n|person|personer}',
    startScheduled: 'Schemalägg larm till {n} {n|person|personer}',
    startTest: 'Starta testkörning',
    titleApproval: 'Skicka larmet för godkännande?',
    bodyApproval:
      'Larmet till {n} {n|person|personer} måste godkännas av en annan larmoperatör innan det startar (tvåpersonsregeln). Alla larmoperatörer i organisationen ser det direkt.',
    'need_head-count': 'Det går till fler mottagare än organisationens gräns.',
    need_vma: 'Det är markerat som skarpt VMA-underlag.',
    submit: 'Skicka för godkännande',
  },
  en: {
    titleLive: 'Start the alert now?',
    titleScheduled: 'Schedule the alert?',
    titleTest: 'Start a test run?',
    bodyLive: 'The alert goes to {n} {n|person|people} at once. What has been sent cannot be taken back.',
    bodyScheduled: 'The alert goes to {n} {n|person|people} at the scheduled time.',
    bodyTest: 'Only the {n} people in the test group get the message.',
    type: 'Type the number of recipients ({n}) to confirm',
    typeWrong: 'Type exactly {n}.',
    reason: 'Reason for using a template that is not approved',
    reasonHelp: 'Kept in the audit log.',
    close: 'Close',
    cancel: 'Cancel – send nothing',
    startLive: 'Start alert to {n} {n|person|people}',
    startScheduled: 'Schedule alert to {n} {n|person|people}',
    startTest: 'Start test run',
    titleApproval: 'Submit the alert for approval?',
    bodyApproval:
      'The alert to {n} {n|person|people} must be approved by another alert operator before it starts (the two-person rule). Every alert operator of the organisation sees it at once.',
    'need_head-count': 'It goes to more recipients than the organisation’s limit.',
    need_vma: 'It is flagged as a live VMA (public warning).',
    submit: 'Submit for approval',
  },
};

export interface StartDialogProps {
  opened: boolean;
  recipients: number;
  testMode: boolean;
  scheduled: boolean;
  templateApproved: boolean;
  /** Why a second operator must approve it (empty: it starts from here). */
  needsApproval?: readonly ApprovalReason[];
  onStart: (unapprovedReason: string | undefined) => Promise<unknown>;
  onClose: () => void;
}

export function StartDialog({
  opened,
  recipients,
  testMode,
  scheduled,
  templateApproved,
  needsApproval = [],
  onStart,
  onClose,
}: StartDialogProps) {
  const t = useT(dict);
  const f = useFormat();
  const [typed, setTyped] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const n = f.number(recipients);
  const typedNeeded = needsTypedConfirmation(recipients, testMode);
  const typedOk = !typedNeeded || typedCountMatches(typed, recipients);
  const reasonOk = templateApproved || reason.trim().length >= 3;
  const close = () => {
    if (busy) return;
    setTyped('');
    setReason('');
    setError(null);
    onClose();
  };
  const approval = needsApproval.length > 0;
  const title = approval ? t('titleApproval') : testMode ? t('titleTest') : scheduled ? t('titleScheduled') : t('titleLive');
  const confirmLabel = approval ? t('submit') : testMode ? t('startTest') : scheduled ? t('startScheduled', { n }) : t('startLive', { n });

  return (
    <Modal
      className={pageScope}
      opened={opened}
      onClose={close}
      closeButtonProps={{ 'aria-label': t('close') }}
      title={
        <Text fw={800} size="xl">
          {title}
        </Text>
      }
      centered
      size="lg"
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!typedOk || !reasonOk || busy) return;
          setBusy(true);
          setError(null);
          onStart(templateApproved ? undefined : reason.trim()).then(
            () => {
              setBusy(false);
              close();
            },
            (err: unknown) => {
              setBusy(false);
              setError(err);
            },
          );
        }}
      >
        <Stack>
          <Alert color={testMode ? 'blue' : 'red'} variant="light">
            <Text size="lg" fw={600}>
              {testMode ? t('bodyTest', { n }) : scheduled ? t('bodyScheduled', { n }) : t('bodyLive', { n })}
            </Text>
          </Alert>
          {approval && (
            <Alert color="orange" variant="light" title={t('bodyApproval', { n })}>
              <List size="sm">
                {needsApproval.map((r) => (
                  <List.Item key={r}>{t(`need_${r}`)}</List.Item>
                ))}
              </List>
            </Alert>
          )}
          {typedNeeded && (
            <TextInput
              size="lg"
              label={t('type', { n })}
              value={typed}
              onChange={(e) => setTyped(e.currentTarget.value)}
              inputMode="numeric"
              autoComplete="off"
              error={typed !== '' && !typedOk ? t('typeWrong', { n }) : undefined}
            />
          )}
          {!templateApproved && (
            <Textarea
              label={t('reason')}
              description={t('reasonHelp')}
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              autosize
              minRows={2}
            />
          )}
          <ErrorAlert error={error} />
          <Group justify="flex-end">
            <Button variant="default" size="md" onClick={close} disabled={busy} data-autofocus>
              {t('cancel')}
            </Button>
            <Button
              type="submit"
              size="md"
              color={approval ? 'orange' : testMode ? 'blue' : 'red'}
              disabled={!typedOk || !reasonOk}
              loading={busy}
            >
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
