// CAP import on the Alerts page: a CAP 1.2 file (XML) picked with the button or dropped
// anywhere on the page becomes a draft alert that opens in the wizard. A file the engine
// refuses is explained by the rule it breaks, in the operator's language.
import { Button, FileButton, Paper, Text } from '@mantine/core';
import { useRef, useState, type DragEvent, type ReactNode } from 'react';
import { CAP_MAX_CHARS } from '@gdial/protocol';
import { ErrorAlert } from '../../components/ErrorAlert';
import { RoleGuard } from '../../components/RoleGuard';
import { useT } from '../../i18n';
import { navigate } from '../../router';
import { useRpc } from '../../rpc/react';
import { useAllowed } from '../../session';

const dict = {
  sv: {
    choose: 'Importera CAP-fil…',
    drop: 'Släpp CAP-filen här för att göra ett utkast till larm',
    reading: 'Läser {name}…',
    tooBig: 'Filen {name} är större än ett CAP-meddelande kan vara (högst 1 MB).',
    failed: 'CAP-filen {name} kunde inte importeras',
    fix: 'Be avsändaren om en rättad fil, eller rätta den och importera igen.',
  },
  en: {
    choose: 'Import CAP file…',
    drop: 'Drop the CAP file here to make a draft alert',
    reading: 'Reading {name}…',
    tooBig: 'The file {name} is bigger than a CAP message can be (at most 1 MB).',
    failed: 'The CAP file {name} could not be imported',
    fix: 'Ask the sender for a corrected file, or correct it and import it again.',
  },
};

/** What the page needs: the button for its header, the drop zone around its content. */
export function useCapImport(): { button: ReactNode; dropZone: (children: ReactNode) => ReactNode; status: ReactNode } {
  const t = useT(dict);
  const rpc = useRpc();
  const { allowed } = useAllowed('cap.import');
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<{ name: string; error: unknown } | null>(null);
  const [over, setOver] = useState(false);
  const resetRef = useRef<() => void>(null);

  const importFile = (file: File) => {
    setError(null);
    if (file.size > CAP_MAX_CHARS) {
      setError({ name: file.name, error: new Error(t('tooBig', { name: file.name })) });
      return;
    }
    setBusy(file.name);
    file
      .text()
      .then((xml) => rpc.call('cap.import', { xml, fileName: file.name }))
      .then(({ campaignId }) => navigate('campaigns', campaignId, 'edit'))
      .catch((e: unknown) => setError({ name: file.name, error: e }))
      .finally(() => setBusy(null));
  };

  const button = (
    <RoleGuard method="cap.import">
      {(refused) => (
        <FileButton
          resetRef={resetRef}
          accept=".xml,.cap,application/xml,text/xml,application/cap+xml"
          onChange={(f) => {
            if (f) importFile(f);
            resetRef.current?.();
          }}
        >
          {(props) => (
            <Button {...props} size="lg" variant="default" loading={busy !== null} disabled={refused}>
              {t('choose')}
            </Button>
          )}
        </FileButton>
      )}
    </RoleGuard>
  );

  const onDragOver = (e: DragEvent) => {
    if (!allowed || !e.dataTransfer.types.includes('Files')) return;
    e.preventDefault();
    setOver(true);
  };
  const onDrop = (e: DragEvent) => {
    if (!allowed) return;
    e.preventDefault();
    setOver(false);
    const file = e.dataTransfer.files[0];
    if (file) importFile(file);
  };
  const dropZone = (children: ReactNode) => (
    <div
      onDragOver={onDragOver}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      data-testid="cap-drop-zone"
      style={{ position: 'relative' }}
    >
      {over && (
        <Paper
          withBorder
          p="xl"
          style={{
            position: 'absolute',
            inset: 0,
            zIndex: 10,
            borderStyle: 'dashed',
            borderWidth: 3,
            opacity: 0.95,
            display: 'grid',
            placeItems: 'center',
          }}
        >
          <Text size="xl" fw={700}>
            {t('drop')}
          </Text>
        </Paper>
      )}
      {children}
    </div>
  );

  const status = (
    <>
      {busy && <Text aria-live="polite">{t('reading', { name: busy })}</Text>}
      {error && <ErrorAlert error={error.error} title={t('failed', { name: error.name })} advice={t('fix')} />}
    </>
  );
  return { button, dropZone, status };
}
