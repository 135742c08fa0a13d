// "Exportera som CAP": the alert as a CAP 1.2 message (XML), saved where the operator
// keeps such files, for authorities and systems that read CAP. Status Test for a test alert.
import { Button } from '@mantine/core';
import { useState } from 'react';
import { downloadBlob } from '../../components/download';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useT } from '../../i18n';
import { useRpc } from '../../rpc/react';

const dict = {
  sv: { export: 'Exportera som CAP', failed: 'CAP-exporten misslyckades' },
  en: { export: 'Export as CAP', failed: 'The CAP export failed' },
};

export function CapExportButton({ id }: { id: number }) {
  const t = useT(dict);
  const rpc = useRpc();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const exportCap = () => {
    setBusy(true);
    setError(null);
    rpc
      .call('cap.export', { id })
      .then(({ xml, fileName }) => downloadBlob(`${fileName}.xml`, new Blob([xml], { type: 'application/xml' })), setError)
      .finally(() => setBusy(false));
  };
  return (
    <>
      <Button variant="default" onClick={exportCap} loading={busy}>
        {t('export')}
      </Button>
      {error !== null && <ErrorAlert error={error} title={t('failed')} />}
    </>
  );
}
