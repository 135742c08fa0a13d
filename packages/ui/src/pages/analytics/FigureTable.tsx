// One table of the Analys page with its CSV download: the same columns (headers in the
// console's language) and values on screen and in the file, so what is saved is what was seen.
// Numbers go into the file unformatted except for the decimal comma in Swedish.
import { Button, Group, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { csvText, type CsvValue } from '@gdial/protocol';
import { downloadBlob } from '../../components/download';
import { useLanguage, useT } from '../../i18n';

export interface Column<Row> {
  header: string;
  /** The value in the CSV file (a number stays a number). */
  value: (row: Row) => CsvValue;
  /** On screen, when it differs from the value (a formatted number, a link). */
  show?: (row: Row) => ReactNode;
  numeric?: boolean;
}

const dict = {
  sv: { csv: 'Ladda ner CSV', csvLabel: 'Ladda ner {title} som CSV' },
  en: { csv: 'Download CSV', csvLabel: 'Download {title} as CSV' },
};

export function FigureTable<Row>({
  title,
  file,
  columns,
  rows,
  empty,
  children,
}: {
  title: string;
  /** The CSV file's name without extension. */
  file: string;
  columns: Column<Row>[];
  rows: Row[];
  /** What an empty table means, in words. */
  empty: string;
  /** A chart or a note above the table. */
  children?: ReactNode;
}) {
  const t = useT(dict);
  const { language } = useLanguage();
  const download = () => {
    const cell = (v: CsvValue) => (typeof v === 'number' && language === 'sv' ? String(v).replace('.', ',') : v);
    const text = csvText(
      columns.map((c) => c.header),
      rows.map((r) => columns.map((c) => cell(c.value(r)))),
    );
    downloadBlob(`${file}.csv`, new Blob([text], { type: 'text/csv;charset=utf-8' }));
  };
  return (
    <section aria-label={title}>
      <Group justify="space-between" mb="xs">
        <Title order={3} size="h4">
          {title}
        </Title>
        <Button size="xs" variant="light" onClick={download} disabled={rows.length === 0} aria-label={t('csvLabel', { title })}>
          {t('csv')}
        </Button>
      </Group>
      {rows.length === 0 ? (
        <Text c="dimmed" size="sm">
          {empty}
        </Text>
      ) : (
        <>
          {children}
          <Table.ScrollContainer minWidth={500}>
            <Table withTableBorder striped aria-label={title}>
              <Table.Thead>
                <Table.Tr>
                  {columns.map((c) => (
                    <Table.Th key={c.header} ta={c.numeric ? 'right' : undefined}>
                      {c.header}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((r, i) => (
                  <Table.Tr key={i}>
                    {columns.map((c) => (
                      <Table.Td key={c.header} ta={c.numeric ? 'right' : undefined}>
                        {c.show ? c.show(r) : (c.value(r) ?? '–')}
                      </Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </section>
  );
}
