// Step 3: the dry run. What the import would do (create / update / skip), every row with
// an error (not imported), every value left out of a row that is imported (a warning),
// every duplicate (of a contact already in GDial or of an earlier row) with the
// operator's choice of what to do with duplicates, groups that will be created, and a
// sample of the contacts as they will look.
import { Alert, Badge, Button, Group as Row, Paper, Radio, ScrollArea, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { DuplicateMode, ImportPreview, ImportRowAction } from '@gdial/protocol';
import { useFormat, useT } from '../../i18n';
import { displayPhone } from '../../components/phone';
import { ProgressPanel, type ImportProgress as Progress } from './ProgressPanel';
import { RowErrorTable } from './RowErrorTable';

const dict = {
  sv: {
    summary: 'Kontroll av {file}',
    total: 'Rader i filen',
    valid: 'Kan importeras',
    errors: 'Rader med fel',
    warnings: 'Rader med varning',
    duplicates: 'Dubbletter',
    willCreate: 'Nya kontakter',
    willUpdate: 'Uppdateras',
    willSkip: 'Hoppas över',
    errorsTitle: 'Rader med fel ({n}) – de importeras inte',
    errorTable: 'Rader med fel',
    warningsTitle: 'Varningar ({n} {n|rad|rader}) – raden importeras, men utan värdet som är fel',
    warningTable: 'Värden som inte importeras',
    dupTitle: 'Dubbletter ({n})',
    dupTable: 'Dubbletter',
    dupChoice: 'Vad ska hända med dubbletter?',
    update: 'Uppdatera den befintliga kontakten med uppgifterna i filen',
    skip: 'Hoppa över raden – behåll den befintliga kontakten som den är',
    create: 'Skapa en ny kontakt ändå',
    row: 'Rad',
    matches: 'Samma som',
    by: 'Via',
    value: 'Värde',
    phone: 'telefon',
    email: 'e-post',
    whatsapp: 'WhatsApp-nummer',
    telegram: 'Telegram-id',
    earlierRow: 'rad {n} i filen',
    existing: '{name} (finns i GDial)',
    dupTruncated: 'Fler dubbletter finns än som visas här.',
    groupsTitle: 'Grupper som skapas',
    sampleTitle: 'Så här blir kontakterna (urval)',
    sampleTable: 'Urval av kontakter',
    action: 'Åtgärd',
    name: 'Namn',
    org: 'Organisation',
    phones: 'Telefon',
    emails: 'E-post',
    groups: 'Grupper',
    a_create: 'Ny',
    a_update: 'Uppdateras',
    a_skip: 'Hoppas över',
    a_error: 'Fel',
    back: 'Tillbaka',
    import: 'Importera {n} {n|kontakt|kontakter}',
    importOne: 'Importera 1 kontakt',
    nothing: 'Det finns inget att importera. Rätta felen i filen och välj den igen.',
    allGood: 'Inga fel hittades.',
  },
  en: {
    summary: 'Check of {file}',
    total: 'Rows in the file',
    valid: 'Can be imported',
    errors: 'Rows with errors',
    warnings: 'Rows with warnings',
    duplicates: 'Duplicates',
    willCreate: 'New contacts',
    willUpdate: 'Updated',
    willSkip: 'Skipped',
    errorsTitle: 'Rows with errors ({n}) – they are not imported',
    errorTable: 'Rows with errors',
    warningsTitle: 'Warnings ({n} {n|row|rows}) – the row is imported, but without the value that is wrong',
    warningTable: 'Values that are not imported',
    dupTitle: 'Duplicates ({n})',
    dupTable: 'Duplicates',
    dupChoice: 'What should happen to duplicates?',
    update: 'Update the existing contact with the data in the file',
    skip: 'Skip the row – keep the existing contact as it is',
    create: 'Create a new contact anyway',
    row: 'Row',
    matches: 'Same as',
    by: 'By',
    value: 'Value',
    phone: 'phone',
    email: 'e-mail',
    whatsapp: 'WhatsApp number',
    telegram: 'Telegram id',
    earlierRow: 'row {n} of the file',
    existing: '{name} (in GDial)',
    dupTruncated: 'There are more duplicates than shown here.',
    groupsTitle: 'Groups that will be created',
    sampleTitle: 'How the contacts will look (sample)',
    sampleTable: 'Sample of contacts',
    action: 'Action',
    name: 'Name',
    org: 'Organisation',
    phones: 'Phone',
    emails: 'E-mail',
    groups: 'Groups',
    a_create: 'New',
    a_update: 'Updated',
    a_skip: 'Skipped',
    a_error: 'Error',
    back: 'Back',
    import: 'Import {n} {n|contact|contacts}',
    importOne: 'Import 1 contact',
    nothing: 'There is nothing to import. Fix the errors in the file and choose it again.',
    allGood: 'No errors were found.',
  },
};

const actionColour: Record<ImportRowAction, string> = { create: 'green', update: 'blue', skip: 'gray', error: 'red' };

export interface PreviewStepProps {
  preview: ImportPreview;
  onDuplicate: DuplicateMode;
  busy: boolean;
  progress: Progress | null;
  onDuplicateChange: (m: DuplicateMode) => void;
  onBack: () => void;
  onImport: () => void;
}

export function PreviewStep({ preview: p, onDuplicate, busy, progress, onDuplicateChange, onBack, onImport }: PreviewStepProps) {
  const t = useT(dict);
  const f = useFormat();
  const toWrite = p.actions.create + p.actions.update;
  const stat = (label: string, value: number, colour?: string) => (
    <Paper withBorder p="sm">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text size="xl" fw={800} c={colour}>
        {f.number(value)}
      </Text>
    </Paper>
  );
  return (
    <Stack>
      <Title order={3}>{t('summary', { file: p.fileName })}</Title>
      <SimpleGrid cols={{ base: 2, md: 4, lg: 8 }}>
        {stat(t('total'), p.totalRows)}
        {stat(t('valid'), p.validRows, 'var(--gdial-ok-text)')}
        {stat(t('errors'), p.errorRows, p.errorRows > 0 ? 'var(--gdial-error-text)' : undefined)}
        {stat(t('warnings'), p.warningRows, p.warningRows > 0 ? 'var(--gdial-warn-text)' : undefined)}
        {stat(t('duplicates'), p.duplicateCount, p.duplicateCount > 0 ? 'var(--gdial-warn-text)' : undefined)}
        {stat(t('willCreate'), p.actions.create)}
        {stat(t('willUpdate'), p.actions.update)}
        {stat(t('willSkip'), p.actions.skip)}
      </SimpleGrid>

      {p.errors.length > 0 ? (
        <Stack gap="xs">
          <Title order={4} c="var(--gdial-error-text)">
            {t('errorsTitle', { n: f.number(p.errorRows) })}
          </Title>
          <RowErrorTable errors={p.errors} truncated={p.errorsTruncated} label={t('errorTable')} />
        </Stack>
      ) : (
        <Alert color="green" variant="light">
          {t('allGood')}
        </Alert>
      )}

      {p.warnings.length > 0 && (
        <Stack gap="xs">
          <Title order={4} c="var(--gdial-warn-text)">
            {t('warningsTitle', { n: f.number(p.warningRows) })}
          </Title>
          <RowErrorTable errors={p.warnings} truncated={p.warningsTruncated} label={t('warningTable')} kind="warning" />
        </Stack>
      )}

      {p.duplicateCount > 0 && (
        <Stack gap="xs">
          <Title order={4}>{t('dupTitle', { n: f.number(p.duplicateCount) })}</Title>
          <Radio.Group label={t('dupChoice')} value={onDuplicate} onChange={(v) => onDuplicateChange(v as DuplicateMode)}>
            <Stack gap="xs" mt="xs">
              <Radio value="update" label={t('update')} disabled={busy} />
              <Radio value="skip" label={t('skip')} disabled={busy} />
              <Radio value="create" label={t('create')} disabled={busy} />
            </Stack>
          </Radio.Group>
          <ScrollArea.Autosize mah={260} type="auto">
            <Table striped aria-label={t('dupTable')} stickyHeader>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={70}>{t('row')}</Table.Th>
                  <Table.Th>{t('matches')}</Table.Th>
                  <Table.Th>{t('by')}</Table.Th>
                  <Table.Th>{t('value')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {p.duplicates.map((d, i) => (
                  <Table.Tr key={`${d.row}-${i}`}>
                    <Table.Td fw={700}>{d.row}</Table.Td>
                    <Table.Td>
                      {d.existingContactId !== null ? (
                        <a href={`#/contacts/${d.existingContactId}`} target="_blank" rel="noreferrer">
                          {t('existing', { name: d.existingName ?? `#${d.existingContactId}` })}
                        </a>
                      ) : (
                        t('earlierRow', { n: d.fileRow ?? '?' })
                      )}
                    </Table.Td>
                    <Table.Td>{t(d.by)}</Table.Td>
                    <Table.Td ff="monospace">{d.value}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea.Autosize>
          {p.duplicatesTruncated && <Text c="dimmed">{t('dupTruncated')}</Text>}
        </Stack>
      )}

      {p.groupsToCreate.length > 0 && (
        <Stack gap="xs">
          <Title order={4}>{t('groupsTitle')}</Title>
          <Row gap="xs">
            {p.groupsToCreate.map((g) => (
              <Badge key={g} size="lg" variant="light">
                {g}
              </Badge>
            ))}
          </Row>
        </Stack>
      )}

      {p.sample.length > 0 && (
        <Stack gap="xs">
          <Title order={4}>{t('sampleTitle')}</Title>
          <ScrollArea.Autosize mah={300} type="auto">
            <Table striped aria-label={t('sampleTable')} stickyHeader>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={70}>{t('row')}</Table.Th>
                  <Table.Th>{t('action')}</Table.Th>
                  <Table.Th>{t('name')}</Table.Th>
                  <Table.Th>{t('org')}</Table.Th>
                  <Table.Th>{t('phones')}</Table.Th>
                  <Table.Th>{t('emails')}</Table.Th>
                  <Table.Th>{t('groups')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {p.sample.map((s) => (
                  <Table.Tr key={s.row}>
                    <Table.Td>{s.row}</Table.Td>
                    <Table.Td>
                      <Badge color={actionColour[s.action]} variant="light">
                        {t(`a_${s.action}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td fw={600}>{s.displayName}</Table.Td>
                    <Table.Td>{s.organisation ?? ''}</Table.Td>
                    <Table.Td>{s.phones.map((n) => (n.startsWith('+') ? displayPhone(n) : n)).join(', ')}</Table.Td>
                    <Table.Td>{s.emails.join(', ')}</Table.Td>
                    <Table.Td>{s.groups.join(', ')}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea.Autosize>
        </Stack>
      )}

      {busy && <ProgressPanel progress={progress} fallback="validating" />}
      {toWrite === 0 && (
        <Alert color="orange" role="alert">
          {t('nothing')}
        </Alert>
      )}
      <Row justify="space-between">
        <Button variant="default" onClick={onBack} disabled={busy}>
          {t('back')}
        </Button>
        <Button size="lg" onClick={onImport} disabled={busy || toWrite === 0}>
          {toWrite === 1 ? t('importOne') : t('import', { n: f.number(toWrite) })}
        </Button>
      </Row>
    </Stack>
  );
}
