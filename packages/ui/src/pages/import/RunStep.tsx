// Steps 4 and 5: the import running (progress from the engine's events, with a way to
// stop it between batches) and the report of what it did.
import { Alert, Button, Group as Row, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { ImportReport } from '@gdial/protocol';
import { useFormat, useT } from '../../i18n';
import { ProgressPanel, type ImportProgress as Progress } from './ProgressPanel';
import { RowErrorTable } from './RowErrorTable';

const dict = {
  sv: {
    cancel: 'Avbryt importen',
    cancelling: 'Avbryter efter pågående del…',
    cancelHelp: 'Det som redan sparats finns kvar; resten importeras inte.',
    completed: 'Importen är klar',
    failed: 'Importen stoppades av ett fel',
    cancelled: 'Importen avbröts',
    completedBody: 'Alla rader utan fel har sparats.',
    cancelledBody:
      '{n} rader importerades inte eftersom importen avbröts. Importera filen igen för att ta med dem – dubbletter känns igen.',
    failedBody:
      'Raderna {from}–{to} kunde inte sparas och ångrades: {message}. {n} rader importerades inte. Det som sparats före dem finns kvar. Försök igen; kvarstår felet, kontakta IT med texten ovan.',
    created: 'Nya kontakter',
    updated: 'Uppdaterade',
    skipped: 'Överhoppade',
    errorRows: 'Rader med fel',
    notAttempted: 'Ej importerade',
    duration: 'Tid: {s} s',
    groups: 'Nya grupper: {names}',
    errorsTitle: 'Rader som inte importerades på grund av fel',
    errorTable: 'Rader med fel',
    warningsTitle: 'Värden som inte importerades ({n} {n|rad|rader}) – personerna finns i GDial utan dem',
    warningTable: 'Värden som inte importerades',
    show: 'Visa kontakterna',
    another: 'Importera en fil till',
  },
  en: {
    cancel: 'Cancel the import',
    cancelling: 'Cancelling after the current part…',
    cancelHelp: 'What is already saved stays; the rest is not imported.',
    completed: 'The import is complete',
    failed: 'The import was stopped by an error',
    cancelled: 'The import was cancelled',
    completedBody: 'Every row without errors has been saved.',
    cancelledBody:
      '{n} rows were not imported because the import was cancelled. Import the file again to include them – duplicates are recognised.',
    failedBody:
      'Rows {from}–{to} could not be saved and were rolled back: {message}. {n} rows were not imported. What was saved before them stays. Try again; if it keeps failing, contact IT with the text above.',
    created: 'New contacts',
    updated: 'Updated',
    skipped: 'Skipped',
    errorRows: 'Rows with errors',
    notAttempted: 'Not imported',
    duration: 'Time: {s} s',
    groups: 'New groups: {names}',
    errorsTitle: 'Rows not imported because of errors',
    errorTable: 'Rows with errors',
    warningsTitle: 'Values not imported ({n} {n|row|rows}) – the people are in GDial without them',
    warningTable: 'Values not imported',
    show: 'Show the contacts',
    another: 'Import another file',
  },
};

export function RunningStep({ progress, onCancel }: { progress: Progress | null; onCancel: () => void }) {
  const t = useT(dict);
  const [cancelling, setCancelling] = useState(false);
  return (
    <Stack>
      <ProgressPanel progress={progress} fallback="writing" />
      <Row>
        <Button
          variant="default"
          color="red"
          disabled={cancelling}
          onClick={() => {
            setCancelling(true);
            onCancel();
          }}
        >
          {cancelling ? t('cancelling') : t('cancel')}
        </Button>
        <Text size="sm" c="dimmed">
          {t('cancelHelp')}
        </Text>
      </Row>
    </Stack>
  );
}

export function ResultStep({
  report: r,
  onAnother,
  onShowContacts,
}: {
  report: ImportReport;
  onAnother: () => void;
  onShowContacts: () => void;
}) {
  const t = useT(dict);
  const f = useFormat();
  const colour = r.status === 'completed' ? 'green' : r.status === 'failed' ? 'red' : 'orange';
  let body: string;
  switch (r.status) {
    case 'completed':
      body = t('completedBody');
      break;
    case 'cancelled':
      body = t('cancelledBody', { n: f.number(r.notAttempted) });
      break;
    case 'failed':
      body = t('failedBody', {
        from: r.failedBatch?.fromRow ?? '?',
        to: r.failedBatch?.toRow ?? '?',
        message: r.failedBatch?.message ?? '',
        n: f.number(r.notAttempted),
      });
      break;
    default: {
      const never: never = r.status;
      throw new Error(`Unknown import status ${String(never)}`);
    }
  }
  const stat = (label: string, value: number, c?: string) => (
    <Paper withBorder p="sm">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text size="xl" fw={800} c={c}>
        {f.number(value)}
      </Text>
    </Paper>
  );
  return (
    <Stack>
      <Alert
        color={colour}
        variant="filled"
        role={r.status === 'completed' ? 'status' : 'alert'}
        title={
          <Text fw={800} size="xl">
            {t(r.status)}
          </Text>
        }
      >
        <Text size="lg">{body}</Text>
      </Alert>
      <SimpleGrid cols={{ base: 2, md: 5 }}>
        {stat(t('created'), r.created, 'var(--gdial-ok-text)')}
        {stat(t('updated'), r.updated)}
        {stat(t('skipped'), r.skipped)}
        {stat(t('errorRows'), r.errorRows, r.errorRows > 0 ? 'var(--gdial-error-text)' : undefined)}
        {stat(t('notAttempted'), r.notAttempted, r.notAttempted > 0 ? 'var(--gdial-warn-text)' : undefined)}
      </SimpleGrid>
      <Text c="dimmed">
        {t('duration', { s: (r.durationMs / 1000).toLocaleString(f.locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) })}
      </Text>
      {r.groupsCreated.length > 0 && <Text>{t('groups', { names: r.groupsCreated.join(', ') })}</Text>}
      {r.errors.length > 0 && (
        <Stack gap="xs">
          <Title order={4}>{t('errorsTitle')}</Title>
          <RowErrorTable errors={r.errors} truncated={r.errorsTruncated} label={t('errorTable')} />
        </Stack>
      )}
      {r.warnings.length > 0 && (
        <Stack gap="xs">
          <Title order={4}>{t('warningsTitle', { n: f.number(r.warningRows) })}</Title>
          <RowErrorTable errors={r.warnings} truncated={r.warningsTruncated} label={t('warningTable')} kind="warning" />
        </Stack>
      )}
      <Row>
        <Button size="lg" onClick={onShowContacts}>
          {t('show')}
        </Button>
        <Button size="lg" variant="default" onClick={onAnother}>
          {t('another')}
        </Button>
      </Row>
    </Stack>
  );
}
