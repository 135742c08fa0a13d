// The rows an import could not take (errors), or the values it left out of rows it took
// (warnings), each with its row number, field, value and reason, so the operator can fix
// them in the spreadsheet.
import { ScrollArea, Table, Text } from '@mantine/core';
import type { ImportRowError } from '@gdial/protocol';
import { issueText } from '../../components/labels';
import { useLanguage, useT } from '../../i18n';
import { importFieldLabel } from './importFields';

const dict = {
  sv: {
    row: 'Rad',
    field: 'Fält',
    column: 'Kolumn',
    value: 'Värde',
    reason: 'Orsak',
    whole: 'Hela raden',
    phone: 'Telefon',
    truncated: 'Fler fel finns än som visas här. Rätta dessa och kontrollera igen.',
    truncatedWarnings: 'Fler varningar finns än som visas här.',
  },
  en: {
    row: 'Row',
    field: 'Field',
    column: 'Column',
    value: 'Value',
    reason: 'Reason',
    whole: 'Whole row',
    phone: 'Phone',
    truncated: 'There are more errors than shown here. Fix these and check again.',
    truncatedWarnings: 'There are more warnings than shown here.',
  },
};

/** "phones.0.number" → "Telefon"; other contact fields by their import label. */
function describeField(e: ImportRowError, language: 'sv' | 'en', t: (k: 'whole' | 'phone') => string): string {
  if (e.field === null) return t('whole');
  const f = e.field;
  if (f.startsWith('phones') || f.startsWith('phone.')) return t('phone');
  if (f.startsWith('emails') || f === 'email') return importFieldLabel('email', language);
  return importFieldLabel(f, language);
}

export function RowErrorTable({
  errors,
  truncated,
  label,
  kind = 'error',
}: {
  errors: ImportRowError[];
  truncated: boolean;
  label: string;
  /** error: the row is not imported; warning: the row is, without this value. */
  kind?: 'error' | 'warning';
}) {
  const t = useT(dict);
  const { language } = useLanguage();
  return (
    <>
      <ScrollArea.Autosize mah={360} type="auto">
        <Table striped aria-label={label} stickyHeader>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={70}>{t('row')}</Table.Th>
              <Table.Th>{t('field')}</Table.Th>
              <Table.Th>{t('column')}</Table.Th>
              <Table.Th>{t('value')}</Table.Th>
              <Table.Th>{t('reason')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {errors.map((e, i) => (
              <Table.Tr key={`${e.row}-${i}`}>
                <Table.Td fw={700}>{e.row}</Table.Td>
                <Table.Td>{describeField(e, language, t)}</Table.Td>
                <Table.Td>{e.column ?? ''}</Table.Td>
                <Table.Td ff="monospace">{e.value ?? ''}</Table.Td>
                <Table.Td c={kind === 'error' ? 'var(--gdial-error-text)' : 'var(--gdial-warn-text)'}>
                  {issueText({ ...e, path: e.field }, language)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea.Autosize>
      {truncated && <Text c="var(--gdial-warn-text)">{t(kind === 'error' ? 'truncated' : 'truncatedWarnings')}</Text>}
    </>
  );
}
