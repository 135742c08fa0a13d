// "Exportera rapport (CSV)": the alert's report as a spreadsheet file, one row per person
// (how each was reached and confirmed) or one row per delivery (every attempt). Column names
// follow the console's language; the engine writes the file and audits the export.
import { Alert, Button, Menu } from '@mantine/core';
import { useState } from 'react';
import { downloadBlob } from '../../components/download';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useFormat, useLanguage, useT } from '../../i18n';
import { useRpc } from '../../rpc/react';

const dict = {
  sv: {
    export: 'Exportera rapport (CSV)',
    people: 'En rad per person',
    deliveries: 'En rad per utskick',
    exported: 'Rapporten är sparad som {f} ({n} {n|rad|rader}).',
    failed: 'Exporten misslyckades',
  },
  en: {
    export: 'Export report (CSV)',
    people: 'One row per person',
    deliveries: 'One row per delivery',
    exported: 'The report is saved as {f} ({n} rows).',
    failed: 'The export failed',
  },
};

export function CsvExportMenu({ id }: { id: number }) {
  const t = useT(dict);
  const f = useFormat();
  const rpc = useRpc();
  const { language } = useLanguage();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState<string | null>(null);
  const exportCsv = (view: 'people' | 'deliveries') => {
    setBusy(true);
    setError(null);
    setNote(null);
    rpc
      .call('campaigns.exportCsv', { id, view, language })
      .then((r) => {
        downloadBlob(r.fileName, new Blob([r.csv], { type: 'text/csv;charset=utf-8' }));
        setNote(t('exported', { f: r.fileName, n: f.number(r.rows) }));
      }, setError)
      .finally(() => setBusy(false));
  };
  return (
    <>
      <Menu position="bottom-end">
        <Menu.Target>
          <Button variant="default" loading={busy}>
            {t('export')}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item onClick={() => exportCsv('people')}>{t('people')}</Menu.Item>
          <Menu.Item onClick={() => exportCsv('deliveries')}>{t('deliveries')}</Menu.Item>
        </Menu.Dropdown>
      </Menu>
      {error !== null && <ErrorAlert error={error} title={t('failed')} />}
      {note && (
        <Alert color="green" role="status" withCloseButton onClose={() => setNote(null)}>
          {note}
        </Alert>
      )}
    </>
  );
}
