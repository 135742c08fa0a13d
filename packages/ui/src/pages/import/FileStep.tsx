// Step 1 of the import: the operator picks a file; format, text encoding and delimiter are
// detected by the engine unless the operator overrides them (for the odd file that is
// detected wrong).
import { Accordion, Button, FileButton, Group as Row, Paper, Select, SimpleGrid, Stack, Text } from '@mantine/core';
import { useRef, useState } from 'react';
import { useT } from '../../i18n';
import { ProgressPanel, type ImportProgress as Progress } from './ProgressPanel';

const dict = {
  sv: {
    intro:
      'Välj en fil med kontakter: en CSV-fil sparad från Excel (semikolon, komma eller tab) eller en vCard-fil (.vcf) från en telefon eller ett e-postprogram. Inget sparas förrän du har sett en kontroll av filen och bekräftat importen.',
    choose: 'Välj fil…',
    advanced: 'Avancerat: format, teckenkodning och avgränsare',
    format: 'Format',
    encoding: 'Teckenkodning',
    delimiter: 'Avgränsare',
    auto: 'Känn igen automatiskt',
    csv: 'CSV',
    vcard: 'vCard',
    utf8: 'UTF-8',
    utf16: 'UTF-16 (Unicode från Excel)',
    win: 'Windows-1252 (äldre Excel)',
    semicolon: 'Semikolon ;',
    comma: 'Komma ,',
    tab: 'Tab',
  },
  en: {
    intro:
      'Choose a file of contacts: a CSV file saved from Excel (semicolon, comma or tab) or a vCard file (.vcf) from a phone or mail program. Nothing is saved until you have seen a check of the file and confirmed the import.',
    choose: 'Choose file…',
    advanced: 'Advanced: format, text encoding and delimiter',
    format: 'Format',
    encoding: 'Text encoding',
    delimiter: 'Delimiter',
    auto: 'Detect automatically',
    csv: 'CSV',
    vcard: 'vCard',
    utf8: 'UTF-8',
    utf16: 'UTF-16 (Unicode from Excel)',
    win: 'Windows-1252 (older Excel)',
    semicolon: 'Semicolon ;',
    comma: 'Comma ,',
    tab: 'Tab',
  },
};

export interface FileOptions {
  format: 'auto' | 'csv' | 'vcard';
  encoding: 'auto' | 'utf-8' | 'utf-16le' | 'windows-1252';
  delimiter: 'auto' | ',' | ';' | '\t';
}

export function FileStep({
  busy,
  progress,
  initial,
  onChoose,
}: {
  busy: boolean;
  progress: Progress | null;
  initial: FileOptions;
  onChoose: (f: File, o: FileOptions) => void;
}) {
  const t = useT(dict);
  const [opts, setOpts] = useState<FileOptions>(initial);
  // Lets the operator pick the same file again after fixing it in Excel.
  const resetRef = useRef<() => void>(null);
  return (
    <Stack>
      <Text size="lg" maw={760}>
        {t('intro')}
      </Text>
      <Row>
        <FileButton
          resetRef={resetRef}
          onChange={(f) => {
            if (f) onChoose(f, opts);
            resetRef.current?.();
          }}
          accept=".csv,.txt,.tsv,.vcf,.vcard,text/csv,text/vcard,text/plain"
        >
          {(props) => (
            <Button {...props} size="lg" loading={busy}>
              {t('choose')}
            </Button>
          )}
        </FileButton>
      </Row>
      {busy && <ProgressPanel progress={progress} fallback="validating" />}
      <Paper withBorder maw={760}>
        <Accordion>
          <Accordion.Item value="advanced">
            <Accordion.Control>{t('advanced')}</Accordion.Control>
            <Accordion.Panel>
              <SimpleGrid cols={3}>
                <Select
                  label={t('format')}
                  value={opts.format}
                  allowDeselect={false}
                  onChange={(v) => v && setOpts({ ...opts, format: v as FileOptions['format'] })}
                  data={[
                    { value: 'auto', label: t('auto') },
                    { value: 'csv', label: t('csv') },
                    { value: 'vcard', label: t('vcard') },
                  ]}
                />
                <Select
                  label={t('encoding')}
                  value={opts.encoding}
                  allowDeselect={false}
                  onChange={(v) => v && setOpts({ ...opts, encoding: v as FileOptions['encoding'] })}
                  data={[
                    { value: 'auto', label: t('auto') },
                    { value: 'utf-8', label: t('utf8') },
                    { value: 'utf-16le', label: t('utf16') },
                    { value: 'windows-1252', label: t('win') },
                  ]}
                />
                <Select
                  label={t('delimiter')}
                  value={opts.delimiter}
                  allowDeselect={false}
                  onChange={(v) => v && setOpts({ ...opts, delimiter: v as FileOptions['delimiter'] })}
                  data={[
                    { value: 'auto', label: t('auto') },
                    { value: ';', label: t('semicolon') },
                    { value: ',', label: t('comma') },
                    { value: '\t', label: t('tab') },
                  ]}
                />
              </SimpleGrid>
            </Accordion.Panel>
          </Accordion.Item>
        </Accordion>
      </Paper>
    </Stack>
  );
}
