// Step 2 of a CSV import: each column of the file, a few of its values, and the contact
// field it fills. The engine's automatic choice (from the header, Swedish or English) is
// marked as such; the operator can change any column or leave it out.
import { Badge, Button, Group as Row, Paper, Select, Stack, Table, Text } from '@mantine/core';
import type { ColumnMapping, ImportInspection } from '@gdial/protocol';
import { useFormat, useLanguage, useT } from '../../i18n';
import { fieldFromOption, fieldOptions, importFieldLabel, optionValue } from './importFields';
import { ProgressPanel, type ImportProgress as Progress } from './ProgressPanel';

const dict = {
  sv: {
    intro: 'Filen {file} har {rows} rader och {cols} kolumner. Kontrollera att varje kolumn hamnar i rätt fält. Ändra där det blivit fel.',
    detected: 'Upptäckt: {encoding}, avgränsare {delimiter}',
    column: 'Kolumn i filen',
    samples: 'Exempel',
    field: 'Fält i GDial',
    how: 'Vald av',
    auto: 'Automatiskt',
    manual: 'Ändrad av dig',
    none: 'Ingen rubrik',
    fieldFor: 'Fält för kolumnen {header}',
    back: 'Välj en annan fil',
    next: 'Kontrollera importen',
    unmappedWarning: 'Ingen kolumn är vald som namn, telefon eller e-post. Rader utan något av dem kan inte importeras.',
    duplicateWarning: 'Flera kolumner fyller samma fält: {fields}.',
    tab: 'tab',
  },
  en: {
    intro:
      'The file {file} has {rows} rows and {cols} columns. Check that each column goes to the right field. Change it where it is wrong.',
    detected: 'Detected: {encoding}, delimiter {delimiter}',
    column: 'Column in the file',
    samples: 'Examples',
    field: 'Field in GDial',
    how: 'Chosen by',
    auto: 'Automatically',
    manual: 'Changed by you',
    none: 'No header',
    fieldFor: 'Field for the column {header}',
    back: 'Choose another file',
    next: 'Check the import',
    unmappedWarning: 'No column is chosen as name, phone or e-mail. Rows without any of those cannot be imported.',
    duplicateWarning: 'Several columns fill the same field: {fields}.',
    tab: 'tab',
  },
};

/** Fields that may come from several columns (each adds a value) rather than overwrite. */
const MULTI = new Set(['phone.mobile', 'phone.work', 'phone.home', 'phone.other', 'email', 'groups', 'tags']);
const IDENTIFYING = /^(firstName|lastName|displayName|phone\.|email|organisation)/;

export interface MappingStepProps {
  /** The file as the engine read it (columns with their automatic fields, rows). */
  file: ImportInspection;
  mapping: ColumnMapping[];
  busy: boolean;
  progress: Progress | null;
  onChange: (m: ColumnMapping[]) => void;
  onBack: () => void;
  onNext: () => void;
}

export function MappingStep({ file, mapping, busy, progress, onChange, onBack, onNext }: MappingStepProps) {
  const t = useT(dict);
  const fmt = useFormat();
  const { language } = useLanguage();
  const fieldOf = (index: number) => mapping.find((m) => m.column === index)?.field ?? null;
  const chosen = file.columns.map((c) => fieldOf(c.index)).filter((f): f is string => f !== null);
  const repeated = [...new Set(chosen.filter((f, i) => !MULTI.has(f) && chosen.indexOf(f) !== i))];
  const identifying = chosen.some((f) => IDENTIFYING.test(f));

  return (
    <Stack>
      <Text size="lg">{t('intro', { file: file.fileName, rows: fmt.number(file.totalRows), cols: fmt.number(file.columns.length) })}</Text>
      <Text size="sm" c="dimmed">
        {t('detected', { encoding: file.encoding.toUpperCase(), delimiter: file.delimiter === '\t' ? t('tab') : (file.delimiter ?? '') })}
      </Text>
      <Paper withBorder>
        <Table verticalSpacing="xs" aria-label={t('field')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('column')}</Table.Th>
              <Table.Th>{t('samples')}</Table.Th>
              <Table.Th w={300}>{t('field')}</Table.Th>
              <Table.Th>{t('how')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {file.columns.map((c) => {
              const current = fieldOf(c.index);
              const options = fieldOptions(c.header, language);
              if (current !== null && !options.some((o) => o.value === current))
                options.push({ value: current, label: importFieldLabel(current, language) });
              // "Automatic" only while the column still has the engine's own choice.
              const automatic = c.automatic && current === c.field;
              const header = c.header.trim() === '' ? t('none') : c.header;
              return (
                <Table.Tr key={c.index}>
                  <Table.Td fw={700}>{header}</Table.Td>
                  <Table.Td c="dimmed" maw={280} style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
                    {c.samples.filter(Boolean).slice(0, 3).join(' · ')}
                  </Table.Td>
                  <Table.Td>
                    <Select
                      aria-label={t('fieldFor', { header })}
                      data={options}
                      value={optionValue(current)}
                      allowDeselect={false}
                      searchable
                      onChange={(v) => {
                        if (v === null) return;
                        const field = fieldFromOption(v);
                        onChange(
                          [...mapping.filter((m) => m.column !== c.index), { column: c.index, field }].sort((a, b) => a.column - b.column),
                        );
                      }}
                    />
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={automatic ? 'gray' : 'blue'}>
                      {automatic ? t('auto') : t('manual')}
                    </Badge>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Paper>
      {!identifying && (
        <Text c="var(--gdial-warn-text)" fw={600} role="alert">
          {t('unmappedWarning')}
        </Text>
      )}
      {repeated.length > 0 && (
        <Text c="var(--gdial-warn-text)" fw={600} role="alert">
          {t('duplicateWarning', { fields: repeated.map((f) => importFieldLabel(f, language)).join(', ') })}
        </Text>
      )}
      {busy && <ProgressPanel progress={progress} fallback="validating" />}
      <Row justify="space-between">
        <Button variant="default" onClick={onBack} disabled={busy}>
          {t('back')}
        </Button>
        <Button size="lg" onClick={onNext} loading={busy}>
          {t('next')}
        </Button>
      </Row>
    </Stack>
  );
}
